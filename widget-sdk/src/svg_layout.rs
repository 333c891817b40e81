//! What a rendered chart looks like on screen, read back from its markup
//! for unit tests ([`testing::svg_layout`](crate::testing::svg_layout)):
//! the SVG's size, each text's font size and horizontal extent, and the
//! horizontal extent of everything drawn — enough to test the sizing rules
//! (text never under 12 px, nothing outside the box, the plot filling it)
//! without a browser.

use crate::svg::{CHAR_PX, FONT_PX};

/// One `<text>`: its font size and left and right edge (estimated at
/// [`CHAR_PX`] per character, scaled by its size).
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The text.
    pub text: String,
    /// Font size in SVG units (the `font-size` attribute; [`FONT_PX`] when
    /// none is written, as the host's stylesheet does).
    pub size: f64,
    /// Left edge.
    pub left: f64,
    /// Right edge.
    pub right: f64,
}

/// The first chart SVG of some widget HTML, as laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgLayout {
    /// The `width` attribute (0 when missing).
    pub width: f64,
    /// The `height` attribute (0 when missing).
    pub height: f64,
    /// Every text.
    pub texts: Vec<TextBox>,
    /// Leftmost and rightmost x of lines, rects, circles, straight paths
    /// and texts.
    pub extent: (f64, f64),
}

impl SvgLayout {
    /// The smallest font size of any text (`None`: no text).
    pub fn smallest_text(&self) -> Option<f64> {
        self.texts.iter().map(|t| t.size).reduce(f64::min)
    }

    /// The share of the width the drawing spans.
    pub fn fill(&self) -> f64 {
        if self.width <= 0.0 {
            return 0.0;
        }
        (self.extent.1 - self.extent.0) / self.width
    }

    /// How the drawing breaks the sizing rules of a `width`×`height` box:
    /// an SVG of another size, text under [`FONT_PX`], text outside the
    /// box. Empty when it keeps them all:
    /// `assert_eq!(l.faults(w, h), Vec::<String>::new())`.
    pub fn faults(&self, width: u32, height: u32) -> Vec<String> {
        let mut faults = Vec::new();
        if (self.width, self.height) != (f64::from(width), f64::from(height)) {
            faults.push(format!("drawn {}x{}", self.width, self.height));
        }
        if let Some(size) = self.smallest_text().filter(|s| *s < FONT_PX) {
            faults.push(format!("text at {size} px"));
        }
        for t in self.texts_outside() {
            faults.push(format!("{:?} outside the box", t.text));
        }
        faults
    }

    /// Texts reaching outside `[0, width]` by more than a pixel.
    pub fn texts_outside(&self) -> Vec<&TextBox> {
        self.texts
            .iter()
            .filter(|t| t.left < -1.0 || t.right > self.width + 1.0)
            .collect()
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    Some(tag[at..].split('"').next()?.to_owned())
}

fn num(tag: &str, name: &str) -> Option<f64> {
    attr(tag, name)?.parse().ok()
}

/// Lay out the first `<svg class="wd-chart"…>` of `html` (or the first
/// `<svg` when none has that class).
pub(crate) fn layout(html: &str) -> Option<SvgLayout> {
    let start = html
        .find("<svg class=\"wd-chart\"")
        .or_else(|| html.find("<svg"))?;
    let end = html[start..]
        .find("</svg>")
        .map_or(html.len(), |e| start + e);
    let svg = &html[start..end];
    let open = &svg[..svg.find('>')?];
    let mut out = SvgLayout {
        width: num(open, "width").unwrap_or(0.0),
        height: num(open, "height").unwrap_or(0.0),
        texts: Vec::new(),
        extent: (f64::INFINITY, f64::NEG_INFINITY),
    };
    let mut grow = |lo: f64, hi: f64| {
        out.extent = (out.extent.0.min(lo), out.extent.1.max(hi));
    };
    let mut texts = Vec::new();
    for piece in svg.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or_default();
        let name = tag.split([' ', '/']).next().unwrap_or_default();
        match name {
            "text" => {
                let content = piece.split_once('>').map_or("", |(_, c)| c);
                let size = num(tag, "font-size").unwrap_or(FONT_PX);
                let width = content.chars().count() as f64 * CHAR_PX * size / FONT_PX;
                let x = num(tag, "x").unwrap_or(0.0);
                let left = match attr(tag, "text-anchor").as_deref() {
                    Some("middle") => x - width / 2.0,
                    Some("end") => x - width,
                    _ => x,
                };
                grow(left, left + width);
                texts.push(TextBox {
                    text: content.to_owned(),
                    size,
                    left,
                    right: left + width,
                });
            }
            "line" => {
                if let (Some(a), Some(b)) = (num(tag, "x1"), num(tag, "x2")) {
                    grow(a.min(b), a.max(b));
                }
            }
            "rect" => {
                if let (Some(x), Some(w)) = (num(tag, "x"), num(tag, "width")) {
                    grow(x, x + w);
                }
            }
            "circle" => {
                if let (Some(cx), Some(r)) = (num(tag, "cx"), num(tag, "r")) {
                    grow(cx - r, cx + r);
                }
            }
            "path" => {
                // Straight paths (M/L/Z) only: every other number is an x.
                let d = attr(tag, "d").unwrap_or_default();
                if !d.contains(['A', 'C', 'Q', 'a', 'c', 'q']) {
                    let numbers: Vec<f64> = d
                        .split(|c: char| c.is_ascii_alphabetic() || c == ' ' || c == ',')
                        .filter_map(|n| n.parse().ok())
                        .collect();
                    for x in numbers.iter().step_by(2) {
                        grow(*x, *x);
                    }
                }
            }
            _ => {}
        }
    }
    out.texts = texts;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg;

    #[test]
    fn reads_back_what_the_toolkit_wrote() {
        let mut html = svg::open(200, 100, "t");
        html.push_str(&svg::text(100.0, 50.0, "middle", "c", "abcd"));
        html.push_str(&svg::text_sized(190.0, 50.0, "end", "c", "x", 20.0));
        html.push_str(&svg::path("M10 5 L150 20", "wd-line"));
        html.push_str(svg::CLOSE);
        let l = layout(&html).unwrap();
        assert_eq!((l.width, l.height), (200.0, 100.0));
        assert_eq!(l.smallest_text(), Some(12.0));
        assert_eq!(l.texts[0].left, 100.0 - 2.0 * CHAR_PX);
        assert_eq!(l.extent.0, 10.0);
        assert_eq!(l.extent.1, 190.0);
        assert!(l.texts_outside().is_empty());
        assert!((l.fill() - 0.9).abs() < 1e-9);
        assert_eq!(l.faults(200, 100), Vec::<String>::new());
        assert_eq!(l.faults(300, 100), ["drawn 200x100"]);
        // The toolkit never writes text under 12 px; a hand-written SVG can.
        let small = layout(&format!(
            r#"{}<text x="45" y="10" font-size="9">wide</text>{}"#,
            svg::open(50, 20, "t"),
            svg::CLOSE
        ))
        .unwrap();
        assert_eq!(
            small.faults(50, 20),
            ["text at 9 px", "\"wide\" outside the box"]
        );
    }
}
