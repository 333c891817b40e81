//! Notifications waiting to be sent: written (and flushed) before the SMTP
//! conversation, marked after it, retried with capped exponential backoff.
//!
//! Every notification has an idempotency key, `<alert id>/<notification
//! number>/<kind>`, derived from the alert's persisted status in the same
//! transaction that changed the state, so re-running an evaluation after a
//! crash cannot create a second notification for one event. The key is
//! also the email's `Message-ID` (and an `X-Wasmdash-Notification` header).
//!
//! The remaining duplicate window: if the process dies after the SMTP
//! server accepted the message (`250` after `DATA`) but before the "sent"
//! mark reached the disk, the message is sent again after the restart,
//! with the same `Message-ID`, so mail systems that deduplicate by it show
//! one. Nothing is lost in any case: a message is only marked sent after
//! the server accepted it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::AlertId;

/// Why a notification is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The alert entered FIRING.
    Firing,
    /// Still firing after the repeat interval.
    Repeat,
    /// A firing alert is OK again.
    Resolved,
}

impl NotificationKind {
    /// `firing`, `repeat`, `resolved`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firing => "firing",
            Self::Repeat => "repeat",
            Self::Resolved => "resolved",
        }
    }
}

/// Where a notification is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Not yet accepted by the SMTP server.
    Pending,
    /// Accepted by the SMTP server.
    Sent {
        /// When.
        at: DateTime<Utc>,
    },
    /// Refused for good (a permanent SMTP error).
    Failed {
        /// When.
        at: DateTime<Utc>,
        /// The server's answer.
        reason: String,
    },
}

/// An email to send, with everything needed to send it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Idempotency key, also the outbox key and the `Message-ID` local part.
    pub key: String,
    /// The alert it is about.
    pub alert: AlertId,
    /// Why it is sent.
    pub kind: NotificationKind,
    /// Who gets it.
    pub recipients: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// When it was created (the evaluation time).
    pub created: DateTime<Utc>,
    /// Attempts made so far.
    pub attempts: u32,
    /// Not before this time.
    pub next_attempt: DateTime<Utc>,
    /// The last failure, if any.
    pub last_error: Option<String>,
    /// Pending, sent or failed.
    #[serde(flatten)]
    pub status: OutboxStatus,
}

impl Notification {
    /// The key for the `number`-th notification of `alert`.
    pub fn key_for(alert: &AlertId, number: u64, kind: NotificationKind) -> String {
        format!("{alert}/{number:020}/{}", kind.as_str())
    }

    /// Sent or failed: nothing more to do.
    pub fn is_done(&self) -> bool {
        !matches!(self.status, OutboxStatus::Pending)
    }

    /// Waiting and due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        !self.is_done() && self.next_attempt <= now
    }

    /// The `Message-ID` header value for this notification at `domain`.
    pub fn message_id(&self, domain: &str) -> String {
        format!("<{}@{domain}>", self.key.replace('/', "."))
    }
}

/// Delay before retry number `attempts` (1 = the first retry): `initial`
/// doubled per attempt, at most `max`.
pub fn backoff(attempts: u32, initial_secs: u64, max_secs: u64) -> Duration {
    let factor = 1u64 << attempts.saturating_sub(1).min(30);
    let secs = initial_secs.saturating_mul(factor).min(max_secs);
    Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let secs = |n| backoff(n, 5, 600).num_seconds();
        assert_eq!([secs(1), secs(2), secs(3), secs(4)], [5, 10, 20, 40]);
        assert_eq!(secs(8), 600);
        assert_eq!(secs(400), 600);
    }

    #[test]
    fn keys_sort_by_number_and_make_message_ids() {
        let id = AlertId::from_string("ab12");
        let a = Notification::key_for(&id, 2, NotificationKind::Firing);
        let b = Notification::key_for(&id, 10, NotificationKind::Resolved);
        assert!(a < b, "{a} < {b}");
        assert!(!a.contains(' '));
    }
}
