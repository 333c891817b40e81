//! A small SVG chart toolkit producing markup inside the host's allowlist:
//! no `style`, no `id`, no script; colours come from `currentColor` and the
//! palette classes `wd-c0`..`wd-c7`, which the host stylesheet themes.
//!
//! Charts are drawn at their box's real size (see [`ChartBox`] for the
//! sizing rules): text stays [`FONT_PX`] on screen and the plot fills the
//! widget. Partial first and last buckets (see [`crate::buckets`]) are
//! drawn dashed with [`Partial`].
//!
//! ```
//! use wasmdash_plugin_sdk::svg::{self, LinearScale};
//! let x = LinearScale::new((0.0, 3.0), (0.0, 300.0));
//! let y = LinearScale::new((0.0, 10.0), (100.0, 0.0));
//! let pts: Vec<(f64, f64)> = [1.0, 4.0, 9.0, 2.0].iter().enumerate()
//!     .map(|(i, v)| (x.map(i as f64), y.map(*v))).collect();
//! let mut out = svg::open(300, 100, "Orders per day");
//! out.push_str(&svg::path(&svg::line_path(&pts), "wd-line wd-c0"));
//! out.push_str(svg::CLOSE);
//! assert!(out.starts_with("<svg") && out.contains("role=\"img\""));
//! ```

mod axis;
mod colors;
mod downsample;
mod fit;
mod partial;
mod pie;
mod scale;
mod shapes;

pub use axis::{Axis, x_axis_labels, x_axis_time, y_axis};
pub use colors::{
    CategoryColor, OTHER_INDEX, OTHER_LABEL, PALETTE_HEX, category_colors, category_colors_with,
    category_indices, label_index,
};
pub use downsample::{lttb, min_max};
pub use fit::{CHAR_PX, ChartBox, FONT_PX, LINE_PX, MAX_SIDE, fit_text, text_width, tick_labels};
pub use partial::{PARTIAL_NOTE, Partial, point_tip};
pub use pie::{arc_path, slice_angles};
pub use scale::{LinearScale, nice_ticks};
pub use shapes::{area_path, bar, bar_filled, line_path, path, sparkline, sparkline_series};

use crate::html::escape;

/// Number of palette classes (`wd-c0`..`wd-c7`).
pub const PALETTE: usize = 8;

/// The palette class of series or slice `i` (wrapping).
pub fn palette(i: usize) -> String {
    format!("wd-c{}", i % PALETTE)
}

/// Closing tag for [`open`].
pub const CLOSE: &str = "</svg>";

/// Open an accessible chart: `<svg width height viewBox role="img"
/// aria-label><title>`. `width` and `height` are CSS pixels, the box's
/// real size (see [`ChartBox`]): the host shows the chart at that size, so
/// text keeps its size on screen.
pub fn open(width: u32, height: u32, label: &str) -> String {
    let label = escape(label);
    format!(
        "<svg class=\"wd-chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{label}\">\
         <title>{label}</title>"
    )
}

/// A coordinate rounded to 0.01, without trailing zeros, so paths stay short.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_owned();
    }
    let r = (v * 100.0).round() / 100.0;
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// `<text>` at (x, y) with a class and `text-anchor` (`start`, `middle`,
/// `end`), content escaped, at [`FONT_PX`].
pub fn text(x: f64, y: f64, anchor: &str, class: &str, content: &str) -> String {
    text_sized(x, y, anchor, class, content, FONT_PX)
}

/// [`text`] at `size` CSS pixels (never below [`FONT_PX`]).
pub fn text_sized(x: f64, y: f64, anchor: &str, class: &str, content: &str, size: f64) -> String {
    format!(
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{}\" fill=\"currentColor\">{}</text>",
        num(x),
        num(y),
        num(size.max(FONT_PX)),
        escape(content)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn open_is_accessible_and_escaped() {
        let s = open(10, 20, "a<b");
        assert!(s.contains("aria-label=\"a&lt;b\"") && s.contains("<title>a&lt;b</title>"));
        assert!(s.contains("width=\"10\" height=\"20\" viewBox=\"0 0 10 20\""));
        assert!(text_sized(0.0, 0.0, "start", "c", "x", 8.0).contains("font-size=\"12\""));
        assert!(text(0.0, 0.0, "start", "c", "x").contains("font-size=\"12\""));
        assert!(!s.contains("style") && !s.contains(" id="));
    }
}
