//! The acceptance test of the widget editor, in Chromium: from an empty
//! dashboard and through the forms alone (no JSON typed), build one widget
//! of each built-in type, arrange them in two tabs, reload, and check each
//! widget's numbers against `/api/v1/metrics/...` for the same range.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::web_browser_support::{
    browser_available, click, console_errors, create_dashboard, js, open_browser, shot, sign_in,
    text_of, value_of, wait_until, widgets_loaded,
};
use crate::web_support::{As, send, start};
use crate::widget_schema::RANGE;

/// [`RANGE`] as the metrics API takes it.
const API_RANGE: &str = "from=2025-02-20&to=2025-03-31";

/// Choose `value` in `select`. The settings fields are swapped for new
/// ones after a metric or dataset changes, so the select found may be
/// replaced before the choice lands: find it again then.
async fn choose(c: &Client, select: &str, value: &str) {
    for _ in 0..50 {
        let found = c
            .find(Locator::Css(select))
            .await
            .unwrap_or_else(|e| panic!("{select}: {e}"));
        match found.select_by_value(value).await {
            Ok(()) => return,
            Err(e) if e.to_string().contains("stale element") => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{select} = {value}: {e}"),
        }
    }
    panic!("{select} kept being replaced");
}

async fn exists(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.is_ok()
}

/// Open the form of `plugin`, let `fill` set its fields, wait for the
/// preview to show the plugin's output, and add the widget.
async fn add_widget<F, Fut>(c: &Client, base: &str, dashboard: &str, plugin: &str, fill: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    c.goto(&format!("{base}/dashboards/{dashboard}/widgets/new"))
        .await
        .unwrap();
    click(c, &format!("a[href$='plugin={plugin}']")).await;
    c.wait()
        .for_element(Locator::Css("#settings-fields"))
        .await
        .unwrap();
    fill().await;
    wait_until("the preview", || async {
        let text = text_of(c, "#preview").await;
        !text.is_empty() && !text.contains("Loading")
    })
    .await;
    let preview_error = exists(c, "#preview .widget-error").await;
    assert!(
        !preview_error,
        "{plugin}: the preview shows an error: {}",
        text_of(c, "#preview").await
    );
    click(c, "#widget-form button.btn-primary[type=submit]").await;
    let back = format!("{base}/dashboards/{dashboard}");
    wait_until("the dashboard after adding a widget", || async {
        c.current_url()
            .await
            .map(|u| u.as_str() == back)
            .unwrap_or(false)
    })
    .await;
}

fn api(base: &str, token: &str, path: &str) -> Value {
    let answer = send(
        "GET",
        &format!("{base}{path}"),
        &As::Token(token.to_owned()),
        None,
    );
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.json()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_one_widget_of_each_built_in_type_through_the_forms_alone() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let base = w.base.clone();
    let browser = open_browser(1440, 900, false).await;
    let c = &browser.c;
    sign_in(c, &base, "editor").await;

    // An empty dashboard.
    c.find(Locator::Id("new-title"))
        .await
        .unwrap()
        .send_keys("Built in the browser")
        .await
        .unwrap();
    click(c, "form.toolbar button[type=submit]").await;
    wait_until("the new dashboard", || async {
        c.current_url()
            .await
            .map(|u| u.path().starts_with("/dashboards/") && u.path().len() > "/dashboards/".len())
            .unwrap_or(false)
    })
    .await;
    let url = c.current_url().await.unwrap();
    let dashboard = url.path().trim_start_matches("/dashboards/").to_owned();

    // Two tabs, through the settings page.
    c.goto(&format!("{base}/dashboards/{dashboard}/settings"))
        .await
        .unwrap();
    click(c, "#layout form button.btn-primary").await;
    c.wait()
        .for_element(Locator::Id("new-tab"))
        .await
        .unwrap()
        .send_keys("Details")
        .await
        .unwrap();
    click(c, "#new-tab ~ button").await;
    c.wait()
        .for_element(Locator::Id("tab-name-1"))
        .await
        .unwrap();
    shot(c, "40-settings-tabs").await;

    // One widget of each built-in type, by pickers and switches only.
    add_widget(c, &base, &dashboard, "metric-card", || async {
        choose(c, "#cfg-metric", "total_orders").await;
        wait_until("the metric card's preview", || async {
            exists(c, "#preview .wd-value").await
        })
        .await;
        shot(c, "41-editor-preview").await;
    })
    .await;
    add_widget(c, &base, &dashboard, "trend-chart", || async {
        choose(c, "#cfg-metric", "revenue").await;
        choose(c, "#cfg-bucket", "day").await;
        let previous = c.find(Locator::Id("cfg-show_previous")).await.unwrap();
        if previous.prop("checked").await.unwrap().as_deref() != Some("true") {
            previous.click().await.unwrap();
        }
    })
    .await;
    add_widget(c, &base, &dashboard, "status-pie", || async {
        choose(c, "#cfg-metric", "total_orders").await;
        wait_until("the dimensions of total_orders", || async {
            exists(c, "#cfg-dimension option[value=status]").await
        })
        .await;
        choose(c, "#cfg-dimension", "status").await;
    })
    .await;
    add_widget(c, &base, &dashboard, "bar-chart", || async {
        choose(c, "#w-tab", "1").await;
        choose(c, "#cfg-metric", "revenue").await;
        wait_until("the dimensions of revenue", || async {
            exists(c, "#cfg-dimension option[value=region]").await
        })
        .await;
        choose(c, "#cfg-dimension", "region").await;
    })
    .await;
    add_widget(c, &base, &dashboard, "data-table", || async {
        choose(c, "#w-tab", "1").await;
        choose(c, "#cfg-dataset", "orders").await;
        for column in ["id", "status", "amount"] {
            wait_until("the dataset's columns", || async {
                exists(c, &format!("input[name='cfg.columns'][value={column}]")).await
            })
            .await;
            click(c, &format!("input[name='cfg.columns'][value={column}]")).await;
        }
        shot(c, "42-editor-table").await;
    })
    .await;

    // Reload at a range; the first tab's widgets load, the second's wait.
    c.goto(&format!("{base}/dashboards/{dashboard}?{RANGE}"))
        .await
        .unwrap();
    widgets_loaded(c).await;
    shot(c, "43-built-overview").await;
    let pending = js(
        c,
        "return document.querySelectorAll('.tab-panel[data-tab=\"1\"] .widget-loading').length;",
    )
    .await;
    assert_eq!(
        pending, 2,
        "hidden-tab widgets are not requested until shown"
    );
    // Not requested at all: the browser fetched nothing for them.
    let requested_hidden = "const ids = Array.from(document.querySelectorAll('.tab-panel[data-tab=\"1\"] .grid-stack-item'))\
           .map(e => e.getAttribute('gs-id'));\
         return performance.getEntriesByType('resource')\
           .filter(r => ids.some(id => new URL(r.name).pathname.endsWith('/widgets/' + id))).length;";
    assert_eq!(
        js(c, requested_hidden).await,
        0,
        "no request for a hidden tab's widgets"
    );

    let token = w.token("editor").to_owned();
    let (b, t) = (base.clone(), token.clone());
    let (value, by_status, by_region) = tokio::task::spawn_blocking(move || {
        (
            api(
                &b,
                &t,
                &format!("/api/v1/metrics/total_orders/value?{API_RANGE}"),
            ),
            api(
                &b,
                &t,
                &format!("/api/v1/metrics/total_orders/categories?by=status&top=5&{API_RANGE}"),
            ),
            api(
                &b,
                &t,
                &format!("/api/v1/metrics/revenue/categories?by=region&top=5&{API_RANGE}"),
            ),
        )
    })
    .await
    .unwrap();

    // The card: the same count, and a trend against the previous period.
    let card = text_of(c, ".tab-panel[data-tab='0'] .wd-value").await;
    let count = value["value"].as_f64().unwrap();
    assert_eq!(
        digits(&card),
        format!("{count:.0}"),
        "card {card:?} vs {value}"
    );
    assert!(
        exists(c, ".tab-panel[data-tab='0'] .wd-trend").await,
        "the card shows a trend"
    );
    // The trend chart: the previous period overlaid.
    assert!(
        exists(c, ".tab-panel[data-tab='0'] .wd-previous").await,
        "previous-period overlay"
    );
    // The pie: each status with its count.
    let legend = js(
        c,
        "return Array.from(document.querySelectorAll('.tab-panel[data-tab=\"0\"] .wd-status-pie .wd-legend li')).map(li =>\
           [li.querySelector('.wd-legend-label').textContent, li.querySelector('.wd-legend-value').textContent]);",
    )
    .await;
    let legend: Vec<(String, String)> = serde_json::from_value(legend).unwrap();
    let labels = by_status["labels"].as_array().unwrap();
    let values = by_status["values"].as_array().unwrap();
    assert_eq!(legend.len(), labels.len(), "{legend:?} vs {by_status}");
    for ((label, shown), (want, n)) in legend.iter().zip(labels.iter().zip(values)) {
        assert_eq!(label, want.as_str().unwrap());
        assert_eq!(
            digits(shown),
            format!("{:.0}", n.as_f64().unwrap()),
            "{label}"
        );
    }

    // The second tab: its widgets load when it opens.
    click(c, ".tabs [data-tab='1']").await;
    widgets_loaded(c).await;
    assert_eq!(js(c, requested_hidden).await, 2, "requested once shown");
    tokio::time::sleep(Duration::from_millis(200)).await;
    shot(c, "44-built-details").await;
    let bars = js(
        c,
        "return Array.from(document.querySelectorAll('.tab-panel[data-tab=\"1\"] .wd-bar title')).map(t => t.textContent);",
    )
    .await;
    let bars: Vec<String> = serde_json::from_value(bars).unwrap();
    let regions = by_region["labels"].as_array().unwrap();
    assert_eq!(bars.len(), regions.len(), "{bars:?} vs {by_region}");
    for (bar, region) in bars.iter().zip(regions) {
        assert!(
            bar.starts_with(&format!("{}:", region.as_str().unwrap())),
            "{bar} vs {region}"
        );
    }
    let headers = js(
        c,
        "return Array.from(document.querySelectorAll('.tab-panel[data-tab=\"1\"] .wd-data-table th')).map(t => t.textContent.trim());",
    )
    .await;
    assert_eq!(
        headers.as_array().unwrap().len(),
        3,
        "the chosen columns: {headers}"
    );

    // What the browser built is what the API serves: no key was typed.
    let (b, t, d) = (base.clone(), token.clone(), dashboard.clone());
    let saved =
        tokio::task::spawn_blocking(move || api(&b, &t, &format!("/api/v1/dashboards/{d}")))
            .await
            .unwrap();
    let plugins: Vec<&str> = saved["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["plugin"].as_str().unwrap())
        .collect();
    assert_eq!(
        plugins,
        [
            "metric-card",
            "trend-chart",
            "status-pie",
            "bar-chart",
            "data-table"
        ]
    );
    let tabs: Vec<u64> = saved["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["tab"].as_u64().unwrap())
        .collect();
    assert_eq!(tabs, [0, 0, 0, 1, 1]);

    // The export menu follows the range shown, and the address keeps it.
    c.execute(
        "const s = document.querySelector('#range-form select[name=range]'); s.value = '7d';\
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    let exported = js(
        c,
        "return [document.querySelector('.export-menu select[name=range]').value, location.search];",
    )
    .await;
    assert_eq!(exported[0], "7d", "{exported}");
    assert!(
        exported[1].as_str().unwrap().contains("range=7d"),
        "{exported}"
    );

    // Auto-refresh on: every widget says when it was last updated.
    assert_eq!(
        js(c, "return Array.from(document.querySelectorAll('.widget-updated')).filter(e => e.offsetParent !== null).length;").await,
        0,
        "no update time while auto-refresh is off"
    );
    choose(c, "#refresh", "30").await;
    let stamps = js(
        c,
        "return Array.from(document.querySelectorAll('.tab-panel:not([hidden]) section.widget')).map(w => {\
           const u = w.querySelector('.widget-updated'); return u && u.offsetParent !== null ? u.textContent : null; });",
    )
    .await;
    let stamps = stamps.as_array().unwrap();
    assert!(!stamps.is_empty());
    for stamp in stamps {
        let text = stamp
            .as_str()
            .unwrap_or_else(|| panic!("a widget without its update time: {stamps:?}"));
        assert!(
            text.starts_with("Updated ") && text.matches(':').count() == 2,
            "{text}"
        );
    }
    assert!(
        js(c, "return location.search;")
            .await
            .as_str()
            .unwrap()
            .contains("refresh=30"),
        "the refresh interval is in the address"
    );
    shot(c, "45-auto-refresh").await;

    let errors = console_errors(c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// A choice made while the settings fields are being fetched again (after
/// the metric changed) survives the swap of the fields: the new metric and
/// the bucket are chosen in one script, so the bucket changes before the
/// fields' answer can arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choice_made_while_the_fields_refresh_is_kept() {
    if !browser_available() {
        return;
    }
    let running = start().await;
    let w = running.world.clone();
    let dashboard = create_dashboard(&w.base, w.token("editor"), json!({"title": "Race"})).await;
    let browser = open_browser(1440, 900, false).await;
    let c = &browser.c;
    sign_in(c, &w.base, "editor").await;
    c.goto(&format!(
        "{}/dashboards/{dashboard}/widgets/new?plugin=trend-chart",
        w.base
    ))
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("#cfg-bucket"))
        .await
        .unwrap();
    let chose = js(
        c,
        "var m = document.getElementById('cfg-metric'); \
         var other = Array.prototype.find.call(m.options, function (o) { return o.value && o.value !== m.value; }); \
         m.value = other.value; m.dispatchEvent(new Event('change', {bubbles: true})); \
         var b = document.getElementById('cfg-bucket'); b.value = 'week'; \
         b.dispatchEvent(new Event('change', {bubbles: true})); \
         window.wdSwapped = false; \
         document.body.addEventListener('htmx:afterSwap', function (e) { \
           if (e.detail.target.id === 'settings-fields') window.wdSwapped = true; }); \
         return other.value;",
    )
    .await;
    let metric = chose.as_str().unwrap().to_owned();
    wait_until("the settings fields' answer", || async {
        js(c, "return window.wdSwapped;").await == Value::Bool(true)
    })
    .await;
    assert_eq!(value_of(c, "#cfg-metric").await, metric);
    assert_eq!(
        value_of(c, "#cfg-bucket").await,
        "week",
        "the bucket chosen while the fields refreshed is kept"
    );
}
