//! Settings forms generated from a config JSON Schema, and the validation
//! of what comes back.
//!
//! Supported property types: `string` (text, or a select with `enum`),
//! `number`/`integer`, `boolean`, and the pickers a widget's effective
//! schema annotates with `x-wasmdash` (see [`crate::widget::WidgetSchemas`]):
//! `metric` (the catalog's metrics with their labels), `dataset`,
//! `dimension` (the chosen metric's dimensions), `column` and `columns`
//! (the chosen dataset's columns). A property marked `deprecated` is only
//! shown while the config still sets it. Anything richer is edited in the
//! raw-JSON tab.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::data::{DatasetInfo, MetricInfo};

/// What the pickers offer, and where a changed metric or dataset asks for
/// the fields again (their choices depend on it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Pickers<'a> {
    /// The catalog's metrics.
    pub(super) metrics: &'a [MetricInfo],
    /// The catalog's datasets.
    pub(super) datasets: &'a [DatasetInfo],
    /// `hx-post` URL re-rendering the fields from the form's values.
    pub(super) refresh: Option<&'a str>,
}

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
    /// A metric, out of these names when the schema lists them.
    Metric(Option<Vec<String>>),
    Dataset,
    /// One of the chosen metric's dimensions.
    Dimension,
    /// One column of the chosen dataset.
    Column,
    /// Several columns of the chosen dataset.
    Columns,
    /// Arrays and objects: raw JSON only.
    Json,
}

fn names(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn fields(schema: &Value, current: &Value) -> Vec<Field> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema["properties"].as_object() else {
        return Vec::new();
    };
    props
        .iter()
        .filter(|(name, prop)| {
            prop["deprecated"] != Value::Bool(true) || current.get(name).is_some()
        })
        .map(|(name, prop)| {
            let annotation = prop["x-wasmdash"].as_str();
            let kind = match annotation {
                Some("metric") => FieldKind::Metric(names(&prop["enum"])),
                None if name == "metric" => FieldKind::Metric(None),
                Some("dataset") => FieldKind::Dataset,
                None if name == "dataset" => FieldKind::Dataset,
                Some("dimension") => FieldKind::Dimension,
                Some("column") => FieldKind::Column,
                Some("columns") => FieldKind::Columns,
                _ => match (prop["enum"].as_array(), prop["type"].as_str()) {
                    (Some(options), _) => FieldKind::Choice(options.clone()),
                    (None, Some("string")) => FieldKind::Text,
                    (None, Some("number")) => FieldKind::Number { integer: false },
                    (None, Some("integer")) => FieldKind::Number { integer: true },
                    (None, Some("boolean")) => FieldKind::Boolean,
                    _ => FieldKind::Json,
                },
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

/// The metrics a metric field offers: the schema's list, else all.
fn offered<'a>(metrics: &'a [MetricInfo], allowed: Option<&Vec<String>>) -> Vec<&'a MetricInfo> {
    metrics
        .iter()
        .filter(|m| allowed.is_none_or(|a| a.contains(&m.name)))
        .collect()
}

/// The metric and dataset the dependent pickers follow: the config's, else
/// the first one offered (what a required select shows first).
fn chosen<'a>(
    schema: &Value,
    current: &Value,
    pickers: Pickers<'a>,
) -> (Option<&'a MetricInfo>, Option<&'a DatasetInfo>) {
    let allowed = names(&schema["properties"]["metric"]["enum"]);
    let metrics = offered(pickers.metrics, allowed.as_ref());
    let metric = current["metric"]
        .as_str()
        .and_then(|n| metrics.iter().find(|m| m.name == n))
        .or(metrics.first())
        .copied();
    let dataset = current["dataset"]
        .as_str()
        .and_then(|n| pickers.datasets.iter().find(|d| d.name == n))
        .or(pickers.datasets.first());
    (metric, dataset)
}

/// The form fields for `schema`, pre-filled from `current`; `errors` maps
/// field names to messages shown next to them. Metric and dataset pickers
/// offer names only (the alert form's use).
pub(super) fn form_fields(
    schema: &Value,
    current: &Value,
    metrics: &[MetricInfo],
    datasets: &[String],
    errors: &BTreeMap<String, String>,
) -> Markup {
    let datasets: Vec<DatasetInfo> = datasets
        .iter()
        .map(|name| DatasetInfo {
            name: name.clone(),
            label: name.clone(),
            time_column: String::new(),
            columns: Vec::new(),
        })
        .collect();
    let pickers = Pickers {
        metrics,
        datasets: &datasets,
        refresh: None,
    };
    widget_fields(schema, current, pickers, errors)
}

/// The fields of a widget's effective schema, with pickers from the
/// catalog; see [`form_fields`].
pub(super) fn widget_fields(
    schema: &Value,
    current: &Value,
    pickers: Pickers<'_>,
    errors: &BTreeMap<String, String>,
) -> Markup {
    let (metric, dataset) = chosen(schema, current, pickers);
    let dimensions: &[String] = metric.map(|m| m.dimensions.as_slice()).unwrap_or_default();
    let columns = dataset.map(|d| d.columns.as_slice()).unwrap_or_default();
    html! {
        @for f in fields(schema, current) {
            @let id = format!("cfg-{}", f.name);
            @let name = format!("cfg.{}", f.name);
            @let value = current.get(&f.name).or(f.default.as_ref()).cloned().unwrap_or(Value::Null);
            @let error = errors.get(&f.name);
            div.field data-field=(f.name) {
                @match &f.kind {
                    FieldKind::Boolean => {
                        label for=(id) {
                            input #(id) type="checkbox" name=(name) value="true" checked[value == Value::Bool(true)];
                            " " (f.title)
                        }
                    }
                    FieldKind::Columns => {
                        fieldset.checks #(id) {
                            legend { (f.title) }
                            @for c in columns {
                                @let on = value.as_array().is_some_and(|a| a.iter().any(|v| v.as_str() == Some(c.name.as_str())));
                                label.check {
                                    input type="checkbox" name=(name) value=(c.name) checked[on];
                                    " " (c.label)
                                    @if c.label != c.name { " " small.muted { "(" (c.name) ")" } }
                                }
                            }
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
                            FieldKind::Metric(allowed) => {
                                select #(id) name=(name) required[f.required]
                                    hx-post=[pickers.refresh] hx-trigger=[pickers.refresh.map(|_| "change")]
                                    hx-target=[pickers.refresh.map(|_| "#settings-fields")]
                                    hx-include=[pickers.refresh.map(|_| "closest form")] {
                                    @if !f.required { option value="" { "—" } }
                                    @for m in offered(pickers.metrics, allowed.as_ref()) {
                                        option value=(m.name) selected[value.as_str() == Some(m.name.as_str())] {
                                            (m.label) " (" (m.name) ")"
                                        }
                                    }
                                }
                            }
                            FieldKind::Dataset => {
                                select #(id) name=(name) required[f.required]
                                    hx-post=[pickers.refresh] hx-trigger=[pickers.refresh.map(|_| "change")]
                                    hx-target=[pickers.refresh.map(|_| "#settings-fields")]
                                    hx-include=[pickers.refresh.map(|_| "closest form")] {
                                    @if !f.required { option value="" { "—" } }
                                    @for d in pickers.datasets {
                                        option value=(d.name) selected[value.as_str() == Some(d.name.as_str())] {
                                            (d.label) @if d.label != d.name { " (" (d.name) ")" }
                                        }
                                    }
                                }
                            }
                            FieldKind::Dimension => {
                                select #(id) name=(name) required[f.required] {
                                    @if !f.required { option value="" { "—" } }
                                    @for d in dimensions {
                                        option value=(d) selected[value.as_str() == Some(d.as_str())] { (d) }
                                    }
                                }
                            }
                            FieldKind::Column => {
                                select #(id) name=(name) required[f.required] {
                                    @if !f.required { option value="" { "—" } }
                                    @for c in columns {
                                        option value=(c.name) selected[value.as_str() == Some(c.name.as_str())] { (c.label) }
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
    let shown = |name: &str| {
        let key = format!("cfg.{name}");
        form.iter().any(|(k, _)| *k == key)
    };
    // A deprecated field is in the form only while the config sets it.
    let current = Value::Object(
        schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| shown(name))
            .map(|(name, _)| (name.clone(), Value::Bool(true)))
            .collect(),
    );
    for f in fields(schema, &current) {
        let key = format!("cfg.{}", f.name);
        if f.kind == FieldKind::Columns {
            let picked: Vec<Value> = form
                .iter()
                .filter(|(k, v)| *k == key && !v.trim().is_empty())
                .map(|(_, v)| Value::from(v.trim()))
                .collect();
            if !picked.is_empty() {
                config.insert(f.name, Value::Array(picked));
            }
            continue;
        }
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
mod tests;
