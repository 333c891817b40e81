//! `wasmdash plugins new`: each template's project builds as written and
//! passes its own test, and the component it builds loads in the host
//! (`plugins check`). Rust projects build with cargo (one shared target
//! dir); Python and JavaScript ones with their `build.sh`, which reuses the
//! pinned tools the examples installed in `~/.cache/wasmdash-tools` — those
//! tests skip with the reason when the tools are not installed, unless CI
//! requires every service.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wasmdash_tests::{plugin_cache_dir, services_required, wasmdash_bin};

fn new(dir: &Path, name: &str, kind: &str, lang: &str) -> Output {
    Command::new(wasmdash_bin())
        .args([
            "plugins", "new", name, "--kind", kind, "--lang", lang, "--dir",
        ])
        .arg(dir)
        .env_remove("WASMDASH_SDK")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `cargo` for a scaffolded project, outside this workspace's build: the
/// outer cargo's variables are dropped, the target dir is shared by the
/// scaffold tests so dependencies compile once.
fn cargo(project: &Path) -> Command {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().join("scaffold-tests");
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if (key.starts_with("CARGO_") && key != "CARGO_HOME") || key.starts_with("RUSTC") {
            cmd.env_remove(&*key);
        }
    }
    cmd.current_dir(project).env("CARGO_TARGET_DIR", &target);
    cmd
}

fn check(wasm: &Path, kind: &str, id: &str) {
    let o = Command::new(wasmdash_bin())
        .args(["plugins", "check"])
        .arg(wasm)
        .arg("--cache-dir")
        .arg(plugin_cache_dir())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&format!("ok: {kind} {id} 0.1.0")),
        "{stdout}"
    );
}

#[test]
fn rust_projects_of_every_kind_build_and_pass_their_tests() {
    let dir = tempfile::tempdir().unwrap();
    for (name, kind) in [
        ("scaffold-widget", "widget"),
        ("scaffold-exporter", "exporter"),
        ("scaffold-rule", "alert-rule"),
    ] {
        let o = new(dir.path(), name, kind, "rust");
        assert!(o.status.success(), "{}", text(&o));
        let project = dir.path().join(name);
        for file in ["Cargo.toml", "src/lib.rs", "README.md", ".gitignore"] {
            assert!(project.join(file).is_file(), "{name}: no {file}");
        }
        let o = cargo(&project).args(["test", "--quiet"]).output().unwrap();
        assert!(o.status.success(), "{name}: cargo test\n{}", text(&o));
        assert!(text(&o).contains("test result: ok"), "{}", text(&o));
        let o = cargo(&project)
            .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: cargo build\n{}", text(&o));
        let target = std::env::current_exe()
            .unwrap()
            .ancestors()
            .nth(3)
            .unwrap()
            .join("scaffold-tests/wasm32-wasip2/release")
            .join(format!("{}.wasm", name.replace('-', "_")));
        check(&target, kind, name);
    }
}

/// Whether the examples' tools for `lang` are installed; prints why not
/// (and fails when CI requires them).
fn tools_installed(lang: &str) -> bool {
    let cache = std::env::var_os("WASMDASH_TOOL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"))
                .join("wasmdash-tools")
        });
    let (prefix, tool) = match lang {
        "python" => ("py-", "bin/componentize-py"),
        _ => ("js-", "node_modules/.bin/componentize-js"),
    };
    let found = std::fs::read_dir(&cache)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name().to_string_lossy().starts_with(prefix) && e.path().join(tool).exists()
        });
    if found || services_required() {
        // CI: build.sh installs the pinned tools itself.
        return true;
    }
    eprintln!(
        "skipping: no {lang} build tools in {} (run examples/{lang}-widget/build.sh once)",
        cache.display()
    );
    false
}

fn script_project_builds(lang: &str) {
    if !tools_installed(lang) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let name = format!("scaffold-{lang}");
    let o = new(dir.path(), &name, "widget", lang);
    assert!(o.status.success(), "{}", text(&o));
    let project = dir.path().join(&name);
    assert!(project.join("wit/plugin.wit").is_file());
    assert!(project.join("README.md").is_file());
    let o = Command::new(project.join("build.sh")).output().unwrap();
    assert!(o.status.success(), "build.sh\n{}", text(&o));
    check(&project.join(format!("{name}.wasm")), "widget", &name);
}

#[test]
fn a_python_widget_project_builds_and_passes_its_tests() {
    script_project_builds("python");
}

#[test]
fn a_javascript_widget_project_builds_and_passes_its_tests() {
    script_project_builds("js");
}

#[test]
fn bad_arguments_are_one_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("taken")).unwrap();
    let cases = [
        (
            vec!["Bad_Name", "--kind", "widget", "--lang", "rust"],
            "invalid plugin name",
        ),
        (
            vec!["taken", "--kind", "widget", "--lang", "rust"],
            "already exists",
        ),
        (
            vec!["py-exporter", "--kind", "exporter", "--lang", "python"],
            "no Python template for exporter",
        ),
        (
            vec!["js-rule", "--kind", "alert-rule", "--lang", "js"],
            "no JavaScript template for alert-rule",
        ),
        (
            vec![
                "no-sdk",
                "--kind",
                "widget",
                "--lang",
                "rust",
                "--sdk",
                "/no/such/sdk",
            ],
            "pass --sdk DIR",
        ),
    ];
    for (args, expected) in cases {
        let o = Command::new(wasmdash_bin())
            .args(["plugins", "new"])
            .args(&args)
            .arg("--dir")
            .arg(dir.path())
            .env_remove("WASMDASH_SDK")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(expected),
            "{args:?}: {err}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "only `taken` is there");
}
