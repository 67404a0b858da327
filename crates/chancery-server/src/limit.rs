//! A token bucket per client address: each client may send `per_second`
//! requests a second on average and `burst` at once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

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

    /// Takes a token for `client`; false when its bucket is empty.
    pub(crate) fn allow(&self, client: IpAddr, now: Instant) -> bool {
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
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
}
