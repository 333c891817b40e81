//! `wasmdash plugins`: list installed plugins, check a plugin file, start a
//! new plugin project, preview a plugin with real data. One file per
//! subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

mod inspect;
mod new;
mod preview;
mod templates;

pub use new::NewArgs;
pub use preview::PreviewArgs;
pub use templates::{Kind, Lang};

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
    /// What the plugin writes to its log is shown on stderr.
    Check {
        /// The `.wasm` component to check.
        file: PathBuf,
        /// Where compiled plugins are cached [default: ~/.cache/wasmdash/plugin-cache].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Write a new plugin project: sources, a unit test, a build script
    /// and a README.
    New(NewArgs),
    /// Render a widget with real data into a standalone HTML page, or run
    /// an exporter over a dataset, straight from its `.wasm` file.
    Preview(PreviewArgs),
}

/// Run `wasmdash plugins ...`.
pub fn run(cmd: PluginsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PluginsCommand::List {
            json,
            plugins_dir,
            cache_dir,
        } => inspect::list(json, plugins_dir, cache_dir),
        PluginsCommand::Check { file, cache_dir } => inspect::check(&file, cache_dir),
        PluginsCommand::New(args) => new::run(args),
        PluginsCommand::Preview(args) => preview::run(args),
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

/// Show what plugins write through their `log` import on stderr (the
/// server sends it to its log instead); `RUST_LOG` overrides the filter.
fn show_plugin_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("warn,{}=debug", crate::plugins::LOG_TARGET))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
