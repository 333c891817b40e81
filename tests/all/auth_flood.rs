//! Sign-in under attack: a flood of failed sign-ins does not grow the
//! server's memory or lock real users out, repeated wrong passwords are
//! throttled with a readable reason, a foreign site cannot sign anyone in,
//! and signed-in responses are never cached.
//!
//! The flood runs against the real `wasmdash serve` binary so its memory
//! can be read from `/proc`; its clients connect from many loopback
//! addresses (127.0.0.x) to look like many networks.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::store::{Role, SledStore, Store};

use crate::data_support as data;
use crate::server_support::{rss_bytes, serve};
use crate::web_support::{self, PASSWORD};

/// One raw HTTP answer.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Vec<&str> {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect()
    }
}

/// `POST /login` from source address `from`, by hand over TCP (so the
/// client can pick its loopback address).
async fn post_login(
    server: SocketAddr,
    from: Ipv4Addr,
    form: &str,
    extra_headers: &str,
) -> std::io::Result<Raw> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((from, 0)))?;
    let mut stream = socket.connect(server).await?;
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{form}",
        form.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Raw {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

fn form(user: &str, password: &str) -> String {
    format!("username={user}&password={}", password.replace(' ', "+"))
}

/// A config file with the orders database, and users editor and viewer.
fn seed(dir: &Path) {
    let config = web_support::config(dir);
    std::fs::write(
        dir.join("wasmdash.toml"),
        data::config_text("sqlite://orders.db", "orders", ""),
    )
    .unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
    let auth = Auth::new(store, AuthConfig::default());
    for (name, role) in [("editor", Role::Editor), ("viewer", Role::Viewer)] {
        auth.create_user(name, PASSWORD, role, Utc::now()).unwrap();
    }
}

const MIB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_flood_keeps_memory_bounded_and_real_users_get_in() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let server = serve(dir.path());
    let addr: SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
    let pid = server.pid();
    let local = Ipv4Addr::LOCALHOST;

    // The editor has signed in from here before; the viewer never has.
    let warm = post_login(addr, local, &form("editor", PASSWORD), "")
        .await
        .unwrap();
    assert_eq!(warm.status, 303, "{}", warm.body);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_bytes(pid);

    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(before));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_bytes(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };

    // 64 clients for 10 s: half hammer one unknown username from this
    // address, half spray random usernames, each from its own address.
    let started = Instant::now();
    let flood_for = Duration::from_secs(10);
    let mut clients = Vec::new();
    for c in 0..64u8 {
        let from = if c < 32 {
            local
        } else {
            Ipv4Addr::new(127, 0, 1, c)
        };
        clients.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut n = 0u32;
            while started.elapsed() < flood_for {
                n += 1;
                let user = if c < 32 {
                    "nobody".to_owned()
                } else {
                    format!("stranger{c}x{n}")
                };
                match post_login(addr, from, &form(&user, &format!("guess {n}")), "").await {
                    Ok(raw) => statuses.push(raw.status),
                    Err(e) => panic!("client {c}: {e}"),
                }
            }
            statuses
        }));
    }

    // Mid-flood: the editor signs in again; then the viewer, a first time.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let t = Instant::now();
    let editor = post_login(addr, local, &form("editor", PASSWORD), "")
        .await
        .unwrap();
    let editor_took = t.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let t = Instant::now();
    let viewer = post_login(addr, local, &form("viewer", PASSWORD), "")
        .await
        .unwrap();
    let viewer_took = t.elapsed();

    let mut statuses = Vec::new();
    for c in clients {
        statuses.extend(c.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let after = rss_bytes(pid);
    let peak = peak.load(Ordering::Relaxed).max(after);
    let count = |s: u16| statuses.iter().filter(|&&x| x == s).count();
    println!(
        "login flood: {} requests in 10 s (401: {}, 429: {}, 503: {}); RSS {} MiB before, \
         peak {} MiB (+{} MiB), {} MiB after; editor signed in in {} ms, viewer (first \
         sign-in from here) answered {} in {} ms",
        statuses.len(),
        count(401),
        count(429),
        count(503),
        before / MIB,
        peak / MIB,
        peak.saturating_sub(before) / MIB,
        after / MIB,
        editor_took.as_millis(),
        viewer.status,
        viewer_took.as_millis()
    );
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "every flood request got a refusal"
    );
    assert!(count(429) > 0, "the single-account flood was throttled");
    assert!(
        peak.saturating_sub(before) <= 128 * MIB,
        "RSS grew by {} MiB",
        peak.saturating_sub(before) / MIB
    );
    assert_eq!(editor.status, 303, "{}", editor.body);
    assert!(editor_took <= Duration::from_secs(2), "{editor_took:?}");
    // A first sign-in competes with the spraying clients for the general
    // lane: it gets in, or is told to retry shortly, never left hanging.
    match viewer.status {
        303 => {}
        503 => assert_eq!(viewer.header("retry-after").len(), 1),
        other => panic!("viewer got {other}: {}", viewer.body),
    }
    assert!(viewer_took <= Duration::from_secs(5), "{viewer_took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eleventh_wrong_password_in_a_minute_is_refused_with_a_reason() {
    let server = web_support::start().await;
    let addr: SocketAddr = server
        .world
        .base
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let local = Ipv4Addr::LOCALHOST;
    // The editor's browser signed in before and keeps its device cookie.
    let first = post_login(addr, local, &form("editor", PASSWORD), "")
        .await
        .unwrap();
    assert_eq!(first.status, 303);
    let device = first
        .header("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("wasmdash_device="))
        .and_then(|c| c.split(';').next())
        .expect("a device cookie")
        .to_owned();

    // An attacker somewhere else guesses the editor's password.
    let attacker = Ipv4Addr::new(127, 0, 2, 1);
    for i in 1..=10 {
        let r = post_login(addr, attacker, &form("editor", &format!("guess {i}")), "")
            .await
            .unwrap();
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(r.body.contains("wrong username or password"));
    }
    let t = Instant::now();
    let eleventh = post_login(addr, attacker, &form("editor", "guess 11"), "")
        .await
        .unwrap();
    assert!(t.elapsed() < Duration::from_millis(500), "refused at once");
    assert_eq!(eleventh.status, 429);
    assert!(
        eleventh
            .body
            .contains("too many failed sign-ins for this account; try again in"),
        "{}",
        eleventh.body
    );
    let wait: u64 = eleventh.header("retry-after")[0].parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // Even the right password waits, from a browser without the cookie...
    let fresh = post_login(
        addr,
        Ipv4Addr::new(127, 0, 2, 2),
        &form("editor", PASSWORD),
        "",
    )
    .await
    .unwrap();
    assert_eq!(fresh.status, 429);
    // ...but the editor's own browser is not locked out.
    let own = post_login(
        addr,
        local,
        &form("editor", PASSWORD),
        &format!("Cookie: {device}\r\n"),
    )
    .await
    .unwrap();
    assert_eq!(own.status, 303, "{}", own.body);
    // Unknown usernames are throttled the same way (no hint they exist).
    for i in 1..=10 {
        let r = post_login(addr, attacker, &form("ghost", &format!("guess {i}")), "")
            .await
            .unwrap();
        assert_eq!(r.status, 401);
    }
    let r = post_login(addr, attacker, &form("ghost", "guess"), "")
        .await
        .unwrap();
    assert_eq!(r.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_site_cannot_sign_anyone_in_or_post_for_them() {
    let server = web_support::start().await;
    let addr: SocketAddr = server
        .world
        .base
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let local = Ipv4Addr::LOCALHOST;
    let good = form("viewer", PASSWORD);
    for header in [
        "Origin: http://evil.example\r\n".to_owned(),
        "Origin: null\r\n".to_owned(),
        "Referer: http://evil.example/page\r\n".to_owned(),
        format!("Origin: http://evil.example\r\nReferer: http://{addr}/login\r\n"),
    ] {
        let r = post_login(addr, local, &good, &header).await.unwrap();
        assert_eq!(r.status, 403, "{header}: {}", r.body);
        assert!(r.body.contains("cross-site request refused"), "{}", r.body);
        assert!(r.header("set-cookie").is_empty(), "no session for {header}");
    }
    // The site's own form, and clients that send no origin at all, sign in.
    for header in [
        format!("Origin: http://{addr}\r\n"),
        format!("Referer: http://{addr}/login\r\n"),
        String::new(),
    ] {
        let r = post_login(addr, local, &good, &header).await.unwrap();
        assert_eq!(r.status, 303, "{header}: {}", r.body);
    }
    // The same rule holds for the API, in JSON.
    let base = server.world.base.clone();
    let token = server.world.token("editor").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .post(format!("{base}/api/v1/dashboards"))
            .header("Authorization", format!("Bearer {token}"))
            .header("Origin", "https://evil.example")
            .content_type("application/json")
            .send(r#"{"title":"x"}"#)
            .unwrap();
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().unwrap(),
        )
    })
    .await
    .unwrap();
    assert_eq!(answer.0, 403);
    assert!(answer.1.starts_with("{\"error\":"), "{}", answer.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_responses_are_not_stored_by_caches() {
    let server = web_support::start().await;
    let base = server.world.base.clone();
    let token = server.world.token("viewer").to_owned();
    let shared = server.world.shared.clone();
    tokio::task::spawn_blocking(move || {
        let (cookie, _) = web_support::login(&base, "viewer", PASSWORD).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        for path in [
            "/".to_owned(),
            "/dashboards".to_owned(),
            format!("/dashboards/{shared}"),
            "/alerts".to_owned(),
        ] {
            let resp = agent
                .get(format!("{base}{path}"))
                .header("Cookie", format!("wasmdash_session={cookie}"))
                .call()
                .unwrap();
            let cc = resp
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(cc.as_deref(), Some("no-store"), "{path}");
        }
        for path in ["/api/v1/dashboards", "/api/v1/metrics"] {
            let resp = agent
                .get(format!("{base}{path}"))
                .header("Authorization", format!("Bearer {token}"))
                .call()
                .unwrap();
            assert_eq!(resp.status().as_u16(), 200, "{path}");
            let cc = resp
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(cc.as_deref(), Some("no-store"), "{path}");
        }
    })
    .await
    .unwrap();
}
