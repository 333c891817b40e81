//! Built-in alert rule `threshold`: fires when the current value compares
//! to a fixed value with `>`, `>=`, `<`, `<=`, `=` or `!=`; equality uses a
//! tolerance because aggregates are floats.
//!
//! The threshold is a value of the alert's metric (`"x-wasmdash":
//! "metric-value"`), so forms take it in the metric's display unit; the
//! tolerance is an implementation detail (`"internal"`) forms leave out.
//! The message names the metric by its label and shows both values as the
//! dashboard does: "Error rate 3.4% > 3.0%".

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    AlertInput, AlertRule, AlertState, Evaluation, PluginConfig, PluginError, PluginMeta, display,
};

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
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

/// The `threshold` rule's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[schemars(title = "Fires when the value is", extend("default" = ">"))]
    op: Op,
    /// The value compared against, in the metric's unit.
    #[schemars(title = "Threshold", extend("x-wasmdash" = "metric-value"))]
    value: f64,
    /// Two values closer than this count as equal (floats are rarely exactly equal).
    #[schemars(title = "Tolerance", range(min = 0), extend("x-wasmdash" = "internal"))]
    #[serde(default = "default_tolerance")]
    tolerance: f64,
}

fn default_tolerance() -> f64 {
    1e-9
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if !self.value.is_finite() {
            return Err("value must be a finite number".into());
        }
        if !self.tolerance.is_finite() || self.tolerance < 0.0 {
            return Err("tolerance must be a number >= 0".into());
        }
        Ok(())
    }
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

/// The value and the threshold as the dashboard shows the metric; when that
/// rounds them to the same text although they differ (3.04% vs 3.0%), with
/// more decimals, so "3.0% > 3.0%" never appears.
fn shown_pair(value: f64, threshold: f64) -> (String, String) {
    let f = display::value_format();
    let (a, b) = (f.number(value), f.number(threshold));
    if a != b || value == threshold {
        return (a, b);
    }
    let start = f.decimals.unwrap_or(1);
    for more in 1..=6u8 {
        let finer = display::ColumnFormat {
            decimals: Some(start.saturating_add(more)),
            ..f.clone()
        };
        let (a, b) = (finer.number(value), finer.number(threshold));
        if a != b {
            return (a, b);
        }
    }
    (value.to_string(), threshold.to_string())
}

/// The `threshold` alert rule.
pub struct Threshold;

impl AlertRule for Threshold {
    const META: PluginMeta = PluginMeta {
        id: "threshold",
        name: "Threshold",
        version: env!("CARGO_PKG_VERSION"),
        description: "Fires when the current value crosses a fixed threshold.",
    };
    type Config = Config;

    fn evaluate(cfg: &Config, input: AlertInput) -> Result<Evaluation, PluginError> {
        let label = display::metric_label();
        let metric = if label.is_empty() {
            input.metric.as_str()
        } else {
            label.as_str()
        };
        let Some(current) = input.current.filter(|v| v.is_finite()) else {
            return Ok(Evaluation {
                state: AlertState::NoData,
                observed: None,
                message: format!("{metric}: no data in {}", input.time_range.label),
            });
        };
        let firing = holds(cfg.op, current, cfg.value, cfg.tolerance);
        let (shown, limit) = shown_pair(current, cfg.value);
        let (state, op) = if firing {
            (AlertState::Firing, cfg.op.symbol())
        } else {
            (AlertState::Ok, cfg.op.negated())
        };
        Ok(Evaluation {
            state,
            observed: Some(current),
            message: format!("{metric} {shown} {op} {limit}"),
        })
    }
}

wasmdash_plugin_sdk::export_plugin!(alert_rule: Threshold);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;

    fn input(current: Option<f64>) -> AlertInput {
        testing::alert_input("error rate", current, None)
    }

    fn evaluate(cfg: &str, input: AlertInput) -> Result<Evaluation, PluginError> {
        testing::evaluate::<Threshold>(cfg, input)
    }

    fn state(cfg: &str, v: f64) -> AlertState {
        evaluate(cfg, input(Some(v))).unwrap().state
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
        let e = evaluate(r#"{"op":">","value":1}"#, input(None)).unwrap();
        assert_eq!((e.state, e.observed), (AlertState::NoData, None));
        for bad in [
            r#"{"op":"~","value":1}"#,
            r#"{"value":1}"#,
            r#"{"op":">","value":1,"tolerance":-1}"#,
            "[",
            r#"{"op":">","value":"x"}"#,
            r#"{"op":">","value":1,"colour":"red"}"#,
        ] {
            assert!(
                matches!(
                    evaluate(bad, input(Some(1.0))),
                    Err(PluginError::InvalidConfig(_))
                ),
                "{bad}"
            );
        }
        let m = evaluate(r#"{"op":">","value":5}"#, input(Some(7.25)))
            .unwrap()
            .message;
        assert_eq!(m, "error rate 7.25 > 5");
    }

    #[test]
    fn messages_use_the_metrics_label_and_format() {
        use display::{ColumnFormat, ColumnFormatKind, Display};
        let percent = Display {
            value_format: ColumnFormat::of(ColumnFormatKind::Percent, "", Some(1)),
            metric_label: "Error rate".into(),
            ..Display::default()
        };
        let m = |v: f64| {
            testing::with_display(percent.clone(), || {
                evaluate(r#"{"op":">","value":0.03}"#, input(Some(v))).unwrap()
            })
        };
        assert_eq!(m(0.034).message, "Error rate 3.4% > 3.0%");
        assert_eq!(m(0.029).message, "Error rate 2.9% <= 3.0%");
        // Equal when rounded, yet above: more decimals, never "3.0% > 3.0%".
        assert_eq!(m(0.0304).message, "Error rate 3.04% > 3.00%");
        assert_eq!(m(0.034).observed, Some(0.034));
    }

    #[test]
    fn the_alerts_metric_may_repeat_in_the_config() {
        let cfg = r#"{"metric":"error rate","op":"==","value":1}"#;
        assert_eq!(state(cfg, 1.0), AlertState::Firing);
    }

    #[test]
    fn schema_requires_op_and_value_and_refuses_unknown_keys() {
        let info = testing::describe_alert_rule::<Threshold>();
        assert_eq!(
            (info.id.as_str(), info.name.as_str()),
            ("threshold", "Threshold")
        );
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        assert_eq!(schema["required"], serde_json::json!(["op", "value"]));
        assert_eq!(schema["additionalProperties"], false);
        let p = &schema["properties"];
        assert_eq!(
            p["op"]["enum"],
            serde_json::json!([">", ">=", "<", "<=", "=", "!="])
        );
        assert_eq!(p["op"]["default"], ">");
        assert_eq!(p["tolerance"]["default"], 1e-9);
        assert_eq!(p["tolerance"]["x-wasmdash"], "internal");
        assert_eq!(p["value"]["x-wasmdash"], "metric-value");
        assert_eq!(p["tolerance"]["minimum"], 0);
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
    }
}
