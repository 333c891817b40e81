//! End-to-end tests of every built-in plugin through the real runtime:
//! widgets rendered with realistic and with empty data, alert rules
//! evaluated with every operator and with bad config. The exporters have
//! their own modules (`builtin_exporters`, `builtin_pdf`).

use std::sync::Arc;

use wasmdash::frame::{
    Batch, CategoriesData, Column, ColumnKind, ColumnSchema, ColumnValues, FormatKind, RowsData,
    ScalarData, Series, SeriesData, TimeRange, ValueFormat, WidgetData,
};
use wasmdash::plugins::{
    AlertInput, AlertState, PluginError, PluginRegistry, PluginSettings, RenderContext,
};
use wasmdash_tests::registry_with;

const HOUR: i64 = 3_600_000;

fn registry() -> (tempfile::TempDir, Arc<PluginRegistry>) {
    registry_with(&[], PluginSettings::default())
}

fn range() -> TimeRange {
    TimeRange {
        start_ms: 1_700_000_000_000,
        end_ms: 1_700_000_000_000 + 24 * HOUR,
        label: "Last 24 hours".into(),
    }
}

fn ctx() -> RenderContext {
    RenderContext {
        width: 480,
        height: 240,
        time_range: range(),
        timezone: "Europe/Berlin".into(),
        utc_offset_minutes: 60,
        locale: "en-US".into(),
    }
}

fn money() -> ValueFormat {
    ValueFormat {
        kind: FormatKind::Currency,
        unit: "EUR".into(),
        decimals: None,
    }
}

fn series(n: usize, scale: f64) -> Series {
    let r = range();
    Series {
        timestamps: (0..n as i64).map(|i| r.start_ms + i * HOUR).collect(),
        values: (0..n).map(|i| scale * (10.0 + (i % 7) as f64)).collect(),
        nulls: Vec::new(),
    }
}

fn widget_cases() -> Vec<(&'static str, WidgetData, WidgetData, &'static str)> {
    let cats = |labels: Vec<&str>, values: Vec<f64>| {
        WidgetData::Categories(CategoriesData {
            label: "Orders".into(),
            dimension: "status".into(),
            labels: labels.into_iter().map(String::from).collect(),
            values,
            format: ValueFormat::default(),
        })
    };
    let rows = |n: usize| {
        WidgetData::Rows(RowsData {
            label: "Orders".into(),
            schema: vec![
                ColumnSchema::new("customer", "Customer", ColumnKind::Text),
                ColumnSchema::new("amount", "Amount", ColumnKind::Float64),
            ],
            rows: Batch {
                row_count: n as u32,
                columns: vec![
                    Column::new(ColumnValues::Text(
                        (0..n).map(|i| format!("Kunde <{i}>")).collect(),
                    )),
                    Column::new(ColumnValues::Float64(
                        (0..n).map(|i| i as f64 * 10.5).collect(),
                    )),
                ],
            },
            total_rows: Some(n as u64 * 3),
            offset: 0,
        })
    };
    vec![
        (
            "metric-card",
            WidgetData::Scalar(ScalarData {
                label: "Revenue".into(),
                value: Some(12_500.0),
                previous: Some(10_000.0),
                format: money(),
                sparkline: Some(series(30, 1.0)),
                ..ScalarData::default()
            }),
            WidgetData::Scalar(ScalarData {
                label: "Revenue".into(),
                format: money(),
                ..Default::default()
            }),
            "trend-up",
        ),
        (
            "trend-chart",
            WidgetData::Series(SeriesData {
                label: "Orders".into(),
                bucket: "hour".into(),
                points: series(24, 1.0),
                previous: Some(series(24, 0.8)),
                format: ValueFormat::default(),
                ..SeriesData::default()
            }),
            WidgetData::Series(SeriesData {
                label: "Orders".into(),
                bucket: "hour".into(),
                ..Default::default()
            }),
            "wd-previous",
        ),
        (
            "status-pie",
            cats(vec!["paid", "open", "refunded"], vec![60.0, 30.0, 10.0]),
            cats(vec![], vec![]),
            "60.0%",
        ),
        (
            "bar-chart",
            cats(vec!["north", "south"], vec![1200.0, 800.0]),
            cats(vec![], vec![]),
            "<rect",
        ),
        ("data-table", rows(5), rows(0), "Rows 1–5 of 15"),
    ]
}

#[tokio::test]
async fn every_widget_renders_real_and_empty_data_and_refuses_bad_config() {
    let (_dir, registry) = registry();
    for (id, data, empty, marker) in widget_cases() {
        let widget = registry.widget(id).unwrap_or_else(|e| panic!("{id}: {e}"));
        let schema: serde_json::Value =
            serde_json::from_str(widget.info().meta.config_schema.as_str()).unwrap();
        assert_eq!(schema["type"], "object", "{id} schema");
        let html = widget
            .render("{}", &data, &ctx())
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(html.contains(marker), "{id}: no {marker:?} in {html}");
        assert!(
            !html.contains("style=") && !html.contains("<script") && !html.contains(" id="),
            "{id}: {html}"
        );
        if id != "metric-card" && id != "data-table" {
            assert!(
                html.contains("role=\"img\"") && html.contains("<title>"),
                "{id} not accessible"
            );
        }
        let html = widget
            .render("", &empty, &ctx())
            .await
            .unwrap_or_else(|e| panic!("{id} empty: {e}"));
        assert!(
            html.contains("No data for this range"),
            "{id} empty: {html}"
        );
        let bad = widget.render(r#"{"title": 42}"#, &data, &ctx()).await;
        assert!(
            matches!(bad, Err(PluginError::InvalidConfig { .. })),
            "{id}: {bad:?}"
        );
    }
}

fn alert_input(current: Option<f64>, previous: Option<f64>) -> AlertInput {
    AlertInput {
        metric: "error rate".into(),
        time_range: range(),
        current,
        previous,
        recent: series(5, 1.0),
    }
}

#[tokio::test]
async fn threshold_rule_every_operator_tolerance_and_bad_config() {
    let (_dir, registry) = registry();
    let rule = registry.alert_rule("threshold").unwrap();
    for (op, below, at, above) in [
        (">", false, false, true),
        (">=", false, true, true),
        ("<", true, false, false),
        ("<=", true, true, false),
        ("=", false, true, false),
        ("!=", true, false, true),
    ] {
        let cfg = format!(r#"{{"op":"{op}","value":5}}"#);
        for (v, fires) in [(4.0, below), (5.0, at), (6.0, above)] {
            let e = rule
                .evaluate(&cfg, &alert_input(Some(v), None))
                .await
                .unwrap();
            let want = if fires {
                AlertState::Firing
            } else {
                AlertState::Ok
            };
            assert_eq!(e.state, want, "{v} {op} 5: {}", e.message);
            assert_eq!(e.observed, Some(v));
        }
    }
    let e = rule
        .evaluate(
            r#"{"op":"=","value":0.3}"#,
            &alert_input(Some(0.1 + 0.2), None),
        )
        .await
        .unwrap();
    assert_eq!(
        e.state,
        AlertState::Firing,
        "float equality needs the tolerance"
    );
    let e = rule
        .evaluate(
            r#"{"op":"=","value":1,"tolerance":0.01}"#,
            &alert_input(Some(1.1), None),
        )
        .await
        .unwrap();
    assert_eq!(e.state, AlertState::Ok);
    let e = rule
        .evaluate(r#"{"op":">","value":1}"#, &alert_input(None, None))
        .await
        .unwrap();
    assert_eq!(e.state, AlertState::NoData);
    for bad in [
        "",
        "{",
        r#"{"op":"~","value":1}"#,
        r#"{"op":">","value":"high"}"#,
        r#"{"op":">","value":1,"tolerance":-1}"#,
    ] {
        let r = rule.evaluate(bad, &alert_input(Some(1.0), None)).await;
        assert!(
            matches!(r, Err(PluginError::InvalidConfig { .. })),
            "{bad}: {r:?}"
        );
    }
}

#[tokio::test]
async fn change_rule_directions_zero_previous_and_bad_config() {
    let (_dir, registry) = registry();
    let rule = registry.alert_rule("change").unwrap();
    let e = rule
        .evaluate(
            r#"{"direction":"up","percent":20}"#,
            &alert_input(Some(130.0), Some(100.0)),
        )
        .await
        .unwrap();
    assert_eq!((e.state, e.observed), (AlertState::Firing, Some(30.0)));
    let e = rule
        .evaluate(
            r#"{"direction":"up","percent":20}"#,
            &alert_input(Some(60.0), Some(100.0)),
        )
        .await
        .unwrap();
    assert_eq!(e.state, AlertState::Ok);
    let e = rule
        .evaluate(
            r#"{"direction":"down","percent":20}"#,
            &alert_input(Some(60.0), Some(100.0)),
        )
        .await
        .unwrap();
    assert_eq!(e.state, AlertState::Firing);
    let e = rule
        .evaluate(r#"{"percent":20}"#, &alert_input(Some(5.0), Some(0.0)))
        .await
        .unwrap();
    assert!(e.message.contains("from 0"), "{}", e.message);
    let e = rule
        .evaluate(r#"{"percent":20}"#, &alert_input(Some(5.0), None))
        .await
        .unwrap();
    assert_eq!(e.state, AlertState::NoData);
    let r = rule
        .evaluate(r#"{"percent":-5}"#, &alert_input(Some(1.0), Some(2.0)))
        .await;
    assert!(matches!(r, Err(PluginError::InvalidConfig { .. })), "{r:?}");
}
