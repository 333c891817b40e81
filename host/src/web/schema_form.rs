//! Settings forms generated from a plugin's config JSON Schema, and the
//! validation of what comes back.
//!
//! Supported property types: `string` (text, or a select with `enum`),
//! `number`/`integer`, `boolean`, and strings annotated
//! `"x-wasmdash": "metric"` (or named `metric`) which become a picker over
//! the metric registry. Anything richer is edited in the raw-JSON tab.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::data::MetricInfo;

/// One field of the form, read from the schema.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: String,
    title: String,
    description: Option<String>,
    kind: FieldKind,
    required: bool,
    default: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
enum FieldKind {
    Text,
    Choice(Vec<Value>),
    Number {
        integer: bool,
    },
    Boolean,
    Metric,
    Dataset,
    /// Arrays and objects: raw JSON only.
    Json,
}

fn fields(schema: &Value) -> Vec<Field> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema["properties"].as_object() else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, prop)| {
            let annotation = prop["x-wasmdash"].as_str();
            let kind = if annotation == Some("metric") || (name == "metric" && annotation.is_none())
            {
                FieldKind::Metric
            } else if annotation == Some("dataset") || name == "dataset" {
                FieldKind::Dataset
            } else if let Some(options) = prop["enum"].as_array() {
                FieldKind::Choice(options.clone())
            } else {
                match prop["type"].as_str() {
                    Some("string") => FieldKind::Text,
                    Some("number") => FieldKind::Number { integer: false },
                    Some("integer") => FieldKind::Number { integer: true },
                    Some("boolean") => FieldKind::Boolean,
                    _ => FieldKind::Json,
                }
            };
            Field {
                name: name.clone(),
                title: prop["title"].as_str().unwrap_or(name).to_owned(),
                description: prop["description"].as_str().map(str::to_owned),
                kind,
                required: required.contains(&name.as_str()),
                default: prop.get("default").cloned(),
            }
        })
        .collect()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The form fields for `schema`, pre-filled from `current`; `errors` maps
/// field names to messages shown next to them.
pub(super) fn form_fields(
    schema: &Value,
    current: &Value,
    metrics: &[MetricInfo],
    datasets: &[String],
    errors: &BTreeMap<String, String>,
) -> Markup {
    html! {
        @for f in fields(schema) {
            @let id = format!("cfg-{}", f.name);
            @let name = format!("cfg.{}", f.name);
            @let value = current.get(&f.name).or(f.default.as_ref()).cloned().unwrap_or(Value::Null);
            @let error = errors.get(&f.name);
            div.field {
                @match &f.kind {
                    FieldKind::Boolean => {
                        label for=(id) {
                            input #(id) type="checkbox" name=(name) value="true" checked[value == Value::Bool(true)];
                            " " (f.title)
                        }
                    }
                    _ => {
                        label for=(id) { (f.title) @if f.required { " *" } }
                        @match &f.kind {
                            FieldKind::Choice(options) => {
                                select #(id) name=(name) {
                                    @if !f.required { option value="" { "—" } }
                                    @for o in options {
                                        option value=(value_text(o)) selected[*o == value] { (value_text(o)) }
                                    }
                                }
                            }
                            FieldKind::Metric => {
                                select #(id) name=(name) required[f.required] {
                                    @if !f.required { option value="" { "—" } }
                                    @for m in metrics {
                                        option value=(m.name) selected[value.as_str() == Some(m.name.as_str())] {
                                            (m.label) " (" (m.name) ")"
                                        }
                                    }
                                }
                            }
                            FieldKind::Dataset => {
                                select #(id) name=(name) required[f.required] {
                                    @if !f.required { option value="" { "—" } }
                                    @for d in datasets {
                                        option value=(d) selected[value.as_str() == Some(d.as_str())] { (d) }
                                    }
                                }
                            }
                            FieldKind::Number { integer } => {
                                input #(id) type="number" name=(name) value=(value_text(&value))
                                    step=(if *integer { "1" } else { "any" }) required[f.required];
                            }
                            FieldKind::Json => {
                                textarea #(id) name=(name) rows="3" { (if value.is_null() { String::new() } else { value.to_string() }) }
                            }
                            _ => {
                                input #(id) type="text" name=(name) value=(value_text(&value)) required[f.required];
                            }
                        }
                    }
                }
                @if let Some(d) = &f.description { div.muted { small { (d) } } }
                @if let Some(e) = error { div.field-error role="alert" { (e) } }
            }
        }
    }
}

/// Build a config object from submitted `cfg.<name>` form fields, typed by
/// the schema. Unknown names are ignored; empty optional fields are left
/// out so the plugin's defaults apply.
pub(super) fn config_from_form(
    schema: &Value,
    form: &[(String, String)],
) -> Result<Value, BTreeMap<String, String>> {
    let mut config = Map::new();
    let mut errors = BTreeMap::new();
    for f in fields(schema) {
        let key = format!("cfg.{}", f.name);
        let submitted = form.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim());
        let value = match (&f.kind, submitted) {
            (FieldKind::Boolean, v) => Some(Value::Bool(v == Some("true"))),
            (_, None | Some("")) => None,
            (FieldKind::Number { integer: true }, Some(v)) => match v.parse::<i64>() {
                Ok(n) => Some(Value::from(n)),
                Err(_) => {
                    errors.insert(f.name.clone(), "must be a whole number".into());
                    None
                }
            },
            (FieldKind::Number { integer: false }, Some(v)) => {
                match v.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                    Some(n) => Some(Value::Number(n)),
                    None => {
                        errors.insert(f.name.clone(), "must be a number".into());
                        None
                    }
                }
            }
            (FieldKind::Json, Some(v)) => match serde_json::from_str(v) {
                Ok(j) => Some(j),
                Err(e) => {
                    errors.insert(f.name.clone(), format!("is not valid JSON: {e}"));
                    None
                }
            },
            (FieldKind::Choice(options), Some(v)) => options
                .iter()
                .find(|o| value_text(o) == v)
                .cloned()
                .or_else(|| {
                    errors.insert(f.name.clone(), "is not one of the choices".into());
                    None
                }),
            (_, Some(v)) => Some(Value::String(v.to_owned())),
        };
        if let Some(v) = value {
            config.insert(f.name, v);
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(config))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let metrics = vec![MetricInfo {
            name: "orders".into(),
            label: "Orders".into(),
            dataset: "orders".into(),
            aggregate: "count".into(),
            format: Default::default(),
            dimensions: vec![],
            good: Default::default(),
        }];
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
}
