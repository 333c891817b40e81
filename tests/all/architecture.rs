//! The layering of `docs/architecture.md`, checked on the sources: a
//! module or crate that reaches across a boundary fails here, naming the
//! file and line.
//!
//! - nothing outside `host/src/web` names `crate::web`, nothing outside
//!   `host/src/api` names `crate::api` (the crate root composes them);
//! - the services (`dashboards`, `widget`, `export`, `alerts`), `auth`,
//!   `config` and `cli` know no HTTP: no `axum`, no `crate::http`;
//! - only `wasmdash-store` names sled, only `wasmdash-plugins` wasmtime,
//!   only `wasmdash-data` the SQL drivers (test code aside);
//! - the library crates depend on each other one way only.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The non-test code of a file: everything before its `#[cfg(test)]`
/// module (unit tests may use dev-dependencies freely).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// `file:line: text` for each line of the non-test code of the files
/// under `dir` (skipping those `skip` accepts) that contains a pattern.
fn offenders(dir: &Path, skip: impl Fn(&Path) -> bool, patterns: &[&str]) -> Vec<String> {
    lines_with(dir, skip, patterns, true)
}

/// [`offenders`] in code only: comments may name what they like.
fn code_offenders(dir: &Path, skip: impl Fn(&Path) -> bool, patterns: &[&str]) -> Vec<String> {
    lines_with(dir, skip, patterns, false)
}

fn lines_with(
    dir: &Path,
    skip: impl Fn(&Path) -> bool,
    patterns: &[&str],
    with_comments: bool,
) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        let rel = file.strip_prefix(root()).unwrap_or(&file).to_path_buf();
        if skip(&rel) {
            continue;
        }
        for (n, line) in code_of(&file).lines().enumerate() {
            if !with_comments && line.trim_start().starts_with("//") {
                continue;
            }
            if patterns.iter().any(|p| line.contains(p)) {
                found.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

fn assert_none(what: &str, found: Vec<String>) {
    assert!(found.is_empty(), "{what}:\n{}", found.join("\n"));
}

fn under(rel: &Path, dir: &str) -> bool {
    rel.starts_with(dir)
}

#[test]
fn only_the_pages_name_the_pages_and_only_the_api_names_the_api() {
    let host = root().join("host/src");
    assert_none(
        "`crate::web` named outside host/src/web",
        offenders(
            &host,
            |rel| under(rel, "host/src/web"),
            &["crate::web", "wasmdash::web", "super::web"],
        ),
    );
    assert_none(
        "`crate::api` named outside host/src/api",
        offenders(
            &host,
            |rel| under(rel, "host/src/api"),
            &["crate::api", "wasmdash::api", "super::api"],
        ),
    );
    for dir in ["tests", "host/benches"] {
        assert_none(
            "tests and benches drive the app through `wasmdash::app` or the server",
            offenders(
                &root().join(dir),
                |rel| under(rel, "tests/fixtures"),
                &["wasmdash::web", "wasmdash::api"],
            ),
        );
    }
}

#[test]
fn services_and_the_cli_know_no_http() {
    for dir in [
        "dashboards",
        "widget",
        "export",
        "alerts",
        "auth",
        "config",
        "cli",
    ] {
        assert_none(
            &format!("host/src/{dir} reaches into the HTTP edge"),
            offenders(
                &root().join("host/src").join(dir),
                |_| false,
                &["axum", "crate::http", "crate::web", "crate::api"],
            ),
        );
    }
}

#[test]
fn each_engine_is_known_by_one_crate_only() {
    let rules: &[(&str, &[&str])] = &[
        ("host/crates/store", &["sled::", "use sled"]),
        ("host/crates/plugins", &["wasmtime"]),
        (
            "host/crates/data",
            &["rusqlite", "tokio_postgres", "mysql_async", "deadpool"],
        ),
    ];
    for (owner, patterns) in rules {
        for dir in ["host/src", "host/crates"] {
            assert_none(
                &format!("only {owner} may name {patterns:?}"),
                code_offenders(&root().join(dir), |rel| under(rel, owner), patterns),
            );
        }
    }
}

#[test]
fn library_crates_depend_one_way() {
    // Each crate and the workspace crates it may depend on.
    let allowed: &[(&str, &[&str])] = &[
        ("host/crates/frame", &[]),
        ("host/crates/data", &["wasmdash-frame"]),
        ("host/crates/plugins", &["wasmdash-frame"]),
        ("host/crates/store", &[]),
    ];
    for (dir, may) in allowed {
        let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{dir}/Cargo.toml: {e}"));
        let deps = manifest
            .split("\n[")
            .filter(|section| section.starts_with("dependencies]"))
            .flat_map(str::lines)
            .filter_map(|line| line.split(['.', ' ', '=']).next())
            .filter(|name| name.starts_with("wasmdash"))
            .filter(|name| !may.contains(name))
            .map(str::to_owned)
            .collect::<Vec<_>>();
        assert!(deps.is_empty(), "{dir} must not depend on {deps:?}");
    }
}

#[test]
fn the_checks_see_the_sources() {
    // Guard against a check passing because it read nothing.
    assert!(rust_files(&root().join("host/src/web")).len() > 10);
    let pages_use_the_edge = offenders(&root().join("host/src/web"), |_| false, &["crate::http"]);
    assert!(!pages_use_the_edge.is_empty());
}
