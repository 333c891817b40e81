//! Bounded password hashing: at most a few Argon2id computations at once,
//! each in a reused work area, never on an async worker thread.
//!
//! Argon2id's cost is its memory (19 MiB per hash here). Run unbounded, a
//! login flood multiplies that by the number of requests in flight, and the
//! allocator keeps the peak (64 parallel failed logins once took a server
//! from 0.5 to 7.4 GiB). So hashing happens in one of [`HashPool::areas`]
//! work areas, allocated once and reused; a caller that finds them all in
//! use waits (bounded) for one. Async callers first pass an admission
//! gate with as many permits as work areas, then run on a blocking thread;
//! one permit is kept for sign-ins the server already trusts, so a flood of
//! strangers cannot delay a known user's sign-in behind the whole queue.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use super::error::{AuthError, Result};

/// Memory cost, KiB (OWASP's Argon2id recommendation).
const M_COST_KIB: u32 = 19 * 1024;
/// Passes over the memory.
const T_COST: u32 = 2;
/// Length of the stored hash, bytes.
const OUTPUT_LEN: usize = 32;
/// How long a caller waits for a work area before giving up.
const AREA_WAIT: Duration = Duration::from_secs(10);
/// How long an async caller waits at the gate before "busy".
const GATE_WAIT: Duration = Duration::from_secs(3);

/// Which queue an async caller waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Anyone: sign-ins of unknown clients, account changes.
    General,
    /// A sign-in the server has seen succeed before (device cookie or the
    /// same account from the same network): has a permit of its own.
    Trusted,
}

/// A fixed number of reusable Argon2 work areas behind an admission gate.
pub(crate) struct HashPool {
    idle: Mutex<Areas>,
    freed: Condvar,
    general: Arc<Semaphore>,
    trusted: Arc<Semaphore>,
}

struct Areas {
    idle: Vec<Vec<Block>>,
    /// Areas allocated so far (idle or in use); never more than `max`.
    allocated: usize,
    max: usize,
}

impl std::fmt::Debug for HashPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashPool")
            .field("areas", &self.areas())
            .finish_non_exhaustive()
    }
}

impl Default for HashPool {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores.min(4))
    }
}

impl HashPool {
    /// A pool of `areas` work areas (at least 1; allocated on first use).
    /// With two or more, one is reserved for the trusted lane.
    pub(crate) fn new(areas: usize) -> Self {
        let areas = areas.max(1);
        let trusted = usize::from(areas > 1);
        Self {
            idle: Mutex::new(Areas {
                idle: Vec::new(),
                allocated: 0,
                max: areas,
            }),
            freed: Condvar::new(),
            general: Arc::new(Semaphore::new(areas - trusted)),
            trusted: Arc::new(Semaphore::new(trusted)),
        }
    }

    /// How many hashes may run at once.
    pub(crate) fn areas(&self) -> usize {
        self.lock().max
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Areas> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `f` on a blocking thread once the gate of `lane` lets it in
    /// (waiting at most a few seconds, then [`AuthError::Busy`]).
    pub(crate) async fn run<R, F>(&self, lane: Lane, f: F) -> Result<R>
    where
        F: FnOnce() -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let permit = match lane {
            // A trusted caller takes whichever permit frees first.
            Lane::Trusted if self.trusted.available_permits() == 0 => {
                tokio::select! {
                    p = self.trusted.clone().acquire_owned() => p,
                    p = self.general.clone().acquire_owned() => p,
                }
            }
            Lane::Trusted => self.trusted.clone().acquire_owned().await,
            Lane::General => {
                match tokio::time::timeout(GATE_WAIT, self.general.clone().acquire_owned()).await {
                    Ok(p) => p,
                    Err(_) => return Err(AuthError::Busy),
                }
            }
        }
        .map_err(|_| AuthError::Busy)?;
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await;
        joined.map_err(|e| AuthError::Hash(format!("hashing thread failed: {e}")))?
    }

    /// Borrow a work area of at least `blocks` blocks for `f`, waiting for
    /// one when all are in use. An area too small for `blocks` (a hash
    /// stored with a higher memory cost) is grown once and kept.
    fn with_area<R>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> R) -> Result<R> {
        let mut area = {
            let mut areas = self.lock();
            loop {
                if let Some(area) = areas.idle.pop() {
                    break area;
                }
                if areas.allocated < areas.max {
                    areas.allocated += 1;
                    break Vec::new();
                }
                let (guard, timeout) = self
                    .freed
                    .wait_timeout(areas, AREA_WAIT)
                    .unwrap_or_else(PoisonError::into_inner);
                areas = guard;
                if timeout.timed_out() && areas.idle.is_empty() {
                    return Err(AuthError::Busy);
                }
            }
        };
        if area.len() < blocks {
            area.resize(blocks, Block::default());
        }
        let result = f(&mut area);
        self.lock().idle.push(area);
        self.freed.notify_one();
        Ok(result)
    }

    /// Hash a password into a PHC string with a fresh random salt.
    pub(crate) fn hash(&self, password: &str) -> Result<String> {
        let mut salt = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut salt);
        let params = Params::new(M_COST_KIB, T_COST, 1, Some(OUTPUT_LEN))
            .map_err(|e| AuthError::Hash(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut out = [0u8; OUTPUT_LEN];
        self.with_area(params.block_count(), |area| {
            argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, area)
        })?
        .map_err(|e| AuthError::Hash(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
        let out =
            argon2::password_hash::Output::new(&out).map_err(|e| AuthError::Hash(e.to_string()))?;
        Ok(PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: (&params)
                .try_into()
                .map_err(|e: argon2::password_hash::Error| AuthError::Hash(e.to_string()))?,
            salt: Some(salt.as_salt()),
            hash: Some(out),
        }
        .to_string())
    }

    /// Whether `password` matches the PHC string `hash`, compared in
    /// constant time; an unreadable hash simply does not match.
    pub(crate) fn verify(&self, password: &str, hash: &str) -> Result<bool> {
        let Some((argon, salt, expected)) = parse(hash) else {
            return Ok(false);
        };
        let mut out = vec![0u8; expected.len()];
        let blocks = argon.params().block_count();
        let computed = self.with_area(blocks, |area| {
            argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, area)
        })?;
        Ok(computed.is_ok() && bool::from(out.ct_eq(&expected)))
    }
}

/// The hasher, salt and expected output of a stored PHC string.
fn parse(hash: &str) -> Option<(Argon2<'static>, Vec<u8>, Vec<u8>)> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?.to_vec();
    let expected = parsed.hash?.as_bytes().to_vec();
    Some((Argon2::new(algorithm, version, params), salt, expected))
}

#[cfg(test)]
mod tests {
    use argon2::PasswordVerifier;

    use super::*;

    #[test]
    fn hashes_verify_and_match_the_standard_encoding() {
        let pool = HashPool::new(2);
        let h = pool.hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(pool.verify("correct horse", &h).unwrap());
        assert!(!pool.verify("correct horsE", &h).unwrap());
        assert!(!pool.verify("correct horse", "not a hash").unwrap());
        // The argon2 crate's own verifier agrees, so hashes stored before
        // the pool existed and after stay interchangeable.
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        assert_ne!(h, pool.hash("correct horse").unwrap(), "fresh salt");
    }

    #[test]
    fn never_more_areas_than_configured() {
        let pool = Arc::new(HashPool::new(2));
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let pool = pool.clone();
                std::thread::spawn(move || pool.hash(&format!("password {i}")).unwrap())
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let areas = pool.lock();
        assert_eq!(areas.allocated, 2);
        assert_eq!(areas.idle.len(), 2);
    }

    #[tokio::test]
    async fn the_trusted_lane_has_a_permit_of_its_own() {
        let pool = Arc::new(HashPool::new(2));
        // Hold the general lane's only permit.
        let held = pool.general.clone().acquire_owned().await.unwrap();
        let started = std::time::Instant::now();
        let ok = pool.run(Lane::Trusted, || Ok(1)).await.unwrap();
        assert_eq!(ok, 1);
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(held);
    }
}
