//! The built-in `csv` and `json` exporters through the real runtime: single
//! tables written over several batches (an empty one among them) and
//! dashboard-style reports with sections, every output parsed back by an
//! independent parser (the `csv` crate, serde_json) and compared with the
//! input, including quotes, separators, line breaks, unicode, nulls and
//! every formula-injection prefix.

use std::sync::Arc;

use wasmdash::frame::{Batch, Column, ColumnKind, ColumnSchema, ColumnValues, TimeRange};
use wasmdash::plugins::{ChartKind, ExportOptions, PluginError, PluginRegistry, PluginSettings};
use wasmdash_tests::registry_with;

const HOUR: i64 = 3_600_000;
const START_MS: i64 = 1_700_000_000_000;

pub(crate) fn registry() -> (tempfile::TempDir, Arc<PluginRegistry>) {
    registry_with(&[], PluginSettings::default())
}

pub(crate) fn options(config: &str) -> ExportOptions {
    ExportOptions {
        config: config.into(),
        title: "Orders export".into(),
        time_range: Some(TimeRange {
            start_ms: START_MS,
            end_ms: START_MS + 24 * HOUR,
            label: "Last 24 hours".into(),
        }),
        timezone: "Europe/Berlin".into(),
        utc_offset_minutes: 60,
        generated_at_ms: START_MS,
    }
}

pub(crate) fn schema(columns: &[(&str, ColumnKind)]) -> Vec<ColumnSchema> {
    columns
        .iter()
        .map(|(n, k)| ColumnSchema::new(*n, *n, *k))
        .collect()
}

fn export_schema() -> Vec<ColumnSchema> {
    schema(&[
        ("note", ColumnKind::Text),
        ("amount", ColumnKind::Float64),
        ("qty", ColumnKind::Int64),
        ("at", ColumnKind::Timestamp),
        ("paid", ColumnKind::Boolean),
    ])
}

/// Text that stresses CSV quoting, unicode and every formula prefix.
const TEXTS: &[&str] = &[
    "plain",
    "comma, inside",
    "quote \"here\" and \"\"two\"\"",
    "line\nbreak and\r\nCRLF",
    "Zürich ✓ 東京 🚀",
    "=SUM(A1:A2)",
    "+1",
    "-2",
    "@cmd",
    "\tTab",
    "\rCR",
    "semi;colon",
    " leading space",
];

/// Rows whose note is null.
fn note_is_null(i: usize) -> bool {
    i % 9 == 8
}

fn export_batch(start: usize, n: usize) -> Batch {
    let idx: Vec<usize> = (start..start + n).collect();
    Batch {
        row_count: n as u32,
        columns: vec![
            Column {
                values: ColumnValues::Text(
                    idx.iter()
                        .map(|i| TEXTS[i % TEXTS.len()].to_owned())
                        .collect(),
                ),
                nulls: idx.iter().map(|i| note_is_null(*i)).collect(),
            },
            Column {
                values: ColumnValues::Float64(idx.iter().map(|i| *i as f64 + 0.25).collect()),
                nulls: idx.iter().map(|i| i % 4 == 3).collect(),
            },
            Column::new(ColumnValues::Int64(
                idx.iter().map(|i| *i as i64 * 1_000_000_007 - 5).collect(),
            )),
            Column::new(ColumnValues::Timestamp(
                idx.iter()
                    .map(|i| START_MS + *i as i64 * HOUR + 5)
                    .collect(),
            )),
            Column::new(ColumnValues::Boolean(
                idx.iter().map(|i| i % 2 == 0).collect(),
            )),
        ],
    }
}

async fn run_export(
    registry: &PluginRegistry,
    id: &str,
    config: &str,
) -> Result<Vec<u8>, PluginError> {
    let exporter = registry.exporter(id)?;
    let mut session = exporter.open(&options(config), &export_schema()).await?;
    let mut out = Vec::new();
    let mut start = 0;
    for n in [7, 0, 11, 8] {
        out.extend(session.write(&export_batch(start, n)).await?);
        start += n;
    }
    out.extend(session.finish().await?);
    Ok(out)
}

const ROWS: usize = 26;

fn dangerous(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn check_csv_rows(records: &[csv::StringRecord], protected: bool) {
    assert_eq!(records.len(), ROWS);
    for (i, r) in records.iter().enumerate() {
        let text = TEXTS[i % TEXTS.len()];
        let want = if note_is_null(i) {
            String::new()
        } else if protected && dangerous(text) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        assert_eq!(&r[0], want, "row {i} note");
        let amount = if i % 4 == 3 {
            String::new()
        } else {
            (i as f64 + 0.25).to_string()
        };
        assert_eq!(&r[1], amount, "row {i} amount (null → empty)");
        assert_eq!(r[2].parse::<i64>().unwrap(), i as i64 * 1_000_000_007 - 5);
        let at = chrono::DateTime::parse_from_rfc3339(&r[3]).unwrap();
        assert_eq!(at.timestamp_millis(), START_MS + i as i64 * HOUR + 5);
        assert_eq!(at.offset().local_minus_utc(), 3600);
        assert_eq!(&r[4], if i % 2 == 0 { "true" } else { "false" });
    }
}

#[tokio::test]
async fn csv_round_trips_and_neutralizes_every_formula_prefix() {
    let (_dir, registry) = registry();
    let out = run_export(&registry, "csv", "{}").await.unwrap();
    assert!(!out.starts_with("\u{FEFF}".as_bytes()), "no BOM by default");
    let mut reader = csv::ReaderBuilder::new().from_reader(out.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["note", "amount", "qty", "at", "paid"]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    check_csv_rows(&records, true);
    // Every dangerous prefix occurs and is neutralized.
    for prefix in ['=', '+', '-', '@', '\t', '\r'] {
        assert!(
            records
                .iter()
                .any(|r| r[0].starts_with(&format!("'{prefix}"))),
            "prefix {prefix:?} not neutralized"
        );
        assert!(
            !records.iter().any(|r| r[0].starts_with(prefix)),
            "prefix {prefix:?} left as is"
        );
    }
    // RFC 4180: CRLF after every record.
    assert!(out.ends_with(b"\r\n"));

    // Turned off, cells come back verbatim; the delimiter and BOM options apply.
    let out = run_export(
        &registry,
        "csv",
        r#"{"formula_protection":false,"delimiter":";","bom":true}"#,
    )
    .await
    .unwrap();
    assert!(out.starts_with("\u{FEFF}".as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&out[3..]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    check_csv_rows(&records, false);

    let out = run_export(&registry, "csv", r#"{"delimiter":"\t","header":false}"#)
        .await
        .unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .from_reader(out.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    check_csv_rows(&records, true);

    for bad in [
        r#"{"delimiter":"ab"}"#,
        r#"{"delimiter":"\""}"#,
        r#"{"bom":"yes"}"#,
        "{",
    ] {
        let r = run_export(&registry, "csv", bad).await;
        assert!(
            matches!(r, Err(PluginError::InvalidConfig { .. })),
            "{bad}: {r:?}"
        );
    }
}

/// A dashboard-style report: two sections of different columns.
async fn run_report(
    registry: &PluginRegistry,
    id: &str,
    config: &str,
) -> Result<Vec<u8>, PluginError> {
    let exporter = registry.exporter(id)?;
    let mut s = exporter.open(&options(config), &[]).await?;
    let mut out = Vec::new();
    let line = schema(&[
        ("time", ColumnKind::Timestamp),
        ("value", ColumnKind::Float64),
        ("previous", ColumnKind::Float64),
    ]);
    out.extend(
        s.begin_section("Orders, per hour", ChartKind::Line, &line)
            .await?,
    );
    out.extend(
        s.write(&Batch {
            row_count: 3,
            columns: vec![
                Column::new(ColumnValues::Timestamp(vec![
                    START_MS,
                    START_MS + HOUR,
                    START_MS + 2 * HOUR,
                ])),
                Column::new(ColumnValues::Float64(vec![1.5, 2.0, 3.25])),
                Column {
                    values: ColumnValues::Float64(vec![1.0, 0.0, 2.0]),
                    nulls: vec![false, true, false],
                },
            ],
        })
        .await?,
    );
    let table = export_schema();
    out.extend(
        s.begin_section("=Tricky \"table\"", ChartKind::None, &table)
            .await?,
    );
    out.extend(s.write(&export_batch(0, 10)).await?);
    out.extend(s.write(&export_batch(10, 16)).await?);
    out.extend(s.finish().await?);
    Ok(out)
}

#[tokio::test]
async fn csv_report_has_a_block_per_section() {
    let (_dir, registry) = registry();
    let out = run_report(&registry, "csv", "{}").await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // The csv crate skips blank lines; blocks are title, header, rows.
    assert_eq!(&records[0][0], "Orders, per hour");
    assert_eq!(
        records[1].iter().collect::<Vec<_>>(),
        ["time", "value", "previous"]
    );
    assert_eq!(&records[3][1], "2");
    assert_eq!(&records[3][2], "", "null previous");
    assert_eq!(
        &records[5][0], "'=Tricky \"table\"",
        "titles are protected too"
    );
    assert_eq!(
        records[6].iter().collect::<Vec<_>>(),
        ["note", "amount", "qty", "at", "paid"]
    );
    check_csv_rows(&records[7..], true);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\r\n\r\n\"'=Tricky"),
        "blank line between blocks"
    );
}

#[tokio::test]
async fn json_streams_typed_values_and_ndjson() {
    let (_dir, registry) = registry();
    let check = |rows: &[serde_json::Value]| {
        assert_eq!(rows.len(), ROWS);
        for (i, row) in rows.iter().enumerate() {
            if note_is_null(i) {
                assert!(row["note"].is_null(), "row {i}");
            } else {
                assert_eq!(row["note"], TEXTS[i % TEXTS.len()], "row {i}");
            }
            if i % 4 == 3 {
                assert!(row["amount"].is_null());
            } else {
                assert_eq!(row["amount"].as_f64(), Some(i as f64 + 0.25));
            }
            assert_eq!(row["qty"].as_i64(), Some(i as i64 * 1_000_000_007 - 5));
            assert_eq!(row["paid"].as_bool(), Some(i % 2 == 0));
            let at = row["at"].as_str().unwrap();
            let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
            assert_eq!(at.timestamp_millis(), START_MS + i as i64 * HOUR + 5);
            assert_eq!(at.offset().local_minus_utc(), 3600);
        }
    };
    let out = run_export(&registry, "json", "").await.unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    check(&rows);

    let out = run_export(&registry, "json", r#"{"ndjson":true}"#)
        .await
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    check(&lines);

    // No rows is still valid JSON.
    let exporter = registry.exporter("json").unwrap();
    let s = exporter.open(&options(""), &export_schema()).await.unwrap();
    let empty: Vec<serde_json::Value> = serde_json::from_slice(&s.finish().await.unwrap()).unwrap();
    assert!(empty.is_empty());

    let bad = run_export(&registry, "json", r#"{"ndjson":1}"#).await;
    assert!(
        matches!(bad, Err(PluginError::InvalidConfig { .. })),
        "{bad:?}"
    );
}

#[tokio::test]
async fn json_report_is_an_array_of_sections_and_ndjson_a_line_each() {
    let (_dir, registry) = registry();
    for ndjson in [false, true] {
        let out = run_report(&registry, "json", &format!(r#"{{"ndjson":{ndjson}}}"#))
            .await
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let sections: Vec<serde_json::Value> = if ndjson {
            text.lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            serde_json::from_str(&text).unwrap()
        };
        assert_eq!(sections.len(), 2, "{text}");
        assert_eq!(sections[0]["title"], "Orders, per hour");
        assert_eq!(sections[0]["chart"], "line");
        assert_eq!(sections[0]["columns"][0]["kind"], "timestamp");
        let points = sections[0]["rows"].as_array().unwrap();
        assert_eq!(points.len(), 3);
        assert_eq!(points[2]["value"].as_f64(), Some(3.25));
        assert!(points[1]["previous"].is_null());
        assert_eq!(sections[1]["title"], "=Tricky \"table\"");
        assert_eq!(sections[1]["chart"], "none");
        let rows = sections[1]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), ROWS);
        assert_eq!(rows[4]["note"], TEXTS[4]);
    }
}

#[tokio::test]
async fn exporters_refuse_rows_that_do_not_fit_and_then_stop() {
    let (_dir, registry) = registry();
    for id in ["csv", "json", "pdf"] {
        let exporter = registry.exporter(id).unwrap();
        let mut s = exporter.open(&options(""), &export_schema()).await.unwrap();
        let narrow = Batch {
            row_count: 1,
            columns: vec![Column::new(ColumnValues::Text(vec!["x".into()]))],
        };
        let r = s.write(&narrow).await;
        assert!(
            matches!(r, Err(PluginError::InvalidData { .. })),
            "{id}: {r:?}"
        );
        // A failed session refuses further calls instead of going on.
        let r = s.write(&export_batch(0, 1)).await;
        assert!(r.is_err(), "{id}: write after a failure: {r:?}");
    }
}
