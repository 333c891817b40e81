//! Page layout of the report: printpdf draws what it is told, so headings,
//! column widths, wrapping and pagination happen here. Pages are laid out
//! top to bottom; "Page n of m" is added once the count is known.

use printpdf::{PdfDocument, PdfPage, PdfSaveOptions, Pt};

use crate::charts::{self, Area};
use crate::draw::{Canvas, Font, INK, MUTED, Rgb3};
use crate::metrics::wrap;
use crate::part::{ChartData, Part};

/// What goes into the document.
pub(crate) struct Doc<'a> {
    pub(crate) title: &'a str,
    pub(crate) subtitle: &'a [String],
    pub(crate) note: Option<&'a str>,
    pub(crate) parts: &'a [Part],
    pub(crate) landscape: bool,
    pub(crate) offset_minutes: i32,
    /// The creation date, Unix ms.
    pub(crate) generated_at_ms: i64,
}

const MARGIN: f32 = 40.0;
const BODY: Font = Font::regular(8.0);
const HEAD: Font = Font::bold(8.0);
const LINE: f32 = 10.0;
const CELL_PAD: f32 = 3.0;
/// Lines a cell may take before its text is cut.
const MAX_CELL_LINES: usize = 3;
/// Rows looked at to size the columns.
const SAMPLE_ROWS: usize = 200;
/// Narrowest column, points.
const MIN_COLUMN: f32 = 28.0;
const NOTE_COLOR: Rgb3 = Rgb3(0.6, 0.1, 0.1);
const RULE: Rgb3 = Rgb3::grey(0.85);

/// Pages in progress and the cursor on the last one.
struct Pages<'a> {
    doc: &'a Doc<'a>,
    w: f32,
    h: f32,
    pages: Vec<Canvas>,
    y: f32,
}

impl Pages<'_> {
    fn usable(&self) -> f32 {
        self.w - 2.0 * MARGIN
    }

    /// Lowest y content may reach; the footer sits below.
    fn bottom(&self) -> f32 {
        MARGIN + 2.0 * LINE
    }

    fn canvas(&mut self) -> &mut Canvas {
        if self.pages.is_empty() {
            self.pages.push(Canvas::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The first page with the report heading.
    fn first_page(&mut self) {
        let doc = self.doc;
        let usable = self.usable();
        self.pages.push(Canvas::default());
        let mut y = self.h - MARGIN - 14.0;
        let title = Font::bold(16.0);
        for line in wrap(doc.title, usable, title.size, true, 2) {
            self.canvas().text(MARGIN, y, title, INK, &line);
            y -= 20.0;
        }
        let sub = Font::regular(9.0);
        for line in doc.subtitle {
            self.canvas().text(MARGIN, y, sub, MUTED, line);
            y -= 12.0;
        }
        if let Some(note) = doc.note {
            let f = Font::bold(9.0);
            for line in wrap(note, usable, f.size, true, 3) {
                self.canvas().text(MARGIN, y, f, NOTE_COLOR, &line);
                y -= 12.0;
            }
        }
        self.y = y - 10.0;
    }

    /// A further page with the report title as a running head.
    fn new_page(&mut self) {
        let (w, h) = (self.w, self.h);
        let title = crate::metrics::wrap(self.doc.title, self.usable(), 8.0, false, 1);
        let mut c = Canvas::default();
        if let Some(t) = title.first() {
            c.text(MARGIN, h - MARGIN + 4.0, Font::regular(8.0), MUTED, t);
        }
        c.line((MARGIN, h - MARGIN), (w - MARGIN, h - MARGIN), RULE, 0.5);
        self.pages.push(c);
        self.y = h - MARGIN - 16.0;
    }

    /// Start a new page unless `height` fits below the cursor.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < self.bottom() {
            self.new_page();
            return true;
        }
        false
    }
}

/// Column widths in points: each column's natural width (header and the
/// first rows); when they do not fit, narrow columns keep theirs and the
/// wide ones share the rest equally; spare room is spread proportionally.
fn column_widths(part: &Part, usable: f32) -> Vec<f32> {
    let n = part.headers.len();
    if n == 0 {
        return Vec::new();
    }
    let natural: Vec<f32> = (0..n)
        .map(|c| {
            let head = HEAD.width(&part.headers[c]);
            let body = (0..part.cells.rows().min(SAMPLE_ROWS))
                .map(|r| BODY.width(part.cells.get(r, c)))
                .fold(0.0, f32::max);
            head.max(body) + 2.0 * CELL_PAD + 1.0
        })
        .map(|w| w.max(MIN_COLUMN))
        .collect();
    let total: f32 = natural.iter().sum();
    if total <= usable {
        return natural.iter().map(|w| w * usable / total).collect();
    }
    // Water-filling: fix columns narrower than the fair share, repeat.
    let mut fixed = vec![false; n];
    loop {
        let free: f32 = usable
            - (0..n)
                .filter(|i| fixed[*i])
                .map(|i| natural[i])
                .sum::<f32>();
        let open = fixed.iter().filter(|f| !**f).count().max(1);
        let share = free / open as f32;
        let mut changed = false;
        for i in 0..n {
            if !fixed[i] && natural[i] <= share {
                fixed[i] = true;
                changed = true;
            }
        }
        if !changed {
            return (0..n)
                .map(|i| {
                    if fixed[i] {
                        natural[i]
                    } else {
                        share.max(MIN_COLUMN)
                    }
                })
                .collect();
        }
    }
}

/// Where each cell's text starts: right-aligned numbers, left-aligned text.
fn cell_runs<'t>(
    part: &Part,
    widths: &[f32],
    font: Font,
    lines: &'t [Vec<String>],
    line: usize,
) -> Vec<(f32, &'t str)> {
    let mut x = MARGIN;
    let mut runs = Vec::with_capacity(lines.len());
    for (c, cell) in lines.iter().enumerate() {
        let cw = widths[c];
        if let Some(text) = cell.get(line) {
            let numeric = part.numeric.get(c).copied().unwrap_or(false);
            let tx = if numeric {
                (x + cw - CELL_PAD - font.width(text)).max(x)
            } else {
                x + CELL_PAD
            };
            runs.push((tx, text.as_str()));
        }
        x += cw;
    }
    runs
}

/// One table row (header or body) at the cursor, then a rule under it.
fn table_row(p: &mut Pages<'_>, part: &Part, widths: &[f32], font: Font, cells: &[Vec<String>]) {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let y = p.y;
    for i in 0..lines {
        let runs = cell_runs(part, widths, font, cells, i);
        p.canvas()
            .text_runs(y - LINE * (i as f32 + 1.0) + 2.0, font, INK, &runs);
    }
    let header = font.bold;
    p.y -= lines as f32 * LINE + if header { 4.0 } else { 2.0 };
    let (x1, ry) = (MARGIN + widths.iter().sum::<f32>(), p.y + 2.0);
    let (color, thick) = if header {
        (Rgb3::grey(0.3), 0.7)
    } else {
        (RULE, 0.4)
    };
    p.canvas().line((MARGIN, ry), (x1, ry), color, thick);
}

/// A part's rows as a table, paginated with the header repeated.
fn table(p: &mut Pages<'_>, part: &Part) {
    if part.headers.is_empty() {
        return;
    }
    let widths = column_widths(part, p.usable());
    let head: Vec<Vec<String>> = part
        .headers
        .iter()
        .zip(&widths)
        .map(|(t, cw)| wrap(t, cw - 2.0 * CELL_PAD, HEAD.size, true, 2))
        .collect();
    let head_h = head.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * LINE + 4.0;
    p.ensure(head_h + LINE + 2.0);
    table_row(p, part, &widths, HEAD, &head);
    if part.cells.rows() == 0 {
        let y = p.y - LINE + 2.0;
        p.canvas()
            .text(MARGIN + CELL_PAD, y, BODY, MUTED, "No rows for this range.");
        p.y -= LINE + 2.0;
    }
    for r in 0..part.cells.rows() {
        let cells: Vec<Vec<String>> = (0..widths.len())
            .map(|c| {
                let max = widths[c] - 2.0 * CELL_PAD;
                wrap(part.cells.get(r, c), max, BODY.size, false, MAX_CELL_LINES)
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * LINE + 2.0;
        if p.ensure(height) {
            if let Some(title) = &part.title {
                let f = Font::bold(9.0);
                let y = p.y;
                p.canvas()
                    .text(MARGIN, y, f, INK, &format!("{title} (continued)"));
                p.y -= 14.0;
            }
            table_row(p, part, &widths, HEAD, &head);
        }
        table_row(p, part, &widths, BODY, &cells);
    }
    p.y -= 12.0;
}

/// A section heading, its chart and its table.
fn section(p: &mut Pages<'_>, part: &Part, offset_minutes: i32) {
    let chart_h: f32 = match part.data {
        ChartData::None => 0.0,
        ChartData::Value(_) => 64.0,
        ChartData::Line(_) | ChartData::Categories(..) => 190.0,
    };
    if let Some(title) = &part.title {
        // Keep the heading with the start of what follows.
        p.ensure(20.0 + chart_h.max(3.0 * LINE));
        let f = Font::bold(12.0);
        let usable = p.usable();
        for line in wrap(title, usable, f.size, true, 2) {
            let y = p.y - 12.0;
            p.canvas().text(MARGIN, y, f, INK, &line);
            p.y -= 16.0;
        }
        p.y -= 4.0;
    }
    if chart_h > 0.0 {
        p.ensure(chart_h);
        let area = Area {
            x: MARGIN,
            y: p.y - chart_h,
            w: p.usable(),
            h: chart_h,
        };
        charts::draw(p.canvas(), area, part, offset_minutes);
        p.y -= chart_h + 10.0;
    }
    table(p, part);
}

/// Cards side by side in a row, as on the dashboard.
const CARDS_PER_ROW: usize = 4;
const CARD_H: f32 = 64.0;
const CARD_GAP: f32 = 8.0;

/// A report section that is one value: drawn as a card, its one-row table
/// left out (the card shows all of it).
fn is_card(part: &Part) -> bool {
    part.title.is_some() && matches!(part.data, ChartData::Value(_))
}

/// Value sections as rows of cards.
fn card_rows(p: &mut Pages<'_>, cards: &[Part], offset_minutes: i32) {
    let per_row = cards.len().min(CARDS_PER_ROW);
    let w = (p.usable() - CARD_GAP * (per_row as f32 - 1.0)) / per_row as f32;
    for row in cards.chunks(per_row) {
        p.ensure(CARD_H + CARD_GAP);
        let y = p.y - CARD_H;
        for (i, part) in row.iter().enumerate() {
            let area = Area {
                x: MARGIN + i as f32 * (w + CARD_GAP),
                y,
                w,
                h: CARD_H,
            };
            charts::draw(p.canvas(), area, part, offset_minutes);
        }
        p.y = y - CARD_GAP - 6.0;
    }
}

/// Lay the document out and serialize it.
pub(crate) fn render(doc: &Doc<'_>) -> Vec<u8> {
    let (w, h) = if doc.landscape {
        (841.89, 595.28)
    } else {
        (595.28, 841.89)
    };
    let mut p = Pages {
        doc,
        w,
        h,
        pages: Vec::new(),
        y: h,
    };
    p.first_page();
    if doc.parts.is_empty() {
        let y = p.y - LINE;
        p.canvas()
            .text(MARGIN, y, BODY, MUTED, "Nothing to export.");
    }
    let mut rest = doc.parts;
    while let Some(first) = rest.first() {
        let cards = rest.iter().take_while(|part| is_card(part)).count();
        if cards > 0 {
            card_rows(&mut p, &rest[..cards], doc.offset_minutes);
            rest = &rest[cards..];
        } else {
            section(&mut p, first, doc.offset_minutes);
            rest = &rest[1..];
        }
    }
    if let Some(note) = doc.note
        && p.y - 2.0 * LINE >= p.bottom()
    {
        let usable = p.usable();
        let f = Font::bold(8.0);
        for line in wrap(note, usable, f.size, true, 2) {
            let y = p.y - LINE;
            p.canvas().text(MARGIN, y, f, NOTE_COLOR, &line);
            p.y -= LINE;
        }
    }

    let count = p.pages.len();
    let pdf_pages = p
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let footer = format!("Page {} of {count}", i + 1);
            c.text_center(w / 2.0, MARGIN - 4.0, Font::regular(8.0), MUTED, &footer);
            PdfPage::new(Pt(w).into(), Pt(h).into(), c.into_ops())
        })
        .collect();
    let mut pdf = PdfDocument::new(doc.title);
    pdf.with_pages(pdf_pages);
    let mut warnings = Vec::new();
    let mut bytes = pdf.save(&PdfSaveOptions::default(), &mut warnings);
    stamp_dates(&mut bytes, doc.generated_at_ms);
    bytes
}

/// What printpdf writes for every date when built for wasm, where it has no
/// clock and ignores the dates it is given: in the info dictionary and in
/// the XMP metadata.
const WASM_DATES: [&[u8]; 2] = [
    b"(D:19700101000000+00'00')",
    b"D:1970-01-01T00:00:00+00'00'",
];

/// Put the host's generation time (`ms`, UTC) in place of printpdf's 1970
/// dates. The replacements have the same length, so every byte offset in
/// the cross-reference table stays right.
fn stamp_dates(pdf: &mut [u8], ms: i64) {
    let t = wasmdash_plugin_sdk::time::civil(ms, 0);
    let info = format!(
        "(D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00')",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    let xmp = format!(
        "D:{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00'00'",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    for (from, to) in WASM_DATES.iter().zip([info, xmp]) {
        if to.len() != from.len() {
            // A year outside four digits: keep the document valid.
            continue;
        }
        let mut at = 0;
        while let Some(i) = find(&pdf[at..], from) {
            let start = at + i;
            pdf[start..start + from.len()].copy_from_slice(to.as_bytes());
            at = start + from.len();
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmdash_plugin_sdk::{ChartKind, ColumnKind, ColumnSchema};

    #[test]
    fn widths_fit_the_page() {
        let schema: Vec<ColumnSchema> = ["id", "a very long column name indeed", "x"]
            .iter()
            .map(|n| ColumnSchema {
                name: (*n).into(),
                label: String::new(),
                kind: ColumnKind::Text,
            })
            .collect();
        let part = Part::new(None, ChartKind::None, &schema, Default::default()).unwrap();
        let w = column_widths(&part, 500.0);
        assert!((w.iter().sum::<f32>() - 500.0).abs() < 0.5, "{w:?}");
        let w = column_widths(&part, 100.0);
        assert!(w.iter().all(|x| *x >= MIN_COLUMN), "{w:?}");
        assert!(w[0] < w[1], "{w:?}");
    }
}
