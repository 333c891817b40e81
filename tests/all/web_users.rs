//! `/admin/users` over real HTTP: admins add, re-role, reset, disable and
//! delete users; nobody else may; nobody locks themself (or everyone) out.

use crate::web_support::{As, PASSWORD, World, form_body, login, send, start};

fn session(w: &World, user: &str, password: &str) -> Option<As> {
    let (cookie, csrf) = login(&w.base, user, password)?;
    Some(As::Session { cookie, csrf })
}

/// The id of `user`, read from the admin page's forms.
fn user_id(page: &str, user: &str) -> String {
    let row = page
        .split(&format!(r#"data-user="{user}""#))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for {user}"));
    let marker = "/admin/users/";
    let start = row.find(marker).unwrap() + marker.len();
    row[start..].split('/').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_manage_users_and_no_one_else_may() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let page_url = format!("{base}/admin/users");
        let admin = session(&w, "admin", PASSWORD).unwrap();
        let editor = session(&w, "editor", PASSWORD).unwrap();
        let post = |who: &As, path: &str, form: &str| {
            send(
                "POST",
                &format!("{base}/admin/users{path}"),
                who,
                form_body(form),
            )
        };
        let page = || send("GET", &page_url, &admin, None).body;

        // Who may see the page.
        assert_eq!(send("GET", &page_url, &As::Anonymous, None).status, 401);
        assert_eq!(send("GET", &page_url, &editor, None).status, 403);
        let viewer = session(&w, "viewer", PASSWORD).unwrap();
        assert_eq!(send("GET", &page_url, &viewer, None).status, 403);
        let listing = send("GET", &page_url, &admin, None);
        assert_eq!(listing.status, 200);
        for name in ["admin", "editor", "editor2", "viewer"] {
            assert!(
                listing.body.contains(&format!(r#"data-user="{name}""#)),
                "{name}"
            );
        }
        assert!(
            listing
                .body
                .contains(r#"href="/admin/users" aria-current="page""#)
        );

        // Add: admin only, CSRF checked, bad input refused.
        let new = "username=newbie&password=a+long+enough+pass&role=viewer";
        assert_eq!(post(&editor, "", new).status, 403);
        let no_csrf = match &admin {
            As::Session { cookie, .. } => As::SessionWithoutCsrf {
                cookie: cookie.clone(),
            },
            _ => unreachable!(),
        };
        assert_eq!(post(&no_csrf, "", new).status, 403);
        assert!(!page().contains("newbie"), "refused adds store nothing");
        let short = post(&admin, "", "username=newbie&password=short&role=viewer");
        assert_eq!(short.status, 422, "{}", short.body);
        let role = post(
            &admin,
            "",
            "username=newbie&password=a+long+enough+pass&role=root",
        );
        assert_eq!(role.status, 400, "{}", role.body);
        assert!(role.body.contains("unknown role"), "{}", role.body);
        assert!(!page().contains("newbie"));
        assert_eq!(post(&admin, "", new).status, 200);
        let dup = post(
            &admin,
            "",
            "username=NEWBIE&password=a+long+enough+pass&role=viewer",
        );
        assert_eq!(dup.status, 409, "{}", dup.body);
        let newbie = session(&w, "newbie", "a long enough pass").expect("the new user signs in");
        let create = |who: &As| {
            send(
                "POST",
                &format!("{base}/dashboards"),
                who,
                form_body("title=Mine&layout=grid"),
            )
            .status
        };
        assert_eq!(create(&newbie), 403, "a viewer creates nothing");

        // Change role.
        let id = user_id(&page(), "newbie");
        assert_eq!(
            post(&editor, &format!("/{id}/role"), "role=admin").status,
            403
        );
        assert_eq!(post(&admin, &format!("/{id}/role"), "role=god").status, 400);
        assert_eq!(
            post(&admin, &format!("/{id}/role"), "role=editor").status,
            200
        );
        assert_eq!(create(&newbie), 200, "now an editor");

        // Reset password: old sessions end, the new password works.
        assert_eq!(
            post(&admin, &format!("/{id}/password"), "password=x").status,
            422
        );
        assert_eq!(
            post(
                &admin,
                &format!("/{id}/password"),
                "password=another+long+pass"
            )
            .status,
            200
        );
        assert_eq!(
            send("GET", &format!("{base}/dashboards"), &newbie, None).status,
            401
        );
        assert!(session(&w, "newbie", "a long enough pass").is_none());
        assert!(session(&w, "newbie", "another long pass").is_some());

        // Disable and enable.
        assert_eq!(
            post(&admin, &format!("/{id}/disabled"), "disabled=maybe").status,
            400
        );
        assert_eq!(
            post(&admin, &format!("/{id}/disabled"), "disabled=true").status,
            200
        );
        assert!(
            session(&w, "newbie", "another long pass").is_none(),
            "disabled"
        );
        assert!(page().contains(r#"class="badge">disabled<"#));
        assert_eq!(
            post(&admin, &format!("/{id}/disabled"), "disabled=false").status,
            200
        );
        assert!(
            session(&w, "newbie", "another long pass").is_some(),
            "enabled"
        );

        // Nobody acts on themself.
        let me = user_id(&page(), "admin");
        for (path, form) in [
            ("role", "role=viewer"),
            ("disabled", "disabled=true"),
            ("delete", ""),
        ] {
            let a = post(&admin, &format!("/{me}/{path}"), form);
            assert_eq!(a.status, 409, "{path}: {}", a.body);
            assert!(a.body.contains("your own account"), "{}", a.body);
        }
        assert!(session(&w, "admin", PASSWORD).is_some(), "still an admin");

        // Delete: refused while the user owns dashboards, then done.
        let owner = post(&admin, &format!("/{id}/delete"), "");
        assert_eq!(owner.status, 409, "{}", owner.body);
        assert!(owner.body.contains("owns 1 dashboard"), "{}", owner.body);
        let newbie = session(&w, "newbie", "another long pass").unwrap();
        let list = send(
            "GET",
            &format!("{base}/api/v1/dashboards"),
            &As::Token(w.token("admin").into()),
            None,
        )
        .json();
        let mine = list
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["title"] == "Mine")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let gone = send(
            "POST",
            &format!("{base}/dashboards/{mine}/delete"),
            &newbie,
            None,
        );
        assert_eq!(gone.status, 200);
        assert_eq!(post(&editor, &format!("/{id}/delete"), "").status, 403);
        assert_eq!(post(&admin, &format!("/{id}/delete"), "").status, 200);
        assert!(!page().contains("newbie"));
        assert!(session(&w, "newbie", "another long pass").is_none());
        assert_eq!(
            send("GET", &format!("{base}/dashboards"), &newbie, None).status,
            401
        );
        assert_eq!(post(&admin, &format!("/{id}/delete"), "").status, 404);
        // The name is free again.
        assert_eq!(post(&admin, "", new).status, 200);

        // A second admin may demote the first; then the last admin stays.
        let id2 = user_id(&page(), "editor2");
        assert_eq!(
            post(&admin, &format!("/{id2}/role"), "role=admin").status,
            200
        );
        let admin2 = session(&w, "editor2", PASSWORD).unwrap();
        assert_eq!(
            post(&admin2, &format!("/{me}/role"), "role=editor").status,
            200
        );
        assert_eq!(send("GET", &page_url, &admin, None).status, 403);
        let last = post(&admin2, &format!("/{id2}/role"), "role=viewer");
        assert_eq!(last.status, 409, "{}", last.body);
    })
    .await
    .unwrap();
}
