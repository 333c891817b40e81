//! The [`Store`] trait: everything the host keeps between restarts.

use chrono::{DateTime, Utc};

use super::backup::Backup;
use super::dashboard::{Dashboard, DashboardContent, Sharing, VersionNote};
use super::error::{Result, StoreError};
use super::ids::{DashboardId, TokenHash, TokenId, UserId};
use super::session::Session;
use super::user::{ApiToken, Role, User};

/// How many versions of a dashboard are kept, the current one included.
pub const KEPT_VERSIONS: u64 = 20;

/// Host state, held by the web layer as `Arc<dyn Store>`.
///
/// Methods are synchronous and may block on disk I/O: every write is
/// durable (flushed to disk) before it returns, so an acknowledged change
/// survives a crash. From async code, call writes through
/// `tokio::task::spawn_blocking` or accept a few milliseconds of blocking.
/// A failed write changes nothing; multi-record writes are transactions.
///
/// The store enforces structural invariants (unique usernames, grid bounds,
/// versions) but no permissions: callers ask `auth::permission` first.
pub trait Store: Send + Sync + std::fmt::Debug {
    // --- users ---

    /// Add a user. Fails with [`StoreError::DuplicateUsername`] if the name
    /// is taken in any letter case.
    fn insert_user(&self, user: &User) -> Result<()>;
    /// A user by id.
    fn user(&self, id: &UserId) -> Result<Option<User>>;
    /// A user by name, case-insensitively.
    fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    /// All users, sorted by lower-case name.
    fn users(&self) -> Result<Vec<User>>;
    /// Replace the password hash and end all of the user's sessions.
    fn set_password_hash(&self, id: &UserId, hash: &str, now: DateTime<Utc>) -> Result<User>;
    /// Change a user's role.
    fn set_role(&self, id: &UserId, role: Role) -> Result<User>;
    /// Disable or enable a user; disabling ends all of their sessions.
    fn set_disabled(&self, id: &UserId, disabled: bool) -> Result<User>;
    /// Delete a user with their sessions, API tokens and default-dashboard
    /// choice, all or nothing. Their dashboards are left alone: callers
    /// decide what happens to them first.
    fn delete_user(&self, id: &UserId) -> Result<()>;

    // --- API tokens ---

    /// Store a new token record.
    fn insert_api_token(&self, token: &ApiToken) -> Result<()>;
    /// A token by the hash of its secret.
    fn api_token(&self, hash: &TokenHash) -> Result<Option<ApiToken>>;
    /// A user's tokens, oldest first.
    fn api_tokens_of(&self, user: &UserId) -> Result<Vec<ApiToken>>;
    /// Every user's tokens, oldest first (the admin's view).
    fn all_api_tokens(&self) -> Result<Vec<ApiToken>>;
    /// A token by its id, whoever owns it.
    fn api_token_by_id(&self, id: &TokenId) -> Result<Option<ApiToken>> {
        Ok(self.all_api_tokens()?.into_iter().find(|t| &t.id == id))
    }
    /// Record that a token was used.
    fn touch_api_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
    /// Revoke one of `user`'s tokens.
    fn delete_api_token(&self, user: &UserId, id: &TokenId) -> Result<()>;

    // --- sessions ---

    /// Store a new session.
    fn insert_session(&self, session: &Session) -> Result<()>;
    /// A session by the hash of its id.
    fn session(&self, hash: &TokenHash) -> Result<Option<Session>>;
    /// Record activity: new `last_seen` and `expires`. A session deleted in
    /// the meantime stays deleted.
    fn touch_session(
        &self,
        hash: &TokenHash,
        last_seen: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()>;
    /// End one session; ending an unknown one is not an error.
    fn delete_session(&self, hash: &TokenHash) -> Result<()>;
    /// End every session of a user; returns how many there were.
    fn delete_sessions_of(&self, user: &UserId) -> Result<usize>;
    /// Delete sessions that expired before `now`; returns how many.
    fn sweep_sessions(&self, now: DateTime<Utc>) -> Result<usize>;

    // --- dashboards ---

    /// Store a new dashboard (validated, version 1, first history entry).
    fn insert_dashboard(&self, dashboard: &Dashboard) -> Result<()>;
    /// A dashboard by id.
    fn dashboard(&self, id: &DashboardId) -> Result<Option<Dashboard>>;
    /// All dashboards, sorted by title; callers filter by permission.
    fn dashboards(&self) -> Result<Vec<Dashboard>>;
    /// Replace the content if the stored version is still
    /// `expected_version`, else fail with [`StoreError::Conflict`]. Atomic:
    /// of two updates from the same version exactly one wins. `note` (who,
    /// when, why) is kept with the new version; its time is the update's.
    fn update_dashboard(
        &self,
        id: &DashboardId,
        expected_version: u64,
        content: &DashboardContent,
        note: &VersionNote,
    ) -> Result<Dashboard>;
    /// Change who may see or edit it; does not change the version.
    fn set_sharing(
        &self,
        id: &DashboardId,
        sharing: Sharing,
        now: DateTime<Utc>,
    ) -> Result<Dashboard>;
    /// The kept versions (at most [`KEPT_VERSIONS`]), newest first.
    fn dashboard_versions(&self, id: &DashboardId) -> Result<Vec<Dashboard>>;
    /// Make an old version's content current again, as a new version, so
    /// the history stays linear and nothing is lost. `note` is the new
    /// version's.
    fn restore_dashboard(
        &self,
        id: &DashboardId,
        version: u64,
        note: &VersionNote,
    ) -> Result<Dashboard>;
    /// Delete a dashboard and its history.
    fn delete_dashboard(&self, id: &DashboardId) -> Result<()>;
    /// Set or clear a user's default (home) dashboard.
    fn set_default_dashboard(&self, user: &UserId, dashboard: Option<&DashboardId>) -> Result<()>;
    /// A user's default dashboard, if set and still existing.
    fn default_dashboard(&self, user: &UserId) -> Result<Option<DashboardId>>;

    /// Copy a dashboard's current content into a new private dashboard of
    /// `owner`, at version 1.
    fn clone_dashboard(
        &self,
        id: &DashboardId,
        owner: &UserId,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<Dashboard> {
        let source = self.dashboard(id)?.ok_or(StoreError::DashboardNotFound)?;
        let mut content = source.content;
        content.title = title.to_owned();
        let copy = Dashboard::new(owner.clone(), content, now)?;
        self.insert_dashboard(&copy)?;
        Ok(copy)
    }

    // --- backup ---

    /// Everything except sessions, as one document.
    fn export_all(&self) -> Result<Backup>;
    /// Load a backup into an empty store, all or nothing.
    fn import_all(&self, backup: &Backup) -> Result<()>;
}
