//! Dashboards, their version history and per-user defaults in sled.

use chrono::{DateTime, Utc};
use sled::Transactional;

use super::{SledStore, abort, trees};
use crate::api::KEPT_VERSIONS;
use crate::dashboard::{Dashboard, DashboardContent, Sharing, VersionNote};
use crate::envelope::{decode, encode};
use crate::error::{Result, StoreError, from_tx};
use crate::ids::{DashboardId, UserId};
use crate::migrate::decode_dashboard;

/// `dashboard_versions` key: id, `/`, big-endian version, so a prefix scan
/// yields a dashboard's versions in order.
fn version_key(id: &DashboardId, version: u64) -> Vec<u8> {
    let mut key = version_prefix(id);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn version_prefix(id: &DashboardId) -> Vec<u8> {
    let mut key = id.as_str().as_bytes().to_vec();
    key.push(b'/');
    key
}

type Tx = sled::transaction::TransactionalTree;
type TxResult<T> = sled::transaction::ConflictableTransactionResult<T, StoreError>;

/// Inside a transaction: the current dashboard or `DashboardNotFound`.
fn current(dashboards: &Tx, id: &DashboardId) -> TxResult<Dashboard> {
    match dashboards.get(id.as_str())? {
        Some(bytes) => decode_dashboard(trees::DASHBOARDS, &bytes).or_else(abort),
        None => abort(StoreError::DashboardNotFound),
    }
}

/// Inside a transaction: store `next` as current and in the history, and
/// drop the version that falls out of the kept window.
fn save_version(dashboards: &Tx, versions: &Tx, next: &Dashboard) -> TxResult<()> {
    let bytes = encode(trees::DASHBOARDS, next).or_else(abort)?;
    dashboards.insert(next.id.as_str(), bytes.clone())?;
    versions.insert(version_key(&next.id, next.version), bytes)?;
    if next.version > KEPT_VERSIONS {
        versions.remove(version_key(&next.id, next.version - KEPT_VERSIONS))?;
    }
    Ok(())
}

impl SledStore {
    pub(super) fn insert_dashboard_impl(&self, dashboard: &Dashboard) -> Result<()> {
        dashboard.content.validate()?;
        (&self.dashboards, &self.versions)
            .transaction(|(dashboards, versions)| save_version(dashboards, versions, dashboard))
            .map_err(from_tx)?;
        self.flush()
    }

    pub(super) fn dashboard_impl(&self, id: &DashboardId) -> Result<Option<Dashboard>> {
        self.dashboards
            .get(id.as_str())?
            .map(|v| decode_dashboard(trees::DASHBOARDS, &v))
            .transpose()
    }

    pub(super) fn dashboards_impl(&self) -> Result<Vec<Dashboard>> {
        let mut all = self
            .dashboards
            .iter()
            .map(|kv| decode_dashboard(trees::DASHBOARDS, &kv?.1))
            .collect::<Result<Vec<_>>>()?;
        all.sort_by(|a, b| {
            (a.content.title.to_lowercase(), &a.id).cmp(&(b.content.title.to_lowercase(), &b.id))
        });
        Ok(all)
    }

    pub(super) fn update_dashboard_impl(
        &self,
        id: &DashboardId,
        expected_version: u64,
        content: &DashboardContent,
        note: &VersionNote,
    ) -> Result<Dashboard> {
        content.validate()?;
        let saved = (&self.dashboards, &self.versions)
            .transaction(|(dashboards, versions)| {
                let mut next = current(dashboards, id)?;
                if next.version != expected_version {
                    return abort(StoreError::Conflict {
                        current_version: next.version,
                    });
                }
                next.content = content.clone();
                next.version += 1;
                next.updated = note.at;
                next.note = note.clone();
                save_version(dashboards, versions, &next)?;
                Ok(next)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(saved)
    }

    pub(super) fn set_sharing_impl(
        &self,
        id: &DashboardId,
        sharing: Sharing,
        now: DateTime<Utc>,
    ) -> Result<Dashboard> {
        let saved = self
            .dashboards
            .transaction(|dashboards| {
                let mut next = current(dashboards, id)?;
                next.sharing = sharing;
                next.updated = now;
                dashboards.insert(
                    id.as_str(),
                    encode(trees::DASHBOARDS, &next).or_else(abort)?,
                )?;
                Ok(next)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(saved)
    }

    pub(super) fn dashboard_versions_impl(&self, id: &DashboardId) -> Result<Vec<Dashboard>> {
        let mut all = self
            .versions
            .scan_prefix(version_prefix(id))
            .values()
            .map(|v| decode_dashboard(trees::DASHBOARD_VERSIONS, &v?))
            .collect::<Result<Vec<_>>>()?;
        all.reverse();
        Ok(all)
    }

    pub(super) fn restore_dashboard_impl(
        &self,
        id: &DashboardId,
        version: u64,
        note: &VersionNote,
    ) -> Result<Dashboard> {
        let saved = (&self.dashboards, &self.versions)
            .transaction(|(dashboards, versions)| {
                let mut next = current(dashboards, id)?;
                let Some(bytes) = versions.get(version_key(id, version))? else {
                    return abort(StoreError::VersionNotFound(version));
                };
                let old = decode_dashboard(trees::DASHBOARD_VERSIONS, &bytes).or_else(abort)?;
                next.content = old.content;
                next.version += 1;
                next.updated = note.at;
                next.note = note.clone();
                save_version(dashboards, versions, &next)?;
                Ok(next)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(saved)
    }

    pub(super) fn delete_dashboard_impl(&self, id: &DashboardId) -> Result<()> {
        (&self.dashboards, &self.versions)
            .transaction(|(dashboards, versions)| {
                let gone = current(dashboards, id)?;
                dashboards.remove(id.as_str())?;
                let oldest = gone.version.saturating_sub(KEPT_VERSIONS - 1).max(1);
                for v in oldest..=gone.version {
                    versions.remove(version_key(id, v))?;
                }
                Ok(())
            })
            .map_err(from_tx)?;
        // Defaults pointing here are ignored on read (see below) rather than
        // hunted down in every user's record.
        self.flush()
    }

    pub(super) fn set_default_dashboard_impl(
        &self,
        user: &UserId,
        dashboard: Option<&DashboardId>,
    ) -> Result<()> {
        match dashboard {
            Some(id) => {
                if self.dashboard_impl(id)?.is_none() {
                    return Err(StoreError::DashboardNotFound);
                }
                self.defaults
                    .insert(user.as_str(), encode(trees::DEFAULT_DASHBOARDS, id)?)?;
            }
            None => {
                self.defaults.remove(user.as_str())?;
            }
        }
        self.flush()
    }

    pub(super) fn default_dashboard_impl(&self, user: &UserId) -> Result<Option<DashboardId>> {
        let Some(bytes) = self.defaults.get(user.as_str())? else {
            return Ok(None);
        };
        let id: DashboardId = decode(trees::DEFAULT_DASHBOARDS, &bytes)?;
        Ok(self.dashboard_impl(&id)?.map(|_| id))
    }
}
