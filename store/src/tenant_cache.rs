//! Answers about a tenant's inventory kept until the inventory changes:
//! the communication map (up to 5,000 assets and their edges, hundreds of
//! milliseconds to read at that size, docs/BENCHMARKS.md), the asset
//! table's filter choices (every asset read) and recently asked pages of
//! the asset table. The tables they read change only when an analysis step
//! or a customer's decision commits, and each of those moves the tenant's
//! `analysis_state.version` in the same transaction. So the version is the
//! key: a request reads it (one row) and builds the answer only when none
//! of that version is kept. Several instances sharing a database each keep
//! their own, still right, since the version is in the database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Answers kept at once by default; beyond it the least recently read
/// goes. A map at the limits is about 2 MB of JSON.
pub const KEPT_ANSWERS: usize = 64;

/// A tenant and what was asked (empty for an answer with no question).
type Key = (i64, String);

/// One kind of answer, per tenant and question, as of one inventory version.
pub struct TenantCache<T: ?Sized> {
    inner: Mutex<Inner<T>>,
    capacity: usize,
}

impl<T: ?Sized> Default for TenantCache<T> {
    fn default() -> Self {
        TenantCache::with_capacity(KEPT_ANSWERS)
    }
}

struct Inner<T: ?Sized> {
    answers: HashMap<Key, Kept<T>>,
    /// One build at a time per question: when the inventory changes, the
    /// requests that miss together wait for one build instead of each
    /// running it.
    building: HashMap<Key, Arc<tokio::sync::Mutex<()>>>,
    reads: u64,
}

struct Kept<T: ?Sized> {
    version: i64,
    answer: Arc<T>,
    last_read: u64,
}

impl<T: ?Sized> TenantCache<T> {
    /// Keeps at most `capacity` answers.
    pub fn with_capacity(capacity: usize) -> Self {
        TenantCache {
            inner: Mutex::new(Inner {
                answers: HashMap::new(),
                building: HashMap::new(),
                reads: 0,
            }),
            capacity: capacity.max(1),
        }
    }

    /// The answer to `question` for the tenant as of `version`, if kept.
    pub fn get(&self, tenant_id: i64, question: &str, version: i64) -> Option<Arc<T>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.reads += 1;
        let now = inner.reads;
        let kept = inner.answers.get_mut(&(tenant_id, question.to_owned()))?;
        if kept.version != version {
            return None;
        }
        kept.last_read = now;
        Some(kept.answer.clone())
    }

    /// Keeps the answer as of `version`, unless a newer one is kept (a slow
    /// build must not replace a newer answer with its older one).
    pub fn put(&self, tenant_id: i64, question: &str, version: i64, answer: Arc<T>) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.reads += 1;
        let now = inner.reads;
        let key = (tenant_id, question.to_owned());
        if inner
            .answers
            .get(&key)
            .is_some_and(|kept| kept.version > version)
        {
            return;
        }
        inner.answers.insert(
            key,
            Kept {
                version,
                answer,
                last_read: now,
            },
        );
        while inner.answers.len() > self.capacity {
            let Some(oldest) = inner
                .answers
                .iter()
                .min_by_key(|(_, kept)| kept.last_read)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            inner.answers.remove(&oldest);
        }
        // Locks nobody holds or waits for: one per question ever asked
        // would otherwise pile up.
        inner.building.retain(|_, lock| Arc::strong_count(lock) > 1);
    }

    /// The lock a request holds while it builds an answer.
    pub fn build_lock(&self, tenant_id: i64, question: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .building
            .entry((tenant_id, question.to_owned()))
            .or_default()
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Arc<str> {
        Arc::from(text)
    }

    #[test]
    fn a_map_is_kept_for_its_version_only() {
        let cache = TenantCache::<str>::default();
        assert!(cache.get(1, "", 3).is_none());
        cache.put(1, "", 3, json("v3"));
        assert_eq!(cache.get(1, "", 3).as_deref(), Some("v3"));
        assert!(
            cache.get(1, "", 4).is_none(),
            "a newer version is built again"
        );
        assert!(
            cache.get(2, "", 3).is_none(),
            "another tenant's map is not shared"
        );
        assert!(
            cache.get(1, "page 2", 3).is_none(),
            "nor another question's"
        );
    }

    #[test]
    fn an_older_build_never_replaces_a_newer_map() {
        let cache = TenantCache::<str>::default();
        cache.put(1, "", 5, json("v5"));
        cache.put(1, "", 4, json("v4"));
        assert_eq!(cache.get(1, "", 5).as_deref(), Some("v5"));
        cache.put(1, "", 6, json("v6"));
        assert_eq!(cache.get(1, "", 6).as_deref(), Some("v6"));
    }

    #[test]
    fn beyond_the_limit_the_least_recently_read_goes() {
        let cache = TenantCache::<str>::default();
        for tenant in 0..KEPT_ANSWERS as i64 {
            cache.put(tenant, "", 1, json("map"));
        }
        // Tenant 0 is read again, so tenant 1 is now the least recent.
        assert!(cache.get(0, "", 1).is_some());
        cache.put(1_000, "", 1, json("new"));
        assert!(cache.get(0, "", 1).is_some());
        assert!(cache.get(1, "", 1).is_none());
        assert!(cache.get(1_000, "", 1).is_some());
        assert!(cache.get(2, "", 1).is_some());
    }

    #[test]
    fn locks_nobody_holds_are_dropped() {
        let cache = TenantCache::<str>::with_capacity(4);
        let held = cache.build_lock(1, "a");
        drop(cache.build_lock(1, "b"));
        cache.put(1, "a", 1, json("a"));
        let inner = cache.inner.lock().unwrap();
        assert_eq!(inner.building.len(), 1, "only the held lock is left");
        drop(inner);
        drop(held);
    }
}
