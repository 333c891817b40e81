//! The sled implementation of [`Store`].
//!
//! Layout, one tree per record kind (names in [`trees`]); every value is a
//! versioned JSON record (see `envelope`). Each write ends with a flush so
//! that what a caller was told is saved survives a crash; sled on its own
//! syncs only every 500 ms.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::api::Store;
use super::backup::Backup;
use super::dashboard::{Dashboard, DashboardContent, Sharing, VersionNote};
use super::envelope::{self, SCHEMA_VERSION};
use super::error::{Result, StoreError};
use super::ids::{DashboardId, TokenHash, TokenId, UserId};
use super::session::Session;
use super::user::{ApiToken, Role, User};

mod backup;
mod dashboards;
mod sessions;
mod users;

/// Tree names. Alerts, their history and the notification outbox have
/// their names reserved here so later code and backups agree on them.
pub mod trees {
    /// Schema version of the database as a whole.
    pub const META: &str = "meta";
    /// `UserId` → `User`.
    pub const USERS: &str = "users";
    /// Lower-case username → `UserId`: the uniqueness index.
    pub const USERNAMES: &str = "usernames";
    /// Token hash → `ApiToken`.
    pub const API_TOKENS: &str = "api_tokens";
    /// Session hash → `Session`.
    pub const SESSIONS: &str = "sessions";
    /// `UserId` `/` session hash → nothing: finds a user's sessions.
    pub const SESSIONS_BY_USER: &str = "sessions_by_user";
    /// `DashboardId` → current `Dashboard`.
    pub const DASHBOARDS: &str = "dashboards";
    /// `DashboardId` `/` big-endian u64 version → `Dashboard`.
    pub const DASHBOARD_VERSIONS: &str = "dashboard_versions";
    /// `UserId` → `DashboardId`.
    pub const DEFAULT_DASHBOARDS: &str = "default_dashboards";
    /// Reserved: alert definitions (issue 6).
    pub const ALERTS: &str = "alerts";
    /// Reserved: alert evaluations, state changes and deliveries.
    pub const ALERT_HISTORY: &str = "alert_history";
    /// Reserved: notifications written before sending, marked after.
    pub const OUTBOX: &str = "outbox";

    /// Trees that a backup holds: all but sessions, which are credentials
    /// tied to one running server.
    pub const BACKED_UP: [&str; 10] = [
        META,
        USERS,
        USERNAMES,
        API_TOKENS,
        DASHBOARDS,
        DASHBOARD_VERSIONS,
        DEFAULT_DASHBOARDS,
        ALERTS,
        ALERT_HISTORY,
        OUTBOX,
    ];
}

/// The sled trees reserved for alerts, and the database to flush them.
#[derive(Debug, Clone)]
pub struct AlertTrees {
    /// The database (for `flush_async` and multi-tree transactions).
    pub db: sled::Db,
    /// [`trees::ALERTS`]: definitions and their status.
    pub alerts: sled::Tree,
    /// [`trees::ALERT_HISTORY`]: evaluations, state changes, deliveries.
    pub history: sled::Tree,
    /// [`trees::OUTBOX`]: notifications written before sending.
    pub outbox: sled::Tree,
}

/// Subdirectory of the data directory that holds the database.
pub const STATE_SUBDIR: &str = "state";
/// sled's page cache; its default of 1 GiB is far more than this state
/// needs.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
const SCHEMA_KEY: &[u8] = b"schema_version";

/// The state store on disk, in `<data-dir>/state`.
#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
    users: sled::Tree,
    usernames: sled::Tree,
    api_tokens: sled::Tree,
    sessions: sled::Tree,
    sessions_by_user: sled::Tree,
    dashboards: sled::Tree,
    versions: sled::Tree,
    defaults: sled::Tree,
}

impl SledStore {
    /// Open (or create) the store of a data directory. Fails with
    /// [`StoreError::InUse`] if another process has it open.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let open_err = |source| StoreError::Open {
            dir: data_dir.to_owned(),
            source,
        };
        let path = data_dir.join(STATE_SUBDIR);
        std::fs::create_dir_all(&path).map_err(|e| open_err(e.into()))?;
        let db = sled::Config::new()
            .path(&path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| {
                // sled reports a held lock only as an I/O error with this text.
                if e.to_string().contains("could not acquire lock") {
                    StoreError::InUse {
                        dir: data_dir.to_owned(),
                    }
                } else {
                    open_err(e)
                }
            })?;
        let meta = db.open_tree(trees::META)?;
        let found: Option<u32> = meta
            .get(SCHEMA_KEY)?
            .map(|v| envelope::decode(trees::META, &v))
            .transpose()?;
        if let Some(found) = found
            && found > SCHEMA_VERSION
        {
            return Err(StoreError::NewerSchema {
                tree: trees::META,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found != Some(SCHEMA_VERSION) {
            // From now on this database may hold records an older wasmdash
            // cannot read; say so where that wasmdash looks first.
            mark_schema(&meta)?;
            db.flush()?;
        }
        Ok(Self {
            users: db.open_tree(trees::USERS)?,
            usernames: db.open_tree(trees::USERNAMES)?,
            api_tokens: db.open_tree(trees::API_TOKENS)?,
            sessions: db.open_tree(trees::SESSIONS)?,
            sessions_by_user: db.open_tree(trees::SESSIONS_BY_USER)?,
            dashboards: db.open_tree(trees::DASHBOARDS)?,
            versions: db.open_tree(trees::DASHBOARD_VERSIONS)?,
            defaults: db.open_tree(trees::DEFAULT_DASHBOARDS)?,
            db,
        })
    }

    /// The directory holding the database files.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(STATE_SUBDIR)
    }

    /// The trees reserved for alerts, for the alert engine's own store
    /// (`crate::alerts`), which keeps its records in the same database and
    /// so in the same backups.
    pub fn alert_trees(&self) -> Result<AlertTrees> {
        Ok(AlertTrees {
            alerts: self.db.open_tree(trees::ALERTS)?,
            history: self.db.open_tree(trees::ALERT_HISTORY)?,
            outbox: self.db.open_tree(trees::OUTBOX)?,
            db: self.db.clone(),
        })
    }

    /// Make everything written so far durable. Every write method calls it
    /// before returning.
    fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }
}

/// Record this build's schema version as the database's.
fn mark_schema(meta: &sled::Tree) -> Result<()> {
    meta.insert(SCHEMA_KEY, envelope::encode(trees::META, &SCHEMA_VERSION)?)?;
    Ok(())
}

/// Abort a transaction with our own error.
fn abort<T>(e: StoreError) -> sled::transaction::ConflictableTransactionResult<T, StoreError> {
    Err(sled::transaction::ConflictableTransactionError::Abort(e))
}

impl Store for SledStore {
    fn insert_user(&self, user: &User) -> Result<()> {
        self.insert_user_impl(user)
    }
    fn user(&self, id: &UserId) -> Result<Option<User>> {
        self.user_impl(id)
    }
    fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        self.user_by_name_impl(username)
    }
    fn users(&self) -> Result<Vec<User>> {
        self.users_impl()
    }
    fn set_password_hash(&self, id: &UserId, hash: &str, now: DateTime<Utc>) -> Result<User> {
        self.set_password_hash_impl(id, hash, now)
    }
    fn set_role(&self, id: &UserId, role: Role) -> Result<User> {
        self.modify_user(id, |u| u.role = role)
    }
    fn set_disabled(&self, id: &UserId, disabled: bool) -> Result<User> {
        let user = self.modify_user(id, |u| u.disabled = disabled)?;
        if disabled {
            self.delete_sessions_of_impl(id)?;
        }
        Ok(user)
    }
    fn delete_user(&self, id: &UserId) -> Result<()> {
        self.delete_user_impl(id)
    }
    fn insert_api_token(&self, token: &ApiToken) -> Result<()> {
        self.insert_api_token_impl(token)
    }
    fn api_token(&self, hash: &TokenHash) -> Result<Option<ApiToken>> {
        self.api_token_impl(hash)
    }
    fn api_tokens_of(&self, user: &UserId) -> Result<Vec<ApiToken>> {
        self.api_tokens_of_impl(user)
    }
    fn all_api_tokens(&self) -> Result<Vec<ApiToken>> {
        self.all_api_tokens_impl()
    }
    fn touch_api_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.touch_api_token_impl(hash, now)
    }
    fn delete_api_token(&self, user: &UserId, id: &TokenId) -> Result<()> {
        self.delete_api_token_impl(user, id)
    }
    fn insert_session(&self, session: &Session) -> Result<()> {
        self.insert_session_impl(session)
    }
    fn session(&self, hash: &TokenHash) -> Result<Option<Session>> {
        self.session_impl(hash)
    }
    fn touch_session(
        &self,
        hash: &TokenHash,
        last_seen: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        self.touch_session_impl(hash, last_seen, expires)
    }
    fn delete_session(&self, hash: &TokenHash) -> Result<()> {
        self.delete_session_impl(hash)
    }
    fn delete_sessions_of(&self, user: &UserId) -> Result<usize> {
        self.delete_sessions_of_impl(user)
    }
    fn sweep_sessions(&self, now: DateTime<Utc>) -> Result<usize> {
        self.sweep_sessions_impl(now)
    }
    fn insert_dashboard(&self, dashboard: &Dashboard) -> Result<()> {
        self.insert_dashboard_impl(dashboard)
    }
    fn dashboard(&self, id: &DashboardId) -> Result<Option<Dashboard>> {
        self.dashboard_impl(id)
    }
    fn dashboards(&self) -> Result<Vec<Dashboard>> {
        self.dashboards_impl()
    }
    fn update_dashboard(
        &self,
        id: &DashboardId,
        expected_version: u64,
        content: &DashboardContent,
        note: &VersionNote,
    ) -> Result<Dashboard> {
        self.update_dashboard_impl(id, expected_version, content, note)
    }
    fn set_sharing(
        &self,
        id: &DashboardId,
        sharing: Sharing,
        now: DateTime<Utc>,
    ) -> Result<Dashboard> {
        self.set_sharing_impl(id, sharing, now)
    }
    fn dashboard_versions(&self, id: &DashboardId) -> Result<Vec<Dashboard>> {
        self.dashboard_versions_impl(id)
    }
    fn restore_dashboard(
        &self,
        id: &DashboardId,
        version: u64,
        note: &VersionNote,
    ) -> Result<Dashboard> {
        self.restore_dashboard_impl(id, version, note)
    }
    fn delete_dashboard(&self, id: &DashboardId) -> Result<()> {
        self.delete_dashboard_impl(id)
    }
    fn set_default_dashboard(&self, user: &UserId, dashboard: Option<&DashboardId>) -> Result<()> {
        self.set_default_dashboard_impl(user, dashboard)
    }
    fn default_dashboard(&self, user: &UserId) -> Result<Option<DashboardId>> {
        self.default_dashboard_impl(user)
    }
    fn export_all(&self) -> Result<Backup> {
        self.export_all_impl()
    }
    fn import_all(&self, backup: &Backup) -> Result<()> {
        self.import_all_impl(backup)
    }
}
