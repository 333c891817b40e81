//! Alerts: rules on metrics that email their recipients when they fire and
//! when they resolve.
//!
//! - [`AlertService`] is the one entry point (pages, API, CLI): definitions
//!   with ownership and validation, "test now", "check now", history.
//! - [`Schedule`] says when an alert runs, in the configured timezone.
//! - The scheduler ([`AlertService::start`], [`AlertService::tick`])
//!   evaluates due alerts, reading each (metric, range) once per tick and
//!   calling the `alert-rule` plugins under a timeout each.
//! - A state machine ([`state`]) turns evaluations into OK / PENDING /
//!   FIRING / NO_DATA / ERROR and decides the few notifications.
//! - Notifications go through a persistent outbox ([`outbox`]) and are
//!   emailed with lettre by the delivery worker
//!   ([`AlertService::deliver_due`]), retried while SMTP is down.
//!
//! Time comes from an injectable clock ([`AlertService::with_clock`]), so
//! schedules, pending counts and repeat intervals are tested without waiting.
//!
//! ```no_run
//! # async fn demo(service: std::sync::Arc<wasmdash::alerts::AlertService>,
//! #               editor: wasmdash::store::User) -> Result<(), wasmdash::alerts::AlertError> {
//! use wasmdash::alerts::AlertDraft;
//! let draft: AlertDraft = serde_json::from_value(serde_json::json!({
//!     "name": "Too many errors",
//!     "metric": "error_rate",
//!     "rule": "threshold",
//!     "rule_config": {"op": ">", "value": 0.05},
//!     "range": "1h",
//!     "recipients": ["ops@example.com"],
//!     "schedule": {"every": {"minutes": 5}}
//! })).expect("a valid draft");
//! let alert = service.create(&editor, draft).await?;
//! let _tasks = service.start(); // scheduler + delivery worker
//! println!("{} runs next at {:?}", alert.id, service.get(&alert.id, &editor)?.status.next_run);
//! # Ok(()) }
//! ```

mod delivery;
mod engine;
mod error;
mod history;
mod mailer;
mod message;
mod model;
pub mod observe;
pub mod outbox;
mod records;
mod schedule;
mod scheduler;
mod service;
mod settings;
pub mod state;
pub mod units;
mod validate;

pub use delivery::DeliveryReport;
pub use error::{AlertError, Result};
pub use history::{DeliveryOutcome, HistoryEntry, HistoryEvent, MAX_HISTORY_TEXT_BYTES};
pub use message::{Email, EmailFacts, Headline, compose, format_value};
pub use model::{
    Alert, AlertDraft, AlertId, AlertState, AlertStatus, AlertView, DEFAULT_PENDING_COUNT,
    DEFAULT_REPEAT_MINUTES, ErrorPolicy, MAX_NAME_CHARS, MAX_PENDING_COUNT, MAX_RECIPIENTS,
    MAX_REPEAT_MINUTES, NoDataPolicy,
};
pub use outbox::{Notification, NotificationKind, OutboxStatus};
pub use records::{AlertStore, Records as AlertRecordTypes};
pub use schedule::{MAX_EVERY_MINUTES, Schedule, TimeOfDay};
pub use scheduler::{AlertTasks, TickReport};
pub use service::{AlertService, CheckResult, MAX_HISTORY_LIMIT, TestOutcome, TestTarget};
pub use settings::{AlertSettings, SmtpSettings, TlsMode};
pub use validate::{MAX_RULE_CONFIG_BYTES, parse_recipient};

pub(crate) use settings::check as check_settings;
