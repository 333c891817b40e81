//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/gauge_widget.wasm` into the
//! server's plugins folder (see README.md).
//!
//! A third-party widget: a semicircular gauge showing a scalar metric between
//! a configured minimum and maximum.

use serde::Deserialize;
use wasmdash_plugin_sdk::{
    DataShape, PluginError, RenderContext, Widget, WidgetData, WidgetInfo, config, format, html,
    svg,
};

#[derive(Debug, Deserialize)]
#[serde(default)]
struct Config {
    title: String,
    min: f64,
    max: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            min: 0.0,
            max: 100.0,
        }
    }
}

struct Gauge;

impl Widget for Gauge {
    fn describe() -> WidgetInfo {
        WidgetInfo {
            id: "gauge".into(),
            name: "Gauge".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "A value on a semicircular dial between a minimum and a maximum.".into(),
            data_shape: DataShape::Scalar,
            config_schema: serde_json::json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Gauge",
                "type": "object",
                "properties": {
                    "metric": { "type": "string", "title": "Metric", "x-wasmdash": "metric" },
                    "title": { "type": "string", "title": "Title", "default": "" },
                    "min": { "type": "number", "title": "Minimum", "default": 0 },
                    "max": { "type": "number", "title": "Maximum", "default": 100 }
                }
            })
            .to_string(),
        }
    }

    fn render(cfg: &str, data: WidgetData, _ctx: &RenderContext) -> Result<String, PluginError> {
        let cfg: Config = config(cfg)?;
        if !(cfg.min.is_finite() && cfg.max.is_finite() && cfg.max > cfg.min) {
            return Err(PluginError::InvalidConfig(
                "config: max must be greater than min".into(),
            ));
        }
        let WidgetData::Scalar(s) = data else {
            return Err(PluginError::InvalidData("gauge needs scalar data".into()));
        };
        let title = if cfg.title.is_empty() {
            s.label.clone()
        } else {
            cfg.title.clone()
        };
        let Some(v) = s.value.filter(|v| v.is_finite()) else {
            return Ok(html::empty_state(&title));
        };
        let share = ((v - cfg.min) / (cfg.max - cfg.min)).clamp(0.0, 1.0);
        // The dial runs from 9 o'clock (-90°) to 3 o'clock (+90°).
        let start = -std::f64::consts::FRAC_PI_2;
        let end = start + share * std::f64::consts::PI;
        let track = svg::arc_path(100.0, 100.0, 90.0, 60.0, start, -start);
        let fill = svg::arc_path(100.0, 100.0, 90.0, 60.0, start, end);
        let shown = format::value(v, &s.format);
        let mut out = String::from("<div class=\"wd-widget wd-gauge\"><div class=\"wd-title\">");
        html::escape_into(&mut out, &title);
        out.push_str("</div>");
        out.push_str(&svg::open(200, 110, &format!("{title}: {shown}")));
        out.push_str(&format!(
            "<path class=\"wd-gauge-track\" d=\"{track}\" fill=\"currentColor\" fill-opacity=\"0.15\"/>"
        ));
        if !fill.is_empty() {
            out.push_str(&format!(
                "<path class=\"wd-gauge-fill wd-c0\" d=\"{fill}\" fill=\"currentColor\"/>"
            ));
        }
        out.push_str(&svg::text(100.0, 100.0, "middle", "wd-gauge-value", &shown));
        out.push_str(svg::CLOSE);
        out.push_str("</div>");
        Ok(out)
    }
}

wasmdash_plugin_sdk::export_plugin!(widget: Gauge);
