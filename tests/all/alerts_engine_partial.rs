//! Alert rules see whole buckets only: the evaluated range ends now, so
//! its last bucket is still filling, and a rule reading the `recent`
//! series would take that bucket for a drop (issue 13, partial buckets).

use chrono::Duration;
use serde_json::json;
use wasmdash::alerts::{AlertDraft, AlertState, TestTarget};
use wasmdash_tests::fixtures;

use crate::alerts_engine_support::Rig;
use crate::alerts_smtp_server::SmtpServer;

/// Half past ten: the current hour is half over.
const NOW: &str = "2026-01-15T10:30:00Z";

/// A `recent-floor` alert on the hourly sums of the last 24 hours: fires
/// when the newest recent value is below 50.
fn floor_draft() -> AlertDraft {
    serde_json::from_value(json!({
        "name": "Hourly readings dropped",
        "metric": "reading_sum",
        "rule": "recent-floor",
        "rule_config": {"floor": 50.0},
        "range": "24h",
        "recipients": ["ops@example.com"],
        "schedule": {"every": {"minutes": 5}}
    }))
    .unwrap()
}

#[tokio::test]
async fn a_rule_reading_recent_values_does_not_see_the_unfinished_bucket() {
    let smtp = SmtpServer::start();
    let rig = Rig::with_plugins(NOW, smtp.port(), &[fixtures::RECENT_FLOOR]).await;
    // One reading of 1 a minute for the last 26 hours: every whole hour
    // sums to 60, the unfinished 10:00 hour to 30.
    let now = rig.clock.now();
    let conn = rusqlite::Connection::open(&rig.db).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    for m in 1..=26 * 60 {
        let ts = (now - Duration::minutes(m)).format("%Y-%m-%d %H:%M:%S");
        tx.execute(
            "INSERT INTO readings (ts, value) VALUES (?1, 1.0)",
            [ts.to_string()],
        )
        .unwrap();
    }
    tx.commit().unwrap();

    let outcome = rig
        .service
        .test_now(
            TestTarget::Draft(Box::new(floor_draft())),
            &rig.editor,
            false,
        )
        .await
        .unwrap();
    assert_eq!(outcome.state, AlertState::Ok, "{}", outcome.message);
    assert_eq!(outcome.observed, Some(60.0), "{}", outcome.message);
    // The newest value the rule saw is the 09:00 hour's (UTC), whole.
    let nine = chrono::DateTime::parse_from_rfc3339("2026-01-15T09:00:00Z")
        .unwrap()
        .timestamp_millis();
    assert!(
        outcome.message.ends_with(&format!("at {nine}")),
        "{}",
        outcome.message
    );
    // Neither partial end is passed: 24 hours from 10:30 touch 25 hourly
    // buckets, 23 of them whole.
    assert!(
        outcome.message.contains("newest of 23 recent values"),
        "{}",
        outcome.message
    );
}
