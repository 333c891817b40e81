//! `wasmdash plugins preview`, run as the real binary against a SQLite
//! source: a widget rendered with real data into a standalone page (opened
//! in headless Chromium, which finds the widget's SVG), `--watch`
//! re-rendering a rebuilt file, an exporter writing its file for a
//! dataset, plugin log lines on stderr, and one error line per bad flag.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use wasmdash::config::Config;
use wasmdash::data::{DataEngine, RangeSpec};
use wasmdash_tests::{examples, fixtures, wasmdash_bin};

use crate::data_support as data;
use crate::web_browser_support::{attr, browser_available, open_browser, shot};

/// A range inside the generated orders (the 70 days before 2025-04-01).
const FROM: &str = "2025-02-15";
const TO: &str = "2025-03-14";

/// A folder with 500 orders in SQLite and its `wasmdash.toml`.
struct Setup {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        data::sqlite_db(dir.path(), &data::orders(500));
        let text = data::config_text("sqlite://orders.db", "orders", "");
        std::fs::write(dir.path().join("wasmdash.toml"), text).unwrap();
        let env = vec![
            ("WASMDASH_SERVER__DATA_DIR".to_owned(), "state".to_owned()),
            (
                "WASMDASH_PLUGINS__CACHE_DIR".to_owned(),
                wasmdash_tests::plugin_cache_dir().display().to_string(),
            ),
        ];
        Self { dir, env }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, file: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(wasmdash_bin());
        cmd.args(["plugins", "preview"])
            .arg(file)
            .args(args)
            .arg("--config-file")
            .arg(self.path("wasmdash.toml"))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("WASMDASH_CONFIG")
            .env_remove("RUST_LOG");
        cmd
    }

    fn run(&self, file: &Path, args: &[&str]) -> Output {
        self.command(file, args).output().unwrap()
    }

    /// Total orders from `FROM` to `TO`, as the server computes it.
    async fn total_orders(&self) -> f64 {
        let config = Config::parse(
            &std::fs::read_to_string(self.path("wasmdash.toml")).unwrap(),
            &self.path("wasmdash.toml"),
            self.env.clone(),
        )
        .unwrap();
        let engine = DataEngine::connect(&config).await.unwrap();
        let scalar = engine
            .scalar(
                "total_orders",
                &RangeSpec::absolute(FROM, TO).unwrap(),
                false,
            )
            .await
            .unwrap();
        scalar.value.unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_widget_preview_is_a_page_chromium_shows_with_real_data() {
    let s = Setup::new();
    let out = s.path("preview.html");
    let o = s.run(
        Path::new(examples::GAUGE_WIDGET),
        &[
            "--metric",
            "total_orders",
            "--config",
            r#"{"max": 1000}"#,
            "--from",
            FROM,
            "--to",
            TO,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("rendered "), "{}", stderr(&o));
    let orders = s.total_orders().await;
    assert!(orders > 0.0 && orders < 1000.0, "{orders}");
    let label = format!("Total orders: {orders}");
    let page = std::fs::read_to_string(&out).unwrap();
    // The server's stylesheet, inline: the page stands alone.
    assert!(page.contains(".widget-body svg"), "no app.css");
    assert!(page.contains(&format!("aria-label=\"{label}\"")), "{page}");

    if !browser_available() {
        return;
    }
    let b = open_browser(900, 700, false).await;
    let url = format!("file://{}", out.display());
    b.c.goto(&url).await.unwrap();
    let svg = ".widget .widget-body svg";
    assert_eq!(
        attr(&b.c, svg, "aria-label").await.as_deref(),
        Some(label.as_str())
    );
    let fill =
        b.c.find(Locator::Css(".widget-body svg .wd-gauge-fill"))
            .await
            .unwrap();
    // Drawn, not just present: the dial has a size on screen.
    let (_, _, w, h) = fill.rectangle().await.unwrap();
    assert!(w > 10.0 && h > 10.0, "{w}x{h}");
    shot(&b.c, "plugins-preview").await;
    b.c.close().await.unwrap();
}

/// Wait (up to `secs`) until `path` exists and `ok` holds for its text.
fn wait_for_file(path: &Path, secs: u64, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && ok(&text)
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never got there",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The watcher, killed on drop.
struct Watching(Child);

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_renders_again_when_the_file_changes() {
    let s = Setup::new();
    let wasm = s.path("widget.wasm");
    std::fs::copy(examples::GAUGE_WIDGET, &wasm).unwrap();
    let out = s.path("watch.html");
    let child = s
        .command(
            &wasm,
            &[
                "--metric",
                "total_orders",
                "--watch",
                "-o",
                out.to_str().unwrap(),
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _watching = Watching(child);
    let first = wait_for_file(&out, 60, |t| t.contains("wd-gauge"));
    // The page reloads itself while watching.
    assert!(first.contains("http-equiv=\"refresh\""), "{first}");
    // A rebuild replaces the file (here: with another widget).
    let part = s.path("widget.wasm.new");
    std::fs::copy(fixtures::LOG_LINES, &part).unwrap();
    std::fs::rename(&part, &wasm).unwrap();
    wait_for_file(&out, 60, |t| t.contains("wd-log-lines"));
}

#[test]
fn an_exporter_preview_writes_the_exported_file() {
    let s = Setup::new();
    let out = s.path("orders.md");
    let o = s.run(
        Path::new(examples::MARKDOWN_EXPORTER),
        &["--dataset", "orders", "-o", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("exported "), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# Orders\n"), "{text}");
    let rows = text.lines().filter(|l| l.starts_with("| ")).count();
    // The header and its rule, then every order.
    assert_eq!(rows, 2 + 500, "{text}");
    assert!(!s.path("orders.md.part").exists());
}

#[test]
fn plugin_log_lines_show_on_stderr() {
    let s = Setup::new();
    let out = s.path("log.html");
    let o = s.run(
        Path::new(fixtures::LOG_LINES),
        &["--metric", "total_orders", "-o", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("log-lines describes itself"), "{err}");
    assert!(err.contains("first line\\nforged line"), "{err}");
    assert!(err.contains("the rest are dropped"), "{err}");
}

#[test]
fn every_bad_flag_is_one_line_and_changes_nothing() {
    let s = Setup::new();
    std::fs::write(s.path("notes.wasm"), "just text").unwrap();
    let out = s.path("bad.html");
    let o = out.to_str().unwrap();
    let gauge = examples::GAUGE_WIDGET;
    let markdown = examples::MARKDOWN_EXPORTER;
    let missing_dir = s.path("no/such/dir/x.html");
    let notes = s.path("notes.wasm");
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "/no/such.wasm",
            vec!["--metric", "total_orders", "-o", o],
            "is not a file",
        ),
        (
            gauge,
            vec!["--metric", "total_orders", "--config", "nope", "-o", o],
            "--config is not JSON",
        ),
        (
            gauge,
            vec!["--metric", "total_orders", "--config", "[1]", "-o", o],
            "must be a JSON object",
        ),
        (
            gauge,
            vec!["--metric", "total_orders", "--range", "forever", "-o", o],
            "--range",
        ),
        (
            gauge,
            vec!["--metric", "total_orders", "--size", "0x3", "-o", o],
            "--size",
        ),
        (gauge, vec!["-o", o], "name what to preview"),
        (gauge, vec!["--metric", "", "-o", o], "--metric is empty"),
        (
            gauge,
            vec![
                "--metric",
                "total_orders",
                "-o",
                missing_dir.to_str().unwrap(),
            ],
            "is not a folder",
        ),
        (gauge, vec!["--dataset", "orders", "-o", o], "is a widget"),
        (
            gauge,
            vec!["--metric", "no_such_metric", "-o", o],
            "no_such_metric",
        ),
        (
            gauge,
            vec![
                "--metric",
                "total_orders",
                "--config",
                r#"{"max": -1}"#,
                "-o",
                o,
            ],
            "invalid config",
        ),
        (
            markdown,
            vec!["--metric", "total_orders", "-o", o],
            "is an exporter",
        ),
        (markdown, vec!["--dataset", "nope", "-o", o], "nope"),
        (
            fixtures::GOOD_ALERT,
            vec!["--metric", "total_orders", "-o", o],
            "is an alert rule",
        ),
        (
            notes.to_str().unwrap(),
            vec!["--metric", "total_orders", "-o", o],
            "not WebAssembly",
        ),
    ];
    for (file, args, expected) in cases {
        let result = s.run(Path::new(file), &args);
        let err = stderr(&result);
        assert!(!result.status.success(), "{file} {args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{file} {args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(expected),
            "{file} {args:?}: expected {expected:?} in {err}"
        );
        // A failed widget render writes its error card page; nothing else
        // is written.
        if expected != "invalid config" {
            assert!(!out.exists(), "{file} {args:?} wrote {}", out.display());
        }
        let _ = std::fs::remove_file(&out);
    }
    let o = Command::new(wasmdash_bin())
        .args([
            "plugins",
            "preview",
            gauge,
            "--metric",
            "total_orders",
            "-o",
        ])
        .arg(&out)
        .arg("--config-file")
        .arg(s.path("missing.toml"))
        .env_remove("WASMDASH_CONFIG")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}
