//! Bucket bookkeeping on the Rust side: which bucket starts a range spans
//! (so empty buckets can be filled), and the zone's UTC offsets over a
//! range (so the database can bucket local time across DST changes).
//!
//! Bucket keys are "local seconds": a local wall-clock time counted as if
//! it were UTC. The database computes the same keys with the same
//! arithmetic, so both sides agree exactly.

use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::dialect::Bucket;
use super::error::DataError;
use super::timerange::to_utc;
use wasmdash_frame::{Series, TimeRange};

/// Points `auto` aims to stay under.
pub const AUTO_MAX_POINTS: i64 = 400;
/// Points an explicit bucket may produce at most.
pub const MAX_POINTS: i64 = 5_000;

/// A bucket as asked for: fixed, or chosen from the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BucketSpec {
    /// The smallest bucket keeping the series under ~400 points.
    Auto,
    /// This bucket.
    Fixed(Bucket),
}

impl FromStr for BucketSpec {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, DataError> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        Bucket::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .map(Self::Fixed)
            .ok_or_else(|| {
                DataError::BadBucket(format!(
                    "`{}` is not a bucket; use auto, minute, hour, day, week or month",
                    s.chars().take(40).collect::<String>()
                ))
            })
    }
}

impl BucketSpec {
    /// The concrete bucket for a range.
    pub fn resolve(self, r: &TimeRange) -> Result<Bucket, DataError> {
        let secs = ((r.end_ms - r.start_ms) / 1000).max(1);
        match self {
            Self::Auto => Ok(Bucket::ALL
                .into_iter()
                .find(|b| secs / b.approx_secs() <= AUTO_MAX_POINTS)
                .unwrap_or(Bucket::Month)),
            Self::Fixed(b) if secs / b.approx_secs() > MAX_POINTS => {
                Err(DataError::BadBucket(format!(
                    "`{}` buckets over this range give more than {MAX_POINTS} points; use a larger bucket",
                    b.name()
                )))
            }
            Self::Fixed(b) => Ok(b),
        }
    }
}

pub(crate) fn naive(secs: i64) -> NaiveDateTime {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc()
}

/// The key of the bucket holding local seconds `local` (mirrors
/// `Dialect::bucket_start`).
pub(crate) fn floor(local: i64, bucket: Bucket) -> i64 {
    let day = local.div_euclid(86_400);
    match bucket {
        Bucket::Minute => local.div_euclid(60) * 60,
        Bucket::Hour => local.div_euclid(3_600) * 3_600,
        Bucket::Day => day * 86_400,
        Bucket::Week => (day - (day + 3).rem_euclid(7)) * 86_400,
        Bucket::Month => {
            let d = naive(local).date();
            NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
                .unwrap_or(d)
                .and_time(Default::default())
                .and_utc()
                .timestamp()
        }
    }
}

pub(crate) fn next(key: i64, bucket: Bucket) -> i64 {
    match bucket {
        Bucket::Month => {
            let d = naive(key).date();
            let (y, m) = if d.month() == 12 {
                (d.year() + 1, 1)
            } else {
                (d.year(), d.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .unwrap_or(d)
                .and_time(Default::default())
                .and_utc()
                .timestamp()
        }
        b => key + b.approx_secs(),
    }
}

/// Local-seconds of `utc_ms` in `tz`.
pub(crate) fn local_secs(tz: Tz, utc_ms: i64) -> i64 {
    let t = DateTime::from_timestamp_millis(utc_ms).unwrap_or_default();
    t.with_timezone(&tz).naive_local().and_utc().timestamp()
}

/// Bucket keys covering `r`, with each bucket's start as Unix ms.
pub(crate) fn keys(tz: Tz, r: &TimeRange, bucket: Bucket) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut key = floor(local_secs(tz, r.start_ms), bucket);
    let end = local_secs(tz, r.end_ms - 1);
    while key <= end && out.len() <= MAX_POINTS as usize + 2 {
        out.push((key, to_utc(tz, naive(key)).timestamp_millis()));
        key = next(key, bucket);
    }
    out
}

/// `(from UTC second, offset seconds)` pairs over `r`: the zone's offset at
/// the start, then one pair per change (DST) inside the range.
pub(crate) fn offsets(tz: Tz, r: &TimeRange) -> Vec<(i64, i64)> {
    let offset_at = |secs: i64| -> i64 {
        i64::from(
            tz.offset_from_utc_datetime(&naive(secs))
                .fix()
                .local_minus_utc(),
        )
    };
    let (start, end) = (r.start_ms.div_euclid(1000), r.end_ms.div_euclid(1000) + 1);
    let mut out = vec![(start, offset_at(start))];
    // Zones change offset at most a few times a year: step 6 hours, then
    // bisect to the exact second.
    let step = 6 * 3_600;
    let mut t = start;
    while t < end {
        let u = (t + step).min(end);
        if offset_at(u) != offset_at(t) {
            let (mut lo, mut hi) = (t, u);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid) == offset_at(t) {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            out.push((hi, offset_at(hi)));
        }
        t = u;
    }
    out
}

/// The previous series re-stamped onto the current bucket starts, index
/// by index; missing buckets are 0 for counts, null otherwise.
pub(crate) fn align(current: &Series, previous: &Series, count: bool) -> Series {
    let n = current.timestamps.len();
    let mut out = Series {
        timestamps: current.timestamps.clone(),
        values: Vec::with_capacity(n),
        nulls: Vec::new(),
    };
    let mut nulls = Vec::with_capacity(n);
    for i in 0..n {
        let v = previous
            .values
            .get(i)
            .copied()
            .filter(|_| !previous.nulls.get(i).copied().unwrap_or(false));
        let v = v.or(if count && i >= previous.values.len() {
            Some(0.0)
        } else {
            None
        });
        out.values.push(v.unwrap_or(0.0));
        nulls.push(v.is_none());
    }
    if nulls.iter().any(|n| *n) {
        out.nulls = nulls;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: &str, b: &str) -> TimeRange {
        let ms = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
        TimeRange {
            start_ms: ms(a),
            end_ms: ms(b),
            label: String::new(),
        }
    }

    #[test]
    fn auto_keeps_under_400_points_and_fixed_refuses_too_many() {
        let year = range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        assert_eq!(BucketSpec::Auto.resolve(&year).unwrap(), Bucket::Day);
        let day = range("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
        assert_eq!(BucketSpec::Auto.resolve(&day).unwrap(), Bucket::Hour);
        assert!(BucketSpec::Fixed(Bucket::Minute).resolve(&year).is_err());
        assert!("fortnight".parse::<BucketSpec>().is_err());
    }

    #[test]
    fn berlin_dst_change_is_found_to_the_second() {
        let r = range("2025-03-29T00:00:00Z", "2025-04-01T00:00:00Z");
        let o = offsets(chrono_tz::Europe::Berlin, &r);
        let change = DateTime::parse_from_rfc3339("2025-03-30T01:00:00Z")
            .unwrap()
            .timestamp();
        assert_eq!(o, vec![(r.start_ms / 1000, 3600), (change, 7200)]);
        assert_eq!(offsets(Tz::UTC, &r).len(), 1);
    }

    #[test]
    fn day_keys_follow_local_midnight_across_dst() {
        let r = range("2025-03-29T23:00:00Z", "2025-04-01T22:00:00Z");
        let k = keys(chrono_tz::Europe::Berlin, &r, Bucket::Day);
        let starts: Vec<i64> = k.iter().map(|(_, ms)| *ms).collect();
        let ms = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
        assert_eq!(
            starts,
            vec![
                ms("2025-03-29T23:00:00Z"),
                ms("2025-03-30T22:00:00Z"),
                ms("2025-03-31T22:00:00Z")
            ]
        );
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2025-01-01 (Wednesday) → Monday 2024-12-30.
        let jan1 = NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(13, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        let monday = NaiveDate::from_ymd_opt(2024, 12, 30)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(floor(jan1, Bucket::Week), monday);
        let dec = NaiveDate::from_ymd_opt(2024, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(floor(jan1 - 86_400 * 3, Bucket::Month), dec);
        assert_eq!(next(dec, Bucket::Month), jan1 - 13 * 3600);
    }
}
