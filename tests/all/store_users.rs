//! Users and backups in a real sled store.

use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::store::{
    BACKUP_FORMAT, Backup, Dashboard, Role, SledStore, Store, StoreError, User, UserId,
};

use crate::store_support::{at, content, snapshot, t0, temp_store};

fn user(name: &str) -> User {
    User {
        id: UserId::random(),
        username: name.into(),
        password_hash: "$argon2id$placeholder".into(),
        role: Role::Editor,
        created: t0(),
        password_changed_at: t0(),
        disabled: false,
    }
}

#[test]
fn usernames_are_unique_case_insensitively_and_validated() {
    let (_dir, store) = temp_store();
    let alice = user("Alice");
    store.insert_user(&alice).unwrap();
    let before = snapshot(&*store);
    for name in ["alice", "ALICE", "Alice"] {
        let err = store.insert_user(&user(name)).unwrap_err();
        assert!(matches!(err, StoreError::DuplicateUsername(_)), "{err:?}");
        assert!(err.to_string().contains("already exists"));
    }
    for name in ["", "bob smith", "bob/../x", "émile"] {
        let err = store.insert_user(&user(name)).unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidUsername(_)),
            "{name:?}: {err:?}"
        );
    }
    assert_eq!(snapshot(&*store), before, "refused users leave no trace");
    assert_eq!(store.user_by_name("aLiCe").unwrap(), Some(alice.clone()));
    assert_eq!(store.user(&alice.id).unwrap(), Some(alice.clone()));
    assert_eq!(store.user_by_name("bob").unwrap(), None);

    store.insert_user(&user("bob")).unwrap();
    let names: Vec<_> = store
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["Alice", "bob"]);

    let admin = store.set_role(&alice.id, Role::Admin).unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(matches!(
        store.set_role(&UserId::random(), Role::Admin),
        Err(StoreError::UserNotFound)
    ));
    assert_eq!(store.user(&alice.id).unwrap().unwrap().role, Role::Admin);
}

#[test]
fn backup_round_trips_into_a_fresh_store_and_only_there() {
    let (_dir, store) = temp_store();
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let alice = auth
        .create_user("alice", "alice's password", Role::Admin, t0())
        .unwrap();
    let token = auth.create_api_token(&alice.id, "cron", t0()).unwrap();
    auth.login("alice", "alice's password", None, t0()).unwrap();
    let d = Dashboard::new(alice.id.clone(), content("Sales", 3), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    store
        .update_dashboard(
            &d.id,
            1,
            &content("Sales 2", 2),
            &crate::store_support::note(1),
        )
        .unwrap();
    store.set_default_dashboard(&alice.id, Some(&d.id)).unwrap();

    // Through text, as an operator would keep it.
    let text = serde_json::to_string_pretty(&store.export_all().unwrap()).unwrap();
    assert!(text.contains(BACKUP_FORMAT));
    assert!(!text.contains(&token.plaintext), "no secrets in backups");
    let backup: Backup = serde_json::from_str(&text).unwrap();

    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = SledStore::open(fresh_dir.path()).unwrap();
    fresh.import_all(&backup).unwrap();
    assert_eq!(snapshot(&fresh), snapshot(&*store));
    assert_eq!(fresh.dashboard_versions(&d.id).unwrap().len(), 2);
    assert_eq!(
        fresh.default_dashboard(&alice.id).unwrap(),
        Some(d.id.clone())
    );
    // Sessions are not carried over; passwords and tokens are.
    let fresh_auth = Auth::new(std::sync::Arc::new(fresh.clone()), AuthConfig::default());
    assert!(
        fresh_auth
            .login("ALICE", "alice's password", None, at(2))
            .is_ok()
    );
    assert_eq!(
        fresh_auth
            .verify_api_token(&token.plaintext, at(2))
            .unwrap()
            .id,
        alice.id
    );

    let before = snapshot(&fresh);
    assert!(matches!(
        fresh.import_all(&backup),
        Err(StoreError::NotEmpty)
    ));
    assert_eq!(snapshot(&fresh), before);
}

#[test]
fn a_bad_backup_writes_nothing() {
    let (_dir, store) = temp_store();
    store.insert_user(&user("carol")).unwrap();
    let good = store.export_all().unwrap();

    let mut wrong_format = good.clone();
    wrong_format.format = "something-else".into();
    let mut unknown_tree = good.clone();
    unknown_tree.trees.insert("nonsense".into(), vec![]);
    let mut garbage_user = good.clone();
    garbage_user.trees.get_mut("users").unwrap()[0].value =
        serde_json::json!({"v": 1, "value": {"username": 5}});
    let mut newer = good.clone();
    newer.trees.get_mut("users").unwrap()[0].value["v"] = 99.into();
    let mut bad_dashboard = good.clone();
    let d = Dashboard::new(UserId::random(), content("ok", 1), t0()).unwrap();
    let mut d_json = serde_json::json!({"v": 1, "value": d});
    d_json["value"]["content"]["widgets"][0]["x"] = 11.into();
    bad_dashboard
        .trees
        .get_mut("dashboards")
        .unwrap()
        .push(wasmdash::store::BackupEntry {
            key: hex_of(d.id.as_str()),
            value: d_json,
        });

    for (bad, expected) in [
        (wrong_format, "format"),
        (unknown_tree, "unknown tree"),
        (garbage_user, "unreadable"),
        (newer, "newer"),
        (bad_dashboard, "off the grid"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let fresh = SledStore::open(dir.path()).unwrap();
        let empty = snapshot(&fresh);
        let err = fresh.import_all(&bad).unwrap_err();
        assert!(err.to_string().contains(expected), "{err} / {expected}");
        assert_eq!(snapshot(&fresh), empty);
    }
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}
