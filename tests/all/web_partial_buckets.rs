//! Partial buckets on the demo dashboard (issue 13, item 2): "Last 30
//! days" starts mid-day and ends in today, so its first and last buckets
//! are drawn dashed with "(partial)" tooltips, in the previous period too;
//! CSV exports carry `partial` columns (the PDF's rows: `export_demo_pdf`);
//! a range of whole days and weeks has no partial bucket. Also: the widget size a
//! page sends is checked.

use chrono::{Datelike, Duration, Utc};

use crate::demo_support::{Demo, start_demo};
use crate::web_support::{Answer, As, send};

/// GET `path` on the demo as its admin (blocking, off the runtime).
async fn get(demo: &Demo, path: &str) -> Answer {
    let (url, token) = (format!("{}{path}", demo.base), demo.token.clone());
    tokio::task::spawn_blocking(move || send("GET", &url, &As::Token(token), None))
        .await
        .unwrap()
}

/// The sanitized HTML of widget `w` with the query `q`.
async fn widget_html(demo: &Demo, w: &str, q: &str) -> String {
    let a = get(
        demo,
        &format!("/api/v1/dashboards/{}/widgets/{w}/html?{q}", demo.dashboard),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["html"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_30_days_marks_its_partial_buckets_everywhere() {
    let running = start_demo(5_000, "").await;
    let demo = &running.world;

    // The daily trend, compared with the previous period.
    let html = widget_html(demo, "trend", "range=30d&width=900&height=300").await;
    let partial_paths = html.matches("class=\"wd-line wd-c0 wd-partial\"").count();
    assert_eq!(partial_paths, 2, "first and last day dashed: {html}");
    assert!(
        html.contains("wd-previous wd-c7 wd-partial"),
        "the previous period's partial days too"
    );
    assert!(html.contains(" (partial): "), "tooltips say so");
    assert!(html.contains(">Partial bucket<"), "the legend explains it");
    assert!(
        html.contains("width=\"900\" height=\"300\""),
        "drawn at the size asked"
    );

    // The same range as a CSV: a `partial` flag per row, true at both ends.
    let a = get(
        demo,
        &format!(
            "/api/v1/dashboards/{}/widgets/trend/export?format=csv&range=30d",
            demo.dashboard
        ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let rows: Vec<Vec<String>> = a
        .body
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let header = &rows[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (partial, previous_partial) = (at("partial"), at("previous_partial"));
    let flags: Vec<&str> = rows[1..].iter().map(|r| r[partial].as_str()).collect();
    assert_eq!(flags.first(), Some(&"true"), "{flags:?}");
    assert_eq!(flags.last(), Some(&"true"), "{flags:?}");
    assert!(
        flags[1..flags.len() - 1].iter().all(|f| *f == "false"),
        "{flags:?}"
    );
    assert!(rows[1..].iter().any(|r| r[previous_partial] == "true"));

    // The series API says which points are partial: the same two days.
    let a = get(
        demo,
        "/api/v1/metrics/total_orders/series?range=30d&bucket=day&compare=previous",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let body = a.json();
    let points = body["points"].as_array().unwrap();
    let stamp = |p: &serde_json::Value| p[0].as_i64().unwrap();
    let partial: Vec<i64> = body["partial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_i64().unwrap())
        .collect();
    assert_eq!(
        partial,
        vec![stamp(&points[0]), stamp(points.last().unwrap())],
        "{body}"
    );
    assert!(!body["previous_partial"].as_array().unwrap().is_empty());

    // Whole weeks, Monday to Sunday: neither days nor weeks are partial.
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 35);
    let sunday = monday + Duration::days(27);
    let whole = format!("range=custom&from={monday}&to={sunday}&width=900&height=300");
    for w in ["trend", "revenue"] {
        let html = widget_html(demo, w, &whole).await;
        assert!(html.contains("<path"), "{w} draws: {html}");
        assert!(!html.contains("wd-partial"), "{w}: {html}");
    }
    let a = get(
        demo,
        &format!("/api/v1/metrics/total_orders/series?bucket=week&from={monday}&to={sunday}"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["partial"], serde_json::json!([]), "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_size_is_both_sides_within_bounds() {
    let running = start_demo(500, "").await;
    let demo = &running.world;
    for (q, says) in [
        ("width=0&height=200", "`width` must be between 1 and 4096"),
        (
            "width=300&height=99999",
            "`height` must be between 1 and 4096",
        ),
        ("width=300", "give both or neither"),
    ] {
        let a = get(
            demo,
            &format!(
                "/api/v1/dashboards/{}/widgets/trend/html?{q}",
                demo.dashboard
            ),
        )
        .await;
        assert_eq!(a.status, 400, "{q}: {}", a.body);
        assert!(a.body.contains(says), "{q}: {}", a.body);
    }
    let a = get(
        demo,
        &format!(
            "/api/v1/dashboards/{}/widgets/trend/html?width=abc&height=1",
            demo.dashboard
        ),
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.body);
    // Without a size, the widget is drawn at an estimate of its grid size.
    let html = widget_html(demo, "trend", "range=30d").await;
    assert!(html.contains("<svg class=\"wd-chart\" width=\""), "{html}");
}
