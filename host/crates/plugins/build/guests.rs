//! Build a workspace of guest crates for `wasm32-wasip2` from a build script.
//!
//! Shared by `host/crates/plugins/build.rs` (the built-in plugins) and `tests/build.rs` (the
//! hostile fixtures) through `#[path]`. The nested cargo gets its own target
//! dir beside the outer one (never inside the source tree, never the outer
//! dir itself, whose lock the outer cargo holds) and an environment cleaned
//! of everything the outer cargo set for the host build.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

/// One built guest component.
pub(crate) struct Guest {
    /// Package name, e.g. `wasmdash-plugin-metric-card`.
    pub(crate) package: String,
    /// The `.wasm` component.
    pub(crate) wasm: PathBuf,
}

/// Target dir for the nested build named `name`, derived from `OUT_DIR`
/// (`<target>/<profile>/build/<pkg>-<hash>/out` → `<target>/wasm-guests/<name>`).
pub(crate) fn nested_target_dir(name: &str) -> PathBuf {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let profile_dir = out_dir
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .and_then(Path::parent)
        .unwrap_or(&out_dir);
    let root = profile_dir.parent().unwrap_or(profile_dir);
    root.join("wasm-guests").join(name)
}

/// Member folders of the workspace at `dir` (`members = ["*"]`): every
/// subfolder with a `Cargo.toml`, sorted.
pub(crate) fn members(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    found.sort();
    found
}

/// Tell cargo which inputs should rebuild the guests: manifests and sources
/// of every member, plus the workspace folder itself when that is safe.
pub(crate) fn rerun_if_changed(workspace: &Path, extra: &[&Path]) {
    // Watching the whole folder also notices a newly added member crate, but
    // cargo scans folders recursively, so only do it while no `target/` sits
    // inside (someone building the guests by hand would make every host
    // build rerun this script).
    if workspace.is_dir() && !workspace.join("target").exists() {
        println!("cargo:rerun-if-changed={}", workspace.display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("Cargo.lock").display()
    );
    let dirs = members(workspace)
        .into_iter()
        .chain(extra.iter().map(|p| p.to_path_buf()));
    for dir in dirs {
        for sub in ["Cargo.toml", "src", "wit"] {
            let p = dir.join(sub);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
}

fn package_name(member: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(member.join("Cargo.toml")).ok()?;
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && line.starts_with("name") {
            let value = line.split_once('=')?.1.trim().trim_matches('"');
            return Some(value.to_owned());
        }
    }
    None
}

fn ensure_target_installed() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(true); // no rustup: let cargo report what is missing
    if !installed {
        let _ = Command::new("rustup")
            .args(["target", "add", TARGET])
            .status();
    }
}

/// Build every member of the workspace at `workspace` in release mode and
/// return its components. A folder without `Cargo.toml` yields nothing.
pub(crate) fn build(workspace: &Path, target_dir: &Path) -> Result<Vec<Guest>, String> {
    let manifest = workspace.join("Cargo.toml");
    if !manifest.is_file() {
        return Ok(Vec::new());
    }
    let members = members(workspace);
    if members.is_empty() {
        return Ok(Vec::new());
    }
    ensure_target_installed();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--workspace", "--target", TARGET])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir);
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let keep = ["CARGO_HOME", "CARGO_TERM_COLOR"].contains(&key)
            || key.starts_with("CARGO_NET_")
            || key.starts_with("CARGO_HTTP_")
            || key.starts_with("CARGO_REGISTRIES_");
        let outer = (key.starts_with("CARGO_") && !keep)
            || [
                "RUSTFLAGS",
                "RUSTDOCFLAGS",
                "RUSTC",
                "RUSTDOC",
                "RUSTC_WRAPPER",
                "RUSTC_WORKSPACE_WRAPPER",
                "TARGET",
                "HOST",
                "OUT_DIR",
                "PROFILE",
                "OPT_LEVEL",
                "DEBUG",
                "NUM_JOBS",
                "CLIPPY_ARGS",
                "CLIPPY_CONF_DIR",
                "__CARGO_FIX_PLZ",
            ]
            .contains(&key);
        if outer {
            cmd.env_remove(key);
        }
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo for {}: {e}", workspace.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let release = target_dir.join(TARGET).join("release");
    let mut guests = Vec::new();
    for member in members {
        let Some(package) = package_name(&member) else {
            continue;
        };
        let wasm = release.join(format!("{}.wasm", package.replace('-', "_")));
        if wasm.is_file() {
            guests.push(Guest { package, wasm });
        } else {
            return Err(format!(
                "{package} built but {} is missing (is it a `cdylib`?)",
                wasm.display()
            ));
        }
    }
    Ok(guests)
}

/// Print the nested cargo's error output as warnings and fail the build.
pub(crate) fn fail(what: &str, stderr: &str) -> ! {
    println!("cargo:warning=building {what} for {TARGET} failed:");
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        println!("cargo:warning={line}");
    }
    panic!("building {what} for {TARGET} failed; see the warnings above");
}
