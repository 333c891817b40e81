//! What an alert is: the draft a user submits, the stored definition, and
//! its live status.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::schedule::Schedule;
use crate::store::{DashboardId, UserId, random_hex};

/// Identifies an alert: 128 random bits in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AlertId(String);

impl AlertId {
    /// A new random id.
    pub fn random() -> Self {
        Self(random_hex(16))
    }

    /// Wrap an id that came from outside (a URL, the CLI). It is only a
    /// lookup key: an unknown or malformed id finds nothing.
    pub fn from_string(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AlertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to do when the metric has no data over the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoDataPolicy {
    /// Enter the `NO_DATA` state (no email).
    #[default]
    NoData,
    /// Treat as OK (resolves a firing alert).
    Ok,
    /// Treat as firing.
    Alerting,
    /// Keep the current state.
    Keep,
}

/// What to do when the metric query or the rule fails or times out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorPolicy {
    /// Enter the `ERROR` state (no email).
    #[default]
    Error,
    /// Treat as firing.
    Alerting,
    /// Keep the current state.
    Keep,
}

/// Default of [`AlertDraft::pending_count`].
pub const DEFAULT_PENDING_COUNT: u32 = 1;
/// Default of [`AlertDraft::repeat_interval_minutes`]: four hours.
pub const DEFAULT_REPEAT_MINUTES: u32 = 240;
/// Most recipients of one alert.
pub const MAX_RECIPIENTS: usize = 50;
/// Longest alert name, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Largest pending count.
pub const MAX_PENDING_COUNT: u32 = 1000;
/// Longest repeat interval: 30 days.
pub const MAX_REPEAT_MINUTES: u32 = 30 * 24 * 60;

fn default_pending() -> u32 {
    DEFAULT_PENDING_COUNT
}
fn default_repeat() -> u32 {
    DEFAULT_REPEAT_MINUTES
}
fn default_true() -> bool {
    true
}
fn default_range() -> String {
    "1h".into()
}
fn default_config() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// What a user submits to create or change an alert (JSON or a form).
/// Everything is checked by [`super::AlertService::create`]/`update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertDraft {
    /// Display name, 1..=120 characters.
    pub name: String,
    /// The metric watched (a `[[metric]]` name).
    pub metric: String,
    /// Id of an installed alert-rule plugin, e.g. `threshold`.
    pub rule: String,
    /// The rule's JSON config; must pass the plugin's JSON Schema.
    #[serde(default = "default_config")]
    pub rule_config: serde_json::Value,
    /// The range evaluated, as the data engine parses it: `1h`, `24h`,
    /// `7d`, `today`, ... Default `1h`.
    #[serde(default = "default_range")]
    pub range: String,
    /// One or more email addresses.
    pub recipients: Vec<String>,
    /// When it is evaluated.
    pub schedule: Schedule,
    /// Paused alerts are never evaluated by the scheduler.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Fire only after this many consecutive firing evaluations (1 = at once).
    #[serde(default = "default_pending")]
    pub pending_count: u32,
    /// While firing, notify again after this many minutes (0 = never).
    #[serde(default = "default_repeat")]
    pub repeat_interval_minutes: u32,
    /// Send an email when a firing alert resolves.
    #[serde(default = "default_true")]
    pub notify_on_resolve: bool,
    /// What no data means.
    #[serde(default)]
    pub on_no_data: NoDataPolicy,
    /// What a failed evaluation means.
    #[serde(default)]
    pub on_error: ErrorPolicy,
    /// A dashboard the email links to.
    #[serde(default)]
    pub dashboard: Option<DashboardId>,
}

/// A stored alert definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable id.
    pub id: AlertId,
    /// The user who created it.
    pub owner: UserId,
    /// Starts at 1; every update adds one (optimistic concurrency).
    pub version: u64,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last changed.
    pub updated: DateTime<Utc>,
    /// The definition as submitted, normalized (names and addresses
    /// trimmed).
    pub draft: AlertDraft,
}

/// The state of an alert, as shown in lists and history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertState {
    /// The condition is not met (or the alert was never evaluated).
    #[default]
    Ok,
    /// The condition is met, fewer than `pending_count` times in a row.
    Pending,
    /// The condition is met and the alert has notified.
    Firing,
    /// The metric had no data.
    NoData,
    /// The evaluation failed.
    Error,
}

impl AlertState {
    /// `OK`, `PENDING`, `FIRING`, `NO_DATA`, `ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Pending => "PENDING",
            Self::Firing => "FIRING",
            Self::NoData => "NO_DATA",
            Self::Error => "ERROR",
        }
    }
}

impl fmt::Display for AlertState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The live status of an alert, persisted next to its definition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlertStatus {
    /// Current state.
    pub state: AlertState,
    /// When it entered that state.
    pub since: Option<DateTime<Utc>>,
    /// When it was last evaluated.
    pub last_evaluated: Option<DateTime<Utc>>,
    /// The value the rule compared at the last evaluation.
    pub last_value: Option<f64>,
    /// The rule's sentence (or the error) of the last evaluation.
    pub last_message: String,
    /// Firing evaluations in a row (drives `pending_count`).
    pub consecutive_firing: u32,
    /// When the scheduler evaluates it next; `None` while paused.
    pub next_run: Option<DateTime<Utc>>,
    /// Counts state changes; part of notification keys.
    pub state_seq: u64,
    /// Counts notifications created; makes every notification key unique.
    pub notification_seq: u64,
    /// A firing notification was sent and no resolve yet: an open incident.
    pub incident_open: bool,
    /// When the last firing or repeat notification was created.
    pub last_notified: Option<DateTime<Utc>>,
}

/// An alert with its status, as lists and detail pages show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    /// The definition.
    pub alert: Alert,
    /// The live status.
    pub status: AlertStatus,
}

impl AlertView {
    /// The alert as the API and the CLI show it: the draft's fields, plus
    /// id, owner, version, times and the live `status`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let a = &self.alert;
        let mut out = serde_json::to_value(&a.draft).unwrap_or_else(|_| json!({}));
        if let Some(map) = out.as_object_mut() {
            map.insert("id".into(), json!(a.id.as_str()));
            map.insert("owner".into(), json!(a.owner.as_str()));
            map.insert("version".into(), json!(a.version));
            map.insert("created".into(), json!(a.created));
            map.insert("updated".into(), json!(a.updated));
            map.insert("status".into(), json!(self.status));
        }
        out
    }
}
