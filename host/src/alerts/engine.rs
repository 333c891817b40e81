//! One evaluation pass: due alerts grouped by (metric, range) so each group
//! reads its metric once, rules run concurrently under a timeout each, then
//! the state machine, history and outbox are written per alert in one
//! transaction, and the whole pass is flushed before any email goes out.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::error::Result;
use super::history::{DeliveryOutcome, HistoryEntry, HistoryEvent};
use super::mailer::Outgoing;
use super::message::{EmailFacts, Headline, compose};
use super::model::{Alert, AlertStatus};
use super::outbox::{Notification, NotificationKind, OutboxStatus};
use super::records::EvaluationWrite;
use super::service::{AlertService, CheckResult, TestOutcome};
use super::state::{self, Observation};
use crate::data::{DataRequest, RangeSpec};
use crate::frame::{ColumnFormat, Series, ValueFormat};
use crate::plugins::{AlertInput, AlertState as RuleState, Display};

/// Rule calls in flight at once within one metric group.
const RULE_CONCURRENCY: usize = 16;

/// A metric read once for every alert of a group.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) input: AlertInput,
    pub(crate) label: String,
    pub(crate) format: ValueFormat,
    /// Whether a rise of the metric is good news (its `good` direction).
    pub(crate) higher_is_better: bool,
}

type Group = ((String, String), Vec<Alert>);

/// The recent values a rule sees: whole buckets only. The evaluated range
/// ends now, so its last bucket is still filling (and its first may start
/// mid-bucket): a rule comparing recent values would read that bucket as
/// a drop, or as missing data. The alert-rule world has no `buckets`
/// import to ask which points are partial, so the host leaves them out;
/// `current` and `previous` are aggregates over ranges of equal length and
/// need no such care.
fn whole_buckets(series: Series, partial: &[i64]) -> Series {
    if partial.is_empty() {
        return series;
    }
    let n = series.timestamps.len().min(series.values.len());
    let keep: Vec<usize> = (0..n)
        .filter(|i| !partial.contains(&series.timestamps[*i]))
        .collect();
    Series {
        timestamps: keep.iter().map(|i| series.timestamps[*i]).collect(),
        values: keep.iter().map(|i| series.values[*i]).collect(),
        nulls: if series.nulls.is_empty() {
            Vec::new()
        } else {
            keep.iter()
                .map(|i| series.nulls.get(*i).copied().unwrap_or(false))
                .collect()
        },
    }
}
/// One group's metric snapshot (when it could be read) and each alert's
/// observation.
type GroupOutcome = (Option<Snapshot>, Vec<(Alert, Observation)>);

impl AlertService {
    fn limit(&self) -> Duration {
        Duration::from_millis(self.settings.evaluation_timeout_ms)
    }

    /// Read `metric` over `range` at `now`: the value, the previous
    /// period's, and a recent series, in one scalar load.
    pub(crate) async fn load_metric(
        &self,
        metric: &str,
        range: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<Snapshot, String> {
        let spec = RangeSpec::from_str(range).map_err(|e| e.to_string())?;
        let resolved = spec.resolve(now, self.tz).map_err(|e| e.to_string())?;
        self.metric_loads.fetch_add(1, Ordering::Relaxed);
        let loaded =
            tokio::time::timeout(self.limit(), self.data.scalar(metric, &spec, true)).await;
        let data = match loaded {
            Err(_) => {
                return Err(format!(
                    "reading metric `{metric}` took longer than {} ms",
                    self.settings.evaluation_timeout_ms
                ));
            }
            Ok(Err(e)) => {
                if !e.is_user_error() {
                    tracing::warn!(metric, error = ?e, "an alert's metric query failed");
                }
                return Err(format!("reading metric `{metric}` failed: {e}"));
            }
            Ok(Ok(d)) => d,
        };
        Ok(Snapshot {
            input: AlertInput {
                metric: metric.to_owned(),
                time_range: resolved.current,
                current: data.value,
                previous: data.previous,
                recent: whole_buckets(data.sparkline.unwrap_or_default(), &data.sparkline_partial),
            },
            label: data.label,
            format: data.format,
            higher_is_better: self
                .data
                .metrics()
                .into_iter()
                .find(|m| m.name == metric)
                .is_none_or(|m| m.good == crate::data::config::Good::Up),
        })
    }

    /// Start reading every (metric, range) of a pass together: the metrics
    /// of one range and dataset come from one scan, which the groups'
    /// own loads then wait for.
    fn prefetch_metrics<'a>(&self, keys: impl Iterator<Item = &'a (String, String)>) {
        let mut by_range: BTreeMap<&str, Vec<DataRequest>> = BTreeMap::new();
        for (metric, range) in keys {
            by_range
                .entry(range)
                .or_default()
                .push(DataRequest::Scalar {
                    metric: metric.clone(),
                    sparkline: true,
                });
        }
        for (range, requests) in by_range {
            if let Ok(spec) = RangeSpec::from_str(range) {
                self.data.prefetch(&requests, &spec);
            }
        }
    }

    /// Run the alert's rule on `snap` under the evaluation timeout.
    pub(crate) async fn run_rule(&self, alert: &Alert, snap: &Snapshot) -> Observation {
        let rule = match self.plugins.alert_rule(&alert.draft.rule) {
            Ok(rule) => rule,
            Err(e) => {
                return Observation::Error {
                    message: e.to_string(),
                };
            }
        };
        let config = alert.draft.rule_config.to_string();
        // The rule words its sentence as the dashboard shows the metric.
        let display = Display {
            value_format: ColumnFormat::from(&snap.format),
            metric_label: snap.label.clone(),
            higher_is_better: snap.higher_is_better,
            ..Display::default()
        };
        let evaluation = rule.evaluate_with(&config, &snap.input, &display);
        match tokio::time::timeout(self.limit(), evaluation).await {
            Err(_) => Observation::Error {
                message: format!(
                    "the rule `{}` took longer than {} ms",
                    alert.draft.rule, self.settings.evaluation_timeout_ms
                ),
            },
            Ok(Err(e)) => Observation::Error {
                message: e.to_string(),
            },
            Ok(Ok(ev)) => match ev.state {
                RuleState::Firing => Observation::Firing {
                    value: ev.observed,
                    message: ev.message,
                },
                RuleState::Ok => Observation::Ok {
                    value: ev.observed,
                    message: ev.message,
                },
                RuleState::NoData => Observation::NoData {
                    message: ev.message,
                },
            },
        }
    }

    fn email_facts<'a>(
        &'a self,
        alert: &'a Alert,
        headline: Headline,
        snap: Option<&'a Snapshot>,
        obs: &'a Observation,
        at: DateTime<Utc>,
    ) -> EmailFacts<'a> {
        static NO_FORMAT: std::sync::OnceLock<ValueFormat> = std::sync::OnceLock::new();
        EmailFacts {
            alert,
            headline,
            metric_label: snap.map_or(alert.draft.metric.as_str(), |s| s.label.as_str()),
            format: snap.map_or_else(
                || NO_FORMAT.get_or_init(ValueFormat::default),
                |s| &s.format,
            ),
            current: snap.and_then(|s| s.input.current),
            previous: snap.and_then(|s| s.input.previous),
            rule_message: obs.message(),
            range_label: snap.map_or(alert.draft.range.as_str(), |s| {
                s.input.time_range.label.as_str()
            }),
            at,
            tz: self.tz,
            public_url: self.settings.public_url.as_deref(),
        }
    }

    fn notification(
        &self,
        alert: &Alert,
        kind: NotificationKind,
        status: &AlertStatus,
        snap: Option<&Snapshot>,
        obs: &Observation,
        now: DateTime<Utc>,
    ) -> Notification {
        let headline = match kind {
            NotificationKind::Firing => Headline::Firing,
            NotificationKind::Repeat => Headline::StillFiring,
            NotificationKind::Resolved => Headline::Resolved,
        };
        let email = compose(&self.email_facts(alert, headline, snap, obs, now));
        Notification {
            key: Notification::key_for(&alert.id, status.notification_seq, kind),
            alert: alert.id.clone(),
            kind,
            recipients: alert.draft.recipients.clone(),
            subject: email.subject,
            text: email.text,
            html: email.html,
            created: now,
            attempts: 0,
            next_attempt: now,
            last_error: None,
            status: OutboxStatus::Pending,
        }
    }

    /// Evaluate `alert` without saving; optionally send a test email.
    pub(crate) async fn test_alert(
        &self,
        alert: &Alert,
        status: &AlertStatus,
        send_email: bool,
    ) -> Result<TestOutcome> {
        let now = self.now();
        let snap = self
            .load_metric(&alert.draft.metric, &alert.draft.range, now)
            .await;
        let obs = match &snap {
            Ok(s) => self.run_rule(alert, s).await,
            Err(message) => Observation::Error {
                message: message.clone(),
            },
        };
        let t = state::apply(&alert.draft, status, &obs, now);
        let snap = snap.ok();
        let (mut email_sent, mut email_error) = (false, None);
        if send_email {
            let email = compose(&self.email_facts(alert, Headline::Test, snap.as_ref(), &obs, now));
            let key = format!("test/{}/{}", alert.id, now.timestamp_millis());
            let out = Outgoing {
                key: &key,
                message_id: format!("<{}@{}>", key.replace('/', "."), self.mailer.domain()),
                recipients: &alert.draft.recipients,
                subject: &email.subject,
                text: &email.text,
                html: &email.html,
            };
            match self.mailer.send(&out).await {
                Ok(()) => email_sent = true,
                Err(e) => email_error = Some(e.message),
            }
        }
        Ok(TestOutcome {
            value: snap.as_ref().and_then(|s| s.input.current),
            previous: snap.as_ref().and_then(|s| s.input.previous),
            observed: obs.value(),
            state: t.status.state,
            message: obs.message().to_owned(),
            email_sent,
            email_error,
        })
    }

    /// Evaluate `alerts` now, grouped by metric query; with `reschedule`,
    /// set each next run from the schedule (the scheduler), else keep it
    /// ("check now").
    pub(crate) async fn evaluate_now(
        &self,
        alerts: Vec<Alert>,
        reschedule: bool,
    ) -> Result<Vec<CheckResult>> {
        let _pass = self.eval_lock.lock().await;
        let now = self.now();
        let mut groups: BTreeMap<(String, String), Vec<Alert>> = BTreeMap::new();
        for a in alerts {
            groups
                .entry((a.draft.metric.clone(), a.draft.range.clone()))
                .or_default()
                .push(a);
        }
        self.prefetch_metrics(groups.keys());
        let evaluated: Vec<GroupOutcome> = futures::stream::iter(groups)
            .map(|group: Group| self.evaluate_group(group, now))
            .buffer_unordered(self.settings.max_concurrent_queries)
            .collect()
            .await;
        let mut results = Vec::new();
        let mut notified = false;
        for (snap, observations) in &evaluated {
            for (alert, obs) in observations {
                let before = self.store.status(&alert.id)?;
                let t = state::apply(&alert.draft, &before, obs, now);
                let mut status = t.status;
                if reschedule {
                    status.next_run = if alert.draft.enabled {
                        alert.draft.schedule.next_after(now, self.tz)
                    } else {
                        None
                    };
                }
                let mut history = vec![HistoryEntry {
                    at: now,
                    event: HistoryEvent::Evaluation {
                        state: status.state,
                        value: obs.value(),
                        message: obs.message().to_owned(),
                    },
                }];
                if let Some((from, to)) = t.changed {
                    history.push(HistoryEntry {
                        at: now,
                        event: HistoryEvent::StateChange {
                            from,
                            to,
                            message: obs.message().to_owned(),
                        },
                    });
                }
                let notification = t
                    .notify
                    .map(|kind| self.notification(alert, kind, &status, snap.as_ref(), obs, now));
                notified |= notification.is_some();
                if let Some(n) = &notification {
                    // Every notification shows in the history from the
                    // moment it exists, sent or not.
                    history.push(HistoryEntry {
                        at: now,
                        event: HistoryEvent::Delivery {
                            notification: n.key.clone(),
                            kind: n.kind,
                            outcome: DeliveryOutcome::Queued,
                            attempt: 0,
                            detail: if self.mailer.is_configured() {
                                "waiting in the outbox".into()
                            } else {
                                "waiting in the outbox: no SMTP server is configured".into()
                            },
                        },
                    });
                }
                let write = EvaluationWrite {
                    id: alert.id.clone(),
                    status,
                    // Whatever a rule or database said, history stays small.
                    history: history.iter().map(|h| h.bounded().into_owned()).collect(),
                    notification,
                };
                if self.store.write_evaluation(&write)? {
                    results.push(CheckResult {
                        id: alert.id.clone(),
                        name: alert.draft.name.clone(),
                        previous_state: before.state,
                        state: write.status.state,
                        value: obs.value(),
                        message: obs.message().to_owned(),
                        notification: t.notify,
                    });
                }
            }
        }
        // Durable before the delivery worker may send anything.
        self.store.flush().await?;
        if notified {
            self.wake.notify_one();
        }
        Ok(results)
    }

    async fn evaluate_group(
        &self,
        ((metric, range), alerts): Group,
        now: DateTime<Utc>,
    ) -> (Option<Snapshot>, Vec<(Alert, Observation)>) {
        // Permissions are checked again at every pass, not only when the
        // alert was saved: an owner who lost access to the dataset gets an
        // error in the alert's history, never its values in an email.
        let mut permitted = Vec::with_capacity(alerts.len());
        let mut refused = Vec::new();
        for a in alerts {
            match self.owner_refusal(&a) {
                None => permitted.push(a),
                Some(message) => refused.push((a, Observation::Error { message })),
            }
        }
        if permitted.is_empty() {
            return (None, refused);
        }
        let (snap, mut observations) = self
            .evaluate_permitted(&metric, &range, permitted, now)
            .await;
        observations.append(&mut refused);
        (snap, observations)
    }

    /// Why `alert`'s owner may no longer read its metric (`[[dataset]]
    /// allow`), if so. A disabled or deleted owner is not a refusal here:
    /// their alerts keep running until an admin changes them.
    fn owner_refusal(&self, alert: &Alert) -> Option<String> {
        let mut owner = self.users.user(&alert.owner).ok()??;
        owner.disabled = false;
        let metric = &alert.draft.metric;
        (!self.data_access.may_read_metric(&owner, metric)).then(|| {
            format!(
                "not permitted: its owner {} may no longer read metric `{metric}` (the dataset's `allow` list)",
                owner.username
            )
        })
    }

    async fn evaluate_permitted(
        &self,
        metric: &str,
        range: &str,
        alerts: Vec<Alert>,
        now: DateTime<Utc>,
    ) -> (Option<Snapshot>, Vec<(Alert, Observation)>) {
        match self.load_metric(metric, range, now).await {
            Ok(snap) => {
                let observations = futures::stream::iter(alerts)
                    .map(|a| {
                        let snap = &snap;
                        async move {
                            let obs = self.run_rule(&a, snap).await;
                            (a, obs)
                        }
                    })
                    .buffer_unordered(RULE_CONCURRENCY)
                    .collect()
                    .await;
                (Some(snap), observations)
            }
            Err(message) => {
                let observations = alerts
                    .into_iter()
                    .map(|a| {
                        let obs = Observation::Error {
                            message: message.clone(),
                        };
                        (a, obs)
                    })
                    .collect();
                (None, observations)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_see_whole_buckets_only() {
        let s = Series {
            timestamps: vec![10, 20, 30, 40],
            values: vec![1.0, 5.0, 0.0, 6.0],
            nulls: vec![false, false, true, false],
        };
        let whole = whole_buckets(s.clone(), &[10, 40]);
        assert_eq!(whole.timestamps, [20, 30]);
        assert_eq!(whole.values, [5.0, 0.0]);
        assert_eq!(whole.nulls, [false, true]);
        assert_eq!(whole_buckets(s.clone(), &[]), s);
    }
}
