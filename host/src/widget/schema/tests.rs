use super::*;
use crate::frame::{ColumnKind, ColumnSchema};
use serde_json::json;

fn metric(name: &str, dimensions: &[&str]) -> MetricInfo {
    MetricInfo {
        name: name.into(),
        label: format!("{name} label"),
        dataset: "orders".into(),
        aggregate: "count".into(),
        format: Default::default(),
        dimensions: dimensions.iter().map(|d| (*d).into()).collect(),
        good: Default::default(),
        colors: Default::default(),
    }
}

fn dataset(name: &str, columns: &[&str]) -> DatasetInfo {
    DatasetInfo {
        name: name.into(),
        label: format!("{name} label"),
        time_column: "created_at".into(),
        columns: columns
            .iter()
            .map(|c| ColumnSchema::new(*c, *c, ColumnKind::Text))
            .collect(),
    }
}

fn with_catalog<T>(f: impl FnOnce(Catalog<'_>) -> T) -> T {
    let metrics = vec![
        metric("orders", &["status", "region"]),
        metric("revenue", &["region"]),
        metric("plain", &[]),
    ];
    let datasets = vec![
        dataset("orders", &["id", "status"]),
        dataset("users", &["name"]),
    ];
    f(Catalog {
        metrics: &metrics,
        datasets: &datasets,
    })
}

fn card_schema() -> Value {
    json!({
        "type": "object",
        "title": "Metric card",
        "properties": {
            "metric": {"type": "string", "title": "Metric", "x-wasmdash": "metric"},
            "sparkline": {"type": "boolean", "title": "Sparkline", "default": true},
            "title": {"type": "string"}
        }
    })
}

fn schema(plugin_schema: Value, shape: DataShape) -> WidgetSchema {
    with_catalog(|c| WidgetSchema::new("test-plugin", &plugin_schema, shape, c))
}

#[test]
fn unknown_keys_are_refused_by_name() {
    let s = schema(card_schema(), DataShape::Scalar);
    let errors = s
        .validate(&json!({"metric": "orders", "invert_trend": true}))
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors["invert_trend"].contains("unknown key `invert_trend`"),
        "{errors:?}"
    );
    assert!(
        s.validate(&json!({"metric": "orders", "sparkline": false}))
            .is_ok()
    );
    let line = s
        .check(&json!({"bogus": 1, "metric": "orders"}))
        .unwrap_err();
    assert!(
        line.starts_with("unknown key `bogus`: test-plugin reads"),
        "{line}"
    );
}

#[test]
fn the_metric_must_be_one_of_the_catalog_and_is_required() {
    let s = schema(card_schema(), DataShape::Scalar);
    assert!(s.validate(&json!({})).unwrap_err().contains_key("metric"));
    assert!(
        s.validate(&json!({"metric": "nope"}))
            .unwrap_err()
            .contains_key("metric")
    );
    let p = &s.json()["properties"]["metric"];
    assert_eq!(p["enum"], json!(["orders", "revenue", "plain"]));
    assert_eq!(p["x-wasmdash-labels"]["orders"], "orders label");
    // The plugin's own declaration keeps its default.
    assert_eq!(s.json()["properties"]["sparkline"]["default"], true);
    assert_eq!(s.json()["additionalProperties"], false);
}

#[test]
fn a_dimension_must_belong_to_the_chosen_metric() {
    let s = schema(
        json!({"type": "object", "properties": {"donut": {"type": "boolean"}}}),
        DataShape::Categories,
    );
    assert!(
        s.validate(&json!({"metric": "orders", "dimension": "status"}))
            .is_ok()
    );
    let errors = s
        .validate(&json!({"metric": "revenue", "dimension": "status"}))
        .unwrap_err();
    assert!(errors.contains_key("dimension"), "{errors:?}");
    assert!(
        s.validate(&json!({"metric": "orders"}))
            .unwrap_err()
            .contains_key("dimension")
    );
    // A metric without dimensions cannot feed a pie.
    assert!(
        s.validate(&json!({"metric": "plain", "dimension": "status"}))
            .unwrap_err()
            .contains_key("metric")
    );
    assert!(
        s.validate(&json!({"metric": "orders", "dimension": "status", "top": 500}))
            .unwrap_err()
            .contains_key("top")
    );
}

#[test]
fn columns_must_belong_to_the_chosen_dataset() {
    let table = json!({"type": "object", "properties": {
        "sort_column": {"type": "string"},
        "sort_direction": {"type": "string", "enum": ["asc", "desc"]}
    }});
    let s = schema(table, DataShape::Rows);
    assert!(
        s.validate(&json!({"dataset": "orders", "columns": ["id"], "sort_column": "status"}))
            .is_ok()
    );
    let errors = s
        .validate(&json!({"dataset": "users", "columns": ["id"], "sort_column": "id"}))
        .unwrap_err();
    assert!(
        errors.contains_key("columns") && errors.contains_key("sort_column"),
        "{errors:?}"
    );
    assert!(
        s.validate(&json!({"dataset": "nope"}))
            .unwrap_err()
            .contains_key("dataset")
    );
    let p = &s.json()["properties"];
    assert_eq!(p["order_by"]["deprecated"], true);
    assert_eq!(p["descending"]["deprecated"], true);
    assert_eq!(p["sort_column"]["x-wasmdash"], "column");
}

#[test]
fn a_series_plugins_previous_period_key_hides_the_hosts() {
    let trend = json!({"type": "object", "properties": {"show_previous": {"type": "boolean", "default": true}}});
    let s = schema(trend, DataShape::Series);
    let p = &s.json()["properties"];
    assert_eq!(p["compare_previous"]["deprecated"], true);
    assert!(
        s.validate(&json!({"metric": "orders", "bucket": "week", "show_previous": true}))
            .is_ok()
    );
    assert!(
        s.validate(&json!({"metric": "orders", "bucket": "fortnight"}))
            .unwrap_err()
            .contains_key("bucket")
    );
    let plain = schema(json!({"type": "object"}), DataShape::Series);
    assert!(
        plain.json()["properties"]["compare_previous"]
            .get("deprecated")
            .is_none()
    );
}

#[test]
fn an_empty_catalog_allows_no_metric() {
    let s = WidgetSchema::new(
        "p",
        &card_schema(),
        DataShape::Scalar,
        Catalog {
            metrics: &[],
            datasets: &[],
        },
    );
    assert!(
        s.validate(&json!({"metric": "orders"}))
            .unwrap_err()
            .contains_key("metric")
    );
}
