//! The JSON Schema of a plugin's config, generated from its config type.
//!
//! The host's dashboard editor builds a form from the schema and reads only
//! flat keywords per property (`type` as one string, `enum`, `title`,
//! `description`, `default`, `required`), so the generated schema is
//! simplified to that: subschemas inlined, `Option<T>` read as "may be left
//! out" rather than "may be null", unit enums (with or without doc comments)
//! as one `enum` list, numeric `format` annotations dropped.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// A key the host reads from a plugin's config for its own use. The SDK adds
/// it to the schema so the editor offers its picker; the plugin's config
/// type does not declare it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostKey {
    /// The property name.
    pub(crate) name: &'static str,
    /// Builds the property's schema.
    pub(crate) schema: fn() -> Value,
}

/// `metric` of a widget: which metric feeds it; the editor offers the
/// configured metrics (`"x-wasmdash": "metric"`).
pub(crate) const WIDGET_METRIC: HostKey = HostKey {
    name: "metric",
    schema: || metric_property("The metric to show."),
};

/// `metric` of an alert rule: the metric the alert watches.
pub(crate) const ALERT_METRIC: HostKey = HostKey {
    name: "metric",
    schema: || metric_property("The metric to watch."),
};

fn metric_property(description: &str) -> Value {
    json!({
        "type": "string",
        "title": "Metric",
        "description": description,
        "x-wasmdash": "metric"
    })
}

/// The schema of `C` as JSON text, titled `title`, with `host_keys` added
/// as properties unless `C` declares them itself.
pub(crate) fn config_schema<C: JsonSchema>(title: &str, host_keys: &[HostKey]) -> String {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut schema = Value::from(generator.into_root_schema_for::<C>());
    simplify(&mut schema);
    if let Value::Object(root) = &mut schema {
        root.insert("title".into(), Value::from(title));
        root.insert("type".into(), Value::from("object"));
        let properties = root
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            for key in host_keys {
                properties.entry(key.name).or_insert_with(|| (key.schema)());
            }
        }
    }
    schema.to_string()
}

/// Rewrite the generated schema, at every level, into the flat form the
/// editor reads (see the module docs).
fn simplify(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            drop_null(map);
            flatten_unit_enum(map);
            if matches!(map.get("type"), Some(Value::String(t)) if t == "number" || t == "integer")
            {
                map.remove("format");
            }
            map.values_mut().for_each(simplify);
        }
        Value::Array(items) => items.iter_mut().for_each(simplify),
        _ => {}
    }
}

/// `Option<T>` generates `"type": [T, "null"]` and `"default": null`; the
/// host's form treats a missing key as "not set", so keep only `T`.
fn drop_null(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            map.insert("type".into(), only);
        }
    }
    if map.get("default") == Some(&Value::Null) {
        map.remove("default");
    }
    if let Some(Value::Array(enumerated)) = map.get_mut("enum") {
        enumerated.retain(|v| !v.is_null());
    }
}

/// A unit enum whose variants carry doc comments generates `oneOf` with one
/// `const` per variant (variants without docs are grouped first into one
/// `enum`, so document all variants or none to keep their order): fold it
/// into one `enum`.
fn flatten_unit_enum(map: &mut Map<String, Value>) {
    let Some(Value::Array(variants)) = map.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    for variant in variants {
        match (variant.get("const"), variant.get("enum")) {
            (Some(c), None) => values.push(c.clone()),
            (None, Some(Value::Array(e))) => values.extend(e.iter().cloned()),
            _ => return,
        }
    }
    let all_strings = values.iter().all(Value::is_string);
    map.remove("oneOf");
    if all_strings {
        map.insert("type".into(), Value::from("string"));
    }
    map.insert("enum".into(), Value::Array(values));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize, Serialize, JsonSchema)]
    #[serde(default)]
    struct Config {
        /// Shown above the chart.
        #[schemars(title = "Title")]
        title: String,
        style: Style,
        #[schemars(range(min = 1, max = 1000))]
        page_size: Option<u32>,
        ratio: f64,
        limits: Option<Limits>,
    }

    impl Default for Config {
        fn default() -> Self {
            Self {
                title: String::new(),
                style: Style::Area,
                page_size: None,
                ratio: 0.5,
                limits: None,
            }
        }
    }

    #[derive(Deserialize, Serialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    enum Style {
        /// One line.
        Line,
        /// A line with the area below it filled.
        Area,
    }

    #[derive(Deserialize, Serialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Limits {
        low: Option<f64>,
    }

    fn schema() -> Value {
        serde_json::from_str(&config_schema::<Config>("My widget", &[WIDGET_METRIC])).unwrap()
    }

    #[test]
    fn flat_properties_with_titles_defaults_and_enums() {
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(
            (&s["title"], &s["type"]),
            (&json!("My widget"), &json!("object"))
        );
        let p = &s["properties"];
        assert_eq!(
            p["title"],
            json!({"type": "string", "title": "Title", "description": "Shown above the chart.", "default": ""})
        );
        assert_eq!(
            p["style"],
            json!({"type": "string", "enum": ["line", "area"], "default": "area"})
        );
        assert_eq!(
            p["page_size"],
            json!({"type": "integer", "minimum": 1, "maximum": 1000})
        );
        assert_eq!(p["ratio"], json!({"type": "number", "default": 0.5}));
        assert_eq!(
            p["limits"],
            json!({"type": "object", "properties": {"low": {"type": "number"}}, "additionalProperties": false})
        );
        assert!(s.get("required").is_none() && s.get("additionalProperties").is_none());
    }

    #[test]
    fn host_keys_are_added_unless_declared() {
        assert_eq!(schema()["properties"]["metric"]["x-wasmdash"], "metric");

        #[derive(Deserialize, JsonSchema)]
        struct OwnMetric {
            #[expect(dead_code, reason = "only the schema is read")]
            metric: u8,
        }
        let s: Value =
            serde_json::from_str(&config_schema::<OwnMetric>("t", &[WIDGET_METRIC])).unwrap();
        assert_eq!(s["properties"]["metric"]["type"], "integer");
        assert_eq!(s["required"], json!(["metric"]));
    }

    #[test]
    fn no_config_is_an_open_object() {
        let s: Value =
            serde_json::from_str(&config_schema::<crate::NoConfig>("Markdown", &[])).unwrap();
        assert_eq!(s["properties"], json!({}));
        assert_eq!(s["type"], "object");
    }
}
