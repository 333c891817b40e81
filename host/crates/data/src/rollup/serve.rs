//! Answering a scan from rollups, as a [`DataEngine`] method: the
//! buckets for whole grains below the watermarks ([`super::cover`]), the
//! coarsest rollup first and finer ones for its edges, small raw scans
//! (run at once) for the rest.

use std::sync::Arc;

use wasmdash_frame::TimeRange;

use crate::buckets;
use crate::catalog::Dataset;
use crate::compile::MetricPlan;
use crate::engine::DataEngine;
use crate::fold::Group;
use crate::load::ScanSpec;
use crate::source::Source;
use crate::timerange::ResolvedRange;

impl DataEngine {
    /// The groups of a scan from the rollups that answer it exactly
    /// (coarsest first), with raw SQL for what their buckets do not
    /// cover, and the coarsest's name; `None` when no rollup fits, none
    /// is built, or reading one failed (then raw SQL answers all).
    pub(crate) async fn scan_rollup(
        &self,
        index: usize,
        d: &Dataset,
        s: &Source,
        r: &ResolvedRange,
        spec: &ScanSpec,
        metrics: &[&MetricPlan],
    ) -> Option<(Vec<Group>, String)> {
        let start = if spec.previous {
            r.previous.start_ms.min(r.current.start_ms)
        } else {
            r.current.start_ms
        };
        let span = TimeRange {
            start_ms: start,
            end_ms: r.current.end_ms,
            label: String::new(),
        };
        let offsets = buckets::offsets(self.timezone(), &span);
        let (chain, store) =
            self.rollups
                .fitting(index, metrics, spec.bucket, &offsets, s.dialect().name())?;
        let name = chain[0].name.clone();
        let mut periods = vec![(0, r.current.clone())];
        if spec.previous {
            periods.push((1, r.previous.clone()));
        }
        let job = {
            let store = Arc::clone(store);
            let chain: Vec<_> = chain.into_iter().cloned().collect();
            let plans: Vec<MetricPlan> = metrics.iter().map(|m| (*m).clone()).collect();
            let grouped = spec.bucket.is_some();
            let offsets = offsets.clone();
            move || super::cover(&store, &chain, &plans, grouped, &periods, &offsets)
        };
        let started = std::time::Instant::now();
        let covered = match super::blocking(job).await {
            Ok(Some(covered)) => covered,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(rollup = %name, error = %e,
                    "reading the rollup failed; answering from raw SQL");
                return None;
            }
        };
        let read_ms = started.elapsed().as_millis() as u64;
        let mut groups = covered.groups;
        let edge = ScanSpec {
            previous: false,
            exact: false,
            ..spec.clone()
        };
        // The pieces left (range edges, rows after a watermark) are
        // independent: read them at once.
        let pieces = covered.raw.iter().map(|(tag, piece)| {
            let edge = &edge;
            async move {
                let more = self
                    .raw_groups(index, d, s, piece, None, edge, metrics)
                    .await?;
                Ok::<_, crate::error::DataError>(
                    more.into_iter()
                        .map(|g| Group { tag: *tag, ..g })
                        .collect::<Vec<_>>(),
                )
            }
        });
        match futures::future::try_join_all(pieces).await {
            Ok(more) => groups.extend(more.into_iter().flatten()),
            Err(e) => {
                tracing::warn!(rollup = %name, error = %e,
                    "reading a range edge failed; answering from raw SQL");
                return None;
            }
        }
        tracing::debug!(dataset = %d.info.name, path = "rollup", rollup = %name,
            raw_pieces = covered.raw.len(), read_ms,
            raw_ms = started.elapsed().as_millis() as u64 - read_ms, "scan answered");
        Some((groups, name))
    }
}
