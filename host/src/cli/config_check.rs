//! `wasmdash config check`: everything wrong with a configuration file,
//! before a server is started with it.
//!
//! It parses the file (with the `WASMDASH_*` overrides of the environment,
//! as `serve` would), validates every table, connects to every source and
//! checks every dataset's and metric's columns against the real schema.
//! Each problem is one line `FILE:LINE: key: message`, so an editor or CI
//! log can jump to it; the exit code is 1 when there is any.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::terminal::{outln, safe};
use crate::config::{Config, ConfigError};
use crate::data::{ConfigItem, DataEngine, DataError};

/// Subcommands of `wasmdash config`.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Parse, validate, connect to each source and check each metric's
    /// columns; print every problem as `FILE:LINE: key: message`.
    Check {
        /// The configuration file.
        #[arg(long, short, default_value = "wasmdash.toml", env = "WASMDASH_CONFIG")]
        config: PathBuf,
    },
}

/// Run `wasmdash config ...`.
pub fn run(cmd: ConfigCommand) -> anyhow::Result<ExitCode> {
    let ConfigCommand::Check { config } = cmd;
    let lines = problems(&config)?;
    for line in &lines {
        outln!("{}", safe(line))?;
    }
    if lines.is_empty() {
        outln!("{}: ok", config.display())?;
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} problem{} found",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Every problem of the file at `path`, one formatted line each.
pub fn problems(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let (config, invalid) = match Config::load_all(path) {
        Ok(parsed) => parsed,
        // Nothing past a syntax error can be checked.
        Err(e) => return Ok(vec![line_of(&e)]),
    };
    let mut lines: Vec<String> = invalid.iter().map(line_of).collect();
    // Tables that already failed validation are not checked again against
    // the database: their problem is reported once.
    let failed: Vec<&str> = invalid
        .iter()
        .filter_map(|e| match e {
            ConfigError::Invalid { key, .. } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let mut checked = config.clone();
    checked
        .sources
        .retain(|s| !failed.iter().any(|k| is_of(k, "source", s.name.get_ref())));
    checked
        .datasets
        .retain(|d| !failed.iter().any(|k| is_of(k, "dataset", d.name.get_ref())));
    checked
        .metrics
        .retain(|m| !failed.iter().any(|k| is_of(k, "metric", m.name.get_ref())));
    checked
        .rollups
        .retain(|r| !failed.iter().any(|k| is_of(k, "rollup", r.name.get_ref())));
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let schema = runtime.block_on(DataEngine::check(&checked));
    for (item, error) in schema {
        let (kind, name) = match &item {
            ConfigItem::Source(n) => ("source", n),
            ConfigItem::Dataset(n) => ("dataset", n),
            ConfigItem::Metric(n) => ("metric", n),
            ConfigItem::Rollup(n) => ("rollup", n),
        };
        let message = match error {
            // The driver's own words: this is the operator's terminal.
            DataError::Database { detail } => detail,
            other => other.to_string(),
        };
        let message = message
            .strip_prefix(&format!("{kind} `{name}`: "))
            .map(str::to_owned)
            .unwrap_or(message);
        lines.push(format!(
            "{}:{}: {kind} \"{name}\": {message}",
            path.display(),
            config.line_of(kind, name)
        ));
    }
    Ok(lines)
}

/// Whether the key of a validation problem (`metric "revenue".column`)
/// is in table `kind` named `name`.
fn is_of(key: &str, kind: &str, name: &str) -> bool {
    key.starts_with(&format!("{kind} \"{name}\"."))
}

/// One `FILE:LINE: key: message` line for a configuration error.
fn line_of(error: &ConfigError) -> String {
    match error {
        ConfigError::Syntax {
            file,
            line,
            message,
            ..
        } => format!("{}:{line}: toml: {message}", file.display()),
        ConfigError::Read { file, reason } => format!("{}:0: file: {reason}", file.display()),
        ConfigError::Env { var, message } => format!("{var}:0: environment: {message}"),
        // Already `FILE:LINE: key: message`.
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_belong_to_their_table() {
        assert!(is_of("metric \"revenue\".column", "metric", "revenue"));
        assert!(!is_of("metric \"revenue2\".column", "metric", "revenue"));
        assert!(!is_of("dataset \"revenue\".column", "metric", "revenue"));
    }

    #[test]
    fn syntax_errors_are_one_line_with_the_line_number() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.toml");
        std::fs::write(&file, "[server]\nlisten = \n").unwrap();
        let lines = problems(&file).unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("w.toml:2: toml: "), "{lines:?}");
    }
}
