//! The built-in `pdf` exporter through the real runtime, checked with the
//! real tools: `qpdf --check` for the file's structure, `pdftotext -layout`
//! for what a reader sees (title, page numbers, the header and the first and
//! last row on every page, each section of a dashboard report), and the
//! uncompressed content streams for the vector charts.
//!
//! Without `qpdf`/`pdftotext` the checks that need them are skipped with a
//! note, unless `WASMDASH_REQUIRE_SERVICES=1`.

use std::path::Path;
use std::process::Command;

use wasmdash::frame::{Batch, Column, ColumnKind, ColumnValues};
use wasmdash::plugins::{ChartKind, ExportSession, PluginError, PluginRegistry};
use wasmdash_tests::services_required;

use crate::builtin_exporters::{options, registry, schema};

const HOUR: i64 = 3_600_000;
const START_MS: i64 = 1_700_000_000_000;

/// True when `tool` runs; false (after a note) when it is missing and
/// services are not required.
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        assert!(!services_required(), "{tool} is required but missing");
        eprintln!("skipping the {tool} checks: {tool} is not installed");
    }
    found
}

fn write_temp(pdf: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    file
}

fn qpdf_check(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qpdf --check failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of each page (pdftotext separates pages with a form feed).
fn pages_text(path: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Row `i` of the table: an id cell to find it by, a long text that must
/// wrap, a number, a timestamp, a name with Latin accents.
fn table_batch(start: usize, n: usize) -> Batch {
    let idx: Vec<usize> = (start..start + n).collect();
    Batch {
        row_count: n as u32,
        columns: vec![
            Column::new(ColumnValues::Text(idx.iter().map(|i| format!("R{i:04}")).collect())),
            Column::new(ColumnValues::Text(
                idx.iter()
                    .map(|i| {
                        if i % 10 == 3 {
                            format!("Row {i} has a long remark that cannot fit in one line of its column and wraps onto the next line")
                        } else {
                            format!("remark {i}")
                        }
                    })
                    .collect(),
            )),
            Column {
                values: ColumnValues::Float64(idx.iter().map(|i| *i as f64 * 12.5).collect()),
                nulls: idx.iter().map(|i| i % 7 == 6).collect(),
            },
            Column::new(ColumnValues::Timestamp(
                idx.iter().map(|i| START_MS + *i as i64 * HOUR).collect(),
            )),
            Column::new(ColumnValues::Text(
                idx.iter().map(|i| ["Zürich", "Ærøskøbing", "São Paulo"][i % 3].to_owned()).collect(),
            )),
        ],
    }
}

fn table_schema() -> Vec<wasmdash::frame::ColumnSchema> {
    schema(&[
        ("Ident", ColumnKind::Text),
        ("Remark", ColumnKind::Text),
        ("Amount", ColumnKind::Float64),
        ("When", ColumnKind::Timestamp),
        ("City", ColumnKind::Text),
    ])
}

async fn table_pdf(
    registry: &PluginRegistry,
    config: &str,
    rows: usize,
) -> Result<Vec<u8>, PluginError> {
    let exporter = registry.exporter("pdf")?;
    let mut s = exporter.open(&options(config), &table_schema()).await?;
    let mut start = 0;
    while start < rows {
        let n = (rows - start).min(37);
        s.write(&table_batch(start, n)).await?;
        start += n;
    }
    s.finish().await
}

#[tokio::test]
async fn pdf_table_pages_repeat_the_header_and_hold_consecutive_rows() {
    let (_dir, registry) = registry();
    const ROWS: usize = 150;
    let pdf = table_pdf(&registry, "{}", ROWS).await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
    if !(have("qpdf") && have("pdftotext")) {
        return;
    }
    let file = write_temp(&pdf);
    qpdf_check(file.path());
    let pages = pages_text(file.path());
    let n = pages.len();
    assert!(
        n >= 3,
        "150 rows with wrapped text take 3 pages or more, got {n}"
    );
    assert!(pages[0].contains("Orders export"), "title: {}", pages[0]);
    assert!(pages[0].contains("Time range: Last 24 hours"));
    assert!(pages[0].contains("Generated:"));
    assert!(!pages[0].contains("Row cap"), "no cap note under the cap");
    let mut next = 0;
    for (p, text) in pages.iter().enumerate() {
        assert!(
            text.contains(&format!("Page {} of {n}", p + 1)),
            "page {p}: {text}"
        );
        for head in ["Ident", "Remark", "Amount", "When", "City"] {
            assert!(text.contains(head), "page {p} lacks header {head}");
        }
        // The rows of a page are consecutive and continue the previous page.
        let ids: Vec<usize> = text
            .split_whitespace()
            .filter_map(|w| w.strip_prefix('R').and_then(|d| d.parse().ok()))
            .collect();
        assert_eq!(
            ids.first(),
            Some(&next),
            "page {p} starts where the last ended"
        );
        assert_eq!(
            ids,
            (next..next + ids.len()).collect::<Vec<_>>(),
            "page {p}"
        );
        next += ids.len();
    }
    assert_eq!(next, ROWS, "every row is on a page");
    let all = pages.concat();
    // Wrapped text keeps all its words; Latin accents survive.
    let remark =
        "has a long remark that cannot fit in one line of its column and wraps onto the next line";
    for word in remark.split(' ') {
        assert!(all.contains(word), "wrapped remark lost {word:?}");
    }
    assert!(all.contains("Zürich") && all.contains("Ærøskøbing") && all.contains("São Paulo"));
    assert!(all.contains("1,862.5"), "numbers are formatted");
    assert!(
        all.contains("2023-11-14 23:13"),
        "timestamps in the export's offset"
    );
}

/// The default cap of 10,000 rows, in batches as the export pipeline
/// sends them, under the default sandbox settings: laying out hundreds of
/// pages in `finish` must fit the exporter's own call budget, not the
/// widget one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_of_ten_thousand_rows_finishes_under_default_settings() {
    let (_dir, registry) = registry();
    const ROWS: usize = 10_000;
    let exporter = registry.exporter("pdf").unwrap();
    let mut s = exporter
        .open(&options("{}"), &table_schema())
        .await
        .unwrap();
    let mut start = 0;
    while start < ROWS {
        let n = (ROWS - start).min(2_000);
        s.write(&table_batch(start, n)).await.unwrap();
        start += n;
    }
    let pdf = s.finish().await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
    if have("pdftotext") {
        let file = write_temp(&pdf);
        let pages = pages_text(file.path());
        assert!(pages.len() > 100, "{} pages", pages.len());
        let last = pages.last().unwrap();
        assert!(
            last.contains(&format!("Page {n} of {n}", n = pages.len())),
            "{last}"
        );
    }
}

/// The largest row cap the exporter's own schema offers must work under the
/// default limits (memory, call budgets): a user may pick it in the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_at_the_schemas_largest_row_cap_finishes_under_default_settings() {
    let (_dir, registry) = registry();
    let exporter = registry.exporter("pdf").unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(exporter.info().meta.config_schema.as_str()).unwrap();
    let max = schema["properties"]["max_rows"]["maximum"]
        .as_u64()
        .expect("the pdf schema gives max_rows a maximum") as usize;
    let mut s = exporter
        .open(
            &options(&format!(r#"{{"max_rows":{max}}}"#)),
            &table_schema(),
        )
        .await
        .unwrap();
    let mut start = 0;
    while start < max {
        let n = (max - start).min(5_000);
        s.write(&table_batch(start, n)).await.unwrap();
        start += n;
    }
    let pdf = s.finish().await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
}

#[tokio::test]
async fn pdf_notes_the_row_cap_when_it_applies() {
    let (_dir, registry) = registry();
    let pdf = table_pdf(&registry, r#"{"max_rows":40}"#, 100)
        .await
        .unwrap();
    let full = table_pdf(&registry, r#"{"max_rows":100}"#, 100)
        .await
        .unwrap();
    assert!(pdf.len() < full.len());
    for bad in [
        r#"{"max_rows":0}"#,
        r#"{"max_rows":20001}"#,
        r#"{"rows":5}"#,
    ] {
        let r = table_pdf(&registry, bad, 1).await;
        assert!(
            matches!(r, Err(PluginError::InvalidConfig { .. })),
            "{bad}: {r:?}"
        );
    }
    if !(have("qpdf") && have("pdftotext")) {
        return;
    }
    let file = write_temp(&pdf);
    qpdf_check(file.path());
    let all = pages_text(file.path()).concat();
    assert!(
        all.contains("Row cap reached: showing the first 40 of 100 rows"),
        "{all}"
    );
    assert!(all.contains("R0039") && !all.contains("R0040"));
    let file = write_temp(&full);
    assert!(!pages_text(file.path()).concat().contains("Row cap"));
}

fn f64s(v: &[f64]) -> Column {
    Column::new(ColumnValues::Float64(v.to_vec()))
}

fn texts(v: &[&str]) -> Column {
    Column::new(ColumnValues::Text(
        v.iter().map(|s| (*s).to_owned()).collect(),
    ))
}

/// A dashboard report with one section of each chart kind and a table.
async fn dashboard(s: &mut ExportSession) -> Result<(), PluginError> {
    let line = schema(&[
        ("time", ColumnKind::Timestamp),
        ("value", ColumnKind::Float64),
        ("previous", ColumnKind::Float64),
    ]);
    s.begin_section("Orders per hour", ChartKind::Line, &line)
        .await?;
    let n = 48;
    s.write(&Batch {
        row_count: n,
        columns: vec![
            Column::new(ColumnValues::Timestamp(
                (0..n as i64).map(|i| START_MS + i * HOUR).collect(),
            )),
            Column {
                values: ColumnValues::Float64(
                    (0..n).map(|i| 100.0 + (i % 12) as f64 * 9.0).collect(),
                ),
                nulls: (0..n).map(|i| i == 20).collect(),
            },
            f64s(
                &(0..n)
                    .map(|i| 80.0 + (i % 8) as f64 * 7.0)
                    .collect::<Vec<_>>(),
            ),
        ],
    })
    .await?;
    let cats = schema(&[("label", ColumnKind::Text), ("value", ColumnKind::Float64)]);
    s.begin_section("Revenue by region", ChartKind::Bar, &cats)
        .await?;
    s.write(&Batch {
        row_count: 4,
        columns: vec![
            texts(&["North", "South", "East", "West"]),
            f64s(&[1200.0, 800.0, -150.0, 430.5]),
        ],
    })
    .await?;
    s.begin_section("Order status", ChartKind::Pie, &cats)
        .await?;
    s.write(&Batch {
        row_count: 3,
        columns: vec![
            texts(&["paid", "open", "refunded"]),
            f64s(&[60.0, 30.0, 10.0]),
        ],
    })
    .await?;
    let value = schema(&[
        ("label", ColumnKind::Text),
        ("value", ColumnKind::Float64),
        ("previous", ColumnKind::Float64),
    ]);
    s.begin_section("Revenue today", ChartKind::Value, &value)
        .await?;
    s.write(&Batch {
        row_count: 1,
        columns: vec![texts(&["Revenue"]), f64s(&[12_500.0]), f64s(&[10_000.0])],
    })
    .await?;
    s.begin_section("Latest orders", ChartKind::None, &table_schema())
        .await?;
    s.write(&table_batch(0, 30)).await?;
    Ok(())
}

#[tokio::test]
async fn pdf_dashboard_report_draws_every_chart_kind_as_vectors() {
    let (_dir, registry) = registry();
    let exporter = registry.exporter("pdf").unwrap();
    let mut s = exporter.open(&options("{}"), &[]).await.unwrap();
    dashboard(&mut s).await.unwrap();
    let pdf = s.finish().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    // A chart section without the columns its kind needs is refused.
    let mut s = exporter.open(&options("{}"), &[]).await.unwrap();
    let r = s
        .begin_section(
            "Bad",
            ChartKind::Line,
            &schema(&[("label", ColumnKind::Text)]),
        )
        .await;
    assert!(matches!(r, Err(PluginError::InvalidData { .. })), "{r:?}");
    let mut s = exporter.open(&options("{}"), &[]).await.unwrap();
    let r = s.write(&table_batch(0, 1)).await;
    assert!(
        matches!(r, Err(PluginError::InvalidData { .. })),
        "rows before a section: {r:?}"
    );

    if !(have("qpdf") && have("pdftotext")) {
        return;
    }
    let file = write_temp(&pdf);
    qpdf_check(file.path());
    let pages = pages_text(file.path());
    let all = pages.concat();
    for title in [
        "Orders per hour",
        "Revenue by region",
        "Order status",
        "Revenue today",
        "Latest orders",
    ] {
        assert!(all.contains(title), "section {title:?} missing:\n{all}");
    }
    // Chart text is real text: axis labels, legends, the value card.
    assert!(all.contains("Previous period"), "line legend");
    assert!(
        all.contains("Nov 15") || all.contains("00:00"),
        "time axis labels:\n{all}"
    );
    assert!(all.contains("paid: 60 (60.0%)"), "pie legend:\n{all}");
    assert!(all.contains("12,500"), "value card");
    assert!(all.contains("+25.0% vs previous ("), "value card change");
    assert!(
        all.contains("R0000") && all.contains("R0029"),
        "the table section"
    );
    let n = pages.len();
    for (p, text) in pages.iter().enumerate() {
        assert!(text.contains(&format!("Page {} of {n}", p + 1)), "page {p}");
    }

    // The charts are vector paths: filled rectangles, polygons and stroked
    // lines in the content streams, no images.
    let plain = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    let out = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(file.path())
        .arg(plain.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "qpdf --qdf failed");
    let raw = std::fs::read(plain.path()).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let count = |op: &str| raw.split_whitespace().filter(|t| *t == op).count();
    // 4 bars, 3 legend keys, the value card.
    assert!(count("re") >= 8, "bar and legend rectangles");
    assert!(count("l") >= 100, "line chart and pie segments");
    assert!(count("f") >= 10, "filled shapes");
    assert!(count("S") >= 10, "stroked lines");
    assert!(!raw.contains("/Subtype /Image"), "no raster images");
}
