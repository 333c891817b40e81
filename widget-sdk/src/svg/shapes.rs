//! Lines, areas, bars and sparklines.

use std::fmt::Write as _;

use super::{LinearScale, num};

/// An SVG path `d` through `points` (`M x y L x y ...`); empty for none.
pub fn line_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{} {}",
            if i == 0 { "M" } else { " L" },
            num(*x),
            num(*y)
        );
    }
    d
}

/// A closed path `d` filling between `points` and the horizontal line at
/// `baseline_y`.
pub fn area_path(points: &[(f64, f64)], baseline_y: f64) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return String::new();
    };
    let mut d = line_path(points);
    let _ = write!(
        d,
        " L{} {} L{} {} Z",
        num(last.0),
        num(baseline_y),
        num(first.0),
        num(baseline_y)
    );
    d
}

/// `<path>` with `d` and classes; a line (no fill) unless the class list
/// contains `wd-area`.
pub fn path(d: &str, class: &str) -> String {
    let paint = if class.split_whitespace().any(|c| c == "wd-area") {
        "fill=\"currentColor\" fill-opacity=\"0.2\" stroke=\"none\""
    } else {
        "fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\""
    };
    format!("<path class=\"{class}\" d=\"{d}\" {paint}/>")
}

/// A bar as `<rect>` between two corners (any order), with a `<title>`
/// tooltip. Zero-size bars still get one pixel so they can be seen.
pub fn bar(x0: f64, y0: f64, x1: f64, y1: f64, class: &str, tooltip: &str) -> String {
    bar_filled(x0, y0, x1, y1, class, "currentColor", tooltip)
}

/// [`bar`] filled with `fill` (e.g. a configured category colour from
/// [`CategoryColor::fill`](super::CategoryColor::fill)).
pub fn bar_filled(
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    class: &str,
    fill: &str,
    tooltip: &str,
) -> String {
    let (x, w) = (x0.min(x1), (x1 - x0).abs().max(1.0));
    let (y, h) = (y0.min(y1), (y1 - y0).abs().max(1.0));
    format!(
        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
        num(x),
        num(y),
        num(w),
        num(h),
        crate::html::escape(fill),
        crate::html::escape(tooltip)
    )
}

/// A complete inline sparkline `<svg>` of `values` (finite ones), or an
/// empty string when fewer than two values are usable. Long series are
/// reduced to the width first. See [`sparkline_series`] for one that
/// dashes partial buckets.
pub fn sparkline(values: &[f64], width: u32, height: u32, label: &str) -> String {
    let pts: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (i as f64, *v))
        .collect();
    spark(&pts, &[], width, height, label)
}

/// A sparkline of `series` `width` × `height` pixels whose segments into
/// the buckets starting at `partial` (see [`crate::buckets`]) are dashed.
/// It has no text, so it may stretch: the host's stylesheet lets it fill
/// the height left in a card.
pub fn sparkline_series(
    series: &crate::Series,
    partial: &[i64],
    width: u32,
    height: u32,
    label: &str,
) -> String {
    let pts: Vec<(f64, f64)> = series.points().map(|(t, v)| (t as f64, v)).collect();
    spark(&pts, partial, width, height, label)
}

fn spark(pts: &[(f64, f64)], partial: &[i64], width: u32, height: u32, label: &str) -> String {
    if pts.len() < 2 {
        return String::new();
    }
    let pts = super::min_max(pts, width as usize);
    let (w, h) = (f64::from(width.max(2)), f64::from(height.max(2)));
    let x = LinearScale::new((pts[0].0, pts[pts.len() - 1].0), (1.0, w - 1.0));
    let y = LinearScale::new(
        pts.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.1), hi.max(p.1))
            }),
        (h - 2.0, 2.0),
    );
    let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let mapped: Vec<(f64, f64)> = pts.iter().map(|(a, b)| (x.map(*a), y.map(*b))).collect();
    let mut out = super::open(width.max(2), height.max(2), label)
        .replacen("wd-chart", "wd-sparkline", 1)
        .replacen("xMidYMid meet", "none", 1);
    out.push_str(&super::Partial::new(partial).line(&mapped, &xs, "wd-line wd-c0", ""));
    out.push_str(super::CLOSE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(line_path(&[(0.0, 1.0), (2.5, 3.0)]), "M0 1 L2.5 3");
        assert_eq!(
            area_path(&[(0.0, 1.0), (2.0, 3.0)], 10.0),
            "M0 1 L2 3 L2 10 L0 10 Z"
        );
        assert_eq!(area_path(&[], 1.0), "");
        assert!(path("M0 0", "wd-area wd-c1").contains("fill-opacity"));
    }

    #[test]
    fn bars_normalise_corners() {
        let b = bar(10.0, 50.0, 20.0, 50.0, "wd-bar", "<x>");
        assert!(
            b.contains("x=\"10\" y=\"50\" width=\"10\" height=\"1\""),
            "{b}"
        );
        assert!(b.contains("&lt;x&gt;"));
    }

    #[test]
    fn sparkline_needs_two_points() {
        assert_eq!(sparkline(&[1.0], 50, 10, "s"), "");
        let s = sparkline(&[1.0, f64::NAN, 3.0, 2.0], 50, 10, "s");
        assert!(s.starts_with("<svg class=\"wd-sparkline\"") && s.contains("<path"));
        assert!(s.contains("preserveAspectRatio=\"none\""));
    }

    #[test]
    fn a_sparkline_dashes_its_partial_last_bucket() {
        let series = crate::Series {
            timestamps: vec![0, 10, 20, 30],
            values: vec![4.0, 5.0, 6.0, 1.0],
            nulls: Vec::new(),
        };
        let s = sparkline_series(&series, &[30], 100, 20, "s");
        assert_eq!(s.matches("<path").count(), 2, "{s}");
        assert_eq!(s.matches("wd-partial").count(), 1, "{s}");
        let s = sparkline_series(&series, &[], 100, 20, "s");
        assert!(!s.contains("wd-partial"));
    }
}
