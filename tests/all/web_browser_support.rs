//! Shared helpers of the real-browser tests: Debian's Chromium, headless,
//! driven through ChromeDriver (WebDriver) against the real server. A test
//! skips with a reason when Chromium or ChromeDriver is missing, unless CI
//! requires them. Screenshots are kept in `<target>/browser-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator, wd::WebDriverCompatibleCommand};
use serde_json::{Value, json};

use crate::web_support::PASSWORD;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// ChromeDriver, killed on drop.
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A browser session; the driver and profile live as long as it.
pub(crate) struct Browser {
    pub(crate) c: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
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

/// Whether the browser tests can run; prints why not (and fails when CI
/// requires the services).
pub(crate) fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    assert!(
        !wasmdash_tests::services_required(),
        "CI requires Chromium and ChromeDriver ({CHROMIUM}, {CHROMEDRIVER})"
    );
    eprintln!(
        "skipping: {CHROMIUM} or {CHROMEDRIVER} is not installed (apt-get install chromium chromium-driver)"
    );
    false
}

/// Start ChromeDriver and a headless Chromium with a `width`×`height`
/// window; `mobile` emulates a phone (touch, device pixel ratio 3).
pub(crate) async fn open_browser(width: u32, height: u32, mobile: bool) -> Browser {
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ]
    });
    if mobile {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
        });
    }
    let caps = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": options,
    });
    let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let driver_url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&driver_url)
            .await
        {
            return Browser {
                c,
                _driver: driver,
                _profile: profile,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not connect to chromedriver");
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

/// Severe messages on the browser console since the last call.
pub(crate) async fn console_errors(c: &Client) -> Vec<String> {
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

/// Save a screenshot as `<name>.png` among the artifacts.
pub(crate) async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
}

/// Poll `ready` for up to 20 s.
pub(crate) async fn wait_until<F, Fut>(what: &str, mut ready: F)
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

/// The text of the first element matching `css` ("" when none).
pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// An attribute of the first element matching `css`.
pub(crate) async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()?
}

/// Wait for every shown widget to replace its "Loading…" (widgets of a
/// hidden tab load when their tab is shown).
pub(crate) async fn widgets_loaded(c: &Client) {
    wait_until("widgets to load", || async {
        let Ok(loading) = c.find_all(Locator::Css(".widget-loading")).await else {
            return false;
        };
        for l in loading {
            if l.is_displayed().await.unwrap_or(true) {
                return false;
            }
        }
        true
    })
    .await;
}

/// Sign in as `user` through the login form and wait for the list.
pub(crate) async fn sign_in(c: &Client, base: &str, user: &str) {
    submit_login(c, base, user).await;
    wait_until("the dashboards list", || async {
        c.current_url()
            .await
            .map(|u| u.path() == "/dashboards")
            .unwrap_or(false)
    })
    .await;
}

/// Fill in and submit the login form as `user` (password [`PASSWORD`]);
/// the caller waits for where it lands.
pub(crate) async fn submit_login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
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
}

/// A real mouse drag, as gridstack sees one: press on the element `from`
/// (CSS), make `moves`, release.
pub(crate) async fn drag(c: &Client, from: &str, moves: Vec<PointerAction>) {
    let handle = c.find(Locator::Css(from)).await.unwrap();
    let mut actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: handle,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for m in moves {
        actions = actions.then(m);
    }
    let actions = actions.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    c.perform_actions(actions).await.unwrap();
}
