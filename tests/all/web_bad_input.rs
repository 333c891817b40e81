//! Bad input to the dashboard routes: each is a clear 4xx and saves nothing.

use serde_json::{Value, json};

use crate::web_support::{As, PASSWORD, form_body, json_body, layout_body, login, send, start};

/// A request body: content type and bytes.
type Body = Option<(&'static str, Vec<u8>)>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_changes_nothing() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let (cookie, csrf) = login(base, "editor", PASSWORD).unwrap();
        let editor = As::Session { cookie: cookie.clone(), csrf };
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        let before: Value = send("GET", &api, &editor, None).json();
        assert_eq!(before["version"], 1);

        let widget = |config: Value, plugin: &str, x: u32| {
            json!({"version": 1, "title": "T", "widgets": [
                {"id": "w1", "plugin": plugin, "title": "t", "config": config, "x": x, "y": 0, "w": 3, "h": 2}
            ]})
        };
        let cases: Vec<(&str, Body, u16, &str)> = vec![
            ("garbled JSON", Some(("application/json", b"{\"version\": 1, \"title\": ".to_vec())), 400, "JSON"),
            ("not JSON at all", Some(("text/plain", b"hello".to_vec())), 400, "JSON"),
            ("oversized body", Some(("application/json", vec![b' '; 600 * 1024])), 413, "larger"),
            ("unknown field", json_body(&json!({"version": 1, "title": "T", "owner": "me"})), 400, "owner"),
            ("no version", json_body(&json!({"title": "T"})), 400, "version"),
            ("stale version", json_body(&json!({"version": 0, "title": "T"})), 409, "version"),
            ("empty title", json_body(&json!({"version": 1, "title": "  "})), 422, "title"),
            ("control character in the title", json_body(&json!({"version": 1, "title": "Q3\u{1b}[2J"})), 422, "control character"),
            ("unknown plugin", json_body(&widget(json!({"metric": "total_orders"}), "no-such-plugin", 0)), 422, "no-such-plugin"),
            ("widget off the grid", json_body(&widget(json!({"metric": "total_orders"}), "metric-card", 11)), 422, "grid"),
            ("config failing the schema", json_body(&widget(json!({"metric": 42}), "metric-card", 0)), 422, "metric"),
        ];
        for (what, body, want, mentions) in cases {
            let got = send("PUT", &api, &editor, body);
            assert_eq!(got.status, want, "{what}: {}", got.body);
            let error = got.json()["error"].as_str().unwrap_or_default().to_owned();
            assert!(
                error.to_lowercase().contains(&mentions.to_lowercase()),
                "{what}: error {error:?} should mention {mentions:?}"
            );
        }

        // A session without the CSRF token may read but not write.
        let no_csrf = As::SessionWithoutCsrf { cookie };
        assert_eq!(send("GET", &api, &no_csrf, None).status, 200);
        let got = send("PUT", &api, &no_csrf, json_body(&json!({"version": 1, "title": "X"})));
        assert_eq!(got.status, 403, "{}", got.body);
        let got = send("POST", &format!("{base}/dashboards"), &no_csrf, form_body("title=X"));
        assert_eq!(got.status, 403);
        let got = send(
            "POST",
            &format!("{base}/dashboards/{}/layout", w.private),
            &no_csrf,
            layout_body(1, &json!([]), &[]),
        );
        assert_eq!(got.status, 403);

        // Layout saves: unknown widget, off-grid, stale version, bad
        // items, an overlong message; none saves anything, and no copy is
        // left behind by a refused "save as a copy".
        let layout = format!("{base}/dashboards/{}/layout", w.private);
        let long = "x".repeat(501);
        for (items, version, more, want) in [
            (json!([{"id": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]), 1, vec![], 422),
            (json!([{"id": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]), 1, vec![("as_copy", "true")], 422),
            (json!([{"id": "w1", "x": 10, "y": 0, "w": 3, "h": 1}]), 1, vec![], 422),
            (json!([{"id": "w1", "x": 10, "y": 0, "w": 3, "h": 1}]), 1, vec![("as_copy", "true")], 422),
            (json!([{"id": "w1", "x": 0, "y": 0, "w": 0, "h": 1}]), 1, vec![], 422),
            (json!([{"id": "w1", "x": 1, "y": 0, "w": 3, "h": 2}]), 7, vec![], 409),
            (json!([{"id": "w1", "x": 1, "y": 0, "w": 3, "h": 2}]), 1, vec![("message", long.as_str())], 422),
            (json!({"id": "w1"}), 1, vec![], 400),
            (json!([{"id": "w1", "x": -1, "y": 0, "w": 3, "h": 2}]), 1, vec![], 400),
            (json!([{"id": "w1", "x": 1, "y": 0, "w": 3, "h": 2, "colour": 1}]), 1, vec![], 400),
        ] {
            let got = send("POST", &layout, &editor, layout_body(version, &items, &more));
            assert_eq!(got.status, want, "{items} {more:?}: {}", got.body);
        }
        let got = send("POST", &layout, &editor, form_body("version=1"));
        assert_eq!(got.status, 400, "no items: {}", got.body);
        let got = send("POST", &layout, &editor, form_body("items=%5B%5D"));
        assert_eq!(got.status, 400, "no version: {}", got.body);
        let list: Value = send("GET", &format!("{base}/api/v1/dashboards"), &editor, None).json();
        assert!(
            !list.as_array().unwrap().iter().any(|d| d["title"].as_str().unwrap_or_default().starts_with("Copy of")),
            "a refused copy leaves nothing: {list}"
        );

        // Widget form: config failing the schema comes back as 422 with the form.
        let got = send(
            "POST",
            &format!("{base}/dashboards/{}/widgets", w.private),
            &editor,
            form_body("plugin=metric-card&version=1&title=T&config_json=%7B%22metric%22%3A5%7D"),
        );
        assert_eq!(got.status, 422, "{}", got.body);
        assert!(got.body.contains("widget-form"));
        let got = send(
            "POST",
            &format!("{base}/dashboards/{}/widgets", w.private),
            &editor,
            form_body("plugin=no-such&version=1&title=T"),
        );
        assert_eq!(got.status, 422);

        // A bad time range is a 400, not a broken page.
        let got = send("GET", &format!("{base}/dashboards/{}?range=1000y", w.private), &editor, None);
        assert_eq!(got.status, 400, "{}", got.body);

        let after: Value = send("GET", &api, &editor, None).json();
        assert_eq!(before, after, "nothing may have been saved");
    })
    .await
    .unwrap();
}
