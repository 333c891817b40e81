//! The list pages (dashboards, alerts, plugins, tokens, users) on a
//! 390x844 phone: nothing wider than the screen, every row's cells
//! labelled by their column, and the row actions reachable; on a desktop
//! they stay tables.

use crate::web_browser_support::{browser_available, open_browser, shot, sign_in};
use crate::web_support::start;

/// What a list page looks like, per `table.list`: [page fits the screen,
/// every table fits its box, unlabelled data cells, visible header rows,
/// action buttons off screen].
const MEASURE: &str = "\
    const tables = Array.from(document.querySelectorAll('table.list:not(.versions)'));\
    const fits = tables.every(t => t.scrollWidth <= t.clientWidth + 1);\
    const unlabelled = tables.flatMap(t => Array.from(t.querySelectorAll('tbody td')))\
      .filter(td => !td.classList.contains('actions') && !td.hasAttribute('data-label')).length;\
    const heads = tables.filter(t => getComputedStyle(t.querySelector('thead')).display !== 'none').length;\
    const off = Array.from(document.querySelectorAll('table.list td.actions button, table.list td.actions a'))\
      .filter(b => { const r = b.getBoundingClientRect(); return r.right > window.innerWidth || r.left < 0; }).length;\
    return [document.documentElement.scrollWidth <= window.innerWidth, fits, unlabelled, heads, off, tables.length];";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_pages_stack_their_rows_on_a_phone_and_stay_tables_on_a_desktop() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let base = running.world.base.clone();
    let pages = [
        "/dashboards",
        "/alerts",
        "/plugins",
        "/tokens",
        "/admin/users",
    ];

    let phone = open_browser(390, 844, true).await;
    let c = &phone.c;
    sign_in(c, &base, "admin").await;
    for page in pages {
        c.goto(&format!("{base}{page}")).await.unwrap();
        let got = c.execute(MEASURE, vec![]).await.unwrap();
        shot(c, &format!("60-phone-list{}", page.replace('/', "-"))).await;
        let tables = got[5].as_u64().unwrap_or(0);
        assert_eq!(
            (&got[0], &got[1], &got[2], &got[3], &got[4]),
            (&true.into(), &true.into(), &0.into(), &0.into(), &0.into()),
            "{page} on a phone: [fits, tables fit, unlabelled cells, header rows shown, actions off screen] = {got}"
        );
        if ["/dashboards", "/plugins", "/admin/users"].contains(&page) {
            assert!(tables > 0, "{page} shows a list: {got}");
        }
    }
    drop(phone);

    let desktop = open_browser(1440, 900, false).await;
    let c = &desktop.c;
    sign_in(c, &base, "admin").await;
    c.goto(&format!("{base}/plugins")).await.unwrap();
    let got = c.execute(MEASURE, vec![]).await.unwrap();
    assert_eq!(got[3], got[5], "every list keeps its header row: {got}");
    assert_eq!(got[4], 0, "{got}");
}
