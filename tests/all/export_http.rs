//! Exports over HTTP against the real server: CSV and JSON round trips
//! checked by independent parsers, formula injection, file names, bad
//! input, authorization, and the export entries on the pages.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::export_support::{self as support, Download, enc, get, tricky_rows};

/// Parse CSV with Python's `csv` module; returns the rows as JSON.
pub(crate) fn python_csv(bytes: &[u8], delimiter: char) -> Vec<Vec<String>> {
    let script = format!(
        "import csv, io, json, sys\n\
         text = sys.stdin.buffer.read().decode('utf-8-sig')\n\
         rows = list(csv.reader(io.StringIO(text, newline=''), delimiter={delimiter:?}))\n\
         json.dump(rows, sys.stdout)\n"
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python csv failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn export_url(base: &str, query: &str) -> String {
    format!("{base}/api/v1/export?{query}")
}

/// The database time `YYYY-MM-DD HH:MM:SS` (UTC) as Unix milliseconds.
fn db_ms(text: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

fn protected(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_round_trip_equals_the_database_rows() {
    let server = support::start(10).await;
    let w = &server.world;
    let token = w.token("viewer").to_owned();
    let base = w.base.clone();
    let d = tokio::task::spawn_blocking(move || {
        get(
            &export_url(&base, "dataset=tricky&format=csv&order=id"),
            Some(&token),
        )
    })
    .await
    .unwrap();
    assert_eq!(d.status, 200, "{}", d.text());
    assert!(d.complete);
    assert!(d.content_type.starts_with("text/csv"), "{}", d.content_type);
    let rows = python_csv(&d.body, ',');
    assert_eq!(rows[0], ["id", "created_at", "note", "amount", "qty"]);
    let want = tricky_rows();
    assert_eq!(rows.len() - 1, want.len());
    for (got, want) in rows[1..].iter().zip(&want) {
        assert_eq!(got[0], want.id.to_string());
        let at = chrono::DateTime::parse_from_rfc3339(&got[1]).unwrap();
        assert_eq!(at.timestamp_millis(), db_ms(&want.created_at), "{}", got[1]);
        assert_eq!(
            got[2],
            want.note.as_deref().map(protected).unwrap_or_default(),
            "row {}",
            want.id
        );
        match want.amount {
            Some(a) => assert_eq!(got[3].parse::<f64>().unwrap(), a),
            None => assert_eq!(got[3], ""),
        }
        assert_eq!(got[4].parse::<i64>().unwrap(), want.qty);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_formula_prefix_is_neutralized_unless_turned_off() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let token = w.token("viewer");
        let on = get(
            &export_url(
                &w.base,
                "dataset=tricky&format=csv&columns=id,note&order=id",
            ),
            Some(token),
        );
        let off = get(
            &export_url(
                &w.base,
                &format!(
                    "dataset=tricky&format=csv&columns=id,note&order=id&options={}",
                    enc(r#"{"formula_protection":false,"delimiter":";","bom":true}"#)
                ),
            ),
            Some(token),
        );
        assert_eq!((on.status, off.status), (200, 200), "{}", off.text());
        assert!(off.body.starts_with("\u{FEFF}".as_bytes()), "BOM asked for");
        let on = python_csv(&on.body, ',');
        let off = python_csv(&off.body, ';');
        let mut seen = Vec::new();
        for (row, want) in on[1..].iter().zip(tricky_rows()) {
            let Some(note) = want.note else { continue };
            if let Some(prefix) = note.chars().next().filter(|c| "=+-@\t\r".contains(*c)) {
                assert_eq!(row[1], format!("'{note}"), "prefix {prefix:?} neutralized");
                seen.push(prefix);
            } else {
                assert_eq!(row[1], note);
            }
        }
        for prefix in ['=', '+', '-', '@', '\t', '\r'] {
            assert!(seen.contains(&prefix), "no row starts with {prefix:?}");
        }
        let raw: Vec<&str> = off[1..].iter().map(|r| r[1].as_str()).collect();
        assert!(
            raw.contains(&"=SUM(A1:A2)") && raw.contains(&"@cmd"),
            "{raw:?}"
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn json_round_trip_keeps_types() {
    let server = support::start(10).await;
    let w = server.world.clone();
    let (array, ndjson) = tokio::task::spawn_blocking(move || {
        let token = w.token("viewer");
        let url = export_url(&w.base, "dataset=tricky&format=json&order=id");
        let nd = export_url(
            &w.base,
            &format!(
                "dataset=tricky&format=json&order=id&options={}",
                enc(r#"{"ndjson":true}"#)
            ),
        );
        (get(&url, Some(token)), get(&nd, Some(token)))
    })
    .await
    .unwrap();
    assert_eq!(array.status, 200);
    assert!(array.content_type.starts_with("application/json"));
    let Value::Array(rows) = array.json() else {
        panic!("a JSON array: {}", array.text());
    };
    let want = tricky_rows();
    assert_eq!(rows.len(), want.len());
    for (got, want) in rows.iter().zip(&want) {
        assert_eq!(got["id"], Value::from(want.id));
        assert!(got["qty"].is_i64(), "numbers stay numbers");
        assert_eq!(got["qty"], Value::from(want.qty));
        let at = chrono::DateTime::parse_from_rfc3339(got["created_at"].as_str().unwrap()).unwrap();
        assert_eq!(at.timestamp_millis(), db_ms(&want.created_at));
        assert_eq!(
            got["note"],
            want.note.clone().map_or(Value::Null, Value::from),
            "text verbatim, null stays null"
        );
        assert_eq!(got["amount"], want.amount.map_or(Value::Null, Value::from));
    }
    let lines: Vec<Value> = ndjson
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, &rows, "NDJSON holds the same objects");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_name_says_what_range_and_date() {
    let server = support::start(10).await;
    let w = server.world.clone();
    let (dataset, report) = tokio::task::spawn_blocking(move || {
        let token = w.token("viewer");
        let dataset = get(
            &export_url(&w.base, "dataset=tricky&format=csv&range=30d"),
            Some(token),
        );
        let report = get(
            &format!(
                "{}/api/v1/dashboards/{}/export?format=json&range=7d",
                w.base, w.report
            ),
            Some(token),
        );
        (dataset, report)
    })
    .await
    .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        dataset.disposition,
        format!("attachment; filename=\"Tricky-values_30d_{today}.csv\"")
    );
    assert_eq!(report.status, 200, "{}", report.text());
    assert_eq!(
        report.disposition,
        format!("attachment; filename=\"Sales-Ops-Q1_7d_{today}.json\"")
    );
}

fn assert_json_error(d: &Download, status: u16, needle: &str) {
    assert_eq!(d.status, status, "{}", d.text());
    let message = d.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains(needle),
        "error {message:?} should mention {needle:?}"
    );
    assert!(d.disposition.is_empty(), "no download started");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_before_any_byte() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let t = Some(w.token("viewer"));
        let url = |q: &str| export_url(&w.base, q);
        let cases: &[(&str, u16, &str)] = &[
            (
                "dataset=tricky&format=xlsx",
                400,
                "unknown export format `xlsx`; installed: csv",
            ),
            ("dataset=nope&format=csv", 404, "unknown dataset"),
            ("dataset=tricky", 400, "format"),
            ("format=csv", 400, "dataset"),
            ("dataset=tricky&format=csv&range=fortnight", 400, "range"),
            (
                "dataset=tricky&format=csv&from=2025-01-01",
                400,
                "go together",
            ),
            (
                "dataset=tricky&format=csv&filter=note:like:x",
                400,
                "bad filter",
            ),
            (
                "dataset=tricky&format=csv&filter=ghost:eq:1",
                400,
                "no column `ghost`",
            ),
            (
                "dataset=tricky&format=csv&columns=id,ghost",
                400,
                "no column `ghost`",
            ),
            (
                "dataset=tricky&format=csv&order=ghost",
                400,
                "no column `ghost`",
            ),
            (
                "dataset=tricky&format=csv&options=%7B",
                400,
                "not valid JSON",
            ),
            (
                "dataset=tricky&format=csv&options=%5B1%5D",
                400,
                "JSON object",
            ),
            (
                "dataset=tricky&format=csv&options=%7B%22delimiter%22%3A%22ab%22%7D",
                400,
                "delimiter",
            ),
            (
                "dataset=tricky&format=csv&bogus=1",
                400,
                "unknown parameter `bogus`",
            ),
            ("metric=nope&format=csv", 404, "unknown metric"),
        ];
        for (query, status, needle) in cases {
            assert_json_error(&get(&url(query), t), *status, needle);
        }
        let report = |q: &str| format!("{}/api/v1/dashboards/{}/export?{q}", w.base, w.report);
        assert_json_error(
            &get(&report("format=xlsx"), t),
            400,
            "unknown export format",
        );
        assert_json_error(&get(&report("format=csv&range=x"), t), 400, "range");
        assert_json_error(
            &get(
                &format!("{}/api/v1/dashboards/nope/export?format=csv", w.base),
                t,
            ),
            404,
            "no such dashboard",
        );
        assert_json_error(
            &get(
                &format!(
                    "{}/api/v1/dashboards/{}/widgets/ghost/export?format=csv",
                    w.base, w.report
                ),
                t,
            ),
            404,
            "no such widget",
        );
        // The server is unharmed and a good export still works.
        assert_eq!(get(&url("dataset=tricky&format=csv"), t).status, 200);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_follow_the_viewing_rules() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let dash = |id: &str| format!("{}/api/v1/dashboards/{id}/export?format=csv", w.base);
        let widget = |id: &str| {
            format!(
                "{}/api/v1/dashboards/{id}/widgets/card/export?format=csv",
                w.base
            )
        };
        // Anonymous: 401 everywhere, datasets included.
        for url in [
            dash(&w.private),
            dash(&w.report),
            widget(&w.report),
            export_url(&w.base, "dataset=tricky&format=csv"),
        ] {
            assert_eq!(get(&url, None).status, 401, "{url}");
        }
        // Another user's private dashboard: not found, never a byte of it.
        for user in ["viewer", "editor2"] {
            let d = get(&dash(&w.private), Some(w.token(user)));
            assert_eq!(d.status, 404, "{user}: {}", d.text());
            let d = get(&widget(&w.private), Some(w.token(user)));
            assert_eq!(d.status, 404, "{user}");
        }
        // Owner and admin may; a viewer may export the shared one.
        for (user, id) in [
            ("editor", &w.private),
            ("admin", &w.private),
            ("viewer", &w.report),
        ] {
            let d = get(&dash(id), Some(w.token(user)));
            assert_eq!(d.status, 200, "{user}: {}", d.text());
            assert!(d.complete);
            let d = get(&widget(id), Some(w.token(user)));
            assert_eq!(d.status, 200, "{user}");
        }
        // The page routes apply the same rules (no session: 401).
        let page = format!("{}/dashboards/{}/export?format=csv", w.base, w.report);
        assert_eq!(get(&page, None).status, 401);
        let page = format!("{}/dashboards/{}/export?format=csv", w.base, w.private);
        assert_eq!(get(&page, Some(w.token("viewer"))).status, 404);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn widget_exports_carry_the_widget_data() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let t = Some(w.token("viewer"));
        let range = "from=2025-01-20&to=2025-04-01";
        let url = |widget: &str, format: &str| {
            format!(
                "{}/api/v1/dashboards/{}/widgets/{widget}/export?format={format}&{range}",
                w.base, w.report
            )
        };
        let card = get(&url("card", "json"), t).json();
        assert_eq!(card[0]["label"], "Total orders");
        assert!(card[0]["value"].as_f64().unwrap() > 0.0, "{card}");
        let trend = get(&url("trend", "json"), t).json();
        let trend = trend.as_array().unwrap();
        assert!(trend.len() >= 60, "one row per day: {}", trend.len());
        assert!(trend[0]["time"].is_string() && trend[0].get("previous").is_some());
        let bars = get(&url("bars", "csv"), t);
        let bars = python_csv(&bars.body, ',');
        assert_eq!(bars[0], ["label", "value"]);
        assert!(bars.len() > 3, "{bars:?}");
        // A table widget exports every row of its dataset in the range, not a page.
        let table = get(&url("table", "json"), t).json();
        let table = table.as_array().unwrap();
        assert_eq!(table.len(), super::export_support::TRICKY_ROWS);
        assert_eq!(
            table[0].as_object().unwrap().len(),
            2,
            "the widget's columns"
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_offer_one_entry_per_installed_exporter() {
    let server = support::start(10).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let (cookie, csrf) =
            crate::web_support::login(&w.base, "viewer", support::PASSWORD).unwrap();
        let who = crate::web_support::As::Session { cookie, csrf };
        let send = |path: &str| {
            crate::web_support::send("GET", &format!("{}{path}", w.base), &who, None)
        };
        let fragment = send(&format!(
            "/dashboards/{}/widgets/card?range=custom&from=2025-01-01&to=2025-04-01",
            w.report
        ));
        assert_eq!(fragment.status, 200);
        for format in ["csv", "json", "pdf"] {
            let href = format!(
                "/dashboards/{}/widgets/card/export?format={format}&amp;range=custom&amp;from=2025-01-01&amp;to=2025-04-01",
                w.report
            );
            assert!(fragment.body.contains(&href), "{href} in {}", fragment.body);
        }
        let page = send(&format!("/dashboards/{}", w.report));
        for format in ["csv", "json", "pdf"] {
            assert!(
                page.body.contains(&format!(r#"name="format" value="{format}""#)),
                "report button for {format}"
            );
        }
        let form = send("/export");
        assert_eq!(form.status, 200);
        assert!(form.body.contains(r#"value="tricky""#) && form.body.contains(r#"value="pdf""#));
        // The form's own download, with its empty fields, works.
        let d = send("/export/dataset?dataset=tricky&range=all&from=&to=&filter=&format=csv");
        assert_eq!(d.status, 200, "{}", d.body);
        assert_eq!(
            python_csv(d.body.as_bytes(), ',').len(),
            support::TRICKY_ROWS + 1
        );
        let bad = send("/export/dataset?dataset=tricky&range=all&filter=x&format=csv");
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("bad filter"), "{}", bad.body);
    })
    .await
    .unwrap();
}
