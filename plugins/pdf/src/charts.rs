//! Charts as vector graphics (paths, rectangles, polygons and real text),
//! one per dashboard section: a line chart with axes and labels, horizontal
//! bars, a pie with its legend, and a big value card.

use std::f64::consts::TAU;

use wasmdash_plugin_sdk::change::Tone;
use wasmdash_plugin_sdk::svg::{category_colors_with, min_max, nice_ticks, slice_angles};
use wasmdash_plugin_sdk::{ChartKind, format, time};

use crate::draw::{Canvas, Font, INK, MUTED, Rgb3, hex_color, palette};
use crate::metrics::wrap;
use crate::part::{ChartData, LinePoint, Part};

/// The box a chart is drawn in, from its lower-left corner, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
}

const LABEL: Font = Font::regular(7.0);
const GRID: Rgb3 = Rgb3::grey(0.88);
const AXIS: Rgb3 = Rgb3::grey(0.35);
/// Bars shown one by one; the rest are summed into "Other".
const MAX_BARS: usize = 12;
/// Pie slices shown one by one; the rest are summed into "Other".
const MAX_SLICES: usize = 8;

/// Draw the chart of `part` into `area`.
pub(crate) fn draw(c: &mut Canvas, area: Area, part: &Part, offset_minutes: i32) {
    match &part.data {
        ChartData::None => {}
        ChartData::Line(points) => line(c, area, part, points, offset_minutes),
        ChartData::Categories(list, rest) => {
            let limit = if part.chart == ChartKind::Pie {
                MAX_SLICES
            } else {
                MAX_BARS
            };
            let items = top_with_other(list, *rest, limit);
            if part.chart == ChartKind::Pie {
                pie(c, area, part, &items);
            } else {
                bars(c, area, part, &items);
            }
        }
        ChartData::Value(v) => value_card(c, area, part, v.as_ref()),
    }
}

fn no_data(c: &mut Canvas, a: Area) {
    c.text_center(
        a.x + a.w / 2.0,
        a.y + a.h / 2.0,
        Font::regular(9.0),
        MUTED,
        "No data for this range.",
    );
}

/// The first `limit - 1` items and "Other" for the rest, when there are
/// more than `limit`.
fn top_with_other(list: &[(String, f64)], rest: f64, limit: usize) -> Vec<(String, f64)> {
    let mut items: Vec<(String, f64)> = list.iter().take(limit).cloned().collect();
    let mut other = rest;
    if list.len() > limit {
        items.truncate(limit - 1);
        other += list[limit - 1..].iter().map(|(_, v)| v).sum::<f64>();
    }
    if other != 0.0 {
        items.push(("Other".into(), other));
    }
    items
}

/// A value axis covering `[lo, hi]` and zero: the rounded bounds and the
/// tick values.
fn value_axis(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let (mut lo, mut hi) = (lo.min(0.0), hi.max(0.0));
    if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
        hi = lo + 1.0;
    }
    let first = nice_ticks(lo, hi, 4);
    let step = match first.as_slice() {
        [a, b, ..] => b - a,
        _ => (hi - lo) / 4.0,
    };
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    let n = ((hi - lo) / step).round() as usize;
    let ticks = (0..=n.min(20)).map(|i| lo + i as f64 * step).collect();
    (lo, hi, ticks)
}

fn scale(v: f64, (d0, d1): (f64, f64), (r0, r1): (f32, f32)) -> f32 {
    let t = if d1 == d0 { 0.5 } else { (v - d0) / (d1 - d0) };
    r0 + (r1 - r0) * t as f32
}

/// A time series with its previous period, gridlines, a value axis and a
/// time axis in the export's UTC offset.
fn line(c: &mut Canvas, a: Area, part: &Part, points: &[LinePoint], offset: i32) {
    let values = points.iter().flat_map(|p| [p.value, p.previous]).flatten();
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        no_data(c, a);
        return;
    }
    let (lo, hi, ticks) = value_axis(lo, hi);
    let has_previous = points.iter().any(|p| p.previous.is_some());
    let has_partial = points.iter().any(|p| p.partial || p.previous_partial);
    let top = if has_previous || has_partial {
        16.0
    } else {
        6.0
    };
    let labels: Vec<String> = ticks
        .iter()
        .map(|t| part.value_format.compact(*t))
        .collect();
    let left = labels.iter().map(|l| LABEL.width(l)).fold(0.0, f32::max) + 8.0;
    let (px0, px1) = (a.x + left, a.x + a.w - 10.0);
    let (py0, py1) = (a.y + 16.0, a.y + a.h - top);

    for (t, label) in ticks.iter().zip(&labels) {
        let y = scale(*t, (lo, hi), (py0, py1));
        c.line((px0, y), (px1, y), GRID, 0.5);
        c.text_right(px0 - 4.0, y - 2.5, LABEL, MUTED, label);
    }
    let t0 = points.iter().map(|p| p.t).min().unwrap_or(0);
    let t1 = points.iter().map(|p| p.t).max().unwrap_or(0).max(t0 + 1);
    let x_of = |t: i64| scale(t as f64, (t0 as f64, t1 as f64), (px0, px1));
    let max_ticks = ((px1 - px0) / 70.0).max(2.0) as usize;
    for t in time::ticks(t0, t1, offset, max_ticks) {
        let x = x_of(t);
        c.line((x, py0), (x, py0 - 3.0), AXIS, 0.5);
        let label = time::tick_label(t, offset, t1 - t0);
        c.text_center(x, py0 - 11.0, LABEL, MUTED, &label);
    }
    c.line((px0, py0), (px1, py0), AXIS, 0.7);
    c.line((px0, py0), (px0, py1), AXIS, 0.7);

    let width_buckets = ((px1 - px0) / 2.0).max(1.0) as usize;
    let y_of = |v: f64| scale(v, (lo, hi), (py0, py1));
    let mut series = |pick: fn(&LinePoint) -> Option<f64>,
                      cut: fn(&LinePoint) -> bool,
                      color: Rgb3,
                      thick: f32| {
        // Nulls break the line into segments.
        for segment in points.split(|p| pick(p).is_none()) {
            let pts: Vec<(f64, f64)> = segment
                .iter()
                .filter_map(|p| pick(p).map(|v| (p.t as f64, v)))
                .collect();
            let pts: Vec<(f32, f32)> = min_max(&pts, width_buckets)
                .into_iter()
                .map(|(t, v)| (x_of(t as i64), y_of(v)))
                .collect();
            if let [(x, y)] = pts.as_slice() {
                c.rect(x - 1.2, y - 1.2, 2.4, 2.4, color);
            } else {
                c.polyline(&pts, color, thick);
            }
            // A partial first or last bucket: its segment dashed and paler
            // over the solid line, so it does not read as a drop.
            let partial_segment = |p: &LinePoint, next: &LinePoint| {
                let (Some(a), Some(b)) = (pick(p), pick(next)) else {
                    return None;
                };
                Some([(x_of(p.t), y_of(a)), (x_of(next.t), y_of(b))])
            };
            let n = segment.len();
            let ends = [(0, 1), (n.saturating_sub(2), n.saturating_sub(1))];
            for (i, (from, to)) in ends.into_iter().enumerate() {
                let edge = if i == 0 { from } else { to };
                if n >= 2
                    && cut(&segment[edge])
                    && let Some(seg) = partial_segment(&segment[from], &segment[to])
                {
                    c.polyline(&seg, Rgb3::grey(1.0), thick + 0.6);
                    c.dashed(&seg, color.lighter(), thick);
                }
            }
        }
    };
    series(
        |p| p.previous,
        |p| p.previous_partial,
        Rgb3::grey(0.62),
        0.9,
    );
    series(|p| p.value, |p| p.partial, palette(0), 1.4);

    if has_previous || has_partial {
        let y = a.y + a.h - 7.0;
        let mut items: Vec<(&str, Rgb3, bool)> = vec![("Current", palette(0), false)];
        if has_previous {
            items.push(("Previous period", Rgb3::grey(0.62), false));
        }
        if has_partial {
            items.push(("Partial bucket", palette(0).lighter(), true));
        }
        let width: f32 = items.iter().map(|(n, _, _)| 25.0 + LABEL.width(n)).sum();
        let mut x = px1 - width;
        for (name, color, dashed) in items {
            let swatch = [(x, y + 2.5), (x + 12.0, y + 2.5)];
            if dashed {
                c.dashed(&swatch, color, 1.4);
            } else {
                c.polyline(&swatch, color, 1.4);
            }
            c.text(x + 15.0, y, LABEL, INK, name);
            x += 15.0 + LABEL.width(name) + 10.0;
        }
    }
}

/// The colour of each category: configured for its label, else the
/// dashboard's palette colour by label, as on screen.
fn colors_of(part: &Part, items: &[(String, f64)]) -> Vec<Rgb3> {
    let names: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    category_colors_with(&names, &part.category_colors)
        .iter()
        .map(|c| hex_color(c.hex()))
        .collect()
}

/// Horizontal bars with their labels and values.
fn bars(c: &mut Canvas, a: Area, part: &Part, items: &[(String, f64)]) {
    if items.is_empty() {
        no_data(c, a);
        return;
    }
    let (lo, hi) = items.iter().fold((0.0f64, 0.0f64), |(lo, hi), (_, v)| {
        (lo.min(*v), hi.max(*v))
    });
    let hi = if hi == lo { lo + 1.0 } else { hi };
    let values: Vec<String> = items
        .iter()
        .map(|(_, v)| part.value_format.number(*v))
        .collect();
    let label_w = items
        .iter()
        .map(|(l, _)| LABEL.width(l))
        .fold(0.0, f32::max)
        .min(a.w * 0.3)
        + 8.0;
    let value_w = values.iter().map(|v| LABEL.width(v)).fold(0.0, f32::max) + 8.0;
    let colors = colors_of(part, items);
    let (bx0, bx1) = (a.x + label_w, a.x + a.w - value_w);
    let row = (a.h / items.len() as f32).min(16.0);
    let zero = scale(0.0, (lo, hi), (bx0, bx1));
    for (i, ((label, v), text)) in items.iter().zip(&values).enumerate() {
        let top = a.y + a.h - row * i as f32;
        let mid = top - row / 2.0;
        let x = scale(*v, (lo, hi), (bx0, bx1));
        let bar_h = row * 0.7;
        c.rect(
            zero.min(x),
            mid - bar_h / 2.0,
            (x - zero).abs(),
            bar_h,
            colors[i],
        );
        let name = wrap(label, label_w - 8.0, LABEL.size, false, 1);
        c.text(
            a.x,
            mid - 2.5,
            LABEL,
            INK,
            name.first().map_or("", String::as_str),
        );
        if *v >= 0.0 {
            c.text(x.max(zero) + 3.0, mid - 2.5, LABEL, MUTED, text);
        } else {
            c.text_right(x - 3.0, mid - 2.5, LABEL, MUTED, text);
        }
    }
    let bottom = a.y + a.h - row * items.len() as f32;
    c.line((zero, a.y + a.h), (zero, bottom), AXIS, 0.7);
}

/// A pie of the positive values with a legend of labels, values and shares.
fn pie(c: &mut Canvas, a: Area, part: &Part, items: &[(String, f64)]) {
    let values: Vec<f64> = items.iter().map(|(_, v)| *v).collect();
    let total: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
    if total <= 0.0 {
        no_data(c, a);
        return;
    }
    let colors = colors_of(part, items);
    let r = (a.h / 2.0 - 6.0).min(a.w * 0.2).max(10.0);
    let (cx, cy) = (a.x + r + 10.0, a.y + a.h / 2.0);
    for (i, (start, end)) in slice_angles(&values).into_iter().enumerate() {
        if end <= start {
            continue;
        }
        let steps = ((end - start) / 0.04).ceil().max(1.0) as usize;
        let mut pts = Vec::with_capacity(steps + 2);
        if end - start < TAU - 1e-9 {
            pts.push((cx, cy));
        }
        for s in 0..=steps {
            let t = start + (end - start) * s as f64 / steps as f64;
            // Clockwise from 12 o'clock.
            pts.push((cx + r * t.sin() as f32, cy + r * t.cos() as f32));
        }
        c.polygon(&pts, colors[i]);
    }
    let lx = cx + r + 24.0;
    let row = ((a.h - 8.0) / items.len() as f32).min(14.0);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = a.y + a.h / 2.0 + row * items.len() as f32 / 2.0 - row * (i as f32 + 1.0);
        c.rect(lx, y, 8.0, 8.0, colors[i]);
        let share = if *v > 0.0 { v / total } else { 0.0 };
        let text = format!(
            "{label}: {} ({})",
            part.value_format.number(*v),
            format::percent(share, Some(1))
        );
        let fit = wrap(&text, a.x + a.w - lx - 14.0, 8.0, false, 1);
        c.text(
            lx + 12.0,
            y + 1.0,
            Font::regular(8.0),
            INK,
            fit.first().map_or("", String::as_str),
        );
    }
}

/// Green when the change is good news for this metric, red when bad.
/// (The SDK's [`Tone`] decides, as for the dashboard's card and chart.)
pub(crate) fn change_color(pct: f64, higher_is_better: bool) -> Rgb3 {
    match Tone::of_percent(pct, higher_is_better) {
        Tone::Good => Rgb3(0.1, 0.5, 0.2),
        Tone::Bad => Rgb3(0.7, 0.15, 0.15),
        Tone::Neutral => MUTED,
    }
}

/// One big number with its label and the change against the previous
/// period, formatted like the dashboard card and coloured by whether the
/// change is good news. Fits narrow boxes (four cards side by side).
fn value_card(
    c: &mut Canvas,
    a: Area,
    part: &Part,
    v: Option<&(String, Option<f64>, Option<f64>)>,
) {
    c.rect(a.x, a.y, a.w, a.h, Rgb3::grey(0.95));
    let inner = a.w - 16.0;
    let top = a.y + a.h;
    let title = part
        .title
        .as_deref()
        .or(v.map(|v| v.0.as_str()))
        .unwrap_or("");
    let head = Font::bold(8.0);
    for (i, line) in wrap(title, inner, head.size, true, 1).iter().enumerate() {
        c.text(a.x + 8.0, top - 12.0 - i as f32 * 10.0, head, MUTED, line);
    }
    let Some((_, Some(value), previous)) = v else {
        c.text(a.x + 8.0, top - 34.0, Font::regular(9.0), MUTED, "No data");
        return;
    };
    let f = &part.value_format;
    let shown = f.number(*value);
    // The biggest size up to 20 pt at which the number fits the card.
    let size = (inner / Font::bold(1.0).width(&shown)).clamp(8.0, 20.0);
    c.text(a.x + 8.0, top - 38.0, Font::bold(size), INK, &shown);
    let (text, color) = match previous.map(|p| (p, format::percent_change(*value, p))) {
        Some((p, Some(pct))) => (
            format!(
                "{} vs previous ({})",
                format::signed_percent(pct),
                f.number(p)
            ),
            change_color(pct, part.higher_is_better),
        ),
        Some((p, None)) => (format!("Previous: {}", f.number(p)), MUTED),
        None => ("No previous period".to_owned(), MUTED),
    };
    let small = Font::regular(7.0);
    for (i, line) in wrap(&text, inner, small.size, false, 2).iter().enumerate() {
        c.text(a.x + 8.0, a.y + 15.0 - i as f32 * 9.0, small, color, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_cover_the_values_and_zero() {
        let (lo, hi, ticks) = value_axis(3.0, 97.0);
        assert_eq!((lo, hi), (0.0, 100.0));
        assert_eq!(ticks.first(), Some(&0.0));
        assert_eq!(ticks.last(), Some(&100.0));
        let (lo, hi, _) = value_axis(-12.0, -3.0);
        assert!(lo <= -12.0 && hi == 0.0);
        let (lo, hi, _) = value_axis(5.0, 5.0);
        assert!(lo <= 0.0 && hi >= 5.0);
    }

    #[test]
    fn long_category_lists_end_in_other() {
        let list: Vec<(String, f64)> = (0..20).map(|i| (format!("c{i}"), 1.0)).collect();
        let items = top_with_other(&list, 5.0, 8);
        assert_eq!(items.len(), 8);
        assert_eq!(items[7], ("Other".into(), 13.0 + 5.0));
        assert_eq!(top_with_other(&list[..3], 0.0, 8).len(), 3);
    }

    #[test]
    fn categories_take_their_configured_colour_else_the_palette_one() {
        use crate::part::Looks;
        use wasmdash_plugin_sdk::{ColumnKind, ColumnSchema};
        let schema = [
            ColumnSchema {
                name: "label".into(),
                label: "Status".into(),
                kind: ColumnKind::Text,
            },
            ColumnSchema {
                name: "value".into(),
                label: "Orders".into(),
                kind: ColumnKind::Float64,
            },
        ];
        let looks = Looks {
            category_colors: vec![("error".into(), "#dc2626".into())],
            ..Looks::default()
        };
        let part = Part::new(Some("By status".into()), ChartKind::Pie, &schema, looks).unwrap();
        let items = [("error".to_owned(), 1.0), ("completed".to_owned(), 9.0)];
        let colors = colors_of(&part, &items);
        assert_eq!(colors[0], hex_color("#dc2626"));
        assert_eq!(
            colors[1],
            palette(wasmdash_plugin_sdk::svg::category_indices(&["error", "completed"])[1])
        );
    }

    #[test]
    fn a_fall_is_good_news_where_lower_is_better() {
        let (good, bad) = (Rgb3(0.1, 0.5, 0.2), Rgb3(0.7, 0.15, 0.15));
        assert_eq!(change_color(-10.0, false), good);
        assert_eq!(change_color(10.0, false), bad);
        assert_eq!(change_color(10.0, true), good);
        assert_eq!(change_color(-10.0, true), bad);
        assert_eq!(change_color(0.0, false), MUTED);
    }
}
