//! The alert engine's metrics: SMTP deliveries as they happen, and the
//! outbox and alert states read from the store when metrics are scraped.

use super::error::Result;
use super::model::AlertState;
use super::service::AlertService;

/// Emails accepted by the SMTP server.
pub const SMTP_SENT: &str = "wasmdash_smtp_deliveries_total";
/// Failed SMTP attempts, by kind (`temporary`: retried, `permanent`).
pub const SMTP_FAILURES: &str = "wasmdash_smtp_failures_total";
/// Notifications in the outbox not yet sent or given up.
pub const OUTBOX_PENDING: &str = "wasmdash_outbox_pending";
/// Age of the oldest pending notification, seconds (0 when none).
pub const OUTBOX_OLDEST_AGE: &str = "wasmdash_outbox_oldest_age_seconds";
/// Alerts by state.
pub const ALERTS: &str = "wasmdash_alerts";

const STATES: [AlertState; 5] = [
    AlertState::Ok,
    AlertState::Pending,
    AlertState::Firing,
    AlertState::NoData,
    AlertState::Error,
];

/// Count one delivery attempt's result.
pub(crate) fn delivery(sent: bool, permanent: bool) {
    if sent {
        metrics::counter!(SMTP_SENT).increment(1);
    } else {
        let kind = if permanent { "permanent" } else { "temporary" };
        metrics::counter!(SMTP_FAILURES, "kind" => kind).increment(1);
    }
}

impl AlertService {
    /// Set the outbox and alert-state gauges from the store (called on
    /// every scrape: a few thousand records at most).
    pub fn observe(&self) -> Result<()> {
        let now = self.now();
        let pending: Vec<_> = self
            .store
            .notifications()?
            .into_iter()
            .filter(|n| !n.is_done())
            .collect();
        metrics::gauge!(OUTBOX_PENDING).set(pending.len() as f64);
        let oldest = pending.iter().map(|n| n.created).min();
        let age = oldest.map_or(0.0, |c| (now - c).num_milliseconds().max(0) as f64 / 1000.0);
        metrics::gauge!(OUTBOX_OLDEST_AGE).set(age);
        let mut counts = [0u32; STATES.len()];
        for alert in self.store.alerts()? {
            let state = self.store.status(&alert.id)?.state;
            if let Some(i) = STATES.iter().position(|s| *s == state) {
                counts[i] += 1;
            }
        }
        for (state, n) in STATES.iter().zip(counts) {
            metrics::gauge!(ALERTS, "state" => state.as_str()).set(f64::from(n));
        }
        Ok(())
    }
}
