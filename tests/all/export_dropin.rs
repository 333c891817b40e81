//! A new format without a rebuild: the example Markdown exporter, copied
//! into the plugins folder of a running server, appears as an export entry
//! on the pages and works through the API.

use std::time::{Duration, Instant};

use crate::export_support::{self as support, get};
use crate::web_support::{As, login, send};

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_in_exporter_appears_and_works() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let (cookie, csrf) = login(&w.base, "viewer", support::PASSWORD).unwrap();
        let who = As::Session { cookie, csrf };
        let fragment = || {
            send(
                "GET",
                &format!("{}/dashboards/{}/widgets/card", w.base, w.report),
                &who,
                None,
            )
            .body
        };
        let entry = "/widgets/card/export?format=markdown";
        assert!(!fragment().contains(entry), "not installed yet");
        let before = get(
            &format!("{}/api/v1/export?dataset=tricky&format=markdown", w.base),
            Some(w.token("viewer")),
        );
        assert_eq!(before.status, 400, "{}", before.text());

        // Copy under another name, then rename: the watcher never sees half a file.
        let tmp = w.plugins_dir.join("markdown.wasm.part");
        std::fs::copy(wasmdash_tests::examples::MARKDOWN_EXPORTER, &tmp).unwrap();
        std::fs::rename(&tmp, w.plugins_dir.join("markdown.wasm")).unwrap();

        let deadline = Instant::now() + Duration::from_secs(30);
        while !fragment().contains(entry) {
            assert!(
                Instant::now() < deadline,
                "the Markdown entry never appeared"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let page = send(
            "GET",
            &format!("{}/dashboards/{}", w.base, w.report),
            &who,
            None,
        );
        assert!(page.body.contains(r#"name="format" value="markdown""#));

        let d = get(
            &format!(
                "{}/api/v1/export?dataset=tricky&format=markdown&order=id",
                w.base
            ),
            Some(w.token("viewer")),
        );
        assert_eq!(d.status, 200, "{}", d.text());
        assert!(
            d.content_type.starts_with("text/markdown"),
            "{}",
            d.content_type
        );
        assert!(d.disposition.ends_with(".md\""), "{}", d.disposition);
        let text = d.text();
        assert!(text.starts_with("# Tricky values"), "{text}");
        assert!(text.contains("| 1 |") && text.contains("| 40 |"), "{text}");
        // Pipes and line breaks in cells do not break the table: one line per row.
        let rows = text
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
            .count();
        assert_eq!(rows, 1 + support::TRICKY_ROWS, "header and rows: {text}");

        let report = get(
            &format!(
                "{}/api/v1/dashboards/{}/export?format=markdown&from=2025-01-20&to=2025-04-01",
                w.base, w.report
            ),
            Some(w.token("viewer")),
        );
        assert_eq!(report.status, 200, "{}", report.text());
        let text = report.text();
        for title in [
            "Total orders",
            "Revenue trend",
            "Orders by region",
            "Orders by status",
            "Tricky table",
        ] {
            assert!(text.contains(title), "{title} in {text}");
        }
    })
    .await
    .unwrap();
}
