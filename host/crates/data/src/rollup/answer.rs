//! Answering a scan from a rollup: the whole grains of each period below
//! the watermark come from the stored buckets, the rest (a range edge off
//! the grain, rows after the watermark) is left for raw SQL. Both give
//! the same partial aggregates per group, so the caller folds them
//! together exactly as it folds one scan.

use rusqlite::types::ValueRef;
use wasmdash_frame::TimeRange;

use super::spec::{BUCKET, ROWS, RollupSpec, measure};
use super::store::{RollupStore, quoted, watermark};
use crate::compile::{Builder, MetricPlan};
use crate::config::Aggregate;
use crate::dialect::{SqlValue, SqliteDialect};
use crate::error::{DataError, Result};
use crate::fold::{Group, offset_at};

/// What the rollup gave and what is left for raw SQL.
#[derive(Debug, Default)]
pub(crate) struct Covered {
    /// Groups from the stored buckets, keys in local seconds.
    pub(crate) groups: Vec<Group>,
    /// `(tag, range)` pieces to scan in the source.
    pub(crate) raw: Vec<(i64, TimeRange)>,
}

/// Answer `metrics` over `periods` (`(tag, range)`) from the buckets of
/// `chain` (fitting rollups, coarsest first), grouped by bucket when
/// `grouped`: the coarsest covers the whole grains of each period below
/// its watermark, each finer one the whole grains of what is left (the
/// edges, and what came after a coarser watermark); the rest is left for
/// raw SQL. `None` when no rollup covers a whole grain of any period (or
/// none holds anything yet).
pub(crate) fn cover(
    store: &RollupStore,
    chain: &[RollupSpec],
    metrics: &[MetricPlan],
    grouped: bool,
    periods: &[(i64, TimeRange)],
    offsets: &[(i64, i64)],
) -> Result<Option<Covered>> {
    store.read(|tx| {
        let mut out = Covered::default();
        let mut any = false;
        for (tag, r) in periods {
            let mut left = vec![r.clone()];
            for spec in chain {
                let Some(w) = watermark(tx, spec)? else {
                    continue;
                };
                let mut rest = Vec::new();
                for piece in &left {
                    let (covered, more) = split(piece, spec.grain, w);
                    rest.extend(more);
                    if let Some((a, b)) = covered {
                        any = true;
                        read(tx, spec, metrics, grouped, (a, b), offsets, *tag, &mut out)?;
                    }
                }
                left = rest;
            }
            out.raw.extend(left.into_iter().map(|piece| (*tag, piece)));
        }
        Ok(any.then_some(out))
    })
}

/// Add the groups of `spec`'s buckets in `[a, b)` (Unix ms, whole
/// grains) to `out`, tagged `tag`.
#[expect(
    clippy::too_many_arguments,
    reason = "one step of cover, kept apart for readability"
)]
fn read(
    tx: &rusqlite::Transaction<'_>,
    spec: &RollupSpec,
    metrics: &[MetricPlan],
    grouped: bool,
    (a, b): (i64, i64),
    offsets: &[(i64, i64)],
    tag: i64,
    out: &mut Covered,
) -> Result<()> {
    let (text, params) = query(spec, metrics, grouped, a / 1000, b / 1000);
    let mut st = tx.prepare_cached(&text).map_err(db)?;
    let params = crate::source::sqlite::bind(&params);
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(db)?;
    while let Some(row) = rows.next().map_err(db)? {
        let mut at = 0;
        let key = if grouped {
            at = 1;
            let utc: i64 = row.get(0).map_err(db)?;
            Some(utc + offset_at(offsets, utc))
        } else {
            None
        };
        let width = row.as_ref().column_count();
        let values = (at..width)
            .map(|i| match row.get_ref(i) {
                Ok(ValueRef::Integer(n)) => Some(n as f64),
                Ok(ValueRef::Real(f)) => Some(f),
                _ => None,
            })
            .collect();
        out.groups.push(Group { tag, key, values });
    }
    Ok(())
}

/// Split `r` at grain `grain` (seconds) and watermark `w` (UTC second):
/// the whole grains below the watermark (Unix ms, if any) and the pieces
/// left for raw SQL.
pub(crate) fn split(r: &TimeRange, grain: i64, w: i64) -> (Option<(i64, i64)>, Vec<TimeRange>) {
    let gm = grain * 1000;
    let a = r.start_ms.div_euclid(gm) * gm
        + if r.start_ms.rem_euclid(gm) == 0 {
            0
        } else {
            gm
        };
    let b = (r.end_ms.div_euclid(gm) * gm).min(w * 1000);
    if a >= b {
        return (None, vec![r.clone()]);
    }
    let mut rest = Vec::new();
    if r.start_ms < a {
        rest.push(piece(r.start_ms, a));
    }
    if b < r.end_ms {
        rest.push(piece(b, r.end_ms));
    }
    (Some((a, b)), rest)
}

pub(crate) fn db(e: rusqlite::Error) -> DataError {
    DataError::db(format!("rollup file: {e}"))
}

fn piece(start_ms: i64, end_ms: i64) -> TimeRange {
    TimeRange {
        start_ms,
        end_ms,
        label: String::new(),
    }
}

/// The statement over stored buckets `[from, to)` (UTC seconds): the
/// bucket when `grouped`, then each metric's partials as the raw scan
/// computes them (`Builder::partials`).
fn query(
    spec: &RollupSpec,
    metrics: &[MetricPlan],
    grouped: bool,
    from: i64,
    to: i64,
) -> (String, Vec<SqlValue>) {
    let mut b = Builder::new(&SqliteDialect);
    let bucket = quoted(BUCKET);
    let mut cols = Vec::new();
    if grouped {
        cols.push(bucket.clone());
    }
    for m in metrics {
        cols.extend(partials(&mut b, m));
    }
    let lo = b.bind(SqlValue::Int(from));
    let hi = b.bind(SqlValue::Int(to));
    let mut text = format!(
        "SELECT {} FROM {} WHERE {bucket} >= {lo} AND {bucket} < {hi}",
        cols.join(", "),
        quoted(&spec.table())
    );
    if grouped {
        text.push_str(&format!(" GROUP BY {bucket}"));
    }
    (text, b.finish(String::new(), Vec::new()).params)
}

/// `m`'s partials over stored buckets, counting only buckets whose
/// dimensions pass its filters.
pub(crate) fn partials(b: &mut Builder<'_>, m: &MetricPlan) -> Vec<String> {
    let cond: Vec<String> = m.filters.iter().map(|f| b.filter(f)).collect();
    let hit: Vec<String> = m.ratio.iter().map(|f| b.filter(f)).collect();
    let only = |x: &str| {
        if cond.is_empty() {
            x.to_string()
        } else {
            format!("CASE WHEN {} THEN {x} END", cond.join(" AND "))
        }
    };
    let of = |what: &str| quoted(&measure(what, m.column.as_deref().unwrap_or_default()));
    let rows = quoted(ROWS);
    match m.aggregate {
        Aggregate::Count if m.column.is_none() => vec![format!("SUM({})", only(&rows))],
        Aggregate::Count => vec![format!("SUM({})", only(&of("cnt")))],
        Aggregate::Sum => vec![format!("SUM({})", only(&of("sum")))],
        Aggregate::Avg => vec![
            format!("SUM({})", only(&of("sum"))),
            format!("SUM({})", only(&of("cnt"))),
        ],
        Aggregate::Min => vec![format!("MIN({})", only(&of("min")))],
        Aggregate::Max => vec![format!("MAX({})", only(&of("max")))],
        Aggregate::Ratio => {
            let hits = format!("CASE WHEN {} THEN {rows} ELSE 0 END", hit.join(" AND "));
            vec![
                format!("SUM({})", only(&hits)),
                format!("SUM({})", only(&rows)),
            ]
        }
        // Never asked: `RollupSpec::fits` refuses it.
        Aggregate::CountDistinct => vec!["NULL".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_split_at_the_grain_and_the_watermark() {
        let h = 3_600_000;
        // Edges off the grain on both sides, watermark after the end.
        let (whole, rest) = split(&piece(h / 2, 5 * h + 10), 3600, 100 * 3600);
        assert_eq!(whole, Some((h, 5 * h)));
        assert_eq!(rest, vec![piece(h / 2, h), piece(5 * h, 5 * h + 10)]);
        // The watermark cuts it.
        let (whole, rest) = split(&piece(0, 5 * h), 3600, 2 * 3600);
        assert_eq!(whole, Some((0, 2 * h)));
        assert_eq!(rest, vec![piece(2 * h, 5 * h)]);
        // Nothing whole: all raw.
        let (whole, rest) = split(&piece(10, h - 10), 3600, 100 * 3600);
        assert_eq!(whole, None);
        assert_eq!(rest, vec![piece(10, h - 10)]);
        let (whole, _) = split(&piece(0, 5 * h), 3600, 0);
        assert_eq!(whole, None);
    }
}
