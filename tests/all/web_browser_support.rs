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

use crate::web_support::{As, PASSWORD, json_body, send};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// ChromeDriver, killed on drop after it ended its session: ChromeDriver
/// killed alone leaves its Chromium running, orphaned, with the inotify
/// instances it holds — a few hundred such and every new server of the
/// test run failed with "Too many open files".
pub(crate) struct Driver {
    child: Child,
    url: String,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = &self.session {
            // Deleting the session makes ChromeDriver quit the browser.
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .into();
            let _ = agent.delete(&format!("{}/session/{id}", self.url)).call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let driver_url = format!("http://127.0.0.1:{port}");
    let mut driver = Driver {
        child: Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        url: driver_url.clone(),
        session: None,
    };
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
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&driver_url)
            .await
        {
            driver.session = c.session_id().await.ok().flatten();
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

/// Click the element `css`.
pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Replace the text of the field `css` as a person would.
pub(crate) async fn retype(c: &Client, css: &str, text: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The current value of the field `css`.
pub(crate) async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The path of the page shown.
pub(crate) async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// Run `script` in the page; what it returns.
pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// `GET {base}{path}` of the API as `token` (blocking client, off the
/// runtime); the JSON answer, which must be a 200.
pub(crate) async fn api_get(base: &str, token: &str, path: &str) -> Value {
    let (url, token, path) = (format!("{base}{path}"), token.to_owned(), path.to_owned());
    tokio::task::spawn_blocking(move || {
        let answer = send("GET", &url, &As::Token(token), None);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        answer.json()
    })
    .await
    .unwrap()
}

/// Create a dashboard through the API as `token`; its id.
pub(crate) async fn create_dashboard(base: &str, token: &str, body: Value) -> String {
    let (base, token) = (base.to_owned(), token.to_owned());
    tokio::task::spawn_blocking(move || {
        let a = send(
            "POST",
            &format!("{base}/api/v1/dashboards"),
            &As::Token(token),
            json_body(&body),
        );
        assert_eq!(a.status, 201, "{}", a.body);
        a.json()["id"].as_str().unwrap().to_owned()
    })
    .await
    .unwrap()
}

/// A dashboard with tabs "One" and "Two" and two metric cards, `w1` and
/// `w2` (4×2 each), side by side on "One".
pub(crate) async fn tabbed_dashboard(base: &str, token: &str) -> String {
    let card = |id: &str, x: u32| {
        json!({"id": id, "plugin": "metric-card", "title": format!("Card {id}"),
               "config": {"metric": "total_orders"}, "x": x, "y": 0, "w": 4, "h": 2, "tab": 0})
    };
    create_dashboard(
        base,
        token,
        json!({
            "title": "Tabbed",
            "layout": {"kind": "tabs", "tabs": ["One", "Two"]},
            "widgets": [card("w1", 0), card("w2", 4)]
        }),
    )
    .await
}

/// Open the dashboard page `url`, wait for its widgets, and enter edit
/// mode (on a phone through the folded action menu).
pub(crate) async fn edit_layout(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    widgets_loaded(c).await;
    let folded = js(
        c,
        "return getComputedStyle(document.querySelector('.head-actions')).display === 'none';",
    )
    .await;
    if folded == true {
        click(c, "label.head-menu-button").await;
    }
    click(c, "#edit-toggle").await;
}

/// Move widget `widget` to tab `tab` with its "Move to tab" control (in
/// edit mode), by keyboard: show the widget's tab, choose the target tab,
/// press Enter on "Move".
pub(crate) async fn move_by_keyboard(c: &Client, widget: &str, tab: &str) {
    let show = format!(
        "const p = document.querySelector('[gs-id={widget}]').closest('.tab-panel');\
         if (p && p.hidden) document.querySelector('.tabs [data-tab=\"' + p.dataset.tab + '\"]').click();\
         return null;"
    );
    js(c, &show).await;
    c.find(Locator::Id(&format!("move-{widget}")))
        .await
        .unwrap()
        .select_by_value(tab)
        .await
        .unwrap();
    c.find(Locator::Css(&format!(
        "form[data-move-widget={widget}] button"
    )))
    .await
    .unwrap()
    .send_keys(&char::from(fantoccini::key::Key::Enter).to_string())
    .await
    .unwrap();
    wait_until("the widget on its new tab", || async {
        c.find(Locator::Css(&format!(
            ".tab-panel[data-tab='{tab}'] [gs-id={widget}]"
        )))
        .await
        .is_ok()
    })
    .await;
}

/// Press "Save layout" and wait until the page says it saved.
pub(crate) async fn save_layout(c: &Client) {
    click(c, "#edit-save").await;
    // By its text, not as shown: on a phone the status folds away with
    // the other actions.
    wait_until("the layout saved", || async {
        js(
            c,
            "return document.getElementById('save-status').textContent;",
        )
        .await
        .as_str()
        .is_some_and(|t| t.starts_with("Saved as version"))
    })
    .await;
}

/// The shown controls (buttons, selects, inputs, links, menu summaries)
/// under `css` that look faint: text with a WCAG contrast below 7:1 (AAA)
/// against the background behind it — 4.5:1 (AA) for a filled primary
/// button — or see-through (opacity < 1); each as `"label: ratio"`. Muted
/// grey text passes AA on white (4.8:1) and still reads as disabled next
/// to its neighbours, hence AAA. Also returns how many were checked.
pub(crate) async fn low_contrast(c: &Client, css: &str) -> (Vec<String>, usize) {
    let script = format!(
        "const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);\
         const lum = ([r, g, b]) => {{ const f = v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }};\
           return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); }};\
         const backOf = e => {{ for (; e; e = e.parentElement) {{ const c = rgb(getComputedStyle(e).backgroundColor);\
           if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c.slice(0, 3); }} return [255, 255, 255]; }};\
         const seeThrough = e => {{ for (; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) < 1) return true; return false; }};\
         const bad = []; let checked = 0;\
         document.querySelectorAll({css:?}).forEach(root => root.querySelectorAll('button, select, input, a, summary, label.btn').forEach(e => {{\
           const r = e.getBoundingClientRect(); if (!r.width || !r.height || e.type === 'hidden' || e.closest('[hidden]')) return;\
           if (getComputedStyle(e).visibility === 'hidden' || getComputedStyle(e).opacity === '0') return;\
           checked++;\
           const fg = lum(rgb(getComputedStyle(e).color)), bg = lum(backOf(e));\
           const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);\
           const name = (e.getAttribute('aria-label') || e.textContent || e.placeholder || e.name || e.tagName).trim().slice(0, 30);\
           if (ratio < (e.matches('.btn-primary') ? 4.5 : 7) || seeThrough(e)) bad.push(name + ': ' + ratio.toFixed(2) + (seeThrough(e) ? ' (see-through)' : ''));\
         }}));\
         return [bad, checked];"
    );
    let v = js(c, &script).await;
    (
        serde_json::from_value(v[0].clone()).unwrap_or_default(),
        v[1].as_u64().unwrap_or(0) as usize,
    )
}
