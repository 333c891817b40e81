//! Pages link our CSS and JS by content hash, so a browser that cached the
//! stylesheet for a year still gets the new one right after an upgrade;
//! names that are not the current ones are not answered with today's bytes.

use crate::web_support::{As, send, start};

/// The `href`/`src` of the page's link to `/assets/<stem>.<hash>.<ext>`.
fn linked(page: &str, stem: &str, ext: &str) -> String {
    let prefix = format!("/assets/{stem}.");
    let url = page
        .split('"')
        .find(|u| u.starts_with(&prefix) && u.ends_with(&format!(".{ext}")))
        .unwrap_or_else(|| panic!("no link to {stem}.*.{ext}: {page}"))
        .to_owned();
    let hash = &url[prefix.len()..url.len() - ext.len() - 1];
    assert!(
        hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{url}"
    );
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_link_assets_by_content_hash_and_old_names_are_gone() {
    let running = start().await;
    let w = running.world.clone();
    tokio::task::spawn_blocking(move || {
        let base = &w.base;
        let page = send("GET", &format!("{base}/login"), &As::Anonymous, None);
        assert_eq!(page.status, 200, "{}", page.body);
        let css = linked(&page.body, "app", "css");
        let js = linked(&page.body, "app", "js");
        let got = send("GET", &format!("{base}{css}"), &As::Anonymous, None);
        assert_eq!(got.status, 200);
        assert!(got.body.contains(".widget-body svg"), "not our CSS");
        let plain = send(
            "GET",
            &format!("{base}/assets/app.css"),
            &As::Anonymous,
            None,
        );
        assert_eq!(plain.body, got.body, "the plain name is the current file");
        assert_eq!(
            send("GET", &format!("{base}{js}"), &As::Anonymous, None).status,
            200
        );
        // The version-named file of the release before, and another hash.
        for old in ["/assets/app-0.1.0.css", "/assets/app.0123456789ab.css"] {
            let stale = send("GET", &format!("{base}{old}"), &As::Anonymous, None);
            assert_eq!(stale.status, 404, "{old}");
        }
    })
    .await
    .unwrap();
}
