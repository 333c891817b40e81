//! Upgrades of records written by older schema versions, applied on read
//! (see `envelope`): the database is never rewritten wholesale, an old
//! record takes today's shape when it is read and keeps it once saved
//! again.

use serde_json::{Value, json};

use super::dashboard::Dashboard;
use super::envelope::decode_upgrading;
use super::error::Result;

/// Decode a dashboard (current or a kept version) from `tree`.
pub(crate) fn decode_dashboard(tree: &'static str, bytes: &[u8]) -> Result<Dashboard> {
    decode_upgrading(tree, bytes, upgrade_dashboard)
}

/// Schema 1 kept no author or message: the version's note has no author,
/// no message, and the record's `updated` time (for a kept version, the
/// time it was saved).
fn upgrade_dashboard(from: u32, value: &mut Value) {
    if from < 2
        && let Value::Object(record) = value
        && !record.contains_key("note")
    {
        let at = record.get("updated").cloned().unwrap_or(Value::Null);
        record.insert(
            "note".into(),
            json!({ "author": null, "at": at, "message": null }),
        );
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use crate::sled_store::trees;
    use crate::{DashboardId, SCHEMA_VERSION, SledStore, Store, UserId, VersionNote};

    const ID: &str = "d0c0ffee0000000000000000000000aa";
    const OWNER: &str = "0123456789abcdef0123456789abcdef";

    /// A dashboard exactly as schema 1 (the first release) stored it.
    fn v1_record(version: u64, title: &str, updated: &str) -> String {
        format!(
            r#"{{"v":1,"value":{{"id":"{ID}","owner":"{OWNER}","content":{{"title":"{title}","layout":{{"kind":"grid"}},"widgets":[{{"id":"w1","plugin":"metric-card","title":"Orders","config":{{"metric":"total_orders"}},"x":0,"y":0,"w":3,"h":2,"tab":0}}]}},"sharing":{{"mode":"private"}},"version":{version},"created":"2026-01-01T00:00:00Z","updated":"{updated}"}}}}"#
        )
    }

    fn version_key(version: u64) -> Vec<u8> {
        let mut key = format!("{ID}/").into_bytes();
        key.extend_from_slice(&version.to_be_bytes());
        key
    }

    /// Write a database the way the first release left it: schema mark 1,
    /// a dashboard at version 2 and both kept versions, no notes.
    fn write_release_1_state(dir: &std::path::Path) {
        let db = sled::open(dir.join(crate::STATE_SUBDIR)).unwrap();
        let meta = db.open_tree(trees::META).unwrap();
        meta.insert(b"schema_version", br#"{"v":1,"value":1}"#.as_slice())
            .unwrap();
        let first = v1_record(1, "Sales", "2026-01-01T00:00:00Z");
        let second = v1_record(2, "Sales 2", "2026-01-02T10:30:00Z");
        let dashboards = db.open_tree(trees::DASHBOARDS).unwrap();
        dashboards.insert(ID, second.as_bytes()).unwrap();
        let versions = db.open_tree(trees::DASHBOARD_VERSIONS).unwrap();
        versions.insert(version_key(1), first.as_bytes()).unwrap();
        versions.insert(version_key(2), second.as_bytes()).unwrap();
        db.flush().unwrap();
    }

    #[test]
    fn release_1_state_still_loads_and_gains_notes_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        write_release_1_state(dir.path());

        let store = SledStore::open(dir.path()).unwrap();
        let id = DashboardId::from_string(ID);
        let d = store.dashboard(&id).unwrap().expect("the old dashboard");
        assert_eq!((d.version, d.content.title.as_str()), (2, "Sales 2"));
        assert_eq!(d.note.author, None);
        assert_eq!(d.note.message, None);
        assert_eq!(
            d.note.at,
            Utc.with_ymd_and_hms(2026, 1, 2, 10, 30, 0).unwrap()
        );
        let kept = store.dashboard_versions(&id).unwrap();
        let times: Vec<_> = kept.iter().map(|v| (v.version, v.note.at)).collect();
        assert_eq!(
            times,
            [
                (2, Utc.with_ymd_and_hms(2026, 1, 2, 10, 30, 0).unwrap()),
                (1, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
            ]
        );
        assert_eq!(store.dashboards().unwrap().len(), 1);
        // The whole old state passes a backup round trip.
        let backup = store.export_all().unwrap();

        // Saving writes today's records next to the old ones.
        let editor = UserId::from_string(OWNER);
        let at = Utc.with_ymd_and_hms(2026, 2, 1, 8, 0, 0).unwrap();
        let note = VersionNote::new(&editor, at, Some("  moved the card  ")).unwrap();
        let mut content = d.content.clone();
        content.widgets[0].x = 3;
        let saved = store.update_dashboard(&id, 2, &content, &note).unwrap();
        assert_eq!(saved.note.message.as_deref(), Some("moved the card"));
        let kept = store.dashboard_versions(&id).unwrap();
        let notes: Vec<_> = kept
            .iter()
            .map(|v| (v.version, v.note.author.clone(), v.note.message.clone()))
            .collect();
        assert_eq!(
            notes,
            [
                (3, Some(editor.clone()), Some("moved the card".to_owned())),
                (2, None, None),
                (1, None, None),
            ]
        );
        // An old version restores as a new one with its own note.
        let restored = store
            .restore_dashboard(&id, 1, &VersionNote::new(&editor, at, None).unwrap())
            .unwrap();
        assert_eq!(
            (restored.version, restored.content.title.as_str()),
            (4, "Sales")
        );
        // The database now says it holds schema-2 records.
        let meta = &store.export_all().unwrap().trees[trees::META];
        assert_eq!(meta.len(), 1);
        assert_eq!(meta[0].value["value"], SCHEMA_VERSION);
        drop(store);

        // A release-1 backup imports into a new store and reads the same.
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = SledStore::open(fresh_dir.path()).unwrap();
        fresh.import_all(&backup).unwrap();
        let again = fresh.dashboard(&id).unwrap().unwrap();
        assert_eq!((again.version, again.note.author.clone()), (2, None));
        assert_eq!(fresh.dashboard_versions(&id).unwrap().len(), 2);
    }

    #[test]
    fn messages_are_one_trimmed_line_of_bounded_length() {
        let user = UserId::random();
        let now = Utc::now();
        let note = |m: &str| VersionNote::new(&user, now, Some(m)).map(|n| n.message);
        assert_eq!(note("   ").unwrap(), None);
        assert_eq!(note(" tidy ").unwrap().as_deref(), Some("tidy"));
        assert_eq!(note("two\nlines\t").unwrap().as_deref(), Some("two lines"));
        assert!(note(&"x".repeat(crate::MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(note(&"é".repeat(crate::MAX_MESSAGE_CHARS)).is_ok());
    }
}
