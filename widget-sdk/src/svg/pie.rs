//! Pie and donut slices.

use std::f64::consts::TAU;

use super::num;

/// Start and end angles (radians, clockwise from 12 o'clock) of one slice
/// per value. Negative and non-finite values get an empty slice; all-zero
/// input yields empty slices.
pub fn slice_angles(values: &[f64]) -> Vec<(f64, f64)> {
    let clean: Vec<f64> = values
        .iter()
        .map(|v| if v.is_finite() && *v > 0.0 { *v } else { 0.0 })
        .collect();
    let total: f64 = clean.iter().sum();
    let mut at = 0.0;
    clean
        .iter()
        .map(|v| {
            let start = at;
            if total > 0.0 {
                at += v / total * TAU;
            }
            (start, at)
        })
        .collect()
}

fn point(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    (cx + r * angle.sin(), cy - r * angle.cos())
}

/// Path `d` of a slice between `start` and `end` (radians, clockwise from
/// 12 o'clock); a donut segment when `inner_r > 0`. A full turn is drawn as
/// two halves, since one arc cannot start and end at the same point.
pub fn arc_path(cx: f64, cy: f64, outer_r: f64, inner_r: f64, start: f64, end: f64) -> String {
    let sweep = (end - start).clamp(0.0, TAU);
    if sweep <= 0.0 {
        return String::new();
    }
    if sweep >= TAU - 1e-9 {
        let mid = start + TAU / 2.0;
        let a = arc_path(cx, cy, outer_r, inner_r, start, mid);
        let b = arc_path(cx, cy, outer_r, inner_r, mid, start + TAU);
        return format!("{a} {b}");
    }
    let large = if sweep > TAU / 2.0 { 1 } else { 0 };
    let (x0, y0) = point(cx, cy, outer_r, start);
    let (x1, y1) = point(cx, cy, outer_r, start + sweep);
    let (r, ri) = (num(outer_r), num(inner_r));
    if inner_r > 0.0 {
        let (x2, y2) = point(cx, cy, inner_r, start + sweep);
        let (x3, y3) = point(cx, cy, inner_r, start);
        format!(
            "M{} {} A{r} {r} 0 {large} 1 {} {} L{} {} A{ri} {ri} 0 {large} 0 {} {} Z",
            num(x0),
            num(y0),
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            num(x3),
            num(y3)
        )
    } else {
        format!(
            "M{} {} L{} {} A{r} {r} 0 {large} 1 {} {} Z",
            num(cx),
            num(cy),
            num(x0),
            num(y0),
            num(x1),
            num(y1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angles_split_the_turn() {
        let a = slice_angles(&[1.0, 1.0, -5.0, f64::NAN, 2.0]);
        assert_eq!(a[0], (0.0, TAU / 4.0));
        assert_eq!(a[2].0, a[2].1);
        assert!((a[4].1 - TAU).abs() < 1e-9);
        assert!(slice_angles(&[0.0, 0.0]).iter().all(|(s, e)| s == e));
    }

    #[test]
    fn arcs() {
        let quarter = arc_path(50.0, 50.0, 40.0, 0.0, 0.0, TAU / 4.0);
        assert_eq!(quarter, "M50 50 L50 10 A40 40 0 0 1 90 50 Z");
        let full = arc_path(50.0, 50.0, 40.0, 20.0, 0.0, TAU);
        assert_eq!(full.matches('M').count(), 2);
        assert_eq!(arc_path(0.0, 0.0, 1.0, 0.0, 1.0, 1.0), "");
    }
}
