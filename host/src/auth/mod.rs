//! Authentication and authorization: passwords, sessions, CSRF tokens, API
//! tokens, and the permission rules every route asks.
//!
//! [`Auth`] is the service the web layer holds next to the store; it
//! turns credentials into a [`User`](crate::store::User). What that user
//! may do is answered by [`can`], [`can_create_dashboard`] and
//! [`can_manage_users`], and nowhere else. Times are passed in (`now`)
//! rather than read from the clock, so expiry is testable without waiting.
//!
//! Password hashing is deliberately slow (Argon2id) and bounded: a few
//! reusable work areas, never more hashes at once (see `hashing`). From
//! async code, sign in with [`Auth::sign_in`] (throttled, off the async
//! workers) and run the other password methods through
//! [`Auth::with_hashing`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use chrono::Utc;
//! use wasmdash::auth::{Action, Auth, AuthConfig, can};
//! use wasmdash::store::{Role, SledStore, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store: Arc<dyn Store> = Arc::new(SledStore::open("./wasmdash-demo".as_ref())?);
//! let auth = Auth::new(store.clone(), AuthConfig::default());
//! auth.create_user("alice", "a long password", Role::Editor, Utc::now())?;
//! let signed_in = auth.login("alice", "a long password", None, Utc::now())?;
//! // The browser keeps `signed_in.token`; each request then does:
//! let (user, _session) = auth.validate_session(signed_in.token.as_str(), Utc::now())?;
//! for dashboard in store.dashboards()? {
//!     println!("{}: {}", dashboard.content.title, can(&user, Action::Edit, &dashboard));
//! }
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;

use chrono::Duration;

use crate::store::Store;

mod accounts;
mod csrf;
mod data_access;
mod error;
mod hashing;
mod password;
mod permission;
mod sessions;
mod setup;
mod sign_in;
mod throttle;
mod tokens;

pub use accounts::AdminBootstrap;
pub use csrf::{CSRF_FIELD, CSRF_HEADER, check_csrf};
pub use data_access::{BadGrant, DataAccess, NotPermitted, check_grant};
pub use error::{AuthError, Result};
pub use hashing::Lane;
pub use password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, check_password_rules};
pub use permission::{
    Action, can, can_create_dashboard, can_manage_users, can_restore, visible_to,
};
pub use sessions::{NewSession, SessionToken};
pub use setup::{ADMIN_PASSWORD_ENV, FIRST_ADMIN, FirstStart, SETUP_LINK_LIFETIME};
pub use sign_in::{SignIn, SignedIn};
pub use throttle::{
    ACCOUNT_RULES, DEVICE_COOKIE, DEVICE_COOKIE_DAYS, Locked, LoginThrottle, NETWORK_RULES,
    ThrottleRules, ThrottleScope,
};
pub use tokens::{
    API_TOKEN_PREFIX, MAX_TOKEN_LIFETIME_DAYS, NewApiToken, TokenOptions, bearer_token,
    parse_lifetime,
};

/// Session lifetimes.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// A session ends after this long without a request (sliding expiry).
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however active.
    pub absolute_timeout: Duration,
    /// Activity is written back at most this often per session or token,
    /// so reading a dashboard does not cost a disk flush per request.
    pub touch_interval: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::hours(12),
            absolute_timeout: Duration::days(7),
            touch_interval: Duration::seconds(60),
        }
    }
}

/// Accounts, sessions and API tokens over a [`Store`].
#[derive(Debug, Clone)]
pub struct Auth {
    store: Arc<dyn Store>,
    config: AuthConfig,
    hashing: Arc<hashing::HashPool>,
    throttle: Arc<LoginThrottle>,
    data_access: Arc<DataAccess>,
    setup: Arc<setup::SetupGate>,
}

impl Auth {
    /// A service over `store`.
    pub fn new(store: Arc<dyn Store>, config: AuthConfig) -> Self {
        Self {
            store,
            config,
            hashing: Arc::new(hashing::HashPool::default()),
            throttle: Arc::new(LoginThrottle::default()),
            data_access: Arc::new(DataAccess::default()),
            setup: Arc::default(),
        }
    }

    /// The same service with the dataset rules of the configuration.
    pub fn with_data_access(mut self, access: DataAccess) -> Self {
        self.data_access = Arc::new(access);
        self
    }

    /// Who may read which datasets and metrics.
    pub fn data_access(&self) -> &DataAccess {
        &self.data_access
    }

    /// The same service with another sign-in throttle (tests use short
    /// locks).
    pub fn with_throttle(mut self, throttle: LoginThrottle) -> Self {
        self.throttle = Arc::new(throttle);
        self
    }

    /// The store it uses.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Its configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }
}
