//! [`AlertService`]: what pages, the JSON API and the CLI call. It owns the
//! rules of who may see and change an alert, validates every draft before
//! saving, and runs evaluations on demand ("test now", "check now").
//!
//! Ownership follows dashboards: editors and admins create alerts; an
//! alert is visible to its owner and to admins; anyone else gets
//! [`AlertError::NotFound`], never a hint that it exists.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::error::{AlertError, Result};
use super::history::HistoryEntry;
use super::mailer::Mailer;
use super::model::{Alert, AlertDraft, AlertId, AlertState, AlertStatus, AlertView};
use super::outbox::NotificationKind;
use super::records::AlertStore;
use super::settings::AlertSettings;
use super::validate::Checker;
use crate::auth::can_create_dashboard;
use crate::config::Config;
use crate::data::{Clock, DataEngine};
use crate::plugins::PluginRegistry;
use crate::store::{Role, Store, User};

/// Most history entries one call returns.
pub const MAX_HISTORY_LIMIT: usize = 1000;

/// What "test now" evaluates: a saved alert or an unsaved draft (the form
/// before saving).
#[derive(Debug, Clone)]
pub enum TestTarget {
    /// A saved alert.
    Alert(AlertId),
    /// A draft, validated like a save but not saved.
    Draft(Box<AlertDraft>),
}

/// The result of "test now". Nothing is saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestOutcome {
    /// The metric's value over the range.
    pub value: Option<f64>,
    /// The value over the previous period.
    pub previous: Option<f64>,
    /// The value the rule compared (e.g. the change in %).
    pub observed: Option<f64>,
    /// The state the alert would take now.
    pub state: AlertState,
    /// The rule's sentence, or what failed.
    pub message: String,
    /// A test email was sent.
    pub email_sent: bool,
    /// Why the test email could not be sent.
    pub email_error: Option<String>,
}

/// The result of evaluating one alert by "check now" or the scheduler.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// The alert.
    pub id: AlertId,
    /// Its name.
    pub name: String,
    /// State before.
    pub previous_state: AlertState,
    /// State after.
    pub state: AlertState,
    /// The value compared.
    pub value: Option<f64>,
    /// The rule's sentence or the error.
    pub message: String,
    /// The notification created (it is in the outbox, sent by the
    /// delivery worker), if any.
    pub notification: Option<NotificationKind>,
}

/// Alerts: definitions, evaluation, notifications. Held in the app state
/// as `Arc<AlertService>`; [`AlertService::start`] runs the scheduler and
/// the delivery worker.
pub struct AlertService {
    pub(crate) store: AlertStore,
    pub(crate) users: Arc<dyn Store>,
    pub(crate) data: Arc<DataEngine>,
    pub(crate) plugins: Arc<PluginRegistry>,
    pub(crate) settings: AlertSettings,
    /// Which metrics an alert's owner may read (`[[dataset]] allow`).
    pub(crate) data_access: crate::auth::DataAccess,
    pub(crate) mailer: Mailer,
    pub(crate) tz: Tz,
    pub(crate) clock: Clock,
    /// Metric loads run (each is one scalar and one series SQL query).
    pub(crate) metric_loads: AtomicU64,
    /// One evaluation pass at a time (ticks, "check now").
    pub(crate) eval_lock: tokio::sync::Mutex<()>,
    /// One delivery round at a time.
    pub(crate) deliver_lock: tokio::sync::Mutex<()>,
    /// Wakes the delivery worker when notifications were written.
    pub(crate) wake: tokio::sync::Notify,
}

impl std::fmt::Debug for AlertService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertService")
            .field("settings", &self.settings)
            .field("tz", &self.tz)
            .finish_non_exhaustive()
    }
}

impl AlertService {
    /// A service over `store` (the alert trees of the state database),
    /// `users` (the same database, for owners and dashboards), the data
    /// engine and the plugin registry, configured by `[alerts]`, `[smtp]`
    /// and `[server] timezone`. Uses the system clock.
    pub fn new(
        store: AlertStore,
        users: Arc<dyn Store>,
        data: Arc<DataEngine>,
        plugins: Arc<PluginRegistry>,
        config: &Config,
    ) -> Self {
        Self {
            store,
            users,
            data,
            plugins,
            settings: config.alerts.clone(),
            data_access: crate::auth::DataAccess::from_config(config),
            mailer: Mailer::new(&config.smtp),
            tz: config.server.timezone,
            clock: Arc::new(Utc::now),
            metric_loads: AtomicU64::new(0),
            eval_lock: tokio::sync::Mutex::new(()),
            deliver_lock: tokio::sync::Mutex::new(()),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// Use `clock` for "now" everywhere (tests drive time with it; give
    /// the data engine the same clock).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// "Now" by the service's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The configured timezone.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// `[alerts]` as configured.
    pub fn settings(&self) -> &AlertSettings {
        &self.settings
    }

    /// True when `[smtp] host` is set, so notifications are emailed.
    pub fn email_enabled(&self) -> bool {
        self.mailer.is_configured()
    }

    /// Metric loads run since start (each one scalar query and one series
    /// query, shared by every alert on the same metric and range).
    pub fn metric_loads(&self) -> u64 {
        self.metric_loads.load(Ordering::Relaxed)
    }

    pub(crate) fn checker(&self) -> Checker<'_> {
        Checker {
            data: &self.data,
            plugins: &self.plugins,
            users: &*self.users,
            tz: self.tz,
            access: &self.data_access,
        }
    }

    fn visible(actor: &User, alert: &Alert) -> bool {
        !actor.disabled && (actor.role == Role::Admin || actor.id == alert.owner)
    }

    fn load_visible(&self, id: &AlertId, actor: &User) -> Result<Alert> {
        self.store
            .alert(id)?
            .filter(|a| Self::visible(actor, a))
            .ok_or(AlertError::NotFound)
    }

    fn next_run(&self, draft: &AlertDraft, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if draft.enabled {
            draft.schedule.next_after(after, self.tz)
        } else {
            None
        }
    }

    /// A new alert of a checked draft, first version, scheduled from `now`.
    fn new_alert(
        &self,
        owner: &User,
        draft: AlertDraft,
        now: DateTime<Utc>,
    ) -> (Alert, AlertStatus) {
        let alert = Alert {
            id: AlertId::random(),
            owner: owner.id.clone(),
            version: 1,
            created: now,
            updated: now,
            draft,
        };
        let status = AlertStatus {
            next_run: self.next_run(&alert.draft, now),
            ..AlertStatus::default()
        };
        (alert, status)
    }

    /// Create an alert owned by `owner` (an editor or admin).
    pub async fn create(&self, owner: &User, draft: AlertDraft) -> Result<Alert> {
        if !can_create_dashboard(owner) {
            return Err(AlertError::Forbidden("viewers cannot create alerts".into()));
        }
        let draft = self.checker().check(owner, draft)?;
        let (alert, status) = self.new_alert(owner, draft, self.now());
        if let Err(found) = self.store.put(&alert, &status, None)? {
            return Err(AlertError::StaleVersion { current: found });
        }
        self.store.flush().await?;
        Ok(alert)
    }

    /// Create many alerts owned by `owner` at once (imports, seeding a
    /// benchmark): every draft is validated first, and one refused draft
    /// saves nothing (its field is named `[index].field`). The alerts are
    /// written in one atomic batch and made durable with one flush.
    pub async fn create_many(&self, owner: &User, drafts: Vec<AlertDraft>) -> Result<Vec<Alert>> {
        if !can_create_dashboard(owner) {
            return Err(AlertError::Forbidden("viewers cannot create alerts".into()));
        }
        let now = self.now();
        let checker = self.checker();
        let mut rows = Vec::with_capacity(drafts.len());
        for (i, draft) in drafts.into_iter().enumerate() {
            let draft = checker.check(owner, draft).map_err(|e| match e {
                AlertError::Invalid { field, message } => AlertError::Invalid {
                    field: format!("[{i}].{field}"),
                    message,
                },
                e => e,
            })?;
            rows.push(self.new_alert(owner, draft, now));
        }
        self.store.insert_many(&rows)?;
        self.store.flush().await?;
        Ok(rows.into_iter().map(|(alert, _)| alert).collect())
    }

    /// Replace the definition of alert `id` if it is still at
    /// `expected_version`. The state is kept; the next run follows the
    /// (possibly new) schedule.
    pub async fn update(
        &self,
        id: &AlertId,
        actor: &User,
        draft: AlertDraft,
        expected_version: u64,
    ) -> Result<Alert> {
        let current = self.load_visible(id, actor)?;
        if current.version != expected_version {
            return Err(AlertError::StaleVersion {
                current: current.version,
            });
        }
        let owner = self
            .users
            .user(&current.owner)?
            .unwrap_or_else(|| actor.clone());
        let draft = self.checker().check(&owner, draft)?;
        let now = self.now();
        let alert = Alert {
            version: current.version + 1,
            updated: now,
            draft,
            ..current
        };
        let mut status = self.store.status(id)?;
        status.next_run = self.next_run(&alert.draft, now);
        if let Err(found) = self.store.put(&alert, &status, Some(expected_version))? {
            return Err(AlertError::StaleVersion { current: found });
        }
        self.store.flush().await?;
        Ok(alert)
    }

    /// Delete alert `id` with its status and history.
    pub async fn delete(&self, id: &AlertId, actor: &User) -> Result<()> {
        self.load_visible(id, actor)?;
        if !self.store.remove(id)? {
            return Err(AlertError::NotFound);
        }
        self.store.flush().await?;
        Ok(())
    }

    /// One alert with its status.
    pub fn get(&self, id: &AlertId, actor: &User) -> Result<AlertView> {
        let alert = self.load_visible(id, actor)?;
        let status = self.store.status(id)?;
        Ok(AlertView { alert, status })
    }

    /// The alerts `actor` may see (own; all for admins), by name.
    pub fn list(&self, actor: &User) -> Result<Vec<AlertView>> {
        let mut out = Vec::new();
        for alert in self.store.alerts()? {
            if Self::visible(actor, &alert) {
                let status = self.store.status(&alert.id)?;
                out.push(AlertView { alert, status });
            }
        }
        out.sort_by(|a, b| {
            a.alert
                .draft
                .name
                .to_lowercase()
                .cmp(&b.alert.draft.name.to_lowercase())
                .then_with(|| a.alert.id.cmp(&b.alert.id))
        });
        Ok(out)
    }

    /// Every alert with its status, for the CLI (which runs with the
    /// rights of whoever can read the data directory).
    pub fn list_all(&self) -> Result<Vec<AlertView>> {
        let mut out = Vec::new();
        for alert in self.store.alerts()? {
            let status = self.store.status(&alert.id)?;
            out.push(AlertView { alert, status });
        }
        out.sort_by(|a, b| a.alert.draft.name.cmp(&b.alert.draft.name));
        Ok(out)
    }

    /// The newest `limit` (at most [`MAX_HISTORY_LIMIT`]) history entries
    /// of alert `id`, newest first.
    pub fn history(&self, id: &AlertId, actor: &User, limit: usize) -> Result<Vec<HistoryEntry>> {
        self.load_visible(id, actor)?;
        Ok(self.store.history(id, limit.clamp(1, MAX_HISTORY_LIMIT))?)
    }

    /// Evaluate a saved alert or a draft now, without saving anything, and
    /// tell the state it would take; with `send_test_email`, also send a
    /// test email to its recipients (directly, not through the outbox).
    pub async fn test_now(
        &self,
        target: TestTarget,
        actor: &User,
        send_test_email: bool,
    ) -> Result<TestOutcome> {
        let (alert, status) = match target {
            TestTarget::Alert(id) => {
                let alert = self.load_visible(&id, actor)?;
                let status = self.store.status(&id)?;
                (alert, status)
            }
            TestTarget::Draft(draft) => {
                if !can_create_dashboard(actor) {
                    return Err(AlertError::Forbidden("viewers cannot create alerts".into()));
                }
                let draft = self.checker().check(actor, *draft)?;
                let now = self.now();
                let alert = Alert {
                    id: AlertId::from_string("draft"),
                    owner: actor.id.clone(),
                    version: 0,
                    created: now,
                    updated: now,
                    draft,
                };
                (alert, AlertStatus::default())
            }
        };
        self.test_alert(&alert, &status, send_test_email).await
    }

    /// Evaluate alert `id` (even when paused), or every enabled alert, now,
    /// through the state machine and the outbox; the schedule is not
    /// moved. Notifications go to the outbox; the delivery worker (or
    /// [`AlertService::deliver_due`]) sends them.
    pub async fn check_now(&self, id: Option<&AlertId>) -> Result<Vec<CheckResult>> {
        let alerts = match id {
            Some(id) => vec![self.store.alert(id)?.ok_or(AlertError::NotFound)?],
            None => self
                .store
                .alerts()?
                .into_iter()
                .filter(|a| a.draft.enabled)
                .collect(),
        };
        self.evaluate_now(alerts, false).await
    }
}
