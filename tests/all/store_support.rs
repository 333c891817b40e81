//! Shared pieces of the store and auth tests: real sled stores in temp
//! dirs, sample dashboards, fixed times.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::store::{DashboardContent, Layout, SledStore, Store, UserId, VersionNote, Widget};

/// A fixed "now" so expiry arithmetic in tests is exact.
pub(crate) fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-15T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// `t0` plus some minutes.
pub(crate) fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

/// The note of a version saved at `at(minutes)` by someone, with a message
/// naming the minute.
pub(crate) fn note(minutes: i64) -> VersionNote {
    VersionNote::new(
        &UserId::random(),
        at(minutes),
        Some(&format!("minute {minutes}")),
    )
    .unwrap()
}

/// A fresh store in its own temp dir (kept alive by the returned guard).
pub(crate) fn temp_store() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    (dir, Arc::new(store))
}

/// A fresh store with an auth service over it.
pub(crate) fn temp_auth(config: AuthConfig) -> (tempfile::TempDir, Auth) {
    let (dir, store) = temp_store();
    (dir, Auth::new(store, config))
}

/// A widget at (x, y) of size w × h on tab 0.
pub(crate) fn widget(id: &str, x: u32, y: u32, w: u32, h: u32) -> Widget {
    Widget {
        id: id.into(),
        plugin: "metric-card".into(),
        title: format!("Widget {id}"),
        config: serde_json::json!({"metric": "revenue", "id": id}),
        x,
        y,
        w,
        h,
        tab: 0,
    }
}

/// A valid grid dashboard with `n` widgets in a row of width-2 cells.
pub(crate) fn content(title: &str, n: u32) -> DashboardContent {
    DashboardContent {
        title: title.into(),
        layout: Layout::Grid,
        widgets: (0..n)
            .map(|i| widget(&format!("w{i}"), (i % 6) * 2, i / 6 * 2, 2, 2))
            .collect(),
    }
}

/// The store's full state, minus the backup's own timestamp, for
/// "nothing changed" checks.
pub(crate) fn snapshot(store: &dyn Store) -> serde_json::Value {
    serde_json::to_value(&store.export_all().unwrap().trees).unwrap()
}
