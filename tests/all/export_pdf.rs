//! PDF exports are real documents: `qpdf --check` accepts them and
//! `pdftotext` finds the title and the first and last rows; a dashboard
//! report holds every widget.

use std::process::Command;

use crate::export_support::{self as support, get};

/// Whether `tool` runs; prints why a test is skipped otherwise (fails
/// when CI requires the tools).
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        assert!(!wasmdash_tests::services_required(), "{tool} is required");
        eprintln!("skipping: {tool} is not installed");
    }
    ok
}

fn check_and_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf).unwrap();
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "qpdf --check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    String::from_utf8_lossy(&text.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn dataset_pdf_is_valid_and_shows_title_first_and_last_rows() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let server = support::start(10).await;
    let w = server.world.clone();
    let d = tokio::task::spawn_blocking(move || {
        get(
            &format!(
                "{}/api/v1/export?dataset=tricky&format=pdf&columns=id,qty&order=id&filter=id:ge:2",
                w.base
            ),
            Some(w.token("viewer")),
        )
    })
    .await
    .unwrap();
    assert_eq!(d.status, 200, "{}", d.text());
    assert_eq!(d.content_type, "application/pdf");
    assert!(d.body.starts_with(b"%PDF-"));
    let text = check_and_text(&d.body);
    assert!(text.contains("Tricky values"), "{text}");
    let rows = support::tricky_rows();
    // From row 2 on, so the first row's quantity is not a bare "0".
    let (first, last) = (&rows[1], &rows[rows.len() - 1]);
    assert!(text.contains(&first.qty.to_string()), "first row in {text}");
    assert!(text.contains(&last.qty.to_string()), "last row in {text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_report_pdf_holds_every_widget() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let server = support::start(10).await;
    let w = server.world.clone();
    let d = tokio::task::spawn_blocking(move || {
        get(
            &format!(
                "{}/api/v1/dashboards/{}/export?format=pdf&from=2025-01-20&to=2025-04-01",
                w.base, w.report
            ),
            Some(w.token("viewer")),
        )
    })
    .await
    .unwrap();
    assert_eq!(d.status, 200, "{}", d.text());
    let text = check_and_text(&d.body);
    assert!(text.contains("Sales & Ops \"Q1\""), "{text}");
    let mut at = 0;
    // In layout order: row by row, then column.
    for title in [
        "Total orders",
        "Revenue trend",
        "Orders by region",
        "Orders by status",
        "Tricky table",
    ] {
        let found = text[at..]
            .find(title)
            .unwrap_or_else(|| panic!("{title} after {at} in {text}"));
        at += found + title.len();
    }
}
