//! The delivery worker's round: send every due notification of the outbox,
//! mark it sent (flushed at once, to keep the duplicate window short) or
//! schedule its retry with capped exponential backoff.

use serde::Serialize;

use super::error::Result;
use super::history::{DeliveryOutcome, HistoryEntry, HistoryEvent};
use super::mailer::Outgoing;
use super::outbox::{OutboxStatus, backoff};
use super::service::AlertService;

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Accepted by the SMTP server.
    pub sent: usize,
    /// Failed for now; retried later.
    pub retrying: usize,
    /// Refused for good.
    pub failed: usize,
    /// Not yet due (backing off) or waiting for an SMTP host.
    pub waiting: usize,
}

impl AlertService {
    /// Send every notification that is due now. The delivery worker calls
    /// this; tests and the CLI may too.
    pub async fn deliver_due(&self) -> Result<DeliveryReport> {
        let _round = self.deliver_lock.lock().await;
        let now = self.now();
        let mut report = DeliveryReport::default();
        let pending: Vec<_> = self
            .store
            .notifications()?
            .into_iter()
            .filter(|n| !n.is_done())
            .collect();
        if !self.mailer.is_configured() {
            report.waiting = pending.len();
            return Ok(report);
        }
        // A notification is on disk before its SMTP conversation starts.
        self.store.flush().await?;
        let domain = self.mailer.domain();
        for mut n in pending {
            if !n.is_due(now) {
                report.waiting += 1;
                continue;
            }
            // Deleted from the outbox meanwhile (pruned): skip.
            if self
                .store
                .notification(&n.key)?
                .is_none_or(|stored| stored.is_done())
            {
                continue;
            }
            let out = Outgoing {
                key: &n.key,
                message_id: n.message_id(&domain),
                recipients: &n.recipients,
                subject: &n.subject,
                text: &n.text,
                html: &n.html,
            };
            let result = self.mailer.send(&out).await;
            let at = self.now();
            n.attempts += 1;
            let (outcome, detail) = match result {
                Ok(()) => {
                    super::observe::delivery(true, false);
                    n.status = OutboxStatus::Sent { at };
                    n.last_error = None;
                    report.sent += 1;
                    (
                        DeliveryOutcome::Sent,
                        "accepted by the SMTP server".to_owned(),
                    )
                }
                Err(e) if e.permanent => {
                    super::observe::delivery(false, true);
                    tracing::warn!(key = %n.key, error = %e.message, "an alert email was refused");
                    n.status = OutboxStatus::Failed {
                        at,
                        reason: e.message.clone(),
                    };
                    n.last_error = Some(e.message.clone());
                    report.failed += 1;
                    (DeliveryOutcome::Failed, e.message)
                }
                Err(e) => {
                    super::observe::delivery(false, false);
                    tracing::info!(key = %n.key, error = %e.message, attempt = n.attempts, "an alert email will be retried");
                    n.next_attempt = at
                        + backoff(
                            n.attempts,
                            self.settings.retry_initial_seconds,
                            self.settings.retry_max_seconds,
                        );
                    n.last_error = Some(e.message.clone());
                    report.retrying += 1;
                    (DeliveryOutcome::Retrying, e.message)
                }
            };
            let entry = HistoryEntry {
                at,
                event: HistoryEvent::Delivery {
                    notification: n.key.clone(),
                    kind: n.kind,
                    outcome,
                    attempt: n.attempts,
                    detail,
                },
            };
            self.store.update_notification(&n, &entry.bounded())?;
            if outcome == DeliveryOutcome::Sent {
                // The duplicate window ends when this flush returns.
                self.store.flush().await?;
            }
        }
        self.store.flush().await?;
        Ok(report)
    }
}
