//! {{name}}: a wasmdash widget showing a scalar metric as a number and a
//! bar towards a goal.
//!
//! Build with `cargo build --target wasm32-wasip2 --release`; see README.md.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, ScalarData, Widget, format, html, svg,
};

/// The widget's options. The dashboard editor builds its form from this
/// type: titles from `#[schemars(title)]`, help from the doc comments,
/// defaults from `Default`. The SDK adds the `metric` picker itself.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
struct Config {
    /// Empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// The value the bar fills up to.
    #[schemars(title = "Goal")]
    goal: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            goal: 100.0,
        }
    }
}

impl PluginConfig for Config {
    fn check(&self) -> Result<(), String> {
        if self.goal.is_finite() && self.goal > 0.0 {
            Ok(())
        } else {
            Err("goal must be a number above 0".into())
        }
    }
}

struct {{type}};

impl Widget for {{type}} {
    const META: PluginMeta = PluginMeta {
        id: "{{id}}",
        name: "{{name}}",
        version: env!("CARGO_PKG_VERSION"),
        description: "A value and a bar towards a goal.",
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
        let shown = format::value(v, &s.format);
        let width = ctx.width.clamp(120, 1200);
        let bar = f64::from(width - 16) * (v / cfg.goal).clamp(0.0, 1.0);
        let mut out = String::from("<div class=\"wd-widget\">");
        out.push_str(&svg::open(width, 64, &format!("{title}: {shown}")));
        out.push_str(&svg::text(8.0, 28.0, "start", "wd-value", &shown));
        out.push_str(&format!(
            "<rect class=\"wd-c7\" x=\"8\" y=\"40\" width=\"{}\" height=\"12\" fill=\"currentColor\" fill-opacity=\"0.2\"/>",
            width - 16
        ));
        out.push_str(&format!(
            "<rect class=\"wd-c0\" x=\"8\" y=\"40\" width=\"{bar:.1}\" height=\"12\" fill=\"currentColor\"/>"
        ));
        out.push_str(svg::CLOSE);
        out.push_str("</div>");
        Ok(out)
    }
}

wasmdash_plugin_sdk::export_plugin!(widget: {{type}});

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::testing;

    fn render(config: &str, value: Option<f64>) -> Result<String, PluginError> {
        let ctx = testing::render_context(216, 120);
        testing::render::<{{type}}>(config, testing::scalar("Orders", value), &ctx)
    }

    #[test]
    fn draws_the_value_and_the_bar() {
        let html = render(r#"{"goal": 200}"#, Some(50.0)).unwrap();
        assert!(html.contains("<svg") && html.contains(">50<"), "{html}");
        // A quarter of the goal fills a quarter of the 200 px track.
        assert!(html.contains("width=\"50.0\""), "{html}");
        assert!(render("", None).unwrap().contains("No data"));
    }

    #[test]
    fn refuses_a_bad_goal() {
        let err = render(r#"{"goal": 0}"#, Some(1.0)).unwrap_err();
        assert!(matches!(err, PluginError::InvalidConfig(_)), "{err:?}");
    }
}
