//! More real-browser tests (Chromium through ChromeDriver): a table widget
//! sorts and pages on click, widgets move between tabs in edit mode
//! (keyboard control and drag onto a tab; saved by "Save layout" as one
//! version, dropped by "Cancel"), the main actions are reachable by
//! keyboard with a visible focus, and a phone-sized screen shows one
//! column without horizontal scrolling. Screenshots go to `<target>/browser-artifacts/`.

use std::time::Duration;

use fantoccini::{Client, Locator, actions::*, key::Key};
use serde_json::{Value, json};

use crate::dashboards_table::{ALL_ORDERS, table_dashboard};
use crate::web_browser_support::{
    api_get, attr, browser_available, click, console_errors, create_dashboard, drag, edit_layout,
    js, low_contrast, move_by_keyboard, open_browser, retype, save_layout, shot, sign_in,
    tabbed_dashboard, text_of, wait_until, widgets_loaded,
};
use crate::web_support::start;

/// The order ids the table widget `t1` shows.
async fn shown_ids(c: &Client) -> Vec<String> {
    let v = js(
        c,
        "return Array.from(document.querySelectorAll('[gs-id=t1] tbody tr td:first-child'))\
         .map(td => td.textContent.trim());",
    )
    .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_widget_sorts_and_pages_in_chromium() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let (base, token) = (w.base.clone(), w.token("editor").to_owned());
    let id = tokio::task::spawn_blocking(move || table_dashboard(&base, &token))
        .await
        .unwrap();
    let browser = open_browser(1400, 1000, false).await;
    let c = &browser.c;
    sign_in(c, &w.base, "editor").await;
    c.goto(&format!("{}/dashboards/{id}?{ALL_ORDERS}", w.base))
        .await
        .unwrap();
    widgets_loaded(c).await;
    let first = shown_ids(c).await;
    assert_eq!(first.len(), 10, "{first:?}");

    // Sort by amount: the order changes and the header says so.
    click(c, "[gs-id=t1] button[data-wd-sort=amount]").await;
    wait_until("the rows sorted by amount", || async {
        attr(c, "[gs-id=t1] th:nth-child(3)", "aria-sort")
            .await
            .as_deref()
            == Some("ascending")
    })
    .await;
    let by_amount = shown_ids(c).await;
    assert_ne!(by_amount, first, "sorting changed the order");
    shot(c, "10-table-sorted").await;

    // Again: descending.
    click(c, "[gs-id=t1] button[data-wd-sort=amount]").await;
    wait_until("the rows sorted by amount, descending", || async {
        attr(c, "[gs-id=t1] th:nth-child(3)", "aria-sort")
            .await
            .as_deref()
            == Some("descending")
    })
    .await;
    let descending = shown_ids(c).await;
    assert_ne!(descending, by_amount);

    // Next page: other rows, same order, focus stays on "Next".
    click(c, "[gs-id=t1] button.wd-page-next").await;
    wait_until("the second page", || async {
        text_of(c, "[gs-id=t1] .wd-page-info")
            .await
            .contains("11–20")
    })
    .await;
    let page2 = shown_ids(c).await;
    assert_eq!(page2.len(), 10);
    assert!(page2.iter().all(|i| !descending.contains(i)), "{page2:?}");
    assert_eq!(
        attr(c, "[gs-id=t1] th:nth-child(3)", "aria-sort")
            .await
            .as_deref(),
        Some("descending"),
        "paging keeps the sort"
    );
    let focused = js(c, "return document.activeElement.className;").await;
    assert!(
        focused
            .as_str()
            .unwrap_or_default()
            .contains("wd-page-next"),
        "{focused}"
    );
    shot(c, "11-table-page-2").await;

    // A refresh (range change) keeps sort and page.
    js(
        c,
        "document.body.dispatchEvent(new Event('wd-refresh')); return null;",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    widgets_loaded(c).await;
    assert_eq!(shown_ids(c).await, page2);

    let errors = console_errors(c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

async fn press(c: &Client, key: Key) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    c.perform_actions(keys).await.unwrap();
}

/// Whether any "Move to tab" strip overlaps a widget's content box (the
/// strips of the tab shown, in edit mode).
async fn moves_cover_content(c: &Client) -> Value {
    js(
        c,
        "const hit = [];\
         document.querySelectorAll('.tab-panel:not([hidden]) .grid-stack-item').forEach(item => {\
           const f = item.querySelector('.widget-move').getBoundingClientRect();\
           const w = item.querySelector('section.widget').getBoundingClientRect();\
           if (f.height === 0 || f.bottom > w.top + 0.5) hit.push(item.getAttribute('gs-id'));\
         });\
         return hit;",
    )
    .await
}

/// The dashboard's `version` and each widget's `[tab, x, y, w, h]`, as
/// the API serves them.
async fn places(base: &str, token: &str, id: &str) -> (u64, Vec<[u64; 5]>) {
    let d = api_get(base, token, &format!("/api/v1/dashboards/{id}")).await;
    let places = d["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| ["tab", "x", "y", "w", "h"].map(|k| w[k].as_u64().unwrap()))
        .collect();
    (d["version"].as_u64().unwrap(), places)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widgets_move_between_tabs_in_edit_mode_and_the_keyboard_reaches_every_action() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let (base, token) = (w.base.clone(), w.token("editor").to_owned());
    let id = tabbed_dashboard(&base, &token).await;
    let browser = open_browser(1400, 1000, false).await;
    let c = &browser.c;
    sign_in(c, &base, "editor").await;
    let url = format!("{base}/dashboards/{id}?{ALL_ORDERS}");
    c.goto(&url).await.unwrap();
    widgets_loaded(c).await;

    // Keyboard only: Tab through the page; every main action gets focus,
    // and the focus is visible.
    let mut reached = Vec::new();
    for _ in 0..40 {
        press(c, Key::Tab).await;
        let v = js(
            c,
            "const e = document.activeElement; const s = getComputedStyle(e);\
             if (!e || e === document.body) return null;\
             return [(e.getAttribute('aria-label') || e.textContent || e.name || '').trim(),\
                     s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,\
                     e.tagName + ' ' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + e.matches(':focus')];",
        )
        .await;
        if v.is_null() {
            // Focus left the page (browser chrome): a full round is done.
            break;
        }
        let name = v[0].as_str().unwrap_or_default().to_owned();
        assert_eq!(v[1], true, "focus is visible on {name:?}: {}", v[2]);
        if reached.first() == Some(&name) {
            break;
        }
        reached.push(name);
    }
    for action in [
        "Skip to content",
        "Dashboards",
        "Time range",
        "Auto-refresh",
        "Add widget",
        "Edit layout",
        "Settings",
        "Log out",
    ] {
        assert!(
            reached.iter().any(|r| r == action),
            "{action} is reachable by keyboard: {reached:?}"
        );
    }
    assert!(
        !reached.iter().any(|r| r.starts_with("Move ")),
        "no move control outside edit mode: {reached:?}"
    );
    shot(c, "20-keyboard-focus").await;

    // Edit layout by keyboard, then move w2 to tab "Two" with the control:
    // the page shows it there, at the top of the empty tab, its size kept,
    // with the focus still on its control; nothing is saved yet.
    c.find(Locator::Id("edit-toggle"))
        .await
        .unwrap()
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    assert_eq!(
        attr(c, "#edit-toggle", "aria-pressed").await.as_deref(),
        Some("true")
    );
    assert_eq!(moves_cover_content(c).await, json!([]), "tab One");
    move_by_keyboard(c, "w2", "1").await;
    assert_eq!(
        attr(c, ".tabs [data-tab='1']", "aria-selected")
            .await
            .as_deref(),
        Some("true"),
        "the page shows the tab the widget moved to"
    );
    let w2 = [("gs-x", "0"), ("gs-y", "0"), ("gs-w", "4"), ("gs-h", "2")];
    for (name, want) in w2 {
        assert_eq!(
            attr(c, "[gs-id=w2]", name).await.as_deref(),
            Some(want),
            "w2 {name}"
        );
    }
    assert_eq!(
        js(c, "return document.activeElement.id;").await,
        "move-w2",
        "the keyboard stays on the moved widget"
    );
    assert_eq!(moves_cover_content(c).await, json!([]), "tab Two");
    assert!(
        text_of(c, "#layout-form .layout-note")
            .await
            .contains("Unsaved")
    );
    shot(c, "21-moved-to-tab").await;
    assert_eq!(
        places(&base, &token, &id).await.0,
        1,
        "no version before Save"
    );

    // Drag w1 (on tab One) onto the "Two" tab's button: below w2.
    click(c, ".tabs [data-tab='0']").await;
    let target = c.find(Locator::Css(".tabs [data-tab='1']")).await.unwrap();
    drag(
        c,
        "[gs-id=w1] .widget-head",
        vec![
            PointerAction::MoveBy {
                duration: Some(Duration::from_millis(200)),
                x: 30.0,
                y: 10.0,
            },
            PointerAction::MoveToElement {
                element: target,
                duration: Some(Duration::from_millis(400)),
                x: 0.0,
                y: 0.0,
            },
        ],
    )
    .await;
    wait_until("w1 dragged to the second tab", || async {
        c.find(Locator::Css(".tab-panel[data-tab='1'] [gs-id=w1]"))
            .await
            .is_ok()
    })
    .await;
    widgets_loaded(c).await;
    assert_eq!(attr(c, "[gs-id=w1]", "gs-y").await.as_deref(), Some("2"));
    assert_eq!(attr(c, "[gs-id=w1]", "gs-w").await.as_deref(), Some("4"));
    shot(c, "22-dragged-to-tab").await;
    assert_eq!(
        places(&base, &token, &id).await.0,
        1,
        "no version before Save"
    );

    // Save layout: one version, with the message, both moves in it.
    retype(c, "#layout-message", "Both cards to Two").await;
    save_layout(c).await;
    let (version, saved) = places(&base, &token, &id).await;
    assert_eq!(version, 2, "one version for the save");
    assert_eq!(
        saved,
        [[1, 0, 2, 4, 2], [1, 0, 0, 4, 2]],
        "[tab, x, y, w, h]"
    );
    let versions = api_get(&base, &token, &format!("/api/v1/dashboards/{id}/versions")).await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "{versions}");
    assert_eq!(versions[0]["message"], "Both cards to Two", "{versions}");

    // Cancel drops a move: the page reloads with the saved tabs.
    edit_layout(c, &url).await;
    move_by_keyboard(c, "w1", "0").await;
    click(c, "#edit-cancel").await;
    wait_until("the page reloaded with w1 back on Two", || async {
        c.find(Locator::Css(".tab-panel[data-tab='1'] [gs-id=w1]"))
            .await
            .is_ok()
            && !c
                .find(Locator::Id("layout-form"))
                .await
                .unwrap()
                .is_displayed()
                .await
                .unwrap_or(true)
    })
    .await;
    assert_eq!(
        places(&base, &token, &id).await,
        (2, saved),
        "Cancel saved nothing"
    );

    let errors = console_errors(c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_shows_one_column_without_horizontal_scrolling() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let card = |id: &str, x: u32| {
        json!({"id": id, "plugin": "metric-card", "title": format!("Card {id}"),
               "config": {"metric": "total_orders"}, "x": x, "y": 0, "w": 4, "h": 2})
    };
    let id = create_dashboard(
        &w.base,
        w.token("editor"),
        json!({
            "title": "Side by side",
            "widgets": [card("a", 0), card("b", 4), card("c", 8),
                {"id": "t", "plugin": "trend-chart", "title": "Trend",
                 "config": {"metric": "total_orders"}, "x": 0, "y": 2, "w": 12, "h": 3}]
        }),
    )
    .await;
    let browser = open_browser(390, 844, true).await;
    let c = &browser.c;
    sign_in(c, &w.base, "editor").await;
    let no_sideways =
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];";
    let list = js(c, no_sideways).await;
    assert!(
        list[0].as_f64() <= list[1].as_f64(),
        "the list fits: {list}"
    );
    shot(c, "30-phone-list").await;

    c.goto(&format!("{}/dashboards/{id}?{ALL_ORDERS}", w.base))
        .await
        .unwrap();
    widgets_loaded(c).await;
    let fit = js(c, no_sideways).await;
    assert!(fit[1].as_f64().unwrap() <= 400.0, "a phone viewport: {fit}");
    assert!(
        fit[0].as_f64() <= fit[1].as_f64(),
        "no horizontal scroll: {fit}"
    );
    let boxes = js(
        c,
        "return Array.from(document.querySelectorAll('.grid-stack-item')).map(e => {\
           const r = e.getBoundingClientRect(); return [r.left, r.top, r.width]; });",
    )
    .await;
    let boxes: Vec<[f64; 3]> = serde_json::from_value(boxes).unwrap();
    assert_eq!(boxes.len(), 4);
    let width = fit[1].as_f64().unwrap();
    for b in &boxes {
        assert!((b[0] - boxes[0][0]).abs() < 1.0, "one column: {boxes:?}");
        assert!(b[2] > width * 0.8, "full width: {boxes:?}");
        assert!(b[0] + b[2] <= width + 0.5, "inside the screen: {boxes:?}");
    }
    let mut tops: Vec<f64> = boxes.iter().map(|b| b[1]).collect();
    tops.sort_by(f64::total_cmp);
    assert!(tops.windows(2).all(|t| t[1] > t[0]), "stacked: {boxes:?}");
    // The toolbar is one row: title, range and the menu button side by
    // side (the other actions behind the button; a custom range's dates
    // may wrap below), so the widgets start in the first screen.
    let row = js(
        c,
        "return ['.dashboard-head h1', '#range-form select', '.head-menu-button'].map(s =>\
           document.querySelector(s).getBoundingClientRect().top);",
    )
    .await;
    let row: Vec<f64> = serde_json::from_value(row).unwrap();
    assert!(
        row.iter().all(|t| (t - row[0]).abs() < 12.0),
        "one row: {row:?}"
    );
    assert!(tops[0] < 400.0, "content in the first screen: {tops:?}");
    shot(c, "31-phone-dashboard").await;

    c.goto(&format!("{}/dashboards/{id}/settings", w.base))
        .await
        .unwrap();
    let settings = js(c, no_sideways).await;
    assert!(settings[0].as_f64() <= settings[1].as_f64(), "{settings}");
    shot(c, "32-phone-settings").await;

    let errors = console_errors(c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_toolbar_control_is_legible_on_a_desk_and_a_phone() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let url = format!("{}/dashboards/{}?{ALL_ORDERS}", w.base, w.private);
    for (width, height, phone, name) in [(1440, 900, false, "desk"), (390, 844, true, "phone")] {
        let browser = open_browser(width, height, phone).await;
        let c = &browser.c;
        sign_in(c, &w.base, "editor").await;
        c.goto(&url).await.unwrap();
        widgets_loaded(c).await;
        if phone {
            click(c, "label.head-menu-button").await;
        }
        // The toolbar, with the Export menu open (its items too).
        click(c, ".export-menu > summary").await;
        let (bad, checked) = low_contrast(c, ".dashboard-head").await;
        shot(c, &format!("60-toolbar-{name}")).await;
        assert!(bad.is_empty(), "{name}: faint toolbar controls: {bad:?}");
        // Range, refresh, add, edit, settings, export and its items.
        assert!(checked >= 9, "{name}: only {checked} controls checked");
        // Edit mode's toolbar.
        edit_layout(c, &url).await;
        let (bad, checked) = low_contrast(c, "#layout-form").await;
        shot(c, &format!("61-edit-toolbar-{name}")).await;
        assert!(bad.is_empty(), "{name}: faint edit-mode controls: {bad:?}");
        assert!(checked >= 3, "{name}: only {checked} controls checked");
        let errors = console_errors(c).await;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
}
