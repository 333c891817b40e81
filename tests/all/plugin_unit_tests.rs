//! The built-in plugins and the example plugins live in workspaces of their
//! own (they target wasm32-wasip2), so `cargo test --workspace` does not
//! reach the unit tests beside their code. These tests run them, on the
//! host target, in a target dir of their own next to ours, so one command
//! still runs every test.

use std::path::Path;
use std::process::Command;

/// Run `cargo test` for the guest workspace in `folder`; its stdout and
/// the number of tests that passed.
fn unit_tests_of(folder: &str) -> (String, usize) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/all-<hash> → target/plugin-tests (shared by both
    // workspaces: the SDK and its dependencies build once)
    let target = exe
        .ancestors()
        .nth(3)
        .expect("test executable lives in target/<profile>/deps")
        .join("plugin-tests");
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["test", "--quiet", "--manifest-path"])
        .arg(repo.join(folder).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo test for a guest workspace");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{folder} unit tests failed:\n{stdout}\n{stderr}"
    );
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    (stdout, passed)
}

#[test]
fn the_built_in_plugins_pass_their_own_unit_tests() {
    let (stdout, passed) = unit_tests_of("plugins");
    // Every built-in has tests; a run that found none means the command
    // stopped testing them.
    assert!(
        passed >= 20,
        "only {passed} plugin unit tests ran:\n{stdout}"
    );
}

#[test]
fn the_example_plugins_pass_their_own_unit_tests() {
    let (stdout, passed) = unit_tests_of("examples");
    assert!(
        passed >= 2,
        "only {passed} example unit tests ran:\n{stdout}"
    );
}
