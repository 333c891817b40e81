//! The demo dashboard's PDF report reads like the dashboard (issue 13,
//! item 5): values in the metrics' formats (percent, duration, currency),
//! the table widget's own page of rows rather than 1,000, at most six
//! pages, the real generation time as the document's creation date, and
//! the partial first and last buckets of "Last 30 days" marked.

use std::process::Command;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use wasmdash::config::Config;
use wasmdash::data::DataEngine;
use wasmdash::data::demo::{DemoOptions, create};
use wasmdash::export::{ExportRequest, ExportSource, TableRows};
use wasmdash::plugins::{PluginRegistry, PluginRuntime, PluginSettings};
use wasmdash::seed::demo_content;

/// Whether `tool` runs; fails when CI requires the tools.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        assert!(!wasmdash_tests::services_required(), "{tool} is required");
        eprintln!("skipping: {tool} is not installed");
    }
    ok
}

/// The demo report as PDF bytes, `rows` of the table widget.
async fn demo_report(dir: &std::path::Path, rows: TableRows) -> Vec<u8> {
    let opts = DemoOptions {
        orders: 20_000,
        progress: false,
        ..DemoOptions::default()
    };
    let config = Config::load(&create(dir, "127.0.0.1:0", &opts).unwrap()).unwrap();
    let data = Arc::new(DataEngine::connect(&config).await.unwrap());
    let settings = PluginSettings::default();
    let runtime = PluginRuntime::new(&settings, &wasmdash_tests::plugin_cache_dir()).unwrap();
    let plugins: Arc<PluginRegistry> = PluginRegistry::load_unwatched(runtime, &settings).unwrap();
    let content = demo_content();
    let mut req = ExportRequest::new(
        "pdf",
        ExportSource::Dashboard {
            title: content.title,
            widgets: content.widgets,
        },
    );
    req.table_rows = rows;
    let job = req.builder(data, plugins).build().await.unwrap();
    let mut out = job.spawn();
    let mut pdf = Vec::new();
    while let Some(chunk) = out.next().await {
        pdf.extend_from_slice(&chunk.unwrap());
    }
    pdf
}

/// `tool args pdf [-]` (pdftotext writes to stdout only when told `-`).
fn run(tool: &str, args: &[&str], pdf: &std::path::Path) -> String {
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_report_is_formatted_short_and_dated_now() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let started = Utc::now();
    let pdf = demo_report(dir.path(), TableRows::Page).await;
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(keep) = std::env::var("WASMDASH_KEEP_PDF") {
        std::fs::write(keep, &pdf).unwrap();
    }

    let info = run("pdfinfo", &["-isodates"], &path);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .to_owned()
    };
    let pages: usize = field("Pages:").parse().unwrap();
    assert!(pages <= 6, "{pages} pages");
    let created = DateTime::parse_from_rfc3339(&field("CreationDate:")).unwrap();
    let age = created.with_timezone(&Utc) - started;
    assert!(
        age.num_seconds().abs() < 600,
        "created {created}, started {started}"
    );

    let text = run("pdftotext", &["-layout"], &path);
    let text = text.replace("-\n", "");
    // The error-rate card in percent, the completion time as a duration,
    // revenue in dollars; ids without thousands separators.
    let percent = regex_like(&text, |w| {
        w.ends_with('%') && w[..w.len() - 1].parse::<f64>().is_ok()
    });
    assert!(percent, "no percent value in {text}");
    let duration = regex_like(&text, |w| {
        let Some(n) = w.strip_suffix('h').or(w.strip_suffix('m')) else {
            return false;
        };
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    });
    assert!(duration, "no duration in {text}");
    let currency = regex_like(&text, |w| {
        w.strip_prefix('$')
            .is_some_and(|n| n.replace(',', "").parse::<f64>().is_ok())
    });
    assert!(currency, "no currency value in {text}");
    // The table widget shows its page of 10 rows, and says so.
    assert!(text.contains("Latest orders (first 10 of"), "{text}");
    // "Last 30 days" starts mid-day and ends today: the trends' first and
    // last rows say their bucket is partial (issue 13, item 2).
    assert!(text.contains("(partial)"), "{text}");
}

/// Whether some whitespace-separated word of `text` passes `test`.
fn regex_like(text: &str, test: impl Fn(&str) -> bool) -> bool {
    text.split_whitespace()
        .map(|w| w.trim_end_matches([',', ')', '(']).trim_start_matches('('))
        .any(test)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_report_brings_more_table_rows() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = demo_report(dir.path(), TableRows::Full).await;
    let path = dir.path().join("full.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = run("pdftotext", &["-layout"], &path);
    assert!(text.contains("Latest orders (first 1000 of"), "{text}");
}
