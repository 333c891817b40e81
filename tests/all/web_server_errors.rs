//! A failure of ours, end to end: the data source's table disappears under
//! a running server (a genuine cause, no test-only route). A page asking
//! for data answers the styled 500 page with the navigation and a way on;
//! the same request from htmx gets the inline styled error; the API gets
//! JSON; and none of them shows the internals (driver message, SQL, file
//! paths, panics) that the log keeps.

use crate::web_support::{As, PASSWORD, login, send, send_htmx, start};

/// What must never reach a client, whatever failed.
fn leaks(body: &str, dir: &str) -> Vec<&'static str> {
    let lower = body.to_lowercase();
    let mut found = Vec::new();
    for (what, needle) in [
        ("the driver's message", "no such table"),
        ("the table", "orders_gone"),
        ("SQL", "select "),
        ("SQL", " from "),
        ("the driver", "sqlite"),
        ("a file name", "orders.db"),
        ("a panic", "panicked"),
        ("a backtrace", "backtrace"),
        ("a source path", ".rs:"),
    ] {
        if lower.contains(needle) {
            found.push(what);
        }
    }
    if body.contains(dir) {
        found.push("the data folder");
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_table_answers_the_styled_500_page_and_hides_the_internals() {
    let running = start().await;
    let w = running.world.clone();
    let dir = running.dir().to_owned();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let (cookie, csrf) = login(base, "editor", PASSWORD).unwrap();
        let editor = As::Session { cookie, csrf };
        let export = format!(
            "{base}/dashboards/{}/widgets/w1/export?format=csv&range=30d",
            w.private
        );
        // It works first (at another range: the engine caches answers).
        let works = send("GET", &export.replace("30d", "7d"), &editor, None);
        assert_eq!(works.status, 200, "before: {}", works.body);

        // Someone renames the table the dataset reads.
        let db = rusqlite::Connection::open(dir.join("orders.db")).unwrap();
        db.execute_batch("ALTER TABLE orders RENAME TO orders_gone;")
            .unwrap();
        let dir = dir.display().to_string();

        // A page (a plain link: the widget's export): the styled 500 page.
        let page = send("GET", &export, &editor, None);
        assert_eq!(page.status, 500, "{}", page.body);
        for part in [
            "Something went wrong on our side",
            "Error 500",
            "<nav",
            "Go to dashboards",
            "rel=\"stylesheet\"",
            "the export failed",
        ] {
            assert!(page.body.contains(part), "{part:?} in {}", page.body);
        }
        assert_eq!(leaks(&page.body, &dir), Vec::<&str>::new(), "{}", page.body);

        // The same from htmx: the inline styled message alone.
        let fragment = send_htmx("GET", &export, &editor, None);
        assert_eq!(fragment.status, 500, "{}", fragment.body);
        assert!(
            fragment.body.contains("flash error") && fragment.body.contains("role=\"alert\""),
            "{}",
            fragment.body
        );
        assert!(
            !fragment.body.contains("<nav") && !fragment.body.contains("<html"),
            "{}",
            fragment.body
        );
        assert_eq!(
            leaks(&fragment.body, &dir),
            Vec::<&str>::new(),
            "{}",
            fragment.body
        );

        // The widget itself (an htmx fragment of the dashboard page) says
        // it failed, inline, with nothing internal.
        let widget = send_htmx(
            "GET",
            &format!("{base}/dashboards/{}/widgets/w1?range=30d", w.private),
            &editor,
            None,
        );
        assert!(
            widget.body.contains("error") && !widget.body.contains("<nav"),
            "{}: {}",
            widget.status,
            widget.body
        );
        assert_eq!(
            leaks(&widget.body, &dir),
            Vec::<&str>::new(),
            "{}",
            widget.body
        );

        // The API: a JSON 500 with the generic message.
        let api = send(
            "GET",
            &format!("{base}/api/v1/metrics/total_orders/value?range=30d"),
            &As::Token(w.token("editor").into()),
            None,
        );
        assert_eq!(api.status, 500, "{}", api.body);
        assert!(api.json()["error"].is_string(), "{}", api.body);
        assert_eq!(leaks(&api.body, &dir), Vec::<&str>::new(), "{}", api.body);

        // The dashboard page itself still opens (it asks for no data).
        let dashboard = send(
            "GET",
            &format!("{base}/dashboards/{}", w.private),
            &editor,
            None,
        );
        assert_eq!(dashboard.status, 200);
    })
    .await
    .unwrap();
}
