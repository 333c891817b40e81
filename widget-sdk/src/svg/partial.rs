//! Drawing partial buckets distinctly: a line's segments into a partial
//! first or last bucket are dashed and lighter, and the point says
//! "partial" in its tooltip, so a half-filled bucket does not read as a
//! drop (see [`crate::buckets`] for which buckets are partial).

use std::fmt::Write as _;

use super::{line_path, num};
use crate::html::escape;

/// What a tooltip or table adds to a partial bucket's time.
pub const PARTIAL_NOTE: &str = "partial";

/// The partial buckets of one series, by bucket start (Unix ms).
#[derive(Debug, Clone, Copy)]
pub struct Partial<'a> {
    starts: &'a [i64],
}

impl<'a> Partial<'a> {
    /// Over the bucket starts the host named (e.g. [`crate::buckets::current`]).
    pub fn new(starts: &'a [i64]) -> Self {
        Self { starts }
    }

    /// Whether the bucket starting at `t` (ms; an `f64` x value as the
    /// toolkit's point lists carry it) is partial.
    pub fn contains(&self, t: f64) -> bool {
        self.starts.iter().any(|s| *s as f64 == t)
    }

    /// `label` with " (partial)" when the bucket at `t` is partial.
    pub fn note(&self, label: &str, t: f64) -> String {
        if self.contains(t) {
            format!("{label} ({PARTIAL_NOTE})")
        } else {
            label.to_owned()
        }
    }

    /// A line through `points`, whose data x values are `xs` (bucket
    /// starts, same length): segments touching a partial bucket as dashed
    /// `wd-partial` paths, the rest as one solid path each run; `class`
    /// on both, `dash` the solid run's own dash pattern (empty: none).
    pub fn line(&self, points: &[(f64, f64)], xs: &[f64], class: &str, dash: &str) -> String {
        let mut out = String::new();
        if points.len() < 2 {
            return out;
        }
        let cut = |i: usize| xs.get(i).is_some_and(|t| self.contains(*t));
        let mut run: Vec<(f64, f64)> = vec![points[0]];
        let mut run_partial = cut(0) || cut(1);
        let flush = |run: &[(f64, f64)], partial: bool, out: &mut String| {
            if run.len() < 2 {
                return;
            }
            let (extra, pattern) = if partial {
                (" wd-partial", "2 4")
            } else {
                ("", dash)
            };
            let dash_attr = if pattern.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{pattern}\"")
            };
            let opacity = if partial {
                " stroke-opacity=\"0.6\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<path class=\"{class}{extra}\" d=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"{dash_attr}{opacity}/>",
                line_path(run)
            );
        };
        for i in 1..points.len() {
            let partial = cut(i - 1) || cut(i);
            if partial != run_partial {
                flush(&run, run_partial, &mut out);
                run = vec![points[i - 1]];
                run_partial = partial;
            }
            run.push(points[i]);
        }
        flush(&run, run_partial, &mut out);
        out
    }

    /// A hollow marker on each partial point of `points` (data x values
    /// `xs`), with a tooltip from `tip(i)`.
    pub fn markers(
        &self,
        points: &[(f64, f64)],
        xs: &[f64],
        class: &str,
        tip: impl Fn(usize) -> String,
    ) -> String {
        let mut out = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            if xs.get(i).is_some_and(|t| self.contains(*t)) {
                let _ = write!(
                    out,
                    "<circle class=\"{class} wd-partial\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"><title>{}</title></circle>",
                    num(*x),
                    num(*y),
                    escape(&tip(i))
                );
            }
        }
        out
    }
}

/// An invisible hover target at (x, y) showing `title` as its tooltip.
pub fn point_tip(x: f64, y: f64, radius: f64, title: &str) -> String {
    format!(
        "<circle class=\"wd-tip\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"currentColor\" fill-opacity=\"0\"><title>{}</title></circle>",
        num(x),
        num(y),
        num(radius),
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_into_partial_buckets_are_dashed() {
        let starts = [0, 30];
        let p = Partial::new(&starts);
        let pts = [(0.0, 5.0), (10.0, 1.0), (20.0, 1.0), (30.0, 4.0)];
        let xs = [0.0, 10.0, 20.0, 30.0];
        let svg = p.line(&pts, &xs, "wd-line wd-c0", "");
        assert_eq!(svg.matches("<path").count(), 3, "{svg}");
        assert_eq!(svg.matches("wd-partial").count(), 2, "{svg}");
        assert!(svg.contains("d=\"M0 5 L10 1\"") && svg.contains("d=\"M10 1 L20 1\""));
        assert!(svg.contains("d=\"M20 1 L30 4\""));
        let none = Partial::new(&[]).line(&pts, &xs, "wd-line", "4 3");
        assert_eq!(none.matches("<path").count(), 1);
        assert!(none.contains("stroke-dasharray=\"4 3\"") && !none.contains("wd-partial"));
    }

    #[test]
    fn partial_points_say_so() {
        let starts = [30];
        let p = Partial::new(&starts);
        assert_eq!(p.note("Jun 15", 30.0), "Jun 15 (partial)");
        assert_eq!(p.note("Jun 14", 20.0), "Jun 14");
        let m = p.markers(&[(1.0, 2.0), (3.0, 4.0)], &[20.0, 30.0], "wd-c0", |i| {
            format!("point {i}")
        });
        assert_eq!(m.matches("<circle").count(), 1);
        assert!(m.contains("<title>point 1</title>"));
        assert!(point_tip(1.0, 2.0, 5.0, "a<b").contains("<title>a&lt;b</title>"));
    }
}
