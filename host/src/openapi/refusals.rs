//! The refusals an operation may answer, one type per status.
//!
//! Every refusal has the same body ([`ErrorBody`](super::schemas::ErrorBody))
//! and, for a given status, the same meaning across the API, so each is
//! described once here and an operation lists the ones it can answer:
//! `responses((status = 200, ...), BadParameter, NoSession, NotFound)`.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// One refusal: its status and description, with the error body.
fn refusal(status: &str, description: &str) -> BTreeMap<String, RefOr<Response>> {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/json", body)
        .build();
    BTreeMap::from([(status.to_owned(), response.into())])
}

/// Declares one unit type per refusal, usable in `responses(...)`.
macro_rules! refusals {
    ($($(#[doc = $doc:literal])* $name:ident = $status:literal, $description:literal;)*) => {$(
        $(#[doc = $doc])*
        pub(super) struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                refusal($status, $description)
            }
        }
    )*};
}

refusals! {
    /// 400: a malformed or invalid parameter.
    BadParameter = "400", "A malformed or invalid parameter.";
    /// 401: no valid session or token.
    NoSession = "401", "No valid session or token.";
    /// 403: not allowed, or a write with a read-only token.
    Forbidden = "403", "Not allowed (or a read-only token on a write).";
    /// 404: no such thing, or one the caller may not see.
    NotFound = "404", "No such thing, or not visible to the caller.";
    /// 409: the version edited is no longer the current one.
    StaleVersion = "409", "The version edited is no longer current.";
    /// 413: the body is larger than the limit.
    TooLarge = "413", "The body is too large.";
    /// 422: the body is well-formed but invalid.
    Invalid = "422", "The body is well-formed but invalid.";
    /// 503: busy; the answer carries Retry-After.
    Busy = "503", "Busy; retry after the Retry-After header.";
    /// 504: a query took longer than its limit.
    QueryTimeout = "504", "A query took longer than its limit.";
}
