//! Built-in alert rule `threshold`: fires when the current value compares
//! to a fixed value with `>`, `>=`, `<`, `<=`, `=` or `!=`; equality uses a
//! tolerance because aggregates are floats.

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    AlertInput, AlertRule, AlertRuleInfo, AlertState, Evaluation, PluginError, config, format,
};

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
enum Op {
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "=", alias = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "=",
            Op::Ne => "!=",
        }
    }

    fn negated(self) -> &'static str {
        match self {
            Op::Gt => "<=",
            Op::Ge => "<",
            Op::Lt => ">=",
            Op::Le => ">",
            Op::Eq => "!=",
            Op::Ne => "=",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    metric: Option<String>,
    op: Op,
    value: f64,
    #[serde(default = "default_tolerance")]
    tolerance: f64,
}

fn default_tolerance() -> f64 {
    1e-9
}

/// True when `v op threshold` holds; `=`/`!=` allow `tolerance`, and so do
/// the inclusive comparisons at their boundary.
fn holds(op: Op, v: f64, threshold: f64, tolerance: f64) -> bool {
    let equal = (v - threshold).abs() <= tolerance;
    match op {
        Op::Gt => v > threshold && !equal,
        Op::Ge => v > threshold || equal,
        Op::Lt => v < threshold && !equal,
        Op::Le => v < threshold || equal,
        Op::Eq => equal,
        Op::Ne => !equal,
    }
}

fn schema() -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Threshold",
        "type": "object",
        "required": ["op", "value"],
        "properties": {
            "metric": {
                "type": "string", "title": "Metric",
                "description": "The metric to watch.", "x-wasmdash": "metric"
            },
            "op": {
                "type": "string", "title": "Fires when the value is",
                "enum": [">", ">=", "<", "<=", "=", "!="], "default": ">"
            },
            "value": { "type": "number", "title": "Threshold", "description": "The value compared against." },
            "tolerance": {
                "type": "number", "title": "Tolerance", "minimum": 0, "default": 1e-9,
                "description": "Two values closer than this count as equal (floats are rarely exactly equal)."
            }
        },
        "additionalProperties": false
    })
    .to_string()
}

/// The `threshold` alert rule.
pub struct Threshold;

impl AlertRule for Threshold {
    fn describe() -> AlertRuleInfo {
        AlertRuleInfo {
            id: "threshold".into(),
            name: "Threshold".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fires when the current value crosses a fixed threshold.".into(),
            config_schema: schema(),
        }
    }

    fn evaluate(config_json: &str, input: AlertInput) -> Result<Evaluation, PluginError> {
        let cfg: Config = config(config_json)?;
        let _ = &cfg.metric;
        if !cfg.value.is_finite() {
            return Err(PluginError::InvalidConfig(
                "config: value must be a finite number".into(),
            ));
        }
        if !cfg.tolerance.is_finite() || cfg.tolerance < 0.0 {
            return Err(PluginError::InvalidConfig(
                "config: tolerance must be a number >= 0".into(),
            ));
        }
        let Some(current) = input.current.filter(|v| v.is_finite()) else {
            return Ok(Evaluation {
                state: AlertState::NoData,
                observed: None,
                message: format!("{}: no data in {}", input.metric, input.time_range.label),
            });
        };
        let firing = holds(cfg.op, current, cfg.value, cfg.tolerance);
        let shown = format::number(current, None);
        let limit = format::number(cfg.value, None);
        let (state, op) = if firing {
            (AlertState::Firing, cfg.op.symbol())
        } else {
            (AlertState::Ok, cfg.op.negated())
        };
        Ok(Evaluation {
            state,
            observed: Some(current),
            message: format!("{} {shown} {op} {limit}", input.metric),
        })
    }
}

wasmdash_plugin_sdk::export_plugin!(alert_rule: Threshold);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{Series, TimeRange};

    fn input(current: Option<f64>) -> AlertInput {
        AlertInput {
            metric: "error rate".into(),
            time_range: TimeRange {
                start_ms: 0,
                end_ms: 1,
                label: "Last hour".into(),
            },
            current,
            previous: None,
            recent: Series {
                timestamps: vec![],
                values: vec![],
                nulls: vec![],
            },
        }
    }

    fn state(cfg: &str, v: f64) -> AlertState {
        Threshold::evaluate(cfg, input(Some(v))).unwrap().state
    }

    #[test]
    fn every_operator() {
        for (op, below, at, above) in [
            (">", false, false, true),
            (">=", false, true, true),
            ("<", true, false, false),
            ("<=", true, true, false),
            ("=", false, true, false),
            ("!=", true, false, true),
        ] {
            let cfg = format!(r#"{{"op":"{op}","value":5}}"#);
            for (v, want) in [(4.0, below), (5.0, at), (6.0, above)] {
                let want = if want {
                    AlertState::Firing
                } else {
                    AlertState::Ok
                };
                assert_eq!(state(&cfg, v), want, "{v} {op} 5");
            }
        }
    }

    #[test]
    fn tolerance_and_no_data_and_bad_config() {
        assert_eq!(
            state(r#"{"op":"=","value":0.3}"#, 0.1 + 0.2),
            AlertState::Firing
        );
        assert_eq!(
            state(r#"{"op":"=","value":1,"tolerance":0.1}"#, 1.05),
            AlertState::Firing
        );
        assert_eq!(
            state(r#"{"op":">","value":1,"tolerance":0.1}"#, 1.05),
            AlertState::Ok
        );
        let e = Threshold::evaluate(r#"{"op":">","value":1}"#, input(None)).unwrap();
        assert_eq!((e.state, e.observed), (AlertState::NoData, None));
        for bad in [
            r#"{"op":"~","value":1}"#,
            r#"{"value":1}"#,
            r#"{"op":">","value":1,"tolerance":-1}"#,
            "[",
            r#"{"op":">","value":"x"}"#,
        ] {
            assert!(
                matches!(
                    Threshold::evaluate(bad, input(Some(1.0))),
                    Err(PluginError::InvalidConfig(_))
                ),
                "{bad}"
            );
        }
        let m = Threshold::evaluate(r#"{"op":">","value":5}"#, input(Some(7.25)))
            .unwrap()
            .message;
        assert_eq!(m, "error rate 7.25 > 5");
    }
}
