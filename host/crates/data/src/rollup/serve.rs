//! Answering a scan from a rollup, as a [`DataEngine`] method: the
//! buckets for whole grains below the watermark ([`super::cover`]), small
//! raw scans for the rest.

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
    /// The groups of a scan from the coarsest rollup that answers it
    /// exactly, with raw SQL for what its buckets do not cover, and the
    /// rollup's name; `None` when no rollup fits, none is built, or
    /// reading it failed (then raw SQL answers all).
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
        let (rollup, store) =
            self.rollups
                .fitting(index, metrics, spec.bucket, &offsets, s.dialect().name())?;
        let mut periods = vec![(0, r.current.clone())];
        if spec.previous {
            periods.push((1, r.previous.clone()));
        }
        let job = {
            let (store, chosen) = (Arc::clone(store), rollup.clone());
            let plans: Vec<MetricPlan> = metrics.iter().map(|m| (*m).clone()).collect();
            let grouped = spec.bucket.is_some();
            let offsets = offsets.clone();
            move || super::cover(&store, &chosen, &plans, grouped, &periods, &offsets)
        };
        let started = std::time::Instant::now();
        let covered = match super::blocking(job).await {
            Ok(Some(covered)) => covered,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(rollup = %rollup.name, error = %e,
                    "reading the rollup failed; answering from raw SQL");
                return None;
            }
        };
        let read_ms = started.elapsed().as_millis() as u64;
        let mut groups = covered.groups;
        for (tag, piece) in &covered.raw {
            let edge = ScanSpec {
                previous: false,
                exact: false,
                ..spec.clone()
            };
            match self
                .raw_groups(index, d, s, piece, None, &edge, metrics)
                .await
            {
                Ok(more) => groups.extend(more.into_iter().map(|g| Group { tag: *tag, ..g })),
                Err(e) => {
                    tracing::warn!(rollup = %rollup.name, error = %e,
                        "reading a range edge failed; answering from raw SQL");
                    return None;
                }
            }
        }
        tracing::debug!(dataset = %d.info.name, path = "rollup", rollup = %rollup.name,
            raw_pieces = covered.raw.len(), read_ms,
            raw_ms = started.elapsed().as_millis() as u64 - read_ms, "scan answered");
        Some((groups, rollup.name.clone()))
    }
}
