//! Time scans: one statement answering several metrics of one dataset
//! over a range (and the period before it), grouped by a time grain.
//!
//! This is how every scalar and series is computed, alone or merged with
//! others asked for at the same time (a dashboard, an alert tick): one
//! read of the rows for all of them. Metrics keep their own filters as
//! conditions inside their aggregates; only filters every metric shares
//! go into `WHERE`. Each metric yields partial aggregates (see
//! `Builder::partials`) that Rust folds into totals and coarser buckets,
//! so one scan at the finest grain serves a card, its sparkline and a
//! weekly chart alike.

use wasmdash_frame::{ColumnKind, TimeRange};

use super::compile::{BoundFilter, Builder, MetricPlan, Query, Target};
use super::dialect::{Bucket, SqlValue};

/// How a scan groups rows in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grain {
    /// One group per range.
    Total,
    /// Buckets of local time computed on the column's own type; keys are
    /// local seconds (see `buckets`).
    Native(Bucket),
    /// Buckets of UTC time computed on the column's own type; keys are
    /// UTC seconds, to which the caller adds the zone's offset. Only when
    /// every offset and offset change over the range is a whole bucket.
    Utc(Bucket),
    /// Buckets of local time from epoch seconds computed row by row; keys
    /// are local seconds. Any zone, any aggregate, on any database.
    Arithmetic(Bucket),
}

impl Grain {
    /// The bucket grouped on, if any.
    pub(crate) fn bucket(self) -> Option<Bucket> {
        match self {
            Self::Total => None,
            Self::Native(b) | Self::Utc(b) | Self::Arithmetic(b) => Some(b),
        }
    }
}

/// One scan to compile.
#[derive(Debug, Clone)]
pub(crate) struct TimeScan<'a> {
    pub(crate) target: Target<'a>,
    /// Rows tagged 0.
    pub(crate) current: &'a TimeRange,
    /// Rows tagged 1, when asked.
    pub(crate) previous: Option<&'a TimeRange>,
    pub(crate) grain: Grain,
    /// The zone's UTC offsets over the scanned span (`buckets::offsets`).
    pub(crate) offsets: &'a [(i64, i64)],
    /// Metrics, in output order.
    pub(crate) metrics: &'a [&'a MetricPlan],
}

/// Filters every metric of the scan has (they go into `WHERE`).
fn common_filters(metrics: &[&MetricPlan]) -> Vec<BoundFilter> {
    let Some((first, rest)) = metrics.split_first() else {
        return Vec::new();
    };
    first
        .filters
        .iter()
        .filter(|f| rest.iter().all(|m| m.filters.contains(f)))
        .cloned()
        .collect()
}

/// Output columns: the tag (0 current, 1 previous), the bucket key when
/// grouped in time, then per metric its partials, or for
/// `count_distinct` its value (exact only when `grain` is the bucket the
/// caller wants).
pub(crate) fn time_scan(s: &TimeScan<'_>) -> Query {
    let mut b = Builder::new(s.target.dialect);
    let common = common_filters(s.metrics);
    let inner = match s.previous {
        None => branch(&mut b, s, &common, Tag::Fixed(0), s.current),
        Some(prev) if prev.end_ms == s.current.start_ms => {
            let span = TimeRange {
                start_ms: prev.start_ms,
                end_ms: s.current.end_ms,
                label: String::new(),
            };
            branch(&mut b, s, &common, Tag::Split(s.current.start_ms), &span)
        }
        Some(prev) => {
            let first = branch(&mut b, s, &common, Tag::Fixed(0), s.current);
            let second = branch(&mut b, s, &common, Tag::Fixed(1), prev);
            format!("{first} UNION ALL {second}")
        }
    };
    let d = s.target.dialect;
    let mut cols = vec![d.select_as("tag", ColumnKind::Int64)];
    let mut kinds = vec![ColumnKind::Int64];
    match s.grain {
        Grain::Total => {}
        Grain::Native(bucket) | Grain::Utc(bucket) => {
            cols.push(d.select_as(&d.native_bucket_key("b", bucket), ColumnKind::Int64));
            kinds.push(ColumnKind::Int64);
        }
        Grain::Arithmetic(_) => {
            cols.push(d.select_as("b", ColumnKind::Int64));
            kinds.push(ColumnKind::Int64);
        }
    }
    let values = value_count(s.metrics);
    cols.extend((0..values).map(|i| format!("p{i}")));
    kinds.extend((0..values).map(|_| ColumnKind::Float64));
    let text = format!("SELECT {} FROM ({inner}) AS g", cols.join(", "));
    b.finish(text, kinds)
}

/// Value columns the metrics yield.
pub(crate) fn value_count(metrics: &[&MetricPlan]) -> usize {
    metrics.iter().map(|m| value_width(m)).sum()
}

/// Value columns one metric yields: its partials, or one value.
pub(crate) fn value_width(m: &MetricPlan) -> usize {
    use crate::config::Aggregate;
    match m.aggregate {
        Aggregate::Avg | Aggregate::Ratio => 2,
        _ => 1,
    }
}

enum Tag {
    Fixed(i64),
    /// 0 from this instant (ms) on, 1 before.
    Split(i64),
}

/// One `SELECT ... GROUP BY` over `range`.
fn branch(
    b: &mut Builder<'_>,
    s: &TimeScan<'_>,
    common: &[BoundFilter],
    tag: Tag,
    range: &TimeRange,
) -> String {
    let t = &s.target;
    let mut cols = Vec::new();
    let mut group = Vec::new();
    match tag {
        Tag::Fixed(n) => cols.push(format!("{n} AS tag")),
        Tag::Split(at) => {
            let time = b.time(t);
            let p = b.bind(SqlValue::Timestamp(at));
            cols.push(format!("CASE WHEN {time} >= {p} THEN 0 ELSE 1 END AS tag"));
            group.push("1");
        }
    }
    if let Some(expr) = grain_expr(b, s) {
        cols.push(format!("{expr} AS b"));
        group.push("2");
    }
    cols.extend(
        metric_values(b, s.metrics, common)
            .into_iter()
            .enumerate()
            .map(|(i, v)| format!("{v} AS p{i}")),
    );
    let from = b.from(t.from);
    let w = b.where_(t, Some(range), common);
    let mut text = format!("SELECT {} FROM {from}{w}", cols.join(", "));
    if !group.is_empty() {
        text.push_str(&format!(" GROUP BY {}", group.join(", ")));
    }
    text
}

/// Per metric, its partials (or its `count_distinct`), each under its
/// own filters beyond `common`.
fn metric_values(
    b: &mut Builder<'_>,
    metrics: &[&MetricPlan],
    common: &[BoundFilter],
) -> Vec<String> {
    let mut out = Vec::new();
    for m in metrics {
        let cond: Vec<BoundFilter> = m
            .filters
            .iter()
            .filter(|f| !common.contains(f))
            .cloned()
            .collect();
        match b.partials(m, &cond) {
            Some(parts) => out.extend(parts),
            None => out.push(b.count_distinct(m, &cond)),
        }
    }
    out
}

/// The sliced form of a scan (SQLite, see `slices`): the rows of each
/// slice of the connection's slices table, found through the time
/// column's index, grouped by slice. Output columns as [`time_scan`]'s,
/// keys in local seconds; `grouped` says whether slices carry keys.
pub(crate) fn sliced_scan(target: &Target<'_>, metrics: &[&MetricPlan], grouped: bool) -> Query {
    use super::source::sliced::{ALIAS, HI, ID, KEY, LO, TABLE, TAG};
    let mut b = Builder::new(target.dialect);
    let d = target.dialect;
    let common = common_filters(metrics);
    let mut cols = vec![d.select_as(&format!("{ALIAS}.{TAG}"), ColumnKind::Int64)];
    let mut kinds = vec![ColumnKind::Int64];
    if grouped {
        cols.push(d.select_as(&format!("{ALIAS}.{KEY}"), ColumnKind::Int64));
        kinds.push(ColumnKind::Int64);
    }
    let values = metric_values(&mut b, metrics, &common);
    kinds.extend(values.iter().map(|_| ColumnKind::Float64));
    cols.extend(values);
    let from = b.from(target.from);
    let time = b.id(target.time_column);
    let mut conds = vec![
        format!("{time} >= {ALIAS}.{LO}"),
        format!("{time} < {ALIAS}.{HI}"),
    ];
    conds.extend(common.iter().map(|f| b.filter(f)));
    // CROSS JOIN keeps the slices the outer loop, so groups come out in
    // slice order and GROUP BY needs no sort.
    let text = format!(
        "SELECT {} FROM {TABLE} AS {ALIAS} CROSS JOIN {from} WHERE {} GROUP BY {ALIAS}.{ID}",
        cols.join(", "),
        conds.join(" AND ")
    );
    b.finish(text, kinds)
}

/// The grouping expression of the grain, per row.
fn grain_expr(b: &mut Builder<'_>, s: &TimeScan<'_>) -> Option<String> {
    let d = s.target.dialect;
    let col = b.id(s.target.time_column);
    match s.grain {
        Grain::Total => None,
        Grain::Utc(bucket) => d.native_bucket(&col, None, bucket),
        Grain::Native(bucket) => {
            let shift = match s.offsets {
                [] | [(_, 0)] => None,
                [(_, o)] => Some(o.to_string()),
                [(_, first), rest @ ..] => {
                    // The offset of a row, from comparisons of the column
                    // with the instants the zone changes offset.
                    let mut case = String::from("CASE");
                    let mut current = *first;
                    for (at, o) in rest {
                        let p = b.bind(SqlValue::Timestamp(at * 1000));
                        case.push_str(&format!(" WHEN {col} < {p} THEN {current}"));
                        current = *o;
                    }
                    case.push_str(&format!(" ELSE {current} END"));
                    Some(case)
                }
            };
            d.native_bucket(&col, shift.as_deref(), bucket)
        }
        Grain::Arithmetic(bucket) => {
            let epoch = d.epoch_seconds(&col);
            let local = match s.offsets {
                [] | [(_, 0)] => epoch.clone(),
                [(_, o)] => format!("({epoch} + {o})"),
                [(_, first), rest @ ..] => {
                    let mut case = String::from("CASE");
                    let mut current = *first;
                    for (at, o) in rest {
                        let p = b.bind(SqlValue::Int(*at));
                        case.push_str(&format!(" WHEN {epoch} < {p} THEN {current}"));
                        current = *o;
                    }
                    case.push_str(&format!(" ELSE {current} END"));
                    format!("({epoch} + {case})")
                }
            };
            Some(d.bucket_start(&local, bucket))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::From;
    use crate::config::{Aggregate, FilterOp};
    use crate::dialect::{Dialect, MysqlDialect, PostgresDialect, SqliteDialect};

    fn metric(aggregate: Aggregate, column: Option<&str>, status: Option<&str>) -> MetricPlan {
        MetricPlan {
            aggregate,
            column: column.map(str::to_string),
            column_not_null: false,
            filters: status
                .map(|s| BoundFilter {
                    column: "status".into(),
                    op: FilterOp::Eq,
                    values: vec![SqlValue::Text(s.into())],
                })
                .into_iter()
                .collect(),
            ratio: Vec::new(),
        }
    }

    fn range(a: i64, b: i64) -> TimeRange {
        TimeRange {
            start_ms: a,
            end_ms: b,
            label: String::new(),
        }
    }

    fn target<'a>(d: &'a dyn Dialect, from: &'a From) -> Target<'a> {
        Target {
            dialect: d,
            from,
            time_column: "created_at",
            full_scan: false,
        }
    }

    #[test]
    fn adjacent_periods_and_several_metrics_read_the_table_once() {
        let from = From::Table(vec!["orders".into()]);
        let count = metric(Aggregate::Count, None, None);
        let avg = metric(Aggregate::Avg, Some("amount"), Some("completed"));
        let (cur, prev) = (range(1000, 2000), range(0, 1000));
        for d in [
            &SqliteDialect as &dyn Dialect,
            &PostgresDialect,
            &MysqlDialect,
        ] {
            let q = time_scan(&TimeScan {
                target: target(d, &from),
                current: &cur,
                previous: Some(&prev),
                grain: Grain::Native(Bucket::Month),
                offsets: &[],
                metrics: &[&count, &avg],
            });
            assert_eq!(q.text.matches("orders").count(), 1, "{}", q.text);
            // Tag split, the avg's own filter (bound once, named twice:
            // sum and count), range.
            assert_eq!(q.params.len(), 1 + 1 + 2, "{}", q.text);
            assert_eq!(q.kinds.len(), 2 + 3);
        }
    }

    #[test]
    fn sqlite_groups_months_by_text_prefix_and_converts_per_group() {
        let from = From::Table(vec!["orders".into()]);
        let count = metric(Aggregate::Count, None, Some("error"));
        let cur = range(0, 1000);
        let mut t = target(&SqliteDialect, &from);
        t.full_scan = true;
        let q = time_scan(&TimeScan {
            target: t,
            current: &cur,
            previous: None,
            grain: Grain::Native(Bucket::Month),
            offsets: &[(0, 0)],
            metrics: &[&count],
        });
        assert_eq!(
            q.text,
            "SELECT CAST(tag AS INTEGER), CAST(unixepoch(b || substr('0000-01-01 00:00:00', length(b) + 1)) AS INTEGER), p0 \
             FROM (SELECT 0 AS tag, substr(\"created_at\", 1, 7) AS b, CAST(COUNT(*) AS REAL) AS p0 \
             FROM \"orders\" WHERE +\"created_at\" >= ?1 AND +\"created_at\" < ?2 AND \"status\" = ?3 GROUP BY 2) AS g"
        );
    }

    #[test]
    fn postgres_shifts_by_the_offset_in_force_before_truncating() {
        let from = From::Table(vec!["orders".into()]);
        let count = metric(Aggregate::Count, None, None);
        let cur = range(0, 86_400_000);
        let q = time_scan(&TimeScan {
            target: target(&PostgresDialect, &from),
            current: &cur,
            previous: None,
            grain: Grain::Native(Bucket::Day),
            offsets: &[(0, 3600), (1000, 7200)],
            metrics: &[&count],
        });
        assert!(
            q.text.contains(
                "date_trunc('day', (\"created_at\" + (CASE WHEN \"created_at\" < $1 THEN 3600 ELSE 7200 END) * interval '1 second'))"
            ),
            "{}",
            q.text
        );
        assert_eq!(q.params[0], SqlValue::Timestamp(1_000_000));
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let from = From::Table(vec!["orders".into()]);
        let evil = metric(Aggregate::Ratio, None, Some("x'); DROP TABLE t; --"));
        let mut ratio = metric(Aggregate::Ratio, None, None);
        ratio.ratio = evil.filters.clone();
        let (cur, prev) = (range(1000, 2000), range(0, 1000));
        for d in [
            &SqliteDialect as &dyn Dialect,
            &PostgresDialect,
            &MysqlDialect,
        ] {
            let q = time_scan(&TimeScan {
                target: target(d, &from),
                current: &cur,
                previous: Some(&prev),
                grain: Grain::Arithmetic(Bucket::Week),
                offsets: &[(0, 3600), (1500, 7200)],
                metrics: &[&evil, &ratio],
            });
            assert!(!q.text.contains("DROP"), "{}", q.text);
        }
    }

    #[test]
    fn distinct_counts_and_disjoint_periods() {
        let from = From::Table(vec!["orders".into()]);
        let distinct = metric(Aggregate::CountDistinct, Some("customer_id"), None);
        let (cur, prev) = (range(5000, 6000), range(0, 1000));
        let q = time_scan(&TimeScan {
            target: target(&MysqlDialect, &from),
            current: &cur,
            previous: Some(&prev),
            grain: Grain::Total,
            offsets: &[],
            metrics: &[&distinct],
        });
        assert!(q.text.contains("UNION ALL"), "{}", q.text);
        assert!(
            q.text.contains("COUNT(DISTINCT `customer_id`)"),
            "{}",
            q.text
        );
        assert_eq!(q.kinds.len(), 2);
    }
}
