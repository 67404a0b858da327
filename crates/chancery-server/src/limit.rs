//! A token bucket per client address: each client may send `per_second`
//! requests a second on average and `burst` at once. Requests are charged
//! by what they cost as well: the work a request made a worker thread do
//! costs `per_second` tokens a second of it, so one client keeps at most
//! one worker busy on average, however cheap each of its requests looks
//! at the door (a hundred heavy entity pages cost more than a hundred
//! article pages).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a client may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests per second, on average.
    pub per_second: u32,
    /// Requests at once after a pause.
    pub burst: u32,
}

/// Clients remembered at most; the idlest are forgotten beyond it, so a
/// flood of addresses cannot grow memory without bound.
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Charges `client` for `work` a worker did for one of its requests
    /// (measured when the work ends, so work that outlived its request's
    /// timeout is charged in full). The bucket may go below zero: the
    /// client then waits until it has refilled.
    pub(crate) fn charge(&self, client: IpAddr, work: Duration, now: Instant) {
        let rate = f64::from(self.limit.per_second.max(1));
        let cost = work.as_secs_f64() * rate;
        self.with_bucket(client, now, |bucket| bucket.tokens -= cost);
    }

    /// Takes a token for `client`; false when its bucket is empty.
    pub(crate) fn allow(&self, client: IpAddr, now: Instant) -> bool {
        self.with_bucket(client, now, |bucket| {
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                true
            } else {
                false
            }
        })
    }

    /// Refills `client`'s bucket up to `now` and runs `f` on it.
    fn with_bucket<T>(&self, client: IpAddr, now: Instant, f: impl FnOnce(&mut Bucket) -> T) -> T {
        let rate = f64::from(self.limit.per_second.max(1));
        let burst = f64::from(self.limit.burst.max(1));
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Forget clients whose buckets have refilled: they lose nothing.
            buckets
                .retain(|_, b| now.duration_since(b.last).as_secs_f64() * rate + b.tokens < burst);
            if buckets.len() >= MAX_CLIENTS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.last = bucket.last.max(now);
        f(bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_its_rate() {
        let limiter = Limiter::new(RateLimit {
            per_second: 2,
            burst: 3,
        });
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let start = Instant::now();
        assert!((0..3).all(|_| limiter.allow(client, start)));
        assert!(!limiter.allow(client, start));
        assert!(limiter.allow(other, start), "buckets are per client");
        assert!(limiter.allow(client, start + Duration::from_millis(500)));
        assert!(!limiter.allow(client, start + Duration::from_millis(500)));
    }

    #[test]
    fn work_is_charged_by_its_length() {
        let limiter = Limiter::new(RateLimit {
            per_second: 4,
            burst: 8,
        });
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let start = Instant::now();
        assert!(limiter.allow(client, start));
        // Three seconds of work at four tokens a second cost 12 tokens; the
        // bucket, refilled to its 8 while the work ran, owes 4 and takes
        // 1.25 s to reach one token again.
        let end = start + Duration::from_secs(3);
        limiter.charge(client, Duration::from_secs(3), end);
        assert!(!limiter.allow(client, end));
        assert!(!limiter.allow(client, end + Duration::from_millis(1_200)));
        assert!(limiter.allow(client, end + Duration::from_millis(1_300)));
        // Another client pays nothing of it, and short work costs little:
        // 8 tokens less 1 for the request and 0.4 for 100 ms leave 6.6.
        assert!(limiter.allow(other, end));
        limiter.charge(other, Duration::from_millis(100), end);
        assert!((0..6).all(|_| limiter.allow(other, end)));
        assert!(!limiter.allow(other, end));
    }

    #[test]
    fn a_charge_measured_after_a_later_request_keeps_time_monotonic() {
        let limiter = Limiter::new(RateLimit {
            per_second: 1,
            burst: 2,
        });
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let start = Instant::now();
        assert!(limiter.allow(client, start + Duration::from_secs(1)));
        // A charge stamped before the bucket's last update refills nothing.
        limiter.charge(client, Duration::ZERO, start);
        assert!(limiter.allow(client, start + Duration::from_secs(1)));
        assert!(!limiter.allow(client, start + Duration::from_secs(1)));
    }
}
