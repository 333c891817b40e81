//! A real server for the web tests: a SQLite file with generated orders,
//! the built-in plugins, a state store seeded with users and dashboards,
//! bound to 127.0.0.1:0; plus a small HTTP client that keeps cookies by hand.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::store::{
    Dashboard, DashboardContent, Layout, Role, Sharing, SledStore, Store, Widget,
};

use crate::data_support as data;
use crate::server_support::{self, Tokens};

/// Password of every seeded user.
pub(crate) const PASSWORD: &str = "correct horse battery";

/// The seeded world.
#[derive(Debug, Clone)]
pub(crate) struct World {
    pub(crate) base: String,
    /// Owned by `editor`, private.
    pub(crate) private: String,
    /// Owned by `editor`, read-only for viewers and up.
    pub(crate) shared: String,
    /// Owned by `admin`, editable by editors and up.
    pub(crate) editable: String,
    /// Bearer tokens by user name.
    pub(crate) tokens: Tokens,
}

impl World {
    /// The bearer token of `user`.
    pub(crate) fn token(&self, user: &str) -> &str {
        self.tokens.of(user)
    }
}

/// A running server over the seeded world.
pub(crate) type Running = server_support::Running<World>;

fn card(id: &str, metric: &str) -> Widget {
    Widget {
        id: id.into(),
        plugin: "metric-card".into(),
        title: format!("Card {id}"),
        config: json!({ "metric": metric }),
        x: 0,
        y: 0,
        w: 3,
        h: 2,
        tab: 0,
    }
}

fn dashboard(
    store: &dyn Store,
    owner: &wasmdash::store::User,
    title: &str,
    sharing: Sharing,
) -> String {
    let content = DashboardContent {
        title: title.into(),
        layout: Layout::Grid,
        widgets: vec![card("w1", "total_orders")],
    };
    let mut d = Dashboard::new(owner.id.clone(), content, Utc::now()).unwrap();
    d.sharing = sharing;
    store.insert_dashboard(&d).unwrap();
    d.id.as_str().to_owned()
}

/// The config of a test server in `dir`.
pub(crate) fn config(dir: &Path) -> Config {
    data::sqlite_db(dir, &data::orders(2_000));
    let text = data::config_text("sqlite://orders.db", "orders", "");
    let env = vec![
        (
            "WASMDASH_SERVER__LISTEN".to_string(),
            "127.0.0.1:0".to_string(),
        ),
        ("WASMDASH_SERVER__DATA_DIR".to_string(), "state".to_string()),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
            wasmdash_tests::plugin_cache_dir().display().to_string(),
        ),
    ];
    Config::parse(&text, &dir.join("wasmdash.toml"), env).unwrap()
}

/// Seed users (admin, editor, editor2, viewer) and three dashboards, then
/// start the server.
pub(crate) async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let (private, shared, editable, tokens) = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let now = Utc::now();
        let mut users = Vec::new();
        let mut tokens = Vec::new();
        for (name, role) in [
            ("admin", Role::Admin),
            ("editor", Role::Editor),
            ("editor2", Role::Editor),
            ("viewer", Role::Viewer),
        ] {
            let user = auth.create_user(name, PASSWORD, role, now).unwrap();
            let token = auth.create_api_token(&user.id, "tests", now).unwrap();
            tokens.push((name.to_owned(), token.plaintext));
            users.push(user);
        }
        let (admin, editor) = (&users[0], &users[1]);
        let private = dashboard(&*store, editor, "Private", Sharing::Private);
        let shared = dashboard(
            &*store,
            editor,
            "Shared",
            Sharing::ReadOnly { role: Role::Viewer },
        );
        let editable = dashboard(
            &*store,
            admin,
            "Team",
            Sharing::Editable { role: Role::Editor },
        );
        (private, shared, editable, tokens)
        // The store is dropped here, releasing the data directory.
    };
    Running::start(&config, dir, |base| World {
        base,
        private,
        shared,
        editable,
        tokens: Tokens(tokens),
    })
    .await
}

/// One answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) set_cookie: Option<String>,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// How a request identifies itself.
#[derive(Debug, Clone)]
pub(crate) enum As {
    /// No credentials.
    Anonymous,
    /// A browser session: cookie value and CSRF token.
    Session { cookie: String, csrf: String },
    /// A session whose requests omit the CSRF token.
    SessionWithoutCsrf { cookie: String },
    /// `Authorization: Bearer`.
    Token(String),
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Send a request; `body` is (content type, bytes).
pub(crate) fn send(method: &str, url: &str, who: &As, body: Option<(&str, Vec<u8>)>) -> Answer {
    send_as(method, url, who, body, false)
}

/// [`send`] as htmx sends it (`HX-Request: true`): a fragment, not a page.
pub(crate) fn send_htmx(
    method: &str,
    url: &str,
    who: &As,
    body: Option<(&str, Vec<u8>)>,
) -> Answer {
    send_as(method, url, who, body, true)
}

fn send_as(method: &str, url: &str, who: &As, body: Option<(&str, Vec<u8>)>, htmx: bool) -> Answer {
    let mut req = http::Request::builder().method(method).uri(url);
    if htmx {
        req = req.header("HX-Request", "true");
    }
    match who {
        As::Anonymous => {}
        As::Session { cookie, csrf } => {
            req = req
                .header("Cookie", format!("wasmdash_session={cookie}"))
                .header("X-CSRF-Token", csrf.as_str());
        }
        As::SessionWithoutCsrf { cookie } => {
            req = req.header("Cookie", format!("wasmdash_session={cookie}"));
        }
        As::Token(token) => req = req.header("Authorization", format!("Bearer {token}")),
    }
    let (ctype, bytes) = body.unwrap_or(("text/plain", Vec::new()));
    let req = req.header("Content-Type", ctype).body(bytes).unwrap();
    let mut resp = agent().run(req).unwrap();
    let status = resp.status().as_u16();
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Answer {
        status,
        body,
        set_cookie,
    }
}

/// Sign in through the login form; returns cookie and CSRF token.
pub(crate) fn login(base: &str, user: &str, password: &str) -> Option<(String, String)> {
    let form = format!("username={user}&password={}", password.replace(' ', "+"));
    let answer = send(
        "POST",
        &format!("{base}/login"),
        &As::Anonymous,
        Some(("application/x-www-form-urlencoded", form.into_bytes())),
    );
    let cookie = answer
        .set_cookie?
        .strip_prefix("wasmdash_session=")?
        .split(';')
        .next()?
        .to_owned();
    let page = send(
        "GET",
        &format!("{base}/dashboards"),
        &As::SessionWithoutCsrf {
            cookie: cookie.clone(),
        },
        None,
    );
    let marker = r#"name="csrf-token" content=""#;
    let start = page.body.find(marker)? + marker.len();
    let csrf = page.body[start..].split('"').next()?.to_owned();
    Some((cookie, csrf))
}

/// A JSON body.
pub(crate) fn json_body(v: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

/// A form body.
pub(crate) fn form_body(s: &str) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/x-www-form-urlencoded", s.as_bytes().to_vec()))
}

/// The layout bar's form as the page sends it: the version edited, every
/// widget's place (`items`, JSON) and `more` fields (`[("message", "…")]`).
pub(crate) fn layout_body(
    version: u64,
    items: &Value,
    more: &[(&str, &str)],
) -> Option<(&'static str, Vec<u8>)> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("version", &version.to_string());
    form.append_pair("items", &items.to_string());
    for (k, v) in more {
        form.append_pair(k, v);
    }
    form_body(&form.finish())
}
