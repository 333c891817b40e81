//! [`DataEngine`]: the one entry point the web layer, exports and alerts
//! use to read data. It resolves names and ranges, compiles, caches, and
//! runs the query on the right source.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::{DataConfig, Filter};
use wasmdash_frame::{
    CategoriesData, ColumnKind, ColumnSchema, RowsData, ScalarData, SeriesData, TimeRange,
};

use super::access;
use super::admission::{current_class, in_class};
use super::batch::{BatchBuilder, BatchStream, Cell};
use super::buckets::{self, BucketSpec};
use super::cache::{Cache, Claim};
use super::catalog::{Catalog, ConfigItem, Dataset, DatasetInfo, Metric, MetricInfo, bind_filter};
use super::compile::{self, MetricPlan, RowsPlan, Target};
use super::error::{DataError, Result};
use super::fold::{self, Group, Keys};
use super::load::{self, Answer, Ask, DataRequest, Need, ScanSpec, Scanned};
use super::rollup::{AnsweredBy, Rollups};
use super::scan::{self, Grain, TimeScan};
use super::slices::SlicedScan;
use super::source::Source;
use super::timerange::{RangeSpec, ResolvedRange};

/// A clock, injectable so tests are deterministic.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Rows a page may hold at most.
pub const MAX_PAGE_ROWS: u64 = 10_000;
/// Pages of at most this many rows are cached (with the dataset's TTL);
/// bigger pages are read fresh so the cache stays small.
pub(crate) const MAX_CACHED_PAGE_ROWS: u64 = 500;
/// Groups a categories query may return at most.
pub const MAX_TOP: u32 = 100;
/// Most filters one rows query or export may carry.
pub const MAX_FILTERS: usize = 32;
/// Most columns one rows query or export may ask for.
pub const MAX_COLUMNS: usize = 256;
/// Most values all `in` filters of one query may list together.
pub const MAX_IN_VALUES: usize = 1_000;

/// Refuse rows queries whose SQL would grow past what every database
/// accepts (expression depth, host parameters, result columns): a clear
/// 4xx instead of a database error.
fn check_rows_limits(q: &RowsQuery) -> Result<()> {
    if q.filters.len() > MAX_FILTERS {
        return Err(DataError::BadFilter(format!(
            "{} filters given; at most {MAX_FILTERS} are allowed",
            q.filters.len()
        )));
    }
    if q.columns.len() > MAX_COLUMNS {
        return Err(DataError::BadParameter(format!(
            "{} columns asked for; at most {MAX_COLUMNS} are allowed",
            q.columns.len()
        )));
    }
    let listed: usize = q
        .filters
        .iter()
        .map(|f| match &f.value {
            Some(crate::config::Literal::List(values)) => values.len(),
            _ => 1,
        })
        .sum();
    if listed > MAX_IN_VALUES {
        return Err(DataError::BadFilter(format!(
            "the filters list {listed} values; at most {MAX_IN_VALUES} are allowed"
        )));
    }
    Ok(())
}

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
    pub(crate) catalog: Catalog,
    pub(crate) sources: Vec<Source>,
    tz: Tz,
    pub(crate) clock: Clock,
    /// `[[rollup]]` tables and, once opened, their file.
    pub(crate) rollups: Rollups,
    scalars: Arc<Cache<String, (ScalarData, AnsweredBy)>>,
    series: Arc<Cache<String, (SeriesData, AnsweredBy)>>,
    categories: Arc<Cache<String, (CategoriesData, AnsweredBy)>>,
    rows: Arc<Cache<String, RowsData>>,
    /// First and last instant of each dataset's time column (SQLite).
    spans: Arc<Cache<usize, Option<(i64, i64)>>>,
    /// Whether each dataset's table stores its rows in time order (SQLite,
    /// see `slices`).
    pub(crate) in_time_order: Arc<Cache<usize, bool>>,
    /// Scans answered through slices since start.
    pub(crate) sliced_scans: std::sync::atomic::AtomicU64,
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
            rollups: Rollups::default(),
            scalars: Arc::new(Cache::named("scalar")),
            series: Arc::new(Cache::named("series")),
            categories: Arc::new(Cache::named("categories")),
            rows: Arc::new(Cache::named("rows")),
            spans: Arc::new(Cache::named("spans")),
            in_time_order: Arc::new(Cache::named("time_order")),
            sliced_scans: std::sync::atomic::AtomicU64::new(0),
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
        let mut catalog = Catalog::build(&config, &sources).await?;
        let rollups = Rollups::new(std::mem::take(&mut catalog.rollups));
        Ok(Self {
            catalog,
            rollups,
            sources,
            tz: config.timezone,
            ..Self::default()
        })
    }

    /// Connect every source and check every dataset and metric against
    /// the real schema like [`DataEngine::connect`], but go on past the
    /// first problem and return them all (for `wasmdash config check`):
    /// at most one per source, dataset or metric.
    pub async fn check<'a>(config: impl Into<DataConfig<'a>>) -> Vec<(ConfigItem, DataError)> {
        let config = config.into();
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        for s in config.sources {
            match Source::connect(&config, s).await {
                Ok(source) => sources.push(source),
                Err(e) => problems.push((ConfigItem::Source(s.name.get_ref().clone()), e)),
            }
        }
        problems.extend(Catalog::problems(&config, &sources).await);
        problems
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

    /// Scans SQLite answered slice by slice through the time index, with
    /// no sort (see the `slices` module), since start: tests read it to
    /// show which path a question took.
    pub fn sliced_scans_run(&self) -> u64 {
        self.sliced_scans.load(std::sync::atomic::Ordering::Relaxed)
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

    pub(crate) fn target<'a>(d: &'a Dataset, s: &'a Source) -> Target<'a> {
        Target {
            dialect: s.dialect(),
            from: &d.from,
            time_column: &d.info.time_column,
            full_scan: false,
        }
    }

    /// The target of an aggregate over `range` of dataset `index`: on
    /// SQLite it reads the whole table when the range covers most of the
    /// time column's span and the query needs more than the time column
    /// (see [`access`]).
    async fn target_over<'a>(
        &self,
        index: usize,
        d: &'a Dataset,
        s: &'a Source,
        range: &TimeRange,
        other_columns: bool,
    ) -> Target<'a> {
        let mut t = Self::target(d, s);
        if other_columns
            && s.is_sqlite()
            && let Some(span) = self.span(index, d, s).await
        {
            t.full_scan = access::covers_most(span, range);
        }
        t
    }

    /// First and last instant of dataset `index`'s time column, read at
    /// most once a minute; `None` for an empty table or when it cannot be
    /// read (then the planner decides alone).
    pub(crate) async fn span(&self, index: usize, d: &Dataset, s: &Source) -> Option<(i64, i64)> {
        let load = async {
            Ok(
                match s.query(compile::time_span(Self::target(d, s))).await {
                    Ok(rows) => rows
                        .first()
                        .and_then(|r| Some((r.first()?.as_i64()?, r.get(1)?.as_i64()?))),
                    Err(e) => {
                        tracing::warn!(dataset = %d.info.name, error = %e, "reading the time span failed");
                        None
                    }
                },
            )
        };
        self.spans
            .get_or_load(index, access::SPAN_TTL, load)
            .await
            .ok()
            .flatten()
    }

    /// The metric over `range` and over the previous period; with
    /// `sparkline`, also an `auto`-bucketed series of the range.
    pub async fn scalar(
        &self,
        metric: &str,
        range: &RangeSpec,
        sparkline: bool,
    ) -> Result<ScalarData> {
        Ok(self.scalar_traced(metric, range, sparkline).await?.0)
    }

    /// [`DataEngine::scalar`], and which path answered it (for a cached
    /// value: the path that loaded it).
    pub async fn scalar_traced(
        &self,
        metric: &str,
        range: &RangeSpec,
        sparkline: bool,
    ) -> Result<(ScalarData, AnsweredBy)> {
        let req = DataRequest::Scalar {
            metric: metric.to_string(),
            sparkline,
        };
        let (ask, dataset, r, key) = self.ask(&req, range)?;
        self.scalars
            .get_or_load(key, ask.metric.ttl, async {
                match self.run_asks(dataset, &r, &[ask]).await?.pop() {
                    Some((Answer::Scalar(s), by)) => Ok((s, by)),
                    _ => Err(DataError::db("no scan answered the scalar")),
                }
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
        Ok(self
            .series_traced(metric, range, bucket, compare_previous)
            .await?
            .0)
    }

    /// [`DataEngine::series`], and which path answered it (for a cached
    /// series: the path that loaded it).
    pub async fn series_traced(
        &self,
        metric: &str,
        range: &RangeSpec,
        bucket: BucketSpec,
        compare_previous: bool,
    ) -> Result<(SeriesData, AnsweredBy)> {
        let req = DataRequest::Series {
            metric: metric.to_string(),
            bucket,
            compare_previous,
        };
        let (ask, dataset, r, key) = self.ask(&req, range)?;
        self.series
            .get_or_load(key, ask.metric.ttl, async {
                match self.run_asks(dataset, &r, &[ask]).await?.pop() {
                    Some((Answer::Series(s), by)) => Ok((s, by)),
                    _ => Err(DataError::db("no scan answered the series")),
                }
            })
            .await
    }

    /// Several metrics' series over one range, from one scan per dataset.
    pub async fn series_many(
        &self,
        metrics: &[String],
        range: &RangeSpec,
        bucket: BucketSpec,
        compare_previous: bool,
    ) -> Result<Vec<(SeriesData, AnsweredBy)>> {
        let requests: Vec<DataRequest> = metrics
            .iter()
            .map(|m| DataRequest::Series {
                metric: m.clone(),
                bucket,
                compare_previous,
            })
            .collect();
        self.load_together(&requests, range).await;
        let mut out = Vec::with_capacity(metrics.len());
        for m in metrics {
            out.push(
                self.series_traced(m, range, bucket, compare_previous)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Load `requests` over `range` together (shared scans per dataset)
    /// into the cache, and return once they are there; the single calls
    /// that follow find them. Errors stay with the single calls.
    pub async fn load_together(&self, requests: &[DataRequest], range: &RangeSpec) {
        if let Some((r, claims)) = self.claim(requests, range) {
            self.fill(&r, claims).await;
        }
    }

    /// Start loading `requests` over `range` together, in the background:
    /// the scalars and series of each dataset come from shared scans
    /// (see [`DataRequest`]) and land in the cache, where the single
    /// calls that follow (one per widget, say) find them — or wait for
    /// them while they load. Requests already cached or loading are left
    /// alone; bad requests are left for their own call to report.
    pub fn prefetch(self: &Arc<Self>, requests: &[DataRequest], range: &RangeSpec) {
        let Some((r, claims)) = self.claim(requests, range) else {
            return;
        };
        let this = Arc::clone(self);
        // The loads keep the class of whoever asked (an alert pass's are
        // background work).
        let class = current_class();
        tokio::spawn(in_class(class, async move { this.fill(&r, claims).await }));
    }

    /// Resolve a request: its metric, what it needs, its dataset, the
    /// range and its cache key.
    fn ask(
        &self,
        req: &DataRequest,
        range: &RangeSpec,
    ) -> Result<(Ask<'_>, usize, ResolvedRange, String)> {
        let (index, m) = self
            .catalog
            .metrics
            .iter()
            .enumerate()
            .find(|(_, m)| m.info.name == req.metric())
            .ok_or_else(|| DataError::UnknownMetric(short(req.metric())))?;
        let r = range.resolve((self.clock)(), self.tz)?;
        let (need, key) = match req {
            DataRequest::Scalar { metric, sparkline } => (
                Need::Scalar {
                    sparkline: match sparkline {
                        true => Some(BucketSpec::Auto.resolve(&r.current)?),
                        false => None,
                    },
                },
                format!("{metric}|{range}|{sparkline}"),
            ),
            DataRequest::Series {
                metric,
                bucket,
                compare_previous,
            } => {
                let b = bucket.resolve(&r.current)?;
                (
                    Need::Series {
                        bucket: b,
                        previous: *compare_previous,
                    },
                    format!("{metric}|{range}|{}|{compare_previous}", b.name()),
                )
            }
        };
        let ask = Ask {
            index,
            metric: m,
            need,
        };
        Ok((ask, m.dataset, r, key))
    }

    /// Claim the cache keys of `requests` nobody has or loads yet.
    fn claim(
        &self,
        requests: &[DataRequest],
        range: &RangeSpec,
    ) -> Option<(ResolvedRange, Vec<(DataRequest, Claimed)>)> {
        let mut resolved = None;
        let mut claims = Vec::new();
        for req in requests {
            let Ok((ask, _, r, key)) = self.ask(req, range) else {
                continue;
            };
            let ttl = ask.metric.ttl;
            let claim = match req {
                DataRequest::Scalar { .. } => self
                    .scalars
                    .claim(vec![(key, ttl)])
                    .pop()
                    .map(Claimed::Scalar),
                DataRequest::Series { .. } => self
                    .series
                    .claim(vec![(key, ttl)])
                    .pop()
                    .map(Claimed::Series),
            };
            if let Some(c) = claim {
                claims.push((req.clone(), c));
                resolved.get_or_insert(r);
            }
        }
        Some((resolved?, claims))
    }

    /// Answer claimed requests, a merged load per dataset, and fill their
    /// claims.
    async fn fill(&self, r: &ResolvedRange, claims: Vec<(DataRequest, Claimed)>) {
        let mut by_dataset: Vec<(usize, Vec<Ask<'_>>, Vec<Claimed>)> = Vec::new();
        for (req, claim) in claims {
            let Some((index, m)) = self
                .catalog
                .metrics
                .iter()
                .enumerate()
                .find(|(_, m)| m.info.name == req.metric())
            else {
                continue;
            };
            let need = match &req {
                DataRequest::Scalar { sparkline, .. } => {
                    match sparkline
                        .then(|| BucketSpec::Auto.resolve(&r.current))
                        .transpose()
                    {
                        Ok(sparkline) => Need::Scalar { sparkline },
                        Err(e) => {
                            claim.fill_with(Err(e));
                            continue;
                        }
                    }
                }
                DataRequest::Series {
                    bucket,
                    compare_previous,
                    ..
                } => match bucket.resolve(&r.current) {
                    Ok(bucket) => Need::Series {
                        bucket,
                        previous: *compare_previous,
                    },
                    Err(e) => {
                        claim.fill_with(Err(e));
                        continue;
                    }
                },
            };
            let ask = Ask {
                index,
                metric: m,
                need,
            };
            match by_dataset.iter_mut().find(|(d, _, _)| *d == m.dataset) {
                Some((_, asks, claims)) => {
                    asks.push(ask);
                    claims.push(claim);
                }
                None => by_dataset.push((m.dataset, vec![ask], vec![claim])),
            }
        }
        let loads = by_dataset
            .into_iter()
            .map(|(dataset, asks, claims)| async move {
                match self.run_asks(dataset, r, &asks).await {
                    Ok(answers) => {
                        for (claim, answer) in claims.into_iter().zip(answers) {
                            claim.fill_with(Ok(answer));
                        }
                    }
                    Err(e) => {
                        for claim in claims {
                            claim.fill_with(Err(e.clone()));
                        }
                    }
                }
            });
        futures::future::join_all(loads).await;
    }

    /// Run the scans answering `asks` (all of `dataset`), then build each
    /// answer from them, in order, with the path of the scan holding it.
    async fn run_asks(
        &self,
        dataset: usize,
        r: &ResolvedRange,
        asks: &[Ask<'_>],
    ) -> Result<Vec<(Answer, AnsweredBy)>> {
        let d = &self.catalog.datasets[dataset];
        let s = &self.sources[d.source];
        let scans = load::plan(asks)
            .into_iter()
            .map(|spec| self.run_scan(dataset, d, s, r, spec));
        let scans = futures::future::try_join_all(scans).await?;
        asks.iter()
            .map(|a| {
                let by = scans
                    .iter()
                    .find(|s| s.spec.metrics.contains(&a.index))
                    .map_or(AnsweredBy::Sql, |s| s.by.clone());
                load::answer(&scans, &self.catalog.metrics, a, r, self.tz)
                    .map(|answer| (answer, by))
                    .ok_or_else(|| DataError::db("no scan answered the request"))
            })
            .collect()
    }

    async fn run_scan(
        &self,
        index: usize,
        d: &Dataset,
        s: &Source,
        r: &ResolvedRange,
        spec: ScanSpec,
    ) -> Result<Scanned> {
        let metrics: Vec<&MetricPlan> = spec
            .metrics
            .iter()
            .map(|&i| &self.catalog.metrics[i].plan)
            .collect();
        if !spec.exact
            && let Some((groups, name)) = self.scan_rollup(index, d, s, r, &spec, &metrics).await
        {
            return Ok(Scanned {
                spec,
                groups,
                by: AnsweredBy::Rollup(name),
            });
        }
        let previous = spec.previous.then_some(&r.previous);
        let groups = self
            .raw_groups(index, d, s, &r.current, previous, &spec, &metrics)
            .await?;
        tracing::debug!(dataset = %d.info.name, path = "sql", "scan answered");
        Ok(Scanned {
            spec,
            groups,
            by: AnsweredBy::Sql,
        })
    }

    /// The groups of a scan of `current` (and `previous`) in the source.
    #[expect(
        clippy::too_many_arguments,
        reason = "a helper of run_scan and of rollup reads"
    )]
    pub(crate) async fn raw_groups(
        &self,
        index: usize,
        d: &Dataset,
        s: &Source,
        current: &TimeRange,
        previous: Option<&TimeRange>,
        spec: &ScanSpec,
        metrics: &[&MetricPlan],
    ) -> Result<Vec<Group>> {
        let span = TimeRange {
            start_ms: previous.map_or(current.start_ms, |p| p.start_ms.min(current.start_ms)),
            end_ms: current.end_ms,
            label: String::new(),
        };
        let offsets = buckets::offsets(self.tz, &span);
        let other_columns = metrics
            .iter()
            .any(|m| m.column.is_some() || !m.filters.is_empty() || !m.ratio.is_empty());
        let sliced = SlicedScan {
            current,
            previous,
            span: &span,
            offsets: &offsets,
            bucket: spec.bucket,
            exact: spec.exact,
            other_columns,
        };
        if let Some(groups) = self.sliced_groups(index, d, s, &sliced, metrics).await? {
            return Ok(groups);
        }
        let grain = load::grain(s.dialect(), spec.bucket, &offsets, spec.exact);
        let target = self.target_over(index, d, s, &span, other_columns).await;
        let q = scan::time_scan(&TimeScan {
            target,
            current,
            previous,
            grain,
            offsets: &offsets,
            metrics,
        });
        let rows = s.query(q).await?;
        let keys = match grain {
            Grain::Utc(_) => Keys::Utc(&offsets),
            _ => Keys::Local,
        };
        Ok(fold::groups(rows, grain.bucket().is_some(), keys))
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
        Ok(self.categories_traced(metric, range, by, top).await?.0)
    }

    /// [`DataEngine::categories`], and which path answered it (for a
    /// cached answer: the path that loaded it).
    pub async fn categories_traced(
        &self,
        metric: &str,
        range: &RangeSpec,
        by: &str,
        top: u32,
    ) -> Result<(CategoriesData, AnsweredBy)> {
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
                if let Some((found, name)) = self
                    .categories_from_rollup(m, d, s, &r.current, by, top)
                    .await
                {
                    return Ok((found, AnsweredBy::Rollup(name)));
                }
                let t = self.target_over(m.dataset, d, s, &r.current, true).await;
                if let Some(q) = compile::categories_ranked(t, &m.plan, &r.current, by, top) {
                    let found = ranked_categories(m, by, s.query(q).await?);
                    return Ok((found, AnsweredBy::Sql));
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
                Ok((out, AnsweredBy::Sql))
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
        check_rows_limits(q)?;
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

/// A claimed cache key of a merged load, by kind of result.
enum Claimed {
    Scalar(Claim<String, (ScalarData, AnsweredBy)>),
    Series(Claim<String, (SeriesData, AnsweredBy)>),
}

impl Claimed {
    /// Fill with `answer` (an answer of the other kind is a bug, reported
    /// as an error rather than a panic).
    fn fill_with(self, answer: Result<(Answer, AnsweredBy)>) {
        let wrong = || DataError::db("a merged load answered with the wrong shape");
        match (self, answer) {
            (Self::Scalar(c), Ok((Answer::Scalar(v), by))) => c.fill(Ok((v, by))),
            (Self::Series(c), Ok((Answer::Series(v), by))) => c.fill(Ok((v, by))),
            (Self::Scalar(c), Err(e)) => c.fill(Err(e)),
            (Self::Series(c), Err(e)) => c.fill(Err(e)),
            (Self::Scalar(c), Ok(_)) => c.fill(Err(wrong())),
            (Self::Series(c), Ok(_)) => c.fill(Err(wrong())),
        }
    }
}

/// User input echoed in errors is cut short.
fn short(s: &str) -> String {
    s.chars().take(64).collect()
}
