use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::alerts::Schedule;

fn draft(pending: u32, repeat: u32) -> AlertDraft {
    AlertDraft {
        name: "a".into(),
        metric: "m".into(),
        rule: "threshold".into(),
        rule_config: serde_json::json!({}),
        range: "1h".into(),
        recipients: vec!["a@example.com".into()],
        schedule: Schedule::Every { minutes: 1 },
        enabled: true,
        pending_count: pending,
        repeat_interval_minutes: repeat,
        notify_on_resolve: true,
        on_no_data: NoDataPolicy::NoData,
        on_error: ErrorPolicy::Error,
        dashboard: None,
    }
}

fn firing() -> Observation {
    Observation::Firing {
        value: Some(9.0),
        message: "9 > 5".into(),
    }
}

fn ok() -> Observation {
    Observation::Ok {
        value: Some(1.0),
        message: "1 <= 5".into(),
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Apply observations one minute apart; the states and notifications.
fn run(
    d: &AlertDraft,
    obs: &[Observation],
) -> (Vec<AlertState>, Vec<Option<NotificationKind>>, AlertStatus) {
    let mut status = AlertStatus::default();
    let (mut states, mut notes) = (Vec::new(), Vec::new());
    for (i, o) in obs.iter().enumerate() {
        let t = apply(d, &status, o, t0() + Duration::minutes(i as i64));
        states.push(t.status.state);
        notes.push(t.notify);
        status = t.status;
    }
    (states, notes, status)
}

use AlertState::{Error as E, Firing as F, NoData as N, Ok as O, Pending as P};
use NotificationKind::{Firing as NF, Repeat as NR, Resolved as NRes};

#[test]
fn fires_once_then_resolves() {
    let (states, notes, status) = run(
        &draft(1, 240),
        &[ok(), firing(), firing(), firing(), ok(), ok()],
    );
    assert_eq!(states, [O, F, F, F, O, O]);
    assert_eq!(notes, [None, Some(NF), None, None, Some(NRes), None]);
    assert_eq!(status.notification_seq, 2);
    assert!(!status.incident_open);
}

#[test]
fn pending_count_needs_consecutive_firing_evaluations() {
    let (states, notes, _) = run(
        &draft(3, 240),
        &[
            firing(),
            firing(),
            ok(),
            firing(),
            firing(),
            firing(),
            firing(),
        ],
    );
    assert_eq!(states, [P, P, O, P, P, F, F]);
    assert_eq!(notes, [None, None, None, None, None, Some(NF), None]);
}

#[test]
fn pending_that_never_fires_resolves_silently() {
    let (_, notes, _) = run(&draft(2, 240), &[firing(), ok()]);
    assert_eq!(notes, [None, None]);
}

#[test]
fn repeats_every_interval_while_firing() {
    // One evaluation a minute, repeat every 3 minutes.
    let obs = vec![firing(); 8];
    let (_, notes, _) = run(&draft(1, 3), &obs);
    assert_eq!(
        notes,
        [Some(NF), None, None, Some(NR), None, None, Some(NR), None]
    );
    let (_, notes, _) = run(&draft(1, 0), &obs);
    assert_eq!(notes.iter().flatten().count(), 1, "0 = never repeat");
}

#[test]
fn no_resolve_email_when_disabled() {
    let mut d = draft(1, 240);
    d.notify_on_resolve = false;
    let (states, notes, _) = run(&d, &[firing(), ok()]);
    assert_eq!(states, [F, O]);
    assert_eq!(notes, [Some(NF), None]);
}

#[test]
fn an_incident_stays_open_through_errors_and_no_data() {
    let err = Observation::Error {
        message: "timeout".into(),
    };
    let none = Observation::NoData {
        message: "no rows".into(),
    };
    let (states, notes, _) = run(
        &draft(1, 240),
        &[firing(), err.clone(), firing(), none, ok()],
    );
    assert_eq!(states, [F, E, F, N, O]);
    // One firing email, no second one after the error, one resolve.
    assert_eq!(notes, [Some(NF), None, None, None, Some(NRes)]);
}

#[test]
fn policies_map_no_data_and_errors() {
    let none = Observation::NoData {
        message: "no rows".into(),
    };
    let mut d = draft(1, 240);
    d.on_no_data = NoDataPolicy::Alerting;
    assert_eq!(run(&d, std::slice::from_ref(&none)).1, [Some(NF)]);
    d.on_no_data = NoDataPolicy::Ok;
    assert_eq!(run(&d, &[firing(), none.clone()]).0, [F, O]);
    d.on_no_data = NoDataPolicy::Keep;
    assert_eq!(run(&d, &[firing(), none.clone()]).0, [F, F]);
    let err = Observation::Error {
        message: "boom".into(),
    };
    d.on_error = ErrorPolicy::Keep;
    let (states, notes, status) = run(&d, &[ok(), err.clone()]);
    assert_eq!((states, notes), (vec![O, O], vec![None, None]));
    assert_eq!(status.last_message, "boom");
    d.on_error = ErrorPolicy::Alerting;
    assert_eq!(run(&d, &[err]).1, [Some(NF)]);
}

#[test]
fn state_changes_are_counted_and_timed() {
    let (_, _, status) = run(&draft(1, 240), &[ok(), firing(), firing(), ok()]);
    // OK → OK (no change), OK → FIRING, FIRING → OK.
    assert_eq!(status.state_seq, 2);
    assert_eq!(status.since, Some(t0() + Duration::minutes(3)));
    assert_eq!(status.last_evaluated, Some(t0() + Duration::minutes(3)));
}
