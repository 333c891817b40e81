//! Run with: `cargo build --manifest-path examples/Cargo.toml --target wasm32-wasip2 --release`,
//! then copy `examples/target/wasm32-wasip2/release/gauge_widget.wasm` into the
//! server's plugins folder (see README.md).
//!
//! A third-party widget: a semicircular gauge showing a scalar metric between
//! a configured minimum and maximum.
//!
//! Drawn at the widget's measured size like the built-in widgets (the SDK's
//! [`ChartBox`]): the dial is as large as the box allows, centred, and the
//! value inside it is at least 12 px — left out (it stays in the chart's
//! accessible label) when the dial is too small to hold it.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::svg::{CHAR_PX, ChartBox, FONT_PX};
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget, format, html, svg,
};

/// Space kept free around the dial.
const PAD: f64 = 4.0;
/// Largest size of the value text.
const MAX_VALUE_PX: f64 = 40.0;

/// The dial in a box: centre, outer and inner radius.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dial {
    cx: f64,
    cy: f64,
    outer: f64,
    inner: f64,
}

impl Dial {
    /// The largest half circle that fits `b` with [`PAD`] around it, centred.
    fn fit(b: &ChartBox) -> Self {
        let outer = ((b.width - 2.0 * PAD) / 2.0)
            .min(b.height - 2.0 * PAD)
            .max(1.0);
        Self {
            cx: b.width / 2.0,
            // The half circle's flat side at the bottom of its band.
            cy: (b.height + outer) / 2.0,
            outer,
            inner: outer * 2.0 / 3.0,
        }
    }

    /// The value's font size: as large as the hole holds (up to
    /// [`MAX_VALUE_PX`]), `None` when not even [`FONT_PX`] fits.
    fn value_px(&self, text: &str) -> Option<f64> {
        let chars = text.chars().count().max(1) as f64;
        // Width per character scales with the size (CHAR_PX at FONT_PX).
        let by_width = 2.0 * self.inner * 0.9 / chars * FONT_PX / CHAR_PX;
        let px = by_width.min(self.inner * 0.8).min(MAX_VALUE_PX);
        (px >= FONT_PX).then_some(px)
    }
}

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

    fn render(cfg: &Config, s: &ScalarData, ctx: &RenderContext) -> Result<String, PluginError> {
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
        let b = ChartBox::new(ctx.width, ctx.height);
        let d = Dial::fit(&b);
        let track = svg::arc_path(d.cx, d.cy, d.outer, d.inner, start, -start);
        let fill = svg::arc_path(d.cx, d.cy, d.outer, d.inner, start, end);
        let shown = format::value(v, &s.format);
        let mut out = String::from("<div class=\"wd-widget wd-gauge\"><div class=\"wd-title\">");
        html::escape_into(&mut out, title);
        out.push_str("</div>");
        let (w, h) = b.size();
        out.push_str(&svg::open(w, h, &format!("{title}: {shown}")));
        out.push_str(&format!(
            "<path class=\"wd-gauge-track\" d=\"{track}\" fill=\"currentColor\" fill-opacity=\"0.15\"/>"
        ));
        if !fill.is_empty() {
            out.push_str(&format!(
                "<path class=\"wd-gauge-fill wd-c0\" d=\"{fill}\" fill=\"currentColor\"/>"
            ));
        }
        if let Some(px) = d.value_px(&shown) {
            out.push_str(&svg::text_sized(
                d.cx,
                d.cy - 2.0,
                "middle",
                "wd-gauge-value",
                &shown,
                px,
            ));
        }
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
    fn the_dial_fills_the_measured_box_and_its_text_stays_legible() {
        for (w, h) in [(200, 120), (600, 300), (300, 600), (120, 60), (40, 30)] {
            let ctx = testing::render_context(w, h);
            let html =
                testing::render::<Gauge>("", testing::scalar("Load", Some(42.5)), &ctx).unwrap();
            let l = testing::svg_layout(&html).unwrap();
            let at = format!("{w}x{h}");
            assert_eq!(l.faults(w, h), Vec::<String>::new(), "{at}");
            let d = Dial::fit(&ChartBox::new(w, h));
            // The dial touches the box's sides or its top and bottom.
            let wide = 2.0 * d.outer >= f64::from(w) - 2.0 * PAD - 1e-9;
            let tall = d.outer >= f64::from(h) - 2.0 * PAD - 1e-9;
            assert!(wide || tall, "{at}: {d:?}");
            assert!(d.cy <= f64::from(h) && d.cy - d.outer >= 0.0, "{at}: {d:?}");
        }
        let big = testing::render::<Gauge>(
            "",
            testing::scalar("Load", Some(42.5)),
            &testing::render_context(600, 300),
        )
        .unwrap();
        assert!(big.contains("width=\"600\" height=\"300\""), "{big}");
        assert!(big.contains(">42.5<"), "{big}");
        // Too small for 12 px text: the value stays in the label only.
        let tiny = testing::render::<Gauge>(
            "",
            testing::scalar("Load", Some(42.5)),
            &testing::render_context(40, 30),
        )
        .unwrap();
        assert!(!tiny.contains("<text") && tiny.contains("aria-label=\"Load: 42.5\""));
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
