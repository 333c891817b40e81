//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/gauge_widget.wasm` into the
//! server's plugins folder (see README.md).
//!
//! A third-party widget: a semicircular gauge showing a scalar metric between
//! a configured minimum and maximum.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget, format, html, svg,
};

/// The gauge's options. The editor's form is generated from this type:
/// titles from `#[schemars(title)]`, help texts from the doc comments,
/// defaults from `Default`.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
struct Config {
    /// Empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// The value at the left end of the dial.
    #[schemars(title = "Minimum")]
    min: f64,
    /// The value at the right end of the dial.
    #[schemars(title = "Maximum")]
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

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if self.min.is_finite() && self.max.is_finite() && self.max > self.min {
            Ok(())
        } else {
            Err("max must be greater than min".into())
        }
    }
}

struct Gauge;

impl Widget for Gauge {
    const META: PluginMeta = PluginMeta {
        id: "gauge",
        name: "Gauge",
        version: env!("CARGO_PKG_VERSION"),
        description: "A value on a semicircular dial between a minimum and a maximum.",
    };
    type Config = Config;
    type Data = ScalarData;

    fn render(cfg: &Config, s: &ScalarData, _ctx: &RenderContext) -> Result<String, PluginError> {
        let title = if cfg.title.is_empty() {
            &s.label
        } else {
            &cfg.title
        };
        let Some(v) = s.value.filter(|v| v.is_finite()) else {
            return Ok(html::empty_state(title));
        };
        let share = ((v - cfg.min) / (cfg.max - cfg.min)).clamp(0.0, 1.0);
        // The dial runs from 9 o'clock (-90°) to 3 o'clock (+90°).
        let start = -std::f64::consts::FRAC_PI_2;
        let end = start + share * std::f64::consts::PI;
        let track = svg::arc_path(100.0, 100.0, 90.0, 60.0, start, -start);
        let fill = svg::arc_path(100.0, 100.0, 90.0, 60.0, start, end);
        let shown = format::value(v, &s.format);
        let mut out = String::from("<div class=\"wd-widget wd-gauge\"><div class=\"wd-title\">");
        html::escape_into(&mut out, title);
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;

    fn gauge(config: &str, value: Option<f64>) -> Result<String, PluginError> {
        let ctx = testing::render_context(200, 120);
        testing::render::<Gauge>(config, testing::scalar("Load", value), &ctx)
    }

    #[test]
    fn draws_the_value_on_the_dial() {
        let h = gauge(r#"{"max":10}"#, Some(5.0)).unwrap();
        assert!(h.contains("wd-gauge-fill") && h.contains(">5<"), "{h}");
        assert!(gauge("", None).unwrap().contains("No data for this range"));
    }

    #[test]
    fn refuses_an_empty_range() {
        assert_eq!(
            gauge(r#"{"min":5,"max":5}"#, Some(1.0)),
            Err(PluginError::InvalidConfig(
                "config: max must be greater than min".into()
            ))
        );
    }

    #[test]
    fn schema_has_defaults_and_the_metric_picker() {
        let p = &testing::widget_schema::<Gauge>()["properties"];
        assert_eq!(
            (&p["min"]["default"], &p["max"]["default"]),
            (&0.0.into(), &100.0.into())
        );
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
    }
}
