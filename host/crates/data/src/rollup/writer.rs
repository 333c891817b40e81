//! Writing a build or a refresh into the rollup file while the source's
//! groups stream in: one write transaction on a blocking thread takes
//! each batch as it comes, so memory stays at a few batches whatever the
//! table's size, and readers still see the old buckets and watermark
//! until it commits (delete the window, insert its buckets, move the
//! watermark — all at once, as before).

use std::sync::Arc;

use rusqlite::params;
use tokio::sync::{mpsc, oneshot};
use wasmdash_frame::Batch;

use super::build;
use super::spec::{BUCKET, RollupSpec};
use super::store::{RollupStore, err, quoted};
use crate::error::Result;

/// What the async side sends the writing thread.
enum Msg {
    /// Buckets to insert (bucket, dimensions, measures).
    Rows(Batch),
    /// Move the watermark to `to` (refreshed at `now`) and commit.
    Commit { to: i64, now: i64 },
}

/// An open write transaction replacing a rollup's buckets from a given
/// bucket on. Dropping it without [`BucketWriter::commit`] rolls back.
pub(crate) struct BucketWriter {
    tx: mpsc::Sender<Msg>,
    done: tokio::task::JoinHandle<Result<()>>,
}

impl BucketWriter {
    /// Take the rollup file's writer, open a transaction and delete the
    /// buckets of `spec` from `from` on (every bucket when `None`);
    /// returns once that is done, so the source is read only while the
    /// writer is ours (a rollup waiting for another's build reads
    /// nothing meanwhile).
    pub(crate) async fn open(
        store: &Arc<RollupStore>,
        spec: &RollupSpec,
        from: Option<i64>,
    ) -> Result<Self> {
        // Two batches in flight at most: the source waits for the file.
        let (tx, rx) = mpsc::channel(2);
        let (ready_tx, ready) = oneshot::channel();
        let (store, spec) = (Arc::clone(store), spec.clone());
        let done = tokio::task::spawn_blocking(move || write(&store, &spec, from, rx, ready_tx));
        if ready.await.is_err() {
            // The thread ended before its transaction was open: its error.
            return Err(match done.await {
                Ok(Err(e)) => e,
                Ok(Ok(())) => err("the writer stopped before it started"),
                Err(e) => err(e),
            });
        }
        Ok(Self { tx, done })
    }

    /// Insert the buckets of `batch` (columns in the stored table's
    /// order).
    pub(crate) async fn insert(&mut self, batch: Batch) -> Result<()> {
        if self.tx.send(Msg::Rows(batch)).await.is_ok() {
            return Ok(());
        }
        // The thread stopped on an error: report it.
        Err(self
            .finish()
            .await
            .err()
            .unwrap_or_else(|| err("the writer stopped")))
    }

    /// Move the watermark to `to`, note `now` as the refresh time, and
    /// commit.
    pub(crate) async fn commit(mut self, to: i64, now: i64) -> Result<()> {
        // A failed send means the thread stopped early: finish() tells why.
        let _ = self.tx.send(Msg::Commit { to, now }).await;
        self.finish().await
    }

    async fn finish(&mut self) -> Result<()> {
        let (closed, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.tx, closed));
        (&mut self.done).await.map_err(err)?
    }
}

/// The writing thread: one transaction, fed until told to commit; a
/// closed channel without a commit rolls back.
fn write(
    store: &RollupStore,
    spec: &RollupSpec,
    from: Option<i64>,
    mut rx: mpsc::Receiver<Msg>,
    ready: oneshot::Sender<()>,
) -> Result<()> {
    let mut c = store.write_lock()?;
    let tx = c.transaction().map_err(err)?;
    let table = quoted(&spec.table());
    match from {
        None => tx.execute(&format!("DELETE FROM {table}"), []),
        Some(from) => tx.execute(
            &format!("DELETE FROM {table} WHERE {} >= ?1", quoted(BUCKET)),
            [from],
        ),
    }
    .map_err(err)?;
    if ready.send(()).is_err() {
        return Ok(()); // Nobody waits for it any more.
    }
    let width = 1 + spec.dims.len() + spec.measure_columns().len();
    let marks: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
    let mut ins = tx
        .prepare(&format!(
            "INSERT INTO {table} VALUES ({})",
            marks.join(", ")
        ))
        .map_err(err)?;
    let (to, now) = loop {
        match rx.blocking_recv() {
            Some(Msg::Rows(batch)) => {
                for i in 0..batch.row_count as usize {
                    ins.execute(rusqlite::params_from_iter(build::row(&batch, i)))
                        .map_err(err)?;
                }
            }
            Some(Msg::Commit { to, now }) => break (to, now),
            None => return Err(err("the build stopped before it finished")),
        }
    };
    drop(ins);
    tx.execute(
        "UPDATE wasmdash_rollups SET watermark = ?2, refreshed_at = ?3 WHERE name = ?1",
        params![spec.name, to, now],
    )
    .map_err(err)?;
    tx.commit().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchBuilder, Cell};
    use crate::rollup::spec::tests::spec;
    use wasmdash_frame::ColumnKind::{Float64, Int64, Text};

    /// One bucket of `spec(3600)`'s shape at `at`.
    fn bucket(at: i64) -> Batch {
        let mut b = BatchBuilder::new(&[Int64, Text, Text, Int64, Float64, Int64, Float64]);
        b.push([
            Cell::Int(at),
            Cell::Text("completed".into()),
            Cell::Text("eu".into()),
            Cell::Int(2),
            Cell::Float(3.0),
            Cell::Int(2),
            Cell::Float(2.0),
        ]);
        b.finish()
    }

    #[tokio::test]
    async fn readers_see_a_build_only_once_it_commits_and_never_half_a_refresh() {
        let dir = std::env::temp_dir().join(format!("wasmdash-writer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Arc::new(RollupStore::open(&dir.join("rollups.sqlite")).expect("open"));
        let s = spec(3600);
        store.prepare(std::slice::from_ref(&s)).expect("prepare");
        let seen = |store: &RollupStore| {
            let m = store.meta(&s).expect("meta");
            (m.watermark, m.buckets)
        };

        let mut w = BucketWriter::open(&store, &s, None).await.expect("writer");
        w.insert(bucket(0)).await.expect("insert");
        w.insert(bucket(3600)).await.expect("insert");
        assert_eq!(seen(&store), (None, 0), "nothing before the commit");
        w.commit(7200, 10).await.expect("commit");
        assert_eq!(seen(&store), (Some(7200), 2));

        // A refresh that stops half way (its window already deleted, one
        // bucket written) leaves what was there.
        let mut w = BucketWriter::open(&store, &s, Some(3600))
            .await
            .expect("writer");
        w.insert(bucket(3600)).await.expect("insert");
        assert_eq!(seen(&store), (Some(7200), 2));
        drop(w);
        // The next writer waits for the stopped one to roll back.
        let mut w = BucketWriter::open(&store, &s, Some(3600))
            .await
            .expect("writer");
        assert_eq!(seen(&store), (Some(7200), 2));
        w.insert(bucket(3600)).await.expect("insert");
        w.insert(bucket(7200)).await.expect("insert");
        w.commit(10_800, 20).await.expect("commit");
        assert_eq!(seen(&store), (Some(10_800), 3));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
