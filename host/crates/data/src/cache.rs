//! Result cache with a per-entry TTL and single-flight: concurrent callers
//! asking for the same key share one database query.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::error::{DataError, Result};

type Slot<V> = Arc<OnceCell<(Instant, Result<V>)>>;

/// A map from query keys to results that expire after their TTL.
#[derive(Debug)]
pub(crate) struct Cache<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 1024;

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    /// The cached value for `key`, or the result of `load` — run once even
    /// when many callers ask at the same time. Errors are shared with the
    /// callers already waiting but never kept.
    pub(crate) async fn get_or_load<F>(&self, key: K, ttl: Duration, load: F) -> Result<V>
    where
        F: Future<Output = Result<V>>,
    {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| DataError::db("cache lock poisoned"))?;
            let now = Instant::now();
            if slots.len() >= SWEEP_AT {
                slots.retain(|_, s| s.get().is_none_or(|(at, _)| now.duration_since(*at) < ttl));
            }
            let fresh = slots.get(&key).filter(|s| match s.get() {
                None => true, // In flight: join it.
                Some((at, r)) => r.is_ok() && now.duration_since(*at) < ttl,
            });
            match fresh {
                Some(s) => Arc::clone(s),
                None => {
                    let s: Slot<V> = Arc::default();
                    slots.insert(key.clone(), Arc::clone(&s));
                    s
                }
            }
        };
        let (_, result) = slot
            .get_or_init(|| async { (Instant::now(), load.await) })
            .await;
        let result = result.clone();
        if (result.is_err() || ttl.is_zero())
            && let Ok(mut slots) = self.slots.lock()
            && slots.get(&key).is_some_and(|s| Arc::ptr_eq(s, &slot))
        {
            slots.remove(&key);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_identical_queries_run_once() {
        let cache: Arc<Cache<&str, u32>> = Arc::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, runs) = (Arc::clone(&cache), Arc::clone(&runs));
                tokio::spawn(async move {
                    cache
                        .get_or_load("k", Duration::from_secs(60), async {
                            runs.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Ok(7)
                        })
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn entries_expire_and_errors_are_not_kept() {
        let cache: Cache<u8, u32> = Cache::default();
        let ttl = Duration::from_millis(30);
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(1) }).await, Ok(1));
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(2) }).await, Ok(1));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(3) }).await, Ok(3));
        let err = DataError::db("boom");
        assert!(cache.get_or_load(2, ttl, async { Err(err) }).await.is_err());
        assert_eq!(cache.get_or_load(2, ttl, async { Ok(4) }).await, Ok(4));
    }
}
