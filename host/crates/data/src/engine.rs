//! [`DataEngine`]: the one entry point the web layer, exports and alerts
//! use to read data. It resolves names and ranges, compiles, caches, and
//! runs the query on the right source.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::{DataConfig, Filter};
use wasmdash_frame::{
    CategoriesData, ColumnKind, ColumnSchema, RowsData, ScalarData, Series, SeriesData, TimeRange,
};

use super::batch::{BatchBuilder, BatchStream, Cell};
use super::buckets::{self, BucketSpec};
use super::cache::Cache;
use super::catalog::{Catalog, Dataset, DatasetInfo, Metric, MetricInfo, bind_filter};
use super::compile::{self, RowsPlan, Target};
use super::dialect::Bucket;
use super::error::{DataError, Result};
use super::source::Source;
use super::timerange::RangeSpec;

/// A clock, injectable so tests are deterministic.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Rows a page may hold at most.
pub const MAX_PAGE_ROWS: u64 = 10_000;
/// Pages of at most this many rows are cached (with the dataset's TTL);
/// bigger pages are read fresh so the cache stays small.
pub(crate) const MAX_CACHED_PAGE_ROWS: u64 = 500;
/// Groups a categories query may return at most.
pub const MAX_TOP: u32 = 100;

/// A rows request: which columns, which rows, in which order.
#[derive(Debug, Clone, Default)]
pub struct RowsQuery {
    /// Columns to return; empty = every exposed column.
    pub columns: Vec<String>,
    /// Only rows whose time column is in this range.
    pub range: Option<RangeSpec>,
    /// Extra conditions (values are bound, never spliced).
    pub filters: Vec<Filter>,
    /// An exposed column to sort by.
    pub order_by: Option<String>,
    /// Sort descending.
    pub descending: bool,
    /// Rows to return (pages default to 100, at most 10,000; streams
    /// default to all).
    pub limit: Option<u64>,
    /// Rows to skip.
    pub offset: u64,
}

/// Sources, datasets and metrics, with a result cache.
pub struct DataEngine {
    catalog: Catalog,
    sources: Vec<Source>,
    tz: Tz,
    clock: Clock,
    scalars: Cache<String, ScalarData>,
    series: Cache<String, SeriesData>,
    categories: Cache<String, CategoriesData>,
    rows: Cache<String, RowsData>,
}

impl fmt::Debug for DataEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataEngine")
            .field("sources", &self.sources)
            .field("catalog", &self.catalog)
            .field("tz", &self.tz)
            .finish_non_exhaustive()
    }
}

impl Default for DataEngine {
    /// An engine with no sources (for tests of other layers).
    fn default() -> Self {
        Self {
            catalog: Catalog::default(),
            sources: Vec::new(),
            tz: Tz::UTC,
            clock: Arc::new(Utc::now),
            scalars: Cache::default(),
            series: Cache::default(),
            categories: Cache::default(),
            rows: Cache::default(),
        }
    }
}

impl DataEngine {
    /// Open every source and check every dataset and metric against the
    /// real schema.
    pub async fn connect<'a>(config: impl Into<DataConfig<'a>>) -> Result<Self> {
        let config = config.into();
        let mut sources = Vec::new();
        for s in config.sources {
            let source = Source::connect(&config, s).await.map_err(|e| match e {
                DataError::Schema(m) | DataError::Database { detail: m } => {
                    DataError::Schema(format!("source `{}`: {m}", s.name.get_ref()))
                }
                e => e,
            })?;
            sources.push(source);
        }
        let catalog = Catalog::build(&config, &sources).await?;
        Ok(Self {
            catalog,
            sources,
            tz: config.timezone,
            ..Self::default()
        })
    }

    /// Use `clock` for "now" (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The configured timezone.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// SQL statements sent to the databases since start, over every
    /// source: what actually reached a database, after the cache and
    /// single-flight. Benchmarks and tests read it to show how much work a
    /// request caused.
    pub fn statements_run(&self) -> u64 {
        self.sources.iter().map(Source::statements).sum()
    }

    /// Every metric.
    pub fn metrics(&self) -> Vec<MetricInfo> {
        self.catalog
            .metrics
            .iter()
            .map(|m| m.info.clone())
            .collect()
    }

    /// Every dataset.
    pub fn datasets(&self) -> Vec<DatasetInfo> {
        self.catalog
            .datasets
            .iter()
            .map(|d| d.info.clone())
            .collect()
    }

    fn metric(&self, name: &str) -> Result<(&Metric, &Dataset, &Source)> {
        let m = self
            .catalog
            .metrics
            .iter()
            .find(|m| m.info.name == name)
            .ok_or_else(|| DataError::UnknownMetric(short(name)))?;
        let d = &self.catalog.datasets[m.dataset];
        Ok((m, d, &self.sources[d.source]))
    }

    fn dataset(&self, name: &str) -> Result<(&Dataset, &Source)> {
        let d = self
            .catalog
            .datasets
            .iter()
            .find(|d| d.info.name == name)
            .ok_or_else(|| DataError::UnknownDataset(short(name)))?;
        Ok((d, &self.sources[d.source]))
    }

    fn target<'a>(d: &'a Dataset, s: &'a Source) -> Target<'a> {
        Target {
            dialect: s.dialect(),
            from: &d.from,
            time_column: &d.info.time_column,
        }
    }

    /// The metric over `range` and over the previous period; with
    /// `sparkline`, also an `auto`-bucketed series of the range.
    pub async fn scalar(
        &self,
        metric: &str,
        range: &RangeSpec,
        sparkline: bool,
    ) -> Result<ScalarData> {
        let (m, d, s) = self.metric(metric)?;
        let r = range.resolve((self.clock)(), self.tz)?;
        let key = format!("{metric}|{range}|{sparkline}");
        self.scalars
            .get_or_load(key, m.ttl, async {
                let q = compile::scalar(Self::target(d, s), &m.plan, &r.current, &r.previous);
                let rows = s.query(q).await?;
                let value_of = |tag: i64| {
                    rows.iter()
                        .find(|row| row.first().and_then(Cell::as_i64) == Some(tag))
                        .and_then(|row| row.get(1).and_then(Cell::as_f64))
                };
                let spark = if sparkline {
                    Some(
                        self.series_points(
                            m,
                            d,
                            s,
                            &r.current,
                            BucketSpec::Auto.resolve(&r.current)?,
                        )
                        .await?,
                    )
                } else {
                    None
                };
                Ok(ScalarData {
                    label: m.info.label.clone(),
                    value: value_of(0),
                    previous: value_of(1),
                    format: m.info.format.clone(),
                    sparkline: spark,
                })
            })
            .await
    }

    /// The metric bucketed over `range`, empty buckets filled (0 for
    /// counts, null otherwise); with `compare_previous`, the previous
    /// period aligned bucket by bucket.
    pub async fn series(
        &self,
        metric: &str,
        range: &RangeSpec,
        bucket: BucketSpec,
        compare_previous: bool,
    ) -> Result<SeriesData> {
        let (m, d, s) = self.metric(metric)?;
        let r = range.resolve((self.clock)(), self.tz)?;
        let b = bucket.resolve(&r.current)?;
        let key = format!("{metric}|{range}|{}|{compare_previous}", b.name());
        self.series
            .get_or_load(key, m.ttl, async {
                let points = self.series_points(m, d, s, &r.current, b).await?;
                let previous = if compare_previous {
                    let prev = self.series_points(m, d, s, &r.previous, b).await?;
                    Some(align(&points, &prev, m.plan.aggregate.is_count()))
                } else {
                    None
                };
                Ok(SeriesData {
                    label: m.info.label.clone(),
                    bucket: b.name().to_string(),
                    points,
                    previous,
                    format: m.info.format.clone(),
                })
            })
            .await
    }

    async fn series_points(
        &self,
        m: &Metric,
        d: &Dataset,
        s: &Source,
        r: &TimeRange,
        b: Bucket,
    ) -> Result<Series> {
        let offsets = buckets::offsets(self.tz, r);
        let q = compile::series(Self::target(d, s), &m.plan, r, b, &offsets);
        let rows = s.query(q).await?;
        let found: HashMap<i64, Option<f64>> = rows
            .iter()
            .filter_map(|row| Some((row.first()?.as_i64()?, row.get(1).and_then(Cell::as_f64))))
            .collect();
        let fill = if m.plan.aggregate.is_count() {
            Some(0.0)
        } else {
            None
        };
        let mut out = Series::default();
        let mut nulls = Vec::new();
        for (key, start_ms) in buckets::keys(self.tz, r, b) {
            let v = found.get(&key).copied().unwrap_or(fill);
            out.timestamps.push(start_ms);
            out.values.push(v.unwrap_or(0.0));
            nulls.push(v.is_none());
        }
        if nulls.iter().any(|n| *n) {
            out.nulls = nulls;
        }
        Ok(out)
    }

    /// The metric grouped by `by` (an allowed dimension): the `top`
    /// biggest groups, then "other" for the rest.
    pub async fn categories(
        &self,
        metric: &str,
        range: &RangeSpec,
        by: &str,
        top: u32,
    ) -> Result<CategoriesData> {
        let (m, d, s) = self.metric(metric)?;
        if !m.info.dimensions.iter().any(|dim| dim == by) {
            return Err(DataError::DimensionNotAllowed {
                metric: m.info.name.clone(),
                dimension: short(by),
                allowed: m.info.dimensions.join(", "),
            });
        }
        if !(1..=MAX_TOP).contains(&top) {
            return Err(DataError::BadParameter(format!(
                "top must be 1..={MAX_TOP}"
            )));
        }
        let r = range.resolve((self.clock)(), self.tz)?;
        let key = format!("{metric}|{range}|{by}|{top}");
        self.categories
            .get_or_load(key, m.ttl, async {
                let t = Self::target(d, s);
                if let Some(q) = compile::categories_ranked(t, &m.plan, &r.current, by, top) {
                    return Ok(ranked_categories(m, by, s.query(q).await?));
                }
                let mut rows = s
                    .query(compile::categories(t, &m.plan, &r.current, by, top + 1))
                    .await?;
                let more = rows.len() > top as usize;
                rows.truncate(top as usize);
                let mut keys = Vec::new();
                let mut out = no_categories(m, by);
                for row in rows {
                    let mut row = row.into_iter();
                    let k = row.next().and_then(Cell::into_text);
                    out.labels
                        .push(k.clone().unwrap_or_else(|| "(none)".into()));
                    out.values
                        .push(row.next().and_then(|c| c.as_f64()).unwrap_or(0.0));
                    keys.push(k);
                }
                if more {
                    let q = compile::categories_other(t, &m.plan, &r.current, by, &keys);
                    let other = s.query(q).await?;
                    out.labels.push("other".into());
                    out.values.push(
                        other
                            .first()
                            .and_then(|r| r.first())
                            .and_then(Cell::as_f64)
                            .unwrap_or(0.0),
                    );
                }
                Ok(out)
            })
            .await
    }

    fn rows_plan<'a>(
        &self,
        d: &'a Dataset,
        q: &'a RowsQuery,
        default_limit: Option<u64>,
    ) -> Result<RowsParts<'a>> {
        let unknown = |c: &str| DataError::UnknownColumn {
            dataset: d.info.name.clone(),
            column: short(c),
        };
        let schema: Vec<ColumnSchema> = if q.columns.is_empty() {
            d.info.columns.clone()
        } else {
            q.columns
                .iter()
                .map(|c| d.column(c).cloned().ok_or_else(|| unknown(c)))
                .collect::<Result<_>>()?
        };
        let cols = schema.iter().map(|c| (c.name.clone(), c.kind)).collect();
        let filters = q
            .filters
            .iter()
            .map(|f| {
                let col = d.column(&f.column).ok_or_else(|| unknown(&f.column))?;
                bind_filter(f, col.kind, self.tz)
            })
            .collect::<Result<_>>()?;
        let range = match &q.range {
            Some(r) => Some(r.resolve((self.clock)(), self.tz)?.current),
            None => None,
        };
        let order = match &q.order_by {
            Some(c) => Some((
                c.as_str(),
                d.column(c).ok_or_else(|| unknown(c))?.kind,
                q.descending,
            )),
            None => None,
        };
        let limit = q.limit.or(default_limit);
        Ok(RowsParts {
            cols,
            schema,
            filters,
            range,
            order,
            limit,
        })
    }

    /// A page of rows of `dataset`.
    pub async fn rows(&self, dataset: &str, q: &RowsQuery) -> Result<RowsData> {
        let (d, s) = self.dataset(dataset)?;
        if q.limit.is_some_and(|l| l == 0 || l > MAX_PAGE_ROWS) {
            return Err(DataError::BadParameter(format!(
                "limit must be 1..={MAX_PAGE_ROWS}"
            )));
        }
        let RowsParts {
            cols,
            schema,
            filters,
            range,
            order,
            limit,
        } = self.rows_plan(d, q, Some(100))?;
        let load = async {
            let t = Self::target(d, s);
            let plan = RowsPlan {
                columns: &cols,
                range: range.as_ref(),
                filters: &filters,
                order,
                limit,
                offset: q.offset,
            };
            // The page and the total are independent: ask both at once.
            let (data, total) = tokio::try_join!(
                s.query(compile::rows(t, &plan)),
                s.query(compile::count(t, range.as_ref(), &filters)),
            )?;
            let kinds: Vec<ColumnKind> = cols.iter().map(|(_, k)| *k).collect();
            let mut batch = BatchBuilder::new(&kinds);
            for row in data {
                batch.push(row);
            }
            Ok(RowsData {
                label: d.info.label.clone(),
                schema: schema.clone(),
                rows: batch.finish(),
                total_rows: total
                    .first()
                    .and_then(|r| r.first())
                    .and_then(Cell::as_i64)
                    .map(|n| n.max(0) as u64),
                offset: q.offset,
            })
        };
        if limit.is_some_and(|l| l <= MAX_CACHED_PAGE_ROWS) {
            let key = format!("{dataset}|{q:?}");
            self.rows.get_or_load(key, d.ttl, load).await
        } else {
            load.await
        }
    }

    /// Rows of `dataset` as a stream of batches of `batch_size` rows, for
    /// exports: nothing collects all rows.
    pub async fn stream_rows(
        &self,
        dataset: &str,
        q: &RowsQuery,
        batch_size: usize,
    ) -> Result<(Vec<ColumnSchema>, BatchStream)> {
        let (d, s) = self.dataset(dataset)?;
        if !(1..=100_000).contains(&batch_size) {
            return Err(DataError::BadParameter(
                "batch size must be 1..=100000".into(),
            ));
        }
        let RowsParts {
            cols,
            schema,
            filters,
            range,
            order,
            limit,
        } = self.rows_plan(d, q, None)?;
        let plan = RowsPlan {
            columns: &cols,
            range: range.as_ref(),
            filters: &filters,
            order,
            limit,
            offset: q.offset,
        };
        let stream = s
            .stream(compile::rows(Self::target(d, s), &plan), batch_size)
            .await?;
        Ok((schema, stream))
    }
}

/// Categories of `m` by `by`, before any group is added.
fn no_categories(m: &Metric, by: &str) -> CategoriesData {
    CategoriesData {
        label: m.info.label.clone(),
        dimension: by.to_string(),
        format: m.info.format.clone(),
        ..CategoriesData::default()
    }
}

/// Categories from the single-pass query: key, value, and 1 on the
/// trailing "other" row.
fn ranked_categories(m: &Metric, by: &str, rows: Vec<Vec<Cell>>) -> CategoriesData {
    let mut out = no_categories(m, by);
    for row in rows {
        let mut row = row.into_iter();
        let key = row.next().and_then(Cell::into_text);
        let value = row.next().and_then(|c| c.as_f64()).unwrap_or(0.0);
        let other = row.next().and_then(|c| c.as_i64()) == Some(1);
        out.labels.push(match (other, key) {
            (true, _) => "other".into(),
            (false, Some(k)) => k,
            (false, None) => "(none)".into(),
        });
        out.values.push(value);
    }
    out
}

/// A rows request checked against its dataset.
struct RowsParts<'a> {
    cols: Vec<(String, ColumnKind)>,
    schema: Vec<ColumnSchema>,
    filters: Vec<compile::BoundFilter>,
    range: Option<TimeRange>,
    order: Option<(&'a str, ColumnKind, bool)>,
    limit: Option<u64>,
}

/// The previous series re-stamped onto the current bucket starts, index
/// by index; missing buckets are 0 for counts, null otherwise.
fn align(current: &Series, previous: &Series, count: bool) -> Series {
    let n = current.timestamps.len();
    let mut out = Series {
        timestamps: current.timestamps.clone(),
        values: Vec::with_capacity(n),
        nulls: Vec::new(),
    };
    let mut nulls = Vec::with_capacity(n);
    for i in 0..n {
        let v = previous
            .values
            .get(i)
            .copied()
            .filter(|_| !previous.nulls.get(i).copied().unwrap_or(false));
        let v = v.or(if count && i >= previous.values.len() {
            Some(0.0)
        } else {
            None
        });
        out.values.push(v.unwrap_or(0.0));
        nulls.push(v.is_none());
    }
    if nulls.iter().any(|n| *n) {
        out.nulls = nulls;
    }
    out
}

/// User input echoed in errors is cut short.
fn short(s: &str) -> String {
    s.chars().take(64).collect()
}
