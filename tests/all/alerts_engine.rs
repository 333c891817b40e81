//! The alert engine end to end in one process, with the clock in the
//! test's hand: real SQLite data, the built-in `threshold` rule plugin, a
//! real sled store and a real SMTP server on loopback.

use std::time::Duration as StdDuration;

use chrono::Duration;
use wasmdash::alerts::{
    AlertError, AlertState, DeliveryOutcome, HistoryEvent, NotificationKind, TestTarget,
};

use crate::alerts_engine_support::{Rig, draft, utc};
use crate::alerts_smtp_server::SmtpServer;

const T0: &str = "2026-01-15T10:00:00Z";

fn subjects(smtp: &SmtpServer) -> Vec<String> {
    smtp.accepted()
        .iter()
        .map(|m| m.header("Subject").unwrap_or_default())
        .collect()
}

/// Move the clock by `minutes`, run a tick and a delivery round.
async fn step(rig: &Rig, minutes: i64) {
    rig.clock.advance(Duration::minutes(minutes));
    rig.service.tick().await.unwrap();
    rig.service.deliver_due().await.unwrap();
}

#[tokio::test]
async fn a_firing_rule_sends_exactly_one_email_with_the_right_subject_and_body() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(9.5);
    let alert = rig
        .service
        .create(&rig.editor, draft("CPU too high"))
        .await
        .unwrap();

    // Not due before its first run.
    let report = rig.service.tick().await.unwrap();
    assert_eq!(report.evaluated, 0);

    step(&rig, 1).await;
    assert_eq!(smtp.accepted().len(), 1, "{:?}", subjects(&smtp));
    let mail = &smtp.accepted()[0];
    assert_eq!(
        mail.header("Subject").unwrap(),
        "[wasmdash] FIRING: CPU too high"
    );
    let mut to = mail.to.clone();
    to.sort();
    assert_eq!(to, ["lead@example.com", "ops@example.com"]);
    assert!(mail.from.contains("alerts@wasmdash.test"), "{}", mail.from);
    let body = mail.decoded();
    for needle in [
        "Reading (reading)",
        "Value:     9.5",
        "threshold",
        "Last 1 hour",
        "2026-01-15 11:01:00 CET",
        &format!("http://dash.test/alerts/{}", alert.id),
        "text/html",
    ] {
        assert!(body.contains(needle), "missing {needle:?} in:\n{body}");
    }
    let key = mail.header("X-Wasmdash-Notification").unwrap();
    assert!(key.starts_with(&format!("{}/", alert.id)), "{key}");
    assert!(key.ends_with("/firing"));
    let message_id = mail.header("Message-ID").unwrap();
    assert!(message_id.contains(alert.id.as_str()) && message_id.ends_with("@wasmdash.test>"));

    // Still firing on the next evaluations: no more emails.
    for _ in 0..5 {
        step(&rig, 1).await;
    }
    assert_eq!(smtp.accepted().len(), 1, "{:?}", subjects(&smtp));
    let view = rig.service.get(&alert.id, &rig.editor).unwrap();
    assert_eq!(view.status.state, AlertState::Firing);
    assert_eq!(view.status.last_value, Some(9.5));
}

#[tokio::test]
async fn repeat_and_resolve_notifications_arrive_when_expected() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(8.0);
    let mut d = draft("Queue long");
    d.repeat_interval_minutes = 10;
    rig.service.create(&rig.editor, d).await.unwrap();

    step(&rig, 1).await; // fires at minute 1
    for _ in 0..9 {
        step(&rig, 1).await; // minutes 2..=10: within the repeat interval
    }
    assert_eq!(subjects(&smtp), ["[wasmdash] FIRING: Queue long"]);
    step(&rig, 1).await; // minute 11: ten minutes after the first email
    assert_eq!(
        subjects(&smtp),
        [
            "[wasmdash] FIRING: Queue long",
            "[wasmdash] still FIRING: Queue long"
        ]
    );
    rig.set_reading(1.0);
    step(&rig, 1).await;
    step(&rig, 1).await;
    assert_eq!(
        subjects(&smtp),
        [
            "[wasmdash] FIRING: Queue long",
            "[wasmdash] still FIRING: Queue long",
            "[wasmdash] RESOLVED: Queue long"
        ]
    );
    assert!(smtp.accepted()[2].decoded().contains("Value:     1"));
}

#[tokio::test]
async fn the_pending_count_holds_back_the_first_email() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(8.0);
    let mut d = draft("Flappy");
    d.pending_count = 3;
    let alert = rig.service.create(&rig.editor, d).await.unwrap();
    step(&rig, 1).await;
    step(&rig, 1).await;
    let status = rig.service.get(&alert.id, &rig.editor).unwrap().status;
    assert_eq!(status.state, AlertState::Pending);
    assert_eq!(status.consecutive_firing, 2);
    assert!(smtp.accepted().is_empty());
    step(&rig, 1).await;
    assert_eq!(subjects(&smtp), ["[wasmdash] FIRING: Flappy"]);
}

#[tokio::test]
async fn smtp_down_loses_nothing_and_delivers_once_it_is_back() {
    let addr = SmtpServer::start().stop();
    let rig = Rig::new(T0, addr.port()).await;
    rig.set_reading(9.0);
    let alert = rig
        .service
        .create(&rig.editor, draft("Disk"))
        .await
        .unwrap();
    rig.clock.advance(Duration::minutes(1));
    assert_eq!(rig.service.tick().await.unwrap().notifications, 1);

    let report = rig.service.deliver_due().await.unwrap();
    assert_eq!((report.sent, report.retrying), (0, 1));
    // Backing off: the first retry is 5 s later, the second 10 s after that.
    rig.clock.advance(Duration::seconds(2));
    assert_eq!(rig.service.deliver_due().await.unwrap().waiting, 1);
    rig.clock.advance(Duration::seconds(3));
    assert_eq!(rig.service.deliver_due().await.unwrap().retrying, 1);

    let smtp = SmtpServer::start_on(addr);
    rig.clock.advance(Duration::seconds(5));
    assert_eq!(rig.service.deliver_due().await.unwrap().waiting, 1);
    rig.clock.advance(Duration::seconds(5));
    assert_eq!(rig.service.deliver_due().await.unwrap().sent, 1);
    assert_eq!(subjects(&smtp), ["[wasmdash] FIRING: Disk"]);
    // Nothing left to send, and the history tells the story.
    assert_eq!(rig.service.deliver_due().await.unwrap().sent, 0);
    let outcomes: Vec<_> = rig
        .service
        .history(&alert.id, &rig.editor, 100)
        .unwrap()
        .into_iter()
        .filter_map(|h| match h.event {
            HistoryEvent::Delivery {
                outcome, attempt, ..
            } => Some((outcome, attempt)),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (DeliveryOutcome::Sent, 3),
            (DeliveryOutcome::Retrying, 2),
            (DeliveryOutcome::Retrying, 1),
            (DeliveryOutcome::Queued, 0)
        ]
    );
    assert!(smtp.wait_for(StdDuration::from_millis(10), |a, _| a.len() == 1));
}

#[tokio::test]
async fn an_overdue_alert_catches_up_once_after_downtime() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(1.0);
    let mut d = draft("Every five");
    d.schedule = "every 5m".parse().unwrap();
    let alert = rig.service.create(&rig.editor, d).await.unwrap();
    rig.clock.advance(Duration::minutes(5));
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 1);

    // The server was down for three hours: 36 runs were missed.
    rig.clock
        .advance(Duration::hours(3) + Duration::seconds(20));
    rig.set_reading(1.0);
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 1);
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 0);
    let status = rig.service.get(&alert.id, &rig.editor).unwrap().status;
    assert_eq!(status.next_run, Some(utc("2026-01-15T13:10:00Z")));
    let evaluations = rig
        .service
        .history(&alert.id, &rig.editor, 100)
        .unwrap()
        .into_iter()
        .filter(|h| h.event.is_evaluation())
        .count();
    assert_eq!(evaluations, 2);
    // Then it follows its schedule again.
    rig.clock.set(utc("2026-01-15T13:10:00Z"));
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 1);
}

#[tokio::test]
async fn a_daily_alert_keeps_its_local_time_across_the_spring_dst_change() {
    let smtp = SmtpServer::start();
    // 2026-03-28, 08:00 CET; Berlin springs forward in the night.
    let rig = Rig::new("2026-03-28T07:00:00Z", smtp.port()).await;
    rig.set_reading(1.0);
    let mut d = draft("Morning check");
    d.schedule = "daily 09:00".parse().unwrap();
    let alert = rig.service.create(&rig.editor, d).await.unwrap();
    let next = |rig: &Rig| {
        rig.service
            .get(&alert.id, &rig.editor)
            .unwrap()
            .status
            .next_run
    };
    assert_eq!(next(&rig), Some(utc("2026-03-28T08:00:00Z")));
    rig.clock.set(utc("2026-03-28T07:59:59Z"));
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 0);
    rig.clock.set(utc("2026-03-28T08:00:00Z"));
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 1);
    // 09:00 CEST is 07:00 UTC.
    assert_eq!(next(&rig), Some(utc("2026-03-29T07:00:00Z")));
    rig.clock.set(utc("2026-03-29T07:00:00Z"));
    assert_eq!(rig.service.tick().await.unwrap().evaluated, 1);
    assert_eq!(next(&rig), Some(utc("2026-03-30T07:00:00Z")));
}

#[tokio::test]
async fn alerts_on_the_same_metric_query_share_one_load_per_tick() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(2.0);
    for (i, (metric, range)) in [
        ("reading", "1h"),
        ("reading", "1h"),
        ("reading", "1h"),
        ("reading_sum", "1h"),
        ("reading_sum", "1h"),
        ("reading", "24h"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = draft(&format!("a{i}"));
        d.metric = metric.into();
        d.range = range.into();
        rig.service.create(&rig.editor, d).await.unwrap();
    }
    rig.clock.advance(Duration::minutes(1));
    let statements = rig.data.statements_run();
    let report = rig.service.tick().await.unwrap();
    assert_eq!((report.evaluated, report.metric_loads), (6, 3));
    // Counted where SQL goes to the database: the two metrics of one range
    // and dataset share one scan (scalar, previous period and sparkline
    // folded from it), so one statement per range, two here, and nothing
    // per alert or per load; the first pass may also read the time
    // column's span and probe whether the table stores its rows in time
    // order, once each (the SQLite access path caches both).
    let first = rig.data.statements_run() - statements;
    assert!((2..=4).contains(&first), "{first} statements for 2 ranges");
    // The metrics keep no cache (TTL 0): the next pass reads the database
    // again rather than reusing the first pass's answers.
    rig.clock.advance(Duration::minutes(1));
    let statements = rig.data.statements_run();
    let report = rig.service.tick().await.unwrap();
    assert_eq!((report.evaluated, report.metric_loads), (6, 3));
    assert_eq!(rig.data.statements_run() - statements, 2);
}

#[tokio::test]
async fn a_slow_metric_times_out_alone_and_does_not_hold_back_the_others() {
    let smtp = SmtpServer::start();
    let rig = Rig::with_env(
        T0,
        smtp.port(),
        &[
            ("WASMDASH_ALERTS__EVALUATION_TIMEOUT_MS", "300"),
            ("WASMDASH_SOURCE__MAIN__QUERY_TIMEOUT_MS", "1500"),
        ],
    )
    .await;
    rig.set_reading(9.0);
    let mut slow = draft("Slow");
    slow.metric = "slow_reading".into();
    let slow = rig.service.create(&rig.editor, slow).await.unwrap();
    let fast = rig
        .service
        .create(&rig.editor, draft("Fast"))
        .await
        .unwrap();
    step(&rig, 1).await;
    let status = |id| rig.service.get(id, &rig.editor).unwrap().status;
    let s = status(&slow.id);
    assert_eq!(s.state, AlertState::Error);
    assert!(
        s.last_message.contains("longer than 300 ms"),
        "{}",
        s.last_message
    );
    assert_eq!(status(&fast.id).state, AlertState::Firing);
    assert_eq!(subjects(&smtp), ["[wasmdash] FIRING: Fast"]);
}

#[tokio::test]
async fn test_now_shows_the_state_it_would_take_and_can_send_a_test_email() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(7.0);
    let alert = rig
        .service
        .create(&rig.editor, draft("Try me"))
        .await
        .unwrap();
    let outcome = rig
        .service
        .test_now(TestTarget::Alert(alert.id.clone()), &rig.editor, true)
        .await
        .unwrap();
    assert_eq!(outcome.state, AlertState::Firing);
    assert_eq!(outcome.value, Some(7.0));
    assert!(outcome.email_sent, "{:?}", outcome.email_error);
    assert_eq!(subjects(&smtp), ["[wasmdash] TEST: Try me"]);
    // Nothing was saved: the alert was never evaluated, the outbox is empty.
    let status = rig.service.get(&alert.id, &rig.editor).unwrap().status;
    assert_eq!(
        (status.state, status.last_evaluated),
        (AlertState::Ok, None)
    );
    assert_eq!(rig.service.deliver_due().await.unwrap().sent, 0);

    // A draft is tested without saving it.
    rig.set_reading(1.0);
    let outcome = rig
        .service
        .test_now(
            TestTarget::Draft(Box::new(draft("Unsaved"))),
            &rig.editor,
            false,
        )
        .await
        .unwrap();
    assert_eq!((outcome.state, outcome.email_sent), (AlertState::Ok, false));
    assert_eq!(rig.service.list(&rig.editor).unwrap().len(), 1);
}

#[tokio::test]
async fn check_now_evaluates_through_the_state_machine_without_moving_the_schedule() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    rig.set_reading(9.0);
    let alert = rig.service.create(&rig.editor, draft("Now")).await.unwrap();
    let before = rig
        .service
        .get(&alert.id, &rig.editor)
        .unwrap()
        .status
        .next_run;
    let results = rig.service.check_now(Some(&alert.id)).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].state, AlertState::Firing);
    assert_eq!(results[0].notification, Some(NotificationKind::Firing));
    assert_eq!(
        rig.service.check_now(None).await.unwrap()[0].notification,
        None
    );
    rig.service.deliver_due().await.unwrap();
    assert_eq!(subjects(&smtp), ["[wasmdash] FIRING: Now"]);
    let after = rig
        .service
        .get(&alert.id, &rig.editor)
        .unwrap()
        .status
        .next_run;
    assert_eq!(before, after);
    assert!(matches!(
        rig.service
            .check_now(Some(&wasmdash::alerts::AlertId::from_string("nope")))
            .await,
        Err(AlertError::NotFound)
    ));
}

/// The readings again, as a dataset only editors (and admins) may read.
const EDITORS_ONLY: &str = r#"
[[dataset]]
name = "team_readings"
source = "main"
table = "readings"
time_column = "ts"
columns = ["ts", "value"]
allow = ["role:editor"]

[[metric]]
name = "team_reading"
dataset = "team_readings"
aggregate = "max"
column = "value"
cache_ttl_secs = 0
"#;

#[tokio::test]
async fn an_owner_who_may_no_longer_read_the_dataset_gets_no_values_mailed() {
    let smtp = SmtpServer::start();
    let rig = Rig::with_config_extra(T0, smtp.port(), EDITORS_ONLY).await;
    rig.set_reading(9.5);
    let mut d = draft("Team reading");
    d.metric = "team_reading".into();
    let alert = rig.service.create(&rig.editor, d).await.unwrap();

    // The owner becomes a viewer: the dataset is no longer theirs to read,
    // so the pass records why and reads nothing.
    rig.store
        .set_role(&rig.editor.id, wasmdash::store::Role::Viewer)
        .unwrap();
    step(&rig, 1).await;
    let view = rig.service.get(&alert.id, &rig.admin).unwrap();
    assert_eq!(view.status.state, AlertState::Error);
    assert_eq!(view.status.last_value, None);
    assert!(
        view.status.last_message.contains("not permitted"),
        "{}",
        view.status.last_message
    );
    for mail in smtp.accepted() {
        assert!(!mail.decoded().contains("9.5"), "{}", mail.decoded());
    }

    // Given the role back, the alert reads its metric and fires.
    rig.store
        .set_role(&rig.editor.id, wasmdash::store::Role::Editor)
        .unwrap();
    step(&rig, 1).await;
    let view = rig.service.get(&alert.id, &rig.admin).unwrap();
    assert_eq!(view.status.state, AlertState::Firing);
    assert_eq!(view.status.last_value, Some(9.5));
}
