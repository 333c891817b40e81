//! Datasets and metrics from the config, checked against the real schema
//! once at start and turned into ready-to-compile plans.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono_tz::Tz;
use serde::Serialize;

use crate::config::{Aggregate, ColumnConfig, DataConfig, Filter, FilterOp, Literal};
use wasmdash_frame::{ColumnKind, ColumnSchema, ValueFormat};

use super::compile::{BoundFilter, From, MetricPlan};
use super::dialect::SqlValue;
use super::error::{DataError, Result};
use super::rollup::RollupSpec;
use super::source::Source;
use super::timerange::{Bound, RangeSpec};

/// A metric as listed to users.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricInfo {
    /// Unique name, used in URLs.
    pub name: String,
    /// Human label.
    pub label: String,
    /// The dataset it aggregates.
    pub dataset: String,
    /// `count`, `sum`, `ratio`, ...
    pub aggregate: String,
    /// Display format.
    pub format: ValueFormat,
    /// Columns it may be grouped by.
    pub dimensions: Vec<String>,
    /// Which way is good news.
    pub good: crate::config::Good,
    /// Configured category colours per dimension, value → `#rrggbb`: the
    /// dimension column's `colors` with the metric's own over them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub colors: BTreeMap<String, BTreeMap<String, String>>,
}

impl MetricInfo {
    /// The configured colours of this metric's categories when grouped by
    /// `dimension`: (value, `#rrggbb`), empty when none are configured.
    pub fn category_colors(&self, dimension: &str) -> Vec<(String, String)> {
        self.colors
            .get(dimension)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
}

/// A dataset as listed to users.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetInfo {
    /// Unique name, used in URLs.
    pub name: String,
    /// Human label.
    pub label: String,
    /// The column time ranges filter on.
    pub time_column: String,
    /// Exposed columns.
    pub columns: Vec<ColumnSchema>,
}

#[derive(Debug)]
pub(crate) struct Dataset {
    pub(crate) info: DatasetInfo,
    pub(crate) source: usize,
    pub(crate) from: From,
    /// How long pages of rows stay cached.
    pub(crate) ttl: Duration,
    /// Configured colours of the values of each column that has some.
    pub(crate) colors: HashMap<String, Vec<(String, String)>>,
    /// Columns declared `NOT NULL` (where the database tells).
    pub(crate) not_null: std::collections::HashSet<String>,
}

impl Dataset {
    pub(crate) fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.info.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug)]
pub(crate) struct Metric {
    pub(crate) info: MetricInfo,
    pub(crate) dataset: usize,
    pub(crate) plan: MetricPlan,
    pub(crate) ttl: Duration,
}

/// Everything users can query.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) datasets: Vec<Dataset>,
    pub(crate) metrics: Vec<Metric>,
    /// Checked `[[rollup]]` tables (the engine takes them over).
    pub(crate) rollups: Vec<RollupSpec>,
}

impl Catalog {
    /// Check every dataset and metric against its database.
    pub(crate) async fn build(config: &DataConfig<'_>, sources: &[Source]) -> Result<Self> {
        let mut datasets = Vec::new();
        let mut all_kinds = Vec::new();
        for d in config.datasets {
            let (dataset, kinds) = build_dataset(d, sources).await?;
            datasets.push(dataset);
            all_kinds.push(kinds);
        }
        let mut metrics = Vec::new();
        for m in config.metrics {
            metrics.push(build_metric(m, &datasets, &all_kinds, config.timezone)?);
        }
        let mut rollups = Vec::new();
        for r in config.rollups {
            rollups.push(RollupSpec::build(r, &datasets, &all_kinds, |i| {
                source_url(config, sources, i)
            })?);
        }
        Ok(Self {
            datasets,
            metrics,
            rollups,
        })
    }

    /// Check every dataset and metric against its database, as far as
    /// `sources` (those that connected) reach, and return every problem
    /// found: at most one per dataset or metric. A dataset of a source that
    /// did not connect, and a metric of a dataset that failed, are skipped.
    pub(crate) async fn problems(
        config: &DataConfig<'_>,
        sources: &[Source],
    ) -> Vec<(ConfigItem, DataError)> {
        let mut problems = Vec::new();
        let mut datasets = Vec::new();
        let mut all_kinds = Vec::new();
        for d in config.datasets {
            if !sources.iter().any(|s| s.name == d.source) {
                continue;
            }
            match build_dataset(d, sources).await {
                Ok((dataset, kinds)) => {
                    datasets.push(dataset);
                    all_kinds.push(kinds);
                }
                Err(e) => problems.push((ConfigItem::Dataset(d.name.get_ref().clone()), e)),
            }
        }
        for m in config.metrics {
            if !datasets.iter().any(|d| d.info.name == m.dataset) {
                continue;
            }
            if let Err(e) = build_metric(m, &datasets, &all_kinds, config.timezone) {
                problems.push((ConfigItem::Metric(m.name.get_ref().clone()), e));
            }
        }
        for r in config.rollups {
            if !datasets.iter().any(|d| d.info.name == r.dataset) {
                continue;
            }
            let built =
                RollupSpec::build(r, &datasets, &all_kinds, |i| source_url(config, sources, i));
            if let Err(e) = built {
                problems.push((ConfigItem::Rollup(r.name.get_ref().clone()), e));
            }
        }
        problems
    }
}

/// Which table of the configuration a problem is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigItem {
    /// A `[[source]]`, by name.
    Source(String),
    /// A `[[dataset]]`, by name.
    Dataset(String),
    /// A `[[metric]]`, by name.
    Metric(String),
    /// A `[[rollup]]`, by name.
    Rollup(String),
}

/// The URL of source `index` (part of a rollup's signature: another
/// database means other rows).
fn source_url(config: &DataConfig<'_>, sources: &[Source], index: usize) -> String {
    sources
        .get(index)
        .and_then(|s| config.source(&s.name))
        .map(|s| s.url.clone())
        .unwrap_or_default()
}

/// Check one dataset against its database: its columns and their kinds.
async fn build_dataset(
    d: &crate::config::DatasetConfig,
    sources: &[Source],
) -> Result<(Dataset, HashMap<String, ColumnKind>)> {
    let name = d.name.get_ref();
    let schema_err = |m: String| DataError::Schema(format!("dataset `{name}`: {m}"));
    let source = sources
        .iter()
        .position(|s| s.name == d.source)
        .ok_or_else(|| schema_err(format!("no source `{}`", d.source)))?;
    let src = &sources[source];
    let from = match (&d.table, &d.query) {
        (Some(t), _) => From::Table(t.split('.').map(str::to_string).collect()),
        (None, q) => From::Query(q.clone().unwrap_or_default()),
    };
    let from_sql = match &from {
        From::Table(parts) => parts
            .iter()
            .map(|p| src.dialect().quote_ident(p))
            .collect::<Vec<_>>()
            .join("."),
        From::Query(q) => format!("({}) AS wasmdash_q", q.trim().trim_end_matches(';')),
    };
    let table = match &from {
        From::Table(parts) => Some(parts.clone()),
        From::Query(_) => None,
    };
    let described = src.describe(from_sql, table).await.map_err(|e| match e {
        DataError::Schema(m) | DataError::Database { detail: m } => schema_err(m),
        e => e,
    })?;
    let not_null = described
        .iter()
        .filter(|c| c.not_null)
        .map(|c| c.name.clone())
        .collect();
    let mut kinds: HashMap<String, Option<ColumnKind>> =
        described.into_iter().map(|c| (c.name, c.kind)).collect();
    // Declared kinds win for columns the database cannot type.
    for c in &d.columns {
        if let Some(k) = c.kind
            && let Some(slot) = kinds.get_mut(&c.name)
        {
            *slot = Some(k);
        }
    }
    match kinds.get_mut(&d.time_column) {
        None => {
            return Err(schema_err(format!(
                "time column `{}` does not exist",
                d.time_column
            )));
        }
        Some(k @ (None | Some(ColumnKind::Timestamp))) => *k = Some(ColumnKind::Timestamp),
        // SQLite stores times as ISO-8601 text.
        Some(k @ Some(ColumnKind::Text)) if src.is_sqlite() => *k = Some(ColumnKind::Timestamp),
        Some(_) => {
            return Err(schema_err(format!(
                "time column `{}` must hold timestamps{}",
                d.time_column,
                if src.is_sqlite() {
                    " as ISO-8601 text (YYYY-MM-DD HH:MM:SS, UTC)"
                } else {
                    ""
                }
            )));
        }
    }
    let kinds: HashMap<String, ColumnKind> = kinds
        .into_iter()
        .map(|(n, k)| (n, k.unwrap_or(ColumnKind::Text)))
        .collect();
    let declared: Vec<ColumnConfig> = if d.columns.is_empty() {
        let mut all: Vec<_> = kinds
            .keys()
            .map(|n| ColumnConfig {
                name: n.clone(),
                ..ColumnConfig::default()
            })
            .collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    } else {
        d.columns.clone()
    };
    let mut columns = Vec::new();
    let mut colors = HashMap::new();
    for c in declared {
        let n = &c.name;
        let kind = *kinds
            .get(n)
            .ok_or_else(|| schema_err(format!("column `{n}` does not exist")))?;
        c.check_kind(kind).map_err(schema_err)?;
        if !c.colors.is_empty() {
            colors.insert(n.clone(), c.colors());
        }
        columns.push(
            ColumnSchema::new(
                n.clone(),
                c.label.clone().unwrap_or_else(|| n.clone()),
                kind,
            )
            .with_format(c.display_format()),
        );
    }
    let dataset = Dataset {
        info: DatasetInfo {
            name: name.clone(),
            label: d.label.clone().unwrap_or_else(|| name.clone()),
            time_column: d.time_column.clone(),
            columns,
        },
        source,
        from,
        ttl: Duration::from_secs(d.cache_ttl_secs),
        colors,
        not_null,
    };
    Ok((dataset, kinds))
}

/// Check one metric against its dataset's columns and plan it.
fn build_metric(
    m: &crate::config::MetricConfig,
    datasets: &[Dataset],
    all_kinds: &[HashMap<String, ColumnKind>],
    tz: Tz,
) -> Result<Metric> {
    let name = m.name.get_ref();
    let err = |msg: String| DataError::Schema(format!("metric `{name}`: {msg}"));
    let dataset = datasets
        .iter()
        .position(|d| d.info.name == m.dataset)
        .ok_or_else(|| err(format!("no dataset `{}`", m.dataset)))?;
    let kinds = &all_kinds[dataset];
    if let Some(c) = &m.column {
        let kind = kinds
            .get(c)
            .ok_or_else(|| err(format!("column `{c}` does not exist")))?;
        let numeric = matches!(kind, ColumnKind::Int64 | ColumnKind::Float64);
        if matches!(
            m.aggregate,
            Aggregate::Sum | Aggregate::Avg | Aggregate::Min | Aggregate::Max
        ) && !numeric
        {
            return Err(err(format!(
                "column `{c}` is not numeric; cannot {:?} it",
                m.aggregate
            )));
        }
    }
    let bind_all = |filters: &[Filter]| -> Result<Vec<BoundFilter>> {
        filters
            .iter()
            .map(|f| {
                let kind = *kinds
                    .get(&f.column)
                    .ok_or_else(|| err(format!("filter column `{}` does not exist", f.column)))?;
                bind_filter(f, kind, tz).map_err(|m| err(m.to_string()))
            })
            .collect()
    };
    let plan = MetricPlan {
        aggregate: m.aggregate,
        column_not_null: m
            .column
            .as_ref()
            .is_some_and(|c| datasets[dataset].not_null.contains(c)),
        column: m.column.clone(),
        filters: bind_all(&m.filters)?,
        ratio: bind_all(&m.ratio_filter)?,
    };
    let mut colors = BTreeMap::new();
    for dim in &m.dimensions {
        if datasets[dataset].column(dim).is_none() {
            return Err(err(format!(
                "dimension `{dim}` is not an exposed column of `{}`",
                m.dataset
            )));
        }
        let mut of_dim: BTreeMap<String, String> = datasets[dataset]
            .colors
            .get(dim)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        of_dim.extend(crate::config::normalized_colors(&m.colors));
        if !of_dim.is_empty() {
            colors.insert(dim.clone(), of_dim);
        }
    }
    Ok(Metric {
        info: MetricInfo {
            name: name.clone(),
            label: m.display_label().to_string(),
            dataset: m.dataset.clone(),
            aggregate: format!("{:?}", m.aggregate).to_ascii_lowercase(),
            format: m.value_format(),
            dimensions: m.dimensions.clone(),
            good: m.good,
            colors,
        },
        dataset,
        plan,
        ttl: Duration::from_secs(m.cache_ttl_secs),
    })
}

/// Check a filter's value against its column type and bind it.
pub(crate) fn bind_filter(f: &Filter, kind: ColumnKind, tz: Tz) -> Result<BoundFilter> {
    crate::config::check_filter(f).map_err(DataError::BadFilter)?;
    let values = match (&f.op, &f.value) {
        (FilterOp::IsNull | FilterOp::IsNotNull, _) | (_, None) => Vec::new(),
        (_, Some(Literal::List(items))) => items
            .iter()
            .map(|l| coerce(l, kind, tz, &f.column))
            .collect::<Result<_>>()?,
        (_, Some(l)) => vec![coerce(l, kind, tz, &f.column)?],
    };
    Ok(BoundFilter {
        column: f.column.clone(),
        op: f.op,
        values,
    })
}

fn coerce(l: &Literal, kind: ColumnKind, tz: Tz, column: &str) -> Result<SqlValue> {
    let bad = || {
        DataError::BadFilter(format!(
            "value for `{column}` must be {}",
            match kind {
                ColumnKind::Int64 => "an integer",
                ColumnKind::Float64 => "a number",
                ColumnKind::Timestamp => "a date or RFC 3339 time",
                ColumnKind::Boolean => "true or false",
                ColumnKind::Text => "text",
            }
        ))
    };
    if let Literal::Text(s) = l {
        // PostgreSQL refuses NUL in text; refuse it everywhere alike.
        if s.contains('\0') {
            return Err(DataError::BadFilter(format!(
                "value for `{column}` contains a NUL character"
            )));
        }
    }
    Ok(match (kind, l) {
        (ColumnKind::Int64, Literal::Int(i)) => SqlValue::Int(*i),
        (ColumnKind::Int64, Literal::Text(s)) => {
            SqlValue::Int(s.trim().parse().map_err(|_| bad())?)
        }
        (ColumnKind::Float64, Literal::Int(i)) => SqlValue::Float(*i as f64),
        (ColumnKind::Float64 | ColumnKind::Int64, Literal::Float(f)) => SqlValue::Float(*f),
        (ColumnKind::Float64, Literal::Text(s)) => {
            let f: f64 = s.trim().parse().map_err(|_| bad())?;
            if !f.is_finite() {
                return Err(bad());
            }
            SqlValue::Float(f)
        }
        (ColumnKind::Text, Literal::Text(s)) => SqlValue::Text(s.clone()),
        (ColumnKind::Text, Literal::Int(i)) => SqlValue::Text(i.to_string()),
        (ColumnKind::Boolean, Literal::Bool(b)) => SqlValue::Bool(*b),
        (ColumnKind::Boolean, Literal::Text(s)) => SqlValue::Bool(s.parse().map_err(|_| bad())?),
        (ColumnKind::Timestamp, Literal::Text(s)) => {
            let bound = match RangeSpec::absolute(s, s).map_err(|_| bad())? {
                RangeSpec::Absolute { from, .. } => from,
                _ => return Err(bad()),
            };
            let ms = match bound {
                Bound::Instant(t) => t.timestamp_millis(),
                Bound::Date(d) => {
                    super::timerange::to_utc(tz, d.and_time(Default::default())).timestamp_millis()
                }
            };
            SqlValue::Timestamp(ms)
        }
        _ => return Err(bad()),
    })
}
