//! Who may use a source's connections, and how long they may wait for one.
//!
//! Queries come in two classes. *Interactive* ones have a person waiting on
//! a page or an API call; *background* ones are exports, reports and alert
//! passes. Background work may hold at most half of a source's connections
//! (at least one), so however many exports stall or run long, interactive
//! queries always find the other half. Nobody waits for a connection
//! without bound: an interactive query that cannot get one within the
//! source's `queue_timeout_ms` is refused with [`DataError::Busy`] (HTTP 503
//! with `Retry-After`), background work waits four times as long.
//!
//! The class travels with the task ([`in_background`]), so the engine's
//! methods need no extra argument and a query started on behalf of an
//! export is background wherever it is made.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{DataError, Result};

/// Who a query is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryClass {
    /// A person is waiting on a page or an API call (the default).
    Interactive,
    /// Exports, reports and alert passes.
    Background,
}

tokio::task_local! {
    static CLASS: QueryClass;
}

/// Run `work` with every query it makes in the background class.
pub async fn in_background<F: Future>(work: F) -> F::Output {
    CLASS.scope(QueryClass::Background, work).await
}

/// Run `work` in `class` (to carry the caller's class into a spawned task).
pub(crate) async fn in_class<F: Future>(class: QueryClass, work: F) -> F::Output {
    CLASS.scope(class, work).await
}

/// The class of the current task's queries.
pub fn current_class() -> QueryClass {
    CLASS.try_with(|c| *c).unwrap_or(QueryClass::Interactive)
}

/// How much longer than interactive queries background work waits.
const BACKGROUND_WAIT_FACTOR: u32 = 4;

/// The gate in front of one source's connections.
#[derive(Debug)]
pub(crate) struct Admission {
    source: String,
    all: Arc<Semaphore>,
    background: Arc<Semaphore>,
    wait: Duration,
}

/// Leave to use one connection; given back when dropped.
#[derive(Debug)]
pub(crate) struct Admitted {
    _connection: OwnedSemaphorePermit,
    _background: Option<OwnedSemaphorePermit>,
}

impl Admission {
    /// A gate for `pool_size` connections of `source`; interactive queries
    /// wait at most `wait` for one.
    pub(crate) fn new(source: &str, pool_size: u32, wait: Duration) -> Self {
        let pool = pool_size.max(1) as usize;
        Self {
            source: source.to_owned(),
            all: Arc::new(Semaphore::new(pool)),
            background: Arc::new(Semaphore::new(background_share(pool))),
            wait,
        }
    }

    /// Wait for a connection for the current task's class.
    pub(crate) async fn admit(&self) -> Result<Admitted> {
        match current_class() {
            QueryClass::Interactive => Ok(Admitted {
                _connection: self.acquire(&self.all, self.wait).await?,
                _background: None,
            }),
            QueryClass::Background => {
                let wait = self.wait * BACKGROUND_WAIT_FACTOR;
                let share = self.acquire(&self.background, wait).await?;
                Ok(Admitted {
                    _connection: self.acquire(&self.all, wait).await?,
                    _background: Some(share),
                })
            }
        }
    }

    async fn acquire(
        &self,
        permits: &Arc<Semaphore>,
        wait: Duration,
    ) -> Result<OwnedSemaphorePermit> {
        match tokio::time::timeout(wait, Arc::clone(permits).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(DataError::db(closed)),
            Err(_) => Err(DataError::Busy {
                name: self.source.clone(),
                retry_after_secs: wait.as_secs().max(1),
            }),
        }
    }
}

/// Connections background work may hold at once: half, at least one (a
/// single-connection source cannot reserve anything).
fn background_share(pool: usize) -> usize {
    (pool / 2).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_work_gets_half_the_connections_and_at_least_one() {
        let shares: Vec<usize> = [1, 2, 3, 4, 8].into_iter().map(background_share).collect();
        assert_eq!(shares, [1, 1, 1, 2, 4]);
    }

    #[tokio::test]
    async fn background_work_cannot_take_the_interactive_share() {
        let gate = Admission::new("main", 4, Duration::from_millis(50));
        let held = in_background(async { (gate.admit().await, gate.admit().await) }).await;
        let (a, b) = (held.0.unwrap(), held.1.unwrap());
        // A third background query waits and is refused...
        let third = in_background(gate.admit()).await;
        assert!(
            matches!(&third, Err(DataError::Busy { name, .. }) if name == "main"),
            "{third:?}"
        );
        // ...while interactive ones still get the other two connections.
        let (c, d) = (gate.admit().await.unwrap(), gate.admit().await.unwrap());
        // All four are taken now: the next interactive query is refused
        // once its wait is over, with a Retry-After of at least a second.
        let refused = gate.admit().await;
        assert!(
            matches!(
                refused,
                Err(DataError::Busy {
                    retry_after_secs: 1,
                    ..
                })
            ),
            "{refused:?}"
        );
        drop((a, b, c, d));
        assert!(gate.admit().await.is_ok());
        assert!(in_background(gate.admit()).await.is_ok());
    }

    #[tokio::test]
    async fn the_class_follows_the_task() {
        assert_eq!(current_class(), QueryClass::Interactive);
        assert_eq!(
            in_background(async { current_class() }).await,
            QueryClass::Background
        );
        let carried = in_background(async {
            let class = current_class();
            tokio::spawn(in_class(class, async { current_class() }))
                .await
                .unwrap()
        })
        .await;
        assert_eq!(carried, QueryClass::Background);
    }
}
