//! The JSON API over real HTTP: a server bound to 127.0.0.1:0 on a real
//! SQLite file; good requests answer data, bad ones 4xx JSON.

use serde_json::Value;
use wasmdash::config::Config;
use wasmdash::server::Server;

use crate::data_support as support;

/// GET `url` with a bearer token (none when empty); status, content type
/// and JSON body.
fn get(token: &str, url: &str) -> (u16, String, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.get(url);
    if !token.is_empty() {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let mut resp = req.call().unwrap();
    let status = resp.status().as_u16();
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.body_mut().read_to_string().unwrap();
    let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
    (status, ctype, json)
}

/// Absolute range inside the generated data (the server's clock is real).
const MARCH: &str = "from=2025-03-01&to=2025-03-31";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_data_and_readable_errors_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = support::sqlite_db(dir.path(), &support::orders(2_000));
    // A rollup, so the answers say which path answered.
    let rollup = "[[rollup]]\nname = \"orders_hourly\"\ndataset = \"orders\"\ngrain = \"1h\"\n\
                  dimensions = [\"status\"]\nsum = [\"amount\"]\n";
    let text = support::config_text("sqlite://orders.db", "orders", rollup);
    let cache = wasmdash_tests::plugin_cache_dir();
    let env = vec![
        (
            "WASMDASH_SERVER__LISTEN".to_string(),
            "127.0.0.1:0".to_string(),
        ),
        ("WASMDASH_SERVER__DATA_DIR".to_string(), "state".to_string()),
        (
            "WASMDASH_PLUGINS__CACHE_DIR".to_string(),
            cache.display().to_string(),
        ),
    ];
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env).unwrap();
    // The API needs a signed-in caller: a viewer's token.
    let t = {
        let store: std::sync::Arc<dyn wasmdash::store::Store> =
            std::sync::Arc::new(wasmdash::store::SledStore::open(&config.data_dir()).unwrap());
        let auth = wasmdash::auth::Auth::new(store, wasmdash::auth::AuthConfig::default());
        let now = chrono::Utc::now();
        let user = auth
            .create_user(
                "reader",
                "a long password",
                wasmdash::store::Role::Viewer,
                now,
            )
            .unwrap();
        auth.create_api_token(&user.id, "api test", now)
            .unwrap()
            .plaintext
    };
    let server = Server::bind(&config).await.unwrap();
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let b = base.clone();
    let data_dir = config.data_dir();
    tokio::task::spawn_blocking(move || {
        let (status, _, _) = get(&t, &format!("{b}/healthz"));
        assert_eq!(status, 200);
        // The rollup builds in the background; wait for it (over the
        // admin socket, like `wasmdash rollups status`).
        let ready = (0..300).any(|_| {
            let status = wasmdash::admin::AdminRequest::RollupsStatus { json: true };
            match wasmdash::admin::call(&data_dir, &status) {
                Ok(Some(reply)) if reply.output.contains("\"ready\"") => true,
                _ => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    false
                }
            }
        });
        assert!(ready, "the rollup was built");

        // Without credentials the API answers 401, as JSON.
        let (status, ctype, v) = get("", &format!("{b}/api/v1/metrics"));
        assert_eq!(status, 401, "{v}");
        assert!(ctype.starts_with("application/json"));
        assert!(v["error"].as_str().unwrap().contains("sign in"));

        let (status, ctype, v) = get(&t, &format!("{b}/api/v1/metrics"));
        assert_eq!(status, 200);
        assert!(ctype.starts_with("application/json"));
        let names: Vec<&str> = v["metrics"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"total_orders") && names.contains(&"error_rate"));

        let (status, _, v) = get(&t, &format!("{b}/api/v1/metrics/total_orders/value?{MARCH}&sparkline=true"));
        assert_eq!(status, 200, "{v}");
        assert!(v["value"].as_f64().unwrap() > 0.0);
        assert!(v["previous"].as_f64().is_some());
        assert!(!v["sparkline"].as_array().unwrap().is_empty());
        assert_eq!(v["answered_by"], "rollup", "{v}");
        assert_eq!(v["rollup"], "orders_hourly");

        let (status, _, v) = get(&t, &format!("{b}/api/v1/metrics/revenue/series?{MARCH}&bucket=day&compare=previous"));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["bucket"], "day");
        assert_eq!(v["points"].as_array().unwrap().len(), 31);
        assert_eq!(v["previous"].as_array().unwrap().len(), 31);
        assert_eq!(v["format"]["kind"], "currency");
        // `revenue` filters on `status != cancelled`, a kept dimension.
        assert_eq!(v["answered_by"], "rollup", "{v}");

        let (status, _, v) = get(&t, &format!("{b}/api/v1/metrics/total_orders/categories?{MARCH}&by=status&top=2"));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["labels"].as_array().unwrap().len(), 3);
        assert_eq!(v["labels"][2], "other");
        assert_eq!(v["answered_by"], "rollup", "{v}");

        let (status, _, v) = get(&t, &format!(
            "{b}/api/v1/datasets/orders/rows?columns=id,status,amount&filter=status:eq:error&filter=amount:ge:10&order=id&desc=true&limit=5"
        ));
        assert_eq!(status, 200, "{v}");
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r[1] == "error" && r[2].as_f64().unwrap() >= 10.0));
        assert!(rows[0][0].as_i64() > rows[1][0].as_i64());

        let bad = [
            ("/api/v1/metrics/nope/value", 404, "unknown metric"),
            ("/api/v1/metrics/x'%3B%20DROP%20TABLE%20canary%3B--/value", 404, "unknown metric"),
            ("/api/v1/metrics/total_orders/value?range=bogus", 400, "bad time range"),
            ("/api/v1/metrics/total_orders/value?range=30d%3B%20DROP%20TABLE%20canary", 400, "bad time range"),
            ("/api/v1/metrics/total_orders/value?from=2025-03-01", 400, "go together"),
            ("/api/v1/metrics/total_orders/value?range=30d&from=2025-03-01&to=2025-03-02", 400, "not both"),
            ("/api/v1/metrics/total_orders/value?from=2025-03-05&to=2025-03-01", 400, "after"),
            ("/api/v1/metrics/total_orders/value?rnage=30d", 400, "unknown parameter"),
            ("/api/v1/metrics/total_orders/value?range=30d&range=7d", 400, "twice"),
            ("/api/v1/metrics/total_orders/series?bucket=fortnight", 400, "bad bucket"),
            ("/api/v1/metrics/total_orders/series?range=365d&bucket=minute", 400, "more than"),
            ("/api/v1/metrics/total_orders/series?compare=yes", 400, "compare"),
            ("/api/v1/metrics/total_orders/categories?by=customer_id", 400, "cannot be grouped"),
            ("/api/v1/metrics/total_orders/categories?by=status%20OR%201%3D1", 400, "cannot be grouped"),
            ("/api/v1/metrics/total_orders/categories", 400, "required"),
            ("/api/v1/metrics/total_orders/categories?by=status&top=-1", 400, "whole number"),
            ("/api/v1/metrics/total_orders/categories?by=status&top=5000", 400, "top"),
            ("/api/v1/datasets/orders/rows?order=secret", 400, "no column"),
            ("/api/v1/datasets/orders/rows?columns=id,password", 400, "no column"),
            ("/api/v1/datasets/orders/rows?filter=amount:gt:lots", 400, "must be a number"),
            ("/api/v1/datasets/orders/rows?filter=status:like:%25", 400, "bad filter"),
            ("/api/v1/datasets/orders/rows?filter=id%3D1%20OR%201%3D1:eq:1", 400, "no column"),
            ("/api/v1/datasets/orders/rows?limit=0", 400, "limit"),
            ("/api/v1/datasets/orders/rows?desc=maybe", 400, "true or false"),
            ("/api/v1/datasets/nope/rows", 404, "unknown dataset"),
            ("/api/v1/nothing/here", 404, "no API route"),
        ];
        for (path, want, says) in bad {
            let (status, ctype, v) = get(&t, &format!("{b}{path}"));
            assert_eq!(status, want, "{path}: {v}");
            assert!(ctype.starts_with("application/json"), "{path}: {ctype}");
            let msg = v["error"].as_str().unwrap_or_else(|| panic!("{path}: no error in {v}"));
            assert!(msg.contains(says), "{path}: {msg}");
            assert!(!msg.contains("SELECT"), "{path}: {msg}");
        }
        // A hostile value is bound: it simply matches nothing.
        let (status, _, v) = get(&t, &format!("{b}/api/v1/datasets/orders/rows?filter=status:eq:x'%3B%20DROP%20TABLE%20canary%3B--"));
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["total_rows"], 0);
    })
    .await
    .unwrap();

    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    let canary: i64 = conn
        .query_row("SELECT count(*) FROM canary", [], |r| r.get(0))
        .unwrap();
    assert_eq!(canary, 1);
}
