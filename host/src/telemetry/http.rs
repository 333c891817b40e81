//! Counting HTTP requests by route and status, with their latency.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Requests by route (the pattern, e.g. `/api/v1/dashboards/:id`),
/// method and status.
pub const HTTP_REQUESTS: &str = "wasmdash_http_requests_total";
/// Time to the response head by route, seconds (a streamed body goes on
/// after it).
pub const HTTP_SECONDS: &str = "wasmdash_http_request_duration_seconds";

/// Middleware recording [`HTTP_REQUESTS`] and [`HTTP_SECONDS`]. Apply it
/// with `Router::layer`, so the matched route is known; requests that
/// match no route are counted as `unmatched`, so scanners cannot make up
/// new label values.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| route_label(p.as_str()));
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_SECONDS, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// A route pattern as a label: `{id}` written `:id` (and `{*rest}`
/// `*rest`), as some Prometheus text parsers stop at the first `}` even
/// inside a quoted label value.
fn route_label(pattern: &str) -> String {
    pattern
        .replace("{*", "*")
        .replace('{', ":")
        .replace('}', "")
}

/// The standard methods by name; anything else as `other`.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ]
    .into_iter()
    .find(|m| m == method)
    .map_or("other", |m| match m.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "OPTIONS",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_labels_carry_no_braces() {
        assert_eq!(
            route_label("/api/v1/dashboards/{id}/widgets/{widget}/html"),
            "/api/v1/dashboards/:id/widgets/:widget/html"
        );
        assert_eq!(route_label("/api/v1/{*rest}"), "/api/v1/*rest");
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&axum::http::Method::GET), "GET");
        let odd = axum::http::Method::from_bytes(b"SCANME").unwrap();
        assert_eq!(method_label(&odd), "other");
    }
}
