//! Legible charts on the demo dashboard, measured in Chromium (issue 13,
//! item 3): at 1440x900 and on a 390x844 phone the smallest SVG text on
//! screen (computed font size × the SVG's scale) is at least 11 px, each
//! chart's drawing spans at least 85% of its widget's width, every card
//! shows a sparkline, and a resized window redraws the charts at their
//! new size. Screenshots go to `<target>/browser-artifacts/`.

use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;
use wasmdash::seed::DEMO_ADMIN;

use crate::demo_support::start_demo;
use crate::web_browser_support::{
    browser_available, console_errors, open_browser, shot, submit_login, wait_until, widgets_loaded,
};

/// What the page measures: every visible SVG text's size on screen, each
/// chart's drawn width over its widget's, and the cards' sparklines.
const MEASURE: &str = r#"
const texts = [];
for (const t of document.querySelectorAll('.widget-body svg text')) {
  const r = t.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  const m = t.getScreenCTM();
  const scale = m ? Math.hypot(m.a, m.b) : 1;
  texts.push({
    px: parseFloat(getComputedStyle(t).fontSize) * scale,
    text: t.textContent,
    widget: t.closest('section.widget').getAttribute('aria-label'),
  });
}
const charts = [];
for (const svg of document.querySelectorAll('.widget-body svg.wd-chart')) {
  const section = svg.closest('section.widget');
  const parts = [...svg.querySelectorAll('path, rect, line, circle, text')];
  const pie = svg.closest('.wd-pie-body');
  if (pie) parts.push(...pie.querySelectorAll('.wd-legend li'));
  let left = Infinity, right = -Infinity;
  for (const p of parts) {
    const b = p.getBoundingClientRect();
    if (b.width === 0 && b.height === 0) continue;
    left = Math.min(left, b.left);
    right = Math.max(right, b.right);
  }
  charts.push({
    widget: section.getAttribute('aria-label'),
    ratio: (right - left) / section.getBoundingClientRect().width,
    width: Number(svg.getAttribute('width')),
  });
}
const cards = [...document.querySelectorAll('.wd-metric-card')].map(c => ({
  sparkline: !!c.querySelector('svg.wd-sparkline path'),
  height: c.querySelector('svg.wd-sparkline') ?
    c.querySelector('svg.wd-sparkline').getBoundingClientRect().height : 0,
}));
const busy = document.querySelectorAll('.htmx-request').length;
return {texts, charts, cards, busy};
"#;

/// Sign in as the demo's admin, who lands on the demo dashboard.
async fn sign_in(c: &Client, base: &str) {
    submit_login(c, base, DEMO_ADMIN).await;
    wait_until("signed in", || async {
        c.current_url()
            .await
            .map(|u| u.path().starts_with("/dashboards"))
            .unwrap_or(false)
    })
    .await;
}

async fn measure(c: &Client) -> Value {
    c.execute(MEASURE, vec![]).await.unwrap()
}

/// Wait until the widgets are loaded and no request (a resize redraw) has
/// been in flight for a second.
async fn settled(c: &Client) {
    widgets_loaded(c).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut quiet = 0;
    while quiet < 5 {
        assert!(std::time::Instant::now() < deadline, "redraws never settle");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let busy = measure(c).await["busy"].as_u64().unwrap_or(1);
        quiet = if busy == 0 { quiet + 1 } else { 0 };
    }
}

/// Check the measures; `label` names the screen size in messages.
fn check(m: &Value, label: &str) {
    let texts = m["texts"].as_array().unwrap();
    assert!(
        texts.len() > 10,
        "{label}: axis labels are drawn: {texts:?}"
    );
    let smallest = texts
        .iter()
        .min_by(|a, b| {
            a["px"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["px"].as_f64().unwrap())
        })
        .unwrap();
    assert!(
        smallest["px"].as_f64().unwrap() >= 11.0,
        "{label}: smallest SVG text {smallest}"
    );
    let charts = m["charts"].as_array().unwrap();
    assert_eq!(
        charts.len(),
        4,
        "{label}: trend, pie, bars, revenue: {charts:?}"
    );
    for chart in charts {
        assert!(
            chart["ratio"].as_f64().unwrap() >= 0.85,
            "{label}: the chart spans too little of its widget: {chart}"
        );
    }
    let cards = m["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 4, "{label}: {cards:?}");
    for card in cards {
        assert!(
            card["sparkline"] == true,
            "{label}: every card has a sparkline: {cards:?}"
        );
        assert!(
            card["height"].as_f64().unwrap() >= 16.0,
            "{label}: {cards:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_charts_are_legible_and_fill_their_widgets_in_chromium() {
    if !browser_available() {
        return;
    }
    let running = start_demo(5_000, "").await;
    let demo = running.world.clone();
    let url = format!("{}/dashboards/{}", demo.base, demo.dashboard);

    let browser = open_browser(1440, 900, false).await;
    let c = &browser.c;
    sign_in(c, &demo.base).await;
    c.goto(&url).await.unwrap();
    settled(c).await;
    shot(c, "svg-demo-1440").await;
    let wide = measure(c).await;
    check(&wide, "1440x900");

    // Narrower window: the charts are drawn again at their new width.
    let trend_width = |m: &Value| {
        m["charts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|ch| ch["widget"] == "Orders over time")
            .and_then(|ch| ch["width"].as_f64())
            .unwrap()
    };
    let before = trend_width(&wide);
    c.set_window_size(1000, 900).await.unwrap();
    wait_until("the trend chart to be redrawn narrower", || {
        let c = c.clone();
        async move { trend_width(&measure(&c).await) < before - 100.0 }
    })
    .await;
    settled(c).await;
    shot(c, "svg-demo-1000").await;
    check(&measure(c).await, "1000x900");
    assert!(console_errors(c).await.is_empty());
    drop(browser);

    let phone = open_browser(390, 844, true).await;
    let c = &phone.c;
    sign_in(c, &demo.base).await;
    c.goto(&url).await.unwrap();
    settled(c).await;
    shot(c, "svg-demo-390").await;
    check(&measure(c).await, "390x844");
    assert!(console_errors(c).await.is_empty());
}
