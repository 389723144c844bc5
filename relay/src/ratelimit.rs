//! Per-client token buckets for failures (unknown ids, bad owner secrets, wrong recipient tokens).
//!
//! Every request takes a token before it runs and gives it back unless it failed, so only
//! failures spend tokens (honest clients are never slowed) and a burst of parallel requests gets
//! no more than the client's tokens answered. Client IPs live only in this
//! in-memory map, never in the database or the logs; full (idle) buckets are pruned by the sweep.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct FailureLimiter {
    burst: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl FailureLimiter {
    pub fn new(burst: u32, refill_per_min: u32) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            refill_per_sec: f64::from(refill_per_min) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, b: &mut Bucket, now: Instant) {
        let dt = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + dt * self.refill_per_sec).min(self.burst);
        b.at = now;
    }

    /// Takes one token for a request about to run, if this client has one left; the caller gives
    /// it back with [`refund`](Self::refund) when the request did not fail. Spending before the
    /// request runs (not after it failed) bounds what a burst of parallel requests gets: at most
    /// the tokens the client holds are ever in flight.
    pub fn try_spend(&self, ip: IpAddr) -> bool {
        self.try_spend_at(ip, Instant::now())
    }

    fn try_spend_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let b = map.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        self.refill(b, now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back the token of a request that did not fail.
    pub fn refund(&self, ip: IpAddr) {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = map.get_mut(&ip) {
            b.tokens = (b.tokens + 1.0).min(self.burst);
        }
    }

    /// Forgets clients whose bucket has refilled completely.
    pub fn prune(&self) {
        let now = Instant::now();
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, b| {
            let dt = now.saturating_duration_since(b.at).as_secs_f64();
            b.tokens + dt * self.refill_per_sec < self.burst
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_of_failures_then_refill() {
        let l = FailureLimiter::new(3, 60); // one token a second
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.try_spend_at(ip, t0));
        }
        assert!(!l.try_spend_at(ip, t0));
        assert!(l.try_spend_at(other, t0));
        assert!(l.try_spend_at(ip, t0 + Duration::from_millis(1100)));
    }

    #[test]
    fn requests_that_did_not_fail_give_their_token_back() {
        let l = FailureLimiter::new(2, 0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..100 {
            assert!(l.try_spend_at(ip, t0));
            l.refund(ip);
        }
        assert!(l.try_spend_at(ip, t0) && l.try_spend_at(ip, t0));
        assert!(!l.try_spend_at(ip, t0), "two in flight: the budget");
        l.refund(ip);
        l.refund(ip);
        l.refund(ip);
        assert!(l.try_spend_at(ip, t0) && l.try_spend_at(ip, t0));
        assert!(
            !l.try_spend_at(ip, t0),
            "refunds never raise it above the burst"
        );
    }
}
