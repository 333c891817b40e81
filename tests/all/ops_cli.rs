//! Running wasmdash for a team from the command line, with the real
//! binary: the first administrator from `WASMDASH_ADMIN_PASSWORD` (or a
//! setup link), users and API tokens added while the server runs (over
//! its admin socket) with the same output as without a server, revoked
//! and expired tokens refused, and `wasmdash config check` naming every
//! mistake with its line.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::data_support as data;
use crate::web_support::{As, json_body, login, send};

/// A `wasmdash serve` process whose stdout lines are kept; killed when
/// dropped.
pub(crate) struct Served {
    child: std::process::Child,
    /// E.g. `http://127.0.0.1:41234`.
    pub(crate) base: String,
    lines: Receiver<String>,
}

impl Served {
    /// The next stdout line, waiting up to 30 s.
    pub(crate) fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a line from wasmdash serve")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder with the test orders database and its `wasmdash.toml`.
pub(crate) fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    data::sqlite_db(dir.path(), &data::orders(500));
    let config = dir.path().join("wasmdash.toml");
    std::fs::write(
        &config,
        data::config_text("sqlite://orders.db", "orders", ""),
    )
    .unwrap();
    (dir, config)
}

/// The overrides every process of a test shares.
fn test_env(cmd: &mut Command) -> &mut Command {
    cmd.env("WASMDASH_SERVER__DATA_DIR", "state")
        .env(
            "WASMDASH_PLUGINS__CACHE_DIR",
            wasmdash_tests::plugin_cache_dir(),
        )
        .env_remove("WASMDASH_ADMIN_PASSWORD")
        .env("RUST_LOG", "warn")
}

/// Start `wasmdash serve --config CONFIG` on a free port with `env`.
pub(crate) fn serve(config: &Path, env: &[(&str, &str)]) -> Served {
    let mut cmd = Command::new(wasmdash_tests::wasmdash_bin());
    test_env(&mut cmd)
        .arg("serve")
        .arg("--config")
        .arg(config)
        .env("WASMDASH_SERVER__LISTEN", "127.0.0.1:0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().expect("start wasmdash serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut served = Served {
        child,
        base: String::new(),
        lines,
    };
    let first = served.next_line();
    served.base = first
        .strip_prefix("wasmdash is listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    served
}

/// Run `wasmdash ARGS` with `stdin`; exit code, stdout, stderr.
pub(crate) fn wasmdash(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut cmd = Command::new(wasmdash_tests::wasmdash_bin());
    let mut child = test_env(&mut cmd)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wasmdash");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `wasmdash ARGS --config wasmdash.toml` in `dir`, which must succeed;
/// its stdout.
pub(crate) fn ok(dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut all = args.to_vec();
    all.extend(["--config", "wasmdash.toml"]);
    let (code, stdout, stderr) = wasmdash(dir, &all, stdin);
    assert_eq!(code, 0, "wasmdash {args:?}: {stderr}");
    stdout
}

/// The id and secret printed by `wasmdash token create`.
pub(crate) fn created_token(stdout: &str) -> (String, String) {
    let id = stdout
        .strip_prefix("created token ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_owned();
    let secret = stdout.lines().last().unwrap().to_owned();
    assert!(secret.starts_with("wdt_"), "{stdout}");
    (id, secret)
}

#[test]
fn first_admin_from_the_environment_then_users_and_tokens_while_serving() {
    let (dir, config) = site();
    let d = dir.path();
    let server = serve(
        &config,
        &[("WASMDASH_ADMIN_PASSWORD", "first admin password")],
    );
    assert!(
        server
            .next_line()
            .contains("created the administrator `admin`"),
    );
    let base = server.base.clone();
    assert!(login(&base, "admin", "first admin password").is_some());
    assert!(d.join("state/admin.sock").exists());
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("state/admin.sock"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    // While the server runs, over its admin socket.
    let out = ok(
        d,
        &["user", "add", "bob", "--role", "editor"],
        "bob's password 1\n",
    );
    assert_eq!(out, "created user bob (editor)\n");
    assert!(login(&base, "bob", "bob's password 1").is_some());
    let (code, _, stderr) = wasmdash(
        d,
        &[
            "user",
            "add",
            "BOB",
            "--role",
            "viewer",
            "--config",
            "wasmdash.toml",
        ],
        "whatever password\n",
    );
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");

    let out = ok(d, &["token", "create", "--user", "bob", "--name", "ci"], "");
    let (id, secret) = created_token(&out);
    assert!(out.contains("read-write, never expires"), "{out}");
    let metrics = format!("{base}/api/v1/metrics");
    assert_eq!(
        send("GET", &metrics, &As::Token(secret.clone()), None).status,
        200
    );
    let out = ok(
        d,
        &[
            "token",
            "create",
            "--user",
            "bob",
            "--name",
            "report",
            "--expires",
            "90d",
            "--read-only",
        ],
        "",
    );
    let (_, read_only) = created_token(&out);
    assert!(out.contains("read-only, expires "), "{out}");
    assert_eq!(
        send("GET", &metrics, &As::Token(read_only), None).status,
        200
    );
    for (args, expected) in [
        (vec!["--expires", "0d"], "invalid token lifetime"),
        (vec!["--expires", "soon"], "invalid token lifetime"),
        (vec!["--user", "nobody"], "no user named \"nobody\""),
    ] {
        let mut all = vec![
            "token",
            "create",
            "--name",
            "x",
            "--config",
            "wasmdash.toml",
        ];
        if !args.contains(&"--user") {
            all.extend(["--user", "bob"]);
        }
        all.extend(args);
        let (code, _, stderr) = wasmdash(d, &all, "");
        assert_eq!(code, 1, "{all:?}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }

    let users_served = ok(d, &["user", "list"], "");
    assert!(
        users_served.contains("admin") && users_served.contains("bob"),
        "{users_served}"
    );
    let tokens_served = ok(d, &["token", "list"], "");
    assert!(
        tokens_served.contains("ci") && tokens_served.contains("read-only"),
        "{tokens_served}"
    );
    assert_eq!(tokens_served.lines().count(), 3, "{tokens_served}");

    let out = ok(d, &["token", "revoke", &id], "");
    assert!(
        out.starts_with(&format!("revoked token {id} (ci) of bob")),
        "{out}"
    );
    assert_eq!(send("GET", &metrics, &As::Token(secret), None).status, 401);
    let (code, _, stderr) = wasmdash(
        d,
        &["token", "revoke", &id, "--config", "wasmdash.toml"],
        "",
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("no token with id"), "{stderr}");
    let tokens_served = ok(d, &["token", "list", "--user", "bob"], "");

    let out = ok(d, &["user", "disable", "bob"], "");
    assert!(out.starts_with("disabled bob"), "{out}");
    assert!(login(&base, "bob", "bob's password 1").is_none());
    ok(d, &["user", "disable", "bob", "--enable"], "");
    let users_served = ok(d, &["user", "list"], "");

    // A dashboard report exported while the server holds the store: the
    // definition comes over the socket, the rows from the source.
    let (_, admin_token) = created_token(&ok(
        d,
        &["token", "create", "--user", "admin", "--name", "export"],
        "",
    ));
    let body = serde_json::json!({
        "title": "Exported while serving",
        "layout": {"kind": "grid"},
        "widgets": [{"id": "w1", "plugin": "metric-card", "title": "Orders exported while serving",
                     "config": {"metric": "total_orders"},
                     "x": 0, "y": 0, "w": 6, "h": 3, "tab": 0}]
    });
    let created = send(
        "POST",
        &format!("{base}/api/v1/dashboards"),
        &As::Token(admin_token),
        json_body(&body),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let dashboard = created.json()["id"].as_str().unwrap().to_owned();
    // The test orders span the 70 days before `data::NOW`.
    let (from, to) = ("2025-01-01", "2025-04-02");
    let export = |file: &str| {
        ok(
            d,
            &[
                "export",
                "--dashboard",
                &dashboard,
                "--format",
                "json",
                "--from",
                from,
                "--to",
                to,
                "-o",
                file,
            ],
            "",
        );
        std::fs::read_to_string(d.join(file)).unwrap()
    };
    let served_report = export("served.json");
    let report: serde_json::Value = serde_json::from_str(&served_report).unwrap();
    assert_eq!(report[0]["title"], "Orders exported while serving");
    assert_eq!(
        report[0]["rows"][0]["value"].as_f64(),
        Some(500.0),
        "every test order is in the range: {served_report}"
    );
    let (code, _, stderr) = wasmdash(
        d,
        &[
            "export",
            "--dashboard",
            "nope",
            "--format",
            "json",
            "--config",
            "wasmdash.toml",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no dashboard with id nope"), "{stderr}");

    // Without a server: the same commands open the store, same output.
    drop(server);
    assert_eq!(ok(d, &["user", "list"], ""), users_served);
    assert_eq!(
        ok(d, &["token", "list", "--user", "bob"], ""),
        tokens_served
    );
    assert_eq!(export("stopped.json"), served_report);
}

#[test]
fn a_fresh_server_without_a_password_prints_a_setup_link_once() {
    let (_dir, config) = site();
    let server = serve(&config, &[]);
    let line = server.next_line();
    let link = line
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/setup/", server.base)))
        .unwrap_or_else(|| panic!("no setup link in {line:?}"));
    assert!(
        link.len() > server.base.len() + "/setup/".len() + 20,
        "{link}"
    );
    drop(server);
    // A second start on the same empty state prints a new link.
    let server = serve(&config, &[]);
    let again = server.next_line();
    assert!(
        again.contains("/setup/") && !again.contains(link),
        "{again}"
    );
}

#[test]
fn config_check_prints_every_mistake_with_its_line() {
    let (dir, config) = site();
    let good = ok(dir.path(), &["config", "check"], "");
    assert!(good.ends_with(": ok\n"), "{good}");

    let text = std::fs::read_to_string(&config).unwrap();
    let broken = text
        // A dataset that names no source.
        .replace("source = \"main\"\ntable", "source = \"mian\"\ntable")
        // A value out of range.
        .replace(
            "name = \"customers\"\n",
            "name = \"customers\"\ndecimals = 40\n",
        );
    assert_ne!(broken, text);
    // A column the table does not have: found by asking the database.
    let broken = broken
        + "\n[[dataset]]\nname = \"second\"\nsource = \"main\"\ntable = \"orders\"\ntime_column = \"created_at\"\n\n[[metric]]\nname = \"second_revenue\"\ndataset = \"second\"\naggregate = \"sum\"\ncolumn = \"amount_eur\"\n";
    std::fs::write(&config, &broken).unwrap();
    let (code, stdout, stderr) = wasmdash(
        dir.path(),
        &["config", "check", "--config", "wasmdash.toml"],
        "",
    );
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let line_of = |needle: &str| {
        broken
            .lines()
            .position(|l| l == needle)
            .map(|i| i + 1)
            .unwrap()
    };
    let expect = [
        (line_of("name = \"orders\""), "dataset \"orders\".source"),
        (
            line_of("name = \"customers\""),
            "metric \"customers\".decimals",
        ),
        (
            line_of("name = \"second_revenue\""),
            "metric \"second_revenue\"",
        ),
    ];
    for (line, (number, key)) in lines.iter().zip(expect) {
        assert!(
            line.starts_with(&format!("wasmdash.toml:{number}: {key}")),
            "{line:?} should name line {number} and {key}"
        );
    }
    assert!(lines[2].contains("amount_eur"), "{stdout}");
}
