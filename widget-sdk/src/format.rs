//! Number, percent, currency and duration formatting, and percent change.
//!
//! Output is en-US style (`1,234.5`) whatever the locale: the locale is a
//! hint, and a small, predictable formatter is worth more inside a sandbox
//! than a partial CLDR.

use crate::types::{FormatKind, ValueFormat};

/// Decimals chosen when the format does not say: none for whole numbers,
/// up to two from 1 up, up to three below (trailing zeros trimmed).
fn auto_decimals(v: f64) -> (usize, bool) {
    if v.fract() == 0.0 {
        (0, false)
    } else if v.abs() >= 1.0 {
        (2, true)
    } else {
        (3, true)
    }
}

fn group_thousands(int_part: &str) -> String {
    let bytes = int_part.as_bytes();
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(*b));
    }
    out
}

/// `v` with thousands separators and `decimals` decimals (`None`: chosen
/// automatically). Non-finite values read `"–"`.
///
/// ```
/// use wasmdash_plugin_sdk::format::number;
/// assert_eq!(number(1234567.891, Some(2)), "1,234,567.89");
/// assert_eq!(number(-0.5, None), "-0.5");
/// assert_eq!(number(42.0, None), "42");
/// ```
pub fn number(v: f64, decimals: Option<u8>) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let (places, trim) = match decimals {
        Some(d) => (usize::from(d.min(12)), false),
        None => auto_decimals(v),
    };
    let mut s = format!("{:.*}", places, v.abs());
    if trim && s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
        None => (s, None),
    };
    let negative = v < 0.0
        && (int_part.bytes().any(|b| b != b'0')
            || frac.as_ref().is_some_and(|f| f.bytes().any(|b| b != b'0')));
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group_thousands(&int_part));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// `v` shortened with K, M, B, T suffixes, for axis labels and tight spaces.
///
/// ```
/// use wasmdash_plugin_sdk::format::compact;
/// assert_eq!(compact(1234.0), "1.2K");
/// assert_eq!(compact(-5_600_000.0), "-5.6M");
/// assert_eq!(compact(999.0), "999");
/// ```
pub fn compact(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let a = v.abs();
    let (div, suffix) = match a {
        a if a >= 1e12 => (1e12, "T"),
        a if a >= 1e9 => (1e9, "B"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e3 => (1e3, "K"),
        _ => return number(v, if a >= 100.0 { Some(0) } else { None }),
    };
    let scaled = v / div;
    let d = if scaled.abs() >= 100.0 { 0 } else { 1 };
    let mut s = format!("{scaled:.d$}");
    if s.contains('.') && s.ends_with('0') {
        s.truncate(s.len() - 2);
    }
    s + suffix
}

/// A ratio as a percentage: `0.052` → `"5.2%"`.
///
/// ```
/// assert_eq!(wasmdash_plugin_sdk::format::percent(0.052, Some(1)), "5.2%");
/// ```
pub fn percent(ratio: f64, decimals: Option<u8>) -> String {
    if !ratio.is_finite() {
        return "–".to_owned();
    }
    format!("{}%", number(ratio * 100.0, Some(decimals.unwrap_or(1))))
}

/// Money: a symbol for common codes (`USD` → `$1,234.50`), else the code
/// after the number (`1,234.50 CHF`). Two decimals unless told.
///
/// ```
/// use wasmdash_plugin_sdk::format::currency;
/// assert_eq!(currency(-1234.5, "USD", None), "-$1,234.50");
/// assert_eq!(currency(3.0, "CHF", Some(0)), "3 CHF");
/// ```
pub fn currency(v: f64, code: &str, decimals: Option<u8>) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let digits = number(v.abs(), Some(decimals.unwrap_or(2)));
    let sign = if v < 0.0 && digits.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    let symbol = match code.to_ascii_uppercase().as_str() {
        "USD" | "$" => Some("$"),
        "EUR" | "€" => Some("€"),
        "GBP" | "£" => Some("£"),
        "JPY" | "¥" => Some("¥"),
        "INR" => Some("₹"),
        _ => None,
    };
    match symbol {
        Some(s) => format!("{sign}{s}{digits}"),
        None if code.is_empty() => format!("{sign}{digits}"),
        None => format!("{sign}{digits} {code}"),
    }
}

/// Seconds as a short duration: `0.35` → `"350ms"`, `12.5` → `"12.5s"`,
/// `5000` → `"1h 23m"`, `200000` → `"2d 7h"`.
///
/// ```
/// use wasmdash_plugin_sdk::format::duration;
/// assert_eq!(duration(0.35), "350ms");
/// assert_eq!(duration(5000.0), "1h 23m");
/// ```
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "–".to_owned();
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let s = seconds.abs();
    let body = if s < 1.0 {
        format!("{}ms", number(s * 1000.0, Some(0)))
    } else if s < 60.0 {
        let t = format!("{s:.1}");
        format!("{}s", t.strip_suffix(".0").unwrap_or(&t))
    } else {
        let total = s.round() as u64;
        let (d, h, m, sec) = (
            total / 86_400,
            total / 3600 % 24,
            total / 60 % 60,
            total % 60,
        );
        match (d, h) {
            (0, 0) => format!("{m}m {sec}s"),
            (0, _) => format!("{h}h {m}m"),
            _ => format!("{d}d {h}h"),
        }
    };
    format!("{sign}{body}")
}

/// `v` as the metric's [`ValueFormat`] says; a number's unit follows it
/// (`1,234 orders`).
pub fn value(v: f64, format: &ValueFormat) -> String {
    match format.kind {
        FormatKind::Number if format.unit.is_empty() => number(v, format.decimals),
        FormatKind::Number => format!("{} {}", number(v, format.decimals), format.unit),
        FormatKind::Percent => percent(v, format.decimals),
        FormatKind::Currency => currency(v, &format.unit, format.decimals),
        FormatKind::Duration => duration(v),
    }
}

/// Like [`value`] but short (compact numbers), for axes and labels.
pub fn value_compact(v: f64, format: &ValueFormat) -> String {
    match format.kind {
        FormatKind::Number => compact(v),
        FormatKind::Currency if v.abs() >= 1000.0 => {
            let c = compact(v.abs());
            let sign = if v < 0.0 { "-" } else { "" };
            match currency(0.0, &format.unit, Some(0)).strip_suffix('0') {
                Some(prefix) if !prefix.is_empty() && !prefix.ends_with(' ') => {
                    format!("{sign}{prefix}{c}")
                }
                _ => format!("{sign}{c} {}", format.unit).trim_end().to_owned(),
            }
        }
        _ => value(v, format),
    }
}

/// Percent change from `previous` to `current` (`+25.0` for 80 → 100).
/// `None` when `previous` is zero or either value is not finite, because a
/// change from zero has no meaningful percentage.
///
/// ```
/// use wasmdash_plugin_sdk::format::percent_change;
/// assert_eq!(percent_change(100.0, 80.0), Some(25.0));
/// assert_eq!(percent_change(5.0, 0.0), None);
/// assert_eq!(percent_change(-50.0, -100.0), Some(50.0));
/// ```
pub fn percent_change(current: f64, previous: f64) -> Option<f64> {
    if !current.is_finite() || !previous.is_finite() || previous == 0.0 {
        return None;
    }
    Some((current - previous) / previous.abs() * 100.0)
}

/// A signed change in percent: `"+12.5%"`, `"-3.0%"`, `"0.0%"`.
pub fn signed_percent(pct: f64) -> String {
    if !pct.is_finite() {
        return "–".to_owned();
    }
    let body = number(pct.abs(), Some(1));
    if body == "0.0" {
        "0.0%".to_owned()
    } else if pct > 0.0 {
        format!("+{body}%")
    } else {
        format!("-{body}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_and_round() {
        assert_eq!(number(0.0, None), "0");
        assert_eq!(number(999.999, Some(2)), "1,000.00");
        assert_eq!(number(-1234.0, None), "-1,234");
        assert_eq!(number(-0.0001, Some(2)), "0.00");
        assert_eq!(number(1.5, None), "1.5");
        assert_eq!(number(0.1234, None), "0.123");
        assert_eq!(number(f64::NAN, None), "–");
    }

    #[test]
    fn compact_suffixes() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(1000.0), "1K");
        assert_eq!(compact(123_456.0), "123K");
        assert_eq!(compact(2.5e9), "2.5B");
        assert_eq!(compact(7e12), "7T");
    }

    #[test]
    fn values_follow_format_kind() {
        let f = |kind, unit: &str| ValueFormat {
            kind,
            unit: unit.into(),
            decimals: None,
        };
        assert_eq!(
            value(1234.0, &f(FormatKind::Number, "orders")),
            "1,234 orders"
        );
        assert_eq!(value(0.25, &f(FormatKind::Percent, "")), "25.0%");
        assert_eq!(value(9.99, &f(FormatKind::Currency, "EUR")), "€9.99");
        assert_eq!(value(90.0, &f(FormatKind::Duration, "")), "1m 30s");
        assert_eq!(
            value_compact(25_000.0, &f(FormatKind::Currency, "USD")),
            "$25K"
        );
        assert_eq!(
            value_compact(25_000.0, &f(FormatKind::Currency, "CHF")),
            "25K CHF"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(4.25), "4.2s");
        assert_eq!(duration(3.0), "3s");
        assert_eq!(duration(200_000.0), "2d 7h");
        assert_eq!(duration(-0.5), "-500ms");
    }

    #[test]
    fn changes() {
        assert_eq!(signed_percent(12.46), "+12.5%");
        assert_eq!(signed_percent(-3.0), "-3.0%");
        assert_eq!(signed_percent(0.01), "0.0%");
        assert_eq!(percent_change(f64::NAN, 1.0), None);
    }
}
