//! Table widgets sort and page through the host: the widget fragment takes
//! `sort_column`, `sort_direction` and `offset`, checks them against the
//! widget's columns, and the rows come back in that order from SQLite.

use serde_json::json;

use crate::web_support::{As, PASSWORD, json_body, login, send, start};

/// A range holding every generated order.
pub(crate) const ALL_ORDERS: &str = "range=custom&from=2025-01-01&to=2025-04-30";

/// Create, as `editor`, a grid dashboard with a 10-row table of orders
/// (`t1`) and a metric card (`c1`); returns its id.
pub(crate) fn table_dashboard(base: &str, token: &str) -> String {
    let body = json!({
        "title": "Orders table",
        "widgets": [
            {"id": "t1", "plugin": "data-table", "title": "Orders",
             "config": {"dataset": "orders", "columns": ["id", "status", "amount"], "page_size": 10},
             "x": 0, "y": 0, "w": 8, "h": 5},
            {"id": "c1", "plugin": "metric-card", "title": "Count",
             "config": {"metric": "total_orders"}, "x": 8, "y": 0, "w": 4, "h": 2}
        ]
    });
    let a = send(
        "POST",
        &format!("{base}/api/v1/dashboards"),
        &As::Token(token.into()),
        json_body(&body),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    a.json()["id"].as_str().unwrap().to_owned()
}

/// The first cell of every body row: the order ids shown.
pub(crate) fn ids(html: &str) -> Vec<i64> {
    let body = html.split("<tbody>").nth(1).unwrap_or_default();
    body.split("<tr>")
        .skip(1)
        .filter_map(|row| {
            let cell = row.split("<td").nth(1)?;
            let text = cell.split('>').nth(1)?.split('<').next()?;
            text.replace([',', '.', '\u{a0}', ' '], "").parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_widgets_sort_and_page_on_the_server() {
    let running = start().await;
    let w = running.world.clone();
    let base = w.base.clone();
    tokio::task::spawn_blocking(move || {
        let id = table_dashboard(&base, w.token("editor"));
        let (cookie, _) = login(&base, "viewer", PASSWORD).unwrap();
        let editor = As::Token(w.token("editor").into());
        let url = |q: &str| format!("{base}/dashboards/{id}/widgets/t1?{ALL_ORDERS}{q}");

        let plain = send("GET", &url(""), &editor, None);
        assert_eq!(plain.status, 200, "{}", plain.body);
        assert_eq!(ids(&plain.body).len(), 10, "{}", plain.body);

        let asc = send(
            "GET",
            &url("&sort_column=id&sort_direction=asc"),
            &editor,
            None,
        );
        let desc = send(
            "GET",
            &url("&sort_column=id&sort_direction=desc"),
            &editor,
            None,
        );
        let (asc_ids, desc_ids) = (ids(&asc.body), ids(&desc.body));
        assert_eq!(asc_ids.len(), 10);
        assert!(asc_ids.windows(2).all(|p| p[0] < p[1]), "{asc_ids:?}");
        assert!(desc_ids.windows(2).all(|p| p[0] > p[1]), "{desc_ids:?}");
        assert_eq!(desc_ids[0], 2_000, "the newest id first");
        assert!(
            desc.body.contains(r#"aria-sort="descending""#),
            "the header shows the order: {}",
            desc.body
        );

        let page2 = send(
            "GET",
            &url("&sort_column=id&sort_direction=asc&offset=10"),
            &editor,
            None,
        );
        assert_eq!(page2.status, 200, "{}", page2.body);
        let page2_ids = ids(&page2.body);
        assert_eq!(page2_ids.first(), Some(&(asc_ids[9] + 1)), "{page2_ids:?}");
        assert!(page2.body.contains("Rows 11–20"), "{}", page2.body);

        // Sorting by amount orders the amounts, not the ids.
        let by_amount = send(
            "GET",
            &url("&sort_column=amount&sort_direction=desc"),
            &editor,
            None,
        );
        assert_eq!(by_amount.status, 200);
        assert_ne!(ids(&by_amount.body), desc_ids);

        // Bad requests: a clear 400 each, and the dashboard is unchanged.
        let before = send(
            "GET",
            &format!("{base}/api/v1/dashboards/{id}"),
            &editor,
            None,
        )
        .json();
        for (query, reason) in [
            ("&sort_column=nope", "cannot sort by"),
            ("&sort_column=region", "cannot sort by"),
            ("&sort_column=id&sort_direction=up", "asc or desc"),
            ("&offset=7", "start of a page"),
            ("&sort_column=id%3B+DROP+TABLE+orders", "cannot sort by"),
        ] {
            let a = send("GET", &url(query), &editor, None);
            assert_eq!(a.status, 400, "{query}: {}", a.body);
            assert!(a.body.contains(reason), "{query}: {}", a.body);
        }
        let card = send(
            "GET",
            &format!("{base}/dashboards/{id}/widgets/c1?{ALL_ORDERS}&sort_column=id"),
            &editor,
            None,
        );
        assert_eq!(card.status, 400, "{}", card.body);
        assert!(card.body.contains("does not show rows"), "{}", card.body);
        let after = send(
            "GET",
            &format!("{base}/api/v1/dashboards/{id}"),
            &editor,
            None,
        )
        .json();
        assert_eq!(before, after, "sorting never saves anything");

        // Someone who may not see the dashboard cannot sort it either.
        let viewer = As::SessionWithoutCsrf { cookie };
        let denied = send("GET", &url("&sort_column=id"), &viewer, None);
        assert_eq!(denied.status, 404, "{}", denied.body);
    })
    .await
    .unwrap();
}
