//! Sessions in sled, with a per-user index for "log out everywhere".

use chrono::{DateTime, Utc};
use sled::Transactional;

use super::{SledStore, abort, trees};
use crate::envelope::{decode, encode};
use crate::error::{Result, from_tx};
use crate::ids::{TokenHash, UserId};
use crate::session::Session;

/// `sessions_by_user` key: user id, `/`, session hash. Ids are hex, so the
/// separator cannot occur inside them and a prefix scan finds one user's.
fn index_key(user: &UserId, hash: &TokenHash) -> Vec<u8> {
    let mut key = user_prefix(user);
    key.extend_from_slice(hash.as_bytes());
    key
}

fn user_prefix(user: &UserId) -> Vec<u8> {
    let mut key = user.as_str().as_bytes().to_vec();
    key.push(b'/');
    key
}

impl SledStore {
    /// (index key, session key) of every session of `user`.
    pub(super) fn session_keys_of(&self, user: &UserId) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let prefix = user_prefix(user);
        self.sessions_by_user
            .scan_prefix(&prefix)
            .keys()
            .map(|k| {
                let k = k?;
                let session_key = k[prefix.len()..].to_vec();
                Ok((k.to_vec(), session_key))
            })
            .collect()
    }

    pub(super) fn insert_session_impl(&self, session: &Session) -> Result<()> {
        let value = encode(trees::SESSIONS, session)?;
        (&self.sessions, &self.sessions_by_user)
            .transaction(|(sessions, by_user)| {
                sessions.insert(session.hash.as_bytes(), value.clone())?;
                by_user.insert(index_key(&session.user, &session.hash), &[])?;
                Ok(())
            })
            .map_err(from_tx)?;
        self.flush()
    }

    pub(super) fn session_impl(&self, hash: &TokenHash) -> Result<Option<Session>> {
        self.sessions
            .get(hash.as_bytes())?
            .map(|v| decode(trees::SESSIONS, &v))
            .transpose()
    }

    pub(super) fn touch_session_impl(
        &self,
        hash: &TokenHash,
        last_seen: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        self.sessions
            .transaction(|sessions| {
                if let Some(bytes) = sessions.get(hash.as_bytes())? {
                    let mut s: Session = decode(trees::SESSIONS, &bytes).or_else(abort)?;
                    s.last_seen = last_seen;
                    s.expires = expires;
                    sessions
                        .insert(hash.as_bytes(), encode(trees::SESSIONS, &s).or_else(abort)?)?;
                }
                Ok(())
            })
            .map_err(from_tx)?;
        self.flush()
    }

    /// Remove the given sessions if `still_due` says so when re-read inside
    /// the transaction; returns how many were removed.
    fn remove_sessions(
        &self,
        hashes: &[TokenHash],
        still_due: impl Fn(&Session) -> bool,
    ) -> Result<usize> {
        if hashes.is_empty() {
            return Ok(0);
        }
        let removed = (&self.sessions, &self.sessions_by_user)
            .transaction(|(sessions, by_user)| {
                let mut removed = 0;
                for hash in hashes {
                    let Some(bytes) = sessions.get(hash.as_bytes())? else {
                        continue;
                    };
                    let s: Session = decode(trees::SESSIONS, &bytes).or_else(abort)?;
                    if still_due(&s) {
                        sessions.remove(hash.as_bytes())?;
                        by_user.remove(index_key(&s.user, hash))?;
                        removed += 1;
                    }
                }
                Ok(removed)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(removed)
    }

    pub(super) fn delete_session_impl(&self, hash: &TokenHash) -> Result<()> {
        self.remove_sessions(&[*hash], |_| true).map(drop)
    }

    pub(super) fn delete_sessions_of_impl(&self, user: &UserId) -> Result<usize> {
        let hashes: Vec<TokenHash> = self
            .session_keys_of(user)?
            .iter()
            .filter_map(|(_, k)| TokenHash::from_slice(k))
            .collect();
        self.remove_sessions(&hashes, |_| true)
    }

    pub(super) fn sweep_sessions_impl(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut expired = Vec::new();
        for kv in self.sessions.iter() {
            let s: Session = decode(trees::SESSIONS, &kv?.1)?;
            if s.expires <= now {
                expired.push(s.hash);
            }
        }
        // Re-checked inside: a session used since the scan is kept.
        self.remove_sessions(&expired, |s| s.expires <= now)
    }
}
