//! Axes: tick lines, grid lines and labels.

use std::fmt::Write as _;

use super::{FONT_PX, LinearScale, num, text, text_width};
use crate::time;

/// The plot area inside a chart's margins, in SVG coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    /// Left edge of the plot area.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Axis {
    /// The plot area of a `width` × `height` chart with room for y labels on
    /// the left and x labels below.
    pub fn with_margins(width: f64, height: f64, left: f64, bottom: f64) -> Self {
        Self {
            left: left.min(width / 2.0),
            top: 8.0_f64.min(height / 4.0),
            right: (width - 8.0).max(width / 2.0 + 1.0),
            bottom: (height - bottom).max(height / 2.0),
        }
    }
}

/// A y axis on the left of `area`: horizontal grid lines at round ticks and
/// labels formatted by `label`. `count` is about how many ticks (see
/// [`ChartBox::y_ticks`](super::ChartBox::y_ticks)); 0 draws three grid
/// lines and no labels, for a box too small for text.
pub fn y_axis(
    area: &Axis,
    scale: &LinearScale,
    count: usize,
    label: impl Fn(f64) -> String,
) -> String {
    let mut out = String::from("<g class=\"wd-axis wd-axis-y\">");
    for t in scale.ticks(if count == 0 { 3 } else { count }) {
        let y = scale.map(t);
        let _ = write!(
            out,
            "<line class=\"wd-grid\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>",
            num(area.left),
            num(area.right),
            y = num(y)
        );
        if count > 0 {
            out.push_str(&text(
                area.left - 5.0,
                y + FONT_PX * 0.35,
                "end",
                "wd-tick-label",
                &label(t),
            ));
        }
    }
    out.push_str("</g>");
    out
}

/// The x at which a label of `width` centred at `x` stays inside
/// `[0, area.right + 8]` (the toolkit's right margin).
fn inside(area: &Axis, x: f64, width: f64) -> f64 {
    let half = width / 2.0;
    x.max(half).min(area.right + 8.0 - half)
}

/// A time x axis below `area`: ticks at round local times over
/// `[start_ms, end_ms]`, labelled in the viewer's UTC offset, at most
/// `max_ticks` of them (see [`ChartBox::x_ticks`](super::ChartBox::x_ticks));
/// 0 draws the axis line only.
pub fn x_axis_time(
    area: &Axis,
    scale: &LinearScale,
    start_ms: i64,
    end_ms: i64,
    offset_minutes: i32,
    max_ticks: usize,
) -> String {
    let mut out = String::from("<g class=\"wd-axis wd-axis-x\">");
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>",
        num(area.left),
        num(area.right),
        b = num(area.bottom)
    );
    if max_ticks == 0 {
        out.push_str("</g>");
        return out;
    }
    let span = end_ms - start_ms;
    for t in time::ticks(start_ms, end_ms, offset_minutes, max_ticks) {
        let x = scale.map(t as f64);
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>",
            num(area.bottom),
            num(area.bottom + 4.0),
            x = num(x)
        );
        let label = time::tick_label(t, offset_minutes, span);
        out.push_str(&text(
            inside(area, x, text_width(&label)),
            area.bottom + 4.0 + FONT_PX,
            "middle",
            "wd-tick-label",
            &label,
        ));
    }
    out.push_str("</g>");
    out
}

/// Category labels along the bottom of `area`, centred at `positions`,
/// each shortened to `slot` pixels (see [`fit_text`](super::fit_text));
/// a label that does not fit at all is left out.
pub fn x_axis_labels(area: &Axis, positions: &[(f64, String)], slot: f64) -> String {
    let mut out = String::from("<g class=\"wd-axis wd-axis-x\">");
    for (x, label) in positions {
        let Some(shown) = super::fit_text(label, slot) else {
            continue;
        };
        out.push_str(&text(
            inside(area, *x, text_width(&shown)),
            area.bottom + 4.0 + FONT_PX,
            "middle",
            "wd-tick-label",
            &shown,
        ));
    }
    out.push_str("</g>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_axis_has_a_label_per_tick() {
        let area = Axis::with_margins(300.0, 200.0, 40.0, 20.0);
        let s = LinearScale::new((0.0, 100.0), (area.bottom, area.top));
        let svg = y_axis(&area, &s, 5, |v| format!("{v}"));
        assert_eq!(svg.matches("<text").count(), s.ticks(5).len());
        assert!(svg.contains(">100</text>"));
        let bare = y_axis(&area, &s, 0, |v| format!("{v}"));
        assert!(!bare.contains("<text") && bare.contains("<line"));
    }

    #[test]
    fn time_axis_labels_use_offset() {
        let area = Axis::with_margins(300.0, 200.0, 40.0, 20.0);
        let (start, end) = (0_i64, 86_400_000_i64);
        let s = LinearScale::new((start as f64, end as f64), (area.left, area.right));
        let svg = x_axis_time(&area, &s, start, end, 60, 5);
        assert!(svg.contains(">01:00<") || svg.contains(">06:00<"), "{svg}");
        assert!(!x_axis_time(&area, &s, start, end, 60, 0).contains("<text"));
    }

    #[test]
    fn x_labels_stay_inside_and_fit_their_slot() {
        let area = Axis::with_margins(300.0, 200.0, 40.0, 20.0);
        let svg = x_axis_labels(
            &area,
            &[
                (0.0, "left".into()),
                (300.0, "cancelled".into()),
                (150.0, "x".into()),
            ],
            40.0,
        );
        // "left" (28 px) centred at 0 moves right to 14; "cancelled" is cut.
        assert!(svg.contains("x=\"14\""), "{svg}");
        assert!(svg.contains(">canc…<") && svg.contains(">x<"), "{svg}");
        assert!(!x_axis_labels(&area, &[(10.0, "long".into())], 10.0).contains("<text"));
    }
}
