//! Which buckets a range covers only in part.
//!
//! The policy (one for every widget, export and comparison): a range is
//! shown as the user picked it — "Last 30 days" starts at this time of day
//! 30 days ago and ends now — and its first and last buckets, when the
//! range starts after the first begins or ends before the last is over,
//! are marked partial so charts draw them distinctly and tables and PDFs
//! say "partial". The previous period is judged by its own range and
//! buckets, then re-stamped onto the current timestamps like its values.
//!
//! Boundaries are local wall-clock buckets in the dashboard's zone, so a
//! DST day (23 or 25 hours) or a short month is whole when covered whole.

use chrono_tz::Tz;

use super::buckets::{keys, naive, next};
use super::dialect::Bucket;
use super::timerange::{ResolvedRange, to_utc};
use wasmdash_frame::{PartialBuckets, Series, TimeRange};

/// Whether each bucket [`keys`] yields for `r` is covered only in part.
fn flags(tz: Tz, r: &TimeRange, bucket: Bucket) -> Vec<(i64, bool)> {
    let keys = keys(tz, r, bucket);
    let last = keys.len().saturating_sub(1);
    keys.iter()
        .enumerate()
        .map(|(i, (key, start_ms))| {
            let cut_start = i == 0 && *start_ms < r.start_ms;
            let end_ms = to_utc(tz, naive(next(*key, bucket))).timestamp_millis();
            let cut_end = i == last && end_ms > r.end_ms;
            (*start_ms, cut_start || cut_end)
        })
        .collect()
}

/// The partial buckets of `points` (over `r.current`) and of the previous
/// period's series aligned onto them index by index (over `r.previous`).
pub(crate) fn partial_buckets(
    tz: Tz,
    r: &ResolvedRange,
    bucket: Bucket,
    points: &Series,
    with_previous: bool,
) -> PartialBuckets {
    let current = flags(tz, &r.current, bucket)
        .into_iter()
        .filter(|(start, cut)| *cut && points.timestamps.contains(start))
        .map(|(start, _)| start)
        .collect();
    let previous = if with_previous {
        flags(tz, &r.previous, bucket)
            .into_iter()
            .enumerate()
            .filter(|(_, (_, cut))| *cut)
            .filter_map(|(i, _)| points.timestamps.get(i).copied())
            .collect()
    } else {
        Vec::new()
    };
    PartialBuckets { current, previous }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::timerange::RangeSpec;

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    fn series_over(tz: Tz, r: &TimeRange, bucket: Bucket) -> Series {
        let timestamps: Vec<i64> = keys(tz, r, bucket).into_iter().map(|k| k.1).collect();
        Series {
            values: vec![1.0; timestamps.len()],
            timestamps,
            nulls: Vec::new(),
        }
    }

    fn resolve(spec: &str, now: &str, tz: Tz) -> ResolvedRange {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339(now).unwrap().into();
        spec.parse::<RangeSpec>().unwrap().resolve(now, tz).unwrap()
    }

    #[test]
    fn last_30_days_by_day_has_a_partial_first_and_last_day() {
        let tz = chrono_tz::Europe::Berlin;
        let r = resolve("30d", "2025-06-15T10:30:00Z", tz);
        let points = series_over(tz, &r.current, Bucket::Day);
        let p = partial_buckets(tz, &r, Bucket::Day, &points, true);
        let (first, last) = (points.timestamps[0], *points.timestamps.last().unwrap());
        // 30 days ago at 12:30 local time, up to now at 12:30: both days cut.
        assert_eq!(p.current, vec![first, last]);
        // The previous period also runs from 12:30 to 12:30.
        assert_eq!(p.previous, vec![first, last]);
        // On the hour, hourly buckets are whole at both ends.
        let r = resolve("30d", "2025-06-15T10:00:00Z", tz);
        let hours = series_over(tz, &r.current, Bucket::Hour);
        let p = partial_buckets(tz, &r, Bucket::Hour, &hours, true);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn whole_buckets_are_not_partial_even_across_dst() {
        let tz = chrono_tz::Europe::Berlin;
        // March 2025 in Berlin: local midnight to local midnight, with the
        // 23-hour DST day inside.
        let r = ResolvedRange {
            current: TimeRange {
                start_ms: ms("2025-02-28T23:00:00Z"),
                end_ms: ms("2025-03-31T22:00:00Z"),
                label: String::new(),
            },
            previous: TimeRange {
                start_ms: ms("2025-01-31T23:00:00Z"),
                end_ms: ms("2025-02-28T23:00:00Z"),
                label: String::new(),
            },
        };
        for bucket in [Bucket::Hour, Bucket::Day, Bucket::Month] {
            let points = series_over(tz, &r.current, bucket);
            let p = partial_buckets(tz, &r, bucket, &points, true);
            assert!(p.is_empty(), "{bucket:?}: {p:?}");
        }
        // Weeks: March 1st 2025 is a Saturday, so both ends cut a week.
        let points = series_over(tz, &r.current, Bucket::Week);
        let p = partial_buckets(tz, &r, Bucket::Week, &points, false);
        assert_eq!(
            p.current,
            vec![points.timestamps[0], *points.timestamps.last().unwrap()]
        );
        assert!(p.previous.is_empty());
    }

    #[test]
    fn a_range_inside_one_bucket_makes_it_partial() {
        let tz = Tz::UTC;
        let r = resolve("today", "2025-06-15T10:30:00Z", tz);
        let points = series_over(tz, &r.current, Bucket::Month);
        assert_eq!(points.timestamps.len(), 1);
        let p = partial_buckets(tz, &r, Bucket::Month, &points, true);
        assert_eq!(p.current, points.timestamps);
        // Yesterday is also inside June: partial, drawn at today's bucket.
        assert_eq!(p.previous, points.timestamps);
    }
}
