//! A `[[rollup]]` checked against its dataset's columns, and the rule
//! deciding whether it can answer a scan exactly.

use std::collections::HashMap;
use std::time::Duration;

use crate::config::{Aggregate, FilterOp, RollupConfig, parse_span};
use wasmdash_frame::ColumnKind;

use crate::catalog::Dataset;
use crate::compile::{BoundFilter, MetricPlan};
use crate::dialect::Bucket;
use crate::error::{DataError, Result};

/// A rollup ready to build and query.
#[derive(Debug, Clone)]
pub(crate) struct RollupSpec {
    pub(crate) name: String,
    /// Index of its dataset in the catalog.
    pub(crate) dataset: usize,
    /// Bucket width, seconds (whole minutes dividing a day).
    pub(crate) grain: i64,
    /// Seconds each refresh re-reads before the watermark.
    pub(crate) lookback: i64,
    /// How often it is refreshed.
    pub(crate) refresh: Duration,
    /// Kept columns and their kinds.
    pub(crate) dims: Vec<(String, ColumnKind)>,
    /// Columns with sum and count kept.
    pub(crate) sum: Vec<String>,
    /// Columns with minimum kept.
    pub(crate) min: Vec<String>,
    /// Columns with maximum kept.
    pub(crate) max: Vec<String>,
    /// Everything that shapes the stored buckets: a change means rebuild.
    pub(crate) signature: String,
}

/// Names of the stored columns; dimensions keep their own names (which
/// are identifiers, so never contain `#`).
pub(crate) const BUCKET: &str = "#bucket";
/// Rows in a group.
pub(crate) const ROWS: &str = "#n";

/// The stored column of measure `what` (`sum`, `cnt`, `min`, `max`) of
/// `column`.
pub(crate) fn measure(what: &str, column: &str) -> String {
    format!("#{what}:{column}")
}

impl RollupSpec {
    /// Check `cfg` against the columns of its dataset.
    pub(crate) fn build(
        cfg: &RollupConfig,
        datasets: &[Dataset],
        all_kinds: &[HashMap<String, ColumnKind>],
        source_url: impl Fn(usize) -> String,
    ) -> Result<Self> {
        let name = cfg.name.get_ref().clone();
        let err = |m: String| DataError::Schema(format!("rollup `{name}`: {m}"));
        let dataset = datasets
            .iter()
            .position(|d| d.info.name == cfg.dataset)
            .ok_or_else(|| err(format!("no dataset `{}`", cfg.dataset)))?;
        let kinds = &all_kinds[dataset];
        let kind_of = |c: &str| {
            kinds
                .get(c)
                .copied()
                .ok_or_else(|| err(format!("column `{c}` does not exist")))
        };
        let mut dims = Vec::new();
        for c in &cfg.dimensions {
            let k = kind_of(c)?;
            if !matches!(
                k,
                ColumnKind::Text | ColumnKind::Int64 | ColumnKind::Boolean
            ) {
                return Err(err(format!(
                    "dimension `{c}` must be a text, integer or boolean column"
                )));
            }
            dims.push((c.clone(), k));
        }
        for c in cfg.sum.iter().chain(&cfg.min).chain(&cfg.max) {
            if !matches!(kind_of(c)?, ColumnKind::Int64 | ColumnKind::Float64) {
                return Err(err(format!("column `{c}` is not numeric")));
            }
        }
        let (grain, lookback, refresh) = cfg
            .check()
            .and_then(|()| {
                Ok((
                    cfg.grain_secs().map_err(|m| ("grain", m))?,
                    parse_span(&cfg.lookback).map_err(|m| ("lookback", m))?,
                    parse_span(&cfg.refresh).map_err(|m| ("refresh", m))?,
                ))
            })
            .map_err(|(k, m)| err(format!("{k}: {m}")))?;
        let d = &datasets[dataset];
        // The URL may hold a password: only its hash is stored.
        let url = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            source_url(d.source).hash(&mut h);
            h.finish()
        };
        let signature = format!(
            "v1|{url:016x}|{:?}|{}|{grain}|{:?}|{:?}|{:?}|{:?}",
            d.from, d.info.time_column, dims, cfg.sum, cfg.min, cfg.max
        );
        Ok(Self {
            name,
            dataset,
            grain,
            lookback,
            refresh: Duration::from_secs(refresh.unsigned_abs()),
            dims,
            sum: cfg.sum.clone(),
            min: cfg.min.clone(),
            max: cfg.max.clone(),
            signature,
        })
    }

    /// Whether this rollup answers `metrics` grouped by `bucket` exactly
    /// in a zone whose offsets over the range are `offsets` (`(from UTC
    /// second, offset)`, see `buckets::offsets`), on a source of dialect
    /// `dialect`.
    pub(crate) fn fits(
        &self,
        metrics: &[&MetricPlan],
        bucket: Option<Bucket>,
        offsets: &[(i64, i64)],
        dialect: &str,
    ) -> bool {
        let g = self.grain;
        let nests = match bucket {
            None => true,
            Some(Bucket::Minute) => g == 60,
            Some(Bucket::Hour) => 3_600 % g == 0,
            // Days, weeks and months are whole days, and grains divide a day.
            Some(_) => true,
        };
        // Local buckets are whole grains only when every offset, and every
        // instant the offset changes, is a whole number of grains.
        let zone = offsets.iter().all(|(_, o)| o % g == 0)
            && offsets.iter().skip(1).all(|(at, _)| at % g == 0);
        nests && zone && metrics.iter().all(|m| self.holds(m, dialect))
    }

    /// Whether the stored measures and dimensions give `m` exactly.
    fn holds(&self, m: &MetricPlan, dialect: &str) -> bool {
        let has =
            |list: &[String], c: &Option<String>| c.as_ref().is_some_and(|c| list.contains(c));
        let measure = match m.aggregate {
            Aggregate::CountDistinct => false,
            Aggregate::Count => m.column.is_none() || has(&self.sum, &m.column),
            Aggregate::Sum | Aggregate::Avg => has(&self.sum, &m.column),
            Aggregate::Min => has(&self.min, &m.column),
            Aggregate::Max => has(&self.max, &m.column),
            Aggregate::Ratio => true,
        };
        measure
            && m.filters
                .iter()
                .chain(&m.ratio)
                .all(|f| self.filters_on(f, dialect))
    }

    /// Whether filter `f` can run on the stored dimensions with the
    /// source's meaning: text compares bytewise here, which PostgreSQL
    /// matches for (in)equality, SQLite for every comparison, and
    /// MariaDB's case-insensitive collations for none.
    fn filters_on(&self, f: &BoundFilter, dialect: &str) -> bool {
        let Some((_, kind)) = self.dims.iter().find(|(c, _)| *c == f.column) else {
            return false;
        };
        let equality = matches!(
            f.op,
            FilterOp::Eq | FilterOp::Ne | FilterOp::In | FilterOp::IsNull | FilterOp::IsNotNull
        );
        match kind {
            ColumnKind::Int64 => true,
            ColumnKind::Boolean => equality,
            ColumnKind::Text => match dialect {
                "sqlite" => true,
                "postgres" => equality,
                _ => matches!(f.op, FilterOp::IsNull | FilterOp::IsNotNull),
            },
            _ => false,
        }
    }

    /// The stored table's name.
    pub(crate) fn table(&self) -> String {
        format!("rollup:{}", self.name)
    }

    /// Stored columns after the bucket and the dimensions, in order.
    pub(crate) fn measure_columns(&self) -> Vec<String> {
        let mut out = vec![ROWS.to_string()];
        for c in &self.sum {
            out.push(measure("sum", c));
            out.push(measure("cnt", c));
        }
        out.extend(self.min.iter().map(|c| measure("min", c)));
        out.extend(self.max.iter().map(|c| measure("max", c)));
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dialect::SqlValue;

    pub(crate) fn spec(grain: i64) -> RollupSpec {
        RollupSpec {
            name: "r".into(),
            dataset: 0,
            grain,
            lookback: 3600,
            refresh: Duration::from_secs(60),
            dims: vec![
                ("status".into(), ColumnKind::Text),
                ("region".into(), ColumnKind::Text),
            ],
            sum: vec!["amount".into()],
            min: vec![],
            max: vec!["amount".into()],
            signature: String::new(),
        }
    }

    fn metric(
        aggregate: Aggregate,
        column: Option<&str>,
        filter: Option<(&str, FilterOp)>,
    ) -> MetricPlan {
        MetricPlan {
            aggregate,
            column: column.map(str::to_string),
            column_not_null: false,
            filters: filter
                .map(|(c, op)| BoundFilter {
                    column: c.into(),
                    op,
                    values: vec![SqlValue::Text("x".into())],
                })
                .into_iter()
                .collect(),
            ratio: Vec::new(),
        }
    }

    #[test]
    fn grain_bucket_and_zone_decide() {
        let hourly = spec(3600);
        let count = metric(Aggregate::Count, None, None);
        let utc = [(0, 0)];
        let berlin = [(0, 3600), (7200, 7200)];
        let kolkata = [(0, 19_800)];
        assert!(hourly.fits(&[&count], Some(Bucket::Day), &berlin, "sqlite"));
        assert!(hourly.fits(&[&count], None, &utc, "sqlite"));
        assert!(!hourly.fits(&[&count], Some(Bucket::Minute), &utc, "sqlite"));
        assert!(!hourly.fits(&[&count], Some(Bucket::Day), &kolkata, "sqlite"));
        let quarter = spec(900);
        assert!(quarter.fits(&[&count], Some(Bucket::Month), &kolkata, "sqlite"));
        // An offset change off the grain (none exists, but the rule holds).
        assert!(!hourly.fits(
            &[&count],
            Some(Bucket::Day),
            &[(0, 0), (1800, 3600)],
            "sqlite"
        ));
    }

    #[test]
    fn measures_filters_and_dialects_decide() {
        let s = spec(3600);
        let utc = [(0, 0)];
        let fits = |m: &MetricPlan, d: &str| s.fits(&[m], Some(Bucket::Day), &utc, d);
        assert!(fits(
            &metric(Aggregate::Avg, Some("amount"), None),
            "postgres"
        ));
        assert!(fits(
            &metric(Aggregate::Count, Some("amount"), None),
            "postgres"
        ));
        assert!(!fits(
            &metric(Aggregate::Min, Some("amount"), None),
            "postgres"
        ));
        assert!(fits(
            &metric(Aggregate::Max, Some("amount"), None),
            "postgres"
        ));
        assert!(!fits(
            &metric(Aggregate::CountDistinct, Some("amount"), None),
            "sqlite"
        ));
        assert!(!fits(
            &metric(Aggregate::Sum, Some("other"), None),
            "sqlite"
        ));
        let eq = metric(Aggregate::Count, None, Some(("status", FilterOp::Eq)));
        let gt = metric(Aggregate::Count, None, Some(("status", FilterOp::Gt)));
        let off = metric(Aggregate::Count, None, Some(("amount", FilterOp::Eq)));
        assert!(fits(&eq, "sqlite") && fits(&eq, "postgres") && !fits(&eq, "mysql"));
        assert!(fits(&gt, "sqlite") && !fits(&gt, "postgres"));
        assert!(!fits(&off, "sqlite"));
    }
}
