//! Built-in alert rule `change`: fires when the current value moved by at
//! least a percentage against the previous period, up, down or either way.
//!
//! The message names the metric by its label, shows the values as the
//! dashboard does and says whether the move is better or worse for the
//! metric (a rising error rate is worse): "Error rate +25.0% (worse) vs
//! previous period (2.4% → 3.0%), change >= 20%".

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::change::Tone;
use wasmdash_plugin_sdk::{
    AlertInput, AlertRule, AlertState, Evaluation, PluginConfig, PluginError, PluginMeta, display,
    format,
};

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Direction {
    Up,
    Down,
    #[default]
    Either,
}

/// The `change` rule's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Which movement fires: a rise, a fall, or either.
    #[schemars(title = "Direction")]
    #[serde(default)]
    direction: Direction,
    /// Fires when the value changed by at least this many percent against the previous period.
    #[schemars(title = "Change (%)", extend("exclusiveMinimum" = 0, "default" = 20))]
    percent: f64,
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if self.percent.is_finite() && self.percent > 0.0 {
            Ok(())
        } else {
            Err("percent must be a number > 0".into())
        }
    }
}

/// The `change` alert rule.
pub struct Change;

impl AlertRule for Change {
    const META: PluginMeta = PluginMeta {
        id: "change",
        name: "Change vs previous period",
        version: env!("CARGO_PKG_VERSION"),
        description: "Fires when the value rises or falls by a percentage against the previous period.",
    };
    type Config = Config;

    fn evaluate(cfg: &Config, input: AlertInput) -> Result<Evaluation, PluginError> {
        let label = display::metric_label();
        let metric = if label.is_empty() {
            &input.metric
        } else {
            &label
        };
        let shown = display::value_format();
        let no_data = |message: String| Evaluation {
            state: AlertState::NoData,
            observed: None,
            message,
        };
        let Some(current) = input.current.filter(|v| v.is_finite()) else {
            return Ok(no_data(format!(
                "{metric}: no data in {}",
                input.time_range.label
            )));
        };
        let Some(previous) = input.previous.filter(|v| v.is_finite()) else {
            return Ok(no_data(format!(
                "{metric}: no data in the previous period to compare with"
            )));
        };
        let Some(pct) = format::percent_change(current, previous) else {
            // A change from zero has no percentage: report it, never divide by zero.
            let moved = current != 0.0;
            let fires = moved
                && match cfg.direction {
                    Direction::Up => current > 0.0,
                    Direction::Down => current < 0.0,
                    Direction::Either => true,
                };
            let message = if moved {
                format!(
                    "{metric} went from {} to {} (change from 0 has no percentage)",
                    shown.number(0.0),
                    shown.number(current)
                )
            } else {
                format!("{metric} stayed at {}", shown.number(0.0))
            };
            let state = if fires {
                AlertState::Firing
            } else {
                AlertState::Ok
            };
            return Ok(Evaluation {
                state,
                observed: None,
                message,
            });
        };
        let fires = match cfg.direction {
            Direction::Up => pct >= cfg.percent,
            Direction::Down => -pct >= cfg.percent,
            Direction::Either => pct.abs() >= cfg.percent,
        };
        let word = match cfg.direction {
            Direction::Up => "rise",
            Direction::Down => "fall",
            Direction::Either => "change",
        };
        let relation = if fires { ">=" } else { "<" };
        let verdict = match Tone::of_percent(pct, display::higher_is_better()) {
            Tone::Good => " (better)",
            Tone::Bad => " (worse)",
            Tone::Neutral => "",
        };
        Ok(Evaluation {
            state: if fires {
                AlertState::Firing
            } else {
                AlertState::Ok
            },
            observed: Some(pct),
            message: format!(
                "{metric} {}{verdict} vs previous period ({} → {}), {word} {relation} {}%",
                format::signed_percent(pct),
                shown.number(previous),
                shown.number(current),
                format::number(cfg.percent, None)
            ),
        })
    }
}

wasmdash_plugin_sdk::export_plugin!(alert_rule: Change);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;

    fn eval(
        cfg: &str,
        current: Option<f64>,
        previous: Option<f64>,
    ) -> Result<Evaluation, PluginError> {
        testing::evaluate::<Change>(cfg, testing::alert_input("orders", current, previous))
    }

    #[test]
    fn directions() {
        let up = r#"{"direction":"up","percent":20}"#;
        let down = r#"{"direction":"down","percent":20}"#;
        let either = r#"{"percent":20}"#;
        assert_eq!(
            eval(up, Some(125.0), Some(100.0)).unwrap().state,
            AlertState::Firing
        );
        assert_eq!(
            eval(up, Some(70.0), Some(100.0)).unwrap().state,
            AlertState::Ok
        );
        assert_eq!(
            eval(down, Some(70.0), Some(100.0)).unwrap().state,
            AlertState::Firing
        );
        assert_eq!(
            eval(either, Some(70.0), Some(100.0)).unwrap().state,
            AlertState::Firing
        );
        assert_eq!(
            eval(either, Some(110.0), Some(100.0)).unwrap().state,
            AlertState::Ok
        );
        let e = eval(up, Some(125.0), Some(100.0)).unwrap();
        assert_eq!(e.observed, Some(25.0));
        assert!(e.message.contains("+25.0%"), "{}", e.message);
    }

    #[test]
    fn zero_missing_and_bad_config() {
        let e = eval(r#"{"percent":20}"#, Some(5.0), Some(0.0)).unwrap();
        assert_eq!(e.state, AlertState::Firing);
        assert!(e.message.contains("from 0"));
        assert_eq!(
            eval(r#"{"percent":20}"#, Some(0.0), Some(0.0))
                .unwrap()
                .state,
            AlertState::Ok
        );
        assert_eq!(
            eval(r#"{"percent":20}"#, Some(1.0), None).unwrap().state,
            AlertState::NoData
        );
        assert_eq!(
            eval(r#"{"percent":20}"#, None, Some(1.0)).unwrap().state,
            AlertState::NoData
        );
        for bad in [
            "",
            r#"{"percent":0}"#,
            r#"{"percent":5,"direction":"sideways"}"#,
            r#"{"percent":5,"window":"1h"}"#,
        ] {
            assert!(
                matches!(
                    eval(bad, Some(1.0), Some(2.0)),
                    Err(PluginError::InvalidConfig(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn schema_requires_percent_and_keeps_the_metric_picker() {
        let schema: serde_json::Value =
            serde_json::from_str(&testing::describe_alert_rule::<Change>().config_schema).unwrap();
        assert_eq!(schema["title"], "Change vs previous period");
        assert_eq!(schema["required"], serde_json::json!(["percent"]));
        assert_eq!(schema["additionalProperties"], false);
        let p = &schema["properties"];
        assert_eq!(
            (&p["percent"]["exclusiveMinimum"], &p["percent"]["default"]),
            (&0.into(), &20.into())
        );
        assert_eq!(
            p["direction"]["enum"],
            serde_json::json!(["up", "down", "either"])
        );
        assert_eq!(p["direction"]["default"], "either");
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
        let e = eval(r#"{"metric":"orders","percent":20}"#, Some(1.0), Some(2.0)).unwrap();
        assert_eq!(e.state, AlertState::Firing);
    }

    #[test]
    fn messages_say_better_or_worse_for_the_metric() {
        use display::{ColumnFormat, ColumnFormatKind, Display};
        let errors = Display {
            value_format: ColumnFormat::of(ColumnFormatKind::Percent, "", Some(1)),
            metric_label: "Error rate".into(),
            higher_is_better: false,
            ..Display::default()
        };
        let e = testing::with_display(errors, || {
            eval(r#"{"percent":20}"#, Some(0.03), Some(0.024)).unwrap()
        });
        assert_eq!(
            e.message,
            "Error rate +25.0% (worse) vs previous period (2.4% → 3.0%), change >= 20%"
        );
        let e = eval(r#"{"percent":20}"#, Some(3.0), Some(2.4)).unwrap();
        assert!(e.message.contains("+25.0% (better)"), "{}", e.message);
    }
}
