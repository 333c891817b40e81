//! Timestamps (Unix milliseconds, UTC) shown in a fixed UTC offset, as the
//! host hands it over (`utc_offset_minutes`); no timezone database needed.

use crate::cell_text::TextOut;

/// A calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    /// Year, e.g. 2024.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
    /// Millisecond, 0–999.
    pub millis: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `ms` shifted by `offset_minutes` and split into calendar fields.
///
/// ```
/// use wasmdash_plugin_sdk::time::civil;
/// let t = civil(1_700_000_000_000, 60);
/// assert_eq!((t.year, t.month, t.day, t.hour, t.minute), (2023, 11, 14, 23, 13));
/// ```
pub fn civil(ms: i64, offset_minutes: i32) -> CivilTime {
    let local = ms.saturating_add(i64::from(offset_minutes) * 60_000);
    let days = local.div_euclid(86_400_000);
    let rem = local.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    CivilTime {
        year,
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        minute: (rem / 60_000 % 60) as u32,
        second: (rem / 1000 % 60) as u32,
        millis: (rem % 1000) as u32,
    }
}

/// Write `n` (< 10^width) as `width` digits at the start of `buf`.
#[inline]
fn put_digits(buf: &mut [u8], mut n: u32, width: usize) {
    for slot in buf[..width].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// ISO 8601 / RFC 3339 with the offset: `2023-11-14T23:13:20+01:00`
/// (milliseconds only when not zero).
///
/// ```
/// assert_eq!(wasmdash_plugin_sdk::time::iso8601(1_700_000_000_000, 60), "2023-11-14T23:13:20+01:00");
/// assert_eq!(wasmdash_plugin_sdk::time::iso8601(5, 0), "1970-01-01T00:00:00.005+00:00");
/// ```
pub fn iso8601(ms: i64, offset_minutes: i32) -> String {
    let mut out = String::with_capacity(29);
    push_iso8601(&mut out, ms, offset_minutes);
    out
}

/// Append [`iso8601`] of `ms` to `out` (a `String` or a `Vec<u8>`) without
/// allocating: exporters write millions of timestamps.
///
/// ```
/// let mut out = String::from("at ");
/// wasmdash_plugin_sdk::time::push_iso8601(&mut out, 1_700_000_000_000, -330);
/// assert_eq!(out, "at 2023-11-14T16:43:20-05:30");
/// ```
pub fn push_iso8601(out: &mut impl TextOut, ms: i64, offset_minutes: i32) {
    let t = civil(ms, offset_minutes);
    // "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM", the milliseconds cut when zero.
    let mut b = *b"0000-00-00T00:00:00.000+00:00";
    put_digits(&mut b[5..], t.month, 2);
    put_digits(&mut b[8..], t.day, 2);
    put_digits(&mut b[11..], t.hour, 2);
    put_digits(&mut b[14..], t.minute, 2);
    put_digits(&mut b[17..], t.second, 2);
    put_digits(&mut b[20..], t.millis, 3);
    if offset_minutes < 0 {
        b[23] = b'-';
    }
    let a = offset_minutes.unsigned_abs();
    put_digits(&mut b[24..], (a / 60).min(99), 2);
    put_digits(&mut b[27..], a % 60, 2);
    let len = if t.millis == 0 {
        b.copy_within(23.., 19);
        25
    } else {
        29
    };
    match u32::try_from(t.year) {
        Ok(year @ 0..=9999) => {
            put_digits(&mut b, year, 4);
            out.push_text(crate::cell_text::ascii(&b[..len]));
        }
        // Outside four digits: rare enough for the formatting machinery.
        _ => {
            out.push_text(&format!("{:04}", t.year));
            out.push_text(crate::cell_text::ascii(&b[4..len]));
        }
    }
}

/// `2023-11-14 23:13` in the offset, for reports and tables.
pub fn date_time(ms: i64, offset_minutes: i32) -> String {
    let t = civil(ms, offset_minutes);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

/// A short label for an axis tick, precise enough for a range `span_ms`
/// long: `14:00` under two days, `Nov 14` under a year, else `Nov 2023`.
pub fn tick_label(ms: i64, offset_minutes: i32, span_ms: i64) -> String {
    let t = civil(ms, offset_minutes);
    let month = MONTHS[(t.month as usize).saturating_sub(1) % 12];
    if span_ms <= 2 * 86_400_000 {
        format!("{:02}:{:02}", t.hour, t.minute)
    } else if span_ms <= 366 * 86_400_000 {
        format!("{month} {}", t.day)
    } else {
        format!("{month} {}", t.year)
    }
}

/// Tick positions for a time axis over `[start, end]`: a round step
/// (minutes, hours, days, weeks, ~months) giving at most `max_ticks` ticks,
/// aligned to the step in local time.
pub fn ticks(start: i64, end: i64, offset_minutes: i32, max_ticks: usize) -> Vec<i64> {
    const MIN: i64 = 60_000;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    const STEPS: [i64; 16] = [
        MIN,
        5 * MIN,
        15 * MIN,
        30 * MIN,
        HOUR,
        3 * HOUR,
        6 * HOUR,
        12 * HOUR,
        DAY,
        2 * DAY,
        7 * DAY,
        14 * DAY,
        30 * DAY,
        91 * DAY,
        182 * DAY,
        365 * DAY,
    ];
    if end <= start || max_ticks == 0 {
        return Vec::new();
    }
    let span = end - start;
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s < max_ticks as i64)
        .unwrap_or_else(|| (span / max_ticks as i64).max(1));
    let offset = i64::from(offset_minutes) * MIN;
    // Align in local time so "midnight" means the viewer's midnight.
    let local_start = start + offset;
    let first = local_start.div_euclid(step) * step
        + if local_start.rem_euclid(step) == 0 {
            0
        } else {
            step
        };
    let mut out = Vec::new();
    let mut t = first - offset;
    while t <= end && out.len() < max_ticks {
        out.push(t);
        t += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_handles_epoch_leap_days_and_negative() {
        assert_eq!(iso8601(0, 0), "1970-01-01T00:00:00+00:00");
        // 2024-02-29T12:00:00Z
        assert_eq!(iso8601(1_709_208_000_000, 0), "2024-02-29T12:00:00+00:00");
        assert_eq!(iso8601(-1, 0), "1969-12-31T23:59:59.999+00:00");
        assert_eq!(iso8601(0, -330), "1969-12-31T18:30:00-05:30");
    }

    #[test]
    fn push_iso8601_matches_formatting_field_by_field() {
        let mut ms = -86_400_000_123_i64;
        for offset in [-720, -330, 0, 60, 345, 840] {
            for _ in 0..2000 {
                ms = ms.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1) % 4_102_444_800_000;
                let t = civil(ms, offset);
                let a = offset.unsigned_abs();
                let frac = if t.millis == 0 {
                    String::new()
                } else {
                    format!(".{:03}", t.millis)
                };
                let want = format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}{}{:02}:{:02}",
                    t.year,
                    t.month,
                    t.day,
                    t.hour,
                    t.minute,
                    t.second,
                    if offset < 0 { '-' } else { '+' },
                    a / 60,
                    a % 60
                );
                assert_eq!(iso8601(ms, offset), want, "{ms} {offset}");
            }
        }
        assert_eq!(
            iso8601(253_402_300_800_000, 0),
            "10000-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn labels_depend_on_span() {
        let ms = 1_709_208_000_000;
        assert_eq!(tick_label(ms, 120, 86_400_000), "14:00");
        assert_eq!(tick_label(ms, 0, 30 * 86_400_000), "Feb 29");
        assert_eq!(tick_label(ms, 0, 800 * 86_400_000), "Feb 2024");
        assert_eq!(date_time(ms, 0), "2024-02-29 12:00");
    }

    #[test]
    fn ticks_are_aligned_and_bounded() {
        let day = 86_400_000;
        let start = 1_709_208_000_000; // noon UTC
        let t = ticks(start, start + 7 * day, 0, 8);
        assert!(!t.is_empty() && t.len() <= 8);
        assert!(t.iter().all(|x| x.rem_euclid(day) == 0), "{t:?}");
        let local = ticks(start, start + 7 * day, 60, 8);
        assert!(local.iter().all(|x| (x + 3_600_000).rem_euclid(day) == 0));
        assert!(ticks(5, 5, 0, 5).is_empty());
    }
}
