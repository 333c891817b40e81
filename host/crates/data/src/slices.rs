//! Time slices: a scan's buckets as intervals of UTC time, worked out in
//! Rust, so SQLite can answer a bucketed scan without sorting its rows.
//!
//! SQLite groups rows (`GROUP BY` a bucket expression) by sorting every
//! row of the range first; over a long range that sort costs about three
//! times the read itself. Given the slices as a small table, SQLite reads
//! each slice's rows through the time column's index, in time order, and
//! `GROUP BY` the slice's rowid needs no sort at all. That is only worth it
//! when the index walk is cheap: a range covering little of the table, or
//! a table whose rows are stored in time order (see
//! `source::sliced::stored_in_time_order`).
//!
//! A slice holds the rows that share one `(tag, bucket key)`; the key is
//! the local-time bucket start the per-row arithmetic of `scan` would give
//! (`floor(utc + offset(utc), bucket)`), so zones and their DST changes
//! come out the same. A key can take two slices where a zone repeats an
//! hour (15-minute buckets when clocks go back); folded aggregates add
//! them up, and a scan that cannot (`count_distinct`) is not sliced.

use wasmdash_frame::TimeRange;

use super::access;
use super::buckets;
use super::catalog::Dataset;
use super::compile::{From, MetricPlan};
use super::dialect::Bucket;
use super::engine::DataEngine;
use super::error::{DataError, Result};
use super::fold::{self, Group, Keys, offset_at};
use super::scan;
use super::source::Source;

/// How long a table's storage order is trusted before it is probed again.
const ORDER_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// Slices beyond which a scan is not sliced (a fixed bucket gives at most
/// `MAX_POINTS` per period; zone changes add a few).
pub(crate) const MAX_SLICES: usize = 4 * buckets::MAX_POINTS as usize;

/// One interval of UTC time whose rows share a tag and a bucket key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    /// 0 for the current period, 1 for the previous one.
    pub(crate) tag: i64,
    /// The bucket start in local seconds; `None` for a total.
    pub(crate) key: Option<i64>,
    /// First instant, Unix ms (inclusive).
    pub(crate) lo_ms: i64,
    /// End, Unix ms (exclusive).
    pub(crate) hi_ms: i64,
}

/// The slices of `range` (rows tagged `tag`) in buckets of `bucket`, or one
/// slice for the whole range when `bucket` is `None`. `offsets` are the
/// zone's offsets over the range (`buckets::offsets`).
pub(crate) fn slices(
    range: &TimeRange,
    tag: i64,
    bucket: Option<Bucket>,
    offsets: &[(i64, i64)],
) -> Vec<Slice> {
    let mut out: Vec<Slice> = Vec::new();
    if range.end_ms <= range.start_ms {
        return out;
    }
    let Some(bucket) = bucket else {
        out.push(Slice {
            tag,
            key: None,
            lo_ms: range.start_ms,
            hi_ms: range.end_ms,
        });
        return out;
    };
    let mut at = range.start_ms;
    while at < range.end_ms && out.len() <= MAX_SLICES {
        let secs = at.div_euclid(1000);
        let offset = offset_at(offsets, secs);
        let key = buckets::floor(secs + offset, bucket);
        // The bucket ends at its next local start, unless the zone's
        // offset changes first.
        let bucket_end = buckets::next(key, bucket) - offset;
        let change = offsets
            .iter()
            .map(|(from, _)| *from)
            .find(|from| *from > secs)
            .unwrap_or(i64::MAX / 1000);
        let hi = (bucket_end.min(change) * 1000).min(range.end_ms);
        match out.last_mut() {
            Some(last) if last.key == Some(key) && last.hi_ms == at => last.hi_ms = hi,
            _ => out.push(Slice {
                tag,
                key: Some(key),
                lo_ms: at,
                hi_ms: hi,
            }),
        }
        at = hi;
    }
    out
}

/// Whether no two slices share a tag and key (each key is one group).
pub(crate) fn keys_unique(slices: &[Slice]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(slices.len());
    slices.iter().all(|s| seen.insert((s.tag, s.key)))
}

/// What a scan reads, for [`DataEngine::sliced_groups`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlicedScan<'a> {
    pub(crate) current: &'a TimeRange,
    pub(crate) previous: Option<&'a TimeRange>,
    /// Both periods together.
    pub(crate) span: &'a TimeRange,
    /// The zone's offsets over `span`.
    pub(crate) offsets: &'a [(i64, i64)],
    pub(crate) bucket: Option<Bucket>,
    /// The scan holds a `count_distinct` (one group per key).
    pub(crate) exact: bool,
    /// The metrics read columns beyond the time column.
    pub(crate) other_columns: bool,
}

impl DataEngine {
    /// The scan's groups through slices, when that is the fast path: a
    /// SQLite table, a plan that walks the time index, and either a range
    /// covering little of the table or rows stored in time order (else
    /// each row fetched through the index costs a random read, and one
    /// pass over the table with a sort is faster). `None`: scan unsliced.
    pub(crate) async fn sliced_groups(
        &self,
        index: usize,
        d: &Dataset,
        s: &Source,
        scan: &SlicedScan<'_>,
        metrics: &[&MetricPlan],
    ) -> Result<Option<Vec<Group>>> {
        if !s.is_sqlite() || !matches!(d.from, From::Table(_)) {
            return Ok(None);
        }
        let mut all = slices(scan.current, 0, scan.bucket, scan.offsets);
        if let Some(previous) = scan.previous {
            all.extend(slices(previous, 1, scan.bucket, scan.offsets));
        }
        if all.is_empty() || all.len() > MAX_SLICES || (scan.exact && !keys_unique(&all)) {
            return Ok(None);
        }
        if scan.other_columns
            && self
                .span(index, d, s)
                .await
                .is_some_and(|span| access::covers_most(span, scan.span))
            && !self.stored_in_time_order(index, d, s).await
        {
            return Ok(None);
        }
        let target = Self::target(d, s);
        let q = scan::sliced_scan(&target, metrics, scan.bucket.is_some());
        match s.walks_index(&q, &d.info.time_column).await {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                tracing::warn!(dataset = %d.info.name, error = %e, "checking the sliced plan failed");
                return Ok(None);
            }
        }
        let rows = match s.query_sliced(q, all).await {
            Ok(rows) => rows,
            // A connection that cannot hold the slices (its temp store
            // unwritable, say) gets the plain statement; a real problem
            // with the data fails that one too, and is reported from it.
            Err(e @ DataError::Database { .. }) => {
                tracing::warn!(dataset = %d.info.name, error = %e, "a sliced scan failed; scanning unsliced");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        self.sliced_scans
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(dataset = %d.info.name, path = "sql", sliced = true, "scan answered");
        Ok(Some(fold::groups(rows, scan.bucket.is_some(), Keys::Local)))
    }

    /// Whether dataset `index`'s table stores its rows in time order,
    /// probed at most every [`ORDER_TTL`]; `false` when the probe fails.
    async fn stored_in_time_order(&self, index: usize, d: &Dataset, s: &Source) -> bool {
        let target = Self::target(d, s);
        let probe = async {
            let b = super::compile::Builder::new(target.dialect);
            match s
                .stored_in_time_order(b.from(target.from), b.id(target.time_column))
                .await
            {
                Ok(ordered) => Ok(ordered),
                Err(e) => {
                    tracing::warn!(dataset = %d.info.name, error = %e, "probing the storage order failed");
                    Ok(false)
                }
            }
        };
        self.in_time_order
            .get_or_load(index, ORDER_TTL, probe)
            .await
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<DateTime<Utc>>().expect("time").timestamp_millis()
    }

    fn range(a: &str, b: &str) -> TimeRange {
        TimeRange {
            start_ms: ms(a),
            end_ms: ms(b),
            label: String::new(),
        }
    }

    /// The key the per-row arithmetic gives a row at `utc_ms`.
    fn row_key(tz: Tz, utc_ms: i64, bucket: Bucket) -> i64 {
        buckets::floor(buckets::local_secs(tz, utc_ms), bucket)
    }

    /// Every second of `r` falls in exactly one slice, whose key is the
    /// row's own key, and the slices tile `r` in order.
    fn check(tz: Tz, r: &TimeRange, bucket: Bucket) -> Vec<Slice> {
        let offsets = buckets::offsets(tz, r);
        let got = slices(r, 0, Some(bucket), &offsets);
        assert_eq!(got.first().map(|s| s.lo_ms), Some(r.start_ms));
        assert_eq!(got.last().map(|s| s.hi_ms), Some(r.end_ms));
        for pair in got.windows(2) {
            assert_eq!(pair[0].hi_ms, pair[1].lo_ms, "slices tile the range");
        }
        let mut t = r.start_ms;
        while t < r.end_ms {
            let s = got
                .iter()
                .find(|s| s.lo_ms <= t && t < s.hi_ms)
                .expect("a slice holds every instant");
            assert_eq!(s.key, Some(row_key(tz, t, bucket)), "key at {t}");
            t += 60_000;
        }
        got
    }

    #[test]
    fn utc_months_are_one_slice_each() {
        let r = range("2025-01-15T00:00:00Z", "2025-04-10T12:00:00Z");
        let got = check(Tz::UTC, &r, Bucket::Month);
        assert_eq!(got.len(), 4);
        assert_eq!(got[1].lo_ms, ms("2025-02-01T00:00:00Z"));
    }

    #[test]
    fn days_across_both_berlin_changes_keep_one_slice_per_day() {
        let tz: Tz = "Europe/Berlin".parse().expect("zone");
        for (a, b) in [
            ("2025-03-28T10:00:00Z", "2025-04-02T00:00:00Z"),
            ("2025-10-24T10:00:00Z", "2025-10-29T00:00:00Z"),
        ] {
            let got = check(tz, &range(a, b), Bucket::Day);
            assert!(keys_unique(&got), "{got:?}");
        }
    }

    #[test]
    fn hours_where_clocks_go_back_merge_into_one_two_hour_slice() {
        let tz: Tz = "Europe/Berlin".parse().expect("zone");
        let got = check(
            tz,
            &range("2025-10-25T22:00:00Z", "2025-10-26T04:00:00Z"),
            Bucket::Hour,
        );
        assert!(keys_unique(&got));
        assert!(
            got.iter().any(|s| s.hi_ms - s.lo_ms == 2 * 3_600_000),
            "the repeated 02:00 hour holds two hours of rows: {got:?}"
        );
    }

    #[test]
    fn minutes_in_a_repeated_hour_share_keys() {
        let tz: Tz = "America/New_York".parse().expect("zone");
        let got = check(
            tz,
            &range("2025-11-02T05:00:00Z", "2025-11-02T07:00:00Z"),
            Bucket::Minute,
        );
        assert!(!keys_unique(&got), "01:xx happens twice in New York");
    }

    #[test]
    fn weeks_in_a_half_hour_zone_and_edges_inside_buckets() {
        let tz: Tz = "Asia/Kolkata".parse().expect("zone");
        let got = check(
            tz,
            &range("2025-01-01T07:13:20.500Z", "2025-03-01T00:00:00Z"),
            Bucket::Week,
        );
        assert_eq!(got[0].lo_ms, ms("2025-01-01T07:13:20.500Z"));
        assert!(keys_unique(&got));
    }

    #[test]
    fn a_total_is_one_slice_and_an_empty_range_none() {
        let r = range("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z");
        let got = slices(&r, 1, None, &[]);
        assert_eq!(
            got,
            vec![Slice {
                tag: 1,
                key: None,
                lo_ms: r.start_ms,
                hi_ms: r.end_ms
            }]
        );
        let empty = range("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        assert!(slices(&empty, 0, Some(Bucket::Day), &[]).is_empty());
    }
}
