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
use crate::plugins::ORDER_KEY;
use crate::widget::BINDING_ORDER;

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
    /// A `#rrggbb` colour (`"format": "color"`).
    Colour,
    /// An object of simple fields (e.g. thresholds), one level deep.
    Object(Vec<Field>),
    /// Sent back as it is, not shown (the plugin's own `title`: the
    /// widget's title is the one on screen).
    Hidden,
    /// Arrays and deeper objects: raw JSON only.
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
    fields_of(schema, current, 0)
}

/// The thresholds' parts, in the order the form asks for them (after the
/// binding keys, [`BINDING_ORDER`]).
const THRESHOLD_PARTS: [&str; 3] = ["warning", "critical", "direction"];

/// Where a property goes in a schema without its own order: the binding
/// keys in the order a person picks them, then the thresholds' parts, then
/// the rest.
fn fallback_rank(name: &str) -> usize {
    (BINDING_ORDER.iter().chain(&THRESHOLD_PARTS))
        .position(|f| *f == name)
        .unwrap_or(usize::MAX)
}

fn fields_of(schema: &Value, current: &Value, depth: u8) -> Vec<Field> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema["properties"].as_object() else {
        return Vec::new();
    };
    // Properties arrive sorted by name: follow the schema's own order (the
    // plugin's, with the binding keys first); without one, what feeds the
    // widget comes first, in the order a person picks it.
    let mut props: Vec<(&String, &Value)> = props.iter().collect();
    match schema[ORDER_KEY].as_array() {
        Some(order) => props.sort_by_key(|(name, _)| {
            order
                .iter()
                .position(|o| o.as_str() == Some(name.as_str()))
                .unwrap_or(order.len())
        }),
        None => props.sort_by_key(|(name, _)| fallback_rank(name)),
    }
    props
        .into_iter()
        .filter(|(name, prop)| {
            prop["deprecated"] != Value::Bool(true) || current.get(name.as_str()).is_some()
        })
        .map(|(name, prop)| Field {
            name: name.clone(),
            title: prop["title"].as_str().unwrap_or(name).to_owned(),
            description: prop["description"].as_str().map(str::to_owned),
            kind: kind_of(name, prop, schema, depth),
            required: required.contains(&name.as_str()),
            default: prop.get("default").cloned(),
        })
        .collect()
}

fn kind_of(name: &str, prop: &Value, schema: &Value, depth: u8) -> FieldKind {
    // A widget's effective schema says so; its chrome shows the title.
    let widget = schema["x-wasmdash-widget"] == Value::Bool(true);
    match prop["x-wasmdash"].as_str() {
        Some("metric") => FieldKind::Metric(names(&prop["enum"])),
        None if name == "metric" => FieldKind::Metric(None),
        Some("dataset") => FieldKind::Dataset,
        None if name == "dataset" => FieldKind::Dataset,
        Some("dimension") => FieldKind::Dimension,
        Some("column") => FieldKind::Column,
        Some("columns") => FieldKind::Columns,
        _ if depth == 0 && name == "title" && widget => FieldKind::Hidden,
        _ => match (prop["enum"].as_array(), prop["type"].as_str()) {
            (Some(options), _) => FieldKind::Choice(options.clone()),
            (None, Some("string")) if prop["format"] == "color" => FieldKind::Colour,
            (None, Some("string")) => FieldKind::Text,
            (None, Some("number")) => FieldKind::Number { integer: false },
            (None, Some("integer")) => FieldKind::Number { integer: true },
            (None, Some("boolean")) => FieldKind::Boolean,
            (None, Some("object")) if depth == 0 && prop["properties"].is_object() => {
                let inner = fields_of(prop, &Value::Null, 1);
                if inner.iter().any(|f| f.kind == FieldKind::Json) {
                    FieldKind::Json
                } else {
                    FieldKind::Object(inner)
                }
            }
            _ => FieldKind::Json,
        },
    }
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
    let ctx = Context {
        pickers,
        dimensions: metric.map(|m| m.dimensions.as_slice()).unwrap_or_default(),
        columns: dataset.map(|d| d.columns.as_slice()).unwrap_or_default(),
    };
    html! {
        @for f in fields(schema, current) {
            @let value = current.get(&f.name).cloned()
                .or_else(|| metric_default(&f.name, metric))
                .or_else(|| f.default.clone())
                .unwrap_or(Value::Null);
            (field_markup(&f, "cfg", &value, &ctx, errors.get(&f.name)))
        }
    }
}

/// A default the chosen metric sets: `higher_is_better` follows its
/// declared good direction (error rates and durations are better low).
fn metric_default(name: &str, metric: Option<&MetricInfo>) -> Option<Value> {
    match (name, metric) {
        ("higher_is_better", Some(m)) => Some(Value::Bool(m.good == crate::data::config::Good::Up)),
        _ => None,
    }
}

/// What a column picker says beside a column's label: its name when the
/// label differs, and its display format (`customer_id · id`,
/// `amount · currency USD`).
fn column_hint(c: &crate::frame::ColumnSchema) -> String {
    let format = c.format.describe();
    match (c.label != c.name, format.is_empty()) {
        (true, true) => c.name.clone(),
        (true, false) => format!("{} · {format}", c.name),
        (false, true) => String::new(),
        (false, false) => format,
    }
}

/// What the pickers of one form offer.
struct Context<'a> {
    pickers: Pickers<'a>,
    dimensions: &'a [String],
    columns: &'a [crate::frame::ColumnSchema],
}

/// One field: its label, input, description and error; an object's
/// fields nested in a fieldset, named `cfg.<object>.<field>`.
fn field_markup(
    f: &Field,
    prefix: &str,
    value: &Value,
    ctx: &Context<'_>,
    error: Option<&String>,
) -> Markup {
    let name = format!("{prefix}.{}", f.name);
    let id = name.replace('.', "-");
    let refresh = ctx.pickers.refresh;
    let on_change = refresh.map(|_| "change");
    let target = refresh.map(|_| "#settings-fields");
    let include = refresh.map(|_| "closest form");
    // The enclosing form swaps itself whole; the fields swap only theirs.
    let swap = refresh.map(|_| "innerHTML");
    if f.kind == FieldKind::Hidden {
        return html! { input type="hidden" name=(name) value=(value_text(value)); };
    }
    html! {
        div.field data-field=(f.name) {
            @match &f.kind {
                FieldKind::Boolean => {
                    label for=(id) {
                        input #(id) type="checkbox" name=(name) value="true" checked[*value == Value::Bool(true)];
                        " " (f.title)
                    }
                }
                FieldKind::Object(inner) => {
                    fieldset.nested #(id) {
                        legend { (f.title) }
                        @for sub in inner {
                            @let v = value.get(&sub.name).or(sub.default.as_ref()).cloned().unwrap_or(Value::Null);
                            (field_markup(sub, &name, &v, ctx, None))
                        }
                    }
                }
                FieldKind::Columns => {
                    fieldset.checks #(id) {
                        legend { (f.title) }
                        @for c in ctx.columns {
                            @let on = value.as_array().is_some_and(|a| a.iter().any(|v| v.as_str() == Some(c.name.as_str())));
                            label.check {
                                input type="checkbox" name=(name) value=(c.name) checked[on];
                                " " (c.label)
                                @let hint = column_hint(c);
                                @if !hint.is_empty() { " " small.muted { "(" (hint) ")" } }
                            }
                        }
                    }
                }
                _ => {
                    label for=(id) { (f.title) @if f.required { " *" } }
                    @match &f.kind {
                        FieldKind::Choice(options) => {
                            select #(id) name=(name) {
                                @if !f.required && f.default.is_none() { option value="" { "—" } }
                                @for o in options {
                                    option value=(value_text(o)) selected[o == value] { (value_text(o)) }
                                }
                            }
                        }
                        FieldKind::Metric(allowed) => {
                            select #(id) name=(name) required[f.required]
                                hx-post=[refresh] hx-trigger=[on_change] hx-target=[target] hx-swap=[swap] hx-include=[include] {
                                @if !f.required { option value="" { "—" } }
                                @for m in offered(ctx.pickers.metrics, allowed.as_ref()) {
                                    option value=(m.name) selected[value.as_str() == Some(m.name.as_str())] {
                                        (m.label) " (" (m.name) ")"
                                    }
                                }
                            }
                        }
                        FieldKind::Dataset => {
                            select #(id) name=(name) required[f.required]
                                hx-post=[refresh] hx-trigger=[on_change] hx-target=[target] hx-swap=[swap] hx-include=[include] {
                                @if !f.required { option value="" { "—" } }
                                @for d in ctx.pickers.datasets {
                                    option value=(d.name) selected[value.as_str() == Some(d.name.as_str())] {
                                        (d.label) @if d.label != d.name { " (" (d.name) ")" }
                                    }
                                }
                            }
                        }
                        FieldKind::Dimension => {
                            select #(id) name=(name) required[f.required] {
                                @if !f.required { option value="" { "—" } }
                                @for d in ctx.dimensions {
                                    option value=(d) selected[value.as_str() == Some(d.as_str())] { (d) }
                                }
                            }
                        }
                        FieldKind::Column => {
                            select #(id) name=(name) required[f.required] {
                                @if !f.required { option value="" { "—" } }
                                @for c in ctx.columns {
                                    option value=(c.name) selected[value.as_str() == Some(c.name.as_str())] {
                                        (c.label)
                                        @let hint = column_hint(c);
                                        @if !hint.is_empty() { " (" (hint) ")" }
                                    }
                                }
                            }
                        }
                        FieldKind::Number { integer } => {
                            input #(id) type="number" name=(name) value=(value_text(value))
                                step=(if *integer { "1" } else { "any" }) required[f.required];
                        }
                        FieldKind::Colour => {
                            input #(id) type="color" name=(name) value=(value.as_str().unwrap_or("#000000"));
                        }
                        FieldKind::Json => {
                            textarea #(id) name=(name) rows="3" { (if value.is_null() { String::new() } else { value.to_string() }) }
                        }
                        _ => {
                            input #(id) type="text" name=(name) value=(value_text(value)) required[f.required];
                        }
                    }
                }
            }
            @if let Some(d) = &f.description { div.muted { small { (d) } } }
            @if let Some(e) = error { div.field-error role="alert" { (e) } }
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
        if let Some(v) = read_field(&f, "cfg", form, &mut errors) {
            config.insert(f.name, v);
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(config))
    } else {
        Err(errors)
    }
}

/// The value of field `f` named under `prefix` in `form`; `None` leaves the
/// key out. A bad value is noted in `errors` under the top-level field.
fn read_field(
    f: &Field,
    prefix: &str,
    form: &[(String, String)],
    errors: &mut BTreeMap<String, String>,
) -> Option<Value> {
    let key = format!("{prefix}.{}", f.name);
    let top = key
        .strip_prefix("cfg.")
        .and_then(|k| k.split('.').next())
        .unwrap_or(&f.name)
        .to_owned();
    // A nested field's error shows on its object, so it names the field.
    let label = if prefix == "cfg" {
        String::new()
    } else {
        format!("{}: ", f.title)
    };
    let mut fail = |message: String| {
        errors.entry(top.clone()).or_insert(message);
        None
    };
    let submitted = form.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim());
    match (&f.kind, submitted) {
        (FieldKind::Columns, _) => {
            let picked: Vec<Value> = form
                .iter()
                .filter(|(k, v)| *k == key && !v.trim().is_empty())
                .map(|(_, v)| Value::from(v.trim()))
                .collect();
            (!picked.is_empty()).then_some(Value::Array(picked))
        }
        (FieldKind::Object(inner), _) => {
            let mut object = Map::new();
            for sub in inner {
                if let Some(v) = read_field(sub, &key, form, errors) {
                    object.insert(sub.name.clone(), v);
                }
            }
            // Only choices and switches set: the object was left empty.
            let filled = inner.iter().any(|sub| {
                !matches!(sub.kind, FieldKind::Choice(_) | FieldKind::Boolean)
                    && object.contains_key(&sub.name)
            });
            filled.then_some(Value::Object(object))
        }
        (FieldKind::Boolean, v) => Some(Value::Bool(v == Some("true"))),
        (_, None | Some("")) => None,
        (FieldKind::Number { integer: true }, Some(v)) => match v.parse::<i64>() {
            Ok(n) => Some(Value::from(n)),
            Err(_) => fail(format!("{label}must be a whole number")),
        },
        (FieldKind::Number { integer: false }, Some(v)) => {
            match v.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(n) => Some(Value::Number(n)),
                None => fail(format!("{label}must be a number")),
            }
        }
        (FieldKind::Json, Some(v)) => match serde_json::from_str(v) {
            Ok(j) => Some(j),
            Err(e) => fail(format!("is not valid JSON: {e}")),
        },
        (FieldKind::Choice(options), Some(v)) => {
            match options.iter().find(|o| value_text(o) == v) {
                Some(o) => Some(o.clone()),
                None => fail("is not one of the choices".into()),
            }
        }
        (_, Some(v)) => Some(Value::String(v.to_owned())),
    }
}

#[cfg(test)]
mod tests;
