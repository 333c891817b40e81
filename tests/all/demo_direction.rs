//! Which way is good news follows the metric's `good` (issue 13, item 1):
//! the demo's error rate is declared `good = "down"`, so its card — and the
//! change figure of a trend chart of it — is green when the error rate fell
//! and red when it rose.

use serde_json::json;

use crate::demo_support::{DEMO_ORDERS, Demo, start_demo};
use crate::web_support::send;

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

/// A trend chart of the error rate with the previous period, added to the
/// demo dashboard (the demo's own trend chart shows orders, where up is
/// good), drawn over the last 7 days at its grid size (8 columns).
fn error_trend(demo: &Demo) -> String {
    demo.add_widget(json!({
        "id": "error-trend", "plugin": "trend-chart", "title": "Error rate over time",
        "config": {"metric": "error_rate", "bucket": "day", "show_previous": true},
        "x": 0, "y": 20, "w": 8, "h": 4,
    }));
    let got = send(
        "GET",
        &demo.widget("error-trend", "7d"),
        &demo.admin(),
        None,
    );
    assert_eq!(got.status, 200, "{}", got.body);
    got.body
}

/// The chart's change figure: the `<text class="wd-change …">` element.
fn change_figure(chart: &str) -> &str {
    let at = chart
        .find("<text class=\"wd-change")
        .unwrap_or_else(|| panic!("no change figure: {chart}"));
    let end = chart[at..].find("</text>").unwrap();
    &chart[at..at + end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_card_is_green_when_the_error_rate_fell() {
    let running = start_demo(DEMO_ORDERS, FELL).await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let card = error_card(&demo);
        assert!(
            card.contains("trend-down") && card.contains("wd-good"),
            "a falling error rate is good news: {card}"
        );
        assert!(!card.contains("wd-bad"), "{card}");
        let figure = change_figure(&error_trend(&demo)).to_owned();
        assert!(
            figure.contains("wd-change wd-good") && figure.contains("▼ -"),
            "the chart agrees with the card: {figure}"
        );
        assert!(figure.contains("vs previous period"), "{figure}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_card_is_red_when_the_error_rate_rose() {
    let running = start_demo(DEMO_ORDERS, ROSE).await;
    let demo = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let card = error_card(&demo);
        assert!(
            card.contains("trend-up") && card.contains("wd-bad"),
            "a rising error rate is bad news: {card}"
        );
        let figure = change_figure(&error_trend(&demo)).to_owned();
        assert!(
            figure.contains("wd-change wd-bad") && figure.contains("▲ +"),
            "{figure}"
        );
    })
    .await
    .unwrap();
}
