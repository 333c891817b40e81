//! Run with: `cargo bench -p wasmdash --bench dashboard`
//!
//! The demo home dashboard ("Orders overview": four cards, two trends, a
//! pie, bars and a table) over the 1,000,000-row demo database, loaded
//! cold the way a browser loads it: every widget fragment requested at
//! once over six connections, timed from the first request to the last
//! byte of the last fragment. Each sample moves the range by a minute so
//! no cached result applies. Ranges of 30, 90 and 365 days; p50 of 7.
//! The server runs as a child process; its memory is printed at the end.

#[path = "support/mod.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::data::demo::{DemoOptions, create};
use wasmdash::seed::{DEMO_ADMIN, seed_demo};
use wasmdash::store::{SledStore, Store};

use support::{ServerProcess, agent, demo_now, get, ms, p50, rfc};

const RUNS: usize = 7;
/// Connections a browser opens to one host over HTTP/1.1.
const CONNECTIONS: usize = 6;

/// The demo admin's token and the id and widget ids of the demo dashboard.
fn seed(config: &Config) -> (String, String, Vec<String>) {
    let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).expect("store"));
    let auth = Auth::new(store.clone(), AuthConfig::default());
    seed_demo(&auth, Some("bench password".into())).expect("seed");
    let admin = store
        .user_by_name(DEMO_ADMIN)
        .expect("store")
        .expect("admin");
    let token = auth
        .create_api_token(&admin.id, "bench", Utc::now())
        .expect("token")
        .plaintext;
    let id = store
        .default_dashboard(&admin.id)
        .expect("store")
        .expect("demo dashboard");
    let dashboard = store.dashboard(&id).expect("store").expect("dashboard");
    let widgets = dashboard
        .content
        .widgets
        .iter()
        .map(|w| w.id.clone())
        .collect();
    (token, id.as_str().to_owned(), widgets)
}

/// Request every URL over `CONNECTIONS` connections at once; the time
/// until the last response is complete.
fn load_all(urls: Vec<String>, token: &str) -> Duration {
    let queue = Arc::new(Mutex::new(urls));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..CONNECTIONS {
            let queue = Arc::clone(&queue);
            s.spawn(move || {
                let agent = agent();
                while let Some(url) = queue.lock().expect("queue").pop() {
                    get(&agent, &url, token);
                }
            });
        }
    });
    start.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = demo_now();
    let opts = DemoOptions {
        progress: false,
        now,
        ..DemoOptions::default()
    };
    eprintln!("generating {} demo orders…", opts.orders);
    let config_path = create(dir.path(), "127.0.0.1:0", &opts).expect("demo data");
    let config = Config::load(&config_path).expect("config");
    let (token, dashboard, widgets) = seed(&config);
    let server = ServerProcess::start(&config_path, "warn");
    println!(
        "demo home dashboard, all {} widget fragments, cold (p50 of {RUNS}, {CONNECTIONS} connections)",
        widgets.len()
    );
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "range", "p50 ms", "min ms", "max ms"
    );
    for days in [30, 90, 365] {
        let mut samples = Vec::new();
        // One warm-up, so every sample reads from the OS page cache.
        for i in 0..=RUNS {
            let end = now - chrono::Duration::minutes(i as i64);
            let start = end - chrono::Duration::days(days);
            let query = format!("range=custom&from={}&to={}", rfc(start), rfc(end));
            let urls = widgets
                .iter()
                .map(|w| {
                    format!(
                        "{}/api/v1/dashboards/{dashboard}/widgets/{w}/html?{query}",
                        server.base
                    )
                })
                .collect();
            let took = load_all(urls, &token);
            if i > 0 {
                samples.push(took);
            }
        }
        let (min, max) = (
            samples.iter().min().copied().unwrap_or_default(),
            samples.iter().max().copied().unwrap_or_default(),
        );
        println!(
            "{:<8} {:>10.0} {:>10.0} {:>10.0}",
            format!("{days} d"),
            ms(p50(samples)),
            ms(min),
            ms(max)
        );
    }
    let (peak, rss) = server.memory_mib();
    println!("server memory: peak {peak:.0} MiB, now {rss:.0} MiB");
}
