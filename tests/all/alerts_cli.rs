//! `wasmdash alerts list` and `wasmdash alerts check-now` as real
//! processes against the data directory of a real server: answered by the
//! server over its admin socket while it runs, then, with the same output,
//! from the store once it stopped;
//! the evaluation then shows in the history over HTTP.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::config::Config;
use wasmdash::server::Server;
use wasmdash::store::{Role, SledStore, Store};

use crate::alerts_http::draft;
use crate::data_support as data;
use crate::web_support::{As, json_body, send};

/// Run `wasmdash alerts ARGS` with the test's config overrides; exit code,
/// stdout, stderr.
fn wasmdash(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(wasmdash_tests::wasmdash_bin())
        .arg("alerts")
        .args(args)
        .current_dir(dir)
        .env("WASMDASH_SERVER__DATA_DIR", "state")
        .env(
            "WASMDASH_PLUGINS__CACHE_DIR",
            wasmdash_tests::plugin_cache_dir(),
        )
        .output()
        .expect("run wasmdash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Serve `config` until the returned sender fires; the handle ends when
/// the server released everything.
async fn serve(
    config: &Config,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let server = Server::bind(config).await.unwrap();
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        server
            .run(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (base, stop, handle)
}

/// Wait until the stopped server's last tasks let go of the database
/// (aborted tasks are dropped by the runtime a moment later).
async fn wait_released(config: &Config) {
    for _ in 0..100 {
        if SledStore::open(&config.data_dir()).is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the stopped server still holds {}",
        config.data_dir().display()
    );
}

fn one_line(stderr: &str) {
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_lists_and_checks_alerts_of_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::web_support::config(dir.path());
    std::fs::write(
        dir.path().join("wasmdash.toml"),
        data::config_text("sqlite://orders.db", "orders", ""),
    )
    .unwrap();
    let token = {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(&config.data_dir()).unwrap());
        let auth = Auth::new(store, AuthConfig::default());
        let user = auth
            .create_user("editor", "correct horse battery", Role::Editor, Utc::now())
            .unwrap();
        auth.create_api_token(&user.id, "cli test", Utc::now())
            .unwrap()
            .plaintext
    };
    let (base, stop, handle) = serve(&config).await;
    let d = dir.path().to_owned();
    let (id, d, served) = tokio::task::spawn_blocking(move || {
        let got = send(
            "POST",
            &format!("{base}/api/v1/alerts"),
            &As::Token(token),
            json_body(&draft("Orders above five")),
        );
        assert_eq!(got.status, 201, "{}", got.body);
        let id = got.json()["id"].as_str().unwrap().to_owned();
        // While the server holds the data directory, the CLI asks it over
        // the admin socket.
        let (code, served, stderr) = wasmdash(&d, &["list", "--json", "--config", "wasmdash.toml"]);
        assert_eq!(code, 0, "{stderr}");
        let list: Value = serde_json::from_str(&served).unwrap();
        assert_eq!(list[0]["id"], id.as_str());
        (id, d, served)
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
    handle.await.unwrap();
    wait_released(&config).await;

    let cfg = ["--config", "wasmdash.toml"];
    let (id2, d2) = (id.clone(), d.clone());
    tokio::task::spawn_blocking(move || {
        let (id, d) = (id2, d2);
        let (code, stdout, stderr) = wasmdash(&d, &["list", "--json", cfg[0], cfg[1]]);
        assert_eq!(code, 0, "{stderr}");
        // The same output with the store opened here as through the server.
        assert_eq!(stdout, served);
        let list: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(list[0]["id"], id.as_str());
        assert_eq!(list[0]["status"]["state"], "OK");
        assert!(list[0]["status"]["last_evaluated"].is_null());

        let (code, stdout, stderr) = wasmdash(&d, &["check-now", id.as_str(), cfg[0], cfg[1]]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains("OK -> FIRING") && stdout.contains("value 2000"),
            "{stdout}"
        );
        assert!(stdout.contains("notification: firing"), "{stdout}");

        let (code, stdout, stderr) = wasmdash(&d, &["list", cfg[0], cfg[1]]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains("Orders above five") && stdout.contains("FIRING"),
            "{stdout}"
        );
        // With --data-dir, the config beside it gives the timezone.
        let (code, stdout, stderr) = wasmdash(&d, &["list", "--json", "--data-dir", "state"]);
        assert_eq!(code, 0, "{stderr}");
        let list: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(list[0]["status"]["state"], "FIRING");
        assert_eq!(list[0]["status"]["last_value"], 2000.0);

        // Bad input: one line, exit 1.
        let (code, _, stderr) = wasmdash(&d, &["check-now", "no-such-alert", cfg[0], cfg[1]]);
        assert_eq!(code, 1);
        assert!(
            stderr.contains("no alert with id \"no-such-alert\""),
            "{stderr}"
        );
        one_line(&stderr);
        let (code, _, stderr) = wasmdash(&d, &["list", "--data-dir", "nowhere"]);
        assert_eq!(code, 1);
        assert!(stderr.contains("holds no wasmdash state"), "{stderr}");
        one_line(&stderr);
        let empty = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(empty.path().join("data/state")).unwrap();
        let (code, _, stderr) = wasmdash(empty.path(), &["check-now", "--data-dir", "data"]);
        assert_eq!(code, 1);
        assert!(stderr.contains("--config"), "{stderr}");
        one_line(&stderr);
    })
    .await
    .unwrap();

    // Back online, the history shows the CLI's evaluation and state change.
    let (base, stop, handle) = serve(&config).await;
    let id2 = id.clone();
    tokio::task::spawn_blocking(move || {
        let id = id2;
        let (cookie, csrf) =
            crate::web_support::login(&base, "editor", "correct horse battery").unwrap();
        let who = As::Session { cookie, csrf };
        let got = send(
            "GET",
            &format!("{base}/api/v1/alerts/{id}/history"),
            &who,
            None,
        );
        assert_eq!(got.status, 200, "{}", got.body);
        let entries = got.json()["entries"].as_array().unwrap().clone();
        let evaluation = entries
            .iter()
            .find(|e| e["event"]["type"] == "evaluation")
            .unwrap_or_else(|| panic!("an evaluation in {entries:?}"));
        assert_eq!(evaluation["event"]["value"], 2000.0);
        assert_eq!(evaluation["event"]["state"], "FIRING");
        assert!(
            entries.iter().any(|e| e["event"]["type"] == "state_change"
                && e["event"]["from"] == "OK"
                && e["event"]["to"] == "FIRING"),
            "{entries:?}"
        );
        let got = send(
            "GET",
            &format!("{base}/api/v1/alerts/{id}/history?limit=0"),
            &who,
            None,
        );
        assert_eq!(got.status, 400, "{}", got.body);
        let page = send("GET", &format!("{base}/alerts/{id}/history"), &who, None);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(r#"data-event="evaluation""#),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(r#"data-event="state_change""#),
            "{}",
            page.body
        );
        assert!(page.body.contains("2000"), "{}", page.body);
    })
    .await
    .unwrap();
    stop.send(()).unwrap();
    handle.await.unwrap();
}
