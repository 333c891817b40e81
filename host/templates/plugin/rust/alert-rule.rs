//! {{name}}: a wasmdash alert rule that fires when a metric changed by
//! more than a given percentage against the previous period.
//!
//! Build with `cargo build --target wasm32-wasip2 --release`; see README.md.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    AlertInput, AlertRule, AlertState, Evaluation, PluginConfig, PluginError, PluginMeta, format,
};

/// The rule's options, shown in the alert form.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
struct Config {
    /// Fire when the value moved by more than this, up or down.
    #[schemars(title = "Change (%)", range(min = 0))]
    percent: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self { percent: 20.0 }
    }
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if self.percent.is_finite() && self.percent >= 0.0 {
            Ok(())
        } else {
            Err("percent must be a number >= 0".into())
        }
    }
}

struct {{type}};

impl AlertRule for {{type}} {
    const META: PluginMeta = PluginMeta {
        id: "{{id}}",
        name: "{{name}}",
        version: env!("CARGO_PKG_VERSION"),
        description: "Fires when a metric changed by more than a percentage.",
    };
    type Config = Config;

    fn evaluate(cfg: &Config, input: AlertInput) -> Result<Evaluation, PluginError> {
        let (Some(now), Some(before)) = (input.current, input.previous) else {
            return Ok(Evaluation {
                state: AlertState::NoData,
                observed: None,
                message: format!("{}: nothing to compare", input.metric),
            });
        };
        if before == 0.0 {
            return Ok(Evaluation {
                state: AlertState::NoData,
                observed: None,
                message: format!("{}: the previous period was 0", input.metric),
            });
        }
        let change = (now - before) / before.abs() * 100.0;
        let firing = change.abs() > cfg.percent;
        Ok(Evaluation {
            state: if firing {
                AlertState::Firing
            } else {
                AlertState::Ok
            },
            observed: Some(change),
            message: format!(
                "{} changed by {}% (limit {}%)",
                input.metric,
                format::number(change, Some(1)),
                format::number(cfg.percent, None)
            ),
        })
    }
}

wasmdash_plugin_sdk::export_plugin!(alert_rule: {{type}});

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;

    #[test]
    fn fires_past_the_limit_only() {
        let input = |now| testing::alert_input("orders", Some(now), Some(100.0));
        let e = testing::evaluate::<{{type}}>(r#"{"percent": 10}"#, input(125.0)).unwrap();
        assert_eq!(e.state, AlertState::Firing);
        let e = testing::evaluate::<{{type}}>(r#"{"percent": 10}"#, input(105.0)).unwrap();
        assert_eq!(e.state, AlertState::Ok);
        let e = testing::evaluate::<{{type}}>("{}", testing::alert_input("orders", None, None));
        assert_eq!(e.unwrap().state, AlertState::NoData);
    }
}
