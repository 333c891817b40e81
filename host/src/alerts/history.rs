//! What happened to an alert: evaluations, state changes and deliveries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::AlertState;
use super::outbox::NotificationKind;
use crate::plugins::excerpt;

/// One entry of an alert's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    pub event: HistoryEvent,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Written to the outbox, waiting for the delivery worker (or for an
    /// SMTP server to be configured).
    Queued,
    /// The SMTP server accepted the message.
    Sent,
    /// It failed for now; it is retried later.
    Retrying,
    /// The SMTP server refused it for good; it is not retried.
    Failed,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryEvent {
    /// The alert was evaluated.
    Evaluation {
        /// The state it is in afterwards.
        state: AlertState,
        /// The value the rule compared.
        value: Option<f64>,
        /// The rule's sentence or the error.
        message: String,
    },
    /// The state changed.
    StateChange {
        /// Before.
        from: AlertState,
        /// After.
        to: AlertState,
        /// Why (the rule's sentence or the error).
        message: String,
    },
    /// A notification was queued in the outbox, or handed to the SMTP
    /// server (or failed to be).
    Delivery {
        /// The notification's idempotency key.
        notification: String,
        /// Firing, repeat, resolved or test.
        kind: NotificationKind,
        /// How the attempt ended.
        outcome: DeliveryOutcome,
        /// The attempt number, from 1 (0 when queued).
        attempt: u32,
        /// The SMTP server's answer or the error.
        detail: String,
    },
}

/// Most bytes of text (a rule's sentence, an error, an SMTP answer) one
/// history entry keeps: an alert keeps up to a thousand evaluations, so
/// whatever a plugin or server says, its history stays small (an
/// evaluation that changes state writes two entries: with 2 KiB each, 100
/// evaluations grew the state store to within 2% of 1 MiB).
pub const MAX_HISTORY_TEXT_BYTES: usize = 1024;

impl HistoryEntry {
    /// The entry with its text cut to [`MAX_HISTORY_TEXT_BYTES`]; the
    /// store applies it to everything it writes.
    pub fn bounded(&self) -> std::borrow::Cow<'_, Self> {
        let text = match &self.event {
            HistoryEvent::Evaluation { message, .. }
            | HistoryEvent::StateChange { message, .. } => message,
            HistoryEvent::Delivery { detail, .. } => detail,
        };
        if text.len() <= MAX_HISTORY_TEXT_BYTES {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut entry = self.clone();
        match &mut entry.event {
            HistoryEvent::Evaluation { message, .. }
            | HistoryEvent::StateChange { message, .. } => {
                *message = excerpt(message, MAX_HISTORY_TEXT_BYTES);
            }
            HistoryEvent::Delivery { detail, .. } => {
                *detail = excerpt(detail, MAX_HISTORY_TEXT_BYTES);
            }
        }
        std::borrow::Cow::Owned(entry)
    }
}

impl HistoryEvent {
    /// True for evaluation entries, of which only the newest are kept.
    pub fn is_evaluation(&self) -> bool {
        matches!(self, Self::Evaluation { .. })
    }
}
