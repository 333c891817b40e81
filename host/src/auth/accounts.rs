//! Creating users, checking passwords, changing passwords.

use chrono::{DateTime, Utc};

use super::Auth;
use super::error::{AuthError, Result};
use super::password::check_password_rules;
use crate::store::{Role, StoreError, User, UserId, random_hex, validate_username};

/// What [`Auth::ensure_admin`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminBootstrap {
    /// The user existed already; nothing changed.
    Existed,
    /// Created with the password the caller gave.
    Created,
    /// Created with this random password, to be shown once.
    CreatedWithPassword(String),
}

impl Auth {
    /// Create a user. Fails, with nothing stored, on an invalid or taken
    /// username (any letter case) or a password outside the length rules.
    pub fn create_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<User> {
        validate_username(username)?;
        check_password_rules(password)?;
        // Cheap early answer before the costly hash; the store's
        // transaction is what really guarantees uniqueness.
        if self.store.user_by_name(username)?.is_some() {
            return Err(StoreError::DuplicateUsername(username.to_owned()).into());
        }
        let user = User {
            id: UserId::random(),
            username: username.to_owned(),
            password_hash: self.hashing.hash(password)?,
            role,
            created: now,
            password_changed_at: now,
            disabled: false,
        };
        self.store.insert_user(&user)?;
        Ok(user)
    }

    /// Check a username and password. Unknown users cost as much time as
    /// wrong passwords, and both give [`AuthError::InvalidCredentials`].
    pub fn authenticate(&self, username: &str, password: &str) -> Result<User> {
        let Some(user) = self.store.user_by_name(username)? else {
            // The same work as a real check, so time does not tell
            // which usernames exist.
            self.hashing.verify(password, self.dummy_hash()?)?;
            return Err(AuthError::InvalidCredentials);
        };
        if !self.hashing.verify(password, &user.password_hash)? {
            return Err(AuthError::InvalidCredentials);
        }
        if user.disabled {
            return Err(AuthError::AccountDisabled);
        }
        Ok(user)
    }

    /// Set a new password and end all of the user's sessions ("log out
    /// everywhere"); the caller signs the user in again if they changed
    /// their own password. API tokens stay valid: they are revoked
    /// separately.
    pub fn change_password(
        &self,
        user: &UserId,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        check_password_rules(password)?;
        let hash = self.hashing.hash(password)?;
        Ok(self.store.set_password_hash(user, &hash, now)?)
    }

    /// A hash of a random password with the current parameters, made once.
    fn dummy_hash(&self) -> Result<&str> {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        if let Some(h) = DUMMY.get() {
            return Ok(h);
        }
        let h = self.hashing.hash(&random_hex(16))?;
        Ok(DUMMY.get_or_init(|| h))
    }

    /// Run `f` (which hashes: sign-in, a new user, a password change) on a
    /// blocking thread once a hashing slot of `lane` is free, so async
    /// workers never hash and floods queue instead of multiplying memory.
    /// Waits a few seconds at most, then [`AuthError::Busy`].
    pub async fn with_hashing<R, F>(&self, lane: super::Lane, f: F) -> Result<R>
    where
        F: FnOnce(&Auth) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let auth = self.clone();
        self.hashing.run(lane, move || f(&auth)).await
    }

    /// Make sure an admin account named `username` exists, for a first
    /// start such as the demo's `admin`. An existing user is left as it is
    /// (whatever its role or password). A new one gets `password`, or a
    /// random one that is returned so the caller can print it once.
    pub fn ensure_admin(
        &self,
        username: &str,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AdminBootstrap> {
        if self.store.user_by_name(username)?.is_some() {
            return Ok(AdminBootstrap::Existed);
        }
        match password {
            Some(password) => {
                self.create_user(username, password, Role::Admin, now)?;
                Ok(AdminBootstrap::Created)
            }
            None => {
                // 96 random bits: plenty, and short enough to type.
                let generated = random_hex(12);
                self.create_user(username, &generated, Role::Admin, now)?;
                Ok(AdminBootstrap::CreatedWithPassword(generated))
            }
        }
    }
}
