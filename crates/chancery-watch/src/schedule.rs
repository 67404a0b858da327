//! Adaptive polling: how long until a feed is polled again.

use std::time::Duration;

/// Bounds of the polling interval.
#[derive(Debug, Clone, Copy)]
pub struct PollPolicy {
    /// The interval of a feed never polled.
    pub initial: Duration,
    /// Never poll a feed more often than this (nor than its TTL).
    pub min: Duration,
    /// Poll every feed at least this often.
    pub max: Duration,
    /// The longest wait after errors.
    pub max_error_backoff: Duration,
}

impl Default for PollPolicy {
    fn default() -> PollPolicy {
        PollPolicy {
            initial: Duration::from_secs(15 * 60),
            min: Duration::from_secs(5 * 60),
            max: Duration::from_secs(6 * 3600),
            max_error_backoff: Duration::from_secs(24 * 3600),
        }
    }
}

impl PollPolicy {
    /// The next interval after a successful poll: halved when the feed had
    /// new items, half as long again when it had none, within
    /// `[max(min, ttl), max]`.
    pub fn next_interval(
        &self,
        previous: Duration,
        new_items: usize,
        ttl: Option<Duration>,
    ) -> Duration {
        let next = if new_items > 0 {
            previous / 2
        } else {
            previous.saturating_mul(3) / 2
        };
        let floor = self.min.max(ttl.unwrap_or(Duration::ZERO));
        next.clamp(floor, self.max.max(floor))
    }

    /// The wait after `streak` failed polls in a row (1 = the first
    /// failure): the initial interval doubled per failure, capped, so a
    /// dead feed is never retried hot.
    pub fn error_delay(&self, streak: u32) -> Duration {
        let factor = 1u32 << streak.saturating_sub(1).min(16);
        self.initial
            .saturating_mul(factor)
            .min(self.max_error_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_feeds_speed_up_quiet_ones_slow_down_within_bounds() {
        let policy = PollPolicy::default();
        let start = policy.initial;
        assert_eq!(
            policy.next_interval(start, 3, None),
            Duration::from_secs(450).max(policy.min)
        );
        assert_eq!(
            policy.next_interval(start, 0, None),
            Duration::from_secs(1350)
        );
        let mut quiet = start;
        for _ in 0..50 {
            quiet = policy.next_interval(quiet, 0, None);
        }
        assert_eq!(quiet, policy.max);
        let mut busy = start;
        for _ in 0..50 {
            busy = policy.next_interval(busy, 10, None);
        }
        assert_eq!(busy, policy.min);
        // The TTL is a floor.
        assert_eq!(
            policy.next_interval(busy, 10, Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn errors_back_off_exponentially_and_cap() {
        let policy = PollPolicy::default();
        assert_eq!(policy.error_delay(1), policy.initial);
        assert_eq!(policy.error_delay(2), policy.initial * 2);
        assert_eq!(policy.error_delay(3), policy.initial * 4);
        assert_eq!(policy.error_delay(40), policy.max_error_backoff);
    }
}
