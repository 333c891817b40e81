//! [`JsonBody`]: a JSON request body whose refusals are readable
//! [`HttpError`]s (wrong content type, too large, too deep, invalid).

use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::StatusCode,
};
use serde::de::DeserializeOwned;

use super::error::HttpError;

/// Largest JSON body the API accepts (routers set it as their body limit,
/// so the message names the right figure).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Deepest nesting of arrays and objects a JSON request body may have.
pub const MAX_BODY_DEPTH: usize = 32;

/// `Json<T>` whose rejections are [`HttpError`]s with a readable reason.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                let t = t.split(';').next().unwrap_or_default().trim();
                t == "application/json" || t.ends_with("+json")
            });
        if !json_type {
            return Err(HttpError::bad_request(
                "send the body as JSON (Content-Type: application/json)",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| too_large())?;
        // Refuse absurd nesting before building anything from it.
        if nesting_depth(&bytes) > MAX_BODY_DEPTH {
            return Err(HttpError::bad_request(format!(
                "the JSON body nests deeper than {MAX_BODY_DEPTH} levels"
            )));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_error(&rejection)),
        }
    }
}

fn too_large() -> HttpError {
    HttpError::too_large(format!(
        "the request body is larger than {MAX_BODY_BYTES} bytes"
    ))
}

/// Deepest nesting of `[`/`{` in JSON text, ignoring brackets in strings
/// (one pass, no allocation; malformed text is left to the parser).
pub fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in json {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn rejection_error(rejection: &JsonRejection) -> HttpError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            HttpError::bad_request("send the body as JSON (Content-Type: application/json)")
        }
        _ => HttpError::bad_request(format!(
            "the JSON body is invalid: {}",
            rejection.body_text()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(nesting_depth(br#""\"[""#), 0);
        assert_eq!(nesting_depth("[".repeat(100).as_bytes()), 100);
    }
}
