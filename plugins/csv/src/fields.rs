//! One CSV field at a time, appended to the output bytes.
//!
//! Which fields need quotes and how quotes inside them are doubled is
//! `csv-core`'s work (RFC 4180: a field holding the delimiter, a quote, CR
//! or LF is quoted; quotes inside are doubled). It writes into byte slices
//! without allocating, which is what a streaming encoder in the sandbox
//! wants. Two things it does not know are added here: a delimiter of more
//! than one byte (any one character is allowed), and formula protection,
//! which quotes a dangerous text cell and puts `'` inside the quotes.

use csv_core::{QuoteStyle, Terminator, WriterBuilder};

/// Cells starting with these are read as formulas by spreadsheets.
fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Appends fields for one delimiter and protection setting.
pub(crate) struct Fields {
    /// Decides quoting; configured with the delimiter's first byte, CRLF
    /// records and `"` quotes.
    quoting: csv_core::Writer,
    delimiter: char,
    /// The delimiter as UTF-8 (`delimiter_len` bytes of it).
    delimiter_utf8: [u8; 4],
    delimiter_len: usize,
    /// Whether number, time and boolean text can contain the delimiter
    /// (digits, `.`, `-`, `+`, `:`, letters), so it must be checked.
    numbers_may_hold_delimiter: bool,
    protect: bool,
}

impl Fields {
    /// Fields separated by `delimiter` (not a quote or line break: the
    /// config check refuses those), with formula protection if `protect`.
    pub(crate) fn new(delimiter: char, protect: bool) -> Self {
        let mut delimiter_utf8 = [0; 4];
        let delimiter_len = delimiter.encode_utf8(&mut delimiter_utf8).len();
        let quoting = WriterBuilder::new()
            // For a multi-byte delimiter this marks its lead byte: a
            // superset, refined in `needs_quotes`.
            .delimiter(delimiter_utf8[0])
            .terminator(Terminator::CRLF)
            .quote_style(QuoteStyle::Necessary)
            .double_quote(true)
            .build();
        Self {
            quoting,
            delimiter,
            delimiter_utf8,
            delimiter_len,
            numbers_may_hold_delimiter: delimiter.is_ascii_alphanumeric()
                || matches!(delimiter, '.' | '-' | '+' | ':'),
            protect,
        }
    }

    /// Append the delimiter.
    #[inline]
    pub(crate) fn push_delimiter(&self, out: &mut Vec<u8>) {
        if self.delimiter_len == 1 {
            out.push(self.delimiter_utf8[0]);
        } else {
            out.extend_from_slice(&self.delimiter_utf8[..self.delimiter_len]);
        }
    }

    /// Append a text field: quoted when needed, protected when dangerous.
    #[inline]
    pub(crate) fn push_text(&self, out: &mut Vec<u8>, text: &str) {
        let protect = self.protect && is_formula(text);
        if protect || self.needs_quotes(text) {
            out.push(b'"');
            if protect {
                out.push(b'\'');
            }
            push_quote_doubled(out, text.as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }

    /// Append the text `write` produces for a number, timestamp or boolean,
    /// quoted only in the odd case that it holds the delimiter.
    #[inline]
    pub(crate) fn push_number(&self, out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
        let start = out.len();
        write(out);
        if self.numbers_may_hold_delimiter && out[start..].contains(&self.delimiter_utf8[0]) {
            // Number text holds no quotes: wrapping it is all it needs.
            out.insert(start, b'"');
            out.push(b'"');
        }
    }

    fn needs_quotes(&self, text: &str) -> bool {
        self.quoting.should_quote(text.as_bytes())
            && (self.delimiter_len == 1 || text.contains(['"', '\r', '\n', self.delimiter]))
    }
}

/// Append `field` with each `"` doubled.
#[inline]
fn push_quote_doubled(out: &mut Vec<u8>, field: &[u8]) {
    let start = out.len();
    // Each byte becomes at most two, so the room always suffices.
    out.resize(start + 2 * field.len(), 0);
    let (_, _, written) = csv_core::quote(field, &mut out[start..], b'"', b'"', true);
    out.truncate(start + written);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(delimiter: char, protect: bool, field: &str) -> String {
        let mut out = Vec::new();
        Fields::new(delimiter, protect).push_text(&mut out, field);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quotes_only_what_rfc_4180_needs() {
        for (field, want) in [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("cr\r", "\"cr\r\""),
            ("semi;colon", "semi;colon"),
            ("\"", "\"\"\"\""),
        ] {
            assert_eq!(text(',', false, field), want, "{field:?}");
        }
        assert_eq!(text(';', false, "semi;colon"), "\"semi;colon\"");
        assert_eq!(text('\t', false, "a\tb"), "\"a\tb\"");
    }

    #[test]
    fn formulas_are_quoted_with_an_apostrophe() {
        for prefix in ['=', '+', '-', '@', '\t', '\r'] {
            let field = format!("{prefix}1+\"x\"");
            assert_eq!(
                text(',', true, &field),
                format!("\"'{prefix}1+\"\"x\"\"\""),
                "{prefix:?}"
            );
        }
        assert_eq!(text(',', false, "=1"), "=1", "protection off");
        assert_eq!(text(',', true, "a=1"), "a=1");
    }

    #[test]
    fn multi_byte_delimiters_quote_exactly() {
        // '§' is C2 A7; '°' shares the lead byte C2 but is no delimiter.
        assert_eq!(text('§', false, "20°"), "20°");
        assert_eq!(text('§', false, "a§b"), "\"a§b\"");
        assert_eq!(text('§', false, "a,b"), "a,b");
        let mut out = Vec::new();
        let f = Fields::new('§', false);
        f.push_delimiter(&mut out);
        f.push_number(&mut out, |o| o.extend_from_slice(b"1.5"));
        assert_eq!(out, "§1.5".as_bytes());
    }
}
