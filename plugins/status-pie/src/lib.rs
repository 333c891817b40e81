//! Built-in widget `status-pie`: shares of a total (orders by status,
//! tickets by priority) as a pie or donut with a legend giving each value
//! and its percentage.
//!
//! The pie is drawn at its real size (as tall as the widget, leaving the
//! legend most of the width); the donut's total is as large as its hole
//! allows and never under the SDK's 12 px, or left out.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::{
    CategoriesData, PluginConfig, PluginError, PluginMeta, RenderContext, Widget, format, html, svg,
};

/// The `status-pie` widget's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Config {
    /// Empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// Draw a ring with the total in the middle.
    #[schemars(title = "Donut")]
    donut: bool,
    /// List each slice with its value and share.
    #[schemars(title = "Legend")]
    show_legend: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            donut: true,
            show_legend: true,
        }
    }
}

impl PluginConfig for Config {}

/// The `status-pie` widget.
pub struct StatusPie;

impl Widget for StatusPie {
    const META: PluginMeta = PluginMeta {
        id: "status-pie",
        name: "Status pie",
        version: env!("CARGO_PKG_VERSION"),
        description: "Shares of a total as a pie or donut with a legend.",
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
    let values = &data.values[..n];
    let total: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
    if total <= 0.0 {
        return html::empty_state(title);
    }
    // Drawn at its real size beside an HTML legend that takes the rest of
    // the width (see `side`): text stays 12 px or more, the two fill the box.
    let size = side(ctx.width, ctx.height, cfg.show_legend);
    let (c, r) = (
        f64::from(size) / 2.0,
        (f64::from(size) / 2.0 - 2.0).max(1.0),
    );
    let inner = if cfg.donut { r * 0.62 } else { 0.0 };
    let share = |v: f64| {
        if v.is_finite() && v > 0.0 {
            v / total
        } else {
            0.0
        }
    };

    let mut out = String::from("<div class=\"wd-widget wd-status-pie\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div><div class=\"wd-pie-body\">");
    out.push_str(&svg::open(
        size,
        size,
        &format!("{title}: share by {}", data.dimension),
    ));
    // A category's colour is the configured one, else follows its label
    // (never its rank).
    let colors = svg::category_colors(&data.labels);
    for (i, (start, end)) in svg::slice_angles(values).into_iter().enumerate() {
        let d = svg::arc_path(c, c, r, inner, start, end);
        if d.is_empty() {
            continue;
        }
        let tip = format!(
            "{}: {} ({})",
            data.labels[i],
            format::value(values[i], &data.format),
            format::percent(share(values[i]), Some(1))
        );
        let _ = write!(
            out,
            "<path class=\"wd-slice {}\" d=\"{d}\" fill=\"{}\" stroke=\"none\"><title>{}</title></path>",
            colors[i].class(),
            colors[i].fill(),
            html::escape(&tip)
        );
    }
    if cfg.donut
        && let Some((text, font)) = total_label(&format::value_compact(total, &data.format), inner)
    {
        out.push_str(&svg::text_sized(
            c,
            c + font * 0.35,
            "middle",
            "wd-pie-total",
            &text,
            font,
        ));
    }
    out.push_str(svg::CLOSE);
    if cfg.show_legend {
        out.push_str("<ul class=\"wd-legend\">");
        for (i, (label, value)) in data.labels.iter().zip(values).enumerate() {
            let _ = write!(
                out,
                "<li>{}<span class=\"wd-legend-label\">{}</span> \
                 <span class=\"wd-legend-value\">{}</span> <span class=\"wd-legend-share\">{}</span></li>",
                colors[i].swatch(),
                html::escape(label),
                html::escape(&format::value(*value, &data.format)),
                format::percent(share(*value), Some(1))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></div>");
    out
}

/// The pie's side in pixels: the box's height, but leaving a legend at
/// least 55% of the width when there is one.
fn side(width: u32, height: u32, legend: bool) -> u32 {
    let by_width = if legend {
        f64::from(width) * 0.45
    } else {
        f64::from(width)
    };
    (by_width.min(f64::from(height)) as u32).clamp(1, svg::MAX_SIDE)
}

/// The donut's total and its font size: as large as the hole allows (up
/// to 28 px), never under 12 px; `None` when even 12 px does not fit.
fn total_label(text: &str, inner_radius: f64) -> Option<(String, f64)> {
    // Digits run about 0.6 em wide; keep a margin inside the hole.
    let room = inner_radius * 1.7;
    let chars = text.chars().count().max(1) as f64;
    let font = (room / (0.6 * chars)).min(inner_radius * 0.6).min(28.0);
    (font >= svg::FONT_PX).then(|| (text.to_owned(), font.floor()))
}

wasmdash_plugin_sdk::export_plugin!(widget: StatusPie);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::ValueFormat;
    use wasmdash_plugin_sdk::testing::{self, render_context};

    fn pie(config: &str, data: CategoriesData) -> Result<String, PluginError> {
        testing::render::<StatusPie>(config, data, &render_context(300, 200))
    }

    fn data(values: Vec<f64>) -> CategoriesData {
        CategoriesData {
            label: "Orders".into(),
            dimension: "status".into(),
            labels: (0..values.len()).map(|i| format!("s<{i}>")).collect(),
            values,
            format: ValueFormat::default(),
        }
    }

    #[test]
    fn slices_and_legend_with_shares() {
        let h = pie("", data(vec![30.0, 10.0, 60.0])).unwrap();
        assert_eq!(h.matches("class=\"wd-slice").count(), 3);
        assert!(h.contains("60.0%") && h.contains("s&lt;2&gt;"), "{h}");
        assert!(h.contains("wd-pie-total"));
        let h = pie(r#"{"donut":false,"show_legend":false}"#, data(vec![5.0])).unwrap();
        let own = svg::palette(svg::label_index("s<0>"));
        assert!(!h.contains("wd-legend") && h.contains(&format!("class=\"wd-slice {own}\"")));
    }

    #[test]
    fn a_slice_keeps_its_colour_when_its_rank_changes() {
        let colour_of = |labels: [&str; 3], values: Vec<f64>, label: &str| {
            let d = CategoriesData {
                labels: labels.iter().map(|l| (*l).to_owned()).collect(),
                ..data(values)
            };
            let html = pie("{}", d).unwrap();
            let at = html.find(&format!("<title>{label}:")).unwrap();
            let class_at = html[..at].rfind("wd-slice ").unwrap();
            html[class_at..class_at + 14].to_owned()
        };
        assert_eq!(
            colour_of(
                ["error", "completed", "active"],
                vec![30.0, 20.0, 10.0],
                "error"
            ),
            colour_of(
                ["completed", "active", "error"],
                vec![30.0, 20.0, 10.0],
                "error"
            ),
        );
    }

    #[test]
    fn configured_colours_fill_slices_and_swatches() {
        use wasmdash_plugin_sdk::display::Display;
        let d = CategoriesData {
            labels: vec!["error".into(), "completed".into(), "active".into()],
            ..data(vec![5.0, 80.0, 15.0])
        };
        let colours = Display {
            category_colors: vec![
                ("error".into(), "#dc2626".into()),
                ("completed".into(), "#16a34a".into()),
            ],
            ..Display::default()
        };
        let h = testing::with_display(colours, || pie("", d.clone())).unwrap();
        let slice = |label: &str| {
            let at = h.find(&format!("<title>{label}:")).unwrap();
            h[h[..at].rfind("<path").unwrap()..at].to_owned()
        };
        assert!(slice("error").contains("fill=\"#dc2626\""), "{h}");
        assert!(slice("completed").contains("fill=\"#16a34a\""), "{h}");
        assert!(slice("active").contains("fill=\"currentColor\""), "{h}");
        assert!(
            h.contains("<rect width=\"10\" height=\"10\" rx=\"3\" fill=\"#dc2626\">"),
            "{h}"
        );
        assert_eq!(h.matches("wd-swatch").count(), 3, "{h}");
    }

    #[test]
    fn empty_zero_and_bad_config() {
        for v in [vec![], vec![0.0, 0.0], vec![-1.0]] {
            assert!(pie("", data(v)).unwrap().contains("No data for this range"));
        }
        assert!(matches!(
            pie(r#"{"donut":"yes"}"#, data(vec![1.0])),
            Err(PluginError::InvalidConfig(_))
        ));
    }

    #[test]
    fn the_pie_fills_the_height_and_its_total_stays_legible() {
        assert_eq!(side(700, 300, true), 300);
        assert_eq!(side(300, 300, true), 135);
        assert_eq!(side(300, 200, false), 200);
        assert_eq!(side(0, 0, true), 1);
        // A 300 px donut (hole radius ~92) writes its total large.
        let (_, font) = total_label("12.3K", 92.0).unwrap();
        assert!(font >= 20.0, "{font}");
        // A small hole keeps 12 px or leaves the total out.
        assert!(total_label("12.3K", 15.0).is_none());
        assert!(total_label("1", 21.0).is_some_and(|(_, f)| f >= svg::FONT_PX));
        for (w, h) in [(200, 100), (460, 290), (360, 280), (900, 600), (120, 60)] {
            let ctx = render_context(w, h);
            let html =
                testing::render::<StatusPie>("", data(vec![30.0, 10.0, 60.0]), &ctx).unwrap();
            for size in font_sizes(&html) {
                assert!(size >= svg::FONT_PX, "{w}x{h}: {size}");
            }
            let side = side(w, h, true).to_string();
            assert!(
                html.contains(&format!("width=\"{side}\" height=\"{side}\"")),
                "{html}"
            );
        }
    }

    /// Every `font-size` an SVG text in `html` is written at.
    fn font_sizes(html: &str) -> Vec<f64> {
        html.split("font-size=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn schema_defaults() {
        let p = &testing::widget_schema::<StatusPie>()["properties"];
        assert_eq!(
            (&p["donut"]["default"], &p["show_legend"]["default"]),
            (&true.into(), &true.into())
        );
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
    }
}
