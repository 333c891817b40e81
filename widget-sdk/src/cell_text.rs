//! Cell text for exporters: numbers appended to the output without a
//! temporary `String` per cell, because an export writes millions of them.
//! (Timestamps: [`crate::time::push_iso8601`].) The output is a `String`,
//! or a `Vec<u8>` for a format assembled as bytes (see [`TextOut`]).

/// An output buffer the cell writers append to: `String` or `Vec<u8>`.
pub trait TextOut: sealed::Sealed {
    /// Append `text`.
    fn push_text(&mut self, text: &str);
}

impl TextOut for String {
    #[inline]
    fn push_text(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl TextOut for Vec<u8> {
    #[inline]
    fn push_text(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for String {}
    impl Sealed for Vec<u8> {}
}

/// Append the decimal digits of `v`.
///
/// ```
/// let mut out = String::new();
/// wasmdash_plugin_sdk::cell_text::push_int(&mut out, -9_007_199_254_740_993);
/// assert_eq!(out, "-9007199254740993");
/// ```
#[inline]
pub fn push_int(out: &mut impl TextOut, v: i64) {
    // 19 digits and a sign for i64::MIN.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    out.push_text(ascii(&buf[i..]));
}

/// Append `v` as the shortest text that parses back to the same float;
/// whole numbers below 10^15 have no fraction (`3`, not `3.0`), like
/// spreadsheets write them. Returns false, writing nothing, for NaN and
/// infinities, which have no portable text.
///
/// ```
/// use wasmdash_plugin_sdk::cell_text::push_float;
/// let mut out = String::new();
/// for v in [3.0, -1.5, 0.1, 1e-7, 2.5e300] {
///     push_float(&mut out, v);
///     out.push(' ');
/// }
/// assert_eq!(out, "3 -1.5 0.1 1e-7 2.5e300 ");
/// assert!(!push_float(&mut out, f64::NAN));
/// ```
#[inline]
pub fn push_float(out: &mut impl TextOut, v: f64) -> bool {
    if !v.is_finite() {
        return false;
    }
    if v == v.trunc() && v.abs() < 1e15 {
        push_int(out, v as i64);
    } else {
        out.push_text(ryu::Buffer::new().format_finite(v));
    }
    true
}

/// `bytes` as text; only ever called with ASCII digits and signs.
#[inline]
pub(crate) fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_match_display_at_the_edges() {
        for v in [0, 1, -1, 9, 10, -10, i64::MAX, i64::MIN, 1_234_567_890] {
            let mut out = String::new();
            push_int(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    #[test]
    fn bytes_get_the_same_text() {
        let mut bytes = Vec::new();
        push_int(&mut bytes, -42);
        push_float(&mut bytes, 0.25);
        assert_eq!(bytes, b"-420.25");
    }

    #[test]
    fn floats_parse_back_exactly() {
        let mut x = 0.123_456_789_f64;
        for _ in 0..5000 {
            x = (x * 7.3 + 0.77).fract() * 10f64.powi(((x * 1000.0) as i32 % 40) - 20);
            for v in [x, -x, x.trunc()] {
                let mut out = String::new();
                assert!(push_float(&mut out, v));
                assert_eq!(out.parse::<f64>().unwrap(), v, "{out}");
            }
        }
        for (v, want) in [
            (1e15, "1000000000000000.0"),
            (999_999_999_999_999.0, "999999999999999"),
        ] {
            let mut out = String::new();
            push_float(&mut out, v);
            assert_eq!(out, want);
        }
    }
}
