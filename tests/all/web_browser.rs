//! Real-browser end-to-end test: Debian's Chromium, headless, driven through
//! ChromeDriver (WebDriver) against the real server. Skips with a reason
//! when Chromium or ChromeDriver is missing, unless CI requires them.
//! Screenshots are kept in `<target>/browser-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator, actions::*, wd::WebDriverCompatibleCommand};
use serde_json::{Value, json};

use crate::web_support::{PASSWORD, start};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// ChromeDriver, killed on drop.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// ChromeDriver's legacy log endpoint: the browser console.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

async fn console_errors(c: &Client) -> Vec<String> {
    let log = c.issue_cmd(BrowserLog).await.unwrap_or(Value::Null);
    log.as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e["level"] == "SEVERE")
                .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
}

async fn wait_until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()?
}

/// Wait for every widget on the page to replace its "Loading…".
async fn widgets_loaded(c: &Client) {
    wait_until("widgets to load", || async {
        c.find_all(Locator::Css(".widget-loading"))
            .await
            .map(|v| v.is_empty())
            .unwrap_or(false)
    })
    .await;
}

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
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        assert!(
            !wasmdash_tests::services_required(),
            "CI requires Chromium and ChromeDriver ({CHROMIUM}, {CHROMEDRIVER})"
        );
        eprintln!(
            "skipping: {CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let running = start().await;
    let base = running.world.base.clone();
    let port = free_port();
    let _driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let driver_url = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&driver_url)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("connect to chromedriver");

    // Sign in.
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("editor")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until("the dashboards list", || async {
        c.current_url()
            .await
            .map(|u| u.path() == "/dashboards")
            .unwrap_or(false)
    })
    .await;
    shot(&c, "01-dashboards").await;

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
        &c,
        &base,
        &dashboard,
        "metric-card",
        "Orders",
        "total_orders",
    )
    .await;
    add_widget(
        &c,
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
    widgets_loaded(&c).await;
    shot(&c, "02-dashboard").await;
    let card_css = ".grid-stack-item:first-child .widget-body";
    let month = text_of(&c, card_css).await;
    assert!(
        c.find(Locator::Css(".widget-body svg")).await.is_ok(),
        "the trend chart draws an SVG"
    );

    // Drag the chart to the right of the card, then reload: it stays there.
    let chart = ".grid-stack-item:nth-child(2)";
    let x_before = attr(&c, chart, "gs-x").await.unwrap_or_default();
    c.find(Locator::Id("edit-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let handle = c
        .find(Locator::Css(&format!("{chart} .widget-head")))
        .await
        .unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: handle,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(200)),
            x: 200.0,
            y: 0.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(300)),
            x: 400.0,
            y: -300.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(drag).await.unwrap();
    wait_until("the layout to be saved", || async {
        text_of(&c, "#save-status").await == "Saved"
    })
    .await;
    let x_dragged = attr(&c, chart, "gs-x").await.unwrap_or_default();
    assert_ne!(x_before, x_dragged, "the drag moved the chart");
    c.refresh().await.unwrap();
    widgets_loaded(&c).await;
    let x_reloaded = attr(
        &c,
        &format!(
            ".grid-stack-item[gs-id='{}']",
            attr(&c, chart, "gs-id").await.unwrap()
        ),
        "gs-x",
    )
    .await;
    assert_eq!(
        x_reloaded.as_deref(),
        Some(x_dragged.as_str()),
        "a reload shows the saved layout"
    );
    shot(&c, "03-after-drag").await;

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
        let now = text_of(&c, card_css).await;
        !now.is_empty() && !now.contains("Loading") && now != month
    })
    .await;
    shot(&c, "04-range-changed").await;

    let errors = console_errors(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    c.close().await.unwrap();
}
