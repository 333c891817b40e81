//! [`ConfigSchema`]: a plugin's JSON Schema, parsed and compiled once when
//! the plugin loads, and shared by every caller that checks a config
//! (the widget editor, the alert form, the dashboard API, alert
//! validation) instead of each re-parsing the text per request.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// Errors of one config, keyed by top-level field (`""` for the whole
/// object).
pub type ConfigErrors = BTreeMap<String, String>;

/// A plugin's config schema: its text, its parsed JSON and its compiled
/// validator. Cheap to clone.
#[derive(Clone)]
pub struct ConfigSchema(Arc<Compiled>);

struct Compiled {
    text: String,
    json: Option<Value>,
    validator: Result<jsonschema::Validator, String>,
}

impl ConfigSchema {
    /// Parse and compile `text`. Never fails: text that is not JSON is
    /// reported by [`ConfigSchema::is_json`] (the loader refuses such a
    /// plugin), and a schema that does not compile makes every
    /// [`ConfigSchema::validate`] say so.
    pub fn compile(text: impl Into<String>) -> Self {
        let text = text.into();
        let json: Option<Value> = serde_json::from_str(&text).ok().map(|mut json| {
            crate::property_order::add_property_order(&mut json, &text);
            json
        });
        let validator = match &json {
            Some(schema) => jsonschema::validator_for(schema)
                .map_err(|e| format!("the plugin's config schema is invalid: {e}")),
            None => Err("the plugin's config schema is not JSON".to_owned()),
        };
        Self(Arc::new(Compiled {
            text,
            json,
            validator,
        }))
    }

    /// The schema as the plugin returned it.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Whether the text is JSON at all.
    pub fn is_json(&self) -> bool {
        self.0.json.is_some()
    }

    /// The parsed schema (`null` when the text is not JSON), e.g. to build
    /// a form from its properties. Its `properties` map is sorted by name;
    /// the order the plugin wrote them in is the list under
    /// [`crate::ORDER_KEY`].
    pub fn json(&self) -> &Value {
        static NULL: Value = Value::Null;
        self.0.json.as_ref().unwrap_or(&NULL)
    }

    /// Check `config`; errors are keyed by top-level field (`""` for the
    /// whole object), the first error per field kept.
    pub fn validate(&self, config: &Value) -> Result<(), ConfigErrors> {
        let validator = self
            .0
            .validator
            .as_ref()
            .map_err(|e| BTreeMap::from([(String::new(), e.clone())]))?;
        let mut errors = BTreeMap::new();
        for error in validator.iter_errors(config) {
            let path = error.instance_path().to_string();
            let field = path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let field = if field.is_empty() {
                // A missing required property is reported on the object.
                match error.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        property.as_str().unwrap_or_default().to_owned()
                    }
                    _ => field,
                }
            } else {
                field
            };
            errors.entry(field).or_insert_with(|| error.to_string());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// [`ConfigSchema::validate`] as one line: `field: message; ...`.
    pub fn check(&self, config: &Value) -> Result<(), String> {
        self.validate(config).map_err(|errors| {
            errors
                .into_iter()
                .map(|(field, e)| {
                    if field.is_empty() {
                        e
                    } else {
                        format!("{field}: {e}")
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

impl fmt::Debug for ConfigSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConfigSchema").field(&self.0.text).finish()
    }
}

impl PartialEq for ConfigSchema {
    fn eq(&self, other: &Self) -> bool {
        self.0.text == other.0.text
    }
}

impl Serialize for ConfigSchema {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_are_keyed_by_field_and_compiled_once() {
        let schema = ConfigSchema::compile(
            r#"{"type":"object","required":["metric"],"properties":{"top":{"type":"integer"}}}"#,
        );
        assert!(schema.is_json());
        let errors = schema.validate(&json!({"top": "x"})).unwrap_err();
        assert!(errors.contains_key("metric") && errors.contains_key("top"));
        assert!(schema.validate(&json!({"metric": "m", "top": 3})).is_ok());
        let copy = schema.clone();
        assert!(Arc::ptr_eq(&schema.0, &copy.0));
    }

    #[test]
    fn broken_schemas_say_so_on_every_check() {
        assert!(!ConfigSchema::compile("{").is_json());
        let bad = ConfigSchema::compile(r#"{"type": 5}"#);
        let errors = bad.validate(&json!({})).unwrap_err();
        assert!(errors[""].contains("schema is invalid"), "{errors:?}");
    }
}
