//! Access path: whether a range query reads the whole table or walks the
//! index on the time column.
//!
//! SQLite plans a range predicate on an indexed column as an index walk
//! whatever its width, then fetches each row by rowid: for a range that
//! covers most of the table that is slower than reading the table
//! straight through (see the `data_ranges` bench). So for SQLite the
//! engine keeps the time column's first and last instants per dataset
//! (two index lookups, refreshed every minute) and, when a query's range
//! covers at least [`FULL_SCAN_SHARE`] of that span and the query reads
//! columns the index does not hold, hides the column from the planner
//! (`Dialect::without_index`). PostgreSQL and MariaDB estimate range
//! selectivity themselves and get the plain predicate.
//!
//! Before either, a scan on SQLite is tried *sliced* (see `slices`): the
//! index walked slice by slice, with no sort for the grouping. That wins
//! wherever the walk is cheap: a range covering less than
//! [`FULL_SCAN_SHARE`], or a table storing its rows in time order.

use std::time::Duration;

use wasmdash_frame::TimeRange;

/// The share of the time column's span from which a range query reads
/// the whole table.
pub(crate) const FULL_SCAN_SHARE: f64 = 0.25;

/// How long a dataset's span is trusted before it is read again.
pub(crate) const SPAN_TTL: Duration = Duration::from_secs(60);

/// Whether `range` covers at least [`FULL_SCAN_SHARE`] of `span` (first
/// and last instant, inclusive).
pub(crate) fn covers_most(span: (i64, i64), range: &TimeRange) -> bool {
    let (first, last) = span;
    let total = (last + 1 - first).max(1) as f64;
    let overlap = (range.end_ms.min(last + 1) - range.start_ms.max(first)).max(0) as f64;
    overlap / total >= FULL_SCAN_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: i64, b: i64) -> TimeRange {
        TimeRange {
            start_ms: a,
            end_ms: b,
            label: String::new(),
        }
    }

    #[test]
    fn wide_ranges_read_the_table_narrow_ones_the_index() {
        let span = (1_000, 100_999);
        assert!(covers_most(span, &range(0, 1_000_000)));
        assert!(covers_most(span, &range(60_000, 200_000)));
        assert!(!covers_most(span, &range(90_000, 200_000)));
        assert!(!covers_most(span, &range(200_000, 300_000)));
        assert!(covers_most((5, 5), &range(0, 10)));
    }
}
