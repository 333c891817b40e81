//! Folding the partial aggregates a scan returns into values: a total
//! per range, or a series at any bucket the scan's grain nests in.
//!
//! Counts, sums, minima and maxima fold as themselves; an average folds
//! its sum and count, a ratio its hits and rows, and divides at the end.
//! `count_distinct` does not fold: a scan holding one is grouped at
//! exactly the bucket asked for, so each key has one group.

use std::collections::HashMap;

use chrono_tz::Tz;

use crate::config::Aggregate;
use wasmdash_frame::{Series, TimeRange};

use super::batch::Cell;
use super::buckets;
use super::dialect::Bucket;

/// One group of a scan: its tag, its bucket key in local seconds (when
/// grouped in time) and its value columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub(crate) tag: i64,
    pub(crate) key: Option<i64>,
    pub(crate) values: Vec<Option<f64>>,
}

/// How a scan's keys become local seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keys<'a> {
    /// They already are.
    Local,
    /// They are UTC seconds: add the offset in force (`buckets::offsets`).
    Utc(&'a [(i64, i64)]),
}

/// Read a scan's rows (tag, key when `grouped`, values).
pub(crate) fn groups(rows: Vec<Vec<Cell>>, grouped: bool, keys: Keys<'_>) -> Vec<Group> {
    rows.into_iter()
        .filter_map(|row| {
            let mut cells = row.into_iter();
            let tag = cells.next()?.as_i64()?;
            let key = if grouped {
                let k = cells.next()?.as_i64()?;
                Some(match keys {
                    Keys::Local => k,
                    Keys::Utc(offsets) => k + offset_at(offsets, k),
                })
            } else {
                None
            };
            Some(Group {
                tag,
                key,
                values: cells.map(|c| c.as_f64()).collect(),
            })
        })
        .collect()
}

/// The offset in force at UTC second `at`.
pub(crate) fn offset_at(offsets: &[(i64, i64)], at: i64) -> i64 {
    offsets
        .iter()
        .take_while(|(from, _)| *from <= at)
        .last()
        .or(offsets.first())
        .map_or(0, |(_, o)| *o)
}

#[derive(Clone, Copy)]
enum Op {
    Sum,
    Min,
    Max,
}

fn ops(aggregate: Aggregate) -> &'static [Op] {
    match aggregate {
        Aggregate::Min => &[Op::Min],
        Aggregate::Max => &[Op::Max],
        Aggregate::Avg | Aggregate::Ratio => &[Op::Sum, Op::Sum],
        Aggregate::Count | Aggregate::CountDistinct | Aggregate::Sum => &[Op::Sum],
    }
}

/// Add `more` partials into `acc`; nulls (no rows) add nothing.
pub(crate) fn merge(aggregate: Aggregate, acc: &mut [Option<f64>], more: &[Option<f64>]) {
    for ((a, m), op) in acc.iter_mut().zip(more).zip(ops(aggregate)) {
        *a = match (*a, *m) {
            (None, m) => m,
            (a, None) => a,
            (Some(a), Some(m)) => Some(match op {
                Op::Sum => a + m,
                Op::Min => a.min(m),
                Op::Max => a.max(m),
            }),
        };
    }
}

/// The value of folded partials; `None` when no row counted.
pub(crate) fn finish(aggregate: Aggregate, parts: &[Option<f64>]) -> Option<f64> {
    match aggregate {
        Aggregate::Count | Aggregate::CountDistinct => Some(parts.first().copied()?.unwrap_or(0.0)),
        Aggregate::Avg | Aggregate::Ratio => match (parts.first()?, parts.get(1)?) {
            (Some(n), Some(d)) if *d > 0.0 => Some(n / d),
            _ => None,
        },
        Aggregate::Sum | Aggregate::Min | Aggregate::Max => *parts.first()?,
    }
}

/// Where one metric's columns sit among a scan's values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) aggregate: Aggregate,
    pub(crate) first: usize,
    pub(crate) width: usize,
}

impl Column {
    fn of<'g>(&self, g: &'g Group) -> &'g [Option<f64>] {
        g.values
            .get(self.first..self.first + self.width)
            .unwrap_or(&[])
    }

    /// The metric over every group tagged `tag`: 0 for counts over no
    /// rows, `None` otherwise.
    pub(crate) fn total(&self, groups: &[Group], tag: i64) -> Option<f64> {
        let mut acc = vec![None; self.width];
        for g in groups.iter().filter(|g| g.tag == tag) {
            merge(self.aggregate, &mut acc, self.of(g));
        }
        finish(self.aggregate, &acc)
    }

    /// The metric per `bucket` over `range` (groups tagged `tag`), empty
    /// buckets filled: 0 for counts, null otherwise.
    pub(crate) fn series(
        &self,
        groups: &[Group],
        tag: i64,
        tz: Tz,
        range: &TimeRange,
        bucket: Bucket,
    ) -> Series {
        let mut folded: HashMap<i64, Vec<Option<f64>>> = HashMap::new();
        for g in groups.iter().filter(|g| g.tag == tag) {
            let Some(key) = g.key else { continue };
            let acc = folded
                .entry(buckets::floor(key, bucket))
                .or_insert_with(|| vec![None; self.width]);
            merge(self.aggregate, acc, self.of(g));
        }
        let fill = self.aggregate.is_count().then_some(0.0);
        let mut out = Series::default();
        let mut nulls = Vec::new();
        for (key, start_ms) in buckets::keys(tz, range, bucket) {
            let v = folded
                .get(&key)
                .map_or(fill, |parts| finish(self.aggregate, parts));
            out.timestamps.push(start_ms);
            out.values.push(v.unwrap_or(0.0));
            nulls.push(v.is_none());
        }
        if nulls.iter().any(|n| *n) {
            out.nulls = nulls;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(tag: i64, key: i64, values: &[Option<f64>]) -> Group {
        Group {
            tag,
            key: Some(key),
            values: values.to_vec(),
        }
    }

    #[test]
    fn averages_fold_sums_and_counts_and_divide_last() {
        let avg = Column {
            aggregate: Aggregate::Avg,
            first: 1,
            width: 2,
        };
        let gs = [
            group(0, 0, &[Some(9.0), Some(10.0), Some(2.0)]),
            group(0, 3600, &[Some(1.0), Some(20.0), Some(3.0)]),
            group(1, 0, &[Some(4.0), None, Some(0.0)]),
        ];
        assert_eq!(avg.total(&gs, 0), Some(6.0));
        assert_eq!(avg.total(&gs, 1), None);
        let count = Column {
            aggregate: Aggregate::Count,
            first: 0,
            width: 1,
        };
        assert_eq!(count.total(&gs, 0), Some(10.0));
        assert_eq!(count.total(&gs, 7), Some(0.0));
        let day = TimeRange {
            start_ms: 0,
            end_ms: 2 * 86_400_000,
            label: String::new(),
        };
        let s = avg.series(&gs, 0, Tz::UTC, &day, Bucket::Day);
        assert_eq!(s.values, vec![6.0, 0.0]);
        assert_eq!(s.nulls, vec![false, true]);
        let s = count.series(&gs, 0, Tz::UTC, &day, Bucket::Day);
        assert_eq!(s.values, vec![10.0, 0.0]);
        assert!(s.nulls.is_empty());
    }

    #[test]
    fn utc_keys_take_the_offset_in_force() {
        let offsets = [(0, 3600), (7200, 7200)];
        let rows = vec![
            vec![Cell::Int(0), Cell::Int(3600), Cell::Float(1.0)],
            vec![Cell::Int(0), Cell::Int(7200), Cell::Float(2.0)],
        ];
        let gs = groups(rows, true, Keys::Utc(&offsets));
        assert_eq!(gs[0].key, Some(7200));
        assert_eq!(gs[1].key, Some(14_400));
        assert_eq!(offset_at(&offsets, -5), 3600);
    }

    #[test]
    fn minima_and_maxima_fold_as_themselves() {
        let mut acc = vec![None];
        merge(Aggregate::Min, &mut acc, &[Some(3.0)]);
        merge(Aggregate::Min, &mut acc, &[Some(1.0)]);
        merge(Aggregate::Min, &mut acc, &[None]);
        assert_eq!(acc, vec![Some(1.0)]);
        let mut acc = vec![None];
        merge(Aggregate::Max, &mut acc, &[Some(3.0)]);
        merge(Aggregate::Max, &mut acc, &[Some(5.0)]);
        assert_eq!(acc, vec![Some(5.0)]);
    }
}
