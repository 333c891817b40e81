//! `wasmdash plugins list` and `wasmdash plugins check`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::{default_cache_dir, show_plugin_log};
use crate::cli::terminal::{outln, print_out, safe, safe_path};
use crate::plugins::{PluginRegistry, PluginRuntime, PluginSettings};

pub(super) fn list(
    json: bool,
    dir: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
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
                p.kind.kind().to_string(),
                safe(&p.meta.id),
                safe(&p.meta.version),
                safe(&p.meta.source.to_string())
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

pub(super) fn check(
    file: &std::path::Path,
    cache_dir: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    show_plugin_log();
    let settings = PluginSettings::default();
    let cache_dir = cache_dir.unwrap_or_else(default_cache_dir);
    let runtime =
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?;
    let info = PluginRegistry::check_file(&runtime, file)?;
    // Everything below comes from the plugin: print it escaped, so its
    // text cannot clear the screen or forge lines of ours.
    outln!(
        "ok: {} {} {} ({})",
        info.kind.kind(),
        safe(&info.meta.id),
        safe(&info.meta.version),
        safe(&info.meta.name)
    )?;
    outln!("  {}", safe(&info.meta.description))?;
    if let Some(shape) = info.data_shape() {
        outln!(
            "  data shape: {}",
            serde_json::to_string(&shape)?.trim_matches('"')
        )?;
    }
    if let (Some(media), Some(ext)) = (info.media_type(), info.file_extension()) {
        outln!("  output: {} (.{})", safe(media), safe(ext))?;
    }
    Ok(ExitCode::SUCCESS)
}
