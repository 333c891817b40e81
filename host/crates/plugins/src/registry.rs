//! All installed plugins: the built-ins embedded in the binary plus drop-in
//! `.wasm` files from the plugins folder, which is watched so files can be
//! added, replaced or removed without a restart.
//!
//! A file that fails to load is refused with a logged reason and listed in
//! [`PluginRegistry::problems`]; everything else keeps working. When two
//! plugins share an id the built-in wins, then the file whose path sorts
//! first; the loser is reported as a problem.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::PluginSettings;
use super::error::{PluginError, Result};
use super::handles::{AlertRulePlugin, ExporterPlugin, WidgetPlugin};
use super::info::{PluginInfo, PluginKind, PluginSource};
use super::loaded::LoadedPlugin;
use super::runtime::PluginRuntime;
use super::{block_on, builtin};

/// A plugin that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginProblem {
    /// The file, or `builtin:<package>` for a built-in.
    pub path: PathBuf,
    /// One readable line.
    pub reason: String,
}

enum FileState {
    Loaded(Arc<LoadedPlugin>),
    Refused(String),
}

struct DropIn {
    sha256: [u8; 32],
    state: FileState,
}

#[derive(Default)]
struct Inner {
    builtins: Vec<Arc<LoadedPlugin>>,
    builtin_problems: Vec<PluginProblem>,
    files: BTreeMap<PathBuf, DropIn>,
}

/// Installed plugins, looked up by kind and id.
pub struct PluginRegistry {
    runtime: Arc<PluginRuntime>,
    dir: Option<PathBuf>,
    inner: RwLock<Inner>,
    watcher: Mutex<Option<notify::RecommendedWatcher>>,
}

impl std::fmt::Debug for PluginRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRegistry")
            .field("dir", &self.dir)
            .field("plugins", &self.list().len())
            .finish_non_exhaustive()
    }
}

impl PluginRegistry {
    /// Load the built-ins and the drop-in folder (`settings.dir`, created if
    /// missing), and start watching that folder. Blocks while plugins are
    /// compiled or loaded from the compiled cache; callable from async code.
    pub fn load(runtime: Arc<PluginRuntime>, settings: &PluginSettings) -> Result<Arc<Self>> {
        let registry = Self::load_unwatched(runtime, settings)?;
        if let Some(dir) = &registry.dir {
            let watcher = super::watch::start(&registry, dir)?;
            *registry
                .watcher
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(watcher);
        }
        Ok(registry)
    }

    /// Like [`Self::load`] without watching the folder (the CLI needs no
    /// watcher); call [`Self::rescan`] to pick up changes.
    pub fn load_unwatched(
        runtime: Arc<PluginRuntime>,
        settings: &PluginSettings,
    ) -> Result<Arc<Self>> {
        if let Some(dir) = &settings.dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                PluginError::Runtime(format!("cannot create plugins dir {}: {e}", dir.display()))
            })?;
        }
        let mut inner = Inner::default();
        for (package, wasm) in builtin::BUILTIN_PLUGINS {
            let name = format!("builtin:{package}");
            let loaded = block_on(LoadedPlugin::load(
                &runtime,
                wasm,
                &name,
                PluginSource::Builtin,
            ));
            match loaded {
                Ok(p)
                    if inner
                        .builtins
                        .iter()
                        .any(|b| b.info.meta.id == p.info.meta.id) =>
                {
                    inner.builtin_problems.push(PluginProblem {
                        path: name.into(),
                        reason: format!("duplicate built-in id {:?}", p.info.meta.id),
                    })
                }
                Ok(p) => inner.builtins.push(p),
                Err(e) => {
                    tracing::error!(error = %e, "built-in plugin refused");
                    inner.builtin_problems.push(PluginProblem {
                        path: name.into(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        let registry = Arc::new(Self {
            runtime,
            dir: settings.dir.clone(),
            inner: RwLock::new(inner),
            watcher: Mutex::new(None),
        });
        registry.rescan();
        Ok(registry)
    }

    /// The runtime plugins run on.
    pub fn runtime(&self) -> &Arc<PluginRuntime> {
        &self.runtime
    }

    /// Re-read the drop-in folder: load new and changed `.wasm` files, forget
    /// removed ones. Unchanged files (same sha256) are not reloaded.
    pub fn rescan(&self) {
        let Some(dir) = &self.dir else { return };
        let mut seen: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for path in entries.flatten().map(|e| e.path()) {
                if path.extension().is_some_and(|e| e == "wasm")
                    && path.is_file()
                    && let Ok(bytes) = std::fs::read(&path)
                {
                    seen.insert(path, bytes);
                }
            }
        }
        let known: BTreeMap<PathBuf, [u8; 32]> = {
            let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
            inner
                .files
                .iter()
                .map(|(p, d)| (p.clone(), d.sha256))
                .collect()
        };
        let mut updates = Vec::new();
        for (path, bytes) in &seen {
            let sha256: [u8; 32] = Sha256::digest(bytes).into();
            if known.get(path) == Some(&sha256) {
                continue;
            }
            let source = PluginSource::File(path.clone());
            let name = path.display().to_string();
            let state = match block_on(LoadedPlugin::load(&self.runtime, bytes, &name, source)) {
                Ok(p) => {
                    tracing::info!(id = %p.info.meta.id, path = %name, "plugin loaded");
                    FileState::Loaded(p)
                }
                Err(e) => {
                    tracing::warn!(path = %name, error = %e, "plugin refused");
                    FileState::Refused(e.to_string())
                }
            };
            updates.push((path.clone(), DropIn { sha256, state }));
        }
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        inner.files.retain(|p, _| seen.contains_key(p));
        inner.files.extend(updates);
    }

    /// Every usable plugin (built-ins first, then files), one entry per id.
    pub fn list(&self) -> Vec<PluginInfo> {
        self.active().into_iter().map(|p| p.info.clone()).collect()
    }

    /// Refused plugins and shadowed duplicates, with reasons.
    pub fn problems(&self) -> Vec<PluginProblem> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let mut problems = inner.builtin_problems.clone();
        let mut owners: BTreeMap<&str, String> = inner
            .builtins
            .iter()
            .map(|b| (b.info.meta.id.as_str(), "a built-in plugin".to_owned()))
            .collect();
        for (path, d) in &inner.files {
            match &d.state {
                FileState::Refused(reason) => problems.push(PluginProblem {
                    path: path.clone(),
                    reason: reason.clone(),
                }),
                FileState::Loaded(p) => match owners.get(p.info.meta.id.as_str()) {
                    Some(owner) => problems.push(PluginProblem {
                        path: path.clone(),
                        reason: format!(
                            "duplicate plugin id {:?}: already provided by {owner}; this file is ignored",
                            p.info.meta.id
                        ),
                    }),
                    None => {
                        owners.insert(&p.info.meta.id, path.display().to_string());
                    }
                },
            }
        }
        problems
    }

    fn active(&self) -> Vec<Arc<LoadedPlugin>> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<Arc<LoadedPlugin>> = inner.builtins.clone();
        for d in inner.files.values() {
            if let FileState::Loaded(p) = &d.state
                && !out.iter().any(|o| o.info.meta.id == p.info.meta.id)
            {
                out.push(p.clone());
            }
        }
        out
    }

    /// The active plugin `id` of `kind`, as its typed handle.
    fn find<H>(
        &self,
        kind: PluginKind,
        id: &str,
        handle: impl Fn(Arc<LoadedPlugin>) -> Option<H>,
    ) -> Result<H> {
        self.active()
            .into_iter()
            .filter(|p| p.info.meta.id == id)
            .find_map(handle)
            .ok_or_else(|| PluginError::NotFound {
                kind: kind.label(),
                id: id.to_owned(),
            })
    }

    /// The widget plugin `id`.
    pub fn widget(&self, id: &str) -> Result<WidgetPlugin> {
        self.find(PluginKind::Widget, id, WidgetPlugin::of)
    }

    /// The exporter plugin `id`.
    pub fn exporter(&self, id: &str) -> Result<ExporterPlugin> {
        self.find(PluginKind::Exporter, id, ExporterPlugin::of)
    }

    /// The alert-rule plugin `id`.
    pub fn alert_rule(&self, id: &str) -> Result<AlertRulePlugin> {
        self.find(PluginKind::AlertRule, id, AlertRulePlugin::of)
    }

    /// Load `path` under the sandbox limits and return its description,
    /// without installing it.
    pub fn check_file(runtime: &Arc<PluginRuntime>, path: &Path) -> Result<PluginInfo> {
        Self::open_file(runtime, path).map(|p| p.info().clone())
    }

    /// Load `path` under the sandbox limits as a callable plugin of its
    /// kind, without installing it (tooling: `wasmdash plugins preview`).
    pub fn open_file(runtime: &Arc<PluginRuntime>, path: &Path) -> Result<FilePlugin> {
        let wasm = std::fs::read(path).map_err(|source| PluginError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        let source = PluginSource::File(path.to_path_buf());
        let loaded = block_on(LoadedPlugin::load(runtime, &wasm, &name, source))?;
        let kind = loaded.info.kind.kind();
        let handle = match kind {
            PluginKind::Widget => WidgetPlugin::of(loaded).map(FilePlugin::Widget),
            PluginKind::Exporter => ExporterPlugin::of(loaded).map(FilePlugin::Exporter),
            PluginKind::AlertRule => AlertRulePlugin::of(loaded).map(FilePlugin::AlertRule),
        };
        handle.ok_or_else(|| PluginError::Runtime(format!("{name}: {kind} without its exports")))
    }
}

/// One plugin file loaded on its own ([`PluginRegistry::open_file`]), as
/// the handle of its kind.
#[derive(Debug, Clone)]
pub enum FilePlugin {
    /// A widget.
    Widget(WidgetPlugin),
    /// An exporter.
    Exporter(ExporterPlugin),
    /// An alert rule.
    AlertRule(AlertRulePlugin),
}

impl FilePlugin {
    /// What the plugin says about itself.
    pub fn info(&self) -> &PluginInfo {
        match self {
            Self::Widget(p) => p.info(),
            Self::Exporter(p) => p.info(),
            Self::AlertRule(p) => p.info(),
        }
    }
}
