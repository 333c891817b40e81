//! The one error type of the state store.

use std::path::PathBuf;

use super::dashboard::DashboardError;

/// Result alias of the state store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed. A failed write changes nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process holds the database lock.
    #[error("the data directory {} is in use by another wasmdash process", dir.display())]
    InUse {
        /// The data directory given to [`super::SledStore::open`].
        dir: PathBuf,
    },
    /// The database could not be opened for another reason.
    #[error("could not open the state database in {}: {source}", dir.display())]
    Open {
        /// The data directory given to [`super::SledStore::open`].
        dir: PathBuf,
        /// What sled reported.
        source: sled::Error,
    },
    /// The database failed while reading or writing.
    #[error("state database error: {0}")]
    Db(#[from] sled::Error),
    /// A stored record could not be decoded.
    #[error("a stored {tree} record is unreadable: {reason}")]
    Corrupt {
        /// Which tree it is in.
        tree: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A stored record was written by a newer wasmdash.
    #[error(
        "a stored {tree} record has schema version {found}, newer than this wasmdash \
         understands ({supported}); upgrade wasmdash"
    )]
    NewerSchema {
        /// Which tree it is in.
        tree: &'static str,
        /// The version found.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The username is taken (compared case-insensitively).
    #[error("a user named {0:?} already exists")]
    DuplicateUsername(String),
    /// The username breaks the naming rules.
    #[error("invalid username: {0}")]
    InvalidUsername(String),
    /// No user with that id or name.
    #[error("no such user")]
    UserNotFound,
    /// No dashboard with that id.
    #[error("no such dashboard")]
    DashboardNotFound,
    /// No API token with that id for that user.
    #[error("no such API token")]
    TokenNotFound,
    /// Optimistic concurrency: the caller edited an older version.
    #[error(
        "the dashboard was changed in the meantime (it is now at version {current_version}); \
         reload it and apply your change again"
    )]
    Conflict {
        /// The version currently stored.
        current_version: u64,
    },
    /// The requested version is not (or no longer) in the kept history.
    #[error("dashboard version {0} is not in the kept history")]
    VersionNotFound(u64),
    /// The dashboard content is invalid.
    #[error(transparent)]
    InvalidDashboard(#[from] DashboardError),
    /// A backup can only be imported into an empty store.
    #[error("the state store is not empty; import a backup only into a fresh data directory")]
    NotEmpty,
    /// The backup document is malformed.
    #[error("invalid backup: {0}")]
    InvalidBackup(String),
}

/// Turn a failed sled transaction into our error: an abort carries our own
/// error, anything else is the database's.
pub(crate) fn from_tx(err: sled::transaction::TransactionError<StoreError>) -> StoreError {
    match err {
        sled::transaction::TransactionError::Abort(e) => e,
        sled::transaction::TransactionError::Storage(e) => StoreError::Db(e),
    }
}
