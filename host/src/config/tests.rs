use super::*;

const GOOD: &str = r#"
[server]
listen = "127.0.0.1:9000"
timezone = "Europe/Berlin"

[[source]]
name = "main"
url = "sqlite://db/orders.db"

[[dataset]]
name = "orders"
source = "main"
table = "orders"
time_column = "created_at"

[[metric]]
name = "error_rate"
dataset = "orders"
aggregate = "ratio"
ratio_filter = [{ column = "status", op = "=", value = "error" }]
format = "percent"
"#;

fn parse(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    Config::parse(text, Path::new("/etc/wasmdash/wasmdash.toml"), env)
}

#[test]
fn a_good_file_parses_with_defaults_and_relative_paths() {
    let c = parse(GOOD, &[]).unwrap();
    assert_eq!(c.server.timezone, chrono_tz::Europe::Berlin);
    assert_eq!(c.sources[0].query_timeout_ms, 10_000);
    assert_eq!(c.metrics[0].cache_ttl_secs, 60);
    assert_eq!(
        c.source_location(&c.sources[0]),
        SourceLocation::Sqlite(PathBuf::from("/etc/wasmdash/db/orders.db"))
    );
    assert_eq!(c.data_dir(), PathBuf::from("/etc/wasmdash/data"));
}

#[test]
fn mariadb_urls_read_as_mysql() {
    let base = std::path::Path::new("/");
    assert_eq!(
        SourceLocation::parse("mariadb://u@db:3306/shop", base),
        Ok(SourceLocation::Mysql("mysql://u@db:3306/shop".into()))
    );
    assert_eq!(
        SourceLocation::parse("mysql://u@db/shop", base),
        Ok(SourceLocation::Mysql("mysql://u@db/shop".into()))
    );
}

#[test]
fn unknown_keys_name_the_file_line_and_key() {
    let text = GOOD.replace(
        "aggregate = \"ratio\"",
        "aggregate = \"ratio\"\ncolour = \"red\"",
    );
    let e = parse(&text, &[]).unwrap_err().to_string();
    assert!(e.starts_with("/etc/wasmdash/wasmdash.toml:"), "{e}");
    assert!(e.contains("colour"), "{e}");
    let ConfigError::Syntax { line, .. } = parse(&text, &[]).unwrap_err() else {
        panic!()
    };
    assert!(line >= 17, "line {line}");
}

#[test]
fn bad_timezone_and_aggregate_are_explained() {
    let e = parse(&GOOD.replace("Europe/Berlin", "Mars/Olympus"), &[]).unwrap_err();
    assert!(
        e.to_string()
            .contains("unknown IANA timezone `Mars/Olympus`"),
        "{e}"
    );
    let e = parse(&GOOD.replace("\"ratio\"", "\"median\""), &[]).unwrap_err();
    assert!(e.to_string().contains("median"), "{e}");
}

#[test]
fn cross_references_are_checked_and_name_the_metric() {
    let e = parse(
        &GOOD.replace("dataset = \"orders\"", "dataset = \"sales\""),
        &[],
    )
    .unwrap_err();
    let ConfigError::Invalid {
        line, key, message, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(key, "metric \"error_rate\".dataset");
    assert_eq!(*line, 17);
    assert!(message.contains("sales"));
    let e = parse(
        &GOOD.replace("aggregate = \"ratio\"", "aggregate = \"sum\""),
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("needs a column"), "{e}");
    let e = parse(
        &GOOD.replace("table = \"orders\"", "table = \"orders; DROP\""),
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("dataset \"orders\".table"), "{e}");
    let e = parse(&GOOD.replace("op = \"=\"", "op = \"in\""), &[]).unwrap_err();
    assert!(e.to_string().contains("non-empty list"), "{e}");
    let e = parse(&GOOD.replace("sqlite://db/orders.db", "oracle://x"), &[]).unwrap_err();
    assert!(e.to_string().contains("source \"main\".url"), "{e}");
    assert!(e.to_string().contains("`mariadb://`"), "{e}");
}

#[test]
fn env_overrides_replace_keys_and_bad_ones_are_named() {
    let c = parse(
        GOOD,
        &[
            ("WASMDASH_SERVER__LISTEN", "0.0.0.0:80"),
            ("WASMDASH_SOURCE__MAIN__URL", "postgres://u:p@db/x"),
            ("WASMDASH_SOURCE__MAIN__POOL_SIZE", "9"),
            ("WASMDASH_PLUGINS__TIMEOUT_MS", "500"),
            ("WASMDASH_CONFIG", "ignored: no double underscore"),
        ],
    )
    .unwrap();
    assert_eq!(c.server.listen, "0.0.0.0:80");
    assert_eq!(c.sources[0].url, "postgres://u:p@db/x");
    assert_eq!(c.sources[0].pool_size, 9);
    assert_eq!(c.plugins.timeout_ms, 500);
    let e = parse(GOOD, &[("WASMDASH_SOURCE__OTHER__URL", "x")]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("environment variable WASMDASH_SOURCE__OTHER__URL"),
        "{e}"
    );
    let e = parse(GOOD, &[("WASMDASH_SERVER__COLOUR", "red")]).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
    let e = parse(GOOD, &[("WASMDASH_NOPE__X", "1")]).unwrap_err();
    assert!(matches!(e, ConfigError::Env { .. }), "{e}");
}

#[test]
fn every_table_with_a_problem_is_reported_with_its_line() {
    let text = GOOD
        .replace("table = \"orders\"", "table = \"orders\"\ntime_column2 = 1")
        .replace("ratio_filter = [", "decimals = 99\nratio_filter = [");
    // The unknown key is a syntax error: nothing else can be checked.
    assert!(matches!(parse(&text, &[]), Err(ConfigError::Syntax { .. })));
    let text = GOOD
        .replace("source = \"main\"", "source = \"nope\"")
        .replace("ratio_filter = [", "decimals = 99\nratio_filter = [")
        + "\n[[metric]]\nname = \"bad name\"\ndataset = \"orders\"\naggregate = \"count\"\n";
    let env = std::iter::empty();
    let (_, problems) =
        Config::parse_all(&text, Path::new("/etc/wasmdash/wasmdash.toml"), env).unwrap();
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("/etc/wasmdash/wasmdash.toml:11: dataset \"orders\".source"),
        "{lines:#?}"
    );
    assert!(
        lines[1].contains(":17: metric \"error_rate\".decimals"),
        "{lines:#?}"
    );
    assert!(lines[2].contains("metric \"bad name\".name"), "{lines:#?}");
    assert_eq!(validate::line_of_table(&text, "metric", "error_rate"), 17);
    assert_eq!(validate::line_of_table(&text, "dataset", "error_rate"), 0);
}

#[test]
fn lines_refer_to_the_file_even_with_overrides() {
    let text = GOOD.replace("ratio_filter = [", "decimals = 99\nratio_filter = [");
    let err = parse(&text, &[("WASMDASH_SERVER__DATA_DIR", "elsewhere")]).unwrap_err();
    assert!(
        err.to_string()
            .contains(":17: metric \"error_rate\".decimals"),
        "{err}"
    );
}

#[test]
fn rollups_are_checked_and_name_the_table_and_key() {
    let good = format!(
        "{GOOD}\n[[rollup]]\nname = \"orders_hourly\"\ndataset = \"orders\"\ngrain = \"1h\"\n\
         dimensions = [\"status\"]\nsum = [\"amount\"]\n"
    );
    let name_line = good
        .lines()
        .position(|l| l == "name = \"orders_hourly\"")
        .unwrap()
        + 1;
    let c = parse(&good, &[]).unwrap();
    assert_eq!(c.rollups[0].grain_secs(), Ok(3600));
    assert_eq!(c.rollups[0].lookback, "1h");
    assert_eq!(
        c.rollup_file(),
        PathBuf::from("/etc/wasmdash/data/rollups.sqlite")
    );
    for (from, to, key, says) in [
        ("grain = \"1h\"", "grain = \"7m\"", "grain", "divides a day"),
        (
            "grain = \"1h\"",
            "grain = \"hourly\"",
            "grain",
            "not a span",
        ),
        (
            "grain = \"1h\"",
            "grain = \"90s\"",
            "grain",
            "whole number of minutes",
        ),
        (
            "dataset = \"orders\"\ngrain",
            "dataset = \"sales\"\ngrain",
            "dataset",
            "sales",
        ),
        (
            "sum = [\"amount\"]",
            "sum = [\"amount\", \"amount\"]",
            "sum",
            "twice",
        ),
        (
            "dimensions = [\"status\"]",
            "dimensions = [\"x y\"]",
            "dimensions",
            "identifier",
        ),
        (
            "sum = [\"amount\"]",
            "sum = [\"amount\"]\nlookback = \"soon\"",
            "lookback",
            "span",
        ),
        (
            "sum = [\"amount\"]",
            "sum = [\"amount\"]\nrefresh = \"1s\"",
            "refresh",
            "at least",
        ),
    ] {
        let e = parse(&good.replace(from, to), &[]).unwrap_err();
        let ConfigError::Invalid {
            line,
            key: k,
            message,
            ..
        } = &e
        else {
            panic!("{to}: {e}")
        };
        assert_eq!(k, &format!("rollup \"orders_hourly\".{key}"), "{to}");
        assert_eq!(*line, name_line, "{to}: {e}");
        assert!(message.contains(says), "{to}: {message}");
    }
    let e = parse(
        &good.replace("grain = \"1h\"", "grain = \"1h\"\ncolour = 1"),
        &[],
    );
    assert!(e.unwrap_err().to_string().contains("colour"));
}

#[test]
fn column_formats_and_colours_are_checked_naming_the_key() {
    let with_columns = |columns: &str| {
        GOOD.replace(
            "time_column = \"created_at\"",
            &format!("time_column = \"created_at\"\ncolumns = [{columns}]"),
        )
    };
    let good = with_columns(
        r##""created_at", { name = "id", format = "id" }, { name = "amount", label = "Amount", format = "currency", unit = "EUR" }, { name = "status", colors = { error = "#DC2626" } }"##,
    );
    let c = parse(&good, &[]).unwrap();
    assert_eq!(c.datasets[0].columns[2].label.as_deref(), Some("Amount"));
    let invalid = |text: &str| match parse(text, &[]).unwrap_err() {
        ConfigError::Invalid {
            key, message, line, ..
        } => (key, message, line),
        e => panic!("{e}"),
    };
    let (key, message, line) =
        invalid(&with_columns(r#"{ name = "amount", format = "currency" }"#));
    assert_eq!(key, "dataset \"orders\".columns.unit");
    assert!(
        message.contains("`amount`") && message.contains("unit = \"USD\""),
        "{message}"
    );
    assert_eq!(line, 11);
    let (key, message, _) = invalid(&with_columns(
        r#"{ name = "status", colors = { error = "reddish" } }"#,
    ));
    assert_eq!(key, "dataset \"orders\".columns.colors");
    assert!(message.contains("\"reddish\" is not a colour"), "{message}");
    let (key, message, _) = invalid(&GOOD.replace(
        "format = \"percent\"",
        "format = \"percent\"\ncolors = { eu = \"blue\" }",
    ));
    assert_eq!(key, "metric \"error_rate\".colors");
    assert!(message.contains("colors.eu: \"blue\""), "{message}");
    let e = parse(
        &with_columns(r#"{ name = "id", format = "identifier" }"#),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown variant `identifier`") && e.contains("`id`"),
        "{e}"
    );
}
