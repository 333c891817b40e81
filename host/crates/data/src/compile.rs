//! The query compiler: metric + shape → one SQL statement with bound
//! parameters. Aggregation always runs in the database; Rust only reads the
//! few aggregated rows back (or streams raw rows for the rows shape).
//!
//! Identifiers come only from the validated configuration and are always
//! quoted; every value from a request is a bound parameter.

use crate::config::{Aggregate, FilterOp};
use wasmdash_frame::{ColumnKind, TimeRange};

use super::dialect::{Dialect, SqlValue};

/// A compiled statement and the kinds of its output columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// SQL text with placeholders.
    pub(crate) text: String,
    /// Bound values, in placeholder order.
    pub(crate) params: Vec<SqlValue>,
    /// How to read each output column.
    pub(crate) kinds: Vec<ColumnKind>,
}

/// What a dataset reads from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum From {
    /// A table or view, optionally schema-qualified.
    Table(Vec<String>),
    /// An admin-written `SELECT`.
    Query(String),
}

/// A filter whose values were checked against the column's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BoundFilter {
    pub(crate) column: String,
    pub(crate) op: FilterOp,
    pub(crate) values: Vec<SqlValue>,
}

/// A metric ready to compile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricPlan {
    pub(crate) aggregate: Aggregate,
    pub(crate) column: Option<String>,
    /// The column is declared `NOT NULL`: counting it counts rows.
    pub(crate) column_not_null: bool,
    pub(crate) filters: Vec<BoundFilter>,
    pub(crate) ratio: Vec<BoundFilter>,
}

/// The dataset side of a query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) dialect: &'a dyn Dialect,
    pub(crate) from: &'a From,
    pub(crate) time_column: &'a str,
    /// Read the whole table rather than walk the time column's index:
    /// set when the range covers most of the table (see `access`).
    pub(crate) full_scan: bool,
}

/// Row selection for the rows shape.
#[derive(Debug, Clone)]
pub(crate) struct RowsPlan<'a> {
    pub(crate) columns: &'a [(String, ColumnKind)],
    pub(crate) range: Option<&'a TimeRange>,
    pub(crate) filters: &'a [BoundFilter],
    pub(crate) order: Option<(&'a str, ColumnKind, bool)>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: u64,
}

/// Writes one statement: binds values, quotes identifiers.
pub(super) struct Builder<'a> {
    pub(super) d: &'a dyn Dialect,
    pub(super) params: Vec<SqlValue>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(d: &'a dyn Dialect) -> Self {
        Self {
            d,
            params: Vec::new(),
        }
    }

    pub(super) fn bind(&mut self, v: SqlValue) -> String {
        let p = self.d.placeholder(self.params.len() + 1, &v);
        self.params.push(v);
        p
    }

    pub(super) fn id(&self, name: &str) -> String {
        self.d.quote_ident(name)
    }

    pub(super) fn from(&self, from: &From) -> String {
        match from {
            From::Table(parts) => parts
                .iter()
                .map(|p| self.id(p))
                .collect::<Vec<_>>()
                .join("."),
            From::Query(q) => format!(
                "({}) AS {}",
                q.trim().trim_end_matches(';'),
                self.id("wasmdash_q")
            ),
        }
    }

    pub(super) fn range(&mut self, t: &Target<'_>, r: &TimeRange) -> String {
        let t = self.time(t);
        let a = self.bind(SqlValue::Timestamp(r.start_ms));
        let b = self.bind(SqlValue::Timestamp(r.end_ms));
        format!("{t} >= {a} AND {t} < {b}")
    }

    /// The time column as range predicates should name it.
    pub(super) fn time(&self, t: &Target<'_>) -> String {
        let c = self.id(t.time_column);
        if t.full_scan {
            self.d.without_index(&c)
        } else {
            c
        }
    }

    pub(super) fn filter(&mut self, f: &BoundFilter) -> String {
        let c = self.id(&f.column);
        let op = match f.op {
            FilterOp::IsNull => return format!("{c} IS NULL"),
            FilterOp::IsNotNull => return format!("{c} IS NOT NULL"),
            FilterOp::In => {
                let list: Vec<String> = f.values.iter().map(|v| self.bind(v.clone())).collect();
                return format!("{c} IN ({})", list.join(", "));
            }
            FilterOp::Eq => "=",
            FilterOp::Ne => "<>",
            FilterOp::Gt => ">",
            FilterOp::Ge => ">=",
            FilterOp::Lt => "<",
            FilterOp::Le => "<=",
        };
        let v = f.values.first().cloned().unwrap_or(SqlValue::Int(0));
        format!("{c} {op} {}", self.bind(v))
    }

    /// `WHERE` over the range and the filters.
    pub(super) fn where_(
        &mut self,
        t: &Target<'_>,
        r: Option<&TimeRange>,
        filters: &[BoundFilter],
    ) -> String {
        let mut parts: Vec<String> = r.map(|r| self.range(t, r)).into_iter().collect();
        parts.extend(filters.iter().map(|f| self.filter(f)));
        if parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", parts.join(" AND "))
        }
    }

    pub(super) fn aggregate(&mut self, m: &MetricPlan) -> String {
        let col = m.column.as_deref().map(|c| self.id(c));
        let col = col.as_deref().unwrap_or("*");
        let expr = match m.aggregate {
            Aggregate::Count => format!("COUNT({col})"),
            Aggregate::CountDistinct => format!("COUNT(DISTINCT {col})"),
            Aggregate::Sum => format!("SUM({col})"),
            Aggregate::Avg => format!("AVG({col})"),
            Aggregate::Min => format!("MIN({col})"),
            Aggregate::Max => format!("MAX({col})"),
            Aggregate::Ratio => {
                let cond: Vec<String> = m.ratio.iter().map(|f| self.filter(f)).collect();
                format!(
                    "AVG(CASE WHEN {} THEN 1.0 ELSE 0.0 END)",
                    cond.join(" AND ")
                )
            }
        };
        self.d.select_as(&expr, ColumnKind::Float64)
    }

    /// The partial aggregates `m` folds from (see [`Partial`]), each a
    /// float, counting only rows that also pass `cond` (filters of the
    /// metric the statement's `WHERE` does not hold); `None` for
    /// `count_distinct`, which does not fold.
    pub(super) fn partials(&mut self, m: &MetricPlan, cond: &[BoundFilter]) -> Option<Vec<String>> {
        let cond: Vec<String> = cond.iter().map(|f| self.filter(f)).collect();
        let only = |x: &str| {
            if cond.is_empty() {
                x.to_string()
            } else {
                format!("CASE WHEN {} THEN {x} END", cond.join(" AND "))
            }
        };
        let col = m.column.as_deref().map(|c| self.id(c));
        let rows = only(if cond.is_empty() { "*" } else { "1" });
        let value = col.as_deref().map_or_else(|| rows.clone(), only);
        // A column that cannot be NULL counts as its rows: the same
        // aggregate as a row count in the same scan, which the database
        // then computes once for both (one aggregate less per row).
        let counted = if m.column_not_null { &rows } else { &value };
        let parts = match m.aggregate {
            Aggregate::CountDistinct => return None,
            Aggregate::Count => vec![format!("COUNT({counted})")],
            Aggregate::Sum => vec![format!("SUM({value})")],
            Aggregate::Min => vec![format!("MIN({value})")],
            Aggregate::Max => vec![format!("MAX({value})")],
            Aggregate::Avg => vec![format!("SUM({value})"), format!("COUNT({counted})")],
            Aggregate::Ratio => {
                let r: Vec<String> = m.ratio.iter().map(|f| self.filter(f)).collect();
                let hit = format!("CASE WHEN {} THEN 1.0 ELSE 0.0 END", r.join(" AND "));
                vec![format!("SUM({})", only(&hit)), format!("COUNT({rows})")]
            }
        };
        Some(
            parts
                .iter()
                .map(|p| self.d.select_as(p, ColumnKind::Float64))
                .collect(),
        )
    }

    /// `COUNT(DISTINCT ...)` of `m`'s column over rows that also pass
    /// `cond`, as a float.
    pub(super) fn count_distinct(&mut self, m: &MetricPlan, cond: &[BoundFilter]) -> String {
        let col = m
            .column
            .as_deref()
            .map_or_else(|| "*".into(), |c| self.id(c));
        let value = if cond.is_empty() {
            col
        } else {
            let c: Vec<String> = cond.iter().map(|f| self.filter(f)).collect();
            format!("CASE WHEN {} THEN {col} END", c.join(" AND "))
        };
        self.d
            .select_as(&format!("COUNT(DISTINCT {value})"), ColumnKind::Float64)
    }

    pub(super) fn finish(self, text: String, kinds: Vec<ColumnKind>) -> Query {
        Query {
            text,
            params: self.params,
            kinds,
        }
    }
}

/// The biggest `limit` groups by `dim`, as text, biggest first.
pub(crate) fn categories(
    t: Target<'_>,
    m: &MetricPlan,
    r: &TimeRange,
    dim: &str,
    limit: u32,
) -> Query {
    let mut b = Builder::new(t.dialect);
    let key = t.dialect.select_as(&b.id(dim), ColumnKind::Text);
    let agg = b.aggregate(m);
    let from = b.from(t.from);
    let w = b.where_(&t, Some(r), &m.filters);
    let lim = b.bind(SqlValue::Int(i64::from(limit)));
    // The outer query lets ORDER BY name the outputs on every database.
    let text = format!(
        "SELECT k, v FROM (SELECT {key} AS k, {agg} AS v FROM {from}{w} GROUP BY 1) AS g \
         ORDER BY {}, {} LIMIT {lim}",
        t.dialect.order_desc_nulls_last("v"),
        t.dialect.order_text("k", false),
    );
    b.finish(text, vec![ColumnKind::Text, ColumnKind::Float64])
}

/// The top `top` groups and, when there are more, one "other" row, in a
/// single scan: the table is grouped once, the groups are ranked with a
/// window function, and the rest are folded together from per-group
/// partial aggregates. Output columns: key, value, 0 for a top group or 1
/// for "other". `None` for `count_distinct`, whose "other" cannot be folded
/// from groups (a value may occur in several); use [`categories`] and
/// [`categories_other`] then.
pub(crate) fn categories_ranked(
    t: Target<'_>,
    m: &MetricPlan,
    r: &TimeRange,
    dim: &str,
    top: u32,
) -> Option<Query> {
    let mut b = Builder::new(t.dialect);
    // Per-group partials, and how "other" folds them.
    let parts = b.partials(m, &[])?;
    let fold = match m.aggregate {
        Aggregate::Min => "MIN(p0)",
        Aggregate::Max => "MAX(p0)",
        Aggregate::Avg | Aggregate::Ratio => "SUM(p0) / NULLIF(SUM(p1), 0)",
        _ => "SUM(p0)",
    };
    let key = t.dialect.select_as(&b.id(dim), ColumnKind::Text);
    let agg = b.aggregate(m);
    let part_cols: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{p} AS p{i}"))
        .collect();
    let part_names: Vec<String> = (0..parts.len()).map(|i| format!("p{i}")).collect();
    let from = b.from(t.from);
    let w = b.where_(&t, Some(r), &m.filters);
    // Numbered placeholders may repeat, but bind each use for dialects
    // with positional ones.
    let n: Vec<String> = (0..3)
        .map(|_| b.bind(SqlValue::Int(i64::from(top))))
        .collect();
    let rank = format!(
        "ROW_NUMBER() OVER (ORDER BY {}, {})",
        t.dialect.order_desc_nulls_last("v"),
        t.dialect.order_text("k", false),
    );
    // A top group is alone in its output group, so MAX(v) is its value.
    let text = format!(
        "SELECT k, {v}, {o} FROM (\
         SELECT CASE WHEN rn <= {n0} THEN k END AS k, \
         CASE WHEN rn <= {n1} THEN 0 ELSE 1 END AS o, \
         CASE WHEN MIN(rn) <= {n2} THEN MAX(v) ELSE {fold} END AS v, \
         MIN(rn) AS ord \
         FROM (SELECT k, v, {parts}, {rank} AS rn FROM (\
         SELECT {key} AS k, {agg} AS v, {part_cols} FROM {from}{w} GROUP BY 1\
         ) AS g) AS ranked GROUP BY 1, 2) AS folded ORDER BY o, ord",
        v = t.dialect.select_as("v", ColumnKind::Float64),
        o = t.dialect.select_as("o", ColumnKind::Int64),
        n0 = n[0],
        n1 = n[1],
        n2 = n[2],
        parts = part_names.join(", "),
        part_cols = part_cols.join(", "),
    );
    Some(b.finish(
        text,
        vec![ColumnKind::Text, ColumnKind::Float64, ColumnKind::Int64],
    ))
}

/// Per group of `dim` (as text), the partial aggregates `m` folds from
/// (see `Builder::partials`), over rows in `r` passing `m`'s filters;
/// `None` for `count_distinct`. Rollups fold these with their buckets.
pub(crate) fn category_partials(
    t: Target<'_>,
    m: &MetricPlan,
    r: &TimeRange,
    dim: &str,
) -> Option<Query> {
    let mut b = Builder::new(t.dialect);
    let key = t.dialect.select_as(&b.id(dim), ColumnKind::Text);
    let parts = b.partials(m, &[])?;
    let from = b.from(t.from);
    let w = b.where_(&t, Some(r), &m.filters);
    let mut kinds = vec![ColumnKind::Text];
    kinds.extend(parts.iter().map(|_| ColumnKind::Float64));
    let text = format!(
        "SELECT {key}, {} FROM {from}{w} GROUP BY 1",
        parts.join(", ")
    );
    Some(b.finish(text, kinds))
}

/// The aggregate over every row whose `dim` is none of `keys` ("other").
pub(crate) fn categories_other(
    t: Target<'_>,
    m: &MetricPlan,
    r: &TimeRange,
    dim: &str,
    keys: &[Option<String>],
) -> Query {
    let mut b = Builder::new(t.dialect);
    let agg = b.aggregate(m);
    let from = b.from(t.from);
    let mut w = b.where_(&t, Some(r), &m.filters);
    let col = b.id(dim);
    let text_col = t.dialect.select_as(&col, ColumnKind::Text);
    let named: Vec<String> = keys
        .iter()
        .flatten()
        .map(|k| b.bind(SqlValue::Text(k.clone())))
        .collect();
    let has_null = keys.iter().any(Option::is_none);
    let cond = match (named.is_empty(), has_null) {
        (true, true) => format!("{col} IS NOT NULL"),
        (true, false) => "1 = 1".to_string(),
        (false, true) => format!(
            "{col} IS NOT NULL AND {text_col} NOT IN ({})",
            named.join(", ")
        ),
        (false, false) => format!(
            "({col} IS NULL OR {text_col} NOT IN ({}))",
            named.join(", ")
        ),
    };
    w = if w.is_empty() {
        format!(" WHERE {cond}")
    } else {
        format!("{w} AND {cond}")
    };
    let text = format!("SELECT {agg} AS v FROM {from}{w}");
    b.finish(text, vec![ColumnKind::Float64])
}

/// Selected columns of matching rows.
pub(crate) fn rows(t: Target<'_>, p: &RowsPlan<'_>) -> Query {
    let mut b = Builder::new(t.dialect);
    let cols: Vec<String> = p
        .columns
        .iter()
        .map(|(name, kind)| t.dialect.select_as(&b.id(name), *kind))
        .collect();
    let from = b.from(t.from);
    let w = b.where_(&t, p.range, p.filters);
    let mut text = format!("SELECT {} FROM {from}{w}", cols.join(", "));
    if let Some((col, kind, desc)) = p.order {
        let c = b.id(col);
        let term = if kind == ColumnKind::Text {
            t.dialect.order_text(&c, desc)
        } else {
            format!("{c} {}", if desc { "DESC" } else { "ASC" })
        };
        text.push_str(&format!(" ORDER BY {term}"));
    }
    if let Some(limit) = p.limit {
        let l = b.bind(SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        let o = b.bind(SqlValue::Int(i64::try_from(p.offset).unwrap_or(i64::MAX)));
        text.push_str(&format!(" LIMIT {l} OFFSET {o}"));
    }
    let kinds = p.columns.iter().map(|(_, k)| *k).collect();
    b.finish(text, kinds)
}

/// The first and last instant of the time column, each read on its own
/// so SQLite answers both from the index.
pub(crate) fn time_span(t: Target<'_>) -> Query {
    let b = Builder::new(t.dialect);
    let from = b.from(t.from);
    let col = b.id(t.time_column);
    let end = |agg: &str| {
        t.dialect.select_as(
            &format!("(SELECT {agg}({col}) FROM {from})"),
            ColumnKind::Timestamp,
        )
    };
    let text = format!("SELECT {}, {}", end("MIN"), end("MAX"));
    b.finish(text, vec![ColumnKind::Timestamp, ColumnKind::Timestamp])
}

/// How many rows match (for paging).
pub(crate) fn count(t: Target<'_>, range: Option<&TimeRange>, filters: &[BoundFilter]) -> Query {
    let mut b = Builder::new(t.dialect);
    let from = b.from(t.from);
    let w = b.where_(&t, range, filters);
    let text = format!(
        "SELECT {} FROM {from}{w}",
        t.dialect.select_as("COUNT(*)", ColumnKind::Int64)
    );
    b.finish(text, vec![ColumnKind::Int64])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{PostgresDialect, SqliteDialect};

    fn plan() -> MetricPlan {
        MetricPlan {
            aggregate: Aggregate::Ratio,
            column: None,
            column_not_null: false,
            filters: vec![BoundFilter {
                column: "region".into(),
                op: FilterOp::In,
                values: vec![
                    SqlValue::Text("eu".into()),
                    SqlValue::Text("x'); DROP TABLE t; --".into()),
                ],
            }],
            ratio: vec![BoundFilter {
                column: "status".into(),
                op: FilterOp::Eq,
                values: vec![SqlValue::Text("error".into())],
            }],
        }
    }

    fn range() -> TimeRange {
        TimeRange {
            start_ms: 0,
            end_ms: 86_400_000,
            label: String::new(),
        }
    }

    #[test]
    fn a_not_null_column_is_counted_as_rows() {
        let mut avg = plan();
        avg.aggregate = Aggregate::Avg;
        avg.column = Some("amount".into());
        avg.filters.clear();
        let mut b = Builder::new(&SqliteDialect);
        let nullable = b.partials(&avg, &[]).expect("avg folds");
        assert!(nullable[1].contains("COUNT(\"amount\")"), "{nullable:?}");
        avg.column_not_null = true;
        let parts = b.partials(&avg, &[]).expect("avg folds");
        assert!(parts[0].contains("SUM(\"amount\")"), "{parts:?}");
        assert!(parts[1].contains("COUNT(*)"), "{parts:?}");
        // With a filter, the rows that pass it.
        let cond = plan().filters;
        let parts = b.partials(&avg, &cond).expect("avg folds");
        assert!(parts[1].contains("COUNT(CASE WHEN"), "{parts:?}");
        assert!(parts[1].contains("THEN 1 END"), "{parts:?}");
    }

    #[test]
    fn ranked_categories_scan_once_and_bind_every_value() {
        let from = From::Table(vec!["orders".into()]);
        for d in [&SqliteDialect as &dyn Dialect, &PostgresDialect] {
            let t = Target {
                dialect: d,
                from: &from,
                time_column: "created_at",
                full_scan: false,
            };
            let q = categories_ranked(t, &plan(), &range(), "status", 5).expect("ratio folds");
            assert!(!q.text.contains("DROP"), "{}", q.text);
            assert_eq!(q.text.matches("FROM \"orders\"").count(), 1, "{}", q.text);
            // Ratio condition twice (value and partial), range, filters, top ×3.
            assert_eq!(q.params.len(), 2 + 2 + 2 + 3);
            let mut distinct = plan();
            distinct.aggregate = Aggregate::CountDistinct;
            distinct.column = Some("customer_id".into());
            assert!(categories_ranked(t, &distinct, &range(), "status", 5).is_none());
        }
    }

    #[test]
    fn other_category_excludes_top_keys_and_keeps_nulls() {
        let from = From::Query("SELECT * FROM orders;".into());
        let t = Target {
            dialect: &SqliteDialect,
            from: &from,
            time_column: "created_at",
            full_scan: false,
        };
        let q = categories_other(t, &plan(), &range(), "status", &[Some("a".into())]);
        assert!(q.text.contains("(SELECT * FROM orders) AS \"wasmdash_q\""));
        assert!(
            q.text
                .contains("(\"status\" IS NULL OR CAST(\"status\" AS TEXT) NOT IN (?"),
            "{}",
            q.text
        );
    }

    #[test]
    fn rows_order_text_by_bytes_on_postgres() {
        let from = From::Table(vec!["orders".into()]);
        let t = Target {
            dialect: &PostgresDialect,
            from: &from,
            time_column: "created_at",
            full_scan: false,
        };
        let cols = vec![("status".to_string(), ColumnKind::Text)];
        let p = RowsPlan {
            columns: &cols,
            range: None,
            filters: &[],
            order: Some(("status", ColumnKind::Text, true)),
            limit: Some(10),
            offset: 20,
        };
        let q = rows(t, &p);
        assert_eq!(
            q.text,
            "SELECT CAST(\"status\" AS text) FROM \"orders\" ORDER BY \"status\" COLLATE \"C\" DESC LIMIT $1::bigint OFFSET $2::bigint"
        );
    }
}
