//! Categories (a metric grouped by a kept dimension over a range) from a
//! rollup: per group, the partials of the buckets of whole grains below
//! the watermark plus those of raw SQL over the rest, folded, ranked and
//! cut into the top groups and "other" exactly as the raw query does
//! (`compile::categories_ranked`).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::types::ValueRef;
use wasmdash_frame::{CategoriesData, ColumnKind, TimeRange};

use super::answer::{db, partials, split};
use super::spec::{BUCKET, RollupSpec};
use super::store::{RollupStore, quoted, watermark};
use crate::batch::Cell;
use crate::buckets;
use crate::catalog::{Dataset, Metric};
use crate::compile::{self, Builder, MetricPlan};
use crate::dialect::{SqlValue, SqliteDialect};
use crate::engine::DataEngine;
use crate::error::Result;
use crate::fold::{finish, merge};
use crate::source::Source;

/// Partials per group key (`None`: the null group).
type Keyed = HashMap<Option<String>, Vec<Option<f64>>>;

/// A group: its key, its value, its partials.
type Ranked = (Option<String>, Option<f64>, Vec<Option<f64>>);

impl DataEngine {
    /// `m` over `r` grouped by `by`, top `top` and "other", from the
    /// coarsest rollup that answers it exactly, and the rollup's name;
    /// `None` when none does (then raw SQL answers).
    pub(crate) async fn categories_from_rollup(
        &self,
        m: &Metric,
        d: &Dataset,
        s: &Source,
        r: &TimeRange,
        by: &str,
        top: u32,
    ) -> Option<(CategoriesData, String)> {
        let dialect = s.dialect().name();
        let offsets = buckets::offsets(self.timezone(), r);
        let (chain, store) =
            self.rollups
                .fitting(m.dataset, &[&m.plan], None, &offsets, dialect)?;
        let chain: Vec<RollupSpec> = chain
            .into_iter()
            .filter(|r| r.dims.iter().any(|(c, _)| c == by))
            .cloned()
            .collect();
        let name = chain.first()?.name.clone();
        // Labels must read as the source writes them (booleans do not),
        // and MariaDB groups text case-insensitively.
        match chain[0].dims.iter().find(|(c, _)| c == by)?.1 {
            ColumnKind::Int64 => {}
            ColumnKind::Text if dialect != "mysql" => {}
            _ => return None,
        }
        let job = {
            let (store, plan) = (Arc::clone(store), m.plan.clone());
            let (by, r) = (by.to_string(), r.clone());
            move || cover_by(&store, &chain, &plan, &by, &r)
        };
        let (mut keyed, raw) = match super::blocking(job).await {
            Ok(Some(found)) => found,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(rollup = %name, error = %e,
                    "reading the rollup failed; answering from raw SQL");
                return None;
            }
        };
        let aggregate = m.plan.aggregate;
        for piece in &raw {
            let t = Self::target(d, s);
            let q = compile::category_partials(t, &m.plan, piece, by)?;
            let rows = match s.query(q).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(rollup = %name, error = %e,
                        "reading a range edge failed; answering from raw SQL");
                    return None;
                }
            };
            for row in rows {
                let mut cells = row.into_iter();
                let key = cells.next().and_then(Cell::into_text);
                let parts: Vec<Option<f64>> = cells.map(|c| c.as_f64()).collect();
                match keyed.get_mut(&key) {
                    Some(acc) => merge(aggregate, acc, &parts),
                    None => {
                        keyed.insert(key, parts);
                    }
                }
            }
        }
        let mut groups: Vec<Ranked> = keyed
            .into_iter()
            .map(|(k, parts)| (k, finish(aggregate, &parts), parts))
            .collect();
        // As the raw query ranks: value descending, nulls last, then the
        // key bytewise, where PostgreSQL puts a null key last and the
        // others first.
        let nulls_last = dialect == "postgres";
        groups.sort_by(|(ka, va, _), (kb, vb, _)| {
            let by_value = match (va, vb) {
                (Some(a), Some(b)) => b.partial_cmp(a).unwrap_or(Ordering::Equal),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_value.then_with(|| match (ka, kb) {
                (Some(a), Some(b)) => a.as_bytes().cmp(b.as_bytes()),
                (None, None) => Ordering::Equal,
                (None, Some(_)) if nulls_last => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) if nulls_last => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
        });
        let mut out = CategoriesData {
            label: m.info.label.clone(),
            dimension: by.to_string(),
            format: m.info.format.clone(),
            ..CategoriesData::default()
        };
        let top = top as usize;
        let mut other: Option<Vec<Option<f64>>> = None;
        for (i, (key, value, parts)) in groups.into_iter().enumerate() {
            if i < top {
                out.labels.push(key.unwrap_or_else(|| "(none)".into()));
                out.values.push(value.unwrap_or(0.0));
            } else {
                match &mut other {
                    Some(acc) => merge(aggregate, acc, &parts),
                    None => other = Some(parts),
                }
            }
        }
        if let Some(parts) = other {
            out.labels.push("other".into());
            out.values.push(finish(aggregate, &parts).unwrap_or(0.0));
        }
        tracing::debug!(dataset = %d.info.name, path = "rollup", rollup = %name,
            raw_pieces = raw.len(), "categories answered");
        Some((out, name))
    }
}

/// Partials of `m` per value of `by` over the whole grains of `r` below
/// the watermarks of `chain` (coarsest first, each finer one covering
/// what the coarser left; only buckets passing `m`'s filters, as raw
/// SQL's `WHERE`), and the pieces of `r` left for raw SQL; `None` when
/// no whole grain is covered.
fn cover_by(
    store: &RollupStore,
    chain: &[RollupSpec],
    m: &MetricPlan,
    by: &str,
    r: &TimeRange,
) -> Result<Option<(Keyed, Vec<TimeRange>)>> {
    store.read(|tx| {
        let mut keyed = Keyed::new();
        let mut left = vec![r.clone()];
        let mut any = false;
        for spec in chain {
            let Some(w) = watermark(tx, spec)? else {
                continue;
            };
            let mut rest = Vec::new();
            for piece in &left {
                let (covered, more) = split(piece, spec.grain, w);
                rest.extend(more);
                if let Some(whole) = covered {
                    any = true;
                    read_by(tx, spec, m, by, whole, &mut keyed)?;
                }
            }
            left = rest;
        }
        Ok(any.then_some((keyed, left)))
    })
}

/// Merge the partials per value of `by` of `spec`'s buckets in `[a, b)`
/// (Unix ms, whole grains) into `keyed`.
fn read_by(
    tx: &rusqlite::Transaction<'_>,
    spec: &RollupSpec,
    m: &MetricPlan,
    by: &str,
    (a, b): (i64, i64),
    keyed: &mut Keyed,
) -> Result<()> {
    let mut q = Builder::new(&SqliteDialect);
    let bare = MetricPlan {
        filters: Vec::new(),
        ..m.clone()
    };
    let parts = partials(&mut q, &bare);
    let bucket = quoted(BUCKET);
    let mut cond = vec![
        format!("{bucket} >= {}", q.bind(SqlValue::Int(a / 1000))),
        format!("{bucket} < {}", q.bind(SqlValue::Int(b / 1000))),
    ];
    cond.extend(m.filters.iter().map(|f| q.filter(f)));
    let text = format!(
        "SELECT CAST({} AS TEXT), {} FROM {} WHERE {} GROUP BY 1",
        quoted(by),
        parts.join(", "),
        quoted(&spec.table()),
        cond.join(" AND ")
    );
    let params = crate::source::sqlite::bind(&q.finish(String::new(), Vec::new()).params);
    let mut st = tx.prepare_cached(&text).map_err(db)?;
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(db)?;
    while let Some(row) = rows.next().map_err(db)? {
        let key: Option<String> = row.get(0).map_err(db)?;
        let values: Vec<Option<f64>> = (1..row.as_ref().column_count())
            .map(|i| match row.get_ref(i) {
                Ok(ValueRef::Integer(n)) => Some(n as f64),
                Ok(ValueRef::Real(f)) => Some(f),
                _ => None,
            })
            .collect();
        match keyed.get_mut(&key) {
            Some(acc) => merge(m.aggregate, acc, &values),
            None => {
                keyed.insert(key, values);
            }
        }
    }
    Ok(())
}
