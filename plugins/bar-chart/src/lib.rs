//! Built-in widget `bar-chart`: values by category as vertical or
//! horizontal bars with value labels; negative values grow from zero the
//! other way.
//!
//! Drawn at the widget's real size with the SDK's sizing rules
//! (`svg::ChartBox`): text is 12 px at any size; a label or value that
//! does not fit its bar is shortened or left out (its tooltip keeps it).

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::svg::{self, Axis, ChartBox, LinearScale};
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
    // Drawn at the box's real size: text stays 12 px, the plot fills it.
    let chart = ChartBox::new(ctx.width, ctx.height);
    let mut out = String::from("<div class=\"wd-widget wd-bar-chart\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div>");
    let (w, h) = chart.size();
    out.push_str(&svg::open(w, h, &format!("{title} by {}", data.dimension)));
    let drawn = Drawn {
        bars: &bars,
        colors: &colors,
        data,
        show_values: cfg.show_values,
    };
    match cfg.orientation {
        Orientation::Vertical => vertical(&mut out, &chart, &drawn),
        Orientation::Horizontal => horizontal(&mut out, &chart, &drawn),
    }
    out.push_str(svg::CLOSE);
    out.push_str("</div>");
    out
}

/// What both orientations draw.
struct Drawn<'a> {
    bars: &'a [(&'a str, f64)],
    colors: &'a [svg::CategoryColor],
    data: &'a CategoriesData,
    show_values: bool,
}

impl Drawn<'_> {
    fn compact(&self, v: f64) -> String {
        format::value_compact(v, &self.data.format)
    }

    fn tip(&self, label: &str, v: f64) -> String {
        format!("{label}: {}", format::value(v, &self.data.format))
    }

    fn class(&self, i: usize) -> String {
        format!("wd-bar {}", self.colors[i].class())
    }

    fn fill(&self, i: usize) -> &str {
        self.colors[i].fill()
    }
}

/// Columns over a value axis, labels below, values on top when they fit
/// their column.
fn vertical(out: &mut String, chart: &ChartBox, d: &Drawn<'_>) {
    let scale = LinearScale::for_values(d.bars.iter().map(|b| b.1), true, (1.0, 0.0));
    let labels = svg::tick_labels(&scale, |v| d.compact(v));
    let area = chart.plot(&labels, false);
    // Room above the tallest column for its value.
    let area = Axis {
        top: area.top.max(if d.show_values { svg::LINE_PX } else { 0.0 }),
        ..area
    };
    let y = LinearScale {
        range: (area.bottom, area.top),
        ..scale
    };
    out.push_str(&svg::y_axis(&area, &y, chart.y_ticks(&area), |v| {
        d.compact(v)
    }));
    let band = (area.right - area.left) / d.bars.len() as f64;
    let zero = y.map(0.0);
    let mut positions = Vec::new();
    for (i, (label, v)) in d.bars.iter().enumerate() {
        let x0 = area.left + band * i as f64 + band * 0.15;
        let x1 = x0 + band * 0.7;
        out.push_str(&svg::bar_filled(
            x0,
            zero,
            x1,
            y.map(*v),
            &d.class(i),
            d.fill(i),
            &d.tip(label, *v),
        ));
        let mid = (x0 + x1) / 2.0;
        let value = d.compact(*v);
        if d.show_values && svg::text_width(&value) <= band - 2.0 {
            let ty = if *v >= 0.0 {
                y.map(*v) - 4.0
            } else {
                (y.map(*v) + svg::FONT_PX).min(area.bottom - 2.0)
            };
            out.push_str(&svg::text(mid, ty, "middle", "wd-value-label", &value));
        }
        positions.push((mid, (*label).to_owned()));
    }
    if chart.shows_x_labels() {
        out.push_str(&svg::x_axis_labels(&area, &positions, band - 4.0));
    }
}

/// Bars from a label column, values after them when they fit.
fn horizontal(out: &mut String, chart: &ChartBox, d: &Drawn<'_>) {
    let band = (chart.height - 4.0) / d.bars.len() as f64;
    // Labels need a line of height per bar and some width.
    let labelled = band >= svg::LINE_PX && chart.width >= 160.0;
    let longest = d
        .bars
        .iter()
        .map(|b| svg::text_width(b.0))
        .fold(0.0, f64::max);
    let left = if labelled {
        (longest + 10.0).min(chart.width * 0.35)
    } else {
        2.0
    };
    let values: Vec<String> = d.bars.iter().map(|b| d.compact(b.1)).collect();
    let (lo, hi) = d
        .bars
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), b| (lo.min(b.1), hi.max(b.1)));
    // Room after the bars for the values that end there: a shorter bar
    // leaves some of its own (estimated over the widest label's room).
    let value_room = if d.show_values && labelled {
        let widest = values
            .iter()
            .map(|v| svg::text_width(v))
            .fold(0.0, f64::max)
            + 8.0;
        let plot = (chart.width - left - widest).max(1.0);
        let span = (hi - lo).max(f64::MIN_POSITIVE);
        d.bars
            .iter()
            .zip(&values)
            .filter(|(b, _)| b.1 >= 0.0)
            .map(|(b, v)| svg::text_width(v) + 8.0 - plot * (hi - b.1) / span)
            .fold(4.0, f64::max)
    } else {
        4.0
    };
    let area = Axis {
        left,
        top: 2.0,
        right: (chart.width - value_room).max(left + 1.0),
        bottom: chart.height - 2.0,
    };
    // No axis to round to: the longest bar reaches the right edge.
    let x = LinearScale::new((lo, hi), (area.left, area.right));
    let zero = x.map(0.0);
    for (i, (label, v)) in d.bars.iter().enumerate() {
        let y0 = area.top + band * i as f64 + band * 0.15;
        let y1 = y0 + band * 0.7;
        let mid = (y0 + y1) / 2.0 + svg::FONT_PX * 0.35;
        if labelled && let Some(shown) = svg::fit_text(label, left - 8.0) {
            out.push_str(&svg::text(left - 6.0, mid, "end", "wd-tick-label", &shown));
        }
        out.push_str(&svg::bar_filled(
            zero,
            y0,
            x.map(*v),
            y1,
            &d.class(i),
            d.fill(i),
            &d.tip(label, *v),
        ));
        if d.show_values && labelled {
            let (tx, anchor) = if *v >= 0.0 {
                (x.map(*v) + 4.0, "start")
            } else {
                (x.map(*v) - 4.0, "end")
            };
            out.push_str(&svg::text(tx, mid, anchor, "wd-value-label", &values[i]));
        }
    }
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
    fn text_stays_12px_inside_and_bars_fill_the_box_at_every_grid_size() {
        let regions = vec![41_000.0, 33_500.0, 22_000.0, 9_100.0, -1_200.0];
        for rows in 1..=8u32 {
            let widths = (1..=12u32).map(|c| c * 116 - 42).chain([348]);
            for w in widths {
                let h = rows * 90 - 66;
                for cfg in ["", r#"{"orientation":"horizontal"}"#] {
                    let ctx = render_context(w, h);
                    let html =
                        testing::render::<BarChart>(cfg, data(regions.clone()), &ctx).unwrap();
                    let l = testing::svg_layout(&html).unwrap();
                    let at = format!("{w}x{h} {cfg}");
                    assert_eq!(l.faults(w, h), Vec::<String>::new(), "{at}");
                    assert!(l.fill() >= 0.85, "{at}: spans {:.2}", l.fill());
                    assert_eq!(html.matches("<rect").count(), 5, "{at}");
                }
            }
        }
        // Wide enough, every label and value is there, shortened to fit.
        let html = chart("", data(regions)).unwrap();
        assert!(html.contains(">Region n…<"), "{html}");
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
