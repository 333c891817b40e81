//! Built-in widget `trend-chart`: a metric over time as an SVG line or area
//! chart with a y axis, time labels in the viewer's UTC offset, an optional
//! dashed previous-period overlay, and long series reduced to about one
//! point per pixel (min/max per pixel, so spikes stay visible).
//!
//! Drawn at the widget's real size with the SDK's sizing rules
//! ([`ChartBox`]): text is 12 px whatever the size, the plot fills the box,
//! and what does not fit (legend, then labels) is left out. The partial
//! first and last buckets the host names are dashed and their tooltips say
//! "partial", in the previous period too.
//!
//! With the previous period shown, the line above the plot says how this
//! period compares ("▼ -12.0% vs previous period"), coloured by whether
//! that is good news for the metric (the SDK's
//! [`change`](wasmdash_plugin_sdk::change) rules, the same as the metric
//! card's: a falling error rate is green). The figure
//! compares the sums of the buckets both periods have a value for,
//! partial first and last buckets included on both sides: the two periods
//! are ranges of equal length, as the metric card compares them, so for a
//! count or a sum the chart and the card show the same change (for an
//! average or a ratio the chart's is the mean of its buckets). It is
//! fitted like the rest, at 12 px: when the line is too narrow the legend
//! gets short ("Previous", "Partial"), then the figure loses its words
//! ("▼ -12.0%"), then the legend goes, then the figure.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wasmdash_plugin_sdk::buckets::PartialBuckets;
use wasmdash_plugin_sdk::change::Change;
use wasmdash_plugin_sdk::svg::{self, ChartBox, LinearScale, Partial};
use wasmdash_plugin_sdk::{
    PluginConfig, PluginError, PluginMeta, RenderContext, Series, SeriesData, Widget, display,
    format, html, time,
};

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

/// Most points that get a hover tooltip each (beyond, only partial ones).
const MAX_TIPS: usize = 200;

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
    let partial = PartialBuckets::of_call();
    let (partial_now, partial_before) = (
        Partial::new(&partial.current),
        Partial::new(&partial.previous),
    );
    // Drawn at the box's real size: text stays 12 px, the plot fills it.
    let chart = ChartBox::new(ctx.width, ctx.height);
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
    let y_all = LinearScale::for_values(all.map(|p| p.1), cfg.y_from_zero, (1.0, 0.0));
    let tick_text = |v: f64| format::value_compact(v, &data.format);
    let labels = svg::tick_labels(&y_all, tick_text);
    let legend = Legend {
        previous: !previous.is_empty(),
        partial: !partial.is_empty(),
    };
    let change = if previous.is_empty() {
        None
    } else {
        period_change(data, display::higher_is_better())
    };
    let head = header(&chart, change.as_ref(), legend);
    let area = chart.plot(&labels, head.shown());
    let x = LinearScale::new((start as f64, end as f64), (area.left, area.right));
    let y = LinearScale {
        range: (area.bottom, area.top),
        ..y_all
    };
    let pixels = (area.right - area.left).max(1.0) as usize;
    // Per segment: the kept points as data (t, v) and as pixels.
    let to_px = |seg: &Vec<(f64, f64)>| -> (Vec<f64>, Vec<(f64, f64)>) {
        let kept = svg::min_max(seg, pixels);
        let xs = kept.iter().map(|p| p.0).collect();
        (
            xs,
            kept.iter().map(|(t, v)| (x.map(*t), y.map(*v))).collect(),
        )
    };
    let whole_days = matches!(data.bucket.as_str(), "day" | "week" | "month");
    let when = |t: f64| {
        let shown = time::date_time(t as i64, ctx.utc_offset_minutes);
        match shown.split_once(' ') {
            Some((day, _)) if whole_days => day.to_owned(),
            _ => shown,
        }
    };

    let mut out = String::from("<div class=\"wd-widget wd-trend-chart\"><div class=\"wd-title\">");
    html::escape_into(&mut out, title);
    out.push_str("</div>");
    let label = format!("{title} over {}", ctx.time_range.label);
    let (w, h) = chart.size();
    out.push_str(&svg::open(w, h, &label));
    out.push_str(&svg::y_axis(&area, &y, chart.y_ticks(&area), tick_text));
    out.push_str(&svg::x_axis_time(
        &area,
        &x,
        start,
        end,
        ctx.utc_offset_minutes,
        chart.x_ticks(&area, 6),
    ));
    for seg in &previous {
        let (xs, px) = to_px(seg);
        out.push_str(&partial_before.line(&px, &xs, "wd-line wd-previous wd-c7", "4 3"));
        out.push_str(&partial_before.markers(&px, &xs, "wd-previous wd-c7", |i| {
            let t = partial_before.note(&when(xs[i]), xs[i]);
            format!(
                "Previous period, {t}: {}",
                format::value(seg_value(seg, xs[i]), &data.format)
            )
        }));
    }
    let points = data.points.len();
    for seg in &current {
        let (xs, px) = to_px(seg);
        if cfg.style == Style::Area {
            let base = y.map(y.domain.0.max(0.0).min(y.domain.1));
            out.push_str(&svg::path(&svg::area_path(&px, base), "wd-area wd-c0"));
        }
        out.push_str(&partial_now.line(&px, &xs, "wd-line wd-c0", ""));
        let tip = |i: usize| {
            let t = partial_now.note(&when(xs[i]), xs[i]);
            format!(
                "{t}: {}",
                format::value(seg_value(seg, xs[i]), &data.format)
            )
        };
        out.push_str(&partial_now.markers(&px, &xs, "wd-point wd-c0", tip));
        if px.len() == 1 {
            // A lone point has no line; show it as a dot.
            let _ = write!(
                out,
                "<circle class=\"wd-point wd-c0\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"currentColor\"/>",
                svg::num(px[0].0),
                svg::num(px[0].1)
            );
        }
        if points <= MAX_TIPS {
            let r = ((area.right - area.left) / points.max(1) as f64 / 2.0).clamp(2.0, 8.0);
            for (i, (cx, cy)) in px.iter().enumerate() {
                if !partial_now.contains(xs[i]) {
                    out.push_str(&svg::point_tip(*cx, *cy, r, &tip(i)));
                }
            }
        }
    }
    if let (Some(text), Some(c)) = (&head.change, &change) {
        let class = format!("wd-change {}", c.tone.class());
        out.push_str(&svg::text(2.0, area.top - 10.0, "start", &class, text));
    }
    if let Some(items) = &head.legend {
        out.push_str(&legend_row(items, area.right + 8.0, area.top - 10.0));
    }
    out.push_str(svg::CLOSE);
    out.push_str("</div>");
    out
}

/// The value at data x `t` of a segment (points kept by downsampling are
/// the segment's own, so one is always found).
fn seg_value(seg: &[(f64, f64)], t: f64) -> f64 {
    seg.iter().find(|p| p.0 == t).map_or(f64::NAN, |p| p.1)
}

/// This period against the previous one: the sums of the buckets both
/// have a value for (index by index, as the previous period is drawn),
/// partial buckets included on both sides (see the crate docs); `None`
/// when no bucket pairs up.
fn period_change(data: &SeriesData, higher_is_better: bool) -> Option<Change> {
    let previous = data.previous.as_ref()?;
    let value = |s: &Series, i: usize| {
        let v = *s.values.get(i)?;
        (!s.nulls.get(i).copied().unwrap_or(false) && v.is_finite()).then_some(v)
    };
    let (mut now, mut before, mut pairs) = (0.0, 0.0, 0usize);
    for i in 0..data.points.len().min(previous.len()) {
        if let (Some(a), Some(b)) = (value(&data.points, i), value(previous, i)) {
            now += a;
            before += b;
            pairs += 1;
        }
    }
    if pairs == 0 {
        return None;
    }
    Change::between(now, before, higher_is_better)
}

/// What the line above the plot shows: the change figure (long or short
/// form) at its start, the legend (whole or short) at its end.
struct Header {
    change: Option<String>,
    legend: Option<Vec<LegendItem>>,
}

impl Header {
    fn shown(&self) -> bool {
        self.change.is_some() || self.legend.is_some()
    }
}

/// Gap between the change figure and the legend.
const HEADER_GAP: f64 = 16.0;

/// The most of the change figure and the legend that fits on one line of
/// `chart`, in this order of preference: the long figure with the whole
/// legend, then with the short legend; the short figure with either; the
/// figure alone; the legend alone. The figure is given up last.
fn header(chart: &ChartBox, change: Option<&Change>, legend: Legend) -> Header {
    let none = Header {
        change: None,
        legend: None,
    };
    if !chart.shows_legend() {
        return none;
    }
    let room = chart.width - 4.0;
    let texts: Vec<String> = change
        .map(|c| {
            vec![
                format!("{} {} vs previous period", c.arrow(), c.text()),
                format!("{} {}", c.arrow(), c.text()),
            ]
        })
        .unwrap_or_default();
    let legends: Vec<Vec<LegendItem>> = [legend.items(false), legend.items(true)]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    let fits = |text: Option<&String>, items: Option<&Vec<LegendItem>>| {
        let t = text.map_or(0.0, |t| svg::text_width(t));
        let gap = if text.is_some() && items.is_some() {
            HEADER_GAP
        } else {
            0.0
        };
        t + gap + items.map_or(0.0, |l| legend_width(l)) <= room
    };
    let mut choices: Vec<(Option<&String>, Option<&Vec<LegendItem>>)> = Vec::new();
    for t in &texts {
        choices.extend(legends.iter().map(|l| (Some(t), Some(l))));
    }
    choices.extend(texts.iter().map(|t| (Some(t), None)));
    choices.extend(legends.iter().map(|l| (None, Some(l))));
    choices
        .into_iter()
        .find(|(t, l)| fits(*t, *l))
        .map_or(none, |(t, l)| Header {
            change: t.cloned(),
            legend: l.cloned(),
        })
}

/// One legend entry: its text, the palette class and dash of its swatch.
#[derive(Debug, Clone, PartialEq)]
struct LegendItem {
    text: &'static str,
    class: &'static str,
    dash: &'static str,
}

/// Which lines the legend explains.
#[derive(Debug, Clone, Copy)]
struct Legend {
    previous: bool,
    partial: bool,
}

impl Legend {
    /// The entries, whole or `short` (without "This period", one word each).
    fn items(self, short: bool) -> Vec<LegendItem> {
        let mut items = Vec::new();
        if (self.previous || self.partial) && !short {
            items.push(LegendItem {
                text: "This period",
                class: "wd-c0",
                dash: "",
            });
        }
        if self.previous {
            items.push(LegendItem {
                text: if short { "Previous" } else { "Previous period" },
                class: "wd-c7",
                dash: "4 3",
            });
        }
        if self.partial {
            items.push(LegendItem {
                text: if short { "Partial" } else { "Partial bucket" },
                class: "wd-c0 wd-partial",
                dash: "2 4",
            });
        }
        items
    }
}

/// Width of one legend entry: swatch, gap, text.
fn item_width(item: &LegendItem) -> f64 {
    22.0 + svg::text_width(item.text)
}

/// Width of the legend line, entries 12 px apart.
fn legend_width(items: &[LegendItem]) -> f64 {
    items.iter().map(item_width).sum::<f64>() + 12.0 * items.len().saturating_sub(1) as f64
}

/// The legend as one line of SVG ending at `right`, text baseline near
/// `y` (the middle of the line above the plot).
fn legend_row(items: &[LegendItem], right: f64, y: f64) -> String {
    let widths: Vec<f64> = items.iter().map(item_width).collect();
    let mut x = (right - legend_width(items)).max(2.0);
    let mut out = String::from("<g class=\"wd-legend-row\">");
    for (item, width) in items.iter().zip(&widths) {
        let dash = if item.dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", item.dash)
        };
        let _ = write!(
            out,
            "<line class=\"{}\" x1=\"{}\" y1=\"{cy}\" x2=\"{}\" y2=\"{cy}\" stroke=\"currentColor\" stroke-width=\"2\"{dash}/>",
            item.class,
            svg::num(x),
            svg::num(x + 16.0),
            cy = svg::num(y - 4.0)
        );
        out.push_str(&svg::text(
            x + 20.0,
            y,
            "start",
            "wd-legend-label",
            item.text,
        ));
        x += width + 12.0;
    }
    out.push_str("</g>");
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
        // Ticks fall on local (UTC+1) round hours.
        assert!(h.contains(">12:00<") && !h.contains(">11:00<"), "{h}");
        assert!(!h.contains("style=") && !h.contains(" id="));
        // The null at index 3 splits the line.
        assert!(h.matches("class=\"wd-line wd-c0\"").count() >= 2);
        let h = chart(r#"{"show_previous":false}"#, data(24, true)).unwrap();
        assert!(!h.contains("wd-previous"));
    }

    /// Body sizes of widgets 1..=12 columns wide and 1..=8 rows high on a
    /// 1440 px screen, and of a phone's full-width widget.
    fn grid_sizes() -> Vec<(u32, u32)> {
        let mut sizes = Vec::new();
        for rows in 1..=8u32 {
            for cols in 1..=12u32 {
                sizes.push((cols * 116 - 42, rows * 90 - 66));
            }
            sizes.push((348, rows * 90 - 66));
        }
        sizes
    }

    #[test]
    fn text_stays_12px_inside_and_the_plot_fills_the_box_at_every_grid_size() {
        let partial = PartialBuckets {
            current: vec![0],
            previous: vec![0],
        };
        for (w, h) in grid_sizes() {
            let html = testing::with_partial_buckets(partial.clone(), || {
                testing::render::<TrendChart>(
                    r#"{"style":"area"}"#,
                    data(48, true),
                    &render_context(w, h),
                )
            })
            .unwrap();
            let l = testing::svg_layout(&html).unwrap();
            let at = format!("{w}x{h}");
            assert_eq!(l.faults(w, h), Vec::<String>::new(), "{at}");
            assert!(l.fill() >= 0.85, "{at}: the plot spans {:.2}", l.fill());
            if w >= 300 && h >= 114 {
                assert!(html.contains("wd-tick-label"), "{at}: room for labels");
            }
        }
    }

    #[test]
    fn partial_buckets_are_dashed_and_say_so() {
        let d = data(24, true);
        let (first, last) = (d.points.timestamps[0], d.points.timestamps[23]);
        let partial = PartialBuckets {
            current: vec![first, last],
            previous: vec![last],
        };
        let wide = testing::with_partial_buckets(partial.clone(), || chart_at(900, 200, d.clone()));
        let h = testing::with_partial_buckets(partial, || chart("", d)).unwrap();
        assert_eq!(
            h.matches("class=\"wd-line wd-c0 wd-partial\"").count(),
            2,
            "{h}"
        );
        assert_eq!(
            h.matches("class=\"wd-line wd-previous wd-c7 wd-partial\"")
                .count(),
            1
        );
        assert!(h.contains("1970-01-01 01:00 (partial): 0<"), "{h}");
        assert!(
            h.contains("Previous period, 1970-01-02 00:00 (partial)"),
            "{h}"
        );
        // At 400 px beside the change figure, the legend is the short one.
        assert!(h.contains(">Partial<"), "{h}");
        assert!(wide.contains(">Partial bucket<"), "{wide}");
        // Whole buckets: one solid line per run, no legend entry.
        let h = chart("", data(24, false)).unwrap();
        assert!(!h.contains("wd-partial") && !h.contains("Partial bucket"));
        assert!(
            h.contains("<title>1970-01-01 02:00: 1</title>"),
            "tooltips: {h}"
        );
    }

    /// `data(24, true)` with the previous period at `k` times the current.
    fn against(k: f64) -> SeriesData {
        let mut d = data(24, true);
        if let Some(p) = d.previous.as_mut() {
            p.values = d.points.values.iter().map(|v| v * k).collect();
        }
        d
    }

    fn lower_is_better<R>(f: impl FnOnce() -> R) -> R {
        use wasmdash_plugin_sdk::display::Display;
        let display = Display {
            higher_is_better: false,
            ..Display::default()
        };
        testing::with_display(display, f)
    }

    /// The change figure's `<text>` element, if drawn.
    fn change_figure(h: &str) -> Option<&str> {
        let at = h.find("<text class=\"wd-change")?;
        Some(&h[at..at + h[at..].find("</text>")? + 7])
    }

    #[test]
    fn the_change_is_coloured_by_the_metrics_direction() {
        // The previous period at twice this one: a fall of 50%.
        let fell = chart("", against(2.0)).unwrap();
        let t = change_figure(&fell).unwrap_or_else(|| panic!("{fell}"));
        assert!(
            t.contains("wd-change wd-bad") && t.contains("▼ -50.0% vs previous period"),
            "higher is better by default: {t}"
        );
        let good = lower_is_better(|| chart("", against(2.0))).unwrap();
        let t = change_figure(&good).unwrap();
        assert!(
            t.contains("wd-change wd-good") && t.contains("▼ -50.0%"),
            "{t}"
        );
        // A rise: good where higher is better, bad where lower is.
        let rose = chart("", against(0.5)).unwrap();
        let t = change_figure(&rose).unwrap();
        assert!(t.contains("wd-good") && t.contains("▲ +100.0%"), "{t}");
        let bad = lower_is_better(|| chart("", against(0.5))).unwrap();
        assert!(change_figure(&bad).unwrap().contains("wd-bad"));
        // Flat: neutral whichever way is good.
        for h in [
            chart("", against(1.0)).unwrap(),
            lower_is_better(|| chart("", against(1.0))).unwrap(),
        ] {
            let t = change_figure(&h).unwrap();
            assert!(t.contains("wd-neutral") && t.contains("→ 0.0%"), "{t}");
        }
    }

    #[test]
    fn no_previous_period_no_change() {
        for h in [
            chart("", data(24, false)).unwrap(),
            chart(r#"{"show_previous":false}"#, against(2.0)).unwrap(),
        ] {
            assert!(change_figure(&h).is_none(), "{h}");
        }
        // A previous period without a value in any bucket this one has.
        let mut d = against(2.0);
        if let Some(p) = d.previous.as_mut() {
            p.nulls = vec![true; 24];
        }
        assert!(change_figure(&chart("", d).unwrap()).is_none());
    }

    #[test]
    fn partial_buckets_count_on_both_sides_like_the_card() {
        // The last bucket is partial in both periods: the sums still
        // compare the two ranges whole (24 buckets against 24).
        let mut d = against(2.0);
        let last = d.points.timestamps[23];
        let partial = PartialBuckets {
            current: vec![last],
            previous: vec![last],
        };
        d.points.values[23] = 1_000.0;
        let now: f64 = (0..24)
            .filter(|i| *i != 3)
            .map(|i| d.points.values[i])
            .sum();
        let before: f64 = (0..24)
            .filter(|i| *i != 3)
            .map(|i| d.previous.as_ref().unwrap().values[i])
            .sum();
        let expected = Change::between(now, before, true).unwrap().text();
        let h = testing::with_partial_buckets(partial, || chart("", d)).unwrap();
        assert!(
            change_figure(&h).unwrap().contains(&expected),
            "{expected}: {h}"
        );
    }

    #[test]
    fn the_change_figure_fits_or_is_left_out() {
        let change = Change::between(50.0, 100.0, true).unwrap();
        let legend = Legend {
            previous: true,
            partial: true,
        };
        let texts = |h: &Header| -> (Option<String>, Vec<&str>) {
            let items = h.legend.iter().flatten().map(|i| i.text).collect();
            (h.change.clone(), items)
        };
        let long = Some("▼ -50.0% vs previous period".to_owned());
        let wide = header(&ChartBox::new(900, 300), Some(&change), legend);
        assert_eq!(
            texts(&wide),
            (
                long.clone(),
                vec!["This period", "Previous period", "Partial bucket"]
            )
        );
        // Narrower: the legend gets short first, then goes.
        let mid = header(&ChartBox::new(400, 300), Some(&change), legend);
        assert_eq!(texts(&mid), (long.clone(), vec!["Previous", "Partial"]));
        let from_zero = Change::between(-5.0, 0.0, true).unwrap();
        let narrow = header(&ChartBox::new(200, 300), Some(&from_zero), legend);
        assert_eq!(texts(&narrow), (Some("▼ down from 0".into()), vec![]));
        // No line above the plot in a low box.
        assert!(!header(&ChartBox::new(900, 100), Some(&change), legend).shown());
        // Where it is drawn, it is 12 px and inside the box.
        for w in [200, 260, 400, 900] {
            let html = chart_at(w, 200, against(2.0));
            let l = testing::svg_layout(&html).unwrap();
            assert!(l.texts_outside().is_empty(), "{w}: {:?}", l.texts_outside());
            assert!(change_figure(&html).is_some(), "{w}: {html}");
        }
    }

    fn chart_at(w: u32, h: u32, d: SeriesData) -> String {
        testing::render::<TrendChart>("", d, &render_context(w, h)).unwrap()
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
