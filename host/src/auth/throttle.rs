//! Sign-in throttling: per account and per network, with locks that grow
//! and expire, and two ways for a legitimate user to get past an
//! attacker's noise.
//!
//! - **Account**: 10 wrong passwords within a minute lock the username
//!   (known or not, so a lock says nothing about whether it exists) for
//!   30 s; each further lock doubles, up to 15 min; an hour without a
//!   failure forgets the history.
//! - **Network** (the client's IPv4 address or IPv6 /64): 50 failures
//!   within a minute lock every sign-in from it the same way (password
//!   spraying across usernames).
//! - **Known pairs**: an account that signed in from a network before is
//!   not held back by that network's lock (only by its own), and its
//!   sign-in takes the trusted hashing lane.
//! - **Device cookie**: a successful sign-in leaves a signed cookie naming
//!   the user. A browser presenting it for that user is counted on its own
//!   ledger instead of the account's and the network's: an attacker
//!   elsewhere can keep the account locked for strangers, but never for
//!   the browser the user already signed in with.
//!
//! Locked attempts are refused before any hashing, so a flood costs a map
//! lookup each. Every map is bounded; the state is in memory (a restart
//! forgets it, and device cookies are re-issued at the next sign-in).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::hashing::Lane;
use crate::store::UserId;

/// Name of the device cookie.
pub const DEVICE_COOKIE: &str = "wasmdash_device";
/// How long a device cookie is trusted.
pub const DEVICE_COOKIE_DAYS: i64 = 30;
/// Entries kept per ledger; beyond it the stalest are dropped.
const MAX_ENTRIES: usize = 50_000;
/// Bytes of a username used as its key (longer ones cannot exist anyway).
const MAX_KEY_BYTES: usize = 128;

/// How one ledger counts and locks.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRules {
    /// Failures allowed within `window` before a lock.
    pub free_failures: u32,
    /// The counting window.
    pub window: Duration,
    /// The first lock; each further one doubles.
    pub first_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
    /// A key without failures for this long starts over.
    pub forget_after: Duration,
}

/// Limits per username.
pub const ACCOUNT_RULES: ThrottleRules = ThrottleRules {
    free_failures: 10,
    window: Duration::from_secs(60),
    first_lock: Duration::from_secs(30),
    max_lock: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(3600),
};

/// Limits per client network.
pub const NETWORK_RULES: ThrottleRules = ThrottleRules {
    free_failures: 50,
    window: Duration::from_secs(60),
    first_lock: Duration::from_secs(30),
    max_lock: Duration::from_secs(15 * 60),
    forget_after: Duration::from_secs(3600),
};

/// Which limit refused a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleScope {
    /// Too many failures for this username.
    Account,
    /// Too many failures from this network.
    Network,
}

/// A refused sign-in: who is locked and for how long still.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    /// What is locked.
    pub scope: ThrottleScope,
    /// Time left, rounded up to whole seconds (at least 1).
    pub retry_after_secs: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    window_start: Instant,
    failures: u32,
    strikes: u32,
    locked_until: Option<Instant>,
    last_failure: Instant,
}

/// Failures by key under one set of rules.
#[derive(Debug)]
struct Ledger {
    rules: ThrottleRules,
    entries: HashMap<String, Entry>,
}

impl Ledger {
    fn new(rules: ThrottleRules) -> Self {
        Self {
            rules,
            entries: HashMap::new(),
        }
    }

    /// Time left on `key`'s lock, if it is locked.
    fn locked(&self, key: &str, now: Instant) -> Option<Duration> {
        let until = self.entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    /// Count a failure; may start a lock.
    fn fail(&mut self, key: &str, now: Instant) {
        if !self.entries.contains_key(key) && self.entries.len() >= MAX_ENTRIES {
            self.make_room(now);
        }
        let rules = self.rules;
        let e = self.entries.entry(key.to_owned()).or_insert(Entry {
            window_start: now,
            failures: 0,
            strikes: 0,
            locked_until: None,
            last_failure: now,
        });
        if now.duration_since(e.last_failure) >= rules.forget_after {
            e.strikes = 0;
        }
        if now.duration_since(e.window_start) >= rules.window {
            e.window_start = now;
            e.failures = 0;
        }
        e.failures += 1;
        e.last_failure = now;
        if e.failures >= rules.free_failures {
            e.strikes = e.strikes.saturating_add(1);
            let doubling = 2u32.saturating_pow(e.strikes - 1);
            let lock = rules
                .first_lock
                .saturating_mul(doubling)
                .min(rules.max_lock);
            e.locked_until = Some(now + lock);
            e.window_start = now;
            e.failures = 0;
        }
    }

    fn clear(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Drop entries with nothing left to remember; if none, the stalest.
    fn make_room(&mut self, now: Instant) {
        let rules = self.rules;
        self.entries.retain(|_, e| {
            let locked = e.locked_until.is_some_and(|u| u > now);
            locked || now.duration_since(e.last_failure) < rules.forget_after.min(rules.window)
        });
        if self.entries.len() >= MAX_ENTRIES {
            let stalest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_failure)
                .map(|(k, _)| k.clone());
            if let Some(k) = stalest {
                self.entries.remove(&k);
            }
        }
    }
}

/// Who is signing in, as the throttle sees it.
#[derive(Debug, Clone)]
pub struct Attempt {
    account: String,
    network: String,
    /// Set when the request carried a valid device cookie for this user.
    device: Option<String>,
}

impl Attempt {
    /// The hashing lane this attempt may use.
    fn lane(&self, known: bool) -> Lane {
        if known || self.device.is_some() {
            Lane::Trusted
        } else {
            Lane::General
        }
    }
}

/// What [`LoginThrottle::admit`] decided: go ahead, in this lane.
#[derive(Debug, Clone)]
pub struct Admitted {
    attempt: Attempt,
    /// Where to hash.
    pub lane: Lane,
}

/// The sign-in throttle of one server.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: Mutex<Ledger>,
    networks: Mutex<Ledger>,
    devices: Mutex<Ledger>,
    /// (network, account) pairs that signed in successfully, and when.
    known: Mutex<HashMap<(String, String), Instant>>,
    device_key: [u8; 32],
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(ACCOUNT_RULES, NETWORK_RULES)
    }
}

impl LoginThrottle {
    /// A throttle with these rules (devices use the account rules).
    pub fn new(account: ThrottleRules, network: ThrottleRules) -> Self {
        let mut device_key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut device_key);
        Self {
            accounts: Mutex::new(Ledger::new(account)),
            networks: Mutex::new(Ledger::new(network)),
            devices: Mutex::new(Ledger::new(account)),
            known: Mutex::new(HashMap::new()),
            device_key,
        }
    }

    /// Describe an attempt: `username` as typed, the client's address (if
    /// known), and the device cookie it sent, checked against `user` (the
    /// account `username` names, if it exists).
    pub fn attempt(
        &self,
        username: &str,
        client: Option<IpAddr>,
        device_cookie: Option<&str>,
        user: Option<&UserId>,
        now_unix: i64,
    ) -> Attempt {
        let device = match (device_cookie, user) {
            (Some(cookie), Some(user)) => self.check_device(cookie, user, now_unix),
            _ => None,
        };
        Attempt {
            account: account_key(username),
            network: network_key(client),
            device,
        }
    }

    /// Refuse a locked attempt, or say which lane it may hash in.
    pub fn admit(&self, attempt: Attempt, now: Instant) -> Result<Admitted, Locked> {
        if let Some(device) = &attempt.device {
            if let Some(left) = lock(&self.devices).locked(device, now) {
                return Err(locked(ThrottleScope::Account, left));
            }
            return Ok(Admitted {
                lane: attempt.lane(false),
                attempt,
            });
        }
        if let Some(left) = lock(&self.accounts).locked(&attempt.account, now) {
            return Err(locked(ThrottleScope::Account, left));
        }
        let known = self.is_known(&attempt, now);
        if !known && let Some(left) = lock(&self.networks).locked(&attempt.network, now) {
            return Err(locked(ThrottleScope::Network, left));
        }
        Ok(Admitted {
            lane: attempt.lane(known),
            attempt,
        })
    }

    /// Count a wrong password (or unknown username).
    pub fn failed(&self, admitted: &Admitted, now: Instant) {
        let a = &admitted.attempt;
        match &a.device {
            Some(device) => lock(&self.devices).fail(device, now),
            None => {
                lock(&self.accounts).fail(&a.account, now);
                lock(&self.networks).fail(&a.network, now);
            }
        }
    }

    /// A successful sign-in: the account's failures are forgotten and the
    /// pair is known from now on. Returns the device cookie value to set.
    pub fn succeeded(
        &self,
        admitted: &Admitted,
        user: &UserId,
        now: Instant,
        now_unix: i64,
    ) -> String {
        let a = &admitted.attempt;
        lock(&self.accounts).clear(&a.account);
        if let Some(device) = &a.device {
            lock(&self.devices).clear(device);
        }
        let mut known = lock(&self.known);
        if known.len() >= MAX_ENTRIES {
            let horizon = known_horizon();
            known.retain(|_, at| now.duration_since(*at) < horizon);
            if known.len() >= MAX_ENTRIES
                && let Some(k) = known
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(k, _)| k.clone())
            {
                known.remove(&k);
            }
        }
        known.insert((a.network.clone(), a.account.clone()), now);
        self.device_cookie(user, now_unix)
    }

    fn is_known(&self, a: &Attempt, now: Instant) -> bool {
        lock(&self.known)
            .get(&(a.network.clone(), a.account.clone()))
            .is_some_and(|at| now.duration_since(*at) < known_horizon())
    }

    /// A signed device cookie value for `user`, issued now.
    fn device_cookie(&self, user: &UserId, now_unix: i64) -> String {
        let payload = format!("{}.{now_unix}", user.as_str());
        format!("{payload}.{}", hex::encode(self.mac(payload.as_bytes())))
    }

    /// The device's ledger key when `cookie` is a valid, unexpired cookie
    /// of `user`.
    fn check_device(&self, cookie: &str, user: &UserId, now_unix: i64) -> Option<String> {
        let (payload, mac) = cookie.rsplit_once('.')?;
        let (id, issued) = payload.rsplit_once('.')?;
        let issued: i64 = issued.parse().ok()?;
        let expected = hex::encode(self.mac(payload.as_bytes()));
        let valid = bool::from(expected.as_bytes().ct_eq(mac.as_bytes()))
            && id == user.as_str()
            && (0..DEVICE_COOKIE_DAYS * 86_400).contains(&(now_unix - issued));
        valid.then(|| format!("device:{}", &mac[..32]))
    }

    /// HMAC-SHA-256 with the server's device key.
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner_pad = [0x36u8; 64];
        let mut outer_pad = [0x5cu8; 64];
        for (i, k) in self.device_key.iter().enumerate() {
            inner_pad[i] ^= k;
            outer_pad[i] ^= k;
        }
        let inner = Sha256::new()
            .chain_update(inner_pad)
            .chain_update(message)
            .finalize();
        Sha256::new()
            .chain_update(outer_pad)
            .chain_update(inner)
            .finalize()
            .into()
    }
}

fn known_horizon() -> Duration {
    Duration::from_secs(DEVICE_COOKIE_DAYS as u64 * 86_400)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn locked(scope: ThrottleScope, left: Duration) -> Locked {
    Locked {
        scope,
        retry_after_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
    }
}

/// Usernames are compared without letter case; overlong input is cut (no
/// such account can exist, and the key stays small).
fn account_key(username: &str) -> String {
    let lower = username.trim().to_lowercase();
    let mut end = lower.len().min(MAX_KEY_BYTES);
    while !lower.is_char_boundary(end) {
        end -= 1;
    }
    lower[..end].to_owned()
}

/// An IPv4 address, or an IPv6 /64 (one household or host gets a whole
/// /64, so single addresses would be free to rotate).
fn network_key(client: Option<IpAddr>) -> String {
    match client.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn fail_n(t: &LoginThrottle, user: &str, from: &str, n: u32, at: Instant) {
        for _ in 0..n {
            let a = t
                .admit(t.attempt(user, ip(from), None, None, 0), at)
                .unwrap();
            t.failed(&a, at);
        }
    }

    #[test]
    fn the_eleventh_attempt_within_a_minute_is_refused_then_the_lock_expires() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        fail_n(&t, "Ana", "10.0.0.1", 10, t0);
        let refused = t
            .admit(
                t.attempt("ana", ip("10.0.0.2"), None, None, 0),
                t0 + secs(1),
            )
            .unwrap_err();
        assert_eq!(refused.scope, ThrottleScope::Account);
        assert_eq!(refused.retry_after_secs, 29);
        // Other accounts are unaffected.
        assert!(
            t.admit(t.attempt("bo", ip("10.0.0.1"), None, None, 0), t0)
                .is_ok()
        );
        // The lock expires.
        assert!(
            t.admit(
                t.attempt("ana", ip("10.0.0.1"), None, None, 0),
                t0 + secs(31)
            )
            .is_ok()
        );
    }

    #[test]
    fn locks_grow_up_to_a_cap_and_history_is_forgotten() {
        let t = LoginThrottle::default();
        let mut at = Instant::now();
        let mut locks = Vec::new();
        for _ in 0..8 {
            fail_n(&t, "ana", "10.0.0.1", 10, at);
            let l = t
                .admit(t.attempt("ana", None, None, None, 0), at)
                .unwrap_err();
            locks.push(l.retry_after_secs);
            at += secs(l.retry_after_secs);
        }
        assert_eq!(locks, [30, 60, 120, 240, 480, 900, 900, 900]);
        // An hour of quiet: back to the first lock.
        at += secs(3600);
        fail_n(&t, "ana", "10.0.0.1", 10, at);
        let l = t
            .admit(t.attempt("ana", None, None, None, 0), at)
            .unwrap_err();
        assert_eq!(l.retry_after_secs, 30);
    }

    #[test]
    fn spraying_from_one_network_locks_it_but_not_known_pairs() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        let user = UserId::random();
        let a = t
            .admit(t.attempt("ana", ip("10.0.0.1"), None, None, 0), t0)
            .unwrap();
        assert_eq!(a.lane, Lane::General);
        t.succeeded(&a, &user, t0, 0);
        for i in 0..50 {
            fail_n(&t, &format!("user{i}"), "10.0.0.1", 1, t0);
        }
        let refused = t
            .admit(t.attempt("someone", ip("10.0.0.1"), None, None, 0), t0)
            .unwrap_err();
        assert_eq!(refused.scope, ThrottleScope::Network);
        // Ana signed in from there before: not held back, and trusted.
        let a = t
            .admit(t.attempt("ana", ip("10.0.0.1"), None, None, 0), t0)
            .unwrap();
        assert_eq!(a.lane, Lane::Trusted);
        // Another network is fine.
        assert!(
            t.admit(t.attempt("someone", ip("10.0.0.9"), None, None, 0), t0)
                .is_ok()
        );
    }

    #[test]
    fn a_device_cookie_gets_past_an_attackers_account_lock() {
        let t = LoginThrottle::default();
        let t0 = Instant::now();
        let ana = UserId::random();
        let a = t
            .admit(t.attempt("ana", ip("10.0.0.1"), None, Some(&ana), 1000), t0)
            .unwrap();
        let cookie = t.succeeded(&a, &ana, t0, 1000);
        // An attacker elsewhere locks the account.
        fail_n(&t, "ana", "192.0.2.7", 10, t0);
        assert!(
            t.admit(t.attempt("ana", ip("10.0.0.1"), None, Some(&ana), 1001), t0)
                .is_err()
        );
        // Ana's browser still gets in, in the trusted lane.
        let a = t
            .admit(
                t.attempt("ana", ip("10.0.0.1"), Some(&cookie), Some(&ana), 1001),
                t0,
            )
            .unwrap();
        assert_eq!(a.lane, Lane::Trusted);
        // The cookie is worthless for another user, forged, or expired.
        let bo = UserId::random();
        assert!(
            t.attempt("bo", None, Some(&cookie), Some(&bo), 1001)
                .device
                .is_none()
        );
        // Change the last character (to one it is not: a fixed "0" would
        // forge nothing when the cookie already ends in 0).
        let last = if cookie.ends_with('0') { "1" } else { "0" };
        let forged = format!("{}{last}", &cookie[..cookie.len() - 1]);
        assert!(
            t.attempt("ana", None, Some(&forged), Some(&ana), 1001)
                .device
                .is_none()
        );
        let late = 1000 + DEVICE_COOKIE_DAYS * 86_400;
        assert!(
            t.attempt("ana", None, Some(&cookie), Some(&ana), late)
                .device
                .is_none()
        );
        // Wrong passwords through the cookie lock the cookie, not more.
        for _ in 0..10 {
            let a = t
                .admit(t.attempt("ana", None, Some(&cookie), Some(&ana), 1001), t0)
                .unwrap();
            t.failed(&a, t0);
        }
        assert!(
            t.admit(t.attempt("ana", None, Some(&cookie), Some(&ana), 1001), t0)
                .is_err()
        );
    }

    #[test]
    fn ledgers_stay_bounded() {
        let mut l = Ledger::new(ACCOUNT_RULES);
        let t0 = Instant::now();
        for i in 0..MAX_ENTRIES + 10 {
            l.fail(&format!("u{i}"), t0);
        }
        assert!(l.entries.len() <= MAX_ENTRIES);
    }

    #[test]
    fn keys() {
        assert_eq!(account_key("  ÄNA "), "äna");
        assert_eq!(account_key(&"é".repeat(200)).len(), 128);
        assert_eq!(network_key(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(network_key(ip("::ffff:10.0.0.1")), "10.0.0.1");
        assert_eq!(network_key(None), "unknown");
    }
}
