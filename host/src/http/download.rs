//! Downloads: an export job streamed as an attachment, and small
//! documents (a dashboard's JSON) sent whole.

use axum::{
    body::Body,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt;

use crate::export::ExportJob;

/// The streamed download of a built job: the exporter's media type, an
/// attachment file name, and the body fed chunk by chunk. A failure
/// mid-stream ends the body with an error (after the marker line), so the
/// client sees an aborted transfer, not a complete file.
pub fn download(job: ExportJob) -> Response {
    let media_type = HeaderValue::from_str(job.media_type())
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = disposition(job.file_name());
    let body = Body::from_stream(
        job.spawn()
            .map(|chunk| chunk.map_err(std::io::Error::other)),
    );
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// `body` as an attachment named `file_name`, of `media_type`.
pub fn attachment(media_type: &'static str, file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
        ],
        body,
    )
        .into_response()
}

/// File names are sanitized to `[A-Za-z0-9._-]` by their makers, so they
/// need no quoting; anything else falls back to a bare `attachment`.
fn disposition(file_name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}
