//! The authorization matrix: every dashboard page and API route, asked as
//! anonymous, viewer, editor (owner), a second editor and admin, over real
//! HTTP. Another user's private dashboard is never readable, editable or
//! deletable (404, never 200).

use serde_json::json;

use crate::web_support::{
    As, PASSWORD, World, form_body, json_body, layout_body, login, send, start,
};

/// Who asks, by name, with a browser session.
fn sessions(w: &World) -> Vec<(&'static str, As)> {
    let mut out = vec![("anonymous", As::Anonymous)];
    for user in ["viewer", "editor", "editor2", "admin"] {
        let (cookie, csrf) = login(&w.base, user, PASSWORD).expect("login");
        out.push((user, As::Session { cookie, csrf }));
    }
    out
}

fn expect(who: &str, route: &str, got: u16, want: u16) {
    assert_eq!(got, want, "{who} on {route}: got {got}, want {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_allows_and_denies_as_expected() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let who = sessions(&w);
        // (route, [anonymous, viewer, editor(owner), editor2, admin])
        let reads: Vec<(String, [u16; 5])> = vec![
            ("/dashboards".into(), [401, 200, 200, 200, 200]),
            ("/plugins".into(), [401, 200, 200, 200, 200]),
            (
                format!("/dashboards/{}", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/widgets/w1", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/widgets/new", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}", w.shared),
                [401, 200, 200, 200, 200],
            ),
            (
                format!("/dashboards/{}/widgets/new", w.shared),
                [401, 403, 200, 403, 200],
            ),
            (
                format!("/dashboards/{}/widgets/new", w.editable),
                [401, 404, 200, 200, 200],
            ),
            (
                format!("/api/v1/dashboards/{}", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/api/v1/dashboards/{}/widgets/w1/html", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/api/v1/dashboards/{}", w.shared),
                [401, 200, 200, 200, 200],
            ),
            // Settings, history, JSON and exports of a private dashboard.
            (
                format!("/dashboards/{}/settings", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/versions", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/export.json", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/export?format=csv", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/widgets/w1/export?format=json", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/api/v1/dashboards/{}/json", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/api/v1/dashboards/{}/versions", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/api/v1/dashboards/{}/export?format=csv", w.private),
                [401, 404, 200, 404, 200],
            ),
            (
                format!("/dashboards/{}/export?format=csv", w.shared),
                [401, 200, 200, 200, 200],
            ),
            ("/admin/users".into(), [401, 403, 403, 403, 200]),
            ("/alerts".into(), [401, 200, 200, 200, 200]),
            ("/api/v1/alerts".into(), [401, 200, 200, 200, 200]),
        ];
        for (route, want) in &reads {
            for ((name, as_), want) in who.iter().zip(want) {
                let got = send("GET", &format!("{base}{route}"), as_, None).status;
                expect(name, route, got, *want);
            }
        }

        // Writes that change nothing when refused; the owner's own write
        // runs last so the dashboard still exists for the others.
        let layout = |d: &str, version: u64| {
            (
                format!("/dashboards/{d}/layout"),
                layout_body(
                    version,
                    &json!([{"id": "w1", "x": 1, "y": 0, "w": 3, "h": 2}]),
                    &[],
                ),
            )
        };
        let (route, body) = layout(&w.private, 1);
        for (i, want) in [(0, 401), (1, 404), (3, 404)] {
            let got = send("POST", &format!("{base}{route}"), &who[i].1, body.clone()).status;
            expect(who[i].0, &route, got, want);
        }
        let (route, body) = layout(&w.shared, 1);
        for (i, want) in [(1, 403), (3, 403)] {
            let got = send("POST", &format!("{base}{route}"), &who[i].1, body.clone()).status;
            expect(who[i].0, &route, got, want);
        }
        // Editable by editors: editor2 may move widgets on the admin's dashboard.
        let (route, body) = layout(&w.editable, 1);
        expect(
            "editor2",
            &route,
            send("POST", &format!("{base}{route}"), &who[3].1, body).status,
            200,
        );

        let put = json_body(&json!({"version": 1, "title": "Hijacked", "widgets": []}));
        let route = format!("/api/v1/dashboards/{}", w.private);
        for (i, want) in [(0, 401), (1, 404), (3, 404)] {
            let got = send("PUT", &format!("{base}{route}"), &who[i].1, put.clone()).status;
            expect(who[i].0, &route, got, want);
        }
        for (i, want) in [(0, 401), (1, 404), (3, 404)] {
            let got = send("DELETE", &format!("{base}{route}"), &who[i].1, None).status;
            expect(who[i].0, &route, got, want);
            let got = send(
                "POST",
                &format!("{base}/dashboards/{}/delete", w.private),
                &who[i].1,
                None,
            )
            .status;
            expect(who[i].0, "POST delete", got, want);
        }
        // Nobody else's write went through.
        let d = send("GET", &format!("{base}{route}"), &who[2].1, None).json();
        assert_eq!(d["title"], "Private");
        assert_eq!(d["version"], 1);
        assert_eq!(d["widgets"][0]["x"], 0);

        // Shared read-only: viewers and other editors may not delete it either.
        let route = format!("/api/v1/dashboards/{}", w.shared);
        for i in [1, 3] {
            expect(
                who[i].0,
                &route,
                send("DELETE", &format!("{base}{route}"), &who[i].1, None).status,
                403,
            );
        }

        // Creating dashboards: editors and admins, never viewers.
        let create = form_body("title=Mine&layout=grid");
        let got = send(
            "POST",
            &format!("{base}/dashboards"),
            &who[1].1,
            create.clone(),
        )
        .status;
        expect("viewer", "POST /dashboards", got, 403);
        let got = send("POST", &format!("{base}/dashboards"), &who[3].1, create).status;
        expect("editor2", "POST /dashboards", got, 200);

        // The same rules through bearer tokens.
        let route = format!("/api/v1/dashboards/{}", w.private);
        for (user, want) in [
            ("viewer", 404),
            ("editor2", 404),
            ("editor", 200),
            ("admin", 200),
        ] {
            let got = send(
                "GET",
                &format!("{base}{route}"),
                &As::Token(w.token(user).into()),
                None,
            )
            .status;
            expect(user, &route, got, want);
        }
        let list = send(
            "GET",
            &format!("{base}/api/v1/dashboards"),
            &As::Token(w.token("editor2").into()),
            None,
        )
        .json();
        let ids: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&w.private.as_str()),
            "editor2 must not list the private dashboard"
        );
        assert!(ids.contains(&w.shared.as_str()));

        // Finally the owner may delete it.
        let got = send("DELETE", &format!("{base}{route}"), &who[2].1, None).status;
        expect("editor", &route, got, 204);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_garbage_tokens_are_refused() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        assert!(login(&w.base, "editor", "wrong password").is_none());
        assert!(login(&w.base, "nobody", PASSWORD).is_none());
        for token in ["", "garbage", "wd_0000", &"x".repeat(5000)] {
            let got = send(
                "GET",
                &format!("{}/api/v1/dashboards", w.base),
                &As::Token(token.into()),
                None,
            );
            assert_eq!(got.status, 401, "token {token:.20}: {}", got.body);
        }
    })
    .await
    .unwrap();
}
