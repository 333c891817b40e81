//! `wasmdash plugins`: list installed plugins, check a plugin file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::terminal::{safe, safe_path};
use crate::plugins::{PluginRegistry, PluginRuntime, PluginSettings};

/// Subcommands of `wasmdash plugins`.
#[derive(Debug, clap::Subcommand)]
pub enum PluginsCommand {
    /// List installed plugins: kind, id, version, source.
    ///
    /// Shows the built-in plugins plus the drop-in `.wasm` files of
    /// `--plugins-dir`; files that were refused are reported on stderr.
    List {
        /// Print a JSON array (with name and description) instead of a table.
        #[arg(long)]
        json: bool,
        /// Folder of drop-in `.wasm` plugins to include.
        #[arg(long, value_name = "DIR", env = "WASMDASH_PLUGINS_DIR")]
        plugins_dir: Option<PathBuf>,
        /// Where compiled plugins are cached [default: ~/.cache/wasmdash/plugin-cache].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Load a plugin file under the sandbox limits and describe it.
    ///
    /// Exits with status 1 and one line on stderr when the file is not a
    /// usable plugin (not a component, wrong world or WIT version, trap...).
    Check {
        /// The `.wasm` component to check.
        file: PathBuf,
        /// Where compiled plugins are cached [default: ~/.cache/wasmdash/plugin-cache].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

/// Run `wasmdash plugins ...`.
pub fn run(cmd: PluginsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PluginsCommand::List {
            json,
            plugins_dir,
            cache_dir,
        } => list(json, plugins_dir, cache_dir),
        PluginsCommand::Check { file, cache_dir } => check(&file, cache_dir),
    }
}

/// `~/.cache/wasmdash/plugin-cache`, or a temp folder without a home.
fn default_cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("wasmdash")
        .join("plugin-cache")
}

fn list(json: bool, dir: Option<PathBuf>, cache_dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = PluginSettings {
        dir,
        ..PluginSettings::default()
    };
    let cache_dir = cache_dir.unwrap_or_else(default_cache_dir);
    let runtime =
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?;
    let registry = PluginRegistry::load_unwatched(runtime, &settings).context("loading plugins")?;
    let plugins = registry.list();
    let mut out = String::new();
    if json {
        out = serde_json::to_string_pretty(&plugins)? + "\n";
    } else {
        for p in &plugins {
            out += &format!(
                "{:<11} {:<16} {:<8} {}\n",
                p.kind.to_string(),
                safe(&p.id),
                safe(&p.version),
                safe(&p.source.to_string())
            );
        }
    }
    print_out(&out)?;
    for problem in registry.problems() {
        eprintln!(
            "refused {}: {}",
            safe_path(&problem.path),
            safe(&problem.reason)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Print to stdout; a closed pipe (`wasmdash plugins list | head`) is fine.
fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

fn check(file: &std::path::Path, cache_dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = PluginSettings::default();
    let cache_dir = cache_dir.unwrap_or_else(default_cache_dir);
    let runtime =
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?;
    let info = PluginRegistry::check_file(&runtime, file)?;
    // Everything below comes from the plugin: print it escaped, so its
    // text cannot clear the screen or forge lines of ours.
    println!(
        "ok: {} {} {} ({})",
        info.kind,
        safe(&info.id),
        safe(&info.version),
        safe(&info.name)
    );
    println!("  {}", safe(&info.description));
    if let Some(shape) = info.data_shape {
        println!(
            "  data shape: {}",
            serde_json::to_string(&shape)?.trim_matches('"')
        );
    }
    if let (Some(media), Some(ext)) = (&info.media_type, &info.file_extension) {
        println!("  output: {} (.{})", safe(media), safe(ext));
    }
    Ok(ExitCode::SUCCESS)
}
