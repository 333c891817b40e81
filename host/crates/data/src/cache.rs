//! Result cache with a per-entry TTL and single-flight: concurrent callers
//! asking for the same key share one database query.
//!
//! A merged load (several requests answered by one scan) claims the keys
//! of all its requests up front with [`Cache::claim`], so requests for
//! those keys arriving while it runs wait for it instead of querying
//! again. A claim dropped before it is filled (its task cancelled) lets
//! the waiters load for themselves.
//!
//! What a merged load fills is *held* for its first reader even past its
//! TTL (up to [`HOLD_MAX`]): a merged load runs ahead of the single calls
//! it serves (a dashboard's widgets, an alert pass's groups), so with a
//! short or zero TTL the answer would otherwise expire before the call it
//! was loaded for reads it, and that call would scan again.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::error::{DataError, Result};

#[derive(Debug, Clone)]
enum State<V> {
    /// Someone is loading it.
    Loading,
    /// Loaded at this instant.
    Done(Instant, Result<V>),
    /// The loader went away without a result.
    Abandoned,
}

type Slot<V> = Arc<watch::Sender<State<V>>>;

/// One key's slot, its TTL, and whether its result is held for a first
/// reader (filled by a merged load and not read yet).
#[derive(Debug)]
struct Entry<V> {
    slot: Slot<V>,
    ttl: Duration,
    held: bool,
}

impl<V> Entry<V> {
    /// Whether a successful result loaded at `at` may still be served at
    /// `now`.
    fn fresh(&self, at: Instant, now: Instant) -> bool {
        let age = now.duration_since(at);
        age < self.ttl || (self.held && age < HOLD_MAX)
    }
}

/// Every key's entry.
type Slots<K, V> = HashMap<K, Entry<V>>;

/// The longest a merged load's result waits for its first reader past its
/// TTL.
pub(crate) const HOLD_MAX: Duration = Duration::from_secs(30);

/// A map from query keys to results that expire after their TTL.
#[derive(Debug)]
pub(crate) struct Cache<K, V> {
    slots: Mutex<Slots<K, V>>,
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

/// What the map holds for a key, now.
enum Found<V> {
    Fresh(Result<V>),
    Wait(watch::Receiver<State<V>>),
    Claimed,
}

/// The right and duty to fill one key: the result of a load that covers
/// it. Dropped unfilled, the key is released.
#[derive(Debug)]
pub(crate) struct Claim<K: Eq + Hash + Clone, V: Clone> {
    cache: Arc<Cache<K, V>>,
    key: K,
    slot: Option<Slot<V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Claim<K, V> {
    /// Publish the result to the waiters and keep it for its TTL (results
    /// only, never errors).
    pub(crate) fn fill(mut self, result: Result<V>) {
        if let Some(slot) = self.slot.take() {
            self.cache.settle(&self.key, &slot, result);
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Drop for Claim<K, V> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.cache.release(&self.key, &slot);
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Slots<K, V>>> {
        self.slots
            .lock()
            .map_err(|_| DataError::db("cache lock poisoned"))
    }

    /// Look `key` up; when nothing usable is there, put a loading slot in
    /// (the caller then loads).
    fn find_or_insert(&self, key: &K, ttl: Duration) -> Result<(Found<V>, Slot<V>)> {
        let mut slots = self.lock()?;
        let now = Instant::now();
        if slots.len() >= SWEEP_AT {
            slots.retain(|_, e| match &*e.slot.borrow() {
                State::Done(at, _) => e.fresh(*at, now),
                State::Loading => true,
                State::Abandoned => false,
            });
        }
        if let Some(e) = slots.get_mut(key) {
            let found = match &*e.slot.borrow() {
                State::Loading => Some(Found::Wait(e.slot.subscribe())),
                State::Done(at, r @ Ok(_)) if e.fresh(*at, now) => Some(Found::Fresh(r.clone())),
                _ => None,
            };
            if let Some(found) = found {
                let s = Arc::clone(&e.slot);
                if matches!(found, Found::Fresh(_)) && std::mem::take(&mut e.held) {
                    // The held result had its one read; past its TTL it goes.
                    let expired = match &*s.borrow() {
                        State::Done(at, _) => now.duration_since(*at) >= e.ttl,
                        _ => false,
                    };
                    if expired {
                        slots.remove(key);
                    }
                }
                return Ok((found, s));
            }
        }
        let s: Slot<V> = Arc::new(watch::channel(State::Loading).0);
        slots.insert(
            key.clone(),
            Entry {
                slot: Arc::clone(&s),
                ttl,
                held: false,
            },
        );
        Ok((Found::Claimed, s))
    }

    fn settle(&self, key: &K, slot: &Slot<V>, result: Result<V>) {
        let keep = result.is_ok();
        slot.send_replace(State::Done(Instant::now(), result));
        if let Ok(mut slots) = self.slots.lock()
            && slots.get(key).is_some_and(|e| {
                Arc::ptr_eq(&e.slot, slot) && (!keep || (e.ttl.is_zero() && !e.held))
            })
        {
            slots.remove(key);
        }
    }

    /// A waiter read the result loaded at `at` into `slot`: a held
    /// result had its one read (and goes when past its TTL).
    fn read_held(&self, key: &K, slot: &Slot<V>, at: Instant) {
        if let Ok(mut slots) = self.slots.lock()
            && let Some(e) = slots.get_mut(key)
            && Arc::ptr_eq(&e.slot, slot)
            && std::mem::take(&mut e.held)
            && at.elapsed() >= e.ttl
        {
            slots.remove(key);
        }
    }

    fn release(&self, key: &K, slot: &Slot<V>) {
        slot.send_replace(State::Abandoned);
        if let Ok(mut slots) = self.slots.lock()
            && slots.get(key).is_some_and(|e| Arc::ptr_eq(&e.slot, slot))
        {
            slots.remove(key);
        }
    }

    /// The cached value for `key`, or the result of `load` — run once even
    /// when many callers ask at the same time. Errors are shared with the
    /// callers already waiting but never kept.
    pub(crate) async fn get_or_load<F>(
        self: &Arc<Self>,
        key: K,
        ttl: Duration,
        load: F,
    ) -> Result<V>
    where
        F: Future<Output = Result<V>>,
    {
        let mut load = Some(load);
        loop {
            let (found, slot) = self.find_or_insert(&key, ttl)?;
            match found {
                Found::Fresh(r) => return r,
                Found::Wait(mut rx) => {
                    let state = rx
                        .wait_for(|s| !matches!(s, State::Loading))
                        .await
                        .map(|s| s.clone());
                    match state {
                        Ok(State::Done(at, r)) => {
                            self.read_held(&key, &slot, at);
                            return r;
                        }
                        // The loader was cancelled, or dropped its slot:
                        // try again (and maybe load ourselves).
                        _ => continue,
                    }
                }
                Found::Claimed => {
                    let claim = Claim {
                        cache: Arc::clone(self),
                        key: key.clone(),
                        slot: Some(slot),
                    };
                    let Some(load) = load.take() else {
                        return Err(DataError::db("cache loader ran twice"));
                    };
                    let result = load.await;
                    claim.fill(result.clone());
                    return result;
                }
            }
        }
    }

    /// Claim every key of `keys` that is neither cached nor being loaded,
    /// in one step (nobody can slip in between). What the claims are
    /// filled with is held for its first reader (see the module docs).
    pub(crate) fn claim(self: &Arc<Self>, keys: Vec<(K, Duration)>) -> Vec<Claim<K, V>> {
        let Ok(mut slots) = self.lock() else {
            return Vec::new();
        };
        let now = Instant::now();
        let mut out = Vec::new();
        for (key, ttl) in keys {
            if let Some(e) = slots.get(&key) {
                match &*e.slot.borrow() {
                    State::Loading => continue,
                    State::Done(at, Ok(_)) if e.fresh(*at, now) => continue,
                    _ => {}
                }
            }
            let s: Slot<V> = Arc::new(watch::channel(State::Loading).0);
            slots.insert(
                key.clone(),
                Entry {
                    slot: Arc::clone(&s),
                    ttl,
                    held: true,
                },
            );
            out.push(Claim {
                cache: Arc::clone(self),
                key,
                slot: Some(s),
            });
        }
        out
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
        let cache: Arc<Cache<u8, u32>> = Arc::default();
        let ttl = Duration::from_millis(30);
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(1) }).await, Ok(1));
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(2) }).await, Ok(1));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(3) }).await, Ok(3));
        let err = DataError::db("boom");
        assert!(cache.get_or_load(2, ttl, async { Err(err) }).await.is_err());
        assert_eq!(cache.get_or_load(2, ttl, async { Ok(4) }).await, Ok(4));
    }

    #[tokio::test]
    async fn claimed_keys_are_waited_for_and_released_claims_retried() {
        let cache: Arc<Cache<u8, u32>> = Arc::default();
        let ttl = Duration::from_secs(60);
        let mut claims = cache.claim(vec![(1, ttl), (2, ttl)]);
        assert_eq!(claims.len(), 2);
        // Claimed already: a second merged load leaves them alone.
        assert!(cache.claim(vec![(1, ttl)]).is_empty());
        let waiter = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move { cache.get_or_load(1, ttl, async { Ok(99) }).await })
        };
        let other = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move { cache.get_or_load(2, ttl, async { Ok(22) }).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let second = claims.pop().unwrap();
        let first = claims.pop().unwrap();
        assert_eq!(first.key, 1);
        first.fill(Ok(11));
        assert_eq!(waiter.await.unwrap(), Ok(11));
        // Key 2's loader went away: its waiter loads for itself.
        drop(second);
        assert_eq!(other.await.unwrap(), Ok(22));
        assert_eq!(cache.get_or_load(1, ttl, async { Ok(0) }).await, Ok(11));
    }

    #[tokio::test]
    async fn a_merged_load_is_held_for_its_first_reader_even_with_a_zero_ttl() {
        let cache: Arc<Cache<u8, u32>> = Arc::default();
        let zero = Duration::ZERO;
        let mut claims = cache.claim(vec![(1, zero)]);
        claims.pop().unwrap().fill(Ok(5));
        // Filled before anyone asked: the first reader still gets it...
        assert_eq!(cache.get_or_load(1, zero, async { Ok(6) }).await, Ok(5));
        // ...and only the first: with no TTL, the next one loads.
        assert_eq!(cache.get_or_load(1, zero, async { Ok(7) }).await, Ok(7));
        assert_eq!(cache.get_or_load(1, zero, async { Ok(8) }).await, Ok(8));
        let ttl = Duration::from_millis(20);
        let mut claims = cache.claim(vec![(2, ttl)]);
        claims.pop().unwrap().fill(Ok(1));
        tokio::time::sleep(Duration::from_millis(30)).await;
        // Past the TTL but unread: held.
        assert_eq!(cache.get_or_load(2, ttl, async { Ok(2) }).await, Ok(1));
        assert_eq!(cache.get_or_load(2, ttl, async { Ok(3) }).await, Ok(3));
        // Within the TTL it is an ordinary cached entry.
        assert_eq!(cache.get_or_load(2, ttl, async { Ok(4) }).await, Ok(3));
        // Read by a caller that waited for the merged load: that was its
        // read, so a later caller loads again.
        let mut claims = cache.claim(vec![(3, zero)]);
        let waiter = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move { cache.get_or_load(3, zero, async { Ok(0) }).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        claims.pop().unwrap().fill(Ok(30));
        assert_eq!(waiter.await.unwrap(), Ok(30));
        assert_eq!(cache.get_or_load(3, zero, async { Ok(31) }).await, Ok(31));
    }
}
