//! Streaming exports: a large dataset arrives whole, a client that hangs
//! up mid-download costs the server nothing (not even a sandbox slot), and
//! a failure mid-stream ends the download with a visible marker and an
//! aborted transfer instead of a file that looks complete.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use crate::export_support::{self as support, get};

const MARKER: &str = "# wasmdash export failed: ";

#[tokio::test(flavor = "multi_thread")]
async fn a_large_dataset_streams_every_row() {
    const ROWS: usize = 200_000;
    let server = support::start(ROWS).await;
    let w = server.world.clone();
    let d = tokio::task::spawn_blocking(move || {
        get(
            &format!("{}/api/v1/export?dataset=big&format=csv&order=id", w.base),
            Some(w.token("viewer")),
        )
    })
    .await
    .unwrap();
    assert_eq!(d.status, 200);
    assert!(d.complete, "the transfer ended cleanly");
    assert!(!d.text().contains(MARKER));
    let mut reader = csv::Reader::from_reader(d.body.as_slice());
    let mut count = 0usize;
    let mut last_id = 0i64;
    for record in reader.records() {
        let record = record.unwrap();
        assert_eq!(record.len(), 6);
        last_id = record[0].parse().unwrap();
        count += 1;
    }
    assert_eq!(count, ROWS);
    assert_eq!(last_id, ROWS as i64);
}

/// Start a CSV download of `big` over a raw socket, read a little, hang up.
fn hang_up_mid_download(addr: &str, token: &str) -> usize {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /api/v1/export?dataset=big&format=csv HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    let mut got = 0;
    while got < 64 * 1024 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    got
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_hanging_up_mid_download_do_not_hurt_the_server() {
    let server = support::start(100_000).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let addr = w.base.trim_start_matches("http://").to_owned();
        let token = w.token("viewer").to_owned();
        // More hang-ups than the sandbox has slots (32 by default): a
        // session left open by a cancelled export would block the rest.
        for _ in 0..40 {
            let got = hang_up_mid_download(&addr, &token);
            assert!(got >= 64 * 1024, "the download had started ({got} bytes)");
        }
        let d = get(
            &format!("{}/api/v1/export?dataset=tricky&format=csv", w.base),
            Some(&token),
        );
        assert_eq!(d.status, 200);
        assert!(d.complete);
        assert_eq!(
            csv::Reader::from_reader(d.body.as_slice())
                .records()
                .count(),
            support::TRICKY_ROWS
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_mid_stream_ends_with_a_visible_marker() {
    let server = support::start(100_000).await;
    let w = server.world.clone();
    tokio::task::spawn_blocking(move || {
        let token = w.token("viewer");
        for format in ["csv", "json"] {
            let d = get(
                &format!("{}/api/v1/export?dataset=big_slow&format={format}", w.base),
                Some(token),
            );
            // The stream was promised (200) before the database gave up.
            assert_eq!(d.status, 200, "{}", d.text());
            let text = d.text();
            let last = text
                .trim_end()
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned();
            assert!(
                last.starts_with(MARKER) && last.contains("took longer than 1 ms"),
                "{format}: last line {last:?}"
            );
            assert!(!d.complete, "{format}: the transfer is reported as failed");
        }
        // The server carries on.
        let d = get(
            &format!("{}/api/v1/export?dataset=tricky&format=csv", w.base),
            Some(token),
        );
        assert_eq!((d.status, d.complete), (200, true));
    })
    .await
    .unwrap();
}
