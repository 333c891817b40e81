//! The alert engine's records as the store crate keeps them: the
//! [`AlertRecords`] facts it needs (keys, versions, times), and
//! [`AlertStore`], the sled trees holding alerts, history and the outbox.

use chrono::{DateTime, Utc};

use super::history::HistoryEntry;
use super::model::{Alert, AlertId, AlertStatus};
use super::outbox::Notification;
use crate::store::AlertRecords;

/// The alert engine's view of the state database.
pub type AlertStore = crate::store::AlertStore<Records>;

/// Everything one evaluation writes, atomically.
pub(crate) type EvaluationWrite = crate::store::EvaluationWrite<Records>;

/// The alert record types, named for the store.
#[derive(Debug, Clone, Copy)]
pub struct Records;

impl AlertRecords for Records {
    type Id = AlertId;
    type Alert = Alert;
    type Status = AlertStatus;
    type History = HistoryEntry;
    type Notification = Notification;

    fn alert_id(alert: &Alert) -> &AlertId {
        &alert.id
    }
    fn alert_version(alert: &Alert) -> u64 {
        alert.version
    }
    fn history_at(entry: &HistoryEntry) -> DateTime<Utc> {
        entry.at
    }
    fn is_evaluation(entry: &HistoryEntry) -> bool {
        entry.event.is_evaluation()
    }
    fn notification_key(n: &Notification) -> &str {
        &n.key
    }
    fn notification_alert(n: &Notification) -> &AlertId {
        &n.alert
    }
    fn is_prunable(n: &Notification, before: DateTime<Utc>) -> bool {
        n.is_done() && n.created < before
    }
}
