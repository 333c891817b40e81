//! Error pages. A page request that fails (400, 403, 404, 409, 500, ...)
//! answers a full page with the navigation and a way on, instead of the
//! bare message an htmx fragment gets (which stays inline, styled, in the
//! slot that asked for it). Addresses with no page get the same 404 page.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use maud::{Markup, html};

use super::dashboards::page_context;
use super::layout::{PageContext, Section, page};
use crate::http::{AppState, HttpError, Viewer, error_of};

/// Middleware over the pages: re-answer a failed full-page request as a
/// styled page (same status and headers).
pub(super) async fn error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let htmx = request.headers().contains_key("hx-request");
    let api = request.uri().path().starts_with("/api/");
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if htmx || api {
        return response;
    }
    let Some(error) = error_of(&response).cloned() else {
        return response;
    };
    // 401 has its own answer (the sign-in redirect or form).
    if error.status() == StatusCode::UNAUTHORIZED {
        return response;
    }
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers = headers;
    let viewer = Viewer::from_request_parts(&mut parts, &state).await.ok();
    let ctx = viewer.as_ref().map_or_else(
        || PageContext {
            section: Section::None,
            ..Default::default()
        },
        |v| page_context(v, Section::None),
    );
    let (mut out_parts, _) = response.into_parts();
    let page = error_page(error.status(), error.message(), &ctx);
    let mut answer = (error.status(), page).into_response();
    if let Some(retry) = out_parts.headers.remove(header::RETRY_AFTER) {
        answer.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    answer
}

/// The page for an address that has none.
pub(super) async fn no_such_page() -> HttpError {
    HttpError::not_found("there is no page at this address")
}

fn heading(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "That request did not make sense",
        403 => "You may not do that",
        404 => "Not found",
        409 => "Someone else changed this first",
        413 => "That is too large",
        422 => "That cannot be saved",
        429 | 503 => "Busy — try again in a moment",
        504 => "That took too long",
        _ if status.is_server_error() => "Something went wrong on our side",
        _ => "That did not work",
    }
}

fn error_page(status: StatusCode, message: &str, ctx: &PageContext) -> Markup {
    let signed_in = ctx.username.is_some();
    page(
        heading(status),
        ctx,
        html! {
            section.panel.error-page aria-labelledby="error-title" {
                p.muted.error-code { "Error " (status.as_u16()) }
                h1 #error-title { (heading(status)) }
                p.error-message { (message) }
                div.toolbar {
                    @if signed_in {
                        a.btn.btn-primary href="/dashboards" { "Go to dashboards" }
                    } @else {
                        a.btn.btn-primary href="/login" { "Sign in" }
                    }
                    a.btn href="/" { "Home" }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_say_what_happened_and_offer_a_way_on() {
        let ctx = PageContext {
            username: Some("ann".into()),
            ..Default::default()
        };
        let html = error_page(StatusCode::FORBIDDEN, "you may not <edit>", &ctx).into_string();
        assert!(
            html.contains("You may not do that") && html.contains("Error 403"),
            "{html}"
        );
        assert!(html.contains("you may not &lt;edit&gt;"), "{html}");
        assert!(
            html.contains(r#"href="/dashboards""#) && html.contains("rel=\"stylesheet\""),
            "{html}"
        );
        for status in [400, 403, 404, 409, 422, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            let html = error_page(status, "why", &ctx).into_string();
            assert!(
                html.contains(heading(status))
                    && html.contains(&format!("Error {}", status.as_u16()))
                    && html.contains("<nav")
                    && html.contains("Go to dashboards"),
                "{status}: {html}"
            );
        }
        let anonymous =
            error_page(StatusCode::NOT_FOUND, "x", &PageContext::default()).into_string();
        assert!(anonymous.contains(r#"href="/login""#), "{anonymous}");
    }
}
