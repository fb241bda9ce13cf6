//! Login throttling: failed attempts are counted per account and per client
//! address in a sliding window; past the limit, logins are refused until it passes.
//! Kept in memory: each server instance throttles what it sees.

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub window_secs: i64,
    pub per_account: u32,
    pub per_address: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            window_secs: 15 * 60,
            per_account: 5,
            per_address: 30,
        }
    }
}

#[derive(Debug, Default)]
pub struct Throttle {
    limits: Limits,
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    pub fn with_limits(limits: Limits) -> Self {
        Throttle {
            limits,
            failures: Mutex::default(),
        }
    }

    fn keys(account: &str, address: &str) -> [(String, bool); 2] {
        [
            (format!("account:{}", account.to_lowercase()), true),
            (format!("address:{address}"), false),
        ]
    }

    /// True when either the account or the address has too many recent failures.
    pub fn is_blocked(&self, account: &str, address: &str, now: i64) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(account, address)
            .iter()
            .any(|(key, is_account)| {
                let limit = if *is_account {
                    self.limits.per_account
                } else {
                    self.limits.per_address
                };
                failures.get_mut(key).is_some_and(|times| {
                    times.retain(|t| now - t < self.limits.window_secs);
                    times.len() as u32 >= limit
                })
            })
    }

    pub fn record_failure(&self, account: &str, address: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory under a flood of distinct keys.
        if failures.len() > 100_000 {
            failures.retain(|_, times| times.iter().any(|t| now - t < self.limits.window_secs));
        }
        for (key, _) in Self::keys(account, address) {
            failures.entry(key).or_default().push(now);
        }
    }

    /// The window failures are counted in, for a `Retry-After` answer.
    pub fn window_secs(&self) -> i64 {
        self.limits.window_secs
    }

    /// True when `key` (one counter, e.g. a client address guessing sensor
    /// tokens) has `limit` or more failures in the window.
    pub fn is_key_blocked(&self, key: &str, limit: u32, now: i64) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.get_mut(key).is_some_and(|times| {
            times.retain(|t| now - t < self.limits.window_secs);
            times.len() as u32 >= limit
        })
    }

    pub fn record_key_failure(&self, key: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 100_000 {
            failures.retain(|_, times| times.iter().any(|t| now - t < self.limits.window_secs));
        }
        failures.entry(key.to_owned()).or_default().push(now);
    }

    pub fn record_success(&self, account: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&format!("account:{}", account.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_its_limit_and_released_after_the_window() {
        let t = Throttle::default();
        for i in 0..5 {
            assert!(!t.is_blocked("alice", "10.0.0.1", 100 + i));
            t.record_failure("alice", "10.0.0.1", 100 + i);
        }
        assert!(t.is_blocked("alice", "10.0.0.2", 106));
        assert!(!t.is_blocked("bob", "10.0.0.2", 106));
        assert!(!t.is_blocked("alice", "10.0.0.2", 100 + 15 * 60 + 5));
    }

    #[test]
    fn an_address_is_blocked_after_failures_across_many_accounts() {
        let t = Throttle::default();
        for i in 0..30 {
            t.record_failure(&format!("user{i}"), "10.9.9.9", 1000);
        }
        assert!(t.is_blocked("someone-else", "10.9.9.9", 1001));
        assert!(!t.is_blocked("someone-else", "10.9.9.8", 1001));
    }

    #[test]
    fn a_single_key_is_blocked_at_its_own_limit() {
        let t = Throttle::default();
        for _ in 0..3 {
            assert!(!t.is_key_blocked("token:10.0.0.5", 3, 50));
            t.record_key_failure("token:10.0.0.5", 50);
        }
        assert!(t.is_key_blocked("token:10.0.0.5", 3, 51));
        assert!(!t.is_key_blocked("token:10.0.0.6", 3, 51));
        assert!(!t.is_key_blocked("token:10.0.0.5", 3, 50 + t.window_secs()));
    }

    #[test]
    fn a_success_clears_the_account_counter() {
        let t = Throttle::default();
        for _ in 0..4 {
            t.record_failure("carol", "a", 1);
        }
        t.record_success("carol");
        t.record_failure("carol", "a", 2);
        assert!(!t.is_blocked("carol", "b", 3));
    }
}
