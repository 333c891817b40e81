//! Built-in widget `trend-chart`: a metric over time as an SVG line or area
//! chart with a y axis, time labels in the viewer's UTC offset, an optional
//! dashed previous-period overlay, and long series reduced to about one
//! point per pixel (min/max per pixel, so spikes stay visible).
//!
//! With the previous period shown, the legend says how this period
//! compares ("▼ 12.0% vs previous period"), green when the change is good
//! news for the metric and red when bad: a falling error rate is good
//! (the `display` import's direction, from the metric's `good`).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::svg::{self, Axis, LinearScale};
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, Series, SeriesData, Widget, display,
    format, html,
};

/// Changes smaller than this (in %) read as flat, as on the metric card.
const FLAT_PERCENT: f64 = 0.05;

/// The `trend-chart` widget's options.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Config {
    /// Empty uses the metric's label.
    #[schemars(title = "Title")]
    title: String,
    /// A line, or a line with the area below it filled.
    #[schemars(title = "Style")]
    style: Style,
    /// Overlay the previous period as a dashed line.
    #[schemars(title = "Previous period")]
    show_previous: bool,
    /// Off zooms the y axis to the values' range.
    #[schemars(title = "Start y axis at zero")]
    y_from_zero: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: String::new(),
            style: Style::Line,
            show_previous: true,
            y_from_zero: true,
        }
    }
}

impl PluginConfig for Config {}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Style {
    Line,
    Area,
}

/// The `trend-chart` widget.
pub struct TrendChart;

impl Widget for TrendChart {
    const META: PluginMeta = PluginMeta {
        id: "trend-chart",
        name: "Trend chart",
        version: env!("CARGO_PKG_VERSION"),
        description: "A metric over time as a line or area chart, with the previous period.",
    };
    type Config = Config;
    type Data = SeriesData;

    fn render(cfg: &Config, data: &SeriesData, ctx: &RenderContext) -> Result<String, PluginError> {
        Ok(render(cfg, data, ctx))
    }
}

/// Runs of consecutive non-null points, so a gap in the data is a gap in the
/// line. `at` gives the x timestamp of point `i` (the previous period is
/// drawn at the current period's timestamps, bucket by bucket).
fn segments(series: &Series, at: impl Fn(usize) -> Option<i64>) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for i in 0..series.len() {
        let null = series.nulls.get(i).copied().unwrap_or(false) || !series.values[i].is_finite();
        match at(i) {
            Some(t) if !null => out
                .last_mut()
                .map(|s| s.push((t as f64, series.values[i])))
                .unwrap_or(()),
            _ => out.push(Vec::new()),
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// This period against the previous one, in percent: the mean of the
/// buckets both periods have a value for, so buckets the current period
/// has not reached yet do not count as a fall.
fn change_percent(data: &SeriesData) -> Option<f64> {
    let previous = data.previous.as_ref()?;
    let value = |s: &Series, i: usize| {
        let v = *s.values.get(i)?;
        (!s.nulls.get(i).copied().unwrap_or(false) && v.is_finite()).then_some(v)
    };
    let (mut now, mut before, mut n) = (0.0, 0.0, 0u32);
    for i in 0..data.points.len() {
        if let (Some(a), Some(b)) = (value(&data.points, i), value(previous, i)) {
            now += a;
            before += b;
            n += 1;
        }
    }
    if n == 0 {
        return None;
    }
    format::percent_change(now, before)
}

/// The legend entry with the change against the previous period, coloured
/// `wd-good`/`wd-bad` by the metric's direction.
fn change_item(data: &SeriesData) -> String {
    let Some(p) = change_percent(data) else {
        return String::new();
    };
    let (arrow, good) = if p.abs() < FLAT_PERCENT {
        ("→", "wd-neutral")
    } else if (p > 0.0) == display::higher_is_better() {
        (if p > 0.0 { "▲" } else { "▼" }, "wd-good")
    } else {
        (if p > 0.0 { "▲" } else { "▼" }, "wd-bad")
    };
    let shown = if p.abs() < FLAT_PERCENT { 0.0 } else { p };
    format!(
        "<li class=\"wd-change {good}\"><span aria-hidden=\"true\">{arrow}</span> {} vs previous period</li>",
        format::signed_percent(shown)
    )
}

fn render(cfg: &Config, data: &SeriesData, ctx: &RenderContext) -> String {
    let title = if cfg.title.trim().is_empty() {
        &data.label
    } else {
        &cfg.title
    };
    let current = segments(&data.points, |i| data.points.timestamps.get(i).copied());
    if current.is_empty() {
        return html::empty_state(title);
    }
    let previous = match (&data.previous, cfg.show_previous) {
        (Some(p), true) => segments(p, |i| data.points.timestamps.get(i).copied()),
        _ => Vec::new(),
    };
    let (w, h) = (ctx.width.clamp(160, 2400), ctx.height.clamp(100, 1600));
    let area = Axis::with_margins(f64::from(w), f64::from(h), 52.0, 24.0);
    let all = current.iter().chain(&previous).flatten();
    let (t0, t1) = all
        .clone()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
    let (start, end) = if ctx.time_range.end_ms > ctx.time_range.start_ms {
        (
            ctx.time_range.start_ms.min(t0 as i64),
            ctx.time_range.end_ms.max(t1 as i64),
        )
    } else {
        (t0 as i64, t1 as i64)
    };
    let x = LinearScale::new((start as f64, end as f64), (area.left, area.right));
    let y = LinearScale::for_values(all.map(|p| p.1), cfg.y_from_zero, (area.bottom, area.top));
    let pixels = (area.right - area.left).max(1.0) as usize;
    let to_px = |seg: &Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        svg::min_max(seg, pixels)
            .iter()
            .map(|(t, v)| (x.map(*t), y.map(*v)))
            .collect()
    };

    let mut out = String::from("<div class=\"wd-widget wd-trend-chart\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div>");
    let label = format!("{title} over {}", ctx.time_range.label);
    out.push_str(&svg::open(w, h, &label));
    out.push_str(&svg::y_axis(&area, &y, 5, |v| {
        format::value_compact(v, &data.format)
    }));
    let ticks = ((area.right - area.left) / 90.0).max(2.0) as usize;
    out.push_str(&svg::x_axis_time(
        &area,
        &x,
        start,
        end,
        ctx.utc_offset_minutes,
        ticks,
    ));
    for seg in &previous {
        let d = svg::line_path(&to_px(seg));
        let _ = write!(
            out,
            "<path class=\"wd-line wd-previous wd-c7\" d=\"{d}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
        );
    }
    for seg in &current {
        let px = to_px(seg);
        if cfg.style == Style::Area {
            let base = y.map(y.domain.0.max(0.0).min(y.domain.1));
            out.push_str(&svg::path(&svg::area_path(&px, base), "wd-area wd-c0"));
        }
        out.push_str(&svg::path(&svg::line_path(&px), "wd-line wd-c0"));
        if px.len() == 1 {
            // A lone point has no line; show it as a dot.
            let _ = write!(
                out,
                "<circle class=\"wd-point wd-c0\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"currentColor\"/>",
                svg::num(px[0].0),
                svg::num(px[0].1)
            );
        }
    }
    out.push_str(svg::CLOSE);
    if !previous.is_empty() {
        out.push_str(
            "<ul class=\"wd-legend\"><li><span class=\"wd-swatch wd-c0\"></span>This period</li>\
             <li><span class=\"wd-swatch wd-c7 wd-dashed\"></span>Previous period</li>",
        );
        out.push_str(&change_item(data));
        out.push_str("</ul>");
    }
    out.push_str("</div>");
    out
}

wasmdash_plugin_sdk::export_plugin!(widget: TrendChart);

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::ValueFormat;
    use wasmdash_plugin_sdk::testing::{self, render_context};

    const HOUR: i64 = 3_600_000;

    fn chart(config: &str, data: SeriesData) -> Result<String, PluginError> {
        let ctx = RenderContext {
            timezone: "Europe/Berlin".into(),
            utc_offset_minutes: 60,
            ..render_context(400, 200)
        };
        testing::render::<TrendChart>(config, data, &ctx)
    }

    fn data(n: usize, previous: bool) -> SeriesData {
        let series = |k: f64| Series {
            timestamps: (0..n as i64).map(|i| i * 24 * HOUR / n as i64).collect(),
            values: (0..n).map(|i| k * (i % 17) as f64).collect(),
            nulls: (0..n).map(|i| i == 3).collect(),
        };
        SeriesData {
            label: "Orders".into(),
            bucket: "hour".into(),
            points: series(1.0),
            previous: previous.then(|| series(0.5)),
            format: ValueFormat::default(),
        }
    }

    #[test]
    fn draws_axes_lines_and_previous() {
        let h = chart(r#"{"style":"area"}"#, data(24, true)).unwrap();
        assert!(
            h.contains("role=\"img\"") && h.contains("wd-area") && h.contains("wd-previous"),
            "{h}"
        );
        // Ticks fall on local (UTC+1) round hours: 12:00 local is 11:00 UTC.
        assert!(h.contains(">12:00<") && h.contains("x=\"207.83\""), "{h}");
        assert!(!h.contains("style=") && !h.contains(" id="));
        // The null at index 3 splits the line.
        assert!(h.matches("class=\"wd-line wd-c0\"").count() >= 2);
        let h = chart(r#"{"show_previous":false}"#, data(24, true)).unwrap();
        assert!(!h.contains("wd-previous"));
    }

    #[test]
    fn the_change_is_coloured_by_the_metrics_direction() {
        use wasmdash_plugin_sdk::display::Display;
        // Previous values are half the current ones: +100%.
        let rise = data(24, true);
        let up = chart("", rise.clone()).unwrap();
        assert!(
            up.contains("wd-change wd-good") && up.contains("+100.0%"),
            "{up}"
        );
        let lower_is_better = Display {
            higher_is_better: false,
            ..Display::default()
        };
        let bad =
            testing::with_display(lower_is_better.clone(), || chart("", rise.clone())).unwrap();
        assert!(
            bad.contains("wd-change wd-bad") && bad.contains("▲"),
            "{bad}"
        );
        // A fall where lower is better (an error rate) is good news.
        let fall = SeriesData {
            points: rise.previous.clone().unwrap(),
            previous: Some(rise.points.clone()),
            ..rise.clone()
        };
        let good = testing::with_display(lower_is_better, || chart("", fall)).unwrap();
        assert!(
            good.contains("wd-change wd-good") && good.contains("-50.0%"),
            "{good}"
        );
        // Buckets the current period has not reached yet do not count.
        let mut partial = rise.clone();
        partial.points.nulls = (0..24).map(|i| i == 3 || i >= 12).collect();
        let p = chart("", partial).unwrap();
        assert!(p.contains("+100.0%"), "{p}");
        // No previous period shown: no change.
        assert!(
            !chart(r#"{"show_previous":false}"#, rise)
                .unwrap()
                .contains("wd-change")
        );
    }

    #[test]
    fn long_series_are_downsampled() {
        let h = chart("", data(100_000, false)).unwrap();
        assert!(h.len() < 200_000, "{} bytes", h.len());
    }

    #[test]
    fn empty_and_bad_config() {
        let h = chart("", data(0, false)).unwrap();
        assert!(h.contains("No data for this range"));
        assert!(matches!(
            chart(r#"{"style":"pie"}"#, data(3, false)),
            Err(PluginError::InvalidConfig(_))
        ));
    }

    #[test]
    fn schema_lists_styles_and_defaults() {
        let schema = testing::widget_schema::<TrendChart>();
        let p = &schema["properties"];
        assert_eq!(p["style"]["enum"], serde_json::json!(["line", "area"]));
        assert_eq!(p["style"]["default"], "line");
        assert_eq!(p["show_previous"]["default"], true);
        assert_eq!(p["y_from_zero"]["default"], true);
        assert_eq!(p["metric"]["x-wasmdash"], "metric");
    }
}
