//! The order of a config schema's properties, as the plugin wrote them.
//!
//! JSON objects are unordered and the host parses them into sorted maps,
//! yet the order of a plugin's options is part of its design (the form
//! shows "Title, Sparkline, Thresholds", not the alphabet). So the order is
//! read from the schema's text once, when it loads, and kept in the parsed
//! schema as an explicit list, [`ORDER_KEY`], which forms follow. A plugin
//! may also write that list itself; then it is kept as written.

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The keyword holding the properties' order: a list of their names.
pub const ORDER_KEY: &str = "x-wasmdash-order";

/// Add [`ORDER_KEY`] to the parsed `schema` from the order of the root's
/// `properties` in `text`, unless the schema has its own list.
pub(crate) fn add_property_order(schema: &mut Value, text: &str) {
    let Value::Object(root) = schema else {
        return;
    };
    let declared = root
        .get(ORDER_KEY)
        .and_then(Value::as_array)
        .is_some_and(|names| names.iter().all(Value::is_string));
    if declared || !root.get("properties").is_some_and(Value::is_object) {
        return;
    }
    let order = serde_json::from_str::<Root>(text)
        .map(|r| r.0)
        .unwrap_or_default();
    root.insert(
        ORDER_KEY.to_owned(),
        Value::Array(order.into_iter().map(Value::from).collect()),
    );
}

/// The names of the root's `properties`, in the text's order.
struct Root(Vec<String>);

impl<'de> Deserialize<'de> for Root {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RootVisitor;
        impl<'de> Visitor<'de> for RootVisitor {
            type Value = Root;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON Schema object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
                let mut order = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "properties" {
                        order = map.next_value::<Names>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Root(order))
            }
        }
        d.deserialize_map(RootVisitor)
    }
}

/// The keys of one object, in order.
struct Names(Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NamesVisitor;
        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = Names;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    if !names.contains(&key) {
                        names.push(key);
                    }
                }
                Ok(Names(names))
            }
        }
        d.deserialize_map(NamesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(text: &str) -> Value {
        let mut json: Value = serde_json::from_str(text).unwrap();
        add_property_order(&mut json, text);
        json[ORDER_KEY].clone()
    }

    #[test]
    fn keeps_the_order_the_plugin_wrote() {
        let text = r#"{"title": "X", "properties": {"title": {}, "sparkline": {"properties": {"z": {}, "a": {}}},
                       "higher_is_better": {}, "thresholds": {}}, "type": "object"}"#;
        assert_eq!(
            ordered(text),
            serde_json::json!(["title", "sparkline", "higher_is_better", "thresholds"])
        );
    }

    #[test]
    fn a_written_list_wins_and_odd_schemas_get_none() {
        let own = r#"{"properties": {"a": {}, "b": {}}, "x-wasmdash-order": ["b", "a"]}"#;
        assert_eq!(ordered(own), serde_json::json!(["b", "a"]));
        assert_eq!(ordered(r#"{"type": "object"}"#), Value::Null);
        assert_eq!(ordered(r#"{"properties": []}"#), Value::Null);
        let mut not_object = serde_json::json!(true);
        add_property_order(&mut not_object, "true");
        assert_eq!(not_object, serde_json::json!(true));
    }
}
