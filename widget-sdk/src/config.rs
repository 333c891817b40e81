//! A plugin's JSON config as a Rust type: parsed, checked and described by
//! the same type, so the schema the editor shows and the values the plugin
//! accepts cannot drift apart.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};

use crate::schema::HostKey;
use crate::types::PluginError;

/// The config type of a plugin (`Widget::Config`, `Exporter::Config`,
/// `AlertRule::Config`).
///
/// Derive `serde::Deserialize` (how the JSON is read), `serde::Serialize`
/// (so `#[serde(default)]` values appear as the schema's `default`) and
/// `schemars::JsonSchema` (the schema itself), then implement this trait —
/// empty, or with [`check`](Self::check) for rules the types cannot say.
///
/// Write each property's form label as `#[schemars(title = "...")]` and its
/// help text as the doc comment; bounds as `#[schemars(range(min = 1, max =
/// 100))]` or `#[schemars(length(equal = 1))]`. Schema-only bounds are not
/// enforced when the JSON is read: repeat them in `check`.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use wasmdash_plugin_sdk::PluginConfig;
///
/// #[derive(Deserialize, Serialize, schemars::JsonSchema)]
/// #[serde(default)]
/// struct Config {
///     /// Lowest value of the dial.
///     #[schemars(title = "Minimum")]
///     min: f64,
///     /// Highest value of the dial.
///     #[schemars(title = "Maximum")]
///     max: f64,
/// }
///
/// impl Default for Config {
///     fn default() -> Self {
///         Self { min: 0.0, max: 100.0 }
///     }
/// }
///
/// impl PluginConfig for Config {
///     fn check(&self) -> Result<(), String> {
///         if self.max > self.min { Ok(()) } else { Err("max must be greater than min".into()) }
///     }
/// }
/// ```
///
/// A widget's config object also carries the host's data-binding keys
/// (`metric`, `bucket`, `dimension`, `top`, `dataset`, `columns`, ...), so a
/// widget config must not use `#[serde(deny_unknown_fields)]`. Exporter and
/// alert-rule configs may: it refuses unknown keys and makes the generated
/// schema say `"additionalProperties": false`, both from the one attribute.
pub trait PluginConfig: DeserializeOwned + JsonSchema + 'static {
    /// Rules beyond the types (ranges, relations between fields). An error
    /// message becomes [`PluginError::InvalidConfig`] prefixed `config: `.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// The config of a plugin that has no options: any JSON is accepted and the
/// schema is an object without properties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoConfig;

impl<'de> Deserialize<'de> for NoConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| NoConfig)
    }
}

impl JsonSchema for NoConfig {
    fn schema_name() -> Cow<'static, str> {
        "NoConfig".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "properties": {} })
    }
}

impl PluginConfig for NoConfig {}

/// Read a plugin's JSON `config` into `C` and check it. An empty string
/// reads as `{}`, so a plugin whose every field has a default works
/// unconfigured. `host_keys` are removed from the object first: keys the
/// host puts into the config for its own use, which the plugin's type
/// need not know (and may refuse as unknown).
pub(crate) fn parse<C: PluginConfig>(json: &str, host_keys: &[HostKey]) -> Result<C, PluginError> {
    let invalid = |message: String| PluginError::InvalidConfig(format!("config: {message}"));
    let json = if json.trim().is_empty() { "{}" } else { json };
    let parsed = if host_keys.is_empty() {
        serde_json::from_str(json)
    } else {
        serde_json::from_str::<serde_json::Value>(json).and_then(|mut value| {
            if let Some(object) = value.as_object_mut() {
                object.retain(|key, _| !host_keys.iter().any(|k| k.name == key));
            }
            C::deserialize(value)
        })
    };
    let config: C = parsed.map_err(|e| invalid(e.to_string()))?;
    config.check().map_err(invalid)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ALERT_METRIC;

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct C {
        #[serde(default)]
        n: u32,
    }

    impl PluginConfig for C {
        fn check(&self) -> Result<(), String> {
            if self.n == 13 {
                Err("n must not be 13".into())
            } else {
                Ok(())
            }
        }
    }

    fn message(r: Result<C, PluginError>) -> String {
        match r {
            Err(PluginError::InvalidConfig(m)) => m,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn empty_is_defaults_and_bad_is_invalid_config() {
        assert_eq!(parse::<C>("", &[]).map(|c| c.n), Ok(0));
        assert_eq!(parse::<C>(" {\"n\":2} ", &[]).map(|c| c.n), Ok(2));
        assert!(message(parse::<C>(r#"{"x":1}"#, &[])).contains("unknown field"));
        assert!(message(parse::<C>("{", &[])).starts_with("config: "));
        assert_eq!(
            message(parse::<C>(r#"{"n":13}"#, &[])),
            "config: n must not be 13"
        );
    }

    #[test]
    fn host_keys_are_dropped_before_reading() {
        assert_eq!(
            parse::<C>(r#"{"metric":"orders","n":3}"#, &[ALERT_METRIC]).map(|c| c.n),
            Ok(3)
        );
        assert!(message(parse::<C>(r#"{"metric":"orders"}"#, &[])).contains("unknown field"));
        assert!(message(parse::<C>("3", &[ALERT_METRIC])).starts_with("config: "));
        assert!(message(parse::<C>(r#"{"n":-1}"#, &[ALERT_METRIC])).starts_with("config: "));
    }

    #[test]
    fn no_config_takes_anything() {
        for json in ["", "{}", r#"{"a":[1,{"b":null}]}"#, "[1]", "3"] {
            assert_eq!(parse::<NoConfig>(json, &[]), Ok(NoConfig), "{json}");
        }
        assert!(matches!(
            parse::<NoConfig>("{", &[]),
            Err(PluginError::InvalidConfig(_))
        ));
    }
}
