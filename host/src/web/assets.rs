//! Static files embedded in the binary: vendored htmx and gridstack (from
//! npm, see `host/assets/vendor/README.md`) and our own CSS and JS.
//!
//! URLs carry the file's version so browsers may cache them for a year.

use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// One embedded file.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "htmx-2.0.11.min.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/vendor/htmx-2.0.11.min.js"),
    },
    Asset {
        name: "gridstack-14.1.0-all.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/vendor/gridstack-14.1.0-all.js"),
    },
    Asset {
        name: "gridstack-14.1.0.min.css",
        media_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/vendor/gridstack-14.1.0.min.css"),
    },
    Asset {
        name: "favicon.svg",
        media_type: "image/svg+xml",
        bytes: include_bytes!("../../assets/favicon.svg"),
    },
    Asset {
        name: APP_CSS,
        media_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/app.css"),
    },
    Asset {
        name: APP_JS,
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/app.js"),
    },
];

/// File name of our stylesheet; bump the version part when it changes.
pub(super) const APP_CSS: &str = concat!("app-", env!("CARGO_PKG_VERSION"), ".css");
/// File name of our script.
pub(super) const APP_JS: &str = concat!("app-", env!("CARGO_PKG_VERSION"), ".js");

/// URL of an embedded asset.
pub(super) fn url(name: &str) -> String {
    format!("/assets/{name}")
}

/// Routes serving `/assets/{name}`.
pub(super) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/assets/{name}", get(serve))
        // Browsers ask for it whatever the page says.
        .route(
            "/favicon.ico",
            get(|| serve(Path("favicon.svg".to_owned()))),
        )
}

async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.media_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn serves_every_asset_with_its_type_and_refuses_unknown() {
        for asset in ASSETS {
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.name);
            let res = router::<()>()
                .oneshot(Request::get(url(asset.name)).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{}", asset.name);
            assert_eq!(res.headers()[header::CONTENT_TYPE], asset.media_type);
        }
        let res = router::<()>()
            .oneshot(
                Request::get("/assets/../Cargo.toml")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
}
