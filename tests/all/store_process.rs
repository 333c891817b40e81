//! Tests across processes: durability under SIGKILL, the data-dir lock,
//! and the `wasmdash user` commands.
//!
//! Child processes are this test binary run again with an environment
//! variable that makes [`child_entry`] do the child's part: for the CLI it
//! calls `wasmdash::cli::run`, exactly what the `wasmdash` binary's `main`
//! does, so the test needs no separately built binary.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::Utc;
use clap::Parser;
use wasmdash::auth::{Auth, AuthConfig};
use wasmdash::store::{Dashboard, DashboardId, Role, SledStore, Store, StoreError};

use crate::store_support::content;

const MODE: &str = "WASMDASH_TEST_CHILD";
const DIR: &str = "WASMDASH_TEST_CHILD_DIR";
const ARGS: &str = "WASMDASH_TEST_CHILD_ARGS";

/// The child's side; a no-op when run as an ordinary test.
#[test]
fn child_entry() {
    match std::env::var(MODE).as_deref() {
        Ok("write-then-hang") => write_then_hang(),
        Ok("cli") => {
            let args: Vec<String> = serde_json::from_str(&std::env::var(ARGS).unwrap()).unwrap();
            let code = match wasmdash::cli::Cli::try_parse_from(&args) {
                Ok(cli) => wasmdash::cli::run(cli),
                Err(e) => {
                    eprintln!("{e}");
                    std::process::ExitCode::from(2)
                }
            };
            std::process::exit(if code == std::process::ExitCode::SUCCESS {
                0
            } else {
                1
            });
        }
        _ => {}
    }
}

/// Write a user and a dashboard edit, say so, then wait to be killed
/// without ever closing the store.
fn write_then_hang() {
    let dir = std::env::var(DIR).unwrap();
    let store = std::sync::Arc::new(SledStore::open(Path::new(&dir)).unwrap());
    let auth = Auth::new(store.clone(), AuthConfig::default());
    let n = store.users().unwrap().len();
    let user = auth
        .create_user(
            &format!("durable{n}"),
            "durable password",
            Role::Editor,
            Utc::now(),
        )
        .unwrap();
    let d = Dashboard::new(user.id.clone(), content("Before", 1), Utc::now()).unwrap();
    store.insert_dashboard(&d).unwrap();
    store
        .update_dashboard(
            &d.id,
            1,
            &content(&format!("After {n}"), 5),
            &crate::store_support::note(0),
        )
        .unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY {n} {}", d.id).unwrap();
    out.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
    unreachable!("the parent kills this process");
}

fn child(mode: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "store_process::child_entry",
        "--exact",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(MODE, mode)
    .env(DIR, dir);
    cmd
}

/// Run `wasmdash ARGS...` in a child process with `stdin` piped in.
fn wasmdash(args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["wasmdash"];
    all.extend_from_slice(args);
    let mut proc = child("cli", Path::new("."))
        .env(ARGS, serde_json::to_string(&all).unwrap())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    proc.stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    proc.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let mut proc = child("write-then-hang", dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = proc.stdout.take().unwrap();
        let ready = BufReader::new(stdout)
            .lines()
            .map(Result::unwrap)
            // The harness may have printed "test ... " on the same line.
            .find_map(|l| l.split_once("READY ").map(|(_, rest)| rest.to_owned()))
            .expect("child reports its writes");
        // Kill (SIGKILL on Unix) the moment the writes are acknowledged.
        proc.kill().unwrap();
        proc.wait().unwrap();

        let mut parts = ready.split(' ');
        let n: usize = parts.next().unwrap().parse().unwrap();
        assert_eq!(n, round);
        let id = DashboardId::from_string(parts.next().unwrap());
        let store = std::sync::Arc::new(SledStore::open(dir.path()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());
        let user = auth
            .authenticate(&format!("durable{n}"), "durable password")
            .unwrap();
        let d = store.dashboard(&id).unwrap().expect("dashboard survived");
        assert_eq!(d.owner, user.id);
        assert_eq!(d.version, 2);
        assert_eq!(d.content, content(&format!("After {n}"), 5));
        assert_eq!(store.dashboard_versions(&id).unwrap().len(), 2);
    }
}

#[test]
fn a_second_process_on_the_same_data_dir_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let out = wasmdash(
        &[
            "user",
            "add",
            "olga",
            "--role",
            "admin",
            "--data-dir",
            data_dir,
        ],
        "olga's password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let held = SledStore::open(dir.path()).unwrap();
    // Another process.
    let out = wasmdash(&["user", "list", "--data-dir", data_dir], "");
    assert!(!out.status.success());
    let expected =
        format!("error: the data directory {data_dir} is in use by another wasmdash process");
    let stderr = text(&out.stderr);
    assert!(stderr.trim().starts_with(&expected), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // A second open in this process is refused the same way.
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err:?}");
    // Nothing was harmed.
    assert_eq!(held.users().unwrap().len(), 1);
    drop(held);
    let out = wasmdash(&["user", "list", "--data-dir", data_dir], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("olga"));
}

#[test]
fn user_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let add = |name: &str, role: &str, password: &str| {
        wasmdash(
            &["user", "add", name, "--role", role, "--data-dir", data_dir],
            password,
        )
    };

    let out = add("Pat", "editor", "pat's password\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created user Pat (editor)"));

    // Each failure: one line on stderr, exit 1, nothing stored.
    for (out, expected) in [
        (
            add("pat", "viewer", "another password\n"),
            "a user named \"pat\" already exists",
        ),
        (
            add("quinn", "root", "quinn's password\n"),
            "unknown role \"root\"",
        ),
        (add("quinn", "viewer", "short\n"), "at least 8 characters"),
        (add("quinn", "viewer", "\n"), "the password is empty"),
        (add("quinn", "viewer", ""), "the password is empty"),
        (
            add("bad name", "viewer", "a fine password\n"),
            "invalid username",
        ),
    ] {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(expected),
            "{stderr:?} should contain {expected:?}"
        );
    }

    let out = wasmdash(&["user", "list", "--data-dir", data_dir], "");
    let listing = text(&out.stdout);
    assert!(
        listing.contains("Pat") && listing.contains("editor"),
        "{listing}"
    );
    assert!(!listing.contains("quinn"), "{listing}");

    let out = wasmdash(
        &["user", "passwd", "PAT", "--data-dir", data_dir],
        "pat's new password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = wasmdash(
        &["user", "passwd", "nobody", "--data-dir", data_dir],
        "whatever123\n",
    );
    assert!(text(&out.stderr).contains("no user named \"nobody\""));

    let store = std::sync::Arc::new(SledStore::open(dir.path()).unwrap());
    let auth = Auth::new(store, AuthConfig::default());
    assert!(auth.authenticate("pat", "pat's new password").is_ok());
    assert!(auth.authenticate("pat", "pat's password").is_err());
    drop(auth);

    let empty = tempfile::tempdir().unwrap();
    let out = wasmdash(
        &["user", "list", "--data-dir", empty.path().to_str().unwrap()],
        "",
    );
    assert!(text(&out.stderr).contains("holds no wasmdash state yet"));
    assert!(!empty.path().join("state").exists(), "list creates nothing");
}

#[test]
fn user_commands_take_the_data_dir_from_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wasmdash.toml");
    std::fs::write(&config, "[server]\ndata_dir = \"from-config\"\n").unwrap();
    let config = config.to_str().unwrap();
    let out = wasmdash(
        &[
            "user", "add", "rita", "--role", "viewer", "--config", config,
        ],
        "rita's password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("from-config").join("state").is_dir());
    let out = wasmdash(&["user", "list", "-c", config], "");
    assert!(text(&out.stdout).contains("rita"), "{}", text(&out.stderr));

    let out = wasmdash(
        &["user", "list", "--config", "/nonexistent/wasmdash.toml"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );
}
