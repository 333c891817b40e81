use super::*;
use crate::frame::{ColumnKind, ColumnSchema};
use serde_json::json;

fn schema() -> Value {
    json!({
        "type": "object",
        "required": ["metric"],
        "additionalProperties": false,
        "properties": {
            "metric": {"type": "string", "title": "Metric", "x-wasmdash": "metric"},
            "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
            "threshold": {"type": "number"},
            "sparkline": {"type": "boolean", "default": true},
            "style": {"type": "string", "enum": ["line", "area"], "default": "line"}
        }
    })
}

fn validate(schema: &Value, config: &Value) -> Result<(), BTreeMap<String, String>> {
    crate::plugins::ConfigSchema::compile(schema.to_string()).validate(config)
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

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

fn dataset(name: &str, columns: &[(&str, &str)]) -> DatasetInfo {
    DatasetInfo {
        name: name.into(),
        label: name.into(),
        time_column: "t".into(),
        columns: columns
            .iter()
            .map(|(n, l)| ColumnSchema::new(*n, *l, ColumnKind::Text))
            .collect(),
    }
}

#[test]
fn form_values_are_typed_by_the_schema() {
    let config = config_from_form(
        &schema(),
        &form(&[
            ("cfg.metric", "orders"),
            ("cfg.decimals", "2"),
            ("cfg.threshold", "1.5"),
            ("cfg.style", "area"),
            ("cfg.unknown", "x"),
        ]),
    )
    .unwrap();
    assert_eq!(
        config,
        json!({"metric": "orders", "decimals": 2, "threshold": 1.5, "sparkline": false, "style": "area"})
    );
    assert!(validate(&schema(), &config).is_ok());
}

#[test]
fn bad_values_are_reported_next_to_their_field() {
    let errors = config_from_form(
        &schema(),
        &form(&[("cfg.decimals", "two"), ("cfg.style", "pie")]),
    )
    .unwrap_err();
    assert!(errors.contains_key("decimals") && errors.contains_key("style"));

    let errors = validate(&schema(), &json!({"decimals": 9})).unwrap_err();
    assert!(errors.contains_key("metric"), "{errors:?}");
    assert!(errors.contains_key("decimals"), "{errors:?}");
}

#[test]
fn renders_a_metric_picker_and_escapes_values() {
    let metrics = vec![metric("orders", &[])];
    let html = form_fields(
        &schema(),
        &json!({"metric": "orders", "style": "<b>"}),
        &metrics,
        &[],
        &BTreeMap::from([("decimals".to_owned(), "too many".to_owned())]),
    )
    .into_string();
    assert!(
        html.contains(r#"<option value="orders" selected>"#),
        "{html}"
    );
    assert!(html.contains("too many"));
    assert!(!html.contains("<b>"));
}

fn pie_schema() -> Value {
    json!({
        "type": "object",
        "required": ["metric", "dimension"],
        "properties": {
            "metric": {"type": "string", "x-wasmdash": "metric", "enum": ["orders", "revenue"]},
            "dimension": {"type": "string", "title": "Dimension", "x-wasmdash": "dimension"},
            "compare_previous": {"type": "boolean", "deprecated": true},
        }
    })
}

#[test]
fn the_dimension_picker_follows_the_chosen_metric() {
    let metrics = vec![
        metric("orders", &["status", "region"]),
        metric("revenue", &["product"]),
        metric("plain", &[]),
    ];
    let pickers = Pickers {
        metrics: &metrics,
        datasets: &[],
        refresh: Some("/dashboards/d/widgets/fields"),
    };
    let html = widget_fields(
        &pie_schema(),
        &json!({"metric": "revenue"}),
        pickers,
        &BTreeMap::new(),
    )
    .into_string();
    assert!(html.contains(r#"<option value="product">"#), "{html}");
    assert!(!html.contains(r#"value="status""#), "{html}");
    // Only the schema's metrics are offered, labelled.
    assert!(
        !html.contains(r#"value="plain""#) && html.contains("orders label"),
        "{html}"
    );
    assert!(
        html.contains(r#"hx-post="/dashboards/d/widgets/fields""#),
        "{html}"
    );
    // Nothing chosen yet: the first metric's dimensions.
    let html = widget_fields(&pie_schema(), &json!({}), pickers, &BTreeMap::new()).into_string();
    assert!(html.contains(r#"value="status""#), "{html}");
    // A deprecated key is hidden unless the config still sets it.
    assert!(!html.contains("cfg.compare_previous"), "{html}");
    let html = widget_fields(
        &pie_schema(),
        &json!({"compare_previous": true}),
        pickers,
        &BTreeMap::new(),
    )
    .into_string();
    assert!(html.contains("cfg.compare_previous"), "{html}");
}

#[test]
fn columns_are_checkboxes_of_the_chosen_dataset_and_come_back_as_a_list() {
    let table = json!({
        "type": "object",
        "required": ["dataset"],
        "properties": {
            "dataset": {"type": "string", "x-wasmdash": "dataset"},
            "columns": {"type": "array", "x-wasmdash": "columns"},
            "sort_column": {"type": "string", "x-wasmdash": "column"},
            "order_by": {"type": "string", "x-wasmdash": "column", "deprecated": true}
        }
    });
    let datasets = vec![
        dataset("orders", &[("id", "Order"), ("status", "Status")]),
        dataset("users", &[("name", "Name")]),
    ];
    let pickers = Pickers {
        metrics: &[],
        datasets: &datasets,
        refresh: None,
    };
    let html = widget_fields(
        &table,
        &json!({"dataset": "users", "columns": ["name"]}),
        pickers,
        &BTreeMap::new(),
    )
    .into_string();
    assert!(
        html.contains(r#"<input type="checkbox" name="cfg.columns" value="name" checked>"#),
        "{html}"
    );
    assert!(!html.contains(r#"value="id""#), "{html}");
    let config = config_from_form(
        &table,
        &form(&[
            ("cfg.dataset", "orders"),
            ("cfg.columns", "id"),
            ("cfg.columns", "status"),
            ("cfg.sort_column", ""),
        ]),
    )
    .unwrap();
    assert_eq!(
        config,
        json!({"dataset": "orders", "columns": ["id", "status"]})
    );
}

#[test]
fn column_pickers_name_the_column_and_its_format() {
    use crate::frame::{ColumnFormat, ColumnFormatKind};
    let id = ColumnSchema::new("customer_id", "Customer", ColumnKind::Int64)
        .with_format(ColumnFormat::of(ColumnFormatKind::Id));
    assert_eq!(column_hint(&id), "customer_id · id");
    let amount =
        ColumnSchema::new("amount", "amount", ColumnKind::Float64).with_format(ColumnFormat {
            kind: ColumnFormatKind::Currency,
            unit: "USD".into(),
            decimals: Some(2),
        });
    assert_eq!(column_hint(&amount), "currency USD");
    assert_eq!(
        column_hint(&ColumnSchema::new("a", "A", ColumnKind::Text)),
        "a"
    );
    assert_eq!(
        column_hint(&ColumnSchema::new("a", "a", ColumnKind::Text)),
        ""
    );
}
