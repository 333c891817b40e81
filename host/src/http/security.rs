//! Security headers on every response, and the same-origin rule for every
//! request that changes state.
//!
//! The Content-Security-Policy allows scripts and styles from our own origin
//! only: pages ship no inline script, and plugin HTML (already sanitized)
//! cannot run any even if the sanitizer missed something.
//!
//! Responses are `Cache-Control: no-store` unless a handler chose otherwise
//! (the versioned static assets do): pages and JSON carry signed-in users'
//! data, which shared or back-button caches must not keep.
//!
//! A `POST`, `PUT`, `PATCH` or `DELETE` whose `Origin` (or, without one,
//! `Referer`) names another site is refused before any handler runs. The
//! session's CSRF token already guards signed-in requests; this also
//! covers the ones made before there is a session, such as the sign-in
//! form (login CSRF: a foreign page signing the victim into the
//! attacker's account). Clients that send neither header (curl, API
//! scripts) are not browsers acting for someone else and pass.

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::HttpError;

/// The policy: our own origin only, no plugins, no framing, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Middleware adding the security headers.
pub(super) async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CACHE_CONTROL, "no-store");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    response
}

/// Middleware refusing state-changing requests from other sites (403).
pub(super) async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && let Err(why) = check_same_origin(request.headers()) {
        let refusal = HttpError::forbidden(why);
        return if wants_json(&request) {
            refusal.into_json_response()
        } else {
            refusal.into_response()
        };
    }
    next.run(request).await
}

fn wants_json(request: &Request) -> bool {
    request.uri().path().starts_with("/api/")
}

/// Ok when the request names no other site as its origin.
fn check_same_origin(headers: &HeaderMap) -> Result<(), String> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(claimed) = text(header::ORIGIN).or_else(|| text(header::REFERER)) else {
        return Ok(());
    };
    let host = text(header::HOST).unwrap_or_default();
    match authority(claimed) {
        Some(origin) if !host.is_empty() && origin.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(format!(
            "cross-site request refused: it comes from {}, not from this site",
            claimed.chars().take(100).collect::<String>()
        )),
    }
}

/// `host[:port]` of an absolute http(s) URL or origin; None for `null` and
/// anything else.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Userinfo in an origin is never legitimate.
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_site_and_headerless_requests_pass() {
        let host = (header::HOST, "dash.example:8080");
        assert!(check_same_origin(&headers(std::slice::from_ref(&host))).is_ok());
        assert!(
            check_same_origin(&headers(&[
                host.clone(),
                (header::ORIGIN, "http://dash.example:8080")
            ]))
            .is_ok()
        );
        assert!(
            check_same_origin(&headers(&[
                host,
                (header::REFERER, "https://DASH.example:8080/login?next=/")
            ]))
            .is_ok()
        );
    }

    #[test]
    fn other_sites_are_refused() {
        let host = (header::HOST, "dash.example:8080");
        for (name, value) in [
            (header::ORIGIN, "http://evil.example"),
            (header::ORIGIN, "null"),
            (header::ORIGIN, "http://dash.example:8081"),
            (header::ORIGIN, "http://dash.example:8080@evil.example"),
            (header::REFERER, "http://evil.example/dash.example:8080"),
            (header::ORIGIN, "file://"),
        ] {
            let err = check_same_origin(&headers(&[host.clone(), (name, value)])).unwrap_err();
            assert!(err.contains("cross-site request refused"), "{err}");
        }
        // Origin wins over a same-site Referer.
        assert!(
            check_same_origin(&headers(&[
                host,
                (header::ORIGIN, "http://evil.example"),
                (header::REFERER, "http://dash.example:8080/")
            ]))
            .is_err()
        );
    }
}
