//! Static files embedded in the binary: vendored htmx and gridstack (from
//! npm, see `host/assets/vendor/README.md`) and our own CSS and JS.
//!
//! Pages link each file by a name carrying a hash of its content
//! (`app.3f9c2a1b7d04.css`), computed once at start-up, and those names are
//! cached for a year (`immutable`). A name only changes when the bytes do,
//! so after an upgrade a browser fetches the new stylesheet at once, and
//! keeps the old one as long as it is the same. A name that is not the
//! current one — an old hash, or the version-named files of earlier
//! releases — is 404, never the current bytes under a name a browser may
//! have cached for a year. The plain name (`app.css`) stays reachable for
//! people and tools, revalidated on every use (`no-cache` with the hash as
//! its `ETag`).

use std::sync::LazyLock;

use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};

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

/// Our stylesheet (pages link it by [`url`], which adds the content hash).
pub(super) const APP_CSS: &str = "app.css";
/// Our script.
pub(super) const APP_JS: &str = "app.js";

/// An asset with its content hash and the name that carries it.
struct Hashed {
    asset: &'static Asset,
    /// 12 hex digits of the SHA-256 of the bytes.
    hash: String,
    /// `stem.<hash>.ext`.
    hashed_name: String,
}

/// Every asset's hash, computed once.
static HASHED: LazyLock<Vec<Hashed>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.bytes);
            let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
            let hashed_name = match asset.name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{}.{hash}", asset.name),
            };
            Hashed {
                asset,
                hash,
                hashed_name,
            }
        })
        .collect()
});

/// URL of embedded asset `name` (its plain name), by content hash.
pub(super) fn url(name: &str) -> String {
    match HASHED.iter().find(|h| h.asset.name == name) {
        Some(h) => format!("/assets/{}", h.hashed_name),
        None => format!("/assets/{name}"),
    }
}

/// Routes serving `/assets/{name}`.
pub(super) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/assets/{name}", get(serve))
        // Browsers ask for it whatever the page says.
        .route(
            "/favicon.ico",
            get(|headers: HeaderMap| serve(Path("favicon.svg".to_owned()), headers)),
        )
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    if let Some(h) = HASHED.iter().find(|h| h.hashed_name == name) {
        return (
            [
                (header::CONTENT_TYPE, h.asset.media_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            h.asset.bytes,
        )
            .into_response();
    }
    let Some(h) = HASHED.iter().find(|h| h.asset.name == name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    // The plain name: always asked again, answered 304 while unchanged.
    let etag = format!("\"{}\"", h.hash);
    let cache = [
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::ETAG, etag.clone()),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let media_type = HeaderValue::from_static(h.asset.media_type);
    (cache, [(header::CONTENT_TYPE, media_type)], h.asset.bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(path: &str, if_none_match: Option<&str>) -> Response {
        let mut req = Request::get(path);
        if let Some(tag) = if_none_match {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        router::<()>()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_every_asset_by_content_hash_and_refuses_unknown() {
        for asset in ASSETS {
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.name);
            let hashed = url(asset.name);
            assert_ne!(hashed, format!("/assets/{}", asset.name));
            let res = get(&hashed, None).await;
            assert_eq!(res.status(), StatusCode::OK, "{}", asset.name);
            assert_eq!(res.headers()[header::CONTENT_TYPE], asset.media_type);
            assert_eq!(
                res.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
        }
        let res = get("/assets/../Cargo.toml", None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn the_name_follows_the_content() {
        let css = url(APP_CSS);
        let hash = css
            .strip_prefix("/assets/app.")
            .and_then(|r| r.strip_suffix(".css"))
            .unwrap_or_else(|| panic!("{css}"));
        let digest = Sha256::digest(include_bytes!("../../assets/app.css"));
        let expected: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, expected);
        assert_ne!(url(APP_JS), css);
    }

    #[tokio::test]
    async fn old_names_are_not_served_and_plain_names_are_revalidated() {
        // An earlier release's version-named file and a stale hash: 404,
        // not today's bytes under a name cached for a year.
        for old in ["/assets/app-0.1.0.css", "/assets/app.000000000000.css"] {
            assert_eq!(
                get(old, None).await.status(),
                StatusCode::NOT_FOUND,
                "{old}"
            );
        }
        let plain = get("/assets/app.css", None).await;
        assert_eq!(plain.status(), StatusCode::OK);
        assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-cache");
        let etag = plain.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert!(url(APP_CSS).contains(etag.trim_matches('"')), "{etag}");
        let again = get("/assets/app.css", Some(&etag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(get("/favicon.ico", None).await.status(), StatusCode::OK);
    }
}
