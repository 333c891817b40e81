//! wasmdash's state that outlives a restart: users, API tokens, sessions,
//! dashboards with their version history, alerts, alert history and the
//! notification outbox.
//!
//! Only this crate knows sled. The rest of the host talks to the
//! [`Store`] trait, held as `Arc<dyn Store>` so tests and a future shared
//! store can swap the implementation. Design choices:
//!
//! - **Durable before acknowledged**: every write flushes before returning;
//!   sled alone would lose up to 0.5 s of acknowledged writes on a crash.
//! - **All or nothing**: multi-record writes are sled transactions, and
//!   invalid input is rejected before anything is written.
//! - **Versioned records**: values are `{"v": N, "value": ...}` JSON, so the
//!   format can evolve and a backup ([`Store::export_all`]) is plain JSON.
//!   Records of an older [`SCHEMA_VERSION`] are upgraded when read; opening
//!   a database marks it with this build's version, so an older wasmdash
//!   refuses it clearly instead of misreading newer records.
//! - **No permissions here**: the store guards structure (unique names, the
//!   12-column grid, optimistic versions); `auth` decides who may do what.
//!
//! ```no_run
//! use std::sync::Arc;
//! use wasmdash_store::{SledStore, Store};
//!
//! # fn main() -> Result<(), wasmdash_store::StoreError> {
//! let store: Arc<dyn Store> = Arc::new(SledStore::open("./wasmdash-demo".as_ref())?);
//! for user in store.users()? {
//!     println!("{} ({})", user.username, user.role);
//! }
//! # Ok(())
//! # }
//! ```

mod alerts;
mod api;
mod backup;
mod dashboard;
mod dashboard_json;
mod envelope;
mod error;
mod ids;
mod input;
mod migrate;
mod session;
mod sled_store;
mod user;

pub use alerts::{AlertRecords, AlertStore, EvaluationWrite};
pub use api::{KEPT_VERSIONS, Store};
pub use backup::{BACKUP_FORMAT, BACKUP_SCHEMA, Backup, BackupEntry};
pub use dashboard::{
    Dashboard, DashboardContent, DashboardError, GRID_COLUMNS, Layout, MAX_CONFIG_BYTES,
    MAX_CONFIG_DEPTH, MAX_GRID_ROWS, MAX_MESSAGE_CHARS, MAX_TABS, MAX_TITLE_CHARS, MAX_WIDGETS,
    Sharing, VersionNote, Widget, json_depth,
};
pub use dashboard_json::{
    DASHBOARD_JSON_FORMAT, DASHBOARD_JSON_SCHEMA, DashboardJsonError, export_dashboard,
    import_dashboard,
};
pub use envelope::SCHEMA_VERSION;
pub(crate) use envelope::{decode as decode_record, encode as encode_record};
pub use error::{Result, StoreError};
pub use ids::{DashboardId, TokenHash, TokenId, UserId, random_hex};
pub use input::{LayoutInput, SharingInput, WidgetInput};
pub use session::Session;
pub use sled_store::{AlertTrees, STATE_SUBDIR, SledStore, trees};
pub use user::{ApiToken, MAX_USERNAME_LEN, Role, UnknownRole, User, validate_username};
