//! Built-in widget `metric-card`: a metric's value in its display format,
//! the trend against the previous period (`trend-up`/`trend-down`/
//! `trend-flat` with the percent change), an optional sparkline and
//! optional threshold colours.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::change::Change;
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget, buckets, format,
    html, svg,
};

/// The `metric-card` widget's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Config {
    /// Shown above the value; empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// Draw the recent values under the number.
    #[schemars(title = "Sparkline")]
    sparkline: bool,
    /// Colours a rise as good (off for costs, errors, latency).
    #[schemars(title = "Higher is better")]
    higher_is_better: bool,
    /// Colour the card when the value crosses these.
    #[schemars(title = "Thresholds")]
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

impl PluginConfig for Config {}

#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    #[schemars(title = "Warning at")]
    warning: Option<f64>,
    #[schemars(title = "Critical at")]
    critical: Option<f64>,
    /// above: values at or over a threshold are bad; below: at or under.
    #[schemars(title = "Bad when")]
    #[serde(default)]
    direction: Direction,
}

#[derive(Debug, Default, Clone, Copy, Deserialize, Serialize, schemars::JsonSchema)]
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

/// The `metric-card` widget.
pub struct MetricCard;

impl Widget for MetricCard {
    const META: PluginMeta = PluginMeta {
        id: "metric-card",
        name: "Metric card",
        version: env!("CARGO_PKG_VERSION"),
        description: "One metric's value with its trend against the previous period.",
    };
    type Config = Config;
    type Data = ScalarData;

    fn render(cfg: &Config, data: &ScalarData, ctx: &RenderContext) -> Result<String, PluginError> {
        Ok(render(cfg, data, ctx))
    }
}

fn trend(cfg: &Config, data: &ScalarData, value: f64) -> String {
    let Some((previous, change)) = data
        .previous
        .and_then(|p| Some((p, Change::between(value, p, cfg.higher_is_better)?)))
    else {
        return "<div class=\"wd-trend trend-flat\"><span class=\"wd-trend-note\">No previous period</span></div>".into();
    };
    let prev_text = html::escape(&format::value(previous, &data.format));
    format!(
        "<div class=\"wd-trend {} {}\"><span class=\"wd-trend-arrow\" aria-hidden=\"true\">{}</span> \
         <span class=\"wd-trend-change\">{}</span> \
         <span class=\"wd-trend-note\">vs previous period ({prev_text})</span></div>",
        change.trend_class(),
        change.tone.class(),
        change.arrow(),
        change.text()
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
        && let Some(height) = sparkline_height(ctx.height)
    {
        // The host names the partial last (and first) bucket: dashed.
        let partial = buckets::current();
        let label = format!("{title}: recent values");
        out.push_str(&svg::sparkline_series(
            series,
            &partial,
            ctx.width.clamp(2, svg::MAX_SIDE),
            height,
            &label,
        ));
    }
    out.push_str("</div>");
    out
}

/// Height taken by the value and the trend line above the sparkline.
const TEXT_HEIGHT: u32 = 62;
/// The lowest sparkline worth drawing.
const MIN_SPARKLINE: u32 = 16;

/// The sparkline's height in a card `height` pixels high: what the value
/// and trend leave (the stylesheet lets it fill exactly that), or none.
fn sparkline_height(height: u32) -> Option<u32> {
    let left = height.saturating_sub(TEXT_HEIGHT);
    (left >= MIN_SPARKLINE).then_some(left.min(svg::MAX_SIDE))
}

wasmdash_plugin_sdk::export_plugin!(widget: MetricCard);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing::{self, render_context};
    use wasmdash_plugin_sdk::{FormatKind, Series, ValueFormat};

    fn card(config: &str, data: ScalarData) -> Result<String, PluginError> {
        testing::render::<MetricCard>(config, data, &render_context(300, 150))
    }

    fn scalar(value: Option<f64>, previous: Option<f64>) -> ScalarData {
        ScalarData {
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
            ..testing::scalar("Revenue", value)
        }
    }

    #[test]
    fn renders_value_trend_and_sparkline() {
        let h = card("", scalar(Some(1250.0), Some(1000.0))).unwrap();
        assert!(
            h.contains("$1,250.00") && h.contains("trend-up") && h.contains("+25.0%"),
            "{h}"
        );
        assert!(h.contains("wd-good") && h.contains("<svg"));
        let h = card(
            r#"{"higher_is_better":false,"sparkline":false}"#,
            scalar(Some(900.0), Some(1000.0)),
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
    fn the_sparkline_fills_what_the_text_leaves_and_dashes_partial_buckets() {
        assert_eq!(sparkline_height(118), Some(56));
        assert_eq!(sparkline_height(70), None);
        let ctx = render_context(320, 118);
        let partial = wasmdash_plugin_sdk::buckets::PartialBuckets {
            current: vec![3],
            previous: Vec::new(),
        };
        let h = testing::with_partial_buckets(partial, || {
            testing::render::<MetricCard>("", scalar(Some(1.0), None), &ctx)
        })
        .unwrap();
        assert!(h.contains("width=\"320\" height=\"56\""), "{h}");
        assert_eq!(h.matches("wd-partial").count(), 1, "{h}");
        let low =
            testing::render::<MetricCard>("", scalar(Some(1.0), None), &render_context(320, 60));
        assert!(!low.unwrap().contains("<svg"));
    }

    #[test]
    fn flat_zero_and_missing_previous() {
        let h = card("", scalar(Some(5.0), Some(5.0))).unwrap();
        assert!(h.contains("trend-flat"));
        let h = card("", scalar(Some(5.0), Some(0.0))).unwrap();
        assert!(h.contains("trend-up") && h.contains("new"));
        let h = card("", scalar(Some(5.0), None)).unwrap();
        assert!(h.contains("No previous period"));
    }

    #[test]
    fn thresholds_and_empty_and_bad_config() {
        let cfg = r#"{"thresholds":{"warning":1000,"critical":2000}}"#;
        let h = card(cfg, scalar(Some(1500.0), None)).unwrap();
        assert!(h.contains("wd-threshold-warning"));
        let cfg = r#"{"thresholds":{"warning":10,"direction":"below"}}"#;
        let h = card(cfg, scalar(Some(5.0), None)).unwrap();
        assert!(h.contains("wd-threshold-warning"), "{h}");
        let h = card("", scalar(None, Some(3.0))).unwrap();
        assert!(h.contains("No data for this range"));
        for bad in [
            r#"{"thresholds":{"warning":"x"}}"#,
            r#"{"thresholds":{"warning":1,"colour":"red"}}"#,
        ] {
            assert!(
                matches!(
                    card(bad, scalar(Some(1.0), None)),
                    Err(PluginError::InvalidConfig(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn config_keeps_host_keys_and_schema_describes_it() {
        // The seeded demo and the editor store binding keys beside ours.
        let cfg = r#"{"metric":"orders","sparkline":true}"#;
        assert!(card(cfg, scalar(Some(1.0), None)).is_ok());
        let schema = testing::widget_schema::<MetricCard>();
        let p = &schema["properties"];
        // The direction is `higher_is_better` (filled from the metric's
        // `good`); the old `invert_trend` is no key of this widget, and the
        // host refuses it (tests/all/widget_schema.rs).
        assert!(p.get("invert_trend").is_none(), "{schema}");
        assert_eq!(schema["title"], "Metric card");
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
        assert_eq!(p["sparkline"]["default"], true);
        assert_eq!(p["higher_is_better"]["default"], true);
        assert_eq!(p["title"]["default"], "");
        let direction = &p["thresholds"]["properties"]["direction"];
        assert_eq!(direction["enum"], serde_json::json!(["above", "below"]));
        assert_eq!(direction["default"], "above");
        assert_eq!(p["thresholds"]["additionalProperties"], false);
        assert!(schema.get("additionalProperties").is_none());
        assert_eq!(
            testing::describe_widget::<MetricCard>().data_shape,
            wasmdash_plugin_sdk::DataShape::Scalar
        );
    }
}
