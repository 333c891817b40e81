//! Widgets written in Python and JavaScript: the examples' components,
//! dropped into a running server's plugins folder, added to a dashboard
//! through the API and rendered from real data; `wasmdash plugins check`
//! accepts both.
//!
//! The components come from `examples/{python,js}-widget/build.sh`. A test
//! skips with the reason when one is not built, unless CI requires every
//! service (`WASMDASH_REQUIRE_SERVICES=1`): then it runs the build itself.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::export_support::{self as support, get};
use crate::web_support::{As, json_body, send};

/// A polyglot example: its folder under `examples/` and its component.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Example {
    pub(crate) dir: &'static str,
    pub(crate) file: &'static str,
}

/// The Python bullet chart.
pub(crate) const PYTHON: Example = Example {
    dir: "python-widget",
    file: "bullet-chart.wasm",
};

/// The JavaScript weekday heatmap.
pub(crate) const JS: Example = Example {
    dir: "js-widget",
    file: "weekday-heatmap.wasm",
};

impl Example {
    /// The built component, building it when CI requires it; `None` (after
    /// printing why) when it is not built and the test should skip.
    pub(crate) fn wasm(self) -> Option<PathBuf> {
        // One build at a time: two tests must not write the same file.
        static BUILDING: Mutex<()> = Mutex::new(());
        let _guard = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(self.dir);
        let wasm = dir.join(self.file);
        if wasm.is_file() {
            return Some(wasm);
        }
        if !wasmdash_tests::services_required() {
            eprintln!(
                "skipping: {} is not built (run examples/{}/build.sh)",
                wasm.display(),
                self.dir
            );
            return None;
        }
        let out = Command::new(dir.join("build.sh"))
            .output()
            .expect("run build.sh");
        assert!(
            out.status.success(),
            "examples/{}/build.sh failed:\n{}",
            self.dir,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(wasm.is_file(), "build.sh did not write {}", wasm.display());
        Some(wasm)
    }
}

/// The range the widgets are rendered over: whole weeks of winter time in
/// the test config's Europe/Berlin, inside the generated orders.
const FROM: &str = "2025-01-27";
const TO: &str = "2025-03-09";
/// Berlin's offset from UTC over that range, minutes.
const BERLIN_WINTER: i64 = 60;

/// `1234567` as `1,234,567`.
fn grouped(v: i64) -> String {
    let digits = v.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

fn widget(id: &str, plugin: &str, title: &str, config: Value) -> Value {
    json!({ "id": id, "plugin": plugin, "title": title, "config": config,
            "x": 0, "y": 0, "w": 6, "h": 3, "tab": 0 })
}

/// Copy `wasm` into the watched folder (under another name first, so the
/// watcher never sees half a file) and wait until a dashboard with
/// `probe` is accepted, i.e. the plugin is loaded. Interpreted components
/// compile for a while the first time.
fn install_and_create(w: &support::World, wasm: &std::path::Path, body: &Value) -> String {
    let name = wasm.file_name().unwrap();
    let part = w.plugins_dir.join("incoming.part");
    std::fs::copy(wasm, &part).unwrap();
    std::fs::rename(&part, w.plugins_dir.join(name)).unwrap();
    let editor = As::Token(w.token("editor").to_owned());
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let answer = send(
            "POST",
            &format!("{}/api/v1/dashboards", w.base),
            &editor,
            json_body(body),
        );
        if answer.status == 201 {
            return answer.json()["id"].as_str().unwrap().to_owned();
        }
        assert!(
            answer.status == 422 && answer.body.contains("there is no widget plugin"),
            "{} {}",
            answer.status,
            answer.body
        );
        assert!(Instant::now() < deadline, "{} never loaded", wasm.display());
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The sanitized HTML of a widget through the API, as the dashboard's
/// owner (new dashboards are private).
fn widget_html(w: &support::World, dashboard: &str, widget: &str) -> String {
    let answer = get(
        &format!(
            "{}/api/v1/dashboards/{dashboard}/widgets/{widget}/html?range=custom&from={FROM}&to={TO}",
            w.base
        ),
        Some(w.token("editor")),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["html"].as_str().unwrap().to_owned()
}

fn api_json(w: &support::World, path: &str) -> Value {
    let answer = get(&format!("{}{path}", w.base), Some(w.token("viewer")));
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    answer.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn python_bullet_chart_renders_on_a_dashboard() {
    let Some(wasm) = PYTHON.wasm() else { return };
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let editor = As::Token(w.token("editor").to_owned());
        let config = json!({ "metric": "total_orders", "target": 700,
                             "band_low": 600, "band_high": 800, "max": 1000 });
        let body = json!({ "title": "Python", "widgets": [
            widget("bullet", "bullet-chart", "Orders vs target", config)] });
        let id = install_and_create(&w, &wasm, &body);

        let value = api_json(
            &w,
            &format!("/api/v1/metrics/total_orders/value?from={FROM}&to={TO}"),
        );
        let orders = value["value"].as_f64().unwrap() as i64;
        let previous = value["previous"].as_f64().unwrap() as i64;
        assert!(orders > 0 && previous > 0, "{value}");

        let html = widget_html(&w, &id, "bullet");
        assert!(html.contains("<svg"), "{html}");
        let label = format!("Total orders: {} (target 700)", grouped(orders));
        assert!(html.contains(&format!("aria-label=\"{label}\"")), "{html}");
        // The track spans 0..1000 across whatever width the host drew the
        // widget at, so the bar ends where the value is on it.
        let track: f64 = html
            .split("class=\"wd-bullet-track\"")
            .nth(1)
            .and_then(|rest| rest.split("width=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no track width in {html}"));
        let bar = track * (orders.min(1000) as f64) / 1000.0;
        let width = format!("{:.2}", (bar * 100.0).round() / 100.0);
        let width = width.trim_end_matches('0').trim_end_matches('.');
        assert!(
            html.contains(&format!(
                "class=\"wd-bullet-value wd-c0\" x=\"8\" y=\"18\" width=\"{width}\""
            )),
            "bar of {orders} in {html}"
        );
        assert!(html.contains("wd-bullet-band") && html.contains("wd-bullet-target"));
        assert!(html.contains(&format!("previous period {}", grouped(previous))));

        // The schema the Python plugin describes is enforced by the API.
        let bad = json!({ "title": "Bad", "widgets": [
            widget("b", "bullet-chart", "No target", json!({ "metric": "total_orders" }))] });
        let answer = send(
            "POST",
            &format!("{}/api/v1/dashboards", w.base),
            &editor,
            json_body(&bad),
        );
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert!(answer.body.contains("target"), "{}", answer.body);
    })
    .await
    .unwrap();
}

/// Orders per (weekday, hour) in Berlin time, Monday first, from the
/// hourly series the API serves: what the heatmap must show.
fn expected_heatmap(series: &Value) -> Vec<[i64; 24]> {
    let mut cells = vec![[0i64; 24]; 7];
    for point in series["points"].as_array().unwrap() {
        let (Some(t), Some(v)) = (point[0].as_i64(), point[1].as_f64()) else {
            continue;
        };
        let local = t / 1000 + BERLIN_WINTER * 60;
        // 1970-01-01 was a Thursday: day 0 → index 3 with Monday first.
        let day = ((local.div_euclid(86_400) + 3) % 7) as usize;
        let hour = (local.rem_euclid(86_400) / 3600) as usize;
        cells[day][hour] += v as i64;
    }
    cells
}

#[tokio::test(flavor = "multi_thread")]
async fn javascript_heatmap_renders_on_a_dashboard() {
    let Some(wasm) = JS.wasm() else { return };
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let editor = As::Token(w.token("editor").to_owned());
        let config = json!({ "metric": "total_orders", "bucket": "hour" });
        let body = json!({ "title": "JavaScript", "widgets": [
            widget("heat", "weekday-heatmap", "Orders by hour", config)] });
        let id = install_and_create(&w, &wasm, &body);

        let series = api_json(
            &w,
            &format!("/api/v1/metrics/total_orders/series?from={FROM}&to={TO}&bucket=hour"),
        );
        let cells = expected_heatmap(&series);
        let max = cells.iter().flatten().copied().max().unwrap();
        assert!(max > 1, "{series}");

        let html = widget_html(&w, &id, "heat");
        assert!(html.contains("<svg"), "{html}");
        assert_eq!(
            html.matches("class=\"wd-heatmap-cell wd-c0\"").count(),
            7 * 24
        );
        assert!(
            html.contains(&format!("max {}", grouped(max))),
            "max {max} in {html}"
        );
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        for (d, row) in cells.iter().enumerate() {
            for (h, &n) in row.iter().enumerate() {
                if n > 0 {
                    let tip = format!("{} {h:02}:00 – {}", days[d], grouped(n));
                    assert!(html.contains(&tip), "{tip} in {html}");
                }
            }
        }

        // A daily bucket is refused by the schema the plugin describes.
        let bad = json!({ "title": "Bad", "widgets": [widget("h", "weekday-heatmap", "Daily",
            json!({ "metric": "total_orders", "bucket": "day" }))] });
        let answer = send(
            "POST",
            &format!("{}/api/v1/dashboards", w.base),
            &editor,
            json_body(&bad),
        );
        assert_eq!(answer.status, 422, "{}", answer.body);
    })
    .await
    .unwrap();
}

#[test]
fn plugins_check_accepts_both() {
    for (example, id) in [(PYTHON, "bullet-chart"), (JS, "weekday-heatmap")] {
        let Some(wasm) = example.wasm() else { continue };
        let out = Command::new(wasmdash_tests::wasmdash_bin())
            .args(["plugins", "check"])
            .arg(&wasm)
            .arg("--cache-dir")
            .arg(wasmdash_tests::plugin_cache_dir())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with(&format!("ok: widget {id} ")), "{stdout}");
    }
}
