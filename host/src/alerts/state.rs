//! The state machine of one alert: OK → PENDING → FIRING → OK (resolved),
//! plus NO_DATA and ERROR, as a pure function of the stored status and one
//! observation, so it is tested without a clock, a database or a plugin.
//!
//! Notifications: on entering FIRING (once per incident), every repeat
//! interval while FIRING, and on resolve (when enabled) — never on every
//! evaluation. An incident stays open through NO_DATA and ERROR: firing
//! again afterwards does not send a second "firing" email, and OK
//! afterwards sends the resolve.

use chrono::{DateTime, Duration, Utc};

use super::model::{AlertDraft, AlertState, AlertStatus, ErrorPolicy, NoDataPolicy};
use super::outbox::NotificationKind;

/// Most bytes of the last message an alert's status keeps.
const MAX_STATUS_MESSAGE_BYTES: usize = 512;

/// What one evaluation found.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The rule's condition holds.
    Firing {
        /// The value compared.
        value: Option<f64>,
        /// The rule's sentence.
        message: String,
    },
    /// The rule's condition does not hold.
    Ok {
        /// The value compared.
        value: Option<f64>,
        /// The rule's sentence.
        message: String,
    },
    /// Nothing to compare.
    NoData {
        /// The rule's sentence.
        message: String,
    },
    /// The query or the rule failed or timed out.
    Error {
        /// What failed.
        message: String,
    },
}

impl Observation {
    /// The value compared, if any.
    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Firing { value, .. } | Self::Ok { value, .. } => *value,
            Self::NoData { .. } | Self::Error { .. } => None,
        }
    }

    /// The sentence.
    pub fn message(&self) -> &str {
        match self {
            Self::Firing { message, .. }
            | Self::Ok { message, .. }
            | Self::NoData { message }
            | Self::Error { message } => message,
        }
    }
}

/// The outcome of applying one observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The new status (next-run time untouched).
    pub status: AlertStatus,
    /// `(from, to)` when the state changed.
    pub changed: Option<(AlertState, AlertState)>,
    /// The notification to create, if any.
    pub notify: Option<NotificationKind>,
}

/// What the observation counts as, after the alert's policies.
enum Effective {
    Firing,
    Ok,
    NoData,
    Error,
    Keep,
}

/// Apply `obs` made at `now` to `status` under the alert's settings.
pub fn apply(
    draft: &AlertDraft,
    status: &AlertStatus,
    obs: &Observation,
    now: DateTime<Utc>,
) -> Transition {
    let effective = match obs {
        Observation::Firing { .. } => Effective::Firing,
        Observation::Ok { .. } => Effective::Ok,
        Observation::NoData { .. } => match draft.on_no_data {
            NoDataPolicy::NoData => Effective::NoData,
            NoDataPolicy::Ok => Effective::Ok,
            NoDataPolicy::Alerting => Effective::Firing,
            NoDataPolicy::Keep => Effective::Keep,
        },
        Observation::Error { .. } => match draft.on_error {
            ErrorPolicy::Error => Effective::Error,
            ErrorPolicy::Alerting => Effective::Firing,
            ErrorPolicy::Keep => Effective::Keep,
        },
    };
    let mut next = status.clone();
    next.last_evaluated = Some(now);
    next.last_value = obs.value();
    // The status is rewritten at every evaluation: keep its copy of the
    // message short (history keeps a longer excerpt).
    next.last_message = crate::plugins::excerpt(obs.message(), MAX_STATUS_MESSAGE_BYTES);
    let mut notify = None;
    let repeat_due = |s: &AlertStatus| {
        draft.repeat_interval_minutes > 0
            && s.last_notified.is_none_or(|at| {
                now - at >= Duration::minutes(i64::from(draft.repeat_interval_minutes))
            })
    };
    match effective {
        Effective::Keep => {}
        Effective::Firing => {
            next.consecutive_firing = status.consecutive_firing.saturating_add(1);
            if next.consecutive_firing >= draft.pending_count.max(1) {
                next.state = AlertState::Firing;
                if !status.incident_open {
                    notify = Some(NotificationKind::Firing);
                    next.incident_open = true;
                } else if repeat_due(status) {
                    notify = Some(NotificationKind::Repeat);
                }
                if notify.is_some() {
                    next.last_notified = Some(now);
                }
            } else {
                next.state = AlertState::Pending;
            }
        }
        Effective::Ok => {
            next.consecutive_firing = 0;
            next.state = AlertState::Ok;
            if status.incident_open {
                next.incident_open = false;
                next.last_notified = None;
                if draft.notify_on_resolve {
                    notify = Some(NotificationKind::Resolved);
                }
            }
        }
        Effective::NoData => {
            next.consecutive_firing = 0;
            next.state = AlertState::NoData;
        }
        Effective::Error => {
            next.consecutive_firing = 0;
            next.state = AlertState::Error;
        }
    }
    let changed = (next.state != status.state).then_some((status.state, next.state));
    if changed.is_some() {
        next.state_seq += 1;
        next.since = Some(now);
    }
    if notify.is_some() {
        next.notification_seq += 1;
    }
    Transition {
        status: next,
        changed,
        notify,
    }
}

#[cfg(test)]
mod tests;
