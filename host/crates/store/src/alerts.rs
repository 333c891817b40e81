//! Persistence of alerts in the sled trees reserved for them.
//!
//! The record types belong to the alert engine (in the `wasmdash` crate);
//! it names them through [`AlertRecords`], so this crate stays the only one
//! that knows sled without knowing what an alert means:
//!
//! - `alerts`: `def/<id>` → alert, `status/<id>` → its status;
//! - `alert_history`: `<id>/<ms big-endian>/<unique big-endian>` → history
//!   entry, so one alert's history is a key range in time order;
//! - `outbox`: the notification key → notification.
//!
//! Values are versioned JSON records like every other tree, so backups and
//! `wasmdash` upgrades treat them alike. A state change, its history and the
//! notification it causes are written in one transaction: after a crash
//! either all of them exist or none does.

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use std::fmt::Display;
use std::marker::PhantomData;

use crate::{AlertTrees, Result, StoreError, decode_record, encode_record, trees};

/// The alert engine's record types and the few facts the store reads from
/// them (keys, versions, times).
pub trait AlertRecords {
    /// An alert's id, shown in keys.
    type Id: Display;
    /// An alert definition.
    type Alert: Serialize + DeserializeOwned;
    /// An alert's status; the default stands for "never written".
    type Status: Serialize + DeserializeOwned + Default;
    /// One history entry.
    type History: Serialize + DeserializeOwned;
    /// One notification in the outbox.
    type Notification: Serialize + DeserializeOwned;

    /// The alert's id.
    fn alert_id(alert: &Self::Alert) -> &Self::Id;
    /// The alert's version, for optimistic writes.
    fn alert_version(alert: &Self::Alert) -> u64;
    /// When a history entry happened.
    fn history_at(entry: &Self::History) -> DateTime<Utc>;
    /// True for evaluation entries, of which only the newest are kept.
    fn is_evaluation(entry: &Self::History) -> bool;
    /// The notification's unique key.
    fn notification_key(n: &Self::Notification) -> &str;
    /// The alert a notification belongs to.
    fn notification_alert(n: &Self::Notification) -> &Self::Id;
    /// True when a notification is settled (delivered or failed) and was
    /// created before `before`.
    fn is_prunable(n: &Self::Notification, before: DateTime<Utc>) -> bool;
}

/// The alert engine's view of the state database.
#[derive(Debug)]
pub struct AlertStore<M> {
    t: AlertTrees,
    records: PhantomData<fn() -> M>,
}

impl<M> Clone for AlertStore<M> {
    fn clone(&self) -> Self {
        Self {
            t: self.t.clone(),
            records: PhantomData,
        }
    }
}

fn def_key(id: &impl Display) -> Vec<u8> {
    format!("def/{id}").into_bytes()
}
fn status_key(id: &impl Display) -> Vec<u8> {
    format!("status/{id}").into_bytes()
}
fn history_prefix(id: &impl Display) -> Vec<u8> {
    format!("{id}/").into_bytes()
}

fn enc<T: Serialize>(tree: &'static str, v: &T) -> Result<Vec<u8>> {
    encode_record(tree, v)
}
fn dec<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> Result<T> {
    decode_record(tree, v)
}

fn tx_err(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Db(e),
    }
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

/// Everything one evaluation writes.
#[derive(Debug)]
pub struct EvaluationWrite<M: AlertRecords> {
    /// The alert.
    pub id: M::Id,
    /// Its new status.
    pub status: M::Status,
    /// History entries (evaluation, state change).
    pub history: Vec<M::History>,
    /// The notification it causes, if any.
    pub notification: Option<M::Notification>,
}

impl<M: AlertRecords> AlertStore<M> {
    /// Over the trees of an open state store.
    pub fn new(trees: AlertTrees) -> Self {
        Self {
            t: trees,
            records: PhantomData,
        }
    }

    /// Make every write so far durable.
    pub async fn flush(&self) -> Result<()> {
        self.t.db.flush_async().await.map_err(StoreError::Db)?;
        Ok(())
    }

    /// Every alert definition.
    pub fn alerts(&self) -> Result<Vec<M::Alert>> {
        let mut out = Vec::new();
        for kv in self.t.alerts.scan_prefix(b"def/") {
            let (_, v) = kv.map_err(StoreError::Db)?;
            out.push(dec(trees::ALERTS, &v)?);
        }
        Ok(out)
    }

    /// One definition.
    pub fn alert(&self, id: &M::Id) -> Result<Option<M::Alert>> {
        match self.t.alerts.get(def_key(id)).map_err(StoreError::Db)? {
            Some(v) => Ok(Some(dec(trees::ALERTS, &v)?)),
            None => Ok(None),
        }
    }

    /// One status (default when never written).
    pub fn status(&self, id: &M::Id) -> Result<M::Status> {
        match self.t.alerts.get(status_key(id)).map_err(StoreError::Db)? {
            Some(v) => Ok(dec(trees::ALERTS, &v)?),
            None => Ok(M::Status::default()),
        }
    }

    /// Insert a new alert, or replace one whose stored version is
    /// `expected_version`, together with its status. Returns the version
    /// found instead when it does not match.
    pub fn put(
        &self,
        alert: &M::Alert,
        status: &M::Status,
        expected_version: Option<u64>,
    ) -> Result<std::result::Result<(), u64>> {
        let def = enc(trees::ALERTS, alert)?;
        let st = enc(trees::ALERTS, status)?;
        let (dk, sk) = (def_key(M::alert_id(alert)), status_key(M::alert_id(alert)));
        let outcome = self
            .t
            .alerts
            .transaction(|tx| {
                let current: Option<M::Alert> = match tx.get(&dk)? {
                    Some(v) => Some(dec(trees::ALERTS, &v).map_err(abort)?),
                    None => None,
                };
                match (current.map(|a| M::alert_version(&a)), expected_version) {
                    (None, None) => {}
                    (Some(found), Some(want)) if found == want => {}
                    (Some(found), _) => return Ok(Err(found)),
                    (None, Some(_)) => return Ok(Err(0)),
                }
                tx.insert(dk.as_slice(), def.as_slice())?;
                tx.insert(sk.as_slice(), st.as_slice())?;
                Ok(Ok(()))
            })
            .map_err(tx_err)?;
        Ok(outcome)
    }

    /// Insert new alerts with their statuses in one atomic batch: after a
    /// crash either all of them exist or none does. Ids are fresh, so
    /// nothing is compared.
    pub fn insert_many(&self, alerts: &[(M::Alert, M::Status)]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (alert, status) in alerts {
            batch.insert(def_key(M::alert_id(alert)), enc(trees::ALERTS, alert)?);
            batch.insert(status_key(M::alert_id(alert)), enc(trees::ALERTS, status)?);
        }
        self.t.alerts.apply_batch(batch).map_err(StoreError::Db)?;
        Ok(())
    }

    /// Remove an alert, its status and its history. Notifications already
    /// in the outbox are still delivered.
    pub fn remove(&self, id: &M::Id) -> Result<bool> {
        let existed = self
            .t
            .alerts
            .remove(def_key(id))
            .map_err(StoreError::Db)?
            .is_some();
        self.t
            .alerts
            .remove(status_key(id))
            .map_err(StoreError::Db)?;
        let mut batch = sled::Batch::default();
        for kv in self.t.history.scan_prefix(history_prefix(id)) {
            let (k, _) = kv.map_err(StoreError::Db)?;
            batch.remove(k);
        }
        self.t.history.apply_batch(batch).map_err(StoreError::Db)?;
        Ok(existed)
    }

    /// Write only a status (e.g. a new next-run time).
    pub fn put_status(&self, id: &M::Id, status: &M::Status) -> Result<()> {
        // Never resurrect the status of an alert deleted meanwhile.
        let st = enc(trees::ALERTS, status)?;
        let (dk, sk) = (def_key(id), status_key(id));
        self.t
            .alerts
            .transaction(|tx| {
                if tx.get(&dk)?.is_some() {
                    tx.insert(sk.as_slice(), st.as_slice())?;
                }
                Ok(())
            })
            .map_err(tx_err)?;
        Ok(())
    }

    /// Write the outcome of one evaluation atomically: status, history and
    /// notification. Skipped when the alert was deleted meanwhile.
    pub fn write_evaluation(&self, w: &EvaluationWrite<M>) -> Result<bool> {
        let st = enc(trees::ALERTS, &w.status)?;
        let mut hist = Vec::with_capacity(w.history.len());
        for h in &w.history {
            hist.push((
                self.history_key(&w.id, M::history_at(h))?,
                enc(trees::ALERT_HISTORY, h)?,
            ));
        }
        let note = match &w.notification {
            Some(n) => Some((
                M::notification_key(n).as_bytes().to_vec(),
                enc(trees::OUTBOX, n)?,
            )),
            None => None,
        };
        let (dk, sk) = (def_key(&w.id), status_key(&w.id));
        (&self.t.alerts, &self.t.history, &self.t.outbox)
            .transaction(|(alerts, history, outbox)| {
                if alerts.get(&dk)?.is_none() {
                    return Ok(false);
                }
                alerts.insert(sk.as_slice(), st.as_slice())?;
                for (k, v) in &hist {
                    history.insert(k.as_slice(), v.as_slice())?;
                }
                if let Some((k, v)) = &note {
                    outbox.insert(k.as_slice(), v.as_slice())?;
                }
                Ok(true)
            })
            .map_err(tx_err)
    }

    fn history_key(&self, id: &M::Id, at: DateTime<Utc>) -> Result<Vec<u8>> {
        let mut key = history_prefix(id);
        key.extend_from_slice(&(at.timestamp_millis().max(0) as u64).to_be_bytes());
        key.extend_from_slice(
            &self
                .t
                .db
                .generate_id()
                .map_err(StoreError::Db)?
                .to_be_bytes(),
        );
        Ok(key)
    }

    /// Append one history entry.
    pub fn add_history(&self, id: &M::Id, entry: &M::History) -> Result<()> {
        let key = self.history_key(id, M::history_at(entry))?;
        self.t
            .history
            .insert(key, enc(trees::ALERT_HISTORY, entry)?)
            .map_err(StoreError::Db)?;
        Ok(())
    }

    /// The newest `limit` history entries of an alert, newest first.
    pub fn history(&self, id: &M::Id, limit: usize) -> Result<Vec<M::History>> {
        let mut out = Vec::new();
        for kv in self.t.history.scan_prefix(history_prefix(id)).rev() {
            if out.len() >= limit {
                break;
            }
            let (_, v) = kv.map_err(StoreError::Db)?;
            out.push(dec(trees::ALERT_HISTORY, &v)?);
        }
        Ok(out)
    }

    /// Delete history older than `before`, and evaluations beyond the
    /// newest `keep_evaluations` of each alert. Returns entries removed.
    pub fn prune_history(&self, before: DateTime<Utc>, keep_evaluations: usize) -> Result<usize> {
        let cutoff = before.timestamp_millis().max(0) as u64;
        let mut batch = sled::Batch::default();
        let mut removed = 0;
        let mut current: Option<Vec<u8>> = None;
        let mut evaluations_seen = 0;
        // Newest first, so "beyond the newest N" is a running count.
        for kv in self.t.history.iter().rev() {
            let (k, v) = kv.map_err(StoreError::Db)?;
            let Some(slash) = k.iter().position(|b| *b == b'/') else {
                continue;
            };
            let prefix = k[..=slash].to_vec();
            if current.as_deref() != Some(prefix.as_slice()) {
                current = Some(prefix);
                evaluations_seen = 0;
            }
            let at = k
                .get(slash + 1..slash + 9)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_be_bytes);
            let old = at < cutoff;
            let excess = if old {
                false
            } else {
                let entry: M::History = dec(trees::ALERT_HISTORY, &v)?;
                if M::is_evaluation(&entry) {
                    evaluations_seen += 1;
                    evaluations_seen > keep_evaluations
                } else {
                    false
                }
            };
            if old || excess {
                batch.remove(k);
                removed += 1;
            }
        }
        self.t.history.apply_batch(batch).map_err(StoreError::Db)?;
        Ok(removed)
    }

    /// Every notification in the outbox, oldest key first.
    pub fn notifications(&self) -> Result<Vec<M::Notification>> {
        let mut out = Vec::new();
        for kv in self.t.outbox.iter() {
            let (_, v) = kv.map_err(StoreError::Db)?;
            out.push(dec(trees::OUTBOX, &v)?);
        }
        Ok(out)
    }

    /// One notification by key.
    pub fn notification(&self, key: &str) -> Result<Option<M::Notification>> {
        match self.t.outbox.get(key.as_bytes()).map_err(StoreError::Db)? {
            Some(v) => Ok(Some(dec(trees::OUTBOX, &v)?)),
            None => Ok(None),
        }
    }

    /// Replace a notification (after an attempt) and append a history
    /// entry for it, atomically.
    pub fn update_notification(&self, n: &M::Notification, entry: &M::History) -> Result<()> {
        let value = enc(trees::OUTBOX, n)?;
        let hk = self.history_key(M::notification_alert(n), M::history_at(entry))?;
        let hv = enc(trees::ALERT_HISTORY, entry)?;
        let key = M::notification_key(n).as_bytes();
        (&self.t.outbox, &self.t.history)
            .transaction(|(outbox, history)| {
                outbox.insert(key, value.as_slice())?;
                history.insert(hk.as_slice(), hv.as_slice())?;
                Ok(())
            })
            .map_err(|e: TransactionError<StoreError>| tx_err(e))?;
        Ok(())
    }

    /// Delete delivered or failed notifications created before `before`.
    pub fn prune_outbox(&self, before: DateTime<Utc>) -> Result<usize> {
        let mut batch = sled::Batch::default();
        let mut removed = 0;
        for n in self.notifications()? {
            if M::is_prunable(&n, before) {
                batch.remove(M::notification_key(&n).as_bytes());
                removed += 1;
            }
        }
        self.t.outbox.apply_batch(batch).map_err(StoreError::Db)?;
        Ok(removed)
    }
}
