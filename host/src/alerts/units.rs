//! Thresholds in the metric's display unit. A rule's config property
//! annotated `"x-wasmdash": "metric-value"` holds a value of the alert's
//! metric: people type it as the dashboard shows it (3 for 3% of a
//! percent metric), the rule receives it as stored (0.03). Properties
//! annotated `"x-wasmdash": "internal"` (a float tolerance) are left out
//! of forms; the rule's default applies.
//!
//! The JSON API takes and returns stored values; only forms convert.

use serde_json::Value;

use crate::frame::{FormatKind, ValueFormat};

/// The annotation of a property holding a value of the metric.
pub const METRIC_VALUE: &str = "metric-value";
/// The annotation of a property forms leave out.
pub const INTERNAL: &str = "internal";

/// Keys of `schema`'s properties annotated `annotation`.
fn keys_with(schema: &Value, annotation: &str) -> Vec<String> {
    schema["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| p["x-wasmdash"].as_str() == Some(annotation))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Displayed value per stored value: 100 for a percent metric, else 1.
pub fn display_scale(format: &ValueFormat) -> f64 {
    match format.kind {
        FormatKind::Percent => 100.0,
        _ => 1.0,
    }
}

/// The unit a form shows next to a metric value: `%`, the currency code,
/// `seconds`, or the metric's own unit (none when it has none).
pub fn unit_label(format: &ValueFormat) -> Option<String> {
    let unit = format.unit.trim();
    match format.kind {
        FormatKind::Percent => Some("%".into()),
        FormatKind::Duration if unit.eq_ignore_ascii_case("ms") => Some("milliseconds".into()),
        FormatKind::Duration => Some("seconds".into()),
        _ if unit.is_empty() => None,
        _ => Some(unit.to_owned()),
    }
}

/// `schema` as a form shows it for a metric with `format`: internal
/// properties left out, metric values titled with their unit.
pub fn form_schema(schema: &Value, format: &ValueFormat) -> Value {
    let mut schema = schema.clone();
    let internal = keys_with(&schema, INTERNAL);
    let values = keys_with(&schema, METRIC_VALUE);
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for k in &internal {
            props.remove(k);
        }
        if let Some(unit) = unit_label(format) {
            for k in &values {
                if let Some(p) = props.get_mut(k).and_then(Value::as_object_mut) {
                    let title = p
                        .get("title")
                        .and_then(Value::as_str)
                        .unwrap_or(k)
                        .to_owned();
                    p.insert("title".into(), Value::String(format!("{title} ({unit})")));
                }
            }
        }
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r.as_str().is_none_or(|r| !internal.iter().any(|k| k == r)));
    }
    schema
}

/// Multiply (or divide) the metric values of `config` by `factor`,
/// rounding away float noise (0.03 × 100 is 3, not 3.0000000000000004).
fn scaled(config: &Value, schema: &Value, factor: f64) -> Value {
    let mut config = config.clone();
    if factor == 1.0 {
        return config;
    }
    let Some(object) = config.as_object_mut() else {
        return config;
    };
    for k in keys_with(schema, METRIC_VALUE) {
        if let Some(v) = object.get(&k).and_then(Value::as_f64) {
            let s = v * factor;
            let s = if s.abs() < 1e15 {
                (s * 1e9).round() / 1e9
            } else {
                s
            };
            // Whole numbers read as such in a form: 3, not 3.0.
            let n = if s.fract() == 0.0 && s.abs() < 9e15 {
                Some(serde_json::Number::from(s as i64))
            } else {
                serde_json::Number::from_f64(s)
            };
            if let Some(n) = n {
                object.insert(k, Value::Number(n));
            }
        }
    }
    config
}

/// A stored rule config as a form shows it (3 for 0.03 of a percent metric).
pub fn to_display(config: &Value, schema: &Value, format: &ValueFormat) -> Value {
    scaled(config, schema, display_scale(format))
}

/// A rule config typed into a form as it is stored (0.03 for 3 of a
/// percent metric).
pub fn from_display(config: &Value, schema: &Value, format: &ValueFormat) -> Value {
    scaled(config, schema, 1.0 / display_scale(format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "properties": {
                "op": {"type": "string"},
                "value": {"type": "number", "title": "Threshold", "x-wasmdash": "metric-value"},
                "tolerance": {"type": "number", "x-wasmdash": "internal"}
            },
            "required": ["op", "value", "tolerance"]
        })
    }

    fn percent() -> ValueFormat {
        ValueFormat {
            kind: FormatKind::Percent,
            unit: String::new(),
            decimals: Some(1),
        }
    }

    #[test]
    fn percent_thresholds_are_typed_in_percent() {
        let stored = json!({"op": ">", "value": 0.03});
        let shown = to_display(&stored, &schema(), &percent());
        assert_eq!(shown, json!({"op": ">", "value": 3}));
        let typed = json!({"op": ">", "value": 3});
        assert_eq!(from_display(&typed, &schema(), &percent()), stored);
        let plain = ValueFormat::default();
        assert_eq!(to_display(&stored, &schema(), &plain), stored);
    }

    #[test]
    fn forms_hide_internal_keys_and_name_the_unit() {
        let s = form_schema(&schema(), &percent());
        assert!(s["properties"].get("tolerance").is_none());
        assert_eq!(s["required"], json!(["op", "value"]));
        assert_eq!(s["properties"]["value"]["title"], "Threshold (%)");
        let usd = ValueFormat {
            kind: FormatKind::Currency,
            unit: "USD".into(),
            decimals: None,
        };
        assert_eq!(
            form_schema(&schema(), &usd)["properties"]["value"]["title"],
            "Threshold (USD)"
        );
        let count = ValueFormat::default();
        assert_eq!(
            form_schema(&schema(), &count)["properties"]["value"]["title"],
            "Threshold"
        );
    }
}
