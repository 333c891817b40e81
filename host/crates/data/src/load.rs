//! Merged loads: the scalars and series asked together over one range
//! (a dashboard, an alert tick, a multi-metric series request) answered
//! by as few scans of each dataset as possible.
//!
//! Every metric that folds (all but `count_distinct`) shares one scan per
//! dataset, grouped at the finest bucket any request needs and covering
//! the previous period when any request compares with it; totals and
//! coarser buckets are folded from it in Rust ([`super::fold`]).
//! `count_distinct` metrics get scans grouped at exactly the bucket they
//! are shown in (or not at all for a total).

use crate::config::Aggregate;
use wasmdash_frame::{ScalarData, SeriesData, TimeRange};

use super::buckets::{self, BucketSpec};
use super::catalog::Metric;
use super::dialect::{Bucket, Dialect};
use super::fold::{Column, Group};
use super::partial;
use super::scan::{self, Grain};
use super::timerange::ResolvedRange;

/// A scalar or a series a caller needs. Several asked together over one
/// range with [`super::DataEngine::prefetch`] are answered by shared
/// scans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataRequest {
    /// A metric's value and previous value (and sparkline), as
    /// [`super::DataEngine::scalar`] returns it.
    Scalar {
        /// Metric name.
        metric: String,
        /// Also the `auto` series of the range.
        sparkline: bool,
    },
    /// A metric's series, as [`super::DataEngine::series`] returns it.
    Series {
        /// Metric name.
        metric: String,
        /// Bucket.
        bucket: BucketSpec,
        /// Also the previous period.
        compare_previous: bool,
    },
}

impl DataRequest {
    /// The metric asked for.
    pub fn metric(&self) -> &str {
        match self {
            Self::Scalar { metric, .. } | Self::Series { metric, .. } => metric,
        }
    }
}

/// What one request needs from scans, buckets resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Totals of both periods, and a series of the current one.
    Scalar { sparkline: Option<Bucket> },
    /// A series of the current period, and of the previous one.
    Series { bucket: Bucket, previous: bool },
}

/// A request resolved against the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask<'a> {
    /// Index of the metric in the catalog.
    pub(crate) index: usize,
    pub(crate) metric: &'a Metric,
    pub(crate) need: Need,
}

impl Ask<'_> {
    fn distinct(&self) -> bool {
        self.metric.plan.aggregate == Aggregate::CountDistinct
    }
}

/// One scan to run: which metrics, grouped how, over which periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanSpec {
    /// The bucket to group by (`None`: totals only).
    pub(crate) bucket: Option<Bucket>,
    /// Groups must be exactly `bucket` (no folding in Rust).
    pub(crate) exact: bool,
    /// Also scan the previous period.
    pub(crate) previous: bool,
    /// Catalog indices of the metrics, in column order.
    pub(crate) metrics: Vec<usize>,
}

impl ScanSpec {
    fn add(&mut self, index: usize, previous: bool) {
        if !self.metrics.contains(&index) {
            self.metrics.push(index);
        }
        self.previous |= previous;
    }
}

/// The finest bucket every bucket of `buckets` is a whole number of.
fn finest(buckets: &[Bucket]) -> Option<Bucket> {
    let min = buckets.iter().copied().min_by_key(|b| b.approx_secs())?;
    // Weeks do not nest in months; days nest in both.
    if min == Bucket::Week && buckets.contains(&Bucket::Month) {
        Some(Bucket::Day)
    } else {
        Some(min)
    }
}

/// The scans answering `asks` (all of one dataset).
pub(crate) fn plan(asks: &[Ask<'_>]) -> Vec<ScanSpec> {
    let mut scans: Vec<ScanSpec> = Vec::new();
    let folded: Vec<&Ask<'_>> = asks.iter().filter(|a| !a.distinct()).collect();
    if !folded.is_empty() {
        let buckets: Vec<Bucket> = folded
            .iter()
            .filter_map(|a| match a.need {
                Need::Scalar { sparkline } => sparkline,
                Need::Series { bucket, .. } => Some(bucket),
            })
            .collect();
        let mut spec = ScanSpec {
            bucket: finest(&buckets),
            exact: false,
            previous: false,
            metrics: Vec::new(),
        };
        for a in &folded {
            let previous = match a.need {
                Need::Scalar { .. } => true,
                Need::Series { previous, .. } => previous,
            };
            spec.add(a.index, previous);
        }
        scans.push(spec);
    }
    let mut exact = |bucket: Option<Bucket>, index: usize, previous: bool| {
        let at = scans
            .iter()
            .position(|s| s.exact && s.bucket == bucket)
            .unwrap_or_else(|| {
                scans.push(ScanSpec {
                    bucket,
                    exact: true,
                    previous: false,
                    metrics: Vec::new(),
                });
                scans.len() - 1
            });
        scans[at].add(index, previous);
    };
    for a in asks.iter().filter(|a| a.distinct()) {
        match a.need {
            Need::Scalar { sparkline } => {
                exact(None, a.index, true);
                if let Some(b) = sparkline {
                    exact(Some(b), a.index, false);
                }
            }
            Need::Series { bucket, previous } => exact(Some(bucket), a.index, previous),
        }
    }
    scans
}

/// How `dialect` groups rows into `bucket` over a range whose zone
/// offsets are `offsets`: natively when it can; for foldable metrics by a
/// UTC grain the bucket nests in when the offsets allow; else per row.
pub(crate) fn grain(
    dialect: &dyn Dialect,
    bucket: Option<Bucket>,
    offsets: &[(i64, i64)],
    exact: bool,
) -> Grain {
    let Some(bucket) = bucket else {
        return Grain::Total;
    };
    let shifted = !matches!(offsets, [] | [(_, 0)]);
    if dialect
        .native_bucket("t", shifted.then_some("0"), bucket)
        .is_some()
    {
        return Grain::Native(bucket);
    }
    if !exact {
        // Minutes only for minute buckets: finer groups than the buckets
        // cost more than the per-row arithmetic they save.
        for g in [Bucket::Day, Bucket::Hour, Bucket::Minute] {
            let secs = g.approx_secs();
            let nests = secs <= bucket.approx_secs() && (g != Bucket::Minute || bucket == g);
            let aligned = offsets.iter().all(|(_, o)| o % secs == 0)
                && offsets.iter().skip(1).all(|(at, _)| at % secs == 0);
            if nests && aligned && dialect.native_bucket("t", None, g).is_some() {
                return Grain::Utc(g);
            }
        }
    }
    Grain::Arithmetic(bucket)
}

/// A scan that ran: its spec and its groups.
#[derive(Debug)]
pub(crate) struct Scanned {
    pub(crate) spec: ScanSpec,
    pub(crate) groups: Vec<Group>,
    /// The path that answered it.
    pub(crate) by: super::rollup::AnsweredBy,
}

impl Scanned {
    /// Where metric `index` sits in this scan, if it does.
    fn column(&self, metrics: &[Metric], index: usize) -> Option<Column> {
        let mut first = 0;
        for &i in &self.spec.metrics {
            let plan = &metrics[i].plan;
            let width = if plan.aggregate == Aggregate::CountDistinct {
                1
            } else {
                scan::value_width(plan)
            };
            if i == index {
                return Some(Column {
                    aggregate: plan.aggregate,
                    first,
                    width,
                });
            }
            first += width;
        }
        None
    }
}

/// The scan holding `ask`'s metric grouped as `bucket` needs, and where.
fn find<'s>(
    scans: &'s [Scanned],
    metrics: &[Metric],
    ask: &Ask<'_>,
    bucket: Option<Bucket>,
) -> Option<(&'s Scanned, Column)> {
    scans
        .iter()
        .filter(|s| !ask.distinct() || (s.spec.exact && s.spec.bucket == bucket))
        .find_map(|s| s.column(metrics, ask.index).map(|c| (s, c)))
}

/// An answer to one request.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// For a scalar request.
    Scalar(ScalarData),
    /// For a series request.
    Series(SeriesData),
}

/// Build the answer to `ask` from the scans that ran.
pub(crate) fn answer(
    scans: &[Scanned],
    metrics: &[Metric],
    ask: &Ask<'_>,
    r: &ResolvedRange,
    tz: chrono_tz::Tz,
) -> Option<Answer> {
    let m = ask.metric;
    let series = |range: &TimeRange, tag: i64, bucket: Bucket| {
        let (s, c) = find(scans, metrics, ask, Some(bucket))?;
        Some(c.series(&s.groups, tag, tz, range, bucket))
    };
    Some(match ask.need {
        Need::Scalar { sparkline } => {
            let (s, c) = find(scans, metrics, ask, None)?;
            let (sparkline, sparkline_partial) = match sparkline {
                Some(b) => {
                    let points = series(&r.current, 0, b)?;
                    let partial = partial::partial_buckets(tz, r, b, &points, false);
                    (Some(points), partial.current)
                }
                None => (None, Vec::new()),
            };
            Answer::Scalar(ScalarData {
                label: m.info.label.clone(),
                value: c.total(&s.groups, 0),
                previous: c.total(&s.groups, 1),
                format: m.info.format.clone(),
                sparkline,
                sparkline_partial,
            })
        }
        Need::Series { bucket, previous } => {
            let points = series(&r.current, 0, bucket)?;
            let previous = if previous {
                let prev = series(&r.previous, 1, bucket)?;
                Some(buckets::align(&points, &prev, m.plan.aggregate.is_count()))
            } else {
                None
            };
            Answer::Series(SeriesData {
                label: m.info.label.clone(),
                bucket: bucket.name().to_string(),
                partial: partial::partial_buckets(tz, r, bucket, &points, previous.is_some()),
                points,
                previous,
                format: m.info.format.clone(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{MysqlDialect, PostgresDialect, SqliteDialect};

    #[test]
    fn weeks_and_months_share_days_and_buckets_nest() {
        assert_eq!(finest(&[Bucket::Week, Bucket::Month]), Some(Bucket::Day));
        assert_eq!(
            finest(&[Bucket::Week, Bucket::Month, Bucket::Hour]),
            Some(Bucket::Hour)
        );
        assert_eq!(finest(&[Bucket::Month]), Some(Bucket::Month));
        assert_eq!(finest(&[]), None);
    }

    #[test]
    fn grains_follow_dialect_and_zone() {
        let utc = [(0, 0)];
        let berlin = [(0, 3600), (7200, 7200)];
        let kolkata = [(0, 19_800)];
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Month), &utc, true),
            Grain::Native(Bucket::Month)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Week), &utc, false),
            Grain::Utc(Bucket::Day)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Week), &utc, true),
            Grain::Arithmetic(Bucket::Week)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Day), &berlin, false),
            Grain::Utc(Bucket::Hour)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Day), &kolkata, false),
            Grain::Arithmetic(Bucket::Day)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Minute), &kolkata, false),
            Grain::Utc(Bucket::Minute)
        );
        assert_eq!(
            grain(&SqliteDialect, Some(Bucket::Minute), &berlin, true),
            Grain::Arithmetic(Bucket::Minute)
        );
        for d in [&PostgresDialect as &dyn Dialect, &MysqlDialect] {
            assert_eq!(
                grain(d, Some(Bucket::Week), &berlin, true),
                Grain::Native(Bucket::Week)
            );
        }
        assert_eq!(grain(&PostgresDialect, None, &berlin, true), Grain::Total);
    }
}
