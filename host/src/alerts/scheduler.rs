//! The scheduler and the delivery worker as tokio tasks.
//!
//! Each alert's next-run time is persisted in its status. A tick evaluates
//! every enabled alert whose next run has come and sets the next one from
//! its schedule *after now*: an alert overdue after downtime runs once (one
//! catch-up) and then follows its schedule, never a storm of missed runs.
//! A new or re-enabled alert gets its first run time when saved; one whose
//! time is missing (restored from an old backup) gets it at the next tick.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::Result;
use super::service::AlertService;

/// How often retention is applied.
const PRUNE_EVERY: chrono::TimeDelta = chrono::TimeDelta::hours(1);
/// How long sent and failed notifications stay in the outbox (their
/// deliveries stay in the history).
const OUTBOX_KEEP: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// The delivery worker looks at the outbox at least this often.
const DELIVERY_POLL: Duration = Duration::from_secs(1);

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TickReport {
    /// When the tick ran (the service clock).
    pub at: DateTime<Utc>,
    /// Alerts evaluated.
    pub evaluated: usize,
    /// Metric loads run (one per distinct metric and range).
    pub metric_loads: u64,
    /// Notifications written to the outbox.
    pub notifications: usize,
    /// Wall time of the tick.
    pub elapsed_ms: u128,
}

/// The running scheduler and delivery worker; both stop when this is
/// dropped.
#[derive(Debug)]
pub struct AlertTasks {
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for AlertTasks {
    fn drop(&mut self) {
        for h in &self.handles {
            h.abort();
        }
    }
}

impl AlertService {
    /// Evaluate every enabled alert that is due now.
    pub async fn tick(&self) -> Result<TickReport> {
        let started = Instant::now();
        let now = self.now();
        let loads_before = self.metric_loads();
        let mut due = Vec::new();
        for alert in self.store.alerts()? {
            if !alert.draft.enabled {
                continue;
            }
            let mut status = self.store.status(&alert.id)?;
            match status.next_run {
                Some(t) if t <= now => due.push(alert),
                Some(_) => {}
                None => {
                    status.next_run = alert.draft.schedule.next_after(now, self.tz);
                    self.store.put_status(&alert.id, &status)?;
                }
            }
        }
        let results = if due.is_empty() {
            Vec::new()
        } else {
            // Scheduled passes are background work: they may not take the
            // connections people waiting on pages need.
            crate::data::in_background(self.evaluate_now(due, true)).await?
        };
        Ok(TickReport {
            at: now,
            evaluated: results.len(),
            metric_loads: self.metric_loads() - loads_before,
            notifications: results.iter().filter(|r| r.notification.is_some()).count(),
            elapsed_ms: started.elapsed().as_millis(),
        })
    }

    /// Apply retention: history older than `[alerts]
    /// history_retention_days`, evaluations beyond the per-alert cap, and
    /// finished notifications older than a day. Returns entries removed.
    pub async fn prune(&self) -> Result<usize> {
        let now = self.now();
        let retention = chrono::TimeDelta::days(i64::from(self.settings.history_retention_days));
        let keep = usize::try_from(self.settings.max_evaluations_per_alert).unwrap_or(usize::MAX);
        let removed = self.store.prune_history(now - retention, keep)?
            + self.store.prune_outbox(now - OUTBOX_KEEP)?;
        self.store.flush().await?;
        Ok(removed)
    }

    /// Start the scheduler (a tick every `[alerts] tick_seconds`, retention
    /// hourly) and the delivery worker (woken by new notifications, and
    /// every second for retries). Call once, inside a tokio runtime.
    pub fn start(self: &Arc<Self>) -> AlertTasks {
        if !self.email_enabled() {
            tracing::warn!(
                reason = self.mailer.problem().unwrap_or_default(),
                "alert emails are off; notifications wait in the outbox"
            );
        }
        let scheduler = {
            let me = Arc::clone(self);
            tokio::spawn(async move {
                let mut last_prune: Option<DateTime<Utc>> = None;
                let mut tick = tokio::time::interval(Duration::from_secs(me.settings.tick_seconds));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    match me.tick().await {
                        Ok(r) if r.evaluated > 0 => tracing::debug!(
                            evaluated = r.evaluated,
                            loads = r.metric_loads,
                            notifications = r.notifications,
                            ms = r.elapsed_ms as u64,
                            "alert tick"
                        ),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "alert tick failed"),
                    }
                    let now = me.now();
                    if last_prune.is_none_or(|at| now - at >= PRUNE_EVERY) {
                        last_prune = Some(now);
                        if let Err(e) = me.prune().await {
                            tracing::error!(error = %e, "pruning alert history failed");
                        }
                    }
                }
            })
        };
        let delivery = {
            let me = Arc::clone(self);
            tokio::spawn(async move {
                loop {
                    if let Err(e) = me.deliver_due().await {
                        tracing::error!(error = %e, "alert delivery round failed");
                    }
                    tokio::select! {
                        () = me.wake.notified() => {}
                        () = tokio::time::sleep(DELIVERY_POLL) => {}
                    }
                }
            })
        };
        AlertTasks {
            handles: vec![scheduler, delivery],
        }
    }
}
