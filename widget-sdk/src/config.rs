//! Reading a plugin's JSON config.

use serde::de::DeserializeOwned;

use crate::types::PluginError;

/// Parse a plugin's JSON `config` into `T`. An empty string reads as `{}`,
/// so a plugin whose every field has a default works unconfigured. Errors
/// become [`PluginError::InvalidConfig`] with serde's message (which names
/// the field and position), ready to show to the dashboard editor.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Config { #[serde(default)] title: String }
/// let c: Config = wasmdash_plugin_sdk::config(r#"{"title":"Revenue"}"#).unwrap();
/// assert_eq!(c.title, "Revenue");
/// assert!(wasmdash_plugin_sdk::config::<Config>(r#"{"title":3}"#).is_err());
/// ```
pub fn config<T: DeserializeOwned>(json: &str) -> Result<T, PluginError> {
    let json = if json.trim().is_empty() { "{}" } else { json };
    serde_json::from_str(json).map_err(|e| PluginError::InvalidConfig(format!("config: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct C {
        #[serde(default)]
        n: u32,
    }

    #[test]
    fn empty_is_defaults_and_bad_is_invalid_config() {
        assert_eq!(config::<C>("").map(|c| c.n), Ok(0));
        let e = config::<C>(r#"{"x":1}"#).unwrap_err();
        assert!(
            matches!(&e, PluginError::InvalidConfig(m) if m.contains("unknown field")),
            "{e}"
        );
        assert!(matches!(
            config::<C>("{"),
            Err(PluginError::InvalidConfig(_))
        ));
    }
}
