//! Built-in alert rule `change`: fires when the current value moved by at
//! least a percentage against the previous period, up, down or either way.

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    AlertInput, AlertRule, AlertRuleInfo, AlertState, Evaluation, PluginError, config, format,
};

#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Direction {
    Up,
    Down,
    #[default]
    Either,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    direction: Direction,
    percent: f64,
}

fn schema() -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Change vs previous period",
        "type": "object",
        "required": ["percent"],
        "properties": {
            "metric": {
                "type": "string", "title": "Metric",
                "description": "The metric to watch.", "x-wasmdash": "metric"
            },
            "direction": {
                "type": "string", "title": "Direction",
                "description": "Which movement fires: a rise, a fall, or either.",
                "enum": ["up", "down", "either"], "default": "either"
            },
            "percent": {
                "type": "number", "title": "Change (%)", "exclusiveMinimum": 0, "default": 20,
                "description": "Fires when the value changed by at least this many percent against the previous period."
            }
        },
        "additionalProperties": false
    })
    .to_string()
}

/// The `change` alert rule.
pub struct Change;

impl AlertRule for Change {
    fn describe() -> AlertRuleInfo {
        AlertRuleInfo {
            id: "change".into(),
            name: "Change vs previous period".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description:
                "Fires when the value rises or falls by a percentage against the previous period."
                    .into(),
            config_schema: schema(),
        }
    }

    fn evaluate(config_json: &str, input: AlertInput) -> Result<Evaluation, PluginError> {
        let cfg: Config = config(config_json)?;
        let _ = &cfg.metric;
        if !cfg.percent.is_finite() || cfg.percent <= 0.0 {
            return Err(PluginError::InvalidConfig(
                "config: percent must be a number > 0".into(),
            ));
        }
        let metric = &input.metric;
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
                    "{metric} went from 0 to {} (change from 0 has no percentage)",
                    format::number(current, None)
                )
            } else {
                format!("{metric} stayed at 0")
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
        Ok(Evaluation {
            state: if fires {
                AlertState::Firing
            } else {
                AlertState::Ok
            },
            observed: Some(pct),
            message: format!(
                "{metric} {} vs previous period ({} → {}), {word} {relation} {}%",
                format::signed_percent(pct),
                format::number(previous, None),
                format::number(current, None),
                format::number(cfg.percent, None)
            ),
        })
    }
}

wasmdash_plugin_sdk::export_plugin!(alert_rule: Change);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Series, TimeRange};

    fn eval(
        cfg: &str,
        current: Option<f64>,
        previous: Option<f64>,
    ) -> Result<Evaluation, PluginError> {
        Change::evaluate(
            cfg,
            AlertInput {
                metric: "orders".into(),
                time_range: TimeRange {
                    start_ms: 0,
                    end_ms: 1,
                    label: "Today".into(),
                },
                current,
                previous,
                recent: Series {
                    timestamps: vec![],
                    values: vec![],
                    nulls: vec![],
                },
            },
        )
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
}
