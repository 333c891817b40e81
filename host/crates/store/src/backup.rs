//! The backup document: every tree but sessions, as JSON.
//!
//! sled is beta, so the state must be recoverable without it. The backup is
//! a plain dump of the trees (keys in hex, values as their versioned JSON
//! records), which means new trees (alerts, history, outbox) are included
//! without changes here, and old backups stay readable because each value
//! carries its own schema version.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The `format` field of every backup.
pub const BACKUP_FORMAT: &str = "wasmdash-backup";
/// The layout version of the backup document itself.
pub const BACKUP_SCHEMA: u32 = 1;

/// A full export of the state store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    /// Always [`BACKUP_FORMAT`].
    pub format: String,
    /// [`BACKUP_SCHEMA`] when written by this build.
    pub schema: u32,
    /// When the backup was taken.
    pub created: DateTime<Utc>,
    /// Tree name → its records in key order.
    pub trees: BTreeMap<String, Vec<BackupEntry>>,
}

/// One record of a tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupEntry {
    /// The key, hex-encoded (keys may be binary hashes).
    pub key: String,
    /// The stored value: a versioned JSON record.
    pub value: serde_json::Value,
}
