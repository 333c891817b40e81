//! The permission matrix: every role × sharing mode × action, for the
//! owner and for other users, with real users and dashboards from a store.

use wasmdash::auth::{Action, AuthConfig, can, can_create_dashboard, can_manage_users, visible_to};
use wasmdash::store::{Dashboard, Role, Sharing, User};

use crate::store_support::{content, t0, temp_auth};

/// Actions as letters: View, eXport, Edit, Share, Delete.
fn letters(user: &User, d: &Dashboard) -> String {
    Action::ALL
        .into_iter()
        .zip(['V', 'X', 'E', 'S', 'D'])
        .filter(|(a, _)| can(user, *a, d))
        .map(|(_, c)| c)
        .collect()
}

#[test]
fn permission_matrix() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    let store = auth.store().clone();
    let make = |name: &str, role| {
        auth.create_user(name, "a good password", role, t0())
            .unwrap()
    };
    let owner = make("owner", Role::Editor);
    let viewer = make("viewer", Role::Viewer);
    let editor = make("editor", Role::Editor);
    let admin = make("admin", Role::Admin);
    let disabled_admin = {
        let u = make("gone", Role::Admin);
        store.set_disabled(&u.id, true).unwrap()
    };

    use Role::{Admin as A, Editor as E, Viewer as V};
    // (sharing, what viewer / editor / admin who are not the owner may do)
    let table = [
        (Sharing::Private, "", "", "VXESD"),
        (Sharing::ReadOnly { role: V }, "VX", "VX", "VXESD"),
        (Sharing::ReadOnly { role: E }, "", "VX", "VXESD"),
        (Sharing::ReadOnly { role: A }, "", "", "VXESD"),
        (Sharing::Editable { role: V }, "VXE", "VXE", "VXESD"),
        (Sharing::Editable { role: E }, "", "VXE", "VXESD"),
        (Sharing::Editable { role: A }, "", "", "VXESD"),
    ];
    let d = Dashboard::new(owner.id.clone(), content("Matrix", 2), t0()).unwrap();
    store.insert_dashboard(&d).unwrap();
    for (sharing, for_viewer, for_editor, for_admin) in table {
        let d = store.set_sharing(&d.id, sharing, t0()).unwrap();
        let row = |u: &User| letters(u, &d);
        assert_eq!(row(&owner), "VXESD", "{sharing:?}: owner");
        assert_eq!(row(&viewer), for_viewer, "{sharing:?}: viewer");
        assert_eq!(row(&editor), for_editor, "{sharing:?}: editor");
        assert_eq!(row(&admin), for_admin, "{sharing:?}: admin");
        assert_eq!(row(&disabled_admin), "", "{sharing:?}: disabled admin");
        let visible: Vec<_> = [&owner, &viewer, &editor, &admin]
            .into_iter()
            .map(|u| visible_to(u, vec![d.clone()]).len())
            .collect();
        let expect = |s: &str| usize::from(s.contains('V'));
        assert_eq!(
            visible,
            [1, expect(for_viewer), expect(for_editor), 1],
            "{sharing:?}: visible_to"
        );
    }

    // An owner keeps every right even with the lowest role, unless
    // disabled.
    let demoted = store.set_role(&owner.id, Role::Viewer).unwrap();
    let d = store.dashboard(&d.id).unwrap().unwrap();
    assert_eq!(letters(&demoted, &d), "VXESD");
    let disabled_owner = store.set_disabled(&owner.id, true).unwrap();
    assert_eq!(letters(&disabled_owner, &d), "");

    // General rights.
    let general = |u: &User| (can_create_dashboard(u), can_manage_users(u));
    assert_eq!(general(&viewer), (false, false));
    assert_eq!(general(&editor), (true, false));
    assert_eq!(general(&admin), (true, true));
    assert_eq!(general(&disabled_admin), (false, false));
}
