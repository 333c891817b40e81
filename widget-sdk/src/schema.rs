//! The JSON Schema of a plugin's config, generated from its config type.
//!
//! The host's dashboard editor builds a form from the schema and reads only
//! flat keywords per property (`type` as one string, `enum`, `title`,
//! `description`, `default`, `required`), so the generated schema is
//! simplified to that: subschemas inlined, `Option<T>` read as "may be left
//! out" rather than "may be null", unit enums (with or without doc comments)
//! as one `enum` list, numeric `format` annotations dropped.
//!
//! The properties are written in the order the config type declares its
//! fields: the host's form shows a plugin's options in the order its author
//! chose. (schemars builds a sorted map, so the order is taken from serde's
//! list of field names instead.)

use std::cell::Cell;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
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
pub(crate) fn config_schema<C: JsonSchema + DeserializeOwned>(
    title: &str,
    host_keys: &[HostKey],
) -> String {
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
    let order = field_order::<C>();
    serde_json::to_string(&InOrder {
        schema: &schema,
        order: &order,
    })
    .unwrap_or_else(|_| schema.to_string())
}

/// The names of `C`'s fields in declaration order, as serde's derive lists
/// them (after renames); empty for anything but a plain struct (a
/// flattened struct, an enum, a hand-written `Deserialize`).
fn field_order<C: DeserializeOwned>() -> Vec<&'static str> {
    let fields = Cell::new(None);
    // Always an error: only the names are wanted, never a value.
    let _ = C::deserialize(FieldNames(&fields));
    fields.get().map(<[_]>::to_vec).unwrap_or_default()
}

/// A deserializer that records the field list a struct asks for.
struct FieldNames<'a>(&'a Cell<Option<&'static [&'static str]>>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(Some(fields));
        Err(de::Error::custom("only the field names are wanted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        enum identifier ignored_any
    }
}

/// A schema written with its root `properties` in `order` (the rest after
/// them, by name).
struct InOrder<'a> {
    schema: &'a Value,
    order: &'a [&'static str],
}

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Value::Object(root) = self.schema else {
            return self.schema.serialize(s);
        };
        let mut map = s.serialize_map(Some(root.len()))?;
        for (key, value) in root {
            match value {
                Value::Object(props) if key == "properties" => {
                    map.serialize_entry(key, &Properties(props, self.order))?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

struct Properties<'a>(&'a Map<String, Value>, &'a [&'static str]);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Properties(props, order) = *self;
        let mut map = s.serialize_map(Some(props.len()))?;
        for name in order {
            if let Some(value) = props.get(*name) {
                map.serialize_entry(name, value)?;
            }
        }
        for (name, value) in props {
            if !order.contains(&name.as_str()) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
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
    fn properties_are_written_in_declaration_order() {
        let text = config_schema::<Config>("My widget", &[WIDGET_METRIC]);
        let at = |name: &str| {
            text.find(&format!("\"{name}\":{{"))
                .unwrap_or_else(|| panic!("{name} in {text}"))
        };
        // Declared: title, style, page_size, ratio, limits; host keys after.
        let order = ["title", "style", "page_size", "ratio", "limits", "metric"];
        for pair in order.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{pair:?} in {text}");
        }
        // The text still parses to the same schema.
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, schema());
        assert!(field_order::<crate::NoConfig>().is_empty());
    }

    #[test]
    fn no_config_is_an_open_object() {
        let s: Value =
            serde_json::from_str(&config_schema::<crate::NoConfig>("Markdown", &[])).unwrap();
        assert_eq!(s["properties"], json!({}));
        assert_eq!(s["type"], "object");
    }
}
