//! One JSON Schema per widget: the plugin's own keys plus the binding keys
//! its data shape needs, with the catalog's metrics, dimensions, datasets
//! and columns as the allowed values.
//!
//! A widget's config object carries two kinds of keys: the plugin's
//! options (declared in its schema) and the host's binding keys (which
//! metric or dataset feeds it; see [`super::binding`]). Checking only the
//! plugin's schema let a form build widgets that cannot load and let any
//! key through. The effective schema declares both, refuses every other
//! key, and is what the settings form, the dashboard API, import and the
//! start-up check of stored dashboards all use.
//!
//! Where a plugin declares its own name for a binding key (`show_previous`
//! for `compare_previous`, `sort_column` for `order_by`, `sort_direction`
//! for `descending`), the binding reads the plugin's key first and the
//! host's name stays valid but is marked `deprecated` (forms hide it).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::auth::DataAccess;
use crate::data::{Bucket, DataEngine, DatasetInfo, MetricInfo};
use crate::frame::DataShape;
use crate::plugins::{ConfigErrors, ConfigSchema, ORDER_KEY, PluginRegistry};
use crate::store::{User, Widget};

use super::binding::{MAX_PAGE_SIZE, MAX_TOP};

/// The metrics and datasets a schema offers.
#[derive(Debug, Clone, Copy)]
pub struct Catalog<'a> {
    /// Every configured metric.
    pub metrics: &'a [MetricInfo],
    /// Every configured dataset.
    pub datasets: &'a [DatasetInfo],
}

/// Which binding key a plugin may rename, and what it calls it.
pub(super) const ALIASES: [(&str, &str); 3] = [
    ("compare_previous", "show_previous"),
    ("order_by", "sort_column"),
    ("descending", "sort_direction"),
];

/// The host's binding keys for `shape`: properties, required names and
/// conditional rules (dimension by metric, columns by dataset).
fn binding(
    shape: DataShape,
    catalog: Catalog<'_>,
) -> (Map<String, Value>, Vec<&'static str>, Vec<Value>) {
    let mut props = Map::new();
    let mut rules = Vec::new();
    let metric = |metrics: Vec<&MetricInfo>, description: &str| {
        let mut p = json!({
            "type": "string",
            "title": "Metric",
            "description": description,
            "x-wasmdash": "metric",
            "x-wasmdash-labels": metrics.iter().map(|m| (m.name.clone(), Value::from(m.label.clone()))).collect::<Map<_, _>>(),
        });
        one_of_names(&mut p, metrics.iter().map(|m| m.name.as_str()));
        p
    };
    let required = match shape {
        DataShape::Scalar => {
            props.insert(
                "metric".into(),
                metric(catalog.metrics.iter().collect(), "The metric to show."),
            );
            props.insert(
                "sparkline".into(),
                json!({"type": "boolean", "title": "Sparkline", "default": false,
                       "description": "Also load the recent values for a small chart."}),
            );
            vec!["metric"]
        }
        DataShape::Series => {
            props.insert(
                "metric".into(),
                metric(
                    catalog.metrics.iter().collect(),
                    "The metric to show over time.",
                ),
            );
            let buckets: Vec<&str> = std::iter::once("auto")
                .chain(Bucket::ALL.iter().map(|b| b.name()))
                .collect();
            props.insert(
                "bucket".into(),
                json!({"type": "string", "title": "Bucket", "enum": buckets, "default": "auto",
                       "x-wasmdash": "bucket",
                       "description": "One point per minute, hour, day, week or month; auto picks by range."}),
            );
            props.insert(
                "compare_previous".into(),
                json!({"type": "boolean", "title": "Compare to previous period", "default": false,
                       "description": "Also load the period before the range, for an overlay."}),
            );
            vec!["metric"]
        }
        DataShape::Categories => {
            let grouped: Vec<&MetricInfo> = catalog
                .metrics
                .iter()
                .filter(|m| !m.dimensions.is_empty())
                .collect();
            props.insert(
                "metric".into(),
                metric(grouped.clone(), "The metric to split."),
            );
            let all: BTreeSet<&str> = grouped
                .iter()
                .flat_map(|m| m.dimensions.iter().map(String::as_str))
                .collect();
            let mut dimension = json!({"type": "string", "title": "Dimension", "x-wasmdash": "dimension",
                                       "description": "What to group the metric by (the metric's dimensions)."});
            one_of_names(&mut dimension, all.into_iter());
            props.insert("dimension".into(), dimension);
            props.insert(
                "top".into(),
                json!({"type": "integer", "title": "Groups shown", "minimum": 1, "maximum": MAX_TOP, "default": 5,
                       "description": "The largest groups; the rest are summed as \"other\"."}),
            );
            for m in grouped {
                rules.push(json!({
                    "if": {"properties": {"metric": {"const": m.name}}, "required": ["metric"]},
                    "then": {"properties": {"dimension": {"enum": m.dimensions}}}
                }));
            }
            vec!["metric", "dimension"]
        }
        DataShape::Rows => {
            let mut dataset = json!({"type": "string", "title": "Dataset", "x-wasmdash": "dataset",
                "x-wasmdash-labels": catalog.datasets.iter().map(|d| (d.name.clone(), Value::from(d.label.clone()))).collect::<Map<_, _>>()});
            one_of_names(
                &mut dataset,
                catalog.datasets.iter().map(|d| d.name.as_str()),
            );
            props.insert("dataset".into(), dataset);
            props.insert(
                "columns".into(),
                json!({"type": "array", "title": "Columns", "items": {"type": "string"}, "uniqueItems": true,
                       "x-wasmdash": "columns", "description": "Columns to show; none means all."}),
            );
            props.insert(
                "order_by".into(),
                json!({"type": "string", "title": "Sort by", "x-wasmdash": "column"}),
            );
            props.insert(
                "descending".into(),
                json!({"type": "boolean", "title": "Newest / largest first", "default": false}),
            );
            props.insert(
                "page_size".into(),
                json!({"type": "integer", "title": "Rows per page", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20}),
            );
            for d in catalog.datasets {
                let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
                rules.push(json!({
                    "if": {"properties": {"dataset": {"const": d.name}}, "required": ["dataset"]},
                    "then": {"properties": {
                        "columns": {"items": {"enum": names}},
                        "order_by": {"enum": names},
                        "sort_column": {"enum": names}
                    }}
                }));
            }
            vec!["dataset"]
        }
    };
    (props, required, rules)
}

/// Allow exactly `names` (none configured allows nothing, and says so).
fn one_of_names<'a>(property: &mut Value, names: impl Iterator<Item = &'a str>) {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        property["not"] = json!({});
        property["description"] = Value::from("Nothing suitable is configured on this server.");
    } else {
        property["enum"] = json!(names);
    }
}

/// The binding keys (and the data-table's own names for them), in the
/// order a person picks them: what feeds the widget comes first.
pub(crate) const BINDING_ORDER: [&str; 11] = [
    "metric",
    "dataset",
    "dimension",
    "columns",
    "bucket",
    "top",
    "sort_column",
    "sort_direction",
    "order_by",
    "descending",
    "page_size",
];

/// The order of the effective schema's properties: the binding keys, then
/// the plugin's options in the plugin's own order (`plugin_order`, see
/// [`ORDER_KEY`]), then anything else by name.
fn property_order(plugin_order: Option<&Value>, props: &Map<String, Value>) -> Value {
    let mut order: Vec<&str> = BINDING_ORDER
        .into_iter()
        .filter(|k| props.contains_key(*k))
        .collect();
    let plugin = plugin_order
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for name in plugin.chain(props.keys().map(String::as_str)) {
        if props.contains_key(name) && !order.contains(&name) {
            order.push(name);
        }
    }
    Value::from(order)
}

/// The effective schema of a widget whose plugin declares `plugin_schema`
/// and renders `shape`: the plugin's properties, the binding keys (the
/// plugin's own declaration of one keeps its title and default, the host
/// adds its allowed values), no other keys.
pub fn effective_schema(plugin_schema: &Value, shape: DataShape, catalog: Catalog<'_>) -> Value {
    let mut root = plugin_schema.as_object().cloned().unwrap_or_default();
    let (host, required, rules) = binding(shape, catalog);
    let mut props = root
        .remove("properties")
        .and_then(|p| p.as_object().cloned())
        .unwrap_or_default();
    for (name, host_prop) in host {
        let merged = match (props.remove(&name), host_prop) {
            (Some(Value::Object(own)), Value::Object(mut host)) => {
                host.extend(own);
                Value::Object(host)
            }
            (_, host) => host,
        };
        props.insert(name, merged);
    }
    for (host_key, plugin_key) in ALIASES {
        if props.contains_key(plugin_key)
            && let Some(Value::Object(p)) = props.get_mut(host_key)
        {
            p.insert("deprecated".into(), Value::Bool(true));
            p.insert(
                "description".into(),
                Value::from(format!("Read only when `{plugin_key}` is not set.")),
            );
        }
    }
    if let Some(Value::Object(p)) = props.get_mut("sort_column") {
        p.entry("x-wasmdash")
            .or_insert_with(|| Value::from("column"));
    }
    let mut all_required: Vec<Value> = root
        .remove("required")
        .and_then(|r| r.as_array().cloned())
        .unwrap_or_default();
    for r in required {
        if !all_required.iter().any(|v| v == r) {
            all_required.push(Value::from(r));
        }
    }
    let mut all_of = root
        .remove("allOf")
        .and_then(|a| a.as_array().cloned())
        .unwrap_or_default();
    all_of.extend(rules);
    let order = property_order(root.get(ORDER_KEY), &props);
    root.insert(ORDER_KEY.into(), order);
    root.insert("type".into(), Value::from("object"));
    root.insert("properties".into(), Value::Object(props));
    root.insert("required".into(), Value::Array(all_required));
    root.insert("additionalProperties".into(), Value::Bool(false));
    root.insert("x-wasmdash-widget".into(), Value::Bool(true));
    if !all_of.is_empty() {
        root.insert("allOf".into(), Value::Array(all_of));
    }
    Value::Object(root)
}

/// A widget plugin's effective schema, compiled.
#[derive(Debug, Clone)]
pub struct WidgetSchema {
    plugin: String,
    compiled: ConfigSchema,
    keys: BTreeSet<String>,
}

impl WidgetSchema {
    /// Compile the effective schema of plugin `plugin` (see
    /// [`effective_schema`]).
    pub fn new(
        plugin: &str,
        plugin_schema: &Value,
        shape: DataShape,
        catalog: Catalog<'_>,
    ) -> Self {
        let json = effective_schema(plugin_schema, shape, catalog);
        let keys = json["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        Self {
            plugin: plugin.to_owned(),
            compiled: ConfigSchema::compile(json.to_string()),
            keys,
        }
    }

    /// The schema as JSON (for forms and the API).
    pub fn json(&self) -> &Value {
        self.compiled.json()
    }

    /// Check `config`: every key the schema does not declare is named,
    /// then the values are checked. Errors are keyed by top-level field.
    pub fn validate(&self, config: &Value) -> Result<(), ConfigErrors> {
        let Some(object) = config.as_object() else {
            return Err(ConfigErrors::from([(
                String::new(),
                "the config must be a JSON object".to_owned(),
            )]));
        };
        let mut errors = ConfigErrors::new();
        let mut known = Map::new();
        for (key, value) in object {
            if self.keys.contains(key) {
                known.insert(key.clone(), value.clone());
            } else {
                errors.insert(
                    key.clone(),
                    format!(
                        "unknown key `{key}`: {} reads {}",
                        self.plugin,
                        self.keys
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        if let Err(more) = self.compiled.validate(&Value::Object(known)) {
            for (field, message) in more {
                errors.entry(field).or_insert(message);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// [`WidgetSchema::validate`] as one line: `field: message; ...`.
    pub fn check(&self, config: &Value) -> Result<(), String> {
        self.validate(config).map_err(|errors| one_line(&errors))
    }
}

/// Errors as one line, `field: message; ...` (unknown keys name themselves).
pub fn one_line(errors: &ConfigErrors) -> String {
    errors
        .iter()
        .map(|(field, e)| {
            if field.is_empty() || e.starts_with("unknown key") {
                e.clone()
            } else {
                format!("{field}: {e}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a widget does not fit its effective schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WidgetConfigError {
    /// No widget plugin has this id.
    #[error("widget {widget:?}: there is no widget plugin {plugin:?}")]
    NoPlugin {
        /// The widget's id.
        widget: String,
        /// The plugin it names.
        plugin: String,
    },
    /// The config breaks the schema.
    #[error("widget {widget:?} ({plugin}): {}", one_line(errors))]
    Invalid {
        /// The widget's id.
        widget: String,
        /// Its plugin.
        plugin: String,
        /// What is wrong, by field.
        errors: ConfigErrors,
    },
}

impl WidgetConfigError {
    /// The first field named, if any (for forms and `{"field": ...}`).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::NoPlugin { .. } => Some("plugin"),
            Self::Invalid { errors, .. } => {
                errors.keys().find(|k| !k.is_empty()).map(String::as_str)
            }
        }
    }
}

/// Effective schemas of the installed widget plugins over the configured
/// catalog, compiled once per plugin schema (a reloaded plugin with a new
/// schema is compiled again).
pub struct WidgetSchemas {
    data: Arc<DataEngine>,
    plugins: Arc<PluginRegistry>,
    access: DataAccess,
    cache: Mutex<HashMap<String, (ConfigSchema, Arc<WidgetSchema>)>>,
}

impl std::fmt::Debug for WidgetSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WidgetSchemas").finish_non_exhaustive()
    }
}

impl WidgetSchemas {
    /// Schemas over `data`'s catalog and `plugins`; `access` decides
    /// which metrics and datasets a reader's schema offers.
    pub fn new(data: Arc<DataEngine>, plugins: Arc<PluginRegistry>, access: DataAccess) -> Self {
        Self {
            data,
            plugins,
            access,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The effective schema of widget plugin `plugin`; `None` when no
    /// widget plugin has that id.
    pub fn of(&self, plugin: &str) -> Option<Arc<WidgetSchema>> {
        let handle = self.plugins.widget(plugin).ok()?;
        let own = handle.info().meta.config_schema.clone();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, schema)) = cache.get(plugin)
            && *seen == own
        {
            return Some(schema.clone());
        }
        let (metrics, datasets) = (self.data.metrics(), self.data.datasets());
        let catalog = Catalog {
            metrics: &metrics,
            datasets: &datasets,
        };
        let schema = Arc::new(WidgetSchema::new(
            plugin,
            own.json(),
            handle.shape(),
            catalog,
        ));
        cache.insert(plugin.to_owned(), (own, schema.clone()));
        Some(schema)
    }

    /// The schema of `plugin` as `user` may see it: the pickers offer only
    /// the metrics and datasets they may read, so a dataset's `allow` rule
    /// hides its name and columns as it hides its rows. Saved widgets are
    /// still checked against the whole catalog ([`Self::check`]): an
    /// editor may keep a widget another user bound to data they cannot read.
    pub fn for_reader(&self, plugin: &str, user: &User) -> Option<Arc<WidgetSchema>> {
        if !self.access.limits(user) {
            return self.of(plugin);
        }
        let handle = self.plugins.widget(plugin).ok()?;
        let metrics = self.access.readable_metrics(user, self.data.metrics());
        let datasets = self.access.readable_datasets(user, self.data.datasets());
        let catalog = Catalog {
            metrics: &metrics,
            datasets: &datasets,
        };
        let own = handle.info().meta.config_schema.json();
        Some(Arc::new(WidgetSchema::new(
            plugin,
            own,
            handle.shape(),
            catalog,
        )))
    }

    /// Check `widget`'s config against its plugin's effective schema.
    pub fn check(&self, widget: &Widget) -> Result<(), WidgetConfigError> {
        let schema = self
            .of(&widget.plugin)
            .ok_or_else(|| WidgetConfigError::NoPlugin {
                widget: widget.id.clone(),
                plugin: widget.plugin.clone(),
            })?;
        schema
            .validate(&widget.config)
            .map_err(|errors| WidgetConfigError::Invalid {
                widget: widget.id.clone(),
                plugin: widget.plugin.clone(),
                errors,
            })
    }
}

#[cfg(test)]
mod tests;
