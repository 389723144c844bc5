//! Per-client token buckets for failures (unknown ids, bad owner secrets, wrong recipient tokens).
//!
//! Only failures spend tokens, so honest clients are never slowed. Client IPs live only in this
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

    /// Whether this client may make a request now (it has at least one failure left).
    pub fn allowed(&self, ip: IpAddr) -> bool {
        self.allowed_at(ip, Instant::now())
    }

    fn allowed_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(&ip) {
            None => true,
            Some(b) => {
                self.refill(b, now);
                b.tokens >= 1.0
            }
        }
    }

    /// Spends one token for a failed request.
    pub fn failed(&self, ip: IpAddr) {
        self.failed_at(ip, Instant::now())
    }

    fn failed_at(&self, ip: IpAddr, now: Instant) {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let b = map.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        self.refill(b, now);
        b.tokens = (b.tokens - 1.0).max(0.0);
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
            assert!(l.allowed_at(ip, t0));
            l.failed_at(ip, t0);
        }
        assert!(!l.allowed_at(ip, t0));
        assert!(l.allowed_at(other, t0));
        assert!(l.allowed_at(ip, t0 + Duration::from_millis(1100)));
    }
}
