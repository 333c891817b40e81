//! Real-browser end-to-end test: Debian's Chromium, headless, driven through
//! ChromeDriver (WebDriver) against the real server (helpers in
//! `web_browser_support`). Screenshots are kept in
//! `<target>/browser-artifacts/`.

use std::time::Duration;

use fantoccini::{Client, Locator, actions::*};

use crate::web_browser_support::{
    attr, browser_available, console_errors, drag, open_browser, shot, sign_in, text_of,
    wait_until, widgets_loaded,
};
use crate::web_support::start;

async fn add_widget(
    c: &Client,
    base: &str,
    dashboard: &str,
    plugin: &str,
    title: &str,
    metric: &str,
) {
    c.goto(&format!("{base}/dashboards/{dashboard}/widgets/new"))
        .await
        .unwrap();
    c.find(Locator::Css(&format!("a[href$='plugin={plugin}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title_input = c.wait().for_element(Locator::Id("w-title")).await.unwrap();
    title_input.clear().await.unwrap();
    title_input.send_keys(title).await.unwrap();
    c.find(Locator::Css(&format!(
        "#cfg-metric option[value='{metric}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#widget-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let back = format!("{base}/dashboards/{dashboard}");
    wait_until("the dashboard after adding a widget", || async {
        c.current_url()
            .await
            .map(|u| u.as_str() == back)
            .unwrap_or(false)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_builds_and_uses_a_dashboard_in_chromium() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let base = running.world.base.clone();
    let browser = open_browser(1400, 1000, false).await;
    let c = &browser.c;

    sign_in(c, &base, "editor").await;
    shot(c, "01-dashboards").await;

    // Create a dashboard.
    c.find(Locator::Id("new-title"))
        .await
        .unwrap()
        .send_keys("Browser test")
        .await
        .unwrap();
    c.find(Locator::Css("form.toolbar button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until("the new dashboard", || async {
        c.current_url()
            .await
            .map(|u| u.path().starts_with("/dashboards/") && u.path().len() > "/dashboards/".len())
            .unwrap_or(false)
    })
    .await;
    let url = c.current_url().await.unwrap();
    let dashboard = url.path().trim_start_matches("/dashboards/").to_owned();

    // Add a metric card and a trend chart.
    add_widget(
        c,
        &base,
        &dashboard,
        "metric-card",
        "Orders",
        "total_orders",
    )
    .await;
    add_widget(
        c,
        &base,
        &dashboard,
        "trend-chart",
        "Orders per day",
        "total_orders",
    )
    .await;

    // A range inside the generated data.
    let range =
        |to: &str| format!("{base}/dashboards/{dashboard}?range=custom&from=2025-03-01&to={to}");
    c.goto(&range("2025-03-31")).await.unwrap();
    widgets_loaded(c).await;
    shot(c, "02-dashboard").await;
    let card_css = ".grid-stack-item:first-child .widget-body";
    let month = text_of(c, card_css).await;
    assert!(
        c.find(Locator::Css(".widget-body svg")).await.is_ok(),
        "the trend chart draws an SVG"
    );

    // Drag the chart below the card, then reload: it stays there.
    let chart = ".grid-stack-item:nth-child(2)";
    let x_before = attr(c, chart, "gs-x").await.unwrap_or_default();
    c.find(Locator::Id("edit-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    drag(
        c,
        &format!("{chart} .widget-head"),
        vec![
            // A new widget takes the first free cell (right of the card):
            // drag the chart below the card instead.
            PointerAction::MoveBy {
                duration: Some(Duration::from_millis(200)),
                x: -100.0,
                y: 100.0,
            },
            PointerAction::MoveBy {
                duration: Some(Duration::from_millis(300)),
                x: -250.0,
                y: 150.0,
            },
        ],
    )
    .await;
    // Nothing is saved until Save: one version for the whole edit, with
    // the message typed in the edit bar.
    assert_eq!(
        text_of(c, "#layout-form .layout-note").await,
        "Unsaved changes"
    );
    c.find(Locator::Id("layout-message"))
        .await
        .unwrap()
        .send_keys("Chart below the card")
        .await
        .unwrap();
    c.find(Locator::Id("edit-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until("the layout to be saved", || async {
        text_of(c, "#save-status").await.starts_with("Saved")
    })
    .await;
    assert!(
        !c.find(Locator::Id("layout-form"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "saving leaves edit mode"
    );
    let x_dragged = attr(c, chart, "gs-x").await.unwrap_or_default();
    assert_ne!(x_before, x_dragged, "the drag moved the chart");
    c.refresh().await.unwrap();
    widgets_loaded(c).await;
    let x_reloaded = attr(
        c,
        &format!(
            ".grid-stack-item[gs-id='{}']",
            attr(c, chart, "gs-id").await.unwrap()
        ),
        "gs-x",
    )
    .await;
    assert_eq!(
        x_reloaded.as_deref(),
        Some(x_dragged.as_str()),
        "a reload shows the saved layout"
    );
    shot(c, "03-after-drag").await;

    // Change the range through the picker: the card's value changes.
    let select = c
        .find(Locator::Css("#range-form select[name=range]"))
        .await
        .unwrap();
    select.select_by_value("custom").await.unwrap();
    // Date inputs take keys in the browser's locale order; set the value
    // as the date picker would and fire the same change event.
    c.execute(
        "const to = document.getElementById('range-to'); to.value = '2025-03-05';\
         to.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    wait_until("the card to show the shorter range", || async {
        let now = text_of(c, card_css).await;
        !now.is_empty() && !now.contains("Loading") && now != month
    })
    .await;
    shot(c, "04-range-changed").await;

    let errors = console_errors(c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.c.clone().close().await.unwrap();
}
