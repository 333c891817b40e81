//! [`DashboardService`]: the rules for dashboards, in one place.
//!
//! A dashboard a user may not view does not exist for them
//! ([`DashboardsError::NotFound`]); one they may view but not change
//! gives [`DashboardsError::Forbidden`] naming the action.

use std::sync::Arc;

use chrono::Utc;

use super::error::{DashboardsError, Result};
use super::history::{Author, History, KeptVersion};
use super::tabs::{TabChange, apply_tab_change};
use crate::auth::{Action, can, can_create_dashboard, can_restore, visible_to};
use crate::store::{
    Dashboard, DashboardContent, DashboardId, Sharing, Store, User, UserId, VersionNote,
    export_dashboard, import_dashboard,
};
use crate::widget::{WidgetConfigError, WidgetSchemas};

/// A dashboard as a JSON document, ready to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardDocument {
    /// `<title>.wasmdash.json`, ASCII letters, digits and `-` only.
    pub file_name: String,
    /// The schema-versioned document.
    pub json: String,
}

/// Dashboards: visibility, changes, widgets checked against their
/// plugins, the JSON document and the version history.
#[derive(Clone)]
pub struct DashboardService {
    store: Arc<dyn Store>,
    schemas: Arc<WidgetSchemas>,
}

impl std::fmt::Debug for DashboardService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardService").finish_non_exhaustive()
    }
}

impl DashboardService {
    /// A service over the state store, checking widgets against their
    /// plugins' effective `schemas`.
    pub fn new(store: Arc<dyn Store>, schemas: Arc<WidgetSchemas>) -> Self {
        Self { store, schemas }
    }

    /// The dashboards `user` may view.
    pub fn list(&self, user: &User) -> Result<Vec<Dashboard>> {
        Ok(visible_to(user, self.store.dashboards()?))
    }

    /// Dashboard `id` if `user` may do `action` with it.
    pub fn visible(&self, user: &User, id: &str, action: Action) -> Result<Dashboard> {
        let dashboard = self
            .store
            .dashboard(&DashboardId::from_string(id))?
            .ok_or(DashboardsError::NotFound)?;
        if !can(user, Action::View, &dashboard) {
            return Err(DashboardsError::NotFound);
        }
        if !can(user, action, &dashboard) {
            return Err(DashboardsError::Forbidden(format!(
                "you may not {} this dashboard",
                match action {
                    Action::View => "view",
                    Action::Export => "export",
                    Action::Edit => "edit",
                    Action::Share => "share",
                    Action::Delete => "delete",
                }
            )));
        }
        Ok(dashboard)
    }

    /// Check that every widget names an installed widget plugin and that
    /// its config fits the plugin's one schema (binding keys included;
    /// an unknown key is named).
    pub fn validate_widgets(&self, content: &DashboardContent) -> Result<()> {
        for w in &content.widgets {
            self.schemas.check(w)?;
        }
        Ok(())
    }

    /// Every stored dashboard's widgets that do not fit their schemas, as
    /// `(dashboard, why)`, for the start-up check (each such widget shows
    /// its error in place; nothing is changed or dropped).
    pub fn check_stored(&self) -> Result<Vec<(Dashboard, WidgetConfigError)>> {
        let mut problems = Vec::new();
        for d in self.store.dashboards()? {
            for w in &d.content.widgets {
                if let Err(e) = self.schemas.check(w) {
                    problems.push((d.clone(), e));
                }
            }
        }
        Ok(problems)
    }

    /// Check `content` in full (structure, then every widget).
    pub fn validate(&self, content: &DashboardContent) -> Result<()> {
        content
            .validate()
            .map_err(|e| DashboardsError::Invalid(e.to_string()))?;
        self.validate_widgets(content)
    }

    /// A new private dashboard of `user` (editors and admins); `message`
    /// says why, kept with its first version like any save's.
    pub fn create(
        &self,
        user: &User,
        content: DashboardContent,
        message: Option<&str>,
    ) -> Result<Dashboard> {
        if !can_create_dashboard(user) {
            return Err(DashboardsError::Forbidden(
                "viewers cannot create dashboards".into(),
            ));
        }
        self.validate(&content)?;
        let mut d = Dashboard::new(user.id.clone(), content, Utc::now())
            .map_err(|e| DashboardsError::Invalid(e.to_string()))?;
        d.note = note(user, message)?;
        d.note.at = d.created;
        self.store.insert_dashboard(&d)?;
        Ok(d)
    }

    /// Replace the content of dashboard `id`, which `user` edited at
    /// `version` (a stale version is a conflict); `message` says why.
    pub fn update(
        &self,
        user: &User,
        id: &str,
        version: u64,
        content: &DashboardContent,
        message: Option<&str>,
    ) -> Result<Dashboard> {
        let d = self.visible(user, id, Action::Edit)?;
        self.validate(content)?;
        let note = note(user, message)?;
        Ok(self
            .store
            .update_dashboard(&d.id, version, content, &note)?)
    }

    /// Save `content` as the next version of `dashboard` (which the caller
    /// read and changed; `version` is the one it edited, a stale one is a
    /// conflict), with `message` saying why. Only the structure is
    /// checked: the pages check the widget they changed against its plugin
    /// themselves.
    pub fn save(
        &self,
        user: &User,
        dashboard: &Dashboard,
        version: u64,
        content: &DashboardContent,
        message: Option<&str>,
    ) -> Result<Dashboard> {
        if !can(user, Action::Edit, dashboard) {
            return Err(DashboardsError::Forbidden(
                "you may not edit this dashboard".into(),
            ));
        }
        let note = note(user, message)?;
        Ok(self
            .store
            .update_dashboard(&dashboard.id, version, content, &note)?)
    }

    /// Apply `change` to the tabs of dashboard `id`, which `user` edited at
    /// `version` (a stale version is a conflict); one new version.
    pub fn change_tabs(
        &self,
        user: &User,
        id: &str,
        version: u64,
        change: TabChange,
    ) -> Result<Dashboard> {
        let d = self.visible(user, id, Action::Edit)?;
        let message = change.describe(&d.content);
        let content = apply_tab_change(&d.content, change)
            .map_err(|e| DashboardsError::Invalid(e.to_string()))?;
        content
            .validate()
            .map_err(|e| DashboardsError::Invalid(e.to_string()))?;
        let note = note(user, Some(&message))?;
        Ok(self
            .store
            .update_dashboard(&d.id, version, &content, &note)?)
    }

    /// A private copy of dashboard `id` for `user`, titled `Copy of …`.
    pub fn clone_for(&self, user: &User, id: &str) -> Result<Dashboard> {
        if !can_create_dashboard(user) {
            return Err(DashboardsError::Forbidden(
                "viewers cannot create dashboards".into(),
            ));
        }
        let d = self.visible(user, id, Action::View)?;
        let title: String = format!("Copy of {}", d.content.title)
            .chars()
            .take(200)
            .collect();
        Ok(self
            .store
            .clone_dashboard(&d.id, &user.id, &title, Utc::now())?)
    }

    /// The dashboard `user` opens with, if one is set and still visible.
    pub fn default_for(&self, user: &User) -> Result<Option<DashboardId>> {
        let Some(id) = self.store.default_dashboard(&user.id)? else {
            return Ok(None);
        };
        Ok(self
            .store
            .dashboard(&id)?
            .filter(|d| can(user, Action::View, d))
            .map(|d| d.id))
    }

    /// Open with dashboard `id` from now on.
    pub fn set_default(&self, user: &User, id: &str) -> Result<()> {
        let d = self.visible(user, id, Action::View)?;
        Ok(self.store.set_default_dashboard(&user.id, Some(&d.id))?)
    }

    /// Delete dashboard `id` and its history.
    pub fn delete(&self, user: &User, id: &str) -> Result<Dashboard> {
        let d = self.visible(user, id, Action::Delete)?;
        self.store.delete_dashboard(&d.id)?;
        Ok(d)
    }

    /// Change who else may see or edit dashboard `id`.
    pub fn set_sharing(&self, user: &User, id: &str, sharing: Sharing) -> Result<Dashboard> {
        let d = self.visible(user, id, Action::Share)?;
        Ok(self.store.set_sharing(&d.id, sharing, Utc::now())?)
    }

    /// Dashboard `id` as a JSON document `user` may download.
    pub fn export_document(&self, user: &User, id: &str) -> Result<DashboardDocument> {
        let d = self.visible(user, id, Action::Export)?;
        let name: String = d
            .content
            .title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(60)
            .collect();
        Ok(DashboardDocument {
            file_name: format!("{}.wasmdash.json", name.trim_matches('-')),
            json: export_dashboard(&d),
        })
    }

    /// Import `text` as a new private dashboard of `user`; every check
    /// passes or nothing is stored.
    pub fn import(&self, user: &User, text: &str) -> Result<Dashboard> {
        if !can_create_dashboard(user) {
            return Err(DashboardsError::Forbidden(
                "viewers cannot import dashboards".into(),
            ));
        }
        let content = import_dashboard(text)?;
        self.validate_widgets(&content)?;
        let d = Dashboard::new(user.id.clone(), content, Utc::now())
            .map_err(|e| DashboardsError::Invalid(e.to_string()))?;
        self.store.insert_dashboard(&d)?;
        Ok(d)
    }

    /// Dashboard `id` and its kept versions (newest first), for editors,
    /// its owner and admins.
    pub fn history(&self, user: &User, id: &str) -> Result<History> {
        let d = self.visible(user, id, Action::View)?;
        if !can(user, Action::Edit, &d) && !can_restore(user, &d) {
            return Err(DashboardsError::Forbidden(
                "only people who may edit this dashboard see its history".into(),
            ));
        }
        let kept = self.store.dashboard_versions(&d.id)?;
        let mut names: std::collections::HashMap<UserId, Author> = Default::default();
        let mut versions = Vec::with_capacity(kept.len());
        for dashboard in kept {
            let author = match &dashboard.note.author {
                None => Author::Unknown,
                Some(id) => match names.get(id) {
                    Some(known) => known.clone(),
                    None => {
                        let found = match self.store.user(id)? {
                            Some(u) => Author::User(u.username),
                            None => Author::Removed,
                        };
                        names.insert(id.clone(), found.clone());
                        found
                    }
                },
            };
            versions.push(KeptVersion { dashboard, author });
        }
        Ok(History {
            current: d,
            versions,
        })
    }

    /// Make `version` of dashboard `id` current again, as a new version
    /// (owner and admins only).
    pub fn restore(&self, user: &User, id: &str, version: u64) -> Result<Dashboard> {
        let d = self.visible(user, id, Action::View)?;
        if !can_restore(user, &d) {
            return Err(DashboardsError::Forbidden(
                "only the owner or an admin may restore an old version".into(),
            ));
        }
        if version == d.version {
            return Err(DashboardsError::Conflict(format!(
                "version {version} is already the current one"
            )));
        }
        let note = note(user, Some(&format!("Restored version {version}")))?;
        Ok(self.store.restore_dashboard(&d.id, version, &note)?)
    }
}

/// The note of a version `user` saves now with `message`.
fn note(user: &User, message: Option<&str>) -> Result<VersionNote> {
    VersionNote::new(&user.id, Utc::now(), message)
        .map_err(|e| DashboardsError::Invalid(e.to_string()))
}
