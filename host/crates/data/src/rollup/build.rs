//! Reading a window of the source into buckets: one grouped statement per
//! refresh (bucket, dimensions, measures), streamed back so a build of
//! the whole history is bound by the stream limit, not the query limit.

use rusqlite::types::Value;
use wasmdash_frame::{Batch, ColumnKind, ColumnValues};

use super::spec::RollupSpec;
use crate::compile::{Builder, Query, Target};
use crate::dialect::{Bucket, SqlValue};

/// The grouped statement reading source rows in `[from, to)` (Unix ms;
/// from the first row when `from` is `None`) into buckets of `spec`.
/// Output: the bucket's UTC second, the dimensions, the measures, in the
/// order of the stored table.
pub(crate) fn window(spec: &RollupSpec, t: Target<'_>, from: Option<i64>, to: i64) -> Query {
    let d = t.dialect;
    let mut b = Builder::new(d);
    let col = b.id(t.time_column);
    // Grains a dialect groups natively (on SQLite a prefix of the text)
    // skip converting each row to epoch seconds.
    let native = [
        (60, Bucket::Minute),
        (3_600, Bucket::Hour),
        (86_400, Bucket::Day),
    ]
    .into_iter()
    .find(|(g, _)| *g == spec.grain)
    .and_then(|(_, bucket)| Some((d.native_bucket(&col, None, bucket)?, bucket)));
    let (bucket_expr, key) = match native {
        Some((expr, bucket)) => (expr, d.native_bucket_key("b", bucket)),
        None => (
            d.floor_seconds(&d.epoch_seconds(&col), spec.grain),
            "b".to_string(),
        ),
    };
    let mut inner = vec![format!("{bucket_expr} AS b")];
    let mut outer = vec![d.select_as(&key, ColumnKind::Int64)];
    let mut kinds = vec![ColumnKind::Int64];
    for (i, (dim, kind)) in spec.dims.iter().enumerate() {
        inner.push(format!("{} AS d{i}", b.id(dim)));
        outer.push(d.select_as(&format!("d{i}"), *kind));
        kinds.push(*kind);
    }
    let mut measure = |expr: String, kind: ColumnKind| {
        let i = inner.len();
        inner.push(format!("{expr} AS m{i}"));
        outer.push(d.select_as(&format!("m{i}"), kind));
        kinds.push(kind);
    };
    measure("COUNT(*)".into(), ColumnKind::Int64);
    for c in &spec.sum {
        let c = b.id(c);
        measure(format!("SUM({c})"), ColumnKind::Float64);
        measure(format!("COUNT({c})"), ColumnKind::Int64);
    }
    for c in &spec.min {
        measure(format!("MIN({})", b.id(c)), ColumnKind::Float64);
    }
    for c in &spec.max {
        measure(format!("MAX({})", b.id(c)), ColumnKind::Float64);
    }
    let time = b.time(&t);
    let mut cond = Vec::new();
    if let Some(from) = from {
        cond.push(format!("{time} >= {}", b.bind(SqlValue::Timestamp(from))));
    }
    cond.push(format!("{time} < {}", b.bind(SqlValue::Timestamp(to))));
    let group: Vec<String> = (1..=1 + spec.dims.len()).map(|i| i.to_string()).collect();
    let from_sql = b.from(t.from);
    let text = format!(
        "SELECT {} FROM (SELECT {} FROM {from_sql} WHERE {} GROUP BY {}) AS g",
        outer.join(", "),
        inner.join(", "),
        cond.join(" AND "),
        group.join(", ")
    );
    b.finish(text, kinds)
}

/// Row `i` of `batch` as values for the stored table (booleans as 0/1).
pub(crate) fn row(batch: &Batch, i: usize) -> Vec<Value> {
    batch
        .columns
        .iter()
        .map(|c| {
            if c.is_null(i) {
                return Value::Null;
            }
            match &c.values {
                ColumnValues::Int64(v) | ColumnValues::Timestamp(v) => Value::Integer(v[i]),
                ColumnValues::Float64(v) => Value::Real(v[i]),
                ColumnValues::Boolean(v) => Value::Integer(i64::from(v[i])),
                ColumnValues::Text(v) => Value::Text(v[i].clone()),
                ColumnValues::Dictionary { dictionary, codes } => {
                    Value::Text(dictionary[codes[i] as usize].clone())
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::From;
    use crate::dialect::{Dialect, MysqlDialect, PostgresDialect, SqliteDialect};
    use crate::rollup::spec::tests::spec;

    #[test]
    fn hourly_windows_group_natively_and_other_grains_by_arithmetic() {
        let from = From::Table(vec!["orders".into()]);
        for d in [
            &SqliteDialect as &dyn Dialect,
            &PostgresDialect,
            &MysqlDialect,
        ] {
            let t = Target {
                dialect: d,
                from: &from,
                time_column: "created_at",
                full_scan: true,
            };
            let q = window(&spec(3600), t, None, 7_200_000);
            assert_eq!(q.kinds.len(), 1 + 2 + 1 + 2 + 1, "{}", q.text);
            assert_eq!(q.params.len(), 1);
            assert!(
                d.name() != "sqlite" || q.text.contains("substr"),
                "{}",
                q.text
            );
            let q = window(&spec(900), t, Some(0), 7_200_000);
            assert!(q.text.contains("900"), "{}", q.text);
            assert_eq!(q.params.len(), 2);
        }
    }

    #[test]
    fn batches_become_stored_values() {
        let mut b = crate::batch::BatchBuilder::new(&[
            ColumnKind::Int64,
            ColumnKind::Text,
            ColumnKind::Boolean,
            ColumnKind::Float64,
        ]);
        use crate::batch::Cell;
        b.push([
            Cell::Int(3600),
            Cell::Text("a".into()),
            Cell::Bool(true),
            Cell::Null,
        ]);
        let out = row(&b.finish(), 0);
        assert_eq!(
            out,
            vec![
                Value::Integer(3600),
                Value::Text("a".into()),
                Value::Integer(1),
                Value::Null
            ]
        );
    }
}
