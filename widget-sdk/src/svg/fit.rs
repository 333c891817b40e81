//! Sizing rules: a chart is drawn at the size of its box.
//!
//! The host measures each widget's body in CSS pixels, passes that size as
//! the render context's `width` and `height`, and asks again when the
//! widget is resized. [`open`](super::open) writes the same size as the
//! SVG's `width`/`height`, so one SVG unit is one CSS pixel on screen and
//! text written at [`FONT_PX`] is shown at that size. Scaling a fixed
//! `viewBox` instead is what made axis text 7 px on a wide screen and left
//! a third of the widget blank.
//!
//! So nothing is scaled down to fit: what does not fit is left out, in
//! this order — the legend, then the x labels, then the y labels; a label
//! too long for its slot is shortened with "…" or dropped. A box too small
//! for any text draws just the plot.
//!
//! ```
//! use wasmdash_plugin_sdk::svg::ChartBox;
//! let b = ChartBox::new(600, 300);
//! let area = b.plot(&["1.5K".to_string()], b.shows_legend());
//! assert!(area.right - area.left > 0.9 * 600.0);
//! assert!(!ChartBox::new(90, 40).shows_x_labels());
//! ```

use super::{Axis, LinearScale};

/// Font size (CSS px) of every text the toolkit writes; the host's
/// stylesheet uses the same for SVG text that sets none.
pub const FONT_PX: f64 = 12.0;
/// Width budget of one character at [`FONT_PX`] (proportional fonts run
/// 5–7 px; budgeting 7 keeps labels from touching).
pub const CHAR_PX: f64 = 7.0;
/// Height of one line of text at [`FONT_PX`], with leading.
pub const LINE_PX: f64 = 16.0;
/// Largest side a chart is drawn at (a bigger box is drawn at this size).
pub const MAX_SIDE: u32 = 4096;

/// The width `text` is budgeted at [`FONT_PX`].
pub fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_PX
}

/// `text` as it fits in `max_px`: whole, shortened with "…", or `None`
/// when not even two characters fit.
pub fn fit_text(text: &str, max_px: f64) -> Option<String> {
    let fits = (max_px / CHAR_PX).floor().max(0.0) as usize;
    let n = text.chars().count();
    if n <= fits {
        return Some(text.to_owned());
    }
    if fits < 2 {
        return None;
    }
    let mut s: String = text.chars().take(fits - 1).collect();
    s.push('…');
    Some(s)
}

/// Every label `scale`'s ticks may get whatever tick count
/// [`ChartBox::y_ticks`] picks: what [`ChartBox::plot`] sizes the y label
/// column by.
pub fn tick_labels(scale: &LinearScale, label: impl Fn(f64) -> String) -> Vec<String> {
    let mut out: Vec<String> = (1..=6).flat_map(|n| scale.ticks(n)).map(label).collect();
    out.sort();
    out.dedup();
    out
}

/// The box a chart is drawn in, in CSS pixels, and what fits in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartBox {
    /// Width (at least 1, at most [`MAX_SIDE`]).
    pub width: f64,
    /// Height (at least 1, at most [`MAX_SIDE`]).
    pub height: f64,
}

impl ChartBox {
    /// A `width` × `height` box, as the render context gives it.
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width: f64::from(width.clamp(1, MAX_SIDE)),
            height: f64::from(height.clamp(1, MAX_SIDE)),
        }
    }

    /// The box less `px` of height taken by something drawn outside the
    /// chart (a value above a sparkline, an HTML legend).
    pub fn less_height(self, px: f64) -> Self {
        Self {
            height: (self.height - px).max(1.0),
            ..self
        }
    }

    /// Width and height as whole pixels, for [`open`](super::open).
    pub fn size(&self) -> (u32, u32) {
        (self.width as u32, self.height as u32)
    }

    /// Whether a row of x labels fits under a plot of useful height.
    pub fn shows_x_labels(&self) -> bool {
        self.width >= 100.0 && self.height >= 4.0 * LINE_PX + 12.0
    }

    /// Whether a column of y labels fits beside a plot of useful width.
    pub fn shows_y_labels(&self) -> bool {
        self.width >= 140.0 && self.height >= 3.0 * LINE_PX + 8.0
    }

    /// Whether a one-line legend fits above the plot.
    pub fn shows_legend(&self) -> bool {
        self.width >= 200.0 && self.height >= 8.0 * LINE_PX
    }

    /// The plot area: room on the left for the widest of `y_labels` (when
    /// y labels fit, at most 40% of the width), above for a legend line
    /// when `legend`, below for x labels when they fit.
    pub fn plot(&self, y_labels: &[String], legend: bool) -> Axis {
        let left = if self.shows_y_labels() {
            let widest = y_labels.iter().map(|l| text_width(l)).fold(0.0, f64::max);
            (widest + 10.0).min(self.width * 0.4)
        } else {
            2.0
        };
        // Half a line above the top tick label, or a legend line.
        let top = if legend && self.shows_legend() {
            LINE_PX + 10.0
        } else if self.shows_y_labels() {
            LINE_PX / 2.0
        } else {
            2.0
        };
        let bottom = if self.shows_x_labels() {
            LINE_PX + 8.0
        } else {
            2.0
        };
        // Half a tick label may reach past the last tick.
        let right = if self.shows_x_labels() { 8.0 } else { 2.0 };
        Axis {
            left,
            top,
            right: (self.width - right).max(left + 1.0),
            bottom: (self.height - bottom).max(top + 1.0),
        }
    }

    /// How many y ticks keep their labels two lines apart (0: no labels).
    pub fn y_ticks(&self, area: &Axis) -> usize {
        if !self.shows_y_labels() {
            return 0;
        }
        (((area.bottom - area.top) / (2.0 * LINE_PX)) as usize).clamp(1, 6)
    }

    /// How many x labels of about `label_chars` characters fit side by
    /// side with a gap (0: no labels).
    pub fn x_ticks(&self, area: &Axis, label_chars: usize) -> usize {
        if !self.shows_x_labels() {
            return 0;
        }
        let slot = label_chars.max(1) as f64 * CHAR_PX + 2.0 * CHAR_PX;
        (((area.right - area.left) / slot) as usize).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortened_or_dropped_never_shrunk() {
        assert_eq!(fit_text("error", 100.0).as_deref(), Some("error"));
        assert_eq!(fit_text("cancelled", 35.0).as_deref(), Some("canc…"));
        assert_eq!(fit_text("cancelled", 10.0), None);
        assert_eq!(text_width("1.5K"), 4.0 * CHAR_PX);
    }

    #[test]
    fn the_plot_fills_the_box_and_leaves_out_what_does_not_fit() {
        for (w, h) in [(300, 150), (600, 300), (1400, 400), (360, 180)] {
            let b = ChartBox::new(w, h);
            let area = b.plot(&["100K".into()], true);
            // The plot takes all but the labels' room and a small margin.
            assert!(area.right >= b.width - 8.0, "{w}x{h}: {area:?}");
            assert_eq!(area.left, text_width("100K") + 10.0, "{w}x{h}");
            assert!(b.y_ticks(&area) >= 2 && b.x_ticks(&area, 6) >= 2, "{w}x{h}");
        }
        let tiny = ChartBox::new(60, 30);
        assert!(!tiny.shows_x_labels() && !tiny.shows_y_labels() && !tiny.shows_legend());
        let area = tiny.plot(&["100K".into()], true);
        assert!(area.right > area.left && area.bottom > area.top);
        assert_eq!((tiny.y_ticks(&area), tiny.x_ticks(&area, 5)), (0, 0));
        // Sizes are clamped, never zero.
        assert_eq!(ChartBox::new(0, 99_999).size(), (1, MAX_SIDE));
    }

    #[test]
    fn long_y_labels_take_at_most_two_fifths() {
        let b = ChartBox::new(200, 200);
        let area = b.plot(&["a very long label indeed".into()], false);
        assert!(area.left <= 80.0 + 1e-9);
    }
}
