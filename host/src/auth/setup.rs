//! The first start of a server with no users: the first administrator is
//! created from `WASMDASH_ADMIN_PASSWORD`, or chosen by whoever opens a
//! one-time setup link the server prints.
//!
//! The link's token is random (128 bits), lives in memory only, expires
//! after an hour and works once: after the first administrator exists the
//! setup page is gone (404), even with a valid token.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use subtle::ConstantTimeEq as _;

use super::Auth;
use super::error::{AuthError, Result};
use crate::store::{Role, User, random_hex};

/// The environment variable with the first administrator's password.
pub const ADMIN_PASSWORD_ENV: &str = "WASMDASH_ADMIN_PASSWORD";
/// The name of the administrator created from [`ADMIN_PASSWORD_ENV`].
pub const FIRST_ADMIN: &str = "admin";
/// How long a setup link works.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(1);

/// What the first start did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstStart {
    /// Users exist: not a first start.
    HasUsers,
    /// Created [`FIRST_ADMIN`] with the password from the environment.
    CreatedAdmin,
    /// No users: the first administrator is created through
    /// `/setup/<token>`, until the token expires.
    SetupLink {
        /// The secret path segment.
        token: String,
        /// When it stops working.
        expires: DateTime<Utc>,
    },
}

/// The one pending setup token, if any.
#[derive(Debug, Default)]
pub(crate) struct SetupGate {
    pending: Mutex<Option<(String, DateTime<Utc>)>>,
}

impl SetupGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(String, DateTime<Utc>)>> {
        // A panic while holding it leaves valid data behind.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Auth {
    /// On a store without users: create [`FIRST_ADMIN`] with
    /// `admin_password` if given, else open a setup link.
    pub fn first_start(
        &self,
        admin_password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<FirstStart> {
        if !self.store.users()?.is_empty() {
            return Ok(FirstStart::HasUsers);
        }
        if let Some(password) = admin_password {
            self.create_user(FIRST_ADMIN, password, Role::Admin, now)?;
            return Ok(FirstStart::CreatedAdmin);
        }
        let token = random_hex(16);
        let expires = now + SETUP_LINK_LIFETIME;
        *self.setup.lock() = Some((token.clone(), expires));
        Ok(FirstStart::SetupLink { token, expires })
    }

    /// Whether `token` opens the setup page now: it is the pending one,
    /// not expired, and there are still no users.
    pub fn setup_token_valid(&self, token: &str, now: DateTime<Utc>) -> bool {
        let pending = self.setup.lock();
        let Some((expected, expires)) = pending.as_ref() else {
            return false;
        };
        let matches: bool = expected.as_bytes().ct_eq(token.as_bytes()).into();
        matches && now < *expires && self.store.users().is_ok_and(|u| u.is_empty())
    }

    /// Create the first administrator through the setup link, once. The
    /// token is taken while the account is created, so two requests cannot
    /// both use it, and put back if creation fails (a password too short),
    /// so the mistake can be corrected.
    pub fn complete_setup(
        &self,
        token: &str,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        if !self.setup_token_valid(token, now) {
            return Err(AuthError::SetupClosed);
        }
        let Some(taken) = self.setup.lock().take() else {
            return Err(AuthError::SetupClosed);
        };
        match self.create_user(username, password, Role::Admin, now) {
            Ok(user) => Ok(user),
            Err(e) => {
                *self.setup.lock() = Some(taken);
                Err(e)
            }
        }
    }
}
