//! One CSV field at a time, appended to the output bytes: RFC 4180 quoting
//! (a field holding the delimiter, a quote, CR or LF is quoted, quotes
//! inside doubled) and formula protection, which quotes a dangerous text
//! cell and puts `'` inside the quotes.

/// Cells starting with these are read as formulas by spreadsheets.
fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Appends fields for one delimiter and protection setting.
pub(crate) struct Fields {
    delimiter: char,
    /// The delimiter as UTF-8 (`delimiter_len` bytes of it).
    delimiter_utf8: [u8; 4],
    delimiter_len: usize,
    protect: bool,
}

impl Fields {
    /// Fields separated by `delimiter` (not a quote or line break: the
    /// config check refuses those), with formula protection if `protect`.
    pub(crate) fn new(delimiter: char, protect: bool) -> Self {
        let mut delimiter_utf8 = [0; 4];
        let delimiter_len = delimiter.encode_utf8(&mut delimiter_utf8).len();
        Self {
            delimiter,
            delimiter_utf8,
            delimiter_len,
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
            for (i, part) in text.split('"').enumerate() {
                if i > 0 {
                    out.extend_from_slice(b"\"\"");
                }
                out.extend_from_slice(part.as_bytes());
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }

    /// Append the text `write` produces for a number, timestamp or boolean.
    #[inline]
    pub(crate) fn push_number(&self, out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
        write(out);
    }

    /// Checked byte by byte for an ASCII delimiter.
    fn needs_quotes(&self, text: &str) -> bool {
        match u8::try_from(self.delimiter).ok().filter(u8::is_ascii) {
            Some(d) => text
                .bytes()
                .any(|b| b == d || matches!(b, b'"' | b'\r' | b'\n')),
            None => text.contains(['"', '\r', '\n', self.delimiter]),
        }
    }
}
