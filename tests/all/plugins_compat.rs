//! The WIT compatibility policy (`widget-sdk/README.md`): components built
//! against earlier WIT versions, kept as prebuilt bytes
//! (`tests/prebuilt/widget-wit-0.1.0.wasm`,
//! `tests/prebuilt/exporter-wit-0.1.1.wasm`), load and run in this host;
//! and the `log` import that version 0.1.1 added reaches the host's log
//! tagged with the plugin's id, escaped and bounded.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use wasmdash::frame::{
    Batch, Column, ColumnKind, ColumnSchema, ColumnValues, ScalarData, TimeRange, WidgetData,
};
use wasmdash::plugins::{
    ChartKind, Display, ExportOptions, LOG_TARGET, MAX_LOG_LINES, MAX_LOG_MESSAGE_BYTES,
    PluginSettings, RenderContext,
};
use wasmdash_tests::{fixtures, plugin_cache_dir, registry_with, wasmdash_bin};

/// The committed widget built against `wasmdash:plugin@0.1.0`.
fn prebuilt_0_1_0() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prebuilt/widget-wit-0.1.0.wasm")
}

fn context() -> RenderContext {
    RenderContext {
        width: 300,
        height: 90,
        time_range: TimeRange {
            start_ms: 0,
            end_ms: 86_400_000,
            label: "Last 24 hours".into(),
        },
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        locale: "en-US".into(),
    }
}

fn scalar(value: f64) -> WidgetData {
    WidgetData::Scalar(ScalarData {
        label: "Orders".into(),
        value: Some(value),
        ..ScalarData::default()
    })
}

#[tokio::test]
async fn a_component_built_against_wit_0_1_0_loads_and_renders() {
    let wasm = prebuilt_0_1_0();
    let bytes = std::fs::read(&wasm).unwrap();
    // Really the old version: it names 0.1.0 interfaces and no 0.1.1 ones.
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("wasmdash:plugin/widget-plugin@0.1.0"));
    assert!(!text.contains("@0.1.1"));

    let (_dir, registry) = registry_with(&[wasm.to_str().unwrap()], PluginSettings::default());
    // (Only this file matters here: a loaded machine may time out a
    // built-in's describe, which other tests cover.)
    let problems = registry.problems();
    assert!(
        !problems
            .iter()
            .any(|p| p.path.ends_with("widget-wit-0.1.0.wasm")),
        "{problems:?}"
    );
    let widget = registry.widget("wit-0-1-0-number").unwrap();
    let html = widget
        .render("{}", &scalar(1234.5), &context())
        .await
        .unwrap();
    assert_eq!(
        html,
        "<svg class=\"wd-old-number\" viewBox=\"0 0 300 40\" role=\"img\" \
         aria-label=\"Orders: 1234.5\"><text x=\"8\" y=\"28\">1234.5</text></svg>"
    );
}

/// The committed exporter built against `wasmdash:plugin@0.1.1`, before
/// the `display` import.
fn prebuilt_0_1_1_exporter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prebuilt/exporter-wit-0.1.1.wasm")
}

#[tokio::test]
async fn an_exporter_built_against_wit_0_1_1_runs_a_report() {
    let wasm = prebuilt_0_1_1_exporter();
    let text = String::from_utf8_lossy(&std::fs::read(&wasm).unwrap()).into_owned();
    assert!(text.contains("wasmdash:plugin/exporter-plugin@0.1.1"));
    assert!(!text.contains("@0.1.2") && !text.contains("plugin/display"));

    let (_dir, registry) = registry_with(&[wasm.to_str().unwrap()], PluginSettings::default());
    let problems = registry.problems();
    assert!(
        !problems
            .iter()
            .any(|p| p.path.ends_with("exporter-wit-0.1.1.wasm")),
        "{problems:?}"
    );
    let exporter = registry.exporter("wit-0-1-1-rows").unwrap();
    let options = ExportOptions {
        config: "{}".into(),
        title: "Old".into(),
        time_range: None,
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        generated_at_ms: 0,
    };
    // The host hands display answers to every call; a plugin that does
    // not import them never asks.
    let mut session = exporter
        .open_with(&options, &[], &Display::default())
        .await
        .unwrap();
    let schema = [ColumnSchema::new("value", "Value", ColumnKind::Float64)];
    let mut out = session
        .begin_section_with("Errors", ChartKind::Value, &schema, &Display::default())
        .await
        .unwrap();
    let batch = Batch {
        row_count: 3,
        columns: vec![Column::new(ColumnValues::Float64(vec![1.0, 2.0, 3.0]))],
    };
    out.extend(session.write(&batch).await.unwrap());
    out.extend(session.finish().await.unwrap());
    assert_eq!(String::from_utf8(out).unwrap(), "# Errors\nrows: 3\n");
}

#[test]
fn plugins_check_accepts_the_0_1_0_component() {
    let out = Command::new(wasmdash_bin())
        .args(["plugins", "check"])
        .arg(prebuilt_0_1_0())
        .arg("--cache-dir")
        .arg(plugin_cache_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("ok: widget wit-0-1-0-number 0.1.0"),
        "{stdout}"
    );
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn plugin_log_lines_are_tagged_escaped_and_bounded() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "{LOG_TARGET}=debug"
        )))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The calls run on this thread (a current-thread runtime), so the
    // subscriber set for it sees the host's log lines.
    tracing::subscriber::with_default(subscriber, || {
        let (_dir, registry) = registry_with(&[fixtures::LOG_LINES], PluginSettings::default());
        let widget = registry.widget("log-lines").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let html = rt
            .block_on(widget.render("{}", &scalar(1.0), &context()))
            .unwrap();
        assert!(html.contains("logged"), "{html}");
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    // (What `describe` logs ran on the registry's loader thread, which this
    // thread's subscriber does not see; `plugins check` shows it.)
    assert!(
        lines
            .iter()
            .all(|l| l.contains("plugin=\"log-lines\"") || l.contains("plugin=log-lines")),
        "{log}"
    );
    // A newline cannot forge a line of the host's own.
    assert!(
        lines[0].contains("WARN") && lines[0].contains("first line\\nforged line"),
        "{log}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("forged line")));
    // A 100 KiB line is cut to an excerpt.
    assert!(lines[1].contains("more bytes cut)"), "{}", lines[1]);
    assert!(
        lines[1].len() < MAX_LOG_MESSAGE_BYTES + 200,
        "{}",
        lines[1].len()
    );
    // The quota: 64 lines per call, then one note.
    assert_eq!(lines.len(), MAX_LOG_LINES as usize + 1, "{log}");
    assert!(
        lines.last().unwrap().contains("the rest are dropped"),
        "{log}"
    );
    assert!(log.contains("line 61") && !log.contains("line 62"), "{log}");
}
