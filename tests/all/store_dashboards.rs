//! Dashboards in a real sled store: optimistic concurrency, history,
//! restore, sharing, defaults, clone, delete, and bad input changing
//! nothing.

use std::sync::{Arc, Barrier};

use wasmdash::store::{
    Dashboard, DashboardError, DashboardId, KEPT_VERSIONS, Layout, Role, Sharing, StoreError,
    UserId,
};

use crate::store_support::{at, content, note, snapshot, t0, temp_store, widget};

#[test]
fn concurrent_updates_from_one_version_have_exactly_one_winner() {
    let (_dir, store) = temp_store();
    for round in 0..10 {
        let d = Dashboard::new(UserId::random(), content("Race", 2), t0()).unwrap();
        store.insert_dashboard(&d).unwrap();
        let threads = 4;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (store, barrier, id) = (store.clone(), barrier.clone(), d.id.clone());
                std::thread::spawn(move || {
                    let mut mine = content(&format!("Edit {round}/{i}"), 3);
                    mine.widgets[0].x = i as u32;
                    barrier.wait();
                    (
                        mine.clone(),
                        store.update_dashboard(&id, 1, &mine, &note(1)),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: exactly one update wins");
        for (_, r) in &results {
            if let Err(e) = r {
                assert!(
                    matches!(e, StoreError::Conflict { current_version: 2 }),
                    "loser sees a conflict at version 2, got {e:?}"
                );
            }
        }
        // The stored content is the winner's, nothing mixed.
        let stored = store.dashboard(&d.id).unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(&stored.content, &winners[0].0);
    }
}

#[test]
fn stale_version_is_refused_with_the_current_version() {
    let (_dir, store) = temp_store();
    let d = Dashboard::new(UserId::random(), content("Sales", 1), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    store
        .update_dashboard(&d.id, 1, &content("A", 1), &note(1))
        .unwrap();
    store
        .update_dashboard(&d.id, 2, &content("B", 1), &note(2))
        .unwrap();
    let before = snapshot(&*store);
    let err = store
        .update_dashboard(&d.id, 2, &content("lost update", 1), &note(3))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { current_version: 3 }));
    assert!(err.to_string().contains("version 3"), "{err}");
    assert_eq!(snapshot(&*store), before);
}

#[test]
fn history_keeps_the_last_20_versions_and_restores_as_a_new_version() {
    let (_dir, store) = temp_store();
    let d = Dashboard::new(UserId::random(), content("v1", 1), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    for v in 1..=25u64 {
        let next = content(&format!("v{}", v + 1), (v % 5) as u32 + 1);
        let saved = store
            .update_dashboard(&d.id, v, &next, &note(v as i64))
            .unwrap();
        assert_eq!(saved.version, v + 1);
        assert_eq!(saved.updated, at(v as i64));
        assert_eq!(saved.created, t0());
    }
    let versions = store.dashboard_versions(&d.id).unwrap();
    assert_eq!(versions.len() as u64, KEPT_VERSIONS);
    let numbers: Vec<u64> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, (7..=26).rev().collect::<Vec<_>>(), "newest first");
    for v in &versions {
        assert_eq!(v.content.title, format!("v{}", v.version));
        // Each kept version keeps its own note: when and why.
        let minute = v.version as i64 - 1;
        assert_eq!(v.note.at, at(minute));
        let message = format!("minute {minute}");
        assert_eq!(v.note.message.as_deref(), Some(message.as_str()));
        assert!(v.note.author.is_some());
    }

    let restored = store.restore_dashboard(&d.id, 7, &note(100)).unwrap();
    assert_eq!(restored.version, 27);
    assert_eq!(restored.content, versions.last().unwrap().content);
    assert_eq!(store.dashboard(&d.id).unwrap().unwrap(), restored);
    let numbers: Vec<u64> = store
        .dashboard_versions(&d.id)
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(numbers, (8..=27).rev().collect::<Vec<_>>());

    let before = snapshot(&*store);
    assert!(matches!(
        store.restore_dashboard(&d.id, 7, &note(101)),
        Err(StoreError::VersionNotFound(7))
    ));
    assert!(matches!(
        store.restore_dashboard(&DashboardId::random(), 1, &note(101)),
        Err(StoreError::DashboardNotFound)
    ));
    assert_eq!(snapshot(&*store), before);
}

#[test]
fn invalid_content_changes_nothing() {
    let (_dir, store) = temp_store();
    let d = Dashboard::new(UserId::random(), content("Sales", 2), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    let before = snapshot(&*store);

    let mut off_grid = content("Sales", 1);
    off_grid.widgets[0] = widget("w0", 10, 0, 3, 1);
    let mut zero = content("Sales", 1);
    zero.widgets[0].h = 0;
    let mut bad_tab = content("Sales", 1);
    bad_tab.layout = Layout::Tabs {
        tabs: vec!["Only".into()],
    };
    bad_tab.widgets[0].tab = 1;
    let mut dup = content("Sales", 2);
    dup.widgets[1].id = "w0".into();
    let untitled = content("", 1);

    for (bad, expected) in [
        (off_grid, "off the grid"),
        (zero, "at least 1 wide"),
        (bad_tab, "tab 1"),
        (dup, "two widgets"),
        (untitled, "needs a title"),
    ] {
        let err = store
            .update_dashboard(&d.id, 1, &bad, &note(1))
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidDashboard(_)), "{err:?}");
        assert!(err.to_string().contains(expected), "{err} / {expected}");
        // A new dashboard with the same content is refused too.
        let fresh = Dashboard {
            content: bad,
            ..Dashboard::new(UserId::random(), content("x", 0), t0()).unwrap()
        };
        assert!(store.insert_dashboard(&fresh).is_err());
        assert!(Dashboard::new(UserId::random(), fresh.content, t0()).is_err());
    }
    assert!(matches!(
        store.set_default_dashboard(&UserId::random(), Some(&DashboardId::random())),
        Err(StoreError::DashboardNotFound)
    ));
    assert!(matches!(
        store.update_dashboard(&DashboardId::random(), 1, &content("x", 1), &note(1)),
        Err(StoreError::DashboardNotFound)
    ));
    assert_eq!(snapshot(&*store), before, "nothing was written");
    assert_eq!(
        DashboardError::ZeroSize("a".into()).to_string(),
        "widget \"a\" must be at least 1 wide and 1 high"
    );
}

#[test]
fn sharing_default_clone_and_delete() {
    let (_dir, store) = temp_store();
    let owner = UserId::random();
    let other = UserId::random();
    let d = Dashboard::new(owner.clone(), content("Ops", 3), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    store
        .update_dashboard(&d.id, 1, &content("Ops 2", 4), &note(1))
        .unwrap();

    // Sharing does not bump the version, so editors do not conflict on it.
    let shared = store
        .set_sharing(&d.id, Sharing::Editable { role: Role::Editor }, at(2))
        .unwrap();
    assert_eq!(shared.version, 2);
    assert_eq!(shared.updated, at(2));
    assert!(
        store
            .update_dashboard(&d.id, 2, &content("Ops 3", 1), &note(3))
            .is_ok()
    );
    assert_eq!(
        store.dashboard(&d.id).unwrap().unwrap().sharing,
        Sharing::Editable { role: Role::Editor }
    );

    assert_eq!(store.default_dashboard(&other).unwrap(), None);
    store.set_default_dashboard(&other, Some(&d.id)).unwrap();
    assert_eq!(store.default_dashboard(&other).unwrap(), Some(d.id.clone()));

    let copy = store
        .clone_dashboard(&d.id, &other, "My Ops", at(4))
        .unwrap();
    assert_ne!(copy.id, d.id);
    assert_eq!(copy.owner, other);
    assert_eq!(copy.version, 1);
    assert_eq!(copy.sharing, Sharing::Private);
    assert_eq!(copy.content.title, "My Ops");
    assert_eq!(copy.content.widgets, content("Ops 3", 1).widgets);
    assert!(store.clone_dashboard(&d.id, &other, " ", at(4)).is_err());

    let titles: Vec<String> = store
        .dashboards()
        .unwrap()
        .into_iter()
        .map(|d| d.content.title)
        .collect();
    assert_eq!(titles, ["My Ops", "Ops 3"]);

    store.delete_dashboard(&d.id).unwrap();
    assert_eq!(store.dashboard(&d.id).unwrap(), None);
    assert!(store.dashboard_versions(&d.id).unwrap().is_empty());
    assert_eq!(
        store.default_dashboard(&other).unwrap(),
        None,
        "dangling default"
    );
    assert!(matches!(
        store.delete_dashboard(&d.id),
        Err(StoreError::DashboardNotFound)
    ));
    assert_eq!(store.dashboard(&copy.id).unwrap(), Some(copy));
}
