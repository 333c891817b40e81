//! A page being drawn: a thin layer over printpdf's ops that batches text
//! into one text object until a path needs drawing, places text absolutely
//! (`Tm`) and keeps colours and fonts in one place.

use printpdf::{
    BuiltinFont, Color, Greyscale, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon,
    PolygonRing, Pt, Rect, Rgb, TextItem, TextMatrix, WindingOrder,
};

use crate::metrics;

/// A colour as RGB in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb3(pub(crate) f32, pub(crate) f32, pub(crate) f32);

impl Rgb3 {
    /// A grey.
    pub(crate) const fn grey(v: f32) -> Self {
        Self(v, v, v)
    }

    /// Halfway to white: a partial bucket's paler line.
    pub(crate) fn lighter(self) -> Self {
        let up = |v: f32| v + (1.0 - v) * 0.5;
        Self(up(self.0), up(self.1), up(self.2))
    }

    fn color(self) -> Color {
        if self.0 == self.1 && self.1 == self.2 {
            Color::Greyscale(Greyscale::new(self.0, None))
        } else {
            Color::Rgb(Rgb::new(self.0, self.1, self.2, None))
        }
    }
}

/// Black text.
pub(crate) const INK: Rgb3 = Rgb3::grey(0.0);
/// Secondary text: axis labels, footers.
pub(crate) const MUTED: Rgb3 = Rgb3::grey(0.35);

/// The `i`-th palette colour: the dashboard's (`svg::PALETTE_HEX`, the
/// host stylesheet's light theme), so a category has the same colour on
/// screen and on paper.
pub(crate) fn palette(i: usize) -> Rgb3 {
    hex_color(wasmdash_plugin_sdk::svg::PALETTE_HEX[i % wasmdash_plugin_sdk::svg::PALETTE])
}

/// A `#rrggbb` colour (a configured category colour, a palette colour);
/// anything else reads as mid grey.
pub(crate) fn hex_color(hex: &str) -> Rgb3 {
    let channel = |at: usize| {
        f32::from(u8::from_str_radix(hex.get(at..at + 2).unwrap_or("80"), 16).unwrap_or(128))
            / 255.0
    };
    Rgb3(channel(1), channel(3), channel(5))
}

/// Text style: size in points and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Font {
    pub(crate) size: f32,
    pub(crate) bold: bool,
}

impl Font {
    /// Regular Helvetica at `size`.
    pub(crate) const fn regular(size: f32) -> Self {
        Self { size, bold: false }
    }

    /// Helvetica-Bold at `size`.
    pub(crate) const fn bold(size: f32) -> Self {
        Self { size, bold: true }
    }

    /// Width of `text` in this font.
    pub(crate) fn width(self, text: &str) -> f32 {
        metrics::width(text, self.size, self.bold)
    }
}

fn pt(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// The ops of one page.
#[derive(Default)]
pub(crate) struct Canvas {
    ops: Vec<Op>,
    in_text: bool,
    font: Option<(bool, u32)>,
    fill: Option<Rgb3>,
    outline: Option<(Rgb3, u32)>,
}

impl Canvas {
    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    fn set_fill(&mut self, c: Rgb3) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: c.color() });
            self.fill = Some(c);
        }
    }

    fn begin_text(&mut self, font: Font, color: Rgb3) {
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
            self.font = None;
        }
        let key = (font.bold, font.size.to_bits());
        if self.font != Some(key) {
            let face = if font.bold {
                BuiltinFont::HelveticaBold
            } else {
                BuiltinFont::Helvetica
            };
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::Builtin(face),
                size: Pt(font.size),
            });
            self.font = Some(key);
        }
        self.set_fill(color);
    }

    /// Text with its baseline starting at (`x`, `y`).
    pub(crate) fn text(&mut self, x: f32, y: f32, font: Font, color: Rgb3, text: &str) {
        self.text_runs(y, font, color, &[(x, text)]);
    }

    /// Several pieces of text on one baseline, each starting at its own x
    /// (in increasing order): one text operator for a whole table row, the
    /// gaps expressed with the font's own advance widths.
    pub(crate) fn text_runs(&mut self, y: f32, font: Font, color: Rgb3, runs: &[(f32, &str)]) {
        let mut items = Vec::with_capacity(runs.len() * 2);
        let mut start = None;
        let mut cursor = 0.0;
        for (x, text) in runs {
            if text.is_empty() {
                continue;
            }
            match start {
                None => start = Some(*x),
                Some(_) => {
                    // TJ offsets are thousandths of an em, negative moves right.
                    let gap = (x - cursor) / font.size * 1000.0;
                    items.push(TextItem::Offset(-gap));
                }
            }
            items.push(TextItem::Text(metrics::clean(text)));
            cursor = x + font.width(text);
        }
        let Some(x0) = start else { return };
        self.begin_text(font, color);
        self.ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(x0), Pt(y)),
        });
        self.ops.push(Op::ShowText { items });
    }

    /// Text ending at `x` (right-aligned).
    pub(crate) fn text_right(&mut self, x: f32, y: f32, font: Font, color: Rgb3, text: &str) {
        self.text(x - font.width(text), y, font, color, text);
    }

    /// Text centred on `x`.
    pub(crate) fn text_center(&mut self, x: f32, y: f32, font: Font, color: Rgb3, text: &str) {
        self.text(x - font.width(text) / 2.0, y, font, color, text);
    }

    /// A stroked polyline.
    pub(crate) fn polyline(&mut self, points: &[(f32, f32)], color: Rgb3, thickness: f32) {
        if points.len() < 2 {
            return;
        }
        self.end_text();
        if self.outline != Some((color, thickness.to_bits())) {
            self.ops.push(Op::SetOutlineColor { col: color.color() });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
            self.outline = Some((color, thickness.to_bits()));
        }
        self.ops.push(Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|(x, y)| LinePoint {
                        p: pt(*x, *y),
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
    }

    /// A polyline drawn as 2.5 pt dashes with 2 pt gaps.
    pub(crate) fn dashed(&mut self, points: &[(f32, f32)], color: Rgb3, thickness: f32) {
        const ON: f32 = 2.5;
        const OFF: f32 = 2.0;
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let length = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
            if length <= 0.0 {
                continue;
            }
            let at = |d: f32| (x0 + (x1 - x0) * d / length, y0 + (y1 - y0) * d / length);
            let mut d = 0.0;
            while d < length {
                let end = (d + ON).min(length);
                self.polyline(&[at(d), at(end)], color, thickness);
                d = end + OFF;
            }
        }
    }

    /// A straight line.
    pub(crate) fn line(&mut self, from: (f32, f32), to: (f32, f32), color: Rgb3, thickness: f32) {
        self.polyline(&[from, to], color, thickness);
    }

    /// A filled rectangle from its lower-left corner.
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb3) {
        self.end_text();
        self.set_fill(color);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(y),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A filled polygon.
    pub(crate) fn polygon(&mut self, points: &[(f32, f32)], color: Rgb3) {
        if points.len() < 3 {
            return;
        }
        self.end_text();
        self.set_fill(color);
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: points
                        .iter()
                        .map(|(x, y)| LinePoint {
                            p: pt(*x, *y),
                            bezier: false,
                        })
                        .collect(),
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// The finished ops.
    pub(crate) fn into_ops(mut self) -> Vec<Op> {
        self.end_text();
        self.ops
    }
}
