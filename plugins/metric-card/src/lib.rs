//! Built-in widget `metric-card`: a metric's value in its display format,
//! the trend against the previous period (`trend-up`/`trend-down`/
//! `trend-flat` with the percent change), an optional sparkline and
//! optional threshold colours.

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    DataShape, PluginError, RenderContext, ScalarData, Widget, WidgetData, WidgetInfo, config,
    format, html, svg,
};

/// Changes smaller than this (in %) read as flat.
const FLAT_PERCENT: f64 = 0.05;

#[derive(Debug, Deserialize)]
#[serde(default)]
struct Config {
    title: String,
    sparkline: bool,
    higher_is_better: bool,
    thresholds: Option<Thresholds>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            sparkline: true,
            higher_is_better: true,
            thresholds: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    warning: Option<f64>,
    critical: Option<f64>,
    #[serde(default)]
    direction: Direction,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Direction {
    /// Values at or above the thresholds are bad.
    #[default]
    Above,
    /// Values at or below the thresholds are bad.
    Below,
}

impl Thresholds {
    fn level(&self, v: f64) -> &'static str {
        let hit = |t: Option<f64>| match (t, self.direction) {
            (Some(t), Direction::Above) => v >= t,
            (Some(t), Direction::Below) => v <= t,
            (None, _) => false,
        };
        if hit(self.critical) {
            "critical"
        } else if hit(self.warning) {
            "warning"
        } else {
            "ok"
        }
    }
}

fn schema() -> String {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Metric card",
        "type": "object",
        "properties": {
            "metric": {
                "type": "string",
                "title": "Metric",
                "description": "The metric to show.",
                "x-wasmdash": "metric"
            },
            "title": {
                "type": "string",
                "title": "Title",
                "description": "Shown above the value; empty uses the metric's label.",
                "default": ""
            },
            "sparkline": {
                "type": "boolean",
                "title": "Sparkline",
                "description": "Draw the recent values under the number.",
                "default": true
            },
            "higher_is_better": {
                "type": "boolean",
                "title": "Higher is better",
                "description": "Colours a rise as good (off for costs, errors, latency).",
                "default": true
            },
            "thresholds": {
                "type": "object",
                "title": "Thresholds",
                "description": "Colour the card when the value crosses these.",
                "properties": {
                    "warning": { "type": "number", "title": "Warning at" },
                    "critical": { "type": "number", "title": "Critical at" },
                    "direction": {
                        "type": "string",
                        "title": "Bad when",
                        "description": "above: values at or over a threshold are bad; below: at or under.",
                        "enum": ["above", "below"],
                        "default": "above"
                    }
                },
                "additionalProperties": false
            }
        }
    })
    .to_string()
}

/// The `metric-card` widget.
pub struct MetricCard;

impl Widget for MetricCard {
    fn describe() -> WidgetInfo {
        WidgetInfo {
            id: "metric-card".into(),
            name: "Metric card".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "One metric's value with its trend against the previous period.".into(),
            data_shape: DataShape::Scalar,
            config_schema: schema(),
        }
    }

    fn render(
        config_json: &str,
        data: WidgetData,
        ctx: &RenderContext,
    ) -> Result<String, PluginError> {
        let cfg: Config = config(config_json)?;
        let WidgetData::Scalar(data) = data else {
            return Err(PluginError::InvalidData(
                "metric-card needs scalar data".into(),
            ));
        };
        Ok(render(&cfg, &data, ctx))
    }
}

fn trend(cfg: &Config, data: &ScalarData, value: f64) -> String {
    let Some(previous) = data.previous.filter(|p| p.is_finite()) else {
        return "<div class=\"wd-trend trend-flat\"><span class=\"wd-trend-note\">No previous period</span></div>".into();
    };
    let prev_text = html::escape(&format::value(previous, &data.format));
    let (class, arrow, change) = match format::percent_change(value, previous) {
        Some(p) if p.abs() < FLAT_PERCENT => ("trend-flat", "→", format::signed_percent(0.0)),
        Some(p) if p > 0.0 => ("trend-up", "▲", format::signed_percent(p)),
        Some(p) => ("trend-down", "▼", format::signed_percent(p)),
        // From zero there is no percentage; say which way it went.
        None if value > previous => ("trend-up", "▲", "new".to_owned()),
        None if value < previous => ("trend-down", "▼", "down from 0".to_owned()),
        None => ("trend-flat", "→", format::signed_percent(0.0)),
    };
    let good = match class {
        "trend-flat" => "wd-neutral",
        "trend-up" if cfg.higher_is_better => "wd-good",
        "trend-down" if !cfg.higher_is_better => "wd-good",
        _ => "wd-bad",
    };
    format!(
        "<div class=\"wd-trend {class} {good}\"><span class=\"wd-trend-arrow\" aria-hidden=\"true\">{arrow}</span> \
         <span class=\"wd-trend-change\">{change}</span> \
         <span class=\"wd-trend-note\">vs previous period ({prev_text})</span></div>"
    )
}

fn render(cfg: &Config, data: &ScalarData, ctx: &RenderContext) -> String {
    let title = if cfg.title.trim().is_empty() {
        &data.label
    } else {
        &cfg.title
    };
    let Some(value) = data.value.filter(|v| v.is_finite()) else {
        return html::empty_state(title);
    };
    let level = cfg
        .thresholds
        .as_ref()
        .map(|t| format!(" wd-threshold-{}", t.level(value)))
        .unwrap_or_default();
    let mut out = format!("<div class=\"wd-widget wd-metric-card{level}\">");
    out.push_str("<div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div><div class=\"wd-value\">");
    html::escape_into(&mut out, &format::value(value, &data.format));
    out.push_str("</div>");
    out.push_str(&trend(cfg, data, value));
    if cfg.sparkline
        && let Some(series) = &data.sparkline
    {
        let values: Vec<f64> = series.points().map(|(_, v)| v).collect();
        let width = ctx.width.clamp(60, 600);
        let label = format!("{title}: recent values");
        out.push_str(&svg::sparkline(&values, width, 32, &label));
    }
    out.push_str("</div>");
    out
}

wasmdash_plugin_sdk::export_plugin!(widget: MetricCard);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{FormatKind, Series, TimeRange, ValueFormat};

    fn ctx() -> RenderContext {
        RenderContext {
            width: 300,
            height: 150,
            time_range: TimeRange {
                start_ms: 0,
                end_ms: 86_400_000,
                label: "Today".into(),
            },
            timezone: "UTC".into(),
            utc_offset_minutes: 0,
            locale: "en-US".into(),
        }
    }

    fn scalar(value: Option<f64>, previous: Option<f64>) -> WidgetData {
        WidgetData::Scalar(ScalarData {
            label: "Revenue".into(),
            value,
            previous,
            format: ValueFormat {
                kind: FormatKind::Currency,
                unit: "USD".into(),
                decimals: None,
            },
            sparkline: Some(Series {
                timestamps: vec![1, 2, 3],
                values: vec![1.0, 3.0, 2.0],
                nulls: vec![],
            }),
        })
    }

    #[test]
    fn renders_value_trend_and_sparkline() {
        let h = MetricCard::render("", scalar(Some(1250.0), Some(1000.0)), &ctx()).unwrap();
        assert!(
            h.contains("$1,250.00") && h.contains("trend-up") && h.contains("+25.0%"),
            "{h}"
        );
        assert!(h.contains("wd-good") && h.contains("<svg"));
        let h = MetricCard::render(
            r#"{"higher_is_better":false,"sparkline":false}"#,
            scalar(Some(900.0), Some(1000.0)),
            &ctx(),
        )
        .unwrap();
        assert!(
            h.contains("trend-down")
                && h.contains("-10.0%")
                && h.contains("wd-good")
                && !h.contains("<svg")
        );
    }

    #[test]
    fn flat_zero_and_missing_previous() {
        let h = MetricCard::render("", scalar(Some(5.0), Some(5.0)), &ctx()).unwrap();
        assert!(h.contains("trend-flat"));
        let h = MetricCard::render("", scalar(Some(5.0), Some(0.0)), &ctx()).unwrap();
        assert!(h.contains("trend-up") && h.contains("new"));
        let h = MetricCard::render("", scalar(Some(5.0), None), &ctx()).unwrap();
        assert!(h.contains("No previous period"));
    }

    #[test]
    fn thresholds_and_empty_and_bad_config() {
        let cfg = r#"{"thresholds":{"warning":1000,"critical":2000}}"#;
        let h = MetricCard::render(cfg, scalar(Some(1500.0), None), &ctx()).unwrap();
        assert!(h.contains("wd-threshold-warning"));
        let h = MetricCard::render("", scalar(None, Some(3.0)), &ctx()).unwrap();
        assert!(h.contains("No data for this range"));
        let e = MetricCard::render(
            r#"{"thresholds":{"warning":"x"}}"#,
            scalar(Some(1.0), None),
            &ctx(),
        );
        assert!(matches!(e, Err(PluginError::InvalidConfig(_))));
        let schema: serde_json::Value =
            serde_json::from_str(&MetricCard::describe().config_schema).unwrap();
        assert_eq!(schema["properties"]["metric"]["x-wasmdash"], "metric");
    }
}
