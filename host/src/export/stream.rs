//! The output of a running export, chunk by chunk.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;

use super::error::{ExportError, Result};
use crate::plugins::excerpt;

/// Output chunks of a running export. After a failure the last chunk is a
/// visible marker line, followed by the error itself, so a reader never
/// mistakes a broken export for a complete one. Dropping the stream stops
/// the export and its database query.
#[derive(Debug)]
pub struct ExportStream {
    rx: mpsc::Receiver<Result<Bytes>>,
}

impl ExportStream {
    pub(crate) fn new(rx: mpsc::Receiver<Result<Bytes>>) -> Self {
        Self { rx }
    }
}

impl Stream for ExportStream {
    type Item = Result<Bytes, ExportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// The line appended to a failed export: `# wasmdash export failed: ...`,
/// on a line of its own (CRLF for CSV, whose rows end so).
pub fn failure_marker(media_type: &str, message: &str) -> Bytes {
    let eol = if media_type.starts_with("text/csv") {
        "\r\n"
    } else {
        "\n"
    };
    let message: String = excerpt(message, MAX_MARKER_MESSAGE_BYTES)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Bytes::from(format!("{eol}{MARKER}{message}{eol}"))
}

/// Most bytes of the error a failure marker carries.
const MAX_MARKER_MESSAGE_BYTES: usize = 4096;

/// How every failure marker starts.
pub const MARKER: &str = "# wasmdash export failed: ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_one_line_of_its_own() {
        let m = failure_marker("text/csv; charset=utf-8", "db\nfailed");
        assert_eq!(&m[..], b"\r\n# wasmdash export failed: db failed\r\n");
        let m = failure_marker("application/json", "x");
        assert_eq!(&m[..], b"\n# wasmdash export failed: x\n");
        let m = failure_marker("application/json", &"x".repeat(1 << 20));
        assert!(m.len() <= 4096 + 64, "{}", m.len());
    }
}
