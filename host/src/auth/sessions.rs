//! Browser sessions: sign-in, validation with sliding expiry, sign-out.
//!
//! The session id is 256 random bits, given to the browser once and stored
//! only as its SHA-256. Every sign-in creates a new id (and drops the one
//! the browser had), so an id planted before sign-in is useless after it.

use std::fmt;

use chrono::{DateTime, Utc};

use super::Auth;
use super::error::{AuthError, Result};
use crate::store::{Session, TokenHash, User, UserId, random_hex};

/// A session id as the browser holds it (the cookie value). Secret: its
/// `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// The cookie value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// The result of a sign-in.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes into the session cookie; shown nowhere else.
    pub token: SessionToken,
    /// The stored session, with its CSRF token.
    pub session: Session,
    /// Who signed in.
    pub user: User,
}

impl Auth {
    /// Sign in with a password. `previous` is the session id the browser
    /// sent, if any; it is ended, so each sign-in rotates the id.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        previous: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<NewSession> {
        let user = self.authenticate(username, password)?;
        if let Some(old) = previous {
            self.logout(old)?;
        }
        self.start_session(user, now)
    }

    /// Start a session for a user who has already proved who they are
    /// (after [`Auth::authenticate`] or a password change).
    pub fn start_session(&self, user: User, now: DateTime<Utc>) -> Result<NewSession> {
        let token = SessionToken(random_hex(32));
        let session = Session {
            hash: TokenHash::of(token.as_str()),
            user: user.id.clone(),
            csrf_token: random_hex(32),
            created: now,
            expires: (now + self.config.idle_timeout).min(now + self.config.absolute_timeout),
            last_seen: now,
        };
        self.store.insert_session(&session)?;
        Ok(NewSession {
            token,
            session,
            user,
        })
    }

    /// The user and session behind a session id, extending the session's
    /// expiry. Expired or voided sessions are deleted and refused.
    pub fn validate_session(&self, token: &str, now: DateTime<Utc>) -> Result<(User, Session)> {
        let hash = TokenHash::of(token);
        let Some(mut session) = self.store.session(&hash)? else {
            return Err(AuthError::NotSignedIn);
        };
        if session.expires <= now {
            self.store.delete_session(&hash)?;
            return Err(AuthError::SessionExpired);
        }
        let user = match self.store.user(&session.user)? {
            // Sessions from before the last password change are void even if
            // one slipped past the "log out everywhere" sweep.
            Some(u) if !u.disabled && u.password_changed_at <= session.created => u,
            _ => {
                self.store.delete_session(&hash)?;
                return Err(AuthError::NotSignedIn);
            }
        };
        if now - session.last_seen >= self.config.touch_interval {
            let expires = (now + self.config.idle_timeout)
                .min(session.created + self.config.absolute_timeout);
            self.store.touch_session(&hash, now, expires)?;
            session.last_seen = now;
            session.expires = expires;
        }
        Ok((user, session))
    }

    /// End one session; an unknown id is fine (already signed out).
    pub fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&TokenHash::of(token))?)
    }

    /// End every session of a user; returns how many there were.
    pub fn logout_everywhere(&self, user: &UserId) -> Result<usize> {
        Ok(self.store.delete_sessions_of(user)?)
    }

    /// Delete expired sessions; run it now and then (e.g. hourly).
    pub fn sweep_sessions(&self, now: DateTime<Utc>) -> Result<usize> {
        Ok(self.store.sweep_sessions(now)?)
    }
}
