//! The demo dashboard in Chromium (issue 13, items 1 and 4): the table
//! widget heads its columns with their labels and shows ids without
//! separators, amounts as currency and durations; the status pie paints
//! "error" in the configured red. Screenshots at 1440x900 and 390x844 are
//! kept among the browser artifacts (`demo-*.png`). An empty cell is
//! aligned as its column; on a phone the table shows each row as a card of
//! label/value lines instead of scrolling sideways; the trend chart's
//! change figure is painted in its tone, not the axis grey.

use fantoccini::{Client, Locator};

use crate::demo_support::{DEMO_ORDERS, start_demo};
use crate::web_browser_support::{
    browser_available, console_errors, open_browser, shot, submit_login, wait_until, widgets_loaded,
};
use wasmdash::seed::DEMO_ADMIN;

/// The demo dashboard, signed in as its admin, every widget loaded.
async fn open_demo(c: &Client, base: &str, dashboard: &str) {
    // The admin has a default dashboard, so signing in lands on it rather
    // than on the list `sign_in` waits for.
    submit_login(c, base, DEMO_ADMIN).await;
    wait_until("signed in", || async {
        c.current_url()
            .await
            .map(|u| u.path().starts_with("/dashboards"))
            .unwrap_or(false)
    })
    .await;
    c.goto(&format!("{base}/dashboards/{dashboard}?range=30d"))
        .await
        .unwrap();
    widgets_loaded(c).await;
}

/// Texts of the elements matching `css`.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_table_and_pie_read_right_in_chromium() {
    if !browser_available() {
        return;
    }
    let running = start_demo(DEMO_ORDERS, "").await;
    let (base, dashboard) = (running.world.base.clone(), running.world.dashboard.clone());
    for (width, height, mobile, name) in [
        (1440, 900, false, "demo-desktop"),
        (390, 844, true, "demo-phone"),
    ] {
        let browser = open_browser(width, height, mobile).await;
        let c = &browser.c;
        open_demo(c, &base, &dashboard).await;
        shot(c, &format!("{name}-top")).await;

        let headers = texts(c, ".wd-data-table th").await;
        for label in ["Order", "Customer", "Amount", "Completion time"] {
            assert!(headers.iter().any(|h| h == label), "{headers:?}");
        }
        let ids = texts(c, ".wd-data-table tbody tr td:first-child").await;
        assert_eq!(ids.len(), 10, "{ids:?}");
        assert!(
            ids.iter()
                .all(|id| id.parse::<u64>().is_ok_and(|n| n >= 1_000)),
            "ids without separators: {ids:?}"
        );
        let amounts = texts(c, ".wd-data-table tbody tr td:nth-child(7)").await;
        assert!(amounts.iter().all(|a| a.starts_with('$')), "{amounts:?}");

        // The configured red, whatever the theme's palette.
        let fill: String = c
            .execute(
                "const s = [...document.querySelectorAll('.wd-status-pie path.wd-slice')]
                   .find(p => p.querySelector('title').textContent.startsWith('error:'));
                 return s ? getComputedStyle(s).fill : '';",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(fill, "rgb(220, 38, 38)");
        // Its legend swatch stays a swatch, not a chart-sized box.
        let swatch = c
            .execute(
                "const s = document.querySelector('.wd-status-pie svg.wd-swatch');
                 return s ? s.getBoundingClientRect().height : -1;",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap_or(-1.0);
        assert!((1.0..=12.0).contains(&swatch), "swatch {swatch}px high");

        c.execute(
            "document.querySelector('.wd-data-table').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
        shot(c, &format!("{name}-table")).await;
        let js = |script: &'static str| c.execute(script, vec![]);
        // Nothing to scroll sideways, on a phone either.
        let overflow = js(
            "const s = document.querySelector('.wd-data-table .wd-table-scroll');
                           return s.scrollWidth - s.clientWidth;",
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
        if mobile {
            assert!(overflow <= 1.0, "the table scrolls {overflow}px sideways");
            // Each value beside its column's label.
            let label = js(
                "const td = document.querySelector('.wd-data-table tbody td:nth-child(7)');
                            return getComputedStyle(td, '::before').content;",
            )
            .await
            .unwrap();
            assert_eq!(label.as_str(), Some("\"Amount\""), "{label}");
        } else {
            // An empty cell sits where its column's values do.
            let misaligned = js(
                "return [...document.querySelectorAll('.wd-data-table td.wd-null')]
                  .filter(td => getComputedStyle(td).textAlign !==
                    getComputedStyle(td.closest('table').querySelector(
                      'thead th:nth-child(' + (td.cellIndex + 1) + ')')).textAlign).length;",
            )
            .await
            .unwrap();
            assert_eq!(misaligned.as_f64(), Some(0.0), "misaligned empty cells");
            // The change figure is green or red (or muted when flat), not
            // the grey every other SVG text is.
            let tones = js("const t = document.querySelector('.wd-trend-chart text.wd-change');
                  const tick = document.querySelector('.wd-trend-chart text.wd-tick-label');
                  return t ? [t.getAttribute('class'), getComputedStyle(t).fill, getComputedStyle(tick).fill] : null;")
            .await
            .unwrap();
            let tones: Vec<String> = serde_json::from_value(tones).expect("a change figure");
            if !tones[0].contains("wd-neutral") {
                assert_ne!(tones[1], tones[2], "{tones:?}");
            }
        }
        let errors = console_errors(c).await;
        assert!(errors.is_empty(), "{errors:?}");
    }
}
