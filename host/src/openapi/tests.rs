use std::collections::BTreeSet;
use std::path::Path;

use super::*;

/// Every `(METHOD, path)` of an `/api/v1` route registered with
/// `.route("/api/v1/...", get(..).post(..))` in the host's source.
fn served_routes(dir: &Path, out: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            served_routes(&path, out);
        } else if path.ends_with("openapi/tests.rs") {
            // These tests hold example routes.
            continue;
        } else if path.extension().is_some_and(|e| e == "rs") {
            routes_in(&std::fs::read_to_string(&path).unwrap(), out);
        }
    }
}

fn routes_in(text: &str, out: &mut BTreeSet<(String, String)>) {
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let trimmed = rest.trim_start();
        let Some(literal) = trimmed.strip_prefix('"') else {
            continue;
        };
        let path = literal.split('"').next().unwrap_or_default();
        if !path.starts_with("/api/v1/") || path.contains('*') {
            continue;
        }
        // The handler chain: up to the parenthesis closing `.route(`.
        let after = &literal[path.len() + 1..];
        let (mut depth, mut end) = (1usize, after.len());
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let chain = &after[..end];
        for method in ["get", "post", "put", "delete", "patch"] {
            let called = chain.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0 || !chain[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if called {
                out.insert((method.to_ascii_uppercase(), path.to_owned()));
            }
        }
    }
}

fn documented() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in &document().paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ] {
            if op.is_some() {
                out.insert((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_served_api_route_is_documented_and_nothing_else() {
    let mut served = BTreeSet::new();
    served_routes(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut served,
    );
    assert!(served.len() > 20, "the scan found only {served:?}");
    let documented = documented();
    let missing: Vec<_> = served.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "served but not in the OpenAPI document: {missing:?}"
    );
    let stale: Vec<_> = documented.difference(&served).collect();
    assert!(stale.is_empty(), "documented but not served: {stale:?}");
    assert_eq!(documented.len(), paths::OPERATIONS);
}

#[test]
fn the_scan_reads_chained_methods() {
    let mut found = BTreeSet::new();
    routes_in(
        r#".route("/api/v1/x/{id}", get(show).put(update).delete(delete))
           .route(
               "/api/v1/y",
               post(import).layer(DefaultBodyLimit::disable()),
           )
           .route("/api/v1/{*rest}", get(not_found))
           .route("/login", get(page).post(login))"#,
        &mut found,
    );
    let found: Vec<String> = found.into_iter().map(|(m, p)| format!("{m} {p}")).collect();
    assert_eq!(
        found,
        [
            "DELETE /api/v1/x/{id}",
            "GET /api/v1/x/{id}",
            "POST /api/v1/y",
            "PUT /api/v1/x/{id}"
        ]
    );
}

#[test]
fn the_document_is_openapi_3_1_with_both_security_schemes() {
    let doc: serde_json::Value = serde_json::from_str(&json()).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    // Every operation says what its errors look like.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if path == PATH {
                continue;
            }
            let r = &op["responses"]["401"]["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(r, "#/components/schemas/ErrorBody", "{method} {path}");
        }
    }
}

/// The value patterns the document gives the range, bucket and compare
/// parameters say what the handlers take: every sample the parsers accept
/// matches, every sample they refuse does not (so clients and fuzzers
/// generated from the document send values that get past validation).
#[test]
fn query_patterns_accept_what_the_handlers_take() {
    use crate::data::{BucketSpec, RangeSpec};
    let takes = |name: &str, v: &str| -> bool {
        match name {
            "range" => v.is_empty() || v == "custom" || v.parse::<RangeSpec>().is_ok(),
            "from" => RangeSpec::absolute(v, "2100-01-01").is_ok(),
            "to" => RangeSpec::absolute("2000-01-01", v).is_ok(),
            "bucket" => v.parse::<BucketSpec>().is_ok(),
            "compare" => matches!(v, "previous" | "none"),
            _ => unreachable!(),
        }
    };
    const DATES: &[&str] = &[
        "2025-01-31",
        "2025-01-31T12:00:00Z",
        "2025-01-31T12:00:00.250+02:00",
        "31/01/2025",
        "2025-01-31T12:00",
        "yesterday",
    ];
    let samples: [(&str, &[&str]); 5] = [
        (
            "range",
            &[
                "",
                "24h",
                "8784h",
                "7d",
                "3660d",
                "today",
                "yesterday",
                "this_week",
                "previous_quarter",
                "this_year",
                "custom",
                "30",
                "week",
                "this_decade",
                "7 d",
                "h",
                "d",
            ],
        ),
        ("from", DATES),
        ("to", DATES),
        (
            "bucket",
            &[
                "auto", "minute", "hour", "day", "week", "month", "year", "Auto", "",
            ],
        ),
        ("compare", &["previous", "none", "both", ""]),
    ];
    let doc: serde_json::Value = serde_json::from_str(&json()).unwrap();
    let mut checked = BTreeSet::new();
    for op in doc["paths"].as_object().unwrap().values() {
        for op in op.as_object().unwrap().values() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap_or_default();
                let Some((_, values)) = samples.iter().find(|(n, _)| *n == name) else {
                    continue;
                };
                let pattern = param["schema"]["pattern"]
                    .as_str()
                    .unwrap_or_else(|| panic!("`{name}` has no pattern: {param}"));
                let check = jsonschema::validator_for(
                    &serde_json::json!({"type": "string", "pattern": pattern}),
                )
                .unwrap();
                for v in *values {
                    assert_eq!(
                        check.is_valid(&serde_json::json!(v)),
                        takes(name, v),
                        "`{name}={v}`: the pattern {pattern} and the handler disagree"
                    );
                }
                checked.insert(name.to_owned());
            }
        }
    }
    assert_eq!(checked.len(), samples.len(), "checked: {checked:?}");
}
