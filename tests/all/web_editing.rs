//! Editing as a person expects: a stale widget form offers reload,
//! overwrite or a copy without losing what was typed; viewers get no edit
//! controls; failed pages are styled pages with a way on; tabs are edited
//! on the settings page.

use serde_json::{Value, json};

use crate::web_support::{
    As, PASSWORD, form_body, json_body, layout_body, login, send, send_htmx, start,
};

fn session(base: &str, user: &str) -> As {
    let (cookie, csrf) = login(base, user, PASSWORD).unwrap();
    As::Session { cookie, csrf }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_widget_form_offers_three_ways_and_keeps_the_typed_text() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = session(base, "editor");
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        // Someone else saves first: the dashboard is now at version 2.
        let before: Value = send("GET", &api, &editor, None).json();
        let rename = json!({"version": 1, "title": "Renamed meanwhile", "widgets": before["widgets"]});
        assert_eq!(send("PUT", &api, &editor, json_body(&rename)).status, 200);

        let typed = "plugin=metric-card&version=1&title=My+typed+title&cfg.metric=revenue&cfg.sparkline=true";
        let url = format!("{base}/dashboards/{}/widgets/w1/config", w.private);
        let stale = send("POST", &url, &editor, form_body(typed));
        assert_eq!(stale.status, 409, "{}", stale.body);
        for offered in ["Reload (drop my changes)", "Overwrite with mine", "Save as a copy"] {
            assert!(stale.body.contains(offered), "{offered}: {}", stale.body);
        }
        assert!(stale.body.contains(r#"value="My typed title""#), "typed title kept");
        assert!(stale.body.contains(r#"<option value="revenue" selected>"#), "typed metric kept");
        assert!(stale.body.contains(r#"name="version" value="2""#), "overwrite targets the newest version");

        // Save as a copy: the copy has my change, the original keeps theirs.
        let copy = send("POST", &url, &editor, form_body(&format!("{typed}&as_copy=true")));
        assert_eq!(copy.status, 200, "{}", copy.body);
        let list = send("GET", &format!("{base}/api/v1/dashboards"), &editor, None).json();
        let copied = list
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["title"] == "Copy of Renamed meanwhile")
            .expect("a copy")
            .clone();
        assert_eq!(copied["widgets"][0]["title"], "My typed title");
        let original: Value = send("GET", &api, &editor, None).json();
        assert_eq!(original["widgets"][0]["config"]["metric"], "total_orders");

        // Overwrite: the form sent again with the newest version.
        let overwrite = typed.replace("version=1", "version=2");
        let saved = send("POST", &url, &editor, form_body(&overwrite));
        assert_eq!(saved.status, 200, "{}", saved.body);
        let now: Value = send("GET", &api, &editor, None).json();
        assert_eq!(now["title"], "Renamed meanwhile", "their rename stays");
        assert_eq!(now["widgets"][0]["config"]["metric"], "revenue", "my setting is saved");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_layout_save_offers_the_same_three_ways_and_versions_say_who_and_why() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = session(base, "editor");
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        let before: Value = send("GET", &api, &editor, None).json();
        let rename = json!({"version": 1, "title": "Renamed meanwhile", "widgets": before["widgets"],
                            "message": "their rename"});
        assert_eq!(send("PUT", &api, &editor, json_body(&rename)).status, 200);

        // My layout, edited at version 1, meets version 2.
        let layout = format!("{base}/dashboards/{}/layout", w.private);
        let mine = json!([{"id": "w1", "x": 5, "y": 1, "w": 4, "h": 3}]);
        let message = [("message", "moved the card")];
        let stale = send("POST", &layout, &editor, layout_body(1, &mine, &message));
        assert_eq!(stale.status, 409, "{}", stale.body);
        for offered in ["Reload (drop my changes)", "Overwrite with mine", "Save as a copy"] {
            assert!(stale.body.contains(offered), "{offered}: {}", stale.body);
        }
        assert!(stale.body.contains(r#"name="overwrite" value="2""#), "{}", stale.body);
        let unchanged: Value = send("GET", &api, &editor, None).json();
        assert_eq!((unchanged["version"].as_u64(), &unchanged["widgets"]), (Some(2), &before["widgets"]));

        // Save as a copy: my arrangement on a new dashboard, theirs kept.
        let copy = send("POST", &layout, &editor, layout_body(1, &mine, &[message[0], ("as_copy", "true")]));
        assert_eq!(copy.status, 200, "{}", copy.body);
        let list = send("GET", &format!("{base}/api/v1/dashboards"), &editor, None).json();
        let copied = list.as_array().unwrap().iter()
            .find(|d| d["title"] == "Copy of Renamed meanwhile").expect("a copy").clone();
        assert_eq!((copied["widgets"][0]["x"].as_u64(), copied["widgets"][0]["w"].as_u64()), (Some(5), Some(4)));
        let original: Value = send("GET", &api, &editor, None).json();
        assert_eq!(original["version"], 2);

        // Overwrite: my arrangement on the newest version, their rename kept.
        let overwrite = send("POST", &layout, &editor, layout_body(1, &mine, &[message[0], ("overwrite", "2")]));
        assert_eq!(overwrite.status, 200, "{}", overwrite.body);
        let now: Value = send("GET", &api, &editor, None).json();
        assert_eq!(now["title"], "Renamed meanwhile");
        assert_eq!((now["version"].as_u64(), now["widgets"][0]["x"].as_u64()), (Some(3), Some(5)));

        // Each version says who saved it, when, and why.
        let versions: Value = send("GET", &format!("{api}/versions"), &editor, None).json();
        let rows: Vec<(u64, String, String)> = versions.as_array().unwrap().iter().map(|v| (
            v["version"].as_u64().unwrap(),
            v["author"].as_str().unwrap_or("?").to_owned(),
            v["message"].as_str().unwrap_or("").to_owned(),
        )).collect();
        assert_eq!(rows, [
            (3, "editor".to_owned(), "moved the card".to_owned()),
            (2, "editor".to_owned(), "their rename".to_owned()),
            (1, "editor".to_owned(), String::new()),
        ]);
        assert!(versions[0]["updated"].as_str().is_some_and(|t| t.starts_with("20")), "{versions}");
        let page = send("GET", &format!("{base}/dashboards/{}/versions", w.private), &editor, None).body;
        for shown in ["moved the card", "their rename", ">editor<", "<time datetime="] {
            assert!(page.contains(shown), "{shown}: {page}");
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_see_no_edit_controls_and_errors_are_pages() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let viewer = session(base, "viewer");
        let page = send(
            "GET",
            &format!("{base}/dashboards/{}", w.shared),
            &viewer,
            None,
        );
        assert_eq!(page.status, 200);
        let widget = send(
            "GET",
            &format!("{base}/dashboards/{}/widgets/w1", w.shared),
            &viewer,
            None,
        );
        assert_eq!(widget.status, 200);
        for (what, body) in [("page", &page.body), ("widget", &widget.body)] {
            for control in [
                "Add widget",
                "Edit layout",
                "edit-toggle",
                "layout-form",
                "Save layout",
                "/settings\"",
                "Configure",
                "/widgets/new",
            ] {
                assert!(
                    !body.contains(control),
                    "{what} shows {control:?} to a viewer"
                );
            }
        }
        // An editor of the same dashboard sees them.
        let editor = session(base, "editor");
        let page = send(
            "GET",
            &format!("{base}/dashboards/{}", w.shared),
            &editor,
            None,
        )
        .body;
        assert!(page.contains("edit-toggle") && page.contains("Add widget"));

        // A refused page is a page with the navigation and a way on.
        let forbidden = send(
            "GET",
            &format!("{base}/dashboards/{}/widgets/new", w.shared),
            &viewer,
            None,
        );
        assert_eq!(forbidden.status, 403);
        assert!(
            forbidden.body.contains("<nav") && forbidden.body.contains("Go to dashboards"),
            "{}",
            forbidden.body
        );
        let missing = send("GET", &format!("{base}/no/such/page"), &viewer, None);
        assert_eq!(missing.status, 404);
        assert!(
            missing.body.contains("Not found") && missing.body.contains("stylesheet"),
            "{}",
            missing.body
        );
        // htmx fragments keep the inline message.
        let fragment = send(
            "GET",
            &format!("{base}/dashboards/nope/widgets/w1"),
            &viewer,
            None,
        );
        assert_eq!(fragment.status, 404);
        // The API still answers JSON.
        let json = send(
            "GET",
            &format!("{base}/api/v1/dashboards/nope"),
            &viewer,
            None,
        );
        assert_eq!(json.json()["error"], "no such dashboard");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_pages_are_styled_pages_and_failed_fragments_inline_messages() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = session(base, "editor");
        let viewer = session(base, "viewer");
        let restore_current = format!("{base}/dashboards/{}/versions/1/restore", w.private);
        let cases = [
            (
                send(
                    "GET",
                    &format!("{base}/dashboards/{}?range=1000y", w.private),
                    &editor,
                    None,
                ),
                400,
                "That request did not make sense",
            ),
            (
                send(
                    "GET",
                    &format!("{base}/dashboards/{}/widgets/new", w.shared),
                    &viewer,
                    None,
                ),
                403,
                "You may not do that",
            ),
            (
                send("GET", &format!("{base}/dashboards/nope"), &editor, None),
                404,
                "Not found",
            ),
            (
                send("POST", &restore_current, &editor, None),
                409,
                "Someone else changed this first",
            ),
        ];
        for (answer, status, heading) in cases {
            assert_eq!(answer.status, status, "{}", answer.body);
            for part in [
                heading,
                "<nav",
                "Go to dashboards",
                "rel=\"stylesheet\"",
                &format!("Error {status}"),
            ] {
                assert!(
                    answer.body.contains(part),
                    "{status}: {part:?} in {}",
                    answer.body
                );
            }
        }
        // The same failures asked for by htmx: the message alone, styled
        // inline (no page, no navigation).
        let fragments = [
            send_htmx(
                "GET",
                &format!("{base}/dashboards/nope/widgets/w1"),
                &editor,
                None,
            ),
            send_htmx("POST", &restore_current, &editor, None),
            send_htmx(
                "GET",
                &format!("{base}/dashboards/{}/widgets/w1?range=1000y", w.private),
                &editor,
                None,
            ),
        ];
        for answer in fragments {
            assert!(
                answer.status >= 400 && answer.status < 500,
                "{}",
                answer.status
            );
            assert!(
                answer.body.contains(r#"class="flash error""#),
                "{}",
                answer.body
            );
            assert!(!answer.body.contains("<nav"), "{}", answer.body);
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tabs_are_added_renamed_reordered_and_deleted_on_the_settings_page() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = session(base, "editor");
        let tabs = format!("{base}/dashboards/{}/tabs", w.private);
        let api = format!("{base}/api/v1/dashboards/{}", w.private);
        let post = |body: &str| send("POST", &tabs, &editor, form_body(body));
        assert_eq!(post("version=1&action=use_tabs&name=Overview").status, 200);
        assert_eq!(post("version=2&action=add&name=Details").status, 200);
        assert_eq!(post("version=3&action=rename&tab=1&name=More").status, 200);
        assert_eq!(post("version=4&action=move&tab=0&to=1").status, 200);
        let d: Value = send("GET", &api, &editor, None).json();
        assert_eq!(
            d["layout"],
            json!({"kind": "tabs", "tabs": ["More", "Overview"]})
        );
        // Each change is one version, saying what it did.
        let versions: Value = send("GET", &format!("{api}/versions"), &editor, None).json();
        let messages: Vec<&str> = versions
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["message"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            messages,
            [
                "Moved tab “Overview”",
                "Renamed tab “Details” to “More”",
                "Added tab “Details”",
                "Switched to tabs",
                "",
            ]
        );
        assert_eq!(d["widgets"][0]["tab"], 1, "the widget follows its tab");
        // Stale, bad and last-tab changes are refused and change nothing.
        assert_eq!(post("version=1&action=add&name=X").status, 409);
        assert_eq!(post("version=5&action=rename&tab=7&name=X").status, 422);
        assert_eq!(post("version=5&action=delete&tab=1").status, 400);
        assert_eq!(post("version=5&action=frobnicate").status, 400);
        assert_eq!(post("version=5&action=delete&tab=1&widgets=0").status, 200);
        let d: Value = send("GET", &api, &editor, None).json();
        assert_eq!(d["layout"]["tabs"], json!(["More"]));
        assert_eq!(d["widgets"][0]["tab"], 0, "moved to the remaining tab");
        assert_eq!(
            post("version=6&action=delete&tab=0&widgets=delete").status,
            422
        );
        assert_eq!(post("version=6&action=use_grid").status, 200);
        let d: Value = send("GET", &api, &editor, None).json();
        assert_eq!(d["layout"], json!({"kind": "grid"}));
        assert_eq!(d["widgets"].as_array().unwrap().len(), 1);
        // Viewers may not.
        let viewer = session(base, "viewer");
        let shared = format!("{base}/dashboards/{}/tabs", w.shared);
        assert_eq!(
            send(
                "POST",
                &shared,
                &viewer,
                form_body("version=1&action=use_tabs&name=X")
            )
            .status,
            403
        );
    })
    .await
    .unwrap();
}
