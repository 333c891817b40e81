//! Two browser tabs on one dashboard, in Chromium: when the other tab saved
//! first, a save offers reload, overwrite and save as a copy, loses nothing
//! the user typed or arranged, and each choice does what it says — for the
//! widget form and for the layout's edit mode (a drag and a move to
//! another tab, saved together).

use std::time::Duration;

use fantoccini::actions::PointerAction;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::web_browser_support::{
    api_get, attr, browser_available, click, console_errors, drag, edit_layout, js,
    move_by_keyboard, open_browser, path, retype, save_layout, shot, sign_in, tabbed_dashboard,
    text_of, value_of, wait_until, widgets_loaded,
};
use crate::web_support::{World, start};

/// The dashboard as the API serves it (the truth both tabs share).
async fn stored(w: &World, id: &str) -> Value {
    api_get(
        &w.base,
        w.token("editor"),
        &format!("/api/v1/dashboards/{id}"),
    )
    .await
}

/// Every dashboard the editor sees, by title.
async fn titles(w: &World) -> Vec<String> {
    let list = api_get(&w.base, w.token("editor"), "/api/v1/dashboards").await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Two tabs of one browser, signed in as the same editor.
struct Tabs<'a> {
    c: &'a Client,
    a: WindowHandle,
    b: WindowHandle,
}

impl Tabs<'_> {
    async fn to_a(&self) {
        self.c.switch_to_window(self.a.clone()).await.unwrap();
    }
    async fn to_b(&self) {
        self.c.switch_to_window(self.b.clone()).await.unwrap();
    }

    /// In tab B: set widget w1's title through its form and save.
    async fn b_saves_title(&self, base: &str, id: &str, title: &str) {
        self.to_b().await;
        let c = self.c;
        c.goto(&format!("{base}/dashboards/{id}/widgets/w1/edit"))
            .await
            .unwrap();
        retype(c, "#w-title", title).await;
        click(c, "#widget-form button.btn-primary[type=submit]").await;
        let back = format!("/dashboards/{id}");
        wait_until("tab B back on the dashboard", || async {
            path(c).await == back
        })
        .await;
    }
}

/// In the current tab: open w1's form and type a title and a metric,
/// without saving.
async fn type_into_widget_form(c: &Client, base: &str, id: &str, title: &str) {
    c.goto(&format!("{base}/dashboards/{id}/widgets/w1/edit"))
        .await
        .unwrap();
    retype(c, "#w-title", title).await;
    c.find(Locator::Css("#cfg-metric"))
        .await
        .unwrap()
        .select_by_value("revenue")
        .await
        .unwrap();
}

/// Save the widget form and wait for the conflict banner; check that the
/// three choices are there and nothing typed was lost.
async fn save_and_meet_the_conflict(c: &Client, typed: &str) {
    click(c, "#widget-form button.btn-primary[type=submit]").await;
    wait_until("the conflict banner", || async {
        c.find(Locator::Css("#widget-form .conflict")).await.is_ok()
    })
    .await;
    let banner = text_of(c, "#widget-form .conflict").await;
    for choice in [
        "Overwrite with mine",
        "Save as a copy",
        "Reload (drop my changes)",
    ] {
        assert!(banner.contains(choice), "{choice}: {banner}");
    }
    // The banner is red; its choices read as ordinary buttons, not as
    // dangerous ones: the same text colour as the page.
    let colours = c
        .execute(
            "const page = getComputedStyle(document.body).color;\
             return Array.from(document.querySelectorAll('#widget-form .conflict .toolbar > :not(.btn-primary)'))\
               .map(e => [e.textContent.trim(), getComputedStyle(e).color === page]);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        colours,
        serde_json::json!([["Save as a copy", true], ["Reload (drop my changes)", true]]),
        "choices in the page's text colour"
    );
    assert_eq!(value_of(c, "#w-title").await, typed, "typed title kept");
    assert_eq!(
        value_of(c, "#cfg-metric").await,
        "revenue",
        "typed metric kept"
    );
}

/// In the current tab, on the tabbed dashboard: enter edit mode, move w2
/// to tab "Two" by its control, drag w1 about 400 px right on tab "One",
/// type `message`; returns w1's column after the drag.
async fn arrange(c: &Client, base: &str, id: &str, message: &str) -> String {
    edit_layout(c, &format!("{base}/dashboards/{id}")).await;
    move_by_keyboard(c, "w2", "1").await;
    click(c, ".tabs [data-tab='0']").await;
    let before = attr(c, "[gs-id=w1]", "gs-x").await.unwrap();
    drag(
        c,
        "[gs-id=w1] .widget-head",
        vec![
            PointerAction::MoveBy {
                duration: Some(Duration::from_millis(200)),
                x: 60.0,
                y: 5.0,
            },
            PointerAction::MoveBy {
                duration: Some(Duration::from_millis(300)),
                x: 360.0,
                y: 5.0,
            },
        ],
    )
    .await;
    let after = attr(c, "[gs-id=w1]", "gs-x").await.unwrap();
    assert_ne!(before, after, "the drag moved w1");
    retype(c, "#layout-message", message).await;
    after
}

/// Widget `widget`'s tab in `d` as the API serves it.
fn tab_of(d: &Value, widget: &str) -> u64 {
    d["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == widget)
        .and_then(|w| w["tab"].as_u64())
        .unwrap_or_else(|| panic!("{widget} in {d}"))
}

/// Save the layout and wait for the conflict offer in the edit bar; the
/// arrangement (w1's column, w2 on tab "Two") and the message are still
/// on the page.
async fn save_layout_and_meet_the_conflict(c: &Client, x: &str, message: &str) {
    click(c, "#edit-save").await;
    wait_until("the layout conflict", || async {
        c.find(Locator::Css("#layout-form .conflict")).await.is_ok()
    })
    .await;
    let banner = text_of(c, "#layout-form .conflict").await;
    for choice in [
        "Overwrite with mine",
        "Save as a copy",
        "Reload (drop my changes)",
    ] {
        assert!(banner.contains(choice), "{choice}: {banner}");
    }
    assert_eq!(
        attr(c, "[gs-id=w1]", "gs-x").await.as_deref(),
        Some(x),
        "arrangement kept"
    );
    assert!(
        c.find(Locator::Css(".tab-panel[data-tab='1'] [gs-id=w2]"))
            .await
            .is_ok(),
        "the move kept"
    );
    assert_eq!(
        value_of(c, "#layout-message").await,
        message,
        "message kept"
    );
    assert!(
        c.find(Locator::Id("layout-form"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "still in edit mode"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_save_in_two_tabs_offers_three_choices_that_do_what_they_say() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let base = w.base.clone();
    let id = w.private.clone();
    let browser = open_browser(1440, 900, false).await;
    let c = &browser.c;
    sign_in(c, &base, "editor").await;
    let a = c.window().await.unwrap();
    let b = c.new_window(true).await.unwrap().handle;
    let tabs = Tabs { c, a, b };

    // --- The widget form ---

    // Save as a copy: my settings on a copy, theirs on the original.
    tabs.to_a().await;
    type_into_widget_form(c, &base, &id, "Typed in tab A").await;
    tabs.b_saves_title(&base, &id, "Saved in tab B").await;
    tabs.to_a().await;
    save_and_meet_the_conflict(c, "Typed in tab A").await;
    shot(c, "50-conflict-widget-form").await;
    click(c, "#widget-form button[name=as_copy]").await;
    wait_until("the copy", || async {
        let p = path(c).await;
        p.starts_with("/dashboards/") && p != format!("/dashboards/{id}") && !p.contains("/widgets")
    })
    .await;
    let copy_id = path(c).await.trim_start_matches("/dashboards/").to_owned();
    let copy = stored(&w, &copy_id).await;
    assert_eq!(copy["title"], "Copy of Private");
    assert_eq!(copy["widgets"][0]["title"], "Typed in tab A");
    assert_eq!(copy["widgets"][0]["config"]["metric"], "revenue");
    let original = stored(&w, &id).await;
    assert_eq!(original["widgets"][0]["title"], "Saved in tab B");
    assert_eq!(original["widgets"][0]["config"]["metric"], "total_orders");

    // Overwrite: my settings win on the original.
    type_into_widget_form(c, &base, &id, "Overwritten by A").await;
    tabs.b_saves_title(&base, &id, "B again").await;
    tabs.to_a().await;
    save_and_meet_the_conflict(c, "Overwritten by A").await;
    click(c, "#widget-form button[name=overwrite]").await;
    wait_until("back on the dashboard", || async {
        path(c).await == format!("/dashboards/{id}")
    })
    .await;
    let now = stored(&w, &id).await;
    assert_eq!(now["widgets"][0]["title"], "Overwritten by A");
    assert_eq!(now["widgets"][0]["config"]["metric"], "revenue");

    // Reload: the other tab's state, mine dropped.
    type_into_widget_form(c, &base, &id, "Dropped by A").await;
    tabs.b_saves_title(&base, &id, "B shows after reload").await;
    tabs.to_a().await;
    save_and_meet_the_conflict(c, "Dropped by A").await;
    click(c, "#widget-form .conflict a[data-discard]").await;
    wait_until("the form reloaded", || async {
        c.find(Locator::Css("#widget-form .conflict"))
            .await
            .is_err()
            && value_of(c, "#w-title").await == "B shows after reload"
    })
    .await;
    assert_eq!(
        stored(&w, &id).await["widgets"][0]["title"],
        "B shows after reload"
    );

    // --- The layout, with a move to another tab ---
    let id = tabbed_dashboard(&base, w.token("editor")).await;

    // Overwrite: my arrangement (w1 dragged, w2 moved to tab "Two") and
    // message as one version on the newest one, the other tab's title kept.
    tabs.to_a().await;
    let x = arrange(c, &base, &id, "A's arrangement").await;
    tabs.b_saves_title(&base, &id, "Title from B").await;
    let theirs = stored(&w, &id).await["version"].as_u64().unwrap();
    tabs.to_a().await;
    save_layout_and_meet_the_conflict(c, &x, "A's arrangement").await;
    shot(c, "51-conflict-layout").await;
    click(c, "#layout-form button[name=overwrite]").await;
    wait_until("the layout saved", || async {
        text_of(c, "#save-status")
            .await
            .starts_with("Saved as version")
    })
    .await;
    let now = stored(&w, &id).await;
    assert_eq!(now["version"], theirs + 1, "one version for the save");
    assert_eq!(now["widgets"][0]["x"].as_u64().unwrap().to_string(), x);
    assert_eq!(now["widgets"][0]["title"], "Title from B");
    assert_eq!(tab_of(&now, "w2"), 1, "the move saved: {now}");
    let versions = api_get(
        &base,
        w.token("editor"),
        &format!("/api/v1/dashboards/{id}/versions"),
    )
    .await;
    assert_eq!(versions[0]["message"], "A's arrangement", "{versions}");
    assert_eq!(versions[0]["author"], "editor");
    // Back to the start for the next round: w2 on "One" again.
    edit_layout(c, &format!("{base}/dashboards/{id}")).await;
    move_by_keyboard(c, "w2", "0").await;
    save_layout(c).await;

    // Save as a copy: my arrangement on a new dashboard.
    let x = arrange(c, &base, &id, "On my copy").await;
    tabs.b_saves_title(&base, &id, "B before the copy").await;
    tabs.to_a().await;
    save_layout_and_meet_the_conflict(c, &x, "On my copy").await;
    let before = titles(&w).await.len();
    click(c, "#layout-form button[name=as_copy]").await;
    wait_until("the copy of the layout", || async {
        let p = path(c).await;
        p != format!("/dashboards/{id}") && p != format!("/dashboards/{copy_id}")
    })
    .await;
    assert_eq!(titles(&w).await.len(), before + 1, "one new dashboard");
    let copy = stored(&w, path(c).await.trim_start_matches("/dashboards/")).await;
    assert_eq!(copy["widgets"][0]["x"].as_u64().unwrap().to_string(), x);
    assert_eq!(copy["widgets"][0]["title"], "B before the copy");
    assert_eq!(tab_of(&copy, "w2"), 1, "the move on the copy: {copy}");
    let original = stored(&w, &id).await;
    assert_ne!(original["widgets"][0]["x"].as_u64().unwrap().to_string(), x);
    assert_eq!(tab_of(&original, "w2"), 0, "not on the original");

    // Reload: the other tab's state on the page, my arrangement and move
    // dropped.
    let x = arrange(c, &base, &id, "Dropped arrangement").await;
    tabs.b_saves_title(&base, &id, "Reload shows this").await;
    tabs.to_a().await;
    save_layout_and_meet_the_conflict(c, &x, "Dropped arrangement").await;
    click(c, "#layout-form .conflict a[data-discard]").await;
    wait_until("the page reloaded with the other tab's state", || async {
        text_of(c, "[gs-id=w1] .widget-title").await == "Reload shows this"
    })
    .await;
    widgets_loaded(c).await;
    let now = stored(&w, &id).await;
    let stored_x = now["widgets"][0]["x"].as_u64().unwrap().to_string();
    assert_eq!(
        attr(c, "[gs-id=w1]", "gs-x").await.as_deref(),
        Some(stored_x.as_str())
    );
    assert_eq!(tab_of(&now, "w2"), 0, "the move dropped: {now}");
    assert!(
        c.find(Locator::Css(".tab-panel[data-tab='0'] [gs-id=w2]"))
            .await
            .is_ok(),
        "the page shows w2 where it is saved"
    );
    assert!(
        !c.find(Locator::Id("layout-form"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "a reload leaves edit mode"
    );
    shot(c, "52-conflict-reloaded").await;

    let errors = console_errors(c).await;
    // A 409 answer is logged by the browser as a failed request; nothing
    // else may be.
    let unexpected: Vec<&String> = errors.iter().filter(|e| !e.contains("409")).collect();
    assert!(unexpected.is_empty(), "console errors: {unexpected:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edit_bar_and_the_versions_list_fit_a_phone() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let base = w.base.clone();
    let id = tabbed_dashboard(&base, w.token("editor")).await;
    let browser = open_browser(390, 844, true).await;
    let c = &browser.c;
    sign_in(c, &base, "editor").await;
    // The edit toggle lives in the phone's action menu (edit_layout opens it).
    edit_layout(c, &format!("{base}/dashboards/{id}")).await;
    retype(c, "#layout-message", "From my phone").await;
    let fits = "const bar = document.getElementById('layout-form').getBoundingClientRect();\
                const inside = ['edit-save', 'edit-cancel', 'layout-message'].every(id => {\
                  const r = document.getElementById(id).getBoundingClientRect();\
                  return r.left >= bar.left && r.right <= bar.right && r.bottom <= window.innerHeight; });\
                const menu = document.querySelector('.head-actions');\
                return [document.documentElement.scrollWidth <= window.innerWidth, inside, getComputedStyle(menu).display === 'none'];";
    let fits = c.execute(fits, vec![]).await.unwrap();
    assert_eq!(
        fits,
        serde_json::json!([true, true, true]),
        "the bar fits the screen"
    );
    // Moving a widget to another tab works on one column too: the strip
    // fits the screen, covers nothing, and the save keeps the widget's
    // 12-column size.
    move_by_keyboard(c, "w2", "1").await;
    let strip = js(
        c,
        "const f = document.querySelector('[gs-id=w2] .widget-move').getBoundingClientRect();\
         const w = document.querySelector('[gs-id=w2] section.widget').getBoundingClientRect();\
         return [f.bottom <= w.top + 0.5, f.left >= 0 && f.right <= window.innerWidth,\
                 document.documentElement.scrollWidth <= window.innerWidth];",
    )
    .await;
    assert_eq!(
        strip,
        serde_json::json!([true, true, true]),
        "the move strip"
    );
    shot(c, "53-phone-edit-bar").await;
    save_layout(c).await;
    let saved = stored(&w, &id).await;
    let places: Vec<[u64; 5]> = saved["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| ["tab", "x", "y", "w", "h"].map(|k| w[k].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [[0, 0, 0, 4, 2], [1, 0, 0, 4, 2]], "{saved}");
    c.goto(&format!("{base}/dashboards/{id}/versions"))
        .await
        .unwrap();
    shot(c, "54-phone-versions").await;
    let fits = c
        .execute(
            "const t = document.querySelector('table.versions'); return t.scrollWidth <= t.clientWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, true, "who, when and why fit without scrolling");
}
