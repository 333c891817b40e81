//! Alerts over real HTTP against a real server (SQLite file, built-in
//! rule plugins, sled state): create through the JSON API and through the
//! form, bad input refused with a readable reason and nothing saved, test
//! now, pause/resume/delete, and the authorization matrix.

use serde_json::{Value, json};

use crate::web_support::{As, PASSWORD, World, form_body, json_body, login, send, start};

/// A valid draft: the whole generated data set (about 600 days ago) is in
/// the range, so `total_orders` is 2000 and `> 5` fires.
pub(crate) fn draft(name: &str) -> Value {
    json!({
        "name": name,
        "metric": "total_orders",
        "rule": "threshold",
        "rule_config": {"op": ">", "value": 5},
        "range": "3000d",
        "recipients": ["ops@example.com"],
        "schedule": {"every": {"minutes": 60}}
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn token(w: &World, user: &str) -> As {
    As::Token(w.token(user).to_owned())
}

fn session(w: &World, user: &str) -> As {
    let (cookie, csrf) = login(&w.base, user, PASSWORD).expect("login");
    As::Session { cookie, csrf }
}

/// Names of the alerts `who` sees through the API.
fn names(w: &World, who: &As) -> Vec<String> {
    let got = send("GET", &format!("{}/api/v1/alerts", w.base), who, None);
    assert_eq!(got.status, 200, "{}", got.body);
    got.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

fn create(w: &World, who: &As, body: &Value) -> Value {
    let got = send(
        "POST",
        &format!("{}/api/v1/alerts", w.base),
        who,
        json_body(body),
    );
    assert_eq!(got.status, 201, "{}", got.body);
    got.json()
}

/// A request body: content type and bytes.
type Body = Option<(&'static str, Vec<u8>)>;

/// The form fields of a valid alert, URL-encoded.
const FORM: &str = "name=Form+alert&metric=total_orders&rule=threshold&cfg.op=%3E&cfg.value=5\
&range=3000d&recipients=a%40example.com%0Ab%40example.com&schedule_kind=daily&schedule_at=09%3A30\
&pending_count=2&repeat_interval_minutes=60&notify_on_resolve=true&on_no_data=keep&on_error=error&enabled=true";

/// `FORM` with one field replaced.
fn form_with(key: &str, value: &str) -> String {
    FORM.split('&')
        .map(|pair| {
            if pair.split('=').next() == Some(key) {
                format!("{key}={value}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_are_created_by_api_and_form_and_bad_input_saves_nothing() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = token(&w, "editor");
        let browser = session(&w, "editor");

        let created = create(&w, &editor, &draft("Orders above five"));
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["version"], 1);
        assert_eq!(created["status"]["state"], "OK");
        assert!(created["status"]["next_run"].is_string(), "{created}");
        assert_eq!(created["recipients"], json!(["ops@example.com"]));

        // The form: rule settings come from the plugin's schema, without
        // the metric (the alert's own picker sets it).
        let page = send("GET", &format!("{base}/alerts/new"), &browser, None);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(r#"name="cfg.op""#) && page.body.contains(r#"name="cfg.value""#),
            "{}",
            page.body
        );
        assert!(!page.body.contains(r#"name="cfg.metric""#));
        let got = send("POST", &format!("{base}/alerts"), &browser, form_body(FORM));
        assert_eq!(got.status, 200, "{}", got.body);
        let list = send("GET", &format!("{base}/api/v1/alerts"), &editor, None).json();
        let from_form = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "Form alert")
            .expect("saved");
        assert_eq!(from_form["schedule"], json!({"daily": {"at": "09:30"}}));
        assert_eq!(
            from_form["recipients"],
            json!(["a@example.com", "b@example.com"])
        );
        assert_eq!(from_form["rule_config"], json!({"op": ">", "value": 5.0}));
        assert_eq!(from_form["pending_count"], 2);
        assert_eq!(from_form["on_no_data"], "keep");

        let before = names(&w, &editor);
        assert_eq!(before, vec!["Form alert", "Orders above five"]);

        // Bad input through the API: 4xx, a readable reason, nothing saved.
        let url = format!("{base}/api/v1/alerts");
        let cases: Vec<(&str, Body, u16, &str)> = vec![
            (
                "invalid email",
                json_body(&with(
                    draft("x"),
                    "recipients",
                    json!(["ops@example.com", "not-an-email"]),
                )),
                422,
                "not-an-email",
            ),
            (
                "no recipient",
                json_body(&with(draft("x"), "recipients", json!([]))),
                422,
                "recipients",
            ),
            (
                "unknown metric",
                json_body(&with(draft("x"), "metric", json!("no_such_metric"))),
                422,
                "no_such_metric",
            ),
            (
                "unknown rule",
                json_body(&with(draft("x"), "rule", json!("no-such-rule"))),
                422,
                "no-such-rule",
            ),
            (
                "a widget as rule",
                json_body(&with(draft("x"), "rule", json!("metric-card"))),
                422,
                "not an alert rule",
            ),
            (
                "schedule never fires",
                json_body(&with(
                    draft("x"),
                    "schedule",
                    json!({"cron": {"expr": "0 9 30 2 *"}}),
                )),
                422,
                "never fires",
            ),
            (
                "bad cron",
                json_body(&with(
                    draft("x"),
                    "schedule",
                    json!({"cron": {"expr": "every day"}}),
                )),
                422,
                "cron",
            ),
            (
                "interval of zero",
                json_body(&with(
                    draft("x"),
                    "schedule",
                    json!({"every": {"minutes": 0}}),
                )),
                422,
                "interval",
            ),
            (
                "config failing the schema",
                json_body(&with(
                    draft("x"),
                    "rule_config",
                    json!({"op": "~", "value": 5}),
                )),
                422,
                "op",
            ),
            (
                "config of the wrong type",
                json_body(&with(
                    draft("x"),
                    "rule_config",
                    json!({"op": ">", "value": "five"}),
                )),
                422,
                "value",
            ),
            (
                "bad range",
                json_body(&with(draft("x"), "range", json!("forever"))),
                422,
                "forever",
            ),
            (
                "empty name",
                json_body(&with(draft("x"), "name", json!("  "))),
                422,
                "name",
            ),
            (
                "unknown JSON field",
                json_body(&with(draft("x"), "colour", json!("red"))),
                400,
                "colour",
            ),
            (
                "garbled JSON",
                Some(("application/json", b"{\"name\": ".to_vec())),
                400,
                "JSON",
            ),
        ];
        for (what, body, want, mentions) in cases {
            let got = send("POST", &url, &editor, body);
            assert_eq!(got.status, want, "{what}: {}", got.body);
            let error = got.json()["error"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            assert!(
                error.contains(&mentions.to_lowercase()),
                "{what}: {error:?} should mention {mentions:?}"
            );
        }
        let got = send(
            "POST",
            &url,
            &editor,
            json_body(&with(
                draft("x"),
                "rule_config",
                json!({"op": "~", "value": 5}),
            )),
        );
        assert_eq!(got.json()["field"], "rule_config.op", "{}", got.body);

        // Bad input through the form: 422, the error next to its field.
        let form_cases = [
            (
                "recipients",
                "a%40example.com%0Anot-an-email",
                "not-an-email",
            ),
            ("schedule_at", "25%3A00", "25:00"),
            ("cfg.value", "abc", "must be a number"),
            ("metric", "no_such_metric", "no_such_metric"),
        ];
        for (key, value, mentions) in form_cases {
            let got = send(
                "POST",
                &format!("{base}/alerts"),
                &browser,
                form_body(&form_with(key, value)),
            );
            assert_eq!(got.status, 422, "{key}: {}", got.body);
            assert!(
                got.body.contains("field-error") && got.body.contains(mentions),
                "{key}: {}",
                got.body
            );
            assert!(got.body.contains("Nothing was saved"), "{}", got.body);
        }
        let feb30 = form_with("schedule_kind", "cron") + "&cron_expr=0+9+30+2+*";
        let got = send(
            "POST",
            &format!("{base}/alerts"),
            &browser,
            form_body(&feb30),
        );
        assert_eq!(got.status, 422, "{}", got.body);
        assert!(got.body.contains("never fires"), "{}", got.body);
        assert_eq!(names(&w, &editor), before, "nothing was saved");

        // Updates name the version they edit.
        let one = format!("{url}/{id}");
        let got = send(
            "PUT",
            &one,
            &editor,
            json_body(&with(draft("Renamed"), "version", json!(0))),
        );
        assert_eq!(got.status, 409, "{}", got.body);
        let got = send("PUT", &one, &editor, json_body(&draft("Renamed")));
        assert_eq!(got.status, 400, "{}", got.body);
        assert!(got.body.contains("version"));
        let bad = with(
            with(draft("Renamed"), "version", json!(1)),
            "recipients",
            json!(["@"]),
        );
        assert_eq!(send("PUT", &one, &editor, json_body(&bad)).status, 422);
        let got = send(
            "PUT",
            &one,
            &editor,
            json_body(&with(draft("Renamed"), "version", json!(1))),
        );
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(got.json()["version"], 2);

        // Test now: a value and the state it would take; nothing saved.
        let got = send("POST", &format!("{one}/test"), &editor, None);
        assert_eq!(got.status, 200, "{}", got.body);
        let outcome = got.json();
        assert_eq!(outcome["value"], 2000.0, "{outcome}");
        assert_eq!(outcome["state"], "FIRING", "{outcome}");
        assert!(!outcome["message"].as_str().unwrap().is_empty());
        assert_eq!(outcome["email_sent"], false);
        let got = send(
            "POST",
            &format!("{one}/test"),
            &editor,
            json_body(&json!({"send": true})),
        );
        assert_eq!(got.status, 400, "{}", got.body);
        let page = send("POST", &format!("{base}/alerts/{id}/test"), &browser, None);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("FIRING") && page.body.contains("2000"),
            "{}",
            page.body
        );
        // The unsaved form can be tested too.
        let page = send(
            "POST",
            &format!("{base}/alerts/test"),
            &browser,
            form_body(&form_with("cfg.value", "5000")),
        );
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(">OK<"), "{}", page.body);
        let page = send(
            "POST",
            &format!("{base}/alerts/test"),
            &browser,
            form_body(&form_with("metric", "nope")),
        );
        assert_eq!(page.status, 422, "{}", page.body);
        let now = send("GET", &one, &editor, None).json();
        assert_eq!(
            now["status"]["state"], "OK",
            "test now saves nothing: {now}"
        );
        assert_eq!(names(&w, &editor), vec!["Form alert", "Renamed"]);

        // The list page shows state and next run; pause and resume.
        let page = send("GET", &format!("{base}/alerts"), &browser, None);
        assert!(
            page.body.contains("Renamed") && page.body.contains("alert-state"),
            "{}",
            page.body
        );
        assert_eq!(
            send("POST", &format!("{base}/alerts/{id}/pause"), &browser, None).status,
            200
        );
        let paused = send("GET", &one, &editor, None).json();
        assert_eq!(paused["enabled"], false);
        assert!(paused["status"]["next_run"].is_null(), "{paused}");
        assert!(
            send("GET", &format!("{base}/alerts"), &browser, None)
                .body
                .contains("(paused)")
        );
        assert_eq!(
            send(
                "POST",
                &format!("{base}/alerts/{id}/resume"),
                &browser,
                None
            )
            .status,
            200
        );
        let resumed = send("GET", &one, &editor, None).json();
        assert_eq!(resumed["enabled"], true);
        assert!(resumed["status"]["next_run"].is_string());

        // The edit page saves with the version it showed.
        let edit = send("GET", &format!("{base}/alerts/{id}/edit"), &browser, None);
        assert_eq!(edit.status, 200);
        assert!(
            edit.body.contains(r#"name="version" value="4""#),
            "{}",
            edit.body
        );
        let got = send(
            "POST",
            &format!("{base}/alerts/{id}"),
            &browser,
            form_body(&(form_with("name", "Edited") + "&version=4")),
        );
        assert_eq!(got.status, 200, "{}", got.body);
        let got = send(
            "POST",
            &format!("{base}/alerts/{id}"),
            &browser,
            form_body(&(form_with("name", "Stale") + "&version=4")),
        );
        assert_eq!(got.status, 409, "{}", got.body);
        assert_eq!(names(&w, &editor), vec!["Edited", "Form alert"]);

        // Delete.
        assert_eq!(
            send(
                "POST",
                &format!("{base}/alerts/{id}/delete"),
                &browser,
                None
            )
            .status,
            200
        );
        assert_eq!(send("GET", &one, &editor, None).status, 404);
        assert_eq!(names(&w, &editor), vec!["Form alert"]);
    })
    .await
    .unwrap();
}

/// Issue 13 item 6: a percent metric's threshold is typed and shown in
/// percent (3 means 3%), stored as the metric reports it (0.03); the
/// tolerance is not shown; the rule's sentence names the metric by its
/// label with formatted values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thresholds_are_in_the_metrics_unit_and_messages_formatted() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let editor = token(&w, "editor");
        let browser = session(&w, "editor");
        let form = form_with("metric", "error_rate").replace("cfg.value=5", "cfg.value=3");
        let form = form.replace("name=Form+alert", "name=Errors+in+percent");
        let got = send(
            "POST",
            &format!("{base}/alerts"),
            &browser,
            form_body(&form),
        );
        assert_eq!(got.status, 200, "{}", got.body);
        let list = send("GET", &format!("{base}/api/v1/alerts"), &editor, None).json();
        let saved = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "Errors in percent")
            .expect("saved")
            .clone();
        assert_eq!(saved["rule_config"], json!({"op": ">", "value": 0.03}));
        let id = saved["id"].as_str().unwrap();

        let edit = send("GET", &format!("{base}/alerts/{id}/edit"), &browser, None);
        assert_eq!(edit.status, 200);
        assert!(edit.body.contains("Threshold (%)"), "{}", edit.body);
        assert!(
            edit.body.contains(r#"name="cfg.value" value="3""#),
            "{}",
            edit.body
        );
        assert!(!edit.body.contains("Tolerance"), "{}", edit.body);
        // Switching the metric redraws the settings in its unit.
        let fields = send(
            "GET",
            &format!("{base}/alerts/rule-fields?rule=threshold&metric=revenue"),
            &browser,
            None,
        );
        assert!(fields.body.contains("Threshold (EUR)"), "{}", fields.body);

        let got = send(
            "POST",
            &format!("{base}/api/v1/alerts/{id}/test"),
            &editor,
            None,
        );
        assert_eq!(got.status, 200, "{}", got.body);
        let message = got.json()["message"].as_str().unwrap().to_owned();
        // (This metric has no label of its own, so its name is its label.)
        assert!(message.starts_with("error_rate "), "{message}");
        assert!(message.ends_with(" 3.0%"), "{message}");
        // A labelled metric is named by its label, its values formatted.
        let orders = create(&w, &editor, &draft("Orders, labelled"));
        let got = send(
            "POST",
            &format!(
                "{base}/api/v1/alerts/{}/test",
                orders["id"].as_str().unwrap()
            ),
            &editor,
            None,
        );
        assert_eq!(
            got.json()["message"],
            "Total orders 2,000 > 5",
            "{}",
            got.body
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_owner_and_admin_reach_an_alert() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let id = create(&w, &token(&w, "editor"), &draft("Editor's alert"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let who: Vec<(&str, As)> = vec![
            ("anonymous", As::Anonymous),
            ("viewer", session(&w, "viewer")),
            ("editor", session(&w, "editor")),
            ("editor2", session(&w, "editor2")),
            ("admin", session(&w, "admin")),
        ];
        // (route, [anonymous, viewer, editor (owner), editor2, admin])
        let reads: Vec<(String, [u16; 5])> = vec![
            ("/alerts".into(), [401, 200, 200, 200, 200]),
            ("/alerts/new".into(), [401, 403, 200, 200, 200]),
            (format!("/alerts/{id}/edit"), [401, 404, 200, 404, 200]),
            (format!("/alerts/{id}/history"), [401, 404, 200, 404, 200]),
            ("/api/v1/alerts".into(), [401, 200, 200, 200, 200]),
            (format!("/api/v1/alerts/{id}"), [401, 404, 200, 404, 200]),
            (
                format!("/api/v1/alerts/{id}/history"),
                [401, 404, 200, 404, 200],
            ),
            (
                "/api/v1/alerts/no-such-id".into(),
                [401, 404, 404, 404, 404],
            ),
        ];
        for (route, want) in &reads {
            for ((name, as_), want) in who.iter().zip(want) {
                let got = send("GET", &format!("{base}{route}"), as_, None);
                assert_eq!(got.status, *want, "{name} GET {route}: {}", got.body);
            }
        }
        // Lists show only what one may see.
        assert_eq!(names(&w, &who[2].1), vec!["Editor's alert"]);
        assert_eq!(names(&w, &who[4].1), vec!["Editor's alert"]);
        assert!(names(&w, &who[1].1).is_empty());
        assert!(names(&w, &who[3].1).is_empty());
        assert!(
            !send("GET", &format!("{base}/alerts"), &who[3].1, None)
                .body
                .contains("Editor's alert")
        );

        // Refused writes change nothing.
        let api = format!("{base}/api/v1/alerts/{id}");
        let put = json_body(&with(draft("Hijacked"), "version", json!(1)));
        let writes: Vec<(&str, String, Body)> = vec![
            ("PUT", api.clone(), put.clone()),
            ("DELETE", api.clone(), None),
            ("POST", format!("{api}/test"), None),
            ("POST", format!("{base}/alerts/{id}/pause"), None),
            ("POST", format!("{base}/alerts/{id}/delete"), None),
            ("POST", format!("{base}/alerts/{id}/test"), None),
            (
                "POST",
                format!("{base}/alerts/{id}"),
                form_body(&(form_with("name", "Hijacked") + "&version=1")),
            ),
        ];
        for (method, url, body) in &writes {
            for (i, want) in [(0, 401), (1, 404), (3, 404)] {
                let got = send(method, url, &who[i].1, body.clone());
                assert_eq!(
                    got.status, want,
                    "{} {method} {url}: {}",
                    who[i].0, got.body
                );
            }
        }
        // Viewers create nothing; a session without the CSRF token writes nothing.
        let got = send(
            "POST",
            &format!("{base}/api/v1/alerts"),
            &token(&w, "viewer"),
            json_body(&draft("V")),
        );
        assert_eq!(got.status, 403, "{}", got.body);
        assert_eq!(
            send(
                "POST",
                &format!("{base}/alerts"),
                &who[1].1,
                form_body(FORM)
            )
            .status,
            403
        );
        let As::Session { cookie, .. } = who[2].1.clone() else {
            unreachable!()
        };
        let no_csrf = As::SessionWithoutCsrf { cookie };
        assert_eq!(send("PUT", &api, &no_csrf, put.clone()).status, 403);
        assert_eq!(
            send(
                "POST",
                &format!("{base}/alerts/{id}/delete"),
                &no_csrf,
                None
            )
            .status,
            403
        );

        // Bearer tokens follow the same rules; a wrong token is 401.
        assert_eq!(send("GET", &api, &token(&w, "editor2"), None).status, 404);
        assert_eq!(
            send("DELETE", &api, &token(&w, "editor2"), None).status,
            404
        );
        assert_eq!(send("GET", &api, &token(&w, "admin"), None).status, 200);
        assert_eq!(
            send("GET", &api, &As::Token("wd_not-a-token".into()), None).status,
            401
        );
        let unchanged = send("GET", &api, &token(&w, "editor"), None).json();
        assert_eq!(unchanged["version"], 1);
        assert_eq!(unchanged["name"], "Editor's alert");

        // Admins may change and delete anyone's alert.
        let got = send("PUT", &api, &token(&w, "admin"), put);
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(got.json()["version"], 2);
        assert_eq!(send("DELETE", &api, &token(&w, "admin"), None).status, 204);
        assert_eq!(send("GET", &api, &token(&w, "editor"), None).status, 404);
    })
    .await
    .unwrap();
}
