//! Shared helpers for the end-to-end tests (fixtures, servers, services).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Paths of the guest fixtures built by `build.rs` from `tests/fixtures/`.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// Paths of the example plugins (`examples/`) built by `build.rs`.
pub mod examples {
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}

/// The `wasmdash` binary, next to the test executable in the target dir.
/// `cargo test` does not build another package's binary, so the first call
/// runs `cargo build --workspace --bins` (a no-op when it is fresh) to never
/// test a stale binary. `--workspace` matters: `-p wasmdash` alone resolves
/// fewer features (those the tests crate's dependencies turn on, such as
/// syn's for fantoccini's proc macros), so it would rebuild most of the
/// graph, wasmtime included, into a second copy (~10 minutes here).
pub fn wasmdash_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/all-<hash> → target/<profile>/wasmdash
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test executable lives in target/<profile>/deps");
        let bin = profile_dir.join(format!("wasmdash{}", std::env::consts::EXE_SUFFIX));
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cargo.args(["build", "--workspace", "--bins"]);
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let status = cargo
            .status()
            .expect("run cargo build for the wasmdash binary");
        assert!(status.success(), "cargo build --workspace --bins failed");
        bin
    })
    .clone()
}

/// A compiled-plugin cache shared by all tests (in the target dir), so the
/// built-ins are compiled once rather than once per test.
pub fn plugin_cache_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps")
        .join("plugin-cache-tests")
}

/// A plugin registry whose drop-in folder (a fresh temp dir, returned so it
/// lives as long as the test) holds copies of `fixtures`, not watched.
pub fn registry_with(
    fixtures: &[&str],
    settings: wasmdash::plugins::PluginSettings,
) -> (
    tempfile::TempDir,
    std::sync::Arc<wasmdash::plugins::PluginRegistry>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    for fixture in fixtures {
        let name = Path::new(fixture).file_name().expect("fixture file name");
        std::fs::copy(fixture, dir.path().join(name)).expect("copy fixture");
    }
    let settings = wasmdash::plugins::PluginSettings {
        dir: Some(dir.path().to_path_buf()),
        ..settings
    };
    let runtime = wasmdash::plugins::PluginRuntime::new(&settings, &plugin_cache_dir())
        .expect("plugin runtime");
    let registry =
        wasmdash::plugins::PluginRegistry::load_unwatched(runtime, &settings).expect("registry");
    (dir, registry)
}

/// True when CI requires external services (PostgreSQL, MariaDB): a test
/// that cannot reach one must then fail instead of skipping.
pub fn services_required() -> bool {
    std::env::var("WASMDASH_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Connect to an external service within 5 s. When that fails, the test
/// fails if CI requires the services, and otherwise prints why it skips
/// and gets `None`.
pub async fn connect_or_skip<T, E: std::fmt::Display>(
    service: &str,
    connect: impl std::future::Future<Output = Result<T, E>>,
) -> Option<T> {
    let why = match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
        Ok(Ok(c)) => return Some(c),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "connect timed out".into(),
    };
    assert!(!services_required(), "{service} is required: {why}");
    eprintln!("skipping: {service} unreachable: {why}");
    None
}

/// The PostgreSQL of the test machine.
pub const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The MariaDB of the test machine (the server, no database chosen).
pub const MARIADB_URL: &str = "mysql://root@127.0.0.1:3306";
