//! Time ranges as users pick them (`30d`, `this_month`, `from`/`to`),
//! resolved in the configured IANA timezone into a current and a previous
//! [`TimeRange`] of equal, date-aligned length.
//!
//! "Now" is a parameter so tests are deterministic. Day boundaries come from
//! local wall-clock time, so a DST day is 23 or 25 hours long.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::error::DataError;
use wasmdash_frame::TimeRange;

/// A calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A local day.
    Day,
    /// An ISO week, starting Monday.
    Week,
    /// A month.
    Month,
    /// A quarter.
    Quarter,
    /// A year.
    Year,
}

impl Period {
    const ALL: [(Period, &'static str); 5] = [
        (Period::Day, "day"),
        (Period::Week, "week"),
        (Period::Month, "month"),
        (Period::Quarter, "quarter"),
        (Period::Year, "year"),
    ];

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |(_, n)| n)
    }

    /// First day of the period containing `d`.
    fn start(self, d: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d);
        match self {
            Self::Day => d,
            Self::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            Self::Month => first_of(d.month()),
            Self::Quarter => first_of((d.month() - 1) / 3 * 3 + 1),
            Self::Year => first_of(1),
        }
    }

    /// The same day one period earlier.
    fn back(self, d: NaiveDate) -> NaiveDate {
        let months = |n| d.checked_sub_months(Months::new(n)).unwrap_or(d);
        match self {
            Self::Day => d - Duration::days(1),
            Self::Week => d - Duration::days(7),
            Self::Month => months(1),
            Self::Quarter => months(3),
            Self::Year => months(12),
        }
    }
}

/// One end of an absolute range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// An exact instant (RFC 3339).
    Instant(DateTime<Utc>),
    /// A local calendar date.
    Date(NaiveDate),
}

/// A time range as the user asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeSpec {
    /// The last `n` hours up to now (`24h`).
    LastHours(u32),
    /// The last `n` local days up to now (`30d`).
    LastDays(u32),
    /// The current period so far (`today`, `this_month`).
    Current(Period),
    /// The whole previous period (`yesterday`, `previous_month`).
    Previous(Period),
    /// `from` (inclusive) to `to` (exclusive instant, or inclusive date).
    Absolute {
        /// Start.
        from: Bound,
        /// End.
        to: Bound,
    },
}

/// A resolved range and the period before it, for comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRange {
    /// The range asked for.
    pub current: TimeRange,
    /// The previous period of equal, date-aligned length.
    pub previous: TimeRange,
}

const MAX_DAYS: i64 = 3660;

impl RangeSpec {
    /// The range used when none is given: a dashboard, widget, metric or
    /// report without one shows the last 30 days. Spelled here only.
    pub const DEFAULT: Self = Self::LastDays(30);
}

impl FromStr for RangeSpec {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, DataError> {
        let bad = || {
            DataError::BadRange(format!(
                "`{}` is not a range; use e.g. 24h, 30d, today, this_month, previous_month",
                truncate(s)
            ))
        };
        let s = s.trim();
        if let Some(Ok(n)) = s.strip_suffix('h').map(str::parse::<u32>) {
            return match n {
                1..=8784 => Ok(Self::LastHours(n)),
                _ => Err(DataError::BadRange("hours must be 1..=8784".into())),
            };
        }
        if let Some(Ok(n)) = s.strip_suffix('d').map(str::parse::<u32>) {
            return match i64::from(n) {
                1..=MAX_DAYS => Ok(Self::LastDays(n)),
                _ => Err(DataError::BadRange(format!("days must be 1..={MAX_DAYS}"))),
            };
        }
        match s {
            "today" => return Ok(Self::Current(Period::Day)),
            "yesterday" => return Ok(Self::Previous(Period::Day)),
            _ => {}
        }
        for (period, name) in Period::ALL {
            if s.strip_prefix("this_") == Some(name) {
                return Ok(Self::Current(period));
            }
            if s.strip_prefix("previous_") == Some(name) {
                return Ok(Self::Previous(period));
            }
        }
        Err(bad())
    }
}

impl fmt::Display for RangeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LastHours(n) => write!(f, "{n}h"),
            Self::LastDays(n) => write!(f, "{n}d"),
            Self::Current(p) => write!(f, "this_{}", p.name()),
            Self::Previous(p) => write!(f, "previous_{}", p.name()),
            Self::Absolute { from, to } => write!(f, "{}..{}", bound_str(from), bound_str(to)),
        }
    }
}

fn bound_str(b: &Bound) -> String {
    match b {
        Bound::Instant(t) => t.to_rfc3339(),
        Bound::Date(d) => d.to_string(),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

impl RangeSpec {
    /// An absolute range from two strings, each RFC 3339 or `YYYY-MM-DD`.
    /// A date as `to` includes that whole day.
    pub fn absolute(from: &str, to: &str) -> Result<Self, DataError> {
        Ok(Self::Absolute {
            from: parse_bound(from)?,
            to: parse_bound(to)?,
        })
    }

    /// Resolve against `now` in `tz`.
    pub fn resolve(&self, now: DateTime<Utc>, tz: Tz) -> Result<ResolvedRange, DataError> {
        // Whole seconds: stored timestamps have second precision.
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let local_now = now.with_timezone(&tz).naive_local();
        let (start, end, prev_start, prev_end, label) = match *self {
            Self::LastHours(n) => {
                let d = Duration::hours(i64::from(n));
                let label = format!("Last {n} hour{}", if n == 1 { "" } else { "s" });
                (now - d, now, now - d - d, now - d, label)
            }
            Self::LastDays(n) => {
                let d = Duration::days(i64::from(n));
                let start = to_utc(tz, local_now - d);
                let label = format!("Last {n} day{}", if n == 1 { "" } else { "s" });
                (start, now, to_utc(tz, local_now - d - d), start, label)
            }
            Self::Current(p) => {
                let start_local = p.start(local_now.date()).and_time(Default::default());
                let prev_local = p.back(start_local.date()).and_time(Default::default());
                let start = to_utc(tz, start_local);
                // Date-aligned: the same elapsed wall-clock time, capped at
                // the start of the current period (short months).
                let prev_end = to_utc(tz, prev_local + (local_now - start_local)).min(start);
                let label = if p == Period::Day {
                    "Today".to_string()
                } else {
                    format!("This {}", p.name())
                };
                (start, now, to_utc(tz, prev_local), prev_end, label)
            }
            Self::Previous(p) => {
                let cur_local = p.start(local_now.date());
                let start_local = p.back(cur_local);
                let before = p.back(start_local);
                let at = |d: NaiveDate| to_utc(tz, d.and_time(Default::default()));
                let label = if p == Period::Day {
                    "Yesterday".to_string()
                } else {
                    format!("Previous {}", p.name())
                };
                (
                    at(start_local),
                    at(cur_local),
                    at(before),
                    at(start_local),
                    label,
                )
            }
            Self::Absolute { from, to } => {
                let start = match from {
                    Bound::Instant(t) => t,
                    Bound::Date(d) => to_utc(tz, d.and_time(Default::default())),
                };
                let end = match to {
                    Bound::Instant(t) => t,
                    Bound::Date(d) => {
                        to_utc(tz, (d + Duration::days(1)).and_time(Default::default()))
                    }
                };
                if end <= start {
                    return Err(DataError::BadRange("`to` must be after `from`".into()));
                }
                if end - start > Duration::days(MAX_DAYS) {
                    return Err(DataError::BadRange(format!(
                        "a range may span at most {MAX_DAYS} days"
                    )));
                }
                let label = format!("{} – {}", bound_str(&from), bound_str(&to));
                (start, end, start - (end - start), start, label)
            }
        };
        let range = |a: DateTime<Utc>, b: DateTime<Utc>, label: String| TimeRange {
            start_ms: a.timestamp_millis(),
            end_ms: b.timestamp_millis(),
            label,
        };
        Ok(ResolvedRange {
            previous: range(prev_start, prev_end, format!("Before: {label}")),
            current: range(start, end, label),
        })
    }
}

fn parse_bound(s: &str) -> Result<Bound, DataError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        if !(1970..=9999).contains(&t.year()) {
            return Err(DataError::BadRange("years must be 1970..=9999".into()));
        }
        return Ok(Bound::Instant(t));
    }
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if (1970..=9998).contains(&d.year()) => Ok(Bound::Date(d)),
        Ok(_) => Err(DataError::BadRange("years must be 1970..=9998".into())),
        Err(_) => Err(DataError::BadRange(format!(
            "`{}` is neither RFC 3339 (2025-01-31T12:00:00Z) nor a date (2025-01-31)",
            truncate(s)
        ))),
    }
}

/// Local wall-clock time to UTC. An ambiguous time (DST fall-back) takes
/// the earlier instant; a skipped time (spring-forward gap) moves forward
/// to the first valid minute.
pub(crate) fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    for _ in 0..=180 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.with_timezone(&Utc);
        }
        t += Duration::minutes(1);
    }
    // No zone has a gap longer than three hours; fall back to UTC.
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ms(s: &str) -> i64 {
        at(s).timestamp_millis()
    }

    fn resolve(spec: &str, now: &str, tz: Tz) -> ResolvedRange {
        spec.parse::<RangeSpec>()
            .unwrap()
            .resolve(at(now), tz)
            .unwrap()
    }

    #[test]
    fn every_named_range_parses_and_prints_back() {
        for s in [
            "1h",
            "24h",
            "7d",
            "30d",
            "90d",
            "365d",
            "this_day",
            "this_week",
            "this_month",
            "this_quarter",
            "this_year",
            "previous_day",
            "previous_week",
            "previous_month",
            "previous_quarter",
            "previous_year",
        ] {
            assert_eq!(s.parse::<RangeSpec>().unwrap().to_string(), s);
        }
        assert_eq!(
            "today".parse::<RangeSpec>().unwrap(),
            RangeSpec::Current(Period::Day)
        );
    }

    #[test]
    fn hostile_or_silly_ranges_are_rejected() {
        for s in [
            "",
            "0d",
            "-1d",
            "99999d",
            "1w",
            "30d; DROP TABLE x",
            "this_decade",
            "d",
        ] {
            assert!(
                matches!(s.parse::<RangeSpec>(), Err(DataError::BadRange(_))),
                "{s}"
            );
        }
        assert!(
            RangeSpec::absolute("2025-02-01", "2025-01-01")
                .unwrap()
                .resolve(Utc::now(), Tz::UTC)
                .is_err()
        );
        assert!(RangeSpec::absolute("yesterday", "2025-01-01").is_err());
    }

    #[test]
    fn last_hours_is_exact_and_previous_is_adjacent() {
        let r = resolve("24h", "2025-03-10T12:00:00.750Z", Tz::UTC);
        assert_eq!(r.current.end_ms, ms("2025-03-10T12:00:00Z"));
        assert_eq!(r.current.start_ms, ms("2025-03-09T12:00:00Z"));
        assert_eq!(r.previous.end_ms, r.current.start_ms);
        assert_eq!(r.previous.start_ms, ms("2025-03-08T12:00:00Z"));
    }

    #[test]
    fn today_in_berlin_on_the_spring_forward_day_is_23_hours() {
        // 2025-03-30: Berlin jumps from 02:00 to 03:00.
        let r = resolve("today", "2025-03-30T21:00:00Z", chrono_tz::Europe::Berlin);
        assert_eq!(r.current.start_ms, ms("2025-03-29T23:00:00Z"));
        let yesterday = resolve(
            "yesterday",
            "2025-03-31T10:00:00Z",
            chrono_tz::Europe::Berlin,
        );
        assert_eq!(yesterday.current.start_ms, ms("2025-03-29T23:00:00Z"));
        assert_eq!(yesterday.current.end_ms, ms("2025-03-30T22:00:00Z"));
        assert_eq!(
            yesterday.current.end_ms - yesterday.current.start_ms,
            23 * 3_600_000
        );
    }

    #[test]
    fn new_york_fall_back_day_is_25_hours() {
        // 2025-11-02: New York goes from 02:00 EDT back to 01:00 EST.
        let r = resolve(
            "yesterday",
            "2025-11-03T15:00:00Z",
            chrono_tz::America::New_York,
        );
        assert_eq!(r.current.start_ms, ms("2025-11-02T04:00:00Z"));
        assert_eq!(r.current.end_ms, ms("2025-11-03T05:00:00Z"));
        assert_eq!(r.previous.end_ms - r.previous.start_ms, 24 * 3_600_000);
    }

    #[test]
    fn last_days_keep_wall_clock_time_across_dst() {
        let r = resolve("7d", "2025-04-02T10:00:00Z", chrono_tz::Europe::Berlin);
        // 12:00 local on 2025-04-02 (CEST) → 12:00 local on 2025-03-26 (CET).
        assert_eq!(r.current.start_ms, ms("2025-03-26T11:00:00Z"));
    }

    #[test]
    fn this_month_compares_with_the_same_days_of_last_month() {
        let r = resolve("this_month", "2025-03-10T12:00:00Z", Tz::UTC);
        assert_eq!(r.current.start_ms, ms("2025-03-01T00:00:00Z"));
        assert_eq!(r.previous.start_ms, ms("2025-02-01T00:00:00Z"));
        assert_eq!(r.previous.end_ms, ms("2025-02-10T12:00:00Z"));
        // 31 March: February has no 31st; the previous range stops at 1 March.
        let r = resolve("this_month", "2025-03-31T12:00:00Z", Tz::UTC);
        assert_eq!(r.previous.end_ms, ms("2025-03-01T00:00:00Z"));
    }

    #[test]
    fn weeks_start_on_monday_and_quarters_on_the_first_month() {
        // 2025-01-01 is a Wednesday.
        let r = resolve("previous_week", "2025-01-01T12:00:00Z", Tz::UTC);
        assert_eq!(r.current.start_ms, ms("2024-12-23T00:00:00Z"));
        assert_eq!(r.current.end_ms, ms("2024-12-30T00:00:00Z"));
        let r = resolve("previous_quarter", "2025-05-15T00:00:00Z", Tz::UTC);
        assert_eq!(r.current.start_ms, ms("2025-01-01T00:00:00Z"));
        assert_eq!(r.current.end_ms, ms("2025-04-01T00:00:00Z"));
        assert_eq!(r.previous.start_ms, ms("2024-10-01T00:00:00Z"));
    }

    #[test]
    fn absolute_dates_include_the_last_day_in_local_time() {
        let spec = RangeSpec::absolute("2025-01-01", "2025-01-31").unwrap();
        let r = spec
            .resolve(Utc::now(), chrono_tz::America::New_York)
            .unwrap();
        assert_eq!(r.current.start_ms, ms("2025-01-01T05:00:00Z"));
        assert_eq!(r.current.end_ms, ms("2025-02-01T05:00:00Z"));
        assert_eq!(r.previous.end_ms, r.current.start_ms);
        let spec =
            RangeSpec::absolute("2025-01-01T00:00:00Z", "2025-01-01T06:00:00+02:00").unwrap();
        let r = spec.resolve(Utc::now(), Tz::UTC).unwrap();
        assert_eq!(r.current.end_ms - r.current.start_ms, 4 * 3_600_000);
    }

    #[test]
    fn gaps_move_forward_and_ambiguous_times_take_the_earlier() {
        let berlin = chrono_tz::Europe::Berlin;
        let gap = NaiveDate::from_ymd_opt(2025, 3, 30)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(to_utc(berlin, gap), at("2025-03-30T01:00:00Z"));
        let twice = NaiveDate::from_ymd_opt(2025, 10, 26)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(to_utc(berlin, twice), at("2025-10-26T00:30:00Z"));
    }
}
