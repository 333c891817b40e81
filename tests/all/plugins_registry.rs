//! The plugin registry and `wasmdash plugins` CLI: exporters and alert rules
//! through the registry, refused files and duplicate ids, the watched
//! drop-in folder, the compiled cache, and `plugins check` / `list` run as
//! the real binary.

use std::process::Command;
use std::time::{Duration, Instant};

use wasmdash::frame::{Batch, Column, ColumnKind, ColumnSchema, ColumnValues, Series, TimeRange};
use wasmdash::plugins::{
    AlertInput, AlertState, ExportOptions, PluginError, PluginKind, PluginRegistry, PluginRuntime,
    PluginSettings, PluginSource,
};
use wasmdash_tests::{fixtures, plugin_cache_dir, registry_with, wasmdash_bin};

fn range() -> TimeRange {
    TimeRange {
        start_ms: 0,
        end_ms: 3_600_000,
        label: "Last hour".into(),
    }
}

#[tokio::test]
async fn exporter_streams_batches_through_one_session() {
    let (_dir, registry) = registry_with(&[fixtures::GOOD_EXPORTER], PluginSettings::default());
    let exporter = registry.exporter("good-exporter").unwrap();
    assert_eq!(exporter.info().file_extension(), Some("txt"));
    let options = ExportOptions {
        config: "{}".into(),
        title: "Orders".into(),
        time_range: Some(range()),
        timezone: "UTC".into(),
        utc_offset_minutes: 0,
        generated_at_ms: 0,
    };
    let schema = [ColumnSchema::new("amount", "Amount", ColumnKind::Float64)];
    let mut session = exporter.open(&options, &schema).await.unwrap();
    let mut out = Vec::new();
    for n in [3u32, 2] {
        let batch = Batch {
            row_count: n,
            columns: vec![Column::new(ColumnValues::Float64(vec![1.5; n as usize]))],
        };
        out.extend(session.write(&batch).await.unwrap());
    }
    out.extend(session.finish().await.unwrap());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Orders: amount\nbatch rows=3\nbatch rows=2\ntotal rows=5\n"
    );

    let refused = exporter
        .open(
            &ExportOptions {
                config: "refuse".into(),
                ..options
            },
            &schema,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, PluginError::InvalidConfig { .. }),
        "{refused}"
    );
}

#[tokio::test]
async fn alert_rule_evaluates_and_rejects_bad_config() {
    let (_dir, registry) = registry_with(&[fixtures::GOOD_ALERT], PluginSettings::default());
    let rule = registry.alert_rule("good-alert").unwrap();
    let input = AlertInput {
        metric: "errors".into(),
        time_range: range(),
        current: Some(7.0),
        previous: Some(1.0),
        recent: Series::default(),
    };
    let e = rule.evaluate("5", &input).await.unwrap();
    assert_eq!((e.state, e.observed), (AlertState::Firing, Some(7.0)));
    assert_eq!(e.message, "errors 7 > 5");
    let e = rule.evaluate("10", &input).await.unwrap();
    assert_eq!(e.state, AlertState::Ok);
    let none = AlertInput {
        current: None,
        ..input.clone()
    };
    assert_eq!(
        rule.evaluate("10", &none).await.unwrap().state,
        AlertState::NoData
    );
    let err = rule.evaluate("ten", &input).await.unwrap_err();
    assert!(matches!(err, PluginError::InvalidConfig { .. }), "{err}");
    // Kinds do not mix: an alert rule is not a widget.
    assert!(matches!(
        registry.widget("good-alert"),
        Err(PluginError::NotFound { .. })
    ));
}

#[test]
fn wrong_world_and_version_mismatch_are_refused_with_clear_reasons() {
    let runtime = PluginRuntime::new(&PluginSettings::default(), &plugin_cache_dir()).unwrap();
    let err = PluginRegistry::check_file(&runtime, fixtures::WRONG_WORLD.as_ref()).unwrap_err();
    assert!(matches!(err, PluginError::WrongWorld { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("fixture:other/greeter@1.0.0"), "{msg}");
    assert!(msg.contains("wasmdash:plugin/widget-plugin@0.1.3"), "{msg}");

    let err =
        PluginRegistry::check_file(&runtime, fixtures::VERSION_MISMATCH.as_ref()).unwrap_err();
    assert!(matches!(err, PluginError::VersionMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .ends_with("built for wasmdash:plugin/widget-plugin@0.2.0, this host supports @0.1.x"),
        "{err}"
    );
}

#[test]
fn refused_files_and_duplicate_ids_leave_the_rest_working() {
    let (dir, _) = registry_with(&[], PluginSettings::default());
    std::fs::write(dir.path().join("notes.wasm"), "just text").unwrap();
    std::fs::copy(fixtures::GOOD_WIDGET, dir.path().join("a.wasm")).unwrap();
    std::fs::copy(fixtures::GOOD_WIDGET, dir.path().join("b.wasm")).unwrap();
    std::fs::copy(fixtures::WRONG_WORLD, dir.path().join("c.wasm")).unwrap();
    let settings = PluginSettings {
        dir: Some(dir.path().to_path_buf()),
        ..PluginSettings::default()
    };
    let runtime = PluginRuntime::new(&settings, &plugin_cache_dir()).unwrap();
    let registry = PluginRegistry::load_unwatched(runtime, &settings).unwrap();

    let good: Vec<_> = registry
        .list()
        .into_iter()
        .filter(|p| p.meta.id == "good-widget")
        .collect();
    assert_eq!(good.len(), 1);
    assert_eq!(
        good[0].meta.source,
        PluginSource::File(dir.path().join("a.wasm"))
    );
    let problems = registry.problems();
    let reason = |file: &str| {
        problems
            .iter()
            .find(|p| p.path == dir.path().join(file))
            .map(|p| p.reason.clone())
            .unwrap_or_else(|| panic!("no problem reported for {file}: {problems:?}"))
    };
    assert!(reason("notes.wasm").contains("not WebAssembly"));
    assert!(reason("b.wasm").contains("duplicate plugin id \"good-widget\""));
    assert!(reason("c.wasm").contains("wrong world"));
    assert!(registry.widget("good-widget").is_ok());
}

#[test]
fn builtins_are_listed_and_win_over_files() {
    let (_dir, registry) = registry_with(&[], PluginSettings::default());
    let builtins: Vec<_> = registry
        .list()
        .into_iter()
        .filter(|p| p.meta.source == PluginSource::Builtin)
        .collect();
    let problems: Vec<_> = registry
        .problems()
        .into_iter()
        .filter(|p| p.path.starts_with("builtin:"))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    for p in &builtins {
        assert!(!p.meta.id.is_empty() && !p.meta.version.is_empty());
        assert_eq!(p.data_shape().is_some(), p.kind == PluginKind::Widget);
    }
}

#[test]
fn watched_folder_picks_up_added_changed_and_removed_files() {
    let dir = tempfile::tempdir().unwrap();
    let settings = PluginSettings {
        dir: Some(dir.path().to_path_buf()),
        ..PluginSettings::default()
    };
    let runtime = PluginRuntime::new(&settings, &plugin_cache_dir()).unwrap();
    let registry = PluginRegistry::load(runtime, &settings).unwrap();
    let has = |id: &str| registry.list().iter().any(|p| p.meta.id == id);
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !cond() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting: {what}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    };
    assert!(!has("good-alert"));
    let file = dir.path().join("rule.wasm");
    std::fs::copy(fixtures::GOOD_ALERT, &file).unwrap();
    wait_for("added plugin", &|| has("good-alert"));
    std::fs::copy(fixtures::GOOD_WIDGET, &file).unwrap();
    wait_for("changed plugin", &|| {
        has("good-widget") && !has("good-alert")
    });
    std::fs::remove_file(&file).unwrap();
    wait_for("removed plugin", &|| !has("good-widget"));
}

#[test]
fn compiled_plugins_are_cached_on_disk_and_a_corrupt_entry_is_recompiled() {
    let cache = tempfile::tempdir().unwrap();
    let settings = PluginSettings::default();
    let runtime = PluginRuntime::new(&settings, cache.path()).unwrap();
    let wasm = std::fs::read(fixtures::GOOD_ALERT).unwrap();
    let artifact = runtime.cached_artifact_path(&wasm);
    assert!(artifact.starts_with(cache.path()));
    assert!(!artifact.exists());
    PluginRegistry::check_file(&runtime, fixtures::GOOD_ALERT.as_ref()).unwrap();
    assert!(artifact.is_file());
    std::fs::write(&artifact, b"garbage").unwrap();
    let info = PluginRegistry::check_file(&runtime, fixtures::GOOD_ALERT.as_ref()).unwrap();
    assert_eq!(info.meta.id, "good-alert");
    assert_ne!(std::fs::read(&artifact).unwrap(), b"garbage");
}

fn wasmdash(args: &[&str]) -> (i32, String, String) {
    let cache = plugin_cache_dir();
    let out = Command::new(wasmdash_bin())
        .args(args)
        .arg("--cache-dir")
        .arg(&cache)
        .output()
        .expect("run wasmdash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_check_accepts_a_good_plugin() {
    let (code, stdout, stderr) = wasmdash(&["plugins", "check", fixtures::GOOD_WIDGET]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("ok: widget good-widget 0.1.0"),
        "{stdout}"
    );
    assert!(stdout.contains("data shape: series"), "{stdout}");
}

#[test]
fn cli_check_refuses_text_core_module_and_wrong_world_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("readme.wasm");
    std::fs::write(&text, "not a plugin").unwrap();
    let core = dir.path().join("core.wasm");
    // The smallest valid core module: magic and version 1.
    std::fs::write(&core, b"\0asm\x01\0\0\0").unwrap();
    let cases = [
        (text.display().to_string(), "not WebAssembly at all"),
        (core.display().to_string(), "a core WebAssembly module"),
        (fixtures::WRONG_WORLD.to_owned(), "wrong world"),
        (
            dir.path().join("missing.wasm").display().to_string(),
            "cannot read plugin file",
        ),
    ];
    for (file, expected) in cases {
        let (code, stdout, stderr) = wasmdash(&["plugins", "check", &file]);
        assert_eq!(code, 1, "{file}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{stderr}"
        );
    }
}

/// No byte of `text` is a control character other than the line ends
/// the CLI itself writes.
fn no_controls(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect();
    assert!(bad.is_empty(), "raw controls {bad:?} in {text:?}");
}

#[test]
fn cli_output_escapes_control_characters_from_plugins() {
    // Its name clears the screen, its version returns the carriage and
    // paints an `ok:`, its description starts a forged line.
    let (code, stdout, stderr) = wasmdash(&["plugins", "check", fixtures::TERMINAL_ESCAPE]);
    assert_eq!(code, 0, "{stderr}");
    no_controls(&stdout);
    assert_eq!(stdout.lines().count(), 3, "no forged lines: {stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok:")).count(), 1);
    assert!(stdout.contains(r"Escape\e[2J\e[H"), "{stdout}");
    assert!(
        stdout.contains(r"1.0\r\e[32mok: trusted-plugin 9.9"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r"harmless\nok: widget trusted 1.0 (Trusted)\u{7}\u{9b}31m\u{202e}"),
        "{stdout}"
    );
    // The list, and a drop-in folder whose file name holds an escape.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures::TERMINAL_ESCAPE, dir.path().join("esc.wasm")).unwrap();
    std::fs::write(dir.path().join("bad\u{1b}[2J.wasm"), "not a plugin").unwrap();
    let plugins_dir = dir.path().display().to_string();
    let (code, stdout, stderr) = wasmdash(&["plugins", "list", "--plugins-dir", &plugins_dir]);
    assert_eq!(code, 0, "{stderr}");
    no_controls(&stdout);
    no_controls(&stderr);
    assert!(stdout.contains(r"1.0\r\e[32mok:"), "{stdout}");
    assert!(stderr.contains(r"bad\e[2J.wasm"), "{stderr}");
}

#[test]
fn cli_list_json_includes_drop_in_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures::GOOD_EXPORTER, dir.path().join("exp.wasm")).unwrap();
    let plugins_dir = dir.path().display().to_string();
    let (code, stdout, stderr) =
        wasmdash(&["plugins", "list", "--json", "--plugins-dir", &plugins_dir]);
    assert_eq!(code, 0, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let exp = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "good-exporter")
        .expect("drop-in exporter listed");
    assert_eq!(exp["kind"], "exporter");
    assert_eq!(exp["source"]["type"], "file");
    assert_eq!(exp["media_type"], "text/plain; charset=utf-8");

    let (code, stdout, _) = wasmdash(&["plugins", "list", "--plugins-dir", &plugins_dir]);
    assert_eq!(code, 0);
    let line = stdout
        .lines()
        .find(|l| l.contains("good-exporter"))
        .unwrap();
    let fields: Vec<_> = line.split_whitespace().collect();
    assert_eq!(&fields[..3], ["exporter", "good-exporter", "0.1.0"]);
    assert!(fields[3].starts_with("file:"));
}

#[test]
fn every_fixture_is_used_by_a_test() {
    let tests_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("all");
    let sources: String = std::fs::read_dir(&tests_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let unused: Vec<_> = fixtures::ALL_FIXTURES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !sources.contains(&format!("fixtures::{name}")))
        .collect();
    assert!(unused.is_empty(), "fixtures without a test: {unused:?}");
}

#[test]
fn cli_output_into_a_closed_pipe_ends_quietly() {
    // `wasmdash plugins list | head -0`: the reader is gone before the
    // first line is written. Every command prints through one writer that
    // ends quietly on a broken pipe, instead of `println!`'s panic.
    for args in [
        &["plugins", "list"][..],
        &["plugins", "check", fixtures::GOOD_WIDGET][..],
    ] {
        let mut child = Command::new(wasmdash_bin())
            .args(args)
            .arg("--cache-dir")
            .arg(plugin_cache_dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run wasmdash");
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
