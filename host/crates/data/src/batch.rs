//! Query results as the sources read them (cells) and as the engine hands
//! them on (columnar [`Batch`]es, streamed through a bounded channel).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio::sync::mpsc;

use super::admission::Admitted;
use super::error::DataError;
use wasmdash_frame::{Batch, Column, ColumnKind, ColumnValues};

/// One value read from a database.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

impl Cell {
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(i) => Some(*i as f64),
            Self::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            Self::Float(f) => Some(*f as i64),
            _ => None,
        }
    }

    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Self::Text(s) => Some(s),
            Self::Int(i) => Some(i.to_string()),
            Self::Float(f) => Some(f.to_string()),
            Self::Bool(b) => Some(b.to_string()),
            Self::Null => None,
        }
    }
}

/// Builds one columnar batch row by row.
#[derive(Debug)]
pub(crate) struct BatchBuilder {
    kinds: Vec<ColumnKind>,
    values: Vec<ColumnValues>,
    nulls: Vec<Vec<bool>>,
    rows: u32,
}

impl BatchBuilder {
    pub(crate) fn new(kinds: &[ColumnKind]) -> Self {
        let values = kinds
            .iter()
            .map(|k| match k {
                ColumnKind::Float64 => ColumnValues::Float64(Vec::new()),
                ColumnKind::Int64 => ColumnValues::Int64(Vec::new()),
                ColumnKind::Timestamp => ColumnValues::Timestamp(Vec::new()),
                ColumnKind::Boolean => ColumnValues::Boolean(Vec::new()),
                ColumnKind::Text => ColumnValues::Text(Vec::new()),
            })
            .collect();
        Self {
            kinds: kinds.to_vec(),
            values,
            nulls: vec![Vec::new(); kinds.len()],
            rows: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.rows as usize
    }

    /// Append one row; `cells` has one cell per column, in order.
    pub(crate) fn push(&mut self, cells: impl IntoIterator<Item = Cell>) {
        for (i, cell) in cells.into_iter().enumerate().take(self.kinds.len()) {
            let null = matches!(cell, Cell::Null);
            match &mut self.values[i] {
                ColumnValues::Float64(v) => v.push(cell.as_f64().unwrap_or(0.0)),
                ColumnValues::Int64(v) | ColumnValues::Timestamp(v) => {
                    v.push(cell.as_i64().unwrap_or(0));
                }
                ColumnValues::Boolean(v) => v.push(match cell {
                    Cell::Bool(b) => b,
                    other => other.as_i64().unwrap_or(0) != 0,
                }),
                ColumnValues::Text(v) => v.push(cell.into_text().unwrap_or_default()),
                ColumnValues::Dictionary { .. } => {}
            }
            let mask = &mut self.nulls[i];
            if null && mask.is_empty() {
                mask.resize(self.rows as usize, false);
            }
            if null || !mask.is_empty() {
                mask.push(null);
            }
        }
        self.rows += 1;
    }

    /// The batch; text columns with few distinct values become
    /// dictionaries, which cross the plugin boundary much faster.
    pub(crate) fn finish(self) -> Batch {
        let columns = self
            .values
            .into_iter()
            .zip(self.nulls)
            .map(|(values, nulls)| Column {
                values: dictionary_encode(values),
                nulls,
            })
            .collect();
        Batch {
            row_count: self.rows,
            columns,
        }
    }
}

/// Cuts a stream of rows into batches of `size` rows, for the sources'
/// streaming loops.
#[derive(Debug)]
pub(crate) struct Batcher {
    building: BatchBuilder,
    size: usize,
}

impl Batcher {
    pub(crate) fn new(kinds: &[ColumnKind], size: usize) -> Self {
        Self {
            building: BatchBuilder::new(kinds),
            size,
        }
    }

    /// Append one row; returns the full batch once it holds `size` rows.
    pub(crate) fn push(&mut self, cells: impl IntoIterator<Item = Cell>) -> Option<Batch> {
        self.building.push(cells);
        if self.building.len() < self.size {
            return None;
        }
        let next = BatchBuilder::new(&self.building.kinds);
        Some(std::mem::replace(&mut self.building, next).finish())
    }

    /// The last, partial batch, if rows are left.
    pub(crate) fn finish(self) -> Option<Batch> {
        (self.building.len() > 0).then(|| self.building.finish())
    }
}

fn dictionary_encode(values: ColumnValues) -> ColumnValues {
    let ColumnValues::Text(mut texts) = values else {
        return values;
    };
    let limit = (texts.len() / 4).min(1024);
    // Row of each distinct value's first occurrence; the strings move into
    // the dictionary only once encoding is known to pay.
    let mut firsts: Vec<usize> = Vec::new();
    let mut codes = Vec::with_capacity(texts.len());
    let pays = {
        let mut index = std::collections::HashMap::with_capacity(limit.min(64));
        texts.iter().enumerate().all(|(row, t)| {
            let next = firsts.len() as u32;
            let code = *index.entry(t.as_str()).or_insert(next);
            if code == next {
                if firsts.len() >= limit {
                    return false;
                }
                firsts.push(row);
            }
            codes.push(code);
            true
        })
    };
    if !pays {
        return ColumnValues::Text(texts);
    }
    let dictionary = firsts
        .into_iter()
        .map(|row| std::mem::take(&mut texts[row]))
        .collect();
    ColumnValues::Dictionary { dictionary, codes }
}

/// Streamed rows: batches arrive as the database produces them. Dropping
/// the stream stops the query.
#[derive(Debug)]
pub struct BatchStream {
    rx: mpsc::Receiver<Result<Batch, DataError>>,
    stalled: Arc<AtomicBool>,
    idle_ms: u64,
}

/// How a producer feeds a [`BatchStream`].
#[derive(Debug)]
pub(crate) struct FeedLimits {
    /// The longest the reader may take nothing before the query stops.
    pub(crate) idle: Duration,
    /// The connection's admission, given back when the producer is done.
    pub(crate) admitted: Admitted,
}

/// The producer's end of a [`BatchStream`]. A reader that takes nothing
/// for the idle limit ends the stream: the producer is told to stop (and so
/// gives its connection back) and the reader, should it come back, gets
/// [`DataError::Stalled`] instead of a silently short result.
#[derive(Debug, Clone)]
pub(crate) struct Feeder {
    tx: mpsc::Sender<Result<Batch, DataError>>,
    stalled: Arc<AtomicBool>,
    idle: Duration,
    _admitted: Arc<Admitted>,
}

/// The reader went away or stalled: stop producing.
#[derive(Debug)]
pub(crate) struct Gone;

impl Feeder {
    /// Hand `item` to the reader, waiting at most the idle limit.
    pub(crate) async fn send(&self, item: Result<Batch, DataError>) -> Result<(), Gone> {
        match tokio::time::timeout(self.idle, self.tx.send(item)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Gone),
            Err(_) => {
                self.stalled.store(true, Ordering::Relaxed);
                Err(Gone)
            }
        }
    }

    /// [`Feeder::send`] from a blocking thread (the SQLite reader's).
    pub(crate) fn blocking_send(&self, item: Result<Batch, DataError>) -> Result<(), Gone> {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle.block_on(self.send(item)),
            Err(_) => self.tx.blocking_send(item).map_err(|_| Gone),
        }
    }
}

impl BatchStream {
    /// A stream and the feeder a producer fills; the channel holds two
    /// batches so a slow reader slows the database read down, and a reader
    /// that stalls for `limits.idle` stops it.
    pub(crate) fn channel(limits: FeedLimits) -> (Feeder, Self) {
        let (tx, rx) = mpsc::channel(2);
        let stalled = Arc::new(AtomicBool::new(false));
        let feeder = Feeder {
            tx,
            stalled: Arc::clone(&stalled),
            idle: limits.idle,
            _admitted: Arc::new(limits.admitted),
        };
        let stream = Self {
            rx,
            stalled,
            idle_ms: limits.idle.as_millis() as u64,
        };
        (feeder, stream)
    }
}

impl Stream for BatchStream {
    type Item = Result<Batch, DataError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(None) if self.stalled.swap(false, Ordering::Relaxed) => {
                Poll::Ready(Some(Err(DataError::Stalled {
                    idle_ms: self.idle_ms,
                })))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::Admission;
    use futures::StreamExt;

    fn row(i: i64) -> Batch {
        let mut b = BatchBuilder::new(&[ColumnKind::Int64]);
        b.push([Cell::Int(i)]);
        b.finish()
    }

    #[tokio::test]
    async fn a_stalled_reader_stops_the_producer_frees_its_connection_and_sees_an_error() {
        let gate = Admission::new("main", 1, Duration::from_millis(20));
        let limits = FeedLimits {
            idle: Duration::from_millis(50),
            admitted: gate.admit().await.unwrap(),
        };
        let (tx, mut stream) = BatchStream::channel(limits);
        let producer = tokio::spawn(async move {
            let mut sent = 0;
            while tx.send(Ok(row(sent))).await.is_ok() {
                sent += 1;
            }
            sent
        });
        // Nobody reads: two batches fill the channel, the third send times
        // out, and the producer gives up and drops its connection.
        assert_eq!(producer.await.unwrap(), 2);
        assert!(gate.admit().await.is_ok(), "the connection was given back");
        // A reader coming back gets what was sent, then an error rather
        // than a clean (and silently short) end.
        assert_eq!(stream.next().await.unwrap().unwrap().row_count, 1);
        assert_eq!(stream.next().await.unwrap().unwrap().row_count, 1);
        assert_eq!(
            stream.next().await,
            Some(Err(DataError::Stalled { idle_ms: 50 }))
        );
        assert_eq!(stream.next().await, None);
    }

    #[tokio::test]
    async fn a_reader_that_keeps_up_gets_every_batch_and_a_clean_end() {
        let gate = Admission::new("main", 1, Duration::from_millis(20));
        let limits = FeedLimits {
            idle: Duration::from_millis(50),
            admitted: gate.admit().await.unwrap(),
        };
        let (tx, stream) = BatchStream::channel(limits);
        tokio::spawn(async move {
            for i in 0..10 {
                tx.send(Ok(row(i))).await.unwrap();
            }
        });
        let all: Vec<_> = stream.collect().await;
        assert_eq!(all.len(), 10);
        assert!(all.iter().all(Result::is_ok));
    }

    #[test]
    fn nulls_are_masked_only_when_present() {
        let mut b = BatchBuilder::new(&[ColumnKind::Int64, ColumnKind::Float64]);
        b.push([Cell::Int(1), Cell::Float(1.5)]);
        b.push([Cell::Int(2), Cell::Null]);
        let batch = b.finish();
        assert_eq!(batch.row_count, 2);
        assert!(batch.columns[0].nulls.is_empty());
        assert_eq!(batch.columns[1].nulls, vec![false, true]);
    }

    #[test]
    fn a_batcher_cuts_rows_into_full_batches_and_a_last_partial_one() {
        let mut b = Batcher::new(&[ColumnKind::Int64], 2);
        let sizes: Vec<u32> = (0..5)
            .filter_map(|i| b.push([Cell::Int(i)]))
            .map(|batch| batch.row_count)
            .collect();
        assert_eq!(sizes, [2, 2]);
        assert_eq!(b.finish().map(|last| last.row_count), Some(1));
        let mut b = Batcher::new(&[ColumnKind::Int64], 2);
        assert!(b.push([Cell::Int(1)]).is_none());
        assert!(b.push([Cell::Int(2)]).is_some());
        assert!(b.finish().is_none(), "no empty last batch");
    }

    #[test]
    fn repetitive_text_becomes_a_dictionary() {
        let mut b = BatchBuilder::new(&[ColumnKind::Text]);
        for i in 0..100 {
            b.push([Cell::Text(["a", "b"][i % 2].into())]);
        }
        let batch = b.finish();
        let ColumnValues::Dictionary { dictionary, codes } = &batch.columns[0].values else {
            panic!("expected a dictionary");
        };
        assert_eq!(dictionary, &vec!["a".to_string(), "b".to_string()]);
        assert_eq!(codes[3], 1);
    }
}
