//! Checks of a parsed configuration that need more than one key, and the
//! `WASMDASH_*` override scheme.

use std::collections::HashSet;
use std::path::Path;

use super::{Aggregate, Config, ConfigError, ENV_PREFIX, SourceLocation, is_identifier};
use wasmdash_data::config::{check_colors, check_filter};

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// 1-based line and column of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Apply `WASMDASH_A__B=value` overrides. Returns the text unchanged when
/// there are none, so error positions match the file.
pub(super) fn apply_env(
    text: &str,
    file: &Path,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<String, ConfigError> {
    let overrides: Vec<(String, String)> = env
        .into_iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.contains("__"))
        .collect();
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    // Syntax errors are reported against the file, before any override.
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        ConfigError::Syntax {
            file: file.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    for (var, raw) in overrides {
        let err = |message: &str| ConfigError::Env {
            var: var.clone(),
            message: message.to_string(),
        };
        let path: Vec<String> = var[ENV_PREFIX.len()..]
            .split("__")
            .map(str::to_ascii_lowercase)
            .collect();
        let value = raw_to_value(&raw);
        match path.as_slice() {
            [section, key]
                if ["server", "plugins", "alerts", "smtp"].contains(&section.as_str()) =>
            {
                let table = doc
                    .entry(section.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                let table = table.as_table_mut().ok_or_else(|| err("not a table"))?;
                table.insert(key.clone(), value);
            }
            [section, name, key] if section == "source" => {
                let sources = doc
                    .get_mut("source")
                    .and_then(toml::Value::as_array_mut)
                    .ok_or_else(|| err("no [[source]] is configured"))?;
                let source = sources
                    .iter_mut()
                    .filter_map(toml::Value::as_table_mut)
                    .find(|t| {
                        t.get("name")
                            .and_then(toml::Value::as_str)
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                    .ok_or_else(|| err(&format!("no source named `{name}`")))?;
                source.insert(key.clone(), value);
            }
            _ => {
                return Err(err(
                    "expected WASMDASH_SERVER__KEY, WASMDASH_PLUGINS__KEY, WASMDASH_ALERTS__KEY, \
                     WASMDASH_SMTP__KEY or WASMDASH_SOURCE__NAME__KEY",
                ));
            }
        }
    }
    toml::to_string(&doc).map_err(|e| ConfigError::Env {
        var: ENV_PREFIX.into(),
        message: e.to_string(),
    })
}

/// `10` → integer, `true` → bool, anything else → the string itself.
fn raw_to_value(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_string()),
    }
}

/// The 1-based line of `name = "<name>"` in the first `[[kind]]` table
/// with that name, 0 when there is none. A plain scan of the file: the
/// parsed values' spans refer to the text after `WASMDASH_*` overrides.
pub(super) fn line_of_table(text: &str, kind: &str, name: &str) -> usize {
    let header = format!("[[{kind}]]");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if !inside {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if key.trim() == "name" && value == name {
            return i + 1;
        }
    }
    0
}

/// The line of the table a problem key such as `metric "revenue".column`
/// is in, found in the file's `text`.
pub(super) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let (kind, rest) = key.split_once(' ')?;
    let name = rest.strip_prefix('"')?.split('"').next()?;
    match line_of_table(text, kind, name) {
        0 => None,
        line => Some(line),
    }
}

/// Cross-key checks: every problem found. Schema checks against the
/// database happen when the data engine connects.
/// At most one problem per `[[source]]`, `[[dataset]]` and
/// `[[metric]]` table (the first found in it), plus one for `[alerts]` and
/// `[smtp]`, in file order.
pub(super) fn problems(config: &Config, text: &str) -> Vec<ConfigError> {
    let mut found = Vec::new();
    let invalid =
        |span: std::ops::Range<usize>, key: String, message: String| ConfigError::Invalid {
            file: config.file.clone(),
            line: line_col(text, span.start).0,
            key,
            message,
        };
    let base = config.base_dir();
    let mut names = HashSet::new();
    for s in &config.sources {
        let mut one = || -> Result<(), ConfigError> {
            let key = |k: &str| format!("source \"{}\".{k}", s.name.get_ref());
            if !is_name(s.name.get_ref()) {
                return Err(invalid(s.name.span(), key("name"), NAME_RULE.into()));
            }
            if !names.insert(s.name.get_ref().as_str()) {
                return Err(invalid(s.name.span(), key("name"), "defined twice".into()));
            }
            SourceLocation::parse(&s.url, &base)
                .map_err(|m| invalid(s.name.span(), key("url"), m))?;
            if s.pool_size == 0 || s.pool_size > 256 {
                return Err(invalid(
                    s.name.span(),
                    key("pool_size"),
                    "must be 1..=256".into(),
                ));
            }
            for (k, ms) in [
                ("query_timeout_ms", s.query_timeout_ms),
                ("stream_timeout_ms", s.stream_timeout_ms),
                ("queue_timeout_ms", s.queue_timeout_ms),
                ("stream_idle_timeout_ms", s.stream_idle_timeout_ms),
            ] {
                if ms == 0 {
                    return Err(invalid(s.name.span(), key(k), "must be > 0".into()));
                }
            }
            Ok(())
        };
        found.extend(one().err());
    }
    let mut names = HashSet::new();
    for d in &config.datasets {
        let mut one = || -> Result<(), ConfigError> {
            let key = |k: &str| format!("dataset \"{}\".{k}", d.name.get_ref());
            let bad = |k: &str, m: &str| invalid(d.name.span(), key(k), m.to_string());
            if !is_name(d.name.get_ref()) {
                return Err(bad("name", NAME_RULE));
            }
            if !names.insert(d.name.get_ref().as_str()) {
                return Err(bad("name", "defined twice"));
            }
            for grant in &d.allow {
                if let Err(e) = crate::auth::check_grant(grant) {
                    return Err(bad("allow", &e.to_string()));
                }
            }
            if config.source(&d.source).is_none() {
                return Err(bad("source", &format!("no source named `{}`", d.source)));
            }
            match (&d.table, &d.query) {
                (Some(t), None) => {
                    if !t.split('.').all(is_identifier) || t.split('.').count() > 2 {
                        return Err(bad("table", IDENT_RULE));
                    }
                }
                (None, Some(q)) => {
                    let head = q.trim_start().to_ascii_lowercase();
                    if !(head.starts_with("select") || head.starts_with("with")) {
                        return Err(bad("query", "must be a SELECT (or WITH ... SELECT)"));
                    }
                    if q.trim().trim_end_matches(';').contains(';') {
                        return Err(bad("query", "must be a single statement"));
                    }
                }
                _ => return Err(bad("table", "set exactly one of `table` and `query`")),
            }
            if !is_identifier(&d.time_column) {
                return Err(bad("time_column", IDENT_RULE));
            }
            for c in &d.columns {
                if !is_identifier(c.name()) {
                    return Err(bad("columns", &format!("`{}`: {IDENT_RULE}", c.name())));
                }
                c.check()
                    .map_err(|(k, m)| invalid(d.name.span(), key(&format!("columns.{k}")), m))?;
            }
            Ok(())
        };
        found.extend(one().err());
    }
    let mut names = HashSet::new();
    for m in &config.metrics {
        let mut one = || -> Result<(), ConfigError> {
            let key = |k: &str| format!("metric \"{}\".{k}", m.name.get_ref());
            let bad = |k: &str, msg: &str| invalid(m.name.span(), key(k), msg.to_string());
            if !is_name(m.name.get_ref()) {
                return Err(bad("name", NAME_RULE));
            }
            if !names.insert(m.name.get_ref().as_str()) {
                return Err(bad("name", "defined twice"));
            }
            if !config
                .datasets
                .iter()
                .any(|d| d.name.get_ref() == &m.dataset)
            {
                return Err(bad("dataset", &format!("no dataset named `{}`", m.dataset)));
            }
            match (&m.column, m.aggregate) {
                (None, Aggregate::Count | Aggregate::Ratio) => {}
                (None, _) => return Err(bad("column", "this aggregate needs a column")),
                (Some(c), _) if !is_identifier(c) => return Err(bad("column", IDENT_RULE)),
                _ => {}
            }
            if (m.aggregate == Aggregate::Ratio) == m.ratio_filter.is_empty() {
                return Err(bad(
                    "ratio_filter",
                    "is required for `ratio` and only allowed there",
                ));
            }
            for (k, filters) in [("filters", &m.filters), ("ratio_filter", &m.ratio_filter)] {
                for f in filters {
                    check_filter(f).map_err(|msg| bad(k, &msg))?;
                }
            }
            for dim in &m.dimensions {
                if !is_identifier(dim) {
                    return Err(bad("dimensions", &format!("`{dim}`: {IDENT_RULE}")));
                }
            }
            if m.decimals.is_some_and(|d| d > 12) {
                return Err(bad("decimals", "must be at most 12"));
            }
            check_colors(&m.colors).map_err(|msg| bad("colors", &msg))?;
            if m.cache_ttl_secs > 86_400 {
                return Err(bad("cache_ttl_secs", "must be at most 86400 (one day)"));
            }
            Ok(())
        };
        found.extend(one().err());
    }
    let mut names = HashSet::new();
    for r in &config.rollups {
        let mut one = || -> Result<(), ConfigError> {
            let key = |k: &str| format!("rollup \"{}\".{k}", r.name.get_ref());
            let bad = |k: &str, msg: &str| invalid(r.name.span(), key(k), msg.to_string());
            if !is_name(r.name.get_ref()) {
                return Err(bad("name", NAME_RULE));
            }
            if !names.insert(r.name.get_ref().as_str()) {
                return Err(bad("name", "defined twice"));
            }
            if !config
                .datasets
                .iter()
                .any(|d| d.name.get_ref() == &r.dataset)
            {
                return Err(bad("dataset", &format!("no dataset named `{}`", r.dataset)));
            }
            r.check().map_err(|(k, msg)| bad(k, &msg))
        };
        found.extend(one().err());
    }
    if let Err((key, message)) = crate::alerts::check_settings(&config.alerts, &config.smtp) {
        let section = key.split('.').next().unwrap_or_default();
        let line = text
            .find(&format!("[{section}]"))
            .map_or(0, |at| line_col(text, at).0);
        found.push(ConfigError::Invalid {
            file: config.file.clone(),
            line,
            key,
            message,
        });
    }
    found
}

const NAME_RULE: &str = "use 1-64 ASCII letters, digits, `_` or `-`";
const IDENT_RULE: &str =
    "use an identifier of ASCII letters, digits and `_` (not starting with a digit)";
