//! Managing a dashboard over real HTTP: rename, sharing, versions with
//! restore, JSON export and import — each with who may and who may not,
//! and each refusal a clear 4xx that changes nothing.

use serde_json::{Value, json};

use crate::web_support::{As, PASSWORD, World, form_body, json_body, login, send, start};

fn session(w: &World, user: &str) -> As {
    let (cookie, csrf) = login(&w.base, user, PASSWORD).unwrap();
    As::Session { cookie, csrf }
}

fn api(w: &World, id: &str) -> Value {
    send(
        "GET",
        &format!("{}/api/v1/dashboards/{id}", w.base),
        &As::Token(w.token("admin").into()),
        None,
    )
    .json()
}

fn count(w: &World) -> usize {
    send(
        "GET",
        &format!("{}/api/v1/dashboards", w.base),
        &As::Token(w.token("admin").into()),
        None,
    )
    .json()
    .as_array()
    .unwrap()
    .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_and_sharing_follow_the_rules() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = session(&w, "editor");
        let editor2 = session(&w, "editor2");
        let viewer = session(&w, "viewer");
        let private = &w.private;

        let page = send(
            "GET",
            &format!("{base}/dashboards/{private}/settings"),
            &editor,
            None,
        );
        assert_eq!(page.status, 200);
        assert!(page.body.contains(r#"name="title""#), "a rename form");
        assert!(page.body.contains(r#"name="sharing""#), "a sharing form");
        assert!(page.body.contains("/export.json"), "a download link");

        // Rename: a stale version is refused, the right one saves.
        let rename = |who: &As, id: &str, form: &str| {
            send(
                "POST",
                &format!("{base}/dashboards/{id}/rename"),
                who,
                form_body(form),
            )
        };
        let stale = rename(&editor, private, "title=Renamed&version=7");
        assert_eq!(stale.status, 409, "{}", stale.body);
        assert_eq!(api(&w, private)["title"], "Private");
        let empty = rename(&editor, private, "title=+&version=1");
        assert_eq!(empty.status, 422, "{}", empty.body);
        let ok = rename(&editor, private, "title=Renamed&version=1");
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(api(&w, private)["title"], "Renamed");
        assert_eq!(api(&w, private)["version"], 2);
        // Others: not visible → 404; visible but read-only → 403.
        assert_eq!(rename(&editor2, private, "title=X&version=2").status, 404);
        assert_eq!(rename(&viewer, &w.shared, "title=X&version=1").status, 403);
        assert_eq!(
            rename(&editor2, &w.editable, "title=Team+2&version=1").status,
            200
        );
        let no_csrf = As::SessionWithoutCsrf {
            cookie: match &editor {
                As::Session { cookie, .. } => cookie.clone(),
                _ => unreachable!(),
            },
        };
        assert_eq!(rename(&no_csrf, private, "title=Y&version=2").status, 403);
        assert_eq!(api(&w, private)["title"], "Renamed");

        // Sharing: owner and admin only.
        let share = |who: &As, id: &str, value: &str| {
            send(
                "POST",
                &format!("{base}/dashboards/{id}/sharing"),
                who,
                form_body(&format!("sharing={value}")),
            )
        };
        let viewer_sees = || {
            send(
                "GET",
                &format!("{base}/dashboards/{private}"),
                &viewer,
                None,
            )
            .status
        };
        assert_eq!(viewer_sees(), 404);
        let bad = share(&editor, private, "public");
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(bad.body.contains("unknown sharing"), "{}", bad.body);
        assert_eq!(share(&editor2, private, "read_only:viewer").status, 404);
        assert_eq!(share(&editor2, &w.editable, "private").status, 403);
        assert_eq!(share(&viewer, &w.shared, "private").status, 403);
        assert_eq!(api(&w, private)["sharing"], json!({"mode": "private"}));
        assert_eq!(share(&editor, private, "read_only:viewer").status, 200);
        assert_eq!(
            api(&w, private)["sharing"],
            json!({"mode": "read_only", "role": "viewer"})
        );
        assert_eq!(viewer_sees(), 200, "shared with viewers now");
        assert_eq!(
            api(&w, private)["version"],
            2,
            "sharing is not a content version"
        );
        let admin = session(&w, "admin");
        assert_eq!(share(&admin, private, "editable:editor").status, 200);
        assert_eq!(
            viewer_sees(),
            404,
            "editable by editors hides it from viewers"
        );

        // The same over the API, with tokens.
        let put = |who: &str, id: &str, body: Value| {
            send(
                "PUT",
                &format!("{base}/api/v1/dashboards/{id}/sharing"),
                &As::Token(w.token(who).into()),
                json_body(&body),
            )
        };
        assert_eq!(
            put("viewer", &w.shared, json!({"mode": "private"})).status,
            403
        );
        let odd = put("editor", &w.shared, json!({"mode": "everyone"}));
        assert_eq!(odd.status, 400, "{}", odd.body);
        let done = put("editor", &w.shared, json!({"mode": "private"}));
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.json()["sharing"], json!({"mode": "private"}));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_listed_and_restored_by_owner_or_admin() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let team = &w.editable; // admin's, editable by editors
        let put_title = |version: u64, title: &str| {
            let mut d = api(&w, team);
            let body = json!({
                "version": version, "title": title,
                "layout": d["layout"].take(), "widgets": d["widgets"].take(),
            });
            let a = send(
                "PUT",
                &format!("{base}/api/v1/dashboards/{team}"),
                &As::Token(w.token("editor2").into()),
                json_body(&body),
            );
            assert_eq!(a.status, 200, "{}", a.body);
        };
        put_title(1, "Team v2");
        put_title(2, "Team v3");

        let list = |who: &str| {
            send(
                "GET",
                &format!("{base}/api/v1/dashboards/{team}/versions"),
                &As::Token(w.token(who).into()),
                None,
            )
        };
        let kept = list("editor").json();
        let versions: Vec<u64> = kept
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_u64().unwrap())
            .collect();
        assert_eq!(versions, [3, 2, 1], "newest first");
        assert_eq!(kept[0]["current"], true);
        assert_eq!(kept[2]["title"], "Team");
        assert_eq!(list("viewer").status, 404, "not shared with viewers");

        let editor2 = session(&w, "editor2");
        let page = send(
            "GET",
            &format!("{base}/dashboards/{team}/versions"),
            &editor2,
            None,
        );
        assert_eq!(page.status, 200, "editors of it see the history");
        assert!(
            !page.body.contains(">Restore<"),
            "but get no restore button"
        );

        let restore = |who: &As, v: &str| {
            send(
                "POST",
                &format!("{base}/dashboards/{team}/versions/{v}/restore"),
                who,
                None,
            )
        };
        let denied = restore(&editor2, "1");
        assert_eq!(denied.status, 403, "{}", denied.body);
        assert!(denied.body.contains("owner or an admin"), "{}", denied.body);
        assert_eq!(api(&w, team)["version"], 3);

        let admin = session(&w, "admin");
        let page = send(
            "GET",
            &format!("{base}/dashboards/{team}/versions"),
            &admin,
            None,
        );
        assert!(page.body.contains(">Restore<"), "{}", page.body);
        assert_eq!(restore(&admin, "abc").status, 400);
        assert_eq!(restore(&admin, "99").status, 404);
        assert_eq!(restore(&admin, "3").status, 409, "already current");
        assert_eq!(api(&w, team)["version"], 3);
        let ok = restore(&admin, "1");
        assert_eq!(ok.status, 200, "{}", ok.body);
        let now = api(&w, team);
        assert_eq!(now["title"], "Team");
        assert_eq!(now["version"], 4, "a restore is a new version");

        // Over the API: owner yes, others no.
        let api_restore = |who: &str, v: u64| {
            send(
                "POST",
                &format!("{base}/api/v1/dashboards/{team}/versions/{v}/restore"),
                &As::Token(w.token(who).into()),
                None,
            )
        };
        assert_eq!(api_restore("editor2", 3).status, 403);
        let a = api_restore("admin", 3);
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.json()["title"], "Team v3");
    })
    .await
    .unwrap();
}

fn export(w: &World, id: &str, who: &str) -> Value {
    let a = send(
        "GET",
        &format!("{}/api/v1/dashboards/{id}/json", w.base),
        &As::Token(w.token(who).into()),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_export_and_import_as_json() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let doc = export(&w, &w.shared, "viewer");
        assert_eq!(doc["format"], "wasmdash-dashboard");
        assert_eq!(doc["schema"], 1);
        assert_eq!(doc["title"], "Shared");
        assert!(doc.get("owner").is_none() && doc.get("id").is_none());
        let hidden = send(
            "GET",
            &format!("{base}/api/v1/dashboards/{}/json", w.private),
            &As::Token(w.token("editor2").into()),
            None,
        );
        assert_eq!(hidden.status, 404);

        // The page download is the same document.
        let viewer = session(&w, "viewer");
        let file = send(
            "GET",
            &format!("{base}/dashboards/{}/export.json", w.shared),
            &viewer,
            None,
        );
        assert_eq!(file.status, 200);
        assert_eq!(file.json(), doc);

        let import = |who: &str, body: Vec<u8>| {
            send(
                "POST",
                &format!("{base}/api/v1/dashboards/import"),
                &As::Token(w.token(who).into()),
                Some(("application/json", body)),
            )
        };
        let before = count(&w);
        let denied = import("viewer", doc.to_string().into_bytes());
        assert_eq!(denied.status, 403, "{}", denied.body);

        let with = |path: &str, value: Value| {
            let mut d = doc.clone();
            *d.pointer_mut(path).unwrap() = value;
            d.to_string().into_bytes()
        };
        let bad: Vec<(Vec<u8>, u16, &str)> = vec![
            (b"{not json".to_vec(), 400, "not valid"),
            (
                with("/format", "other".into()),
                400,
                "not a wasmdash dashboard",
            ),
            (with("/schema", 9.into()), 400, "newer"),
            (
                with("/widgets/0/plugin", "no-such".into()),
                422,
                "no widget plugin",
            ),
            (
                with("/widgets/0/config", json!({"metric": 5})),
                422,
                "metric: 5 is not of type",
            ),
            (with("/widgets/0/x", 11.into()), 422, "off the grid"),
            (with("/widgets/0/tab", 3.into()), 422, "tab"),
            (vec![b' '; 4 * 1024 * 1024 + 10], 413, "larger than 4 MiB"),
        ];
        for (body, status, reason) in bad {
            let a = import("editor2", body);
            assert_eq!(a.status, status, "{}", a.body);
            assert!(a.body.contains(reason), "{reason}: {}", a.body);
            assert!(a.json()["error"].is_string(), "a JSON error: {}", a.body);
        }
        assert_eq!(count(&w), before, "no refused import saved anything");

        let made = import("editor2", doc.to_string().into_bytes());
        assert_eq!(made.status, 201, "{}", made.body);
        let made = made.json();
        let id = made["id"].as_str().unwrap();
        assert_eq!(made["title"], "Shared");
        assert_eq!(made["version"], 1);
        assert_eq!(made["sharing"], json!({"mode": "private"}));
        assert_eq!(made["widgets"], doc["widgets"]);
        assert_eq!(
            export(&w, id, "editor2"),
            doc,
            "a round trip keeps everything"
        );
        assert_eq!(count(&w), before + 1);

        // The page form: pasted JSON; empty is refused.
        let editor = session(&w, "editor");
        let form = |text: &str| {
            let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
            send(
                "POST",
                &format!("{base}/dashboards/import"),
                &editor,
                form_body(&format!("document={encoded}")),
            )
        };
        assert_eq!(form("  ").status, 400);
        let bad_page = form(&String::from_utf8(with("/widgets/0/plugin", "nope".into())).unwrap());
        assert_eq!(bad_page.status, 422, "{}", bad_page.body);
        assert!(
            bad_page.body.contains("no widget plugin"),
            "{}",
            bad_page.body
        );
        assert_eq!(form(&doc.to_string()).status, 200);
        assert_eq!(count(&w), before + 2);
        let viewer_form = send(
            "POST",
            &format!("{base}/dashboards/import"),
            &viewer,
            form_body("document=%7B%7D"),
        );
        assert_eq!(viewer_form.status, 403);
    })
    .await
    .unwrap();
}
