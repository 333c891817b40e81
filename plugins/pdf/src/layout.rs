//! Page layout of the report: printpdf draws what it is told, so wrapping,
//! column widths and pagination happen here.

use printpdf::{
    BuiltinFont, Color, Greyscale, Line, LinePoint, Op, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};

/// What goes into the document.
pub(crate) struct Report<'a> {
    pub(crate) title: &'a str,
    pub(crate) subtitle: &'a [String],
    pub(crate) note: Option<&'a str>,
    pub(crate) headers: Vec<String>,
    pub(crate) numeric: Vec<bool>,
    pub(crate) rows: &'a [Vec<String>],
    pub(crate) landscape: bool,
}

const MARGIN: f32 = 40.0;
const BODY_SIZE: f32 = 8.0;
const HEAD_SIZE: f32 = 8.5;
const LINE: f32 = 10.0;
const CELL_PAD: f32 = 3.0;
/// Lines a cell may take before its text is cut.
const MAX_CELL_LINES: usize = 2;
/// Helvetica's average advance is about half an em; a little more keeps
/// estimated text inside its cell.
const CHAR_EM: f32 = 0.55;

fn max_chars(width: f32, size: f32) -> usize {
    ((width - 2.0 * CELL_PAD) / (size * CHAR_EM))
        .floor()
        .max(1.0) as usize
}

/// Control characters would end up as garbage glyphs.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Wrap `text` into at most `max_lines` lines of `width` characters,
/// breaking at spaces where possible; the last line ends in "..." when text
/// was left out.
pub(crate) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut truncated = false;
    'words: for word in clean(text).split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = current.chars().count();
            let room = if used == 0 {
                width
            } else {
                width.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    current.push(' ');
                }
                current.extend(word.iter());
                break;
            }
            if used == 0 {
                // A word longer than the line: hard-break it.
                current.extend(word[..width].iter());
                word.drain(..width);
            }
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                truncated = true;
                break 'words;
            }
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if truncated && let Some(last) = lines.last_mut() {
        let keep = width.saturating_sub(3);
        let cut: String = last.chars().take(keep).collect();
        *last = format!("{}...", cut.trim_end());
    }
    lines
}

fn text_ops(ops: &mut Vec<Op>, x: f32, y: f32, size: f32, bold: bool, text: &str) {
    let font = if bold {
        BuiltinFont::HelveticaBold
    } else {
        BuiltinFont::Helvetica
    };
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::Builtin(font),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        },
        Op::EndTextSection,
    ]);
}

fn rule(ops: &mut Vec<Op>, x0: f32, x1: f32, y: f32, grey: f32) {
    ops.extend([
        Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(grey, None)),
        },
        Op::SetOutlineThickness { pt: Pt(0.5) },
        Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x0),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        },
    ]);
}

/// Column widths in points: proportional to the longest text seen (header
/// and the first rows), within bounds so no column starves.
fn column_widths(report: &Report<'_>, usable: f32) -> Vec<f32> {
    let n = report.headers.len().max(1);
    let weights: Vec<f32> = (0..report.headers.len())
        .map(|c| {
            let longest = report
                .rows
                .iter()
                .take(200)
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .chain([report.headers[c].chars().count()])
                .max()
                .unwrap_or(1);
            longest.clamp(4, 40) as f32
        })
        .collect();
    let total: f32 = weights.iter().sum::<f32>().max(1.0);
    if weights.is_empty() {
        return vec![usable / n as f32];
    }
    weights.iter().map(|w| usable * w / total).collect()
}

struct Page {
    ops: Vec<Op>,
}

/// Lay the report out and serialize it.
pub(crate) fn render(report: &Report<'_>) -> Vec<u8> {
    let (w, h) = if report.landscape {
        (841.89, 595.28)
    } else {
        (595.28, 841.89)
    };
    let usable = w - 2.0 * MARGIN;
    let widths = column_widths(report, usable);
    let bottom = MARGIN + 2.0 * LINE; // room for the footer
    let mut pages: Vec<Page> = Vec::new();

    let header_lines: Vec<Vec<String>> = report
        .headers
        .iter()
        .zip(&widths)
        .map(|(t, cw)| wrap(t, max_chars(*cw, HEAD_SIZE), MAX_CELL_LINES))
        .collect();
    let header_height =
        header_lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * LINE + 4.0;

    let start_page = |pages: &mut Vec<Page>, first: bool| -> f32 {
        let mut ops = Vec::new();
        let mut y = h - MARGIN;
        if first {
            y -= 16.0;
            for line in wrap(report.title, max_chars(usable, 16.0), 2) {
                text_ops(&mut ops, MARGIN, y, 16.0, true, &line);
                y -= 20.0;
            }
            for line in report.subtitle {
                text_ops(&mut ops, MARGIN, y, 9.0, false, &clean(line));
                y -= 12.0;
            }
            if let Some(note) = report.note {
                for line in wrap(note, max_chars(usable, 9.0), 3) {
                    text_ops(&mut ops, MARGIN, y, 9.0, true, &line);
                    y -= 12.0;
                }
            }
            y -= 8.0;
        } else {
            text_ops(&mut ops, MARGIN, y - 8.0, 8.0, false, &clean(report.title));
            y -= 20.0;
        }
        // The table header, repeated on every page.
        let mut x = MARGIN;
        for (c, lines) in header_lines.iter().enumerate() {
            for (i, line) in lines.iter().enumerate() {
                text_ops(
                    &mut ops,
                    x + CELL_PAD,
                    y - LINE * (i as f32 + 1.0) + 2.0,
                    HEAD_SIZE,
                    true,
                    line,
                );
            }
            x += widths.get(c).copied().unwrap_or(0.0);
        }
        y -= header_height;
        rule(&mut ops, MARGIN, w - MARGIN, y + 2.0, 0.3);
        pages.push(Page { ops });
        y
    };

    let mut y = start_page(&mut pages, true);
    if report.rows.is_empty()
        && let Some(page) = pages.last_mut()
    {
        text_ops(
            &mut page.ops,
            MARGIN,
            y - LINE,
            BODY_SIZE,
            false,
            "No rows for this range.",
        );
    }
    for row in report.rows {
        let cells: Vec<Vec<String>> = row
            .iter()
            .zip(&widths)
            .map(|(t, cw)| wrap(t, max_chars(*cw, BODY_SIZE), MAX_CELL_LINES))
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * LINE + 2.0;
        if y - height < bottom {
            y = start_page(&mut pages, false);
        }
        let Some(page) = pages.last_mut() else { break };
        let mut x = MARGIN;
        for (c, lines) in cells.iter().enumerate() {
            let cw = widths.get(c).copied().unwrap_or(0.0);
            let numeric = report.numeric.get(c).copied().unwrap_or(false);
            for (i, line) in lines.iter().enumerate() {
                // Right-align numbers by their estimated width.
                let tx = if numeric {
                    x + cw - CELL_PAD - line.chars().count() as f32 * BODY_SIZE * CHAR_EM
                } else {
                    x + CELL_PAD
                };
                text_ops(
                    &mut page.ops,
                    tx.max(x),
                    y - LINE * (i as f32 + 1.0) + 2.0,
                    BODY_SIZE,
                    false,
                    line,
                );
            }
            x += cw;
        }
        y -= height;
        rule(&mut page.ops, MARGIN, w - MARGIN, y + 2.0, 0.85);
    }
    if let (Some(note), Some(page)) = (report.note, pages.last_mut())
        && room_for_note(y, bottom)
    {
        text_ops(
            &mut page.ops,
            MARGIN,
            y - LINE - 4.0,
            8.0,
            true,
            &clean(note),
        );
    }

    let count = pages.len();
    let mut doc = PdfDocument::new(report.title);
    let pdf_pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let footer = format!("Page {} of {count}", i + 1);
            let fx = w / 2.0 - footer.len() as f32 * 8.0 * CHAR_EM / 2.0;
            text_ops(&mut p.ops, fx, MARGIN, 8.0, false, &footer);
            PdfPage::new(Pt(w).into(), Pt(h).into(), p.ops)
        })
        .collect();
    doc.with_pages(pdf_pages);
    let mut warnings = Vec::new();
    doc.save(&PdfSaveOptions::default(), &mut warnings)
}

/// The cap note is repeated after the last row when there is room for it.
fn room_for_note(y: f32, bottom: f32) -> bool {
    y - LINE - 4.0 >= bottom
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_breaks_and_truncates() {
        assert_eq!(wrap("hello world", 20, 2), vec!["hello world"]);
        assert_eq!(wrap("hello world", 6, 2), vec!["hello", "world"]);
        assert_eq!(wrap("abcdefghij", 4, 3), vec!["abcd", "efgh", "ij"]);
        let w = wrap("one two three four five six", 8, 2);
        assert_eq!(w.len(), 2);
        assert!(w[1].ends_with("..."), "{w:?}");
        assert!(w.iter().all(|l| l.chars().count() <= 8), "{w:?}");
        assert!(wrap("", 5, 2).is_empty());
        assert_eq!(wrap("a\nb\tc", 10, 2), vec!["a b c"]);
    }
}
