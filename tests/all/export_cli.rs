//! `wasmdash export` as scripts use it: the real binary, in-process
//! against the config's sources and the data dir's state store.

use std::path::Path;
use std::process::{Command, Output};

use wasmdash::config::Config;
use wasmdash_tests::wasmdash_bin;

use crate::export_http::python_csv;
use crate::export_support as support;

fn run(dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(wasmdash_bin())
        .arg("export")
        .args(args)
        .arg("--config")
        .arg(dir.join("wasmdash.toml"))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env_remove("WASMDASH_CONFIG")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn cli_exports_datasets_metrics_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (text, env) = support::prepare(dir.path(), 10);
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env.clone()).unwrap();
    let (_private, report, _tokens) = support::seed(&config);

    // To a file; nothing on stderr when it is not a terminal.
    let out = dir.path().join("tricky.csv");
    let o = run(
        dir.path(),
        &env,
        &[
            "--dataset",
            "tricky",
            "--format",
            "csv",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no progress without a terminal");
    let rows = python_csv(&std::fs::read(&out).unwrap(), ',');
    assert_eq!(rows.len(), support::TRICKY_ROWS + 1);
    assert_eq!(rows[0], ["id", "created_at", "note", "amount", "qty"]);

    // To stdout, with a filter and exporter options.
    let o = run(
        dir.path(),
        &env,
        &[
            "--dataset",
            "tricky",
            "--format",
            "json",
            "--filter",
            "id:le:5",
            "--options",
            r#"{"ndjson":true}"#,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[4]["id"], 5);

    // A metric's series and a dashboard report over an absolute range.
    let o = run(
        dir.path(),
        &env,
        &[
            "--metric",
            "revenue",
            "--format",
            "csv",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-10",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = python_csv(&o.stdout, ',');
    assert_eq!(rows[0], ["time", "value", "partial"]);
    assert!(rows.len() > 10, "a bucket per hour or day: {rows:?}");
    let o = run(
        dir.path(),
        &env,
        &[
            "--dashboard",
            &report,
            "--format",
            "json",
            "--from",
            "2025-01-20",
            "--to",
            "2025-04-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!o.stdout.is_empty());
}

#[test]
fn cli_bad_input_is_one_line_and_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let (text, env) = support::prepare(dir.path(), 10);
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), env.clone()).unwrap();
    support::seed(&config);
    let out = dir.path().join("never.csv");
    let out = out.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--dataset", "tricky", "--format", "xlsx", "-o", out],
            "unknown export format `xlsx`",
        ),
        (
            &["--dataset", "nope", "--format", "csv", "-o", out],
            "unknown dataset `nope`",
        ),
        (
            &[
                "--dataset",
                "tricky",
                "--format",
                "csv",
                "--range",
                "soon",
                "-o",
                out,
            ],
            "range",
        ),
        (
            &[
                "--dataset",
                "tricky",
                "--format",
                "csv",
                "--filter",
                "x",
                "-o",
                out,
            ],
            "bad filter",
        ),
        (
            &["--dashboard", "nope", "--format", "csv", "-o", out],
            "no dashboard with id nope",
        ),
        (
            &[
                "--dataset",
                "tricky",
                "--format",
                "csv",
                "--options",
                "{\"delimiter\":\"ab\"}",
                "-o",
                out,
            ],
            "delimiter",
        ),
    ];
    for (args, needle) in cases {
        let o = run(dir.path(), &env, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!Path::new(out).exists(), "{args:?}: no file left behind");
    }
    // Neither a source nor a format: clap's usage error.
    let o = run(dir.path(), &env, &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
