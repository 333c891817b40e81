//! Building and refreshing rollups, as [`DataEngine`] methods: they read
//! the dataset's source and write the rollup file.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;

use super::writer::BucketWriter;
use super::{RollupSpec, RollupState, RollupStatus, RollupStore, Run, blocking, build};
use crate::batch::Cell;
use crate::compile::{self, Target};
use crate::engine::DataEngine;
use crate::error::{DataError, Result};

/// Groups per streamed batch while reading a window.
const BATCH_ROWS: usize = 10_000;

impl DataEngine {
    /// Open the rollup file at `path` (created if missing) for the
    /// configured `[[rollup]]` tables; a rollup whose configuration
    /// changed starts empty. Without rollups nothing is opened. Until
    /// this is called, every query reads the sources.
    pub fn open_rollups(&mut self, path: &Path) -> Result<()> {
        if self.rollups.specs.is_empty() {
            return Ok(());
        }
        let store = RollupStore::open(path)?;
        store.prepare(&self.rollups.specs)?;
        self.rollups.store = Some(Arc::new(store));
        Ok(())
    }

    /// Whether rollups are configured and their file is open.
    pub fn has_rollups(&self) -> bool {
        self.rollups.store.is_some()
    }

    /// Keep every rollup fresh: build it now if empty, then fold in new
    /// rows every `refresh` interval. Runs until dropped (the server
    /// spawns it and aborts it at shutdown). Failures are logged and
    /// retried at the next interval; queries keep using what is built.
    pub async fn maintain_rollups(self: Arc<Self>) {
        let loops = (0..self.rollups.specs.len()).map(|i| {
            let this = Arc::clone(&self);
            async move {
                let every = this.rollups.specs[i].refresh;
                loop {
                    if let Err(e) = crate::in_background(this.refresh_one(i, false)).await {
                        tracing::warn!(rollup = %this.rollups.specs[i].name, error = %e,
                            "rollup refresh failed; queries use what is built and raw SQL");
                    }
                    tokio::time::sleep(every).await;
                }
            }
        });
        futures::future::join_all(loops).await;
    }

    /// Fold new rows into every rollup now (building empty ones).
    pub async fn refresh_rollups(&self) -> Result<Vec<RollupStatus>> {
        for i in 0..self.rollups.specs.len() {
            self.refresh_one(i, false).await?;
        }
        self.rollup_status().await
    }

    /// Rebuild the rollup named `name` (every one when `None`) from the
    /// whole history, now; queries read raw SQL for what is not rebuilt
    /// yet.
    pub async fn rebuild_rollups(&self, name: Option<&str>) -> Result<Vec<RollupStatus>> {
        let chosen: Vec<usize> = match name {
            None => (0..self.rollups.specs.len()).collect(),
            Some(n) => vec![self.rollup_index(n)?],
        };
        for i in chosen {
            self.refresh_one(i, true).await?;
        }
        self.rollup_status().await
    }

    fn rollup_index(&self, name: &str) -> Result<usize> {
        self.rollups
            .specs
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.rollups.specs.iter().map(|s| s.name.as_str()).collect();
                DataError::BadParameter(format!(
                    "there is no rollup named `{}`; configured: {}",
                    name.chars().take(64).collect::<String>(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ))
            })
    }

    /// Every rollup's status.
    pub async fn rollup_status(&self) -> Result<Vec<RollupStatus>> {
        let Some(store) = self.rollups.store.clone() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, spec) in self.rollups.specs.iter().enumerate() {
            let meta = {
                let (store, spec) = (Arc::clone(&store), spec.clone());
                blocking(move || store.meta(&spec)).await?
            };
            let run = self.rollups.last[i]
                .lock()
                .map(|r| r.clone())
                .unwrap_or_default();
            let state = match (&run, meta.watermark) {
                (Run { running: true, .. }, _) => RollupState::Building,
                (Run { error: Some(e), .. }, _) => RollupState::Failed(e.clone()),
                (_, None) => RollupState::Empty,
                (_, Some(_)) => RollupState::Ready,
            };
            out.push(RollupStatus {
                name: spec.name.clone(),
                dataset: self.catalog.datasets[spec.dataset].info.name.clone(),
                grain_secs: spec.grain,
                watermark: meta.watermark,
                buckets: meta.buckets,
                refreshed_at: meta.refreshed_at,
                last_run_ms: run.ms,
                state,
            });
        }
        Ok(out)
    }

    fn set_run(&self, i: usize, f: impl FnOnce(&mut Run)) {
        if let Ok(mut run) = self.rollups.last[i].lock() {
            f(&mut run);
        }
    }

    /// Build (when empty or `rebuild`) or refresh rollup `i`.
    async fn refresh_one(&self, i: usize, rebuild: bool) -> Result<()> {
        let Some(store) = self.rollups.store.clone() else {
            return Ok(());
        };
        let _one_at_a_time = self.rollups.runs[i].lock().await;
        self.set_run(i, |r| r.running = true);
        let started = Instant::now();
        let result = self.run_refresh(i, rebuild, store).await;
        let ms = started.elapsed().as_millis() as u64;
        self.set_run(i, |r| {
            r.running = false;
            r.ms = Some(ms);
            r.error = result.as_ref().err().map(ToString::to_string);
        });
        result
    }

    /// Write the buckets of `spec` over `[from, to)` (UTC seconds; from
    /// the first row when `from` is `None`), read by one statement, to
    /// `out` batch by batch; `done` groups were written before. Returns
    /// the groups written.
    async fn write_window(
        &self,
        spec: &RollupSpec,
        target: Target<'_>,
        (from, to): (Option<i64>, i64),
        out: &mut BucketWriter,
        done: usize,
        started: Instant,
    ) -> Result<usize> {
        let s = &self.sources[self.catalog.datasets[spec.dataset].source];
        let q = build::window(spec, target, from.map(|f| f * 1000), to * 1000);
        let mut stream = s.stream(q, BATCH_ROWS).await?;
        let mut groups = 0;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            groups += batch.row_count as usize;
            out.insert(batch).await?;
            if target.full_scan {
                tracing::info!(rollup = %spec.name, buckets = done + groups,
                    elapsed_ms = started.elapsed().as_millis() as u64, "rollup: building");
            }
        }
        Ok(groups)
    }

    /// [`DataEngine::write_window`] in consecutive windows of about
    /// `limit` groups each (see `Dialect::group_limit`): each window's
    /// width follows the groups per grain the previous one found.
    async fn write_windows(
        &self,
        spec: &RollupSpec,
        target: Target<'_>,
        (from, to): (Option<i64>, i64),
        limit: usize,
        out: &mut BucketWriter,
        started: Instant,
    ) -> Result<usize> {
        let g = spec.grain;
        let start = match from {
            Some(f) => f,
            None => {
                let s = &self.sources[self.catalog.datasets[spec.dataset].source];
                let first = s
                    .query(compile::time_span(target))
                    .await?
                    .first()
                    .and_then(|r| r.first())
                    .and_then(Cell::as_i64);
                match first {
                    Some(ms) => ms.div_euclid(1000).div_euclid(g) * g,
                    None => return Ok(0),
                }
            }
        };
        // A first guess: 16 combinations of dimensions per grain.
        let limit = limit.max(1) as i64;
        let mut grains = (limit / 16).max(1);
        let mut at = start.min(to);
        let mut written = 0;
        while at < to {
            let end = at.saturating_add(grains.saturating_mul(g)).min(to);
            let found = self
                .write_window(spec, target, (Some(at), end), out, written, started)
                .await?;
            let per_grain = found as f64 / ((end - at) / g).max(1) as f64;
            // At most four times wider each step: the density may rise.
            grains = ((limit as f64 / per_grain.max(1.0)) as i64).clamp(1, grains * 4);
            written += found;
            at = end;
        }
        Ok(written)
    }

    async fn run_refresh(&self, i: usize, rebuild: bool, store: Arc<RollupStore>) -> Result<()> {
        let spec = self.rollups.specs[i].clone();
        let d = &self.catalog.datasets[spec.dataset];
        let s = &self.sources[d.source];
        let started = Instant::now();
        let watermark = {
            let (store, spec) = (Arc::clone(&store), spec.clone());
            blocking(move || {
                if rebuild {
                    store.clear(&spec)?;
                }
                // The watermark alone: counting the buckets reads them all.
                store.read(|tx| super::store::watermark(tx, &spec))
            })
            .await?
        };
        let now = (self.clock)().timestamp();
        let g = spec.grain;
        let due = now.div_euclid(g) * g;
        // A refresh re-reads the look-back window before the watermark;
        // the watermark never moves back.
        let (from, to) = match watermark {
            None => (None, due),
            Some(w) => (
                Some((w.min(due) - spec.lookback).div_euclid(g) * g),
                due.max(w),
            ),
        };
        if from.is_none() {
            tracing::info!(rollup = %spec.name, dataset = %d.info.name,
                "rollup: building from every row before {}", crate::source::sqlite::iso_text(to * 1000));
        }
        let target = Target {
            dialect: s.dialect(),
            from: &d.from,
            time_column: &d.info.time_column,
            // A build reads (nearly) everything: no index walk.
            full_scan: from.is_none(),
        };
        // Buckets go to the file as they are read, in one transaction:
        // readers see the old ones until it commits.
        let mut out = BucketWriter::open(&store, &spec, from).await?;
        let buckets = match s.dialect().group_limit() {
            None => {
                self.write_window(&spec, target, (from, to), &mut out, 0, started)
                    .await?
            }
            Some(limit) => {
                self.write_windows(&spec, target, (from, to), limit, &mut out, started)
                    .await?
            }
        };
        out.commit(to, now).await?;
        let name = &self.rollups.specs[i].name;
        let ms = started.elapsed().as_millis() as u64;
        match from {
            None => tracing::info!(rollup = %name, buckets, elapsed_ms = ms,
                "rollup: built up to {}", crate::source::sqlite::iso_text(to * 1000)),
            Some(_) => tracing::debug!(rollup = %name, buckets, elapsed_ms = ms,
                "rollup: refreshed up to {}", crate::source::sqlite::iso_text(to * 1000)),
        }
        Ok(())
    }
}
