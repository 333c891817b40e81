//! API bodies say nothing in vain: every key of a dashboard, widget,
//! layout, sharing or imported document is either used or refused by name,
//! with nothing saved; `message` on `POST /api/v1/dashboards` goes with the
//! first version, as on `PUT`.

use serde_json::{Value, json};

use crate::web_support::{As, json_body, send, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_body_key_is_used_or_refused_by_name() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = As::Token(w.token("editor").into());
        let list = format!("{base}/api/v1/dashboards");
        let all = || send("GET", &list, &editor, None).json();
        let card = json!({"id": "c", "plugin": "metric-card", "title": "Orders",
                          "config": {"metric": "total_orders"}, "x": 0, "y": 0, "w": 3, "h": 2});

        // POST keeps its message with the first version.
        let made = send(
            "POST",
            &list,
            &editor,
            json_body(&json!({"title": "From the API", "widgets": [card],
                              "message": "Started by the nightly job"})),
        );
        assert_eq!(made.status, 201, "{}", made.body);
        let id = made.json()["id"].as_str().unwrap().to_owned();
        let versions: Value = send("GET", &format!("{list}/{id}/versions"), &editor, None).json();
        assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
        assert_eq!(versions[0]["message"], "Started by the nightly job");
        assert_eq!(versions[0]["author"], "editor");
        // A message that cannot be kept is refused like on PUT.
        let long = json!({"title": "Too chatty", "message": "x".repeat(501)});
        let got = send("POST", &list, &editor, json_body(&long));
        assert_eq!(got.status, 422, "{}", got.body);

        let before = all();
        let dashboard = format!("{list}/{id}");
        let stored = send("GET", &dashboard, &editor, None).json();
        let with_key = |method: &str, url: &str, body: Value, key: &str| {
            let got = send(method, url, &editor, json_body(&body));
            assert_eq!(got.status, 400, "{method} {url} {key}: {}", got.body);
            let error = got.json()["error"].as_str().unwrap_or_default().to_owned();
            assert!(error.contains(&format!("`{key}`")), "{key}: {error}");
        };
        // `version` means "the version I edited": a new dashboard has none.
        with_key(
            "POST",
            &list,
            json!({"title": "T", "version": 3}),
            "version",
        );
        // Keys of a widget, a layout, the body itself.
        let mut odd = card.clone();
        odd["colour"] = json!("red");
        with_key(
            "POST",
            &list,
            json!({"title": "T", "widgets": [odd]}),
            "colour",
        );
        with_key(
            "POST",
            &list,
            json!({"title": "T", "layout": {"kind": "grid", "tabs": ["A"]}}),
            "tabs",
        );
        with_key(
            "PUT",
            &dashboard,
            json!({"version": 1, "title": "T", "widgets": [odd]}),
            "colour",
        );
        with_key(
            "PUT",
            &dashboard,
            json!({"version": 1, "title": "T", "owner": "someone"}),
            "owner",
        );
        // Sharing: a role means nothing to a private dashboard.
        with_key(
            "PUT",
            &format!("{dashboard}/sharing"),
            json!({"mode": "private", "role": "viewer"}),
            "role",
        );
        with_key(
            "PUT",
            &format!("{dashboard}/sharing"),
            json!({"mode": "read_only", "role": "viewer", "until": "never"}),
            "until",
        );
        // An imported document: its own keys, its widgets' and layout's.
        let doc: Value = send("GET", &format!("{dashboard}/json"), &editor, None).json();
        for (pointer, key) in [("", "theme"), ("/widgets/0", "colour"), ("/layout", "tabs")] {
            let mut odd = doc.clone();
            odd.pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert(key.into(), json!(["A"]));
            with_key("POST", &format!("{list}/import"), odd, key);
        }
        // The document as exported imports.
        let imported = send("POST", &format!("{list}/import"), &editor, json_body(&doc));
        assert_eq!(imported.status, 201, "{}", imported.body);

        // Nothing refused changed anything.
        assert_eq!(send("GET", &dashboard, &editor, None).json(), stored);
        assert_eq!(
            all().as_array().unwrap().len(),
            before.as_array().unwrap().len() + 1
        );
    })
    .await
    .unwrap();
}
