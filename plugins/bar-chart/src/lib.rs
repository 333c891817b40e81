//! Built-in widget `bar-chart`: values by category as vertical or
//! horizontal bars with value labels; negative values grow from zero the
//! other way.

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::svg::{self, Axis, LinearScale};
use wasmdash_plugin_sdk::{
    CategoriesData, PluginConfig, PluginError, PluginMeta, RenderContext, Widget, format, html,
};

/// The `bar-chart` widget's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Config {
    /// Empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// Vertical columns, or horizontal bars (better for long labels).
    #[schemars(title = "Orientation")]
    orientation: Orientation,
    /// Write each bar's value next to it.
    #[schemars(title = "Value labels")]
    show_values: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            orientation: Orientation::Vertical,
            show_values: true,
        }
    }
}

impl PluginConfig for Config {}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Orientation {
    Vertical,
    Horizontal,
}

/// The `bar-chart` widget.
pub struct BarChart;

impl Widget for BarChart {
    const META: PluginMeta = PluginMeta {
        id: "bar-chart",
        name: "Bar chart",
        version: env!("CARGO_PKG_VERSION"),
        description: "Values by category as vertical or horizontal bars.",
    };
    type Config = Config;
    type Data = CategoriesData;

    fn render(
        cfg: &Config,
        data: &CategoriesData,
        ctx: &RenderContext,
    ) -> Result<String, PluginError> {
        Ok(render(cfg, data, ctx))
    }
}

/// `label` cut to about `max_chars` characters with an ellipsis.
fn truncate(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        return label.to_owned();
    }
    let mut s: String = label
        .chars()
        .take(max_chars.saturating_sub(1).max(1))
        .collect();
    s.push('…');
    s
}

fn render(cfg: &Config, data: &CategoriesData, ctx: &RenderContext) -> String {
    let title = if cfg.title.trim().is_empty() {
        &data.label
    } else {
        &cfg.title
    };
    let n = data.labels.len().min(data.values.len());
    let bars: Vec<(&str, f64)> = (0..n)
        .filter(|i| data.values[*i].is_finite())
        .map(|i| (data.labels[i].as_str(), data.values[i]))
        .collect();
    if bars.is_empty() {
        return html::empty_state(title);
    }
    // A category's colour is the configured one, else follows its label
    // (the same in the pie and PDF).
    let names: Vec<&str> = bars.iter().map(|(l, _)| *l).collect();
    let colors = svg::category_colors(&names);
    let (w, h) = (
        f64::from(ctx.width.clamp(160, 2400)),
        f64::from(ctx.height.clamp(100, 1600)),
    );
    let mut out = String::from("<div class=\"wd-widget wd-bar-chart\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div>");
    out.push_str(&svg::open(
        w as u32,
        h as u32,
        &format!("{title} by {}", data.dimension),
    ));
    let values = bars.iter().map(|b| b.1);
    match cfg.orientation {
        Orientation::Vertical => {
            let area = Axis::with_margins(w, h, 52.0, 24.0);
            let y = LinearScale::for_values(values, true, (area.bottom, area.top));
            out.push_str(&svg::y_axis(&area, &y, 5, |v| {
                format::value_compact(v, &data.format)
            }));
            let band = (area.right - area.left) / bars.len() as f64;
            let zero = y.map(0.0);
            let mut labels = Vec::new();
            for (i, (label, v)) in bars.iter().enumerate() {
                let x0 = area.left + band * i as f64 + band * 0.15;
                let x1 = x0 + band * 0.7;
                let tip = format!("{label}: {}", format::value(*v, &data.format));
                out.push_str(&svg::bar_filled(
                    x0,
                    zero,
                    x1,
                    y.map(*v),
                    &format!("wd-bar {}", colors[i].class()),
                    colors[i].fill(),
                    &tip,
                ));
                let mid = (x0 + x1) / 2.0;
                if cfg.show_values {
                    let ty = if *v >= 0.0 {
                        y.map(*v) - 4.0
                    } else {
                        y.map(*v) + 12.0
                    };
                    out.push_str(&svg::text(
                        mid,
                        ty,
                        "middle",
                        "wd-value-label",
                        &format::value_compact(*v, &data.format),
                    ));
                }
                labels.push((mid, truncate(label, (band / 7.0).max(2.0) as usize)));
            }
            out.push_str(&svg::x_axis_labels(&area, &labels));
        }
        Orientation::Horizontal => {
            let longest = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(0);
            let left = (longest as f64 * 7.0 + 8.0).clamp(40.0, w * 0.4);
            let area = Axis {
                left,
                top: 4.0,
                right: w - 48.0,
                bottom: h - 4.0,
            };
            let x = LinearScale::for_values(values, true, (area.left, area.right));
            let band = (area.bottom - area.top) / bars.len() as f64;
            let zero = x.map(0.0);
            for (i, (label, v)) in bars.iter().enumerate() {
                let y0 = area.top + band * i as f64 + band * 0.15;
                let y1 = y0 + band * 0.7;
                let mid = (y0 + y1) / 2.0 + 4.0;
                let tip = format!("{label}: {}", format::value(*v, &data.format));
                out.push_str(&svg::text(
                    left - 6.0,
                    mid,
                    "end",
                    "wd-tick-label",
                    &truncate(label, ((left - 8.0) / 7.0) as usize),
                ));
                out.push_str(&svg::bar_filled(
                    zero,
                    y0,
                    x.map(*v),
                    y1,
                    &format!("wd-bar {}", colors[i].class()),
                    colors[i].fill(),
                    &tip,
                ));
                if cfg.show_values {
                    let (tx, anchor) = if *v >= 0.0 {
                        (x.map(*v) + 4.0, "start")
                    } else {
                        (x.map(*v) - 4.0, "end")
                    };
                    out.push_str(&svg::text(
                        tx,
                        mid,
                        anchor,
                        "wd-value-label",
                        &format::value_compact(*v, &data.format),
                    ));
                }
            }
        }
    }
    out.push_str(svg::CLOSE);
    out.push_str("</div>");
    out
}

wasmdash_plugin_sdk::export_plugin!(widget: BarChart);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::ValueFormat;
    use wasmdash_plugin_sdk::testing::{self, render_context};

    fn chart(config: &str, data: CategoriesData) -> Result<String, PluginError> {
        testing::render::<BarChart>(config, data, &render_context(400, 240))
    }

    fn data(values: Vec<f64>) -> CategoriesData {
        CategoriesData {
            label: "Revenue".into(),
            dimension: "region".into(),
            labels: (0..values.len())
                .map(|i| format!("Region number {i}"))
                .collect(),
            values,
            format: ValueFormat::default(),
        }
    }

    #[test]
    fn both_orientations_with_values() {
        for cfg in ["", r#"{"orientation":"horizontal"}"#] {
            let h = chart(cfg, data(vec![1200.0, -300.0, 50.0])).unwrap();
            assert_eq!(h.matches("<rect").count(), 3, "{h}");
            assert!(h.contains(">1.2K<") && h.contains(">-300<"), "{h}");
            assert!(!h.contains("style="));
        }
        let h = chart(r#"{"show_values":false}"#, data(vec![1.0])).unwrap();
        assert!(!h.contains("wd-value-label"));
    }

    #[test]
    fn configured_colours_fill_the_bars() {
        use wasmdash_plugin_sdk::display::Display;
        let d = CategoriesData {
            labels: vec!["eu".into(), "us".into()],
            ..data(vec![10.0, 20.0])
        };
        let colours = Display {
            category_colors: vec![("us".into(), "#2563eb".into())],
            ..Display::default()
        };
        for cfg in ["", r#"{"orientation":"horizontal"}"#] {
            let h = testing::with_display(colours.clone(), || chart(cfg, d.clone())).unwrap();
            let us = h.find("<title>us:").unwrap();
            assert!(h[..us].ends_with("fill=\"#2563eb\">"), "{h}");
            let eu = h.find("<title>eu:").unwrap();
            assert!(h[..eu].ends_with("fill=\"currentColor\">"), "{h}");
        }
    }

    #[test]
    fn empty_and_bad_config() {
        assert!(
            chart("", data(vec![]))
                .unwrap()
                .contains("No data for this range")
        );
        assert!(
            chart("", data(vec![f64::NAN]))
                .unwrap()
                .contains("No data for this range")
        );
        assert!(matches!(
            chart(r#"{"orientation":"diagonal"}"#, data(vec![1.0])),
            Err(PluginError::InvalidConfig(_))
        ));
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn schema_lists_orientations_and_defaults() {
        let p = &testing::widget_schema::<BarChart>()["properties"];
        assert_eq!(
            p["orientation"]["enum"],
            serde_json::json!(["vertical", "horizontal"])
        );
        assert_eq!(p["orientation"]["default"], "vertical");
        assert_eq!(p["show_values"]["default"], true);
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
    }
}
