//! Which way is good news follows the metric's `good` (issue 13, item 1):
//! the demo's error rate is declared `good = "down"`, so its card is green
//! when the error rate fell and red when it rose, and a trend chart of it
//! colours its change against the previous period the same way.

use serde_json::json;

use crate::demo_support::{Demo, start_demo};
use crate::web_support::{json_body, send};

/// No errors in the last 8 days, one order in five an error in the week
/// before: over "Last 7 days" the error rate fell.
const FELL: &str = "
    UPDATE orders SET status = 'completed'
     WHERE status = 'error' AND created_at >= datetime('now', '-8 days');
    UPDATE orders SET status = 'error'
     WHERE id % 5 = 0 AND created_at >= datetime('now', '-15 days')
       AND created_at < datetime('now', '-8 days');";

/// The other way round: the error rate rose.
const ROSE: &str = "
    UPDATE orders SET status = 'error'
     WHERE id % 3 = 0 AND created_at >= datetime('now', '-8 days');
    UPDATE orders SET status = 'completed'
     WHERE status = 'error' AND created_at >= datetime('now', '-15 days')
       AND created_at < datetime('now', '-8 days');";

/// The error-rate card of the demo dashboard over the last 7 days.
fn error_card(demo: &Demo) -> String {
    let got = send("GET", &demo.widget("errors", "7d"), &demo.admin(), None);
    assert_eq!(got.status, 200, "{}", got.body);
    got.body
}

/// A trend chart of the error rate with its previous period, added to the
/// demo dashboard through the API; its fragment over the last 7 days.
fn error_trend(demo: &Demo) -> String {
    let admin = demo.admin();
    let url = format!("{}/api/v1/dashboards/{}", demo.base, demo.dashboard);
    let doc = send("GET", &url, &admin, None).json();
    let mut widgets = doc["widgets"].as_array().unwrap().clone();
    widgets.push(json!({
        "id": "error-trend", "plugin": "trend-chart", "title": "Error rate over time",
        "config": {"metric": "error_rate", "bucket": "day", "show_previous": true},
        "x": 0, "y": 15, "w": 12, "h": 4
    }));
    let body = json!({"version": doc["version"], "title": doc["title"], "widgets": widgets});
    let put = send("PUT", &url, &admin, json_body(&body));
    assert_eq!(put.status, 200, "{}", put.body);
    let got = send("GET", &demo.widget("error-trend", "7d"), &admin, None);
    assert_eq!(got.status, 200, "{}", got.body);
    got.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_card_and_trend_are_green_when_the_error_rate_fell() {
    let running = start_demo(FELL).await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let card = error_card(&demo);
        assert!(
            card.contains("trend-down") && card.contains("wd-good"),
            "a falling error rate is good news: {card}"
        );
        assert!(!card.contains("wd-bad"), "{card}");
        let trend = error_trend(&demo);
        assert!(trend.contains("wd-change wd-good"), "{trend}");
        assert!(trend.contains("▼"), "{trend}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_card_and_trend_are_red_when_the_error_rate_rose() {
    let running = start_demo(ROSE).await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let card = error_card(&demo);
        assert!(
            card.contains("trend-up") && card.contains("wd-bad"),
            "a rising error rate is bad news: {card}"
        );
        let trend = error_trend(&demo);
        assert!(trend.contains("wd-change wd-bad"), "{trend}");
        assert!(trend.contains("▲"), "{trend}");
    })
    .await
    .unwrap();
}
