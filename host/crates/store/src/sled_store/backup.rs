//! Export and import of the whole store as one JSON document.

use std::collections::BTreeMap;

use chrono::Utc;
use sled::Transactional;

use super::{SledStore, mark_schema, trees};
use crate::backup::{BACKUP_FORMAT, BACKUP_SCHEMA, Backup, BackupEntry};
use crate::envelope::decode;
use crate::error::{Result, StoreError, from_tx};
use crate::ids::{DashboardId, UserId};
use crate::migrate::decode_dashboard;
use crate::user::{ApiToken, User};

/// Check that a backed-up value decodes as the record its tree holds, so
/// an import never stores something the store cannot read back.
fn check_record(tree: &'static str, bytes: &[u8]) -> Result<()> {
    match tree {
        trees::USERS => decode::<User>(tree, bytes).map(drop),
        trees::USERNAMES => decode::<UserId>(tree, bytes).map(drop),
        trees::API_TOKENS => decode::<ApiToken>(tree, bytes).map(drop),
        trees::DASHBOARDS | trees::DASHBOARD_VERSIONS => {
            let d = decode_dashboard(tree, bytes)?;
            d.content.validate()?;
            Ok(())
        }
        trees::DEFAULT_DASHBOARDS => decode::<DashboardId>(tree, bytes).map(drop),
        // Meta and the reserved trees: at least a readable versioned record.
        _ => decode::<serde_json::Value>(tree, bytes).map(drop),
    }
}

impl SledStore {
    pub(super) fn export_all_impl(&self) -> Result<Backup> {
        let mut out = BTreeMap::new();
        for name in trees::BACKED_UP {
            let mut entries = Vec::new();
            for kv in self.db.open_tree(name)?.iter() {
                let (k, v) = kv?;
                let value = serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt {
                    tree: name,
                    reason: e.to_string(),
                })?;
                entries.push(BackupEntry {
                    key: hex::encode(&k),
                    value,
                });
            }
            out.insert(name.to_owned(), entries);
        }
        Ok(Backup {
            format: BACKUP_FORMAT.to_owned(),
            schema: BACKUP_SCHEMA,
            created: Utc::now(),
            trees: out,
        })
    }

    pub(super) fn import_all_impl(&self, backup: &Backup) -> Result<()> {
        let bad = |why: String| StoreError::InvalidBackup(why);
        if backup.format != BACKUP_FORMAT {
            return Err(bad(format!(
                "format is {:?}, expected {BACKUP_FORMAT:?}",
                backup.format
            )));
        }
        if backup.schema > BACKUP_SCHEMA {
            return Err(bad(format!(
                "schema {} is newer than this wasmdash understands ({BACKUP_SCHEMA})",
                backup.schema
            )));
        }
        if !self.users.is_empty() || !self.dashboards.is_empty() || !self.api_tokens.is_empty() {
            return Err(StoreError::NotEmpty);
        }
        // Decode and check everything before writing anything.
        let mut decoded: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        for (name, entries) in &backup.trees {
            let Some(index) = trees::BACKED_UP.iter().position(|t| t == name) else {
                return Err(bad(format!("unknown tree {name:?}")));
            };
            let tree = trees::BACKED_UP[index];
            for entry in entries {
                let key = hex::decode(&entry.key)
                    .map_err(|e| bad(format!("{tree}: key {:?}: {e}", entry.key)))?;
                let value =
                    serde_json::to_vec(&entry.value).map_err(|e| bad(format!("{tree}: {e}")))?;
                check_record(tree, &value)?;
                decoded.push((index, key, value));
            }
        }
        let handles = trees::BACKED_UP
            .iter()
            .map(|name| self.db.open_tree(name))
            .collect::<sled::Result<Vec<_>>>()?;
        let refs: Vec<&sled::Tree> = handles.iter().collect();
        refs.as_slice()
            .transaction(|views| {
                for (index, key, value) in &decoded {
                    views[*index].insert(key.as_slice(), value.as_slice())?;
                }
                Ok(())
            })
            .map_err(from_tx)?;
        // An old backup brings its own (older) schema mark; the records are
        // upgraded on read, and the next writes are this build's.
        mark_schema(&self.db.open_tree(trees::META)?)?;
        self.flush()
    }
}
