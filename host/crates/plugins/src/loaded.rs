//! One plugin compiled, linked and described: recognising which world a
//! component implements (and saying clearly when it implements none, or an
//! other WIT version), pre-instantiating it, and caching its `describe()`.

use std::sync::Arc;

use wasmtime::component::{Component, InstancePre, types::ComponentItem};

use super::bindings::{self, alert, exporter, widget};
use super::error::{MAX_PLUGIN_TEXT_BYTES, PluginError, Result, excerpt};
use super::info::{KindInfo, PluginInfo, PluginKind, PluginMeta, PluginSource};
use super::runtime::{Budget, PluginRuntime};
use super::sandbox::HostState;
use super::schema::ConfigSchema;

/// Where each plugin interface's exports sit in a pre-instantiated component.
pub(crate) enum Exports {
    Widget(widget::GuestIndices),
    Exporter(exporter::GuestIndices),
    AlertRule(alert::GuestIndices),
}

/// A plugin ready to be called: its description and its instance template.
pub(crate) struct LoadedPlugin {
    pub(crate) info: PluginInfo,
    pub(crate) runtime: Arc<PluginRuntime>,
    pub(crate) pre: InstancePre<HostState>,
    pub(crate) exports: Exports,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl LoadedPlugin {
    /// Compile, link and describe `wasm`. `name` names it in errors until
    /// its id is known (a file path or the built-in's name).
    pub(crate) async fn load(
        runtime: &Arc<PluginRuntime>,
        wasm: &[u8],
        name: &str,
        source: PluginSource,
    ) -> Result<Arc<Self>> {
        let component = runtime.compile(wasm, name)?;
        let kind = detect_kind(&component, runtime, name)?;
        let pre = runtime
            .linker()
            .instantiate_pre(&component)
            .map_err(|e| PluginError::Link {
                plugin: name.to_owned(),
                detail: format!("{e:#}"),
            })?;
        let wrong_types = |e: wasmtime::Error| PluginError::WrongWorld {
            plugin: name.to_owned(),
            detail: format!(
                "exports {} with other types than this host expects: {e:#}",
                bindings::export_name(kind)
            ),
        };
        let exports = match kind {
            PluginKind::Widget => {
                Exports::Widget(widget::GuestIndices::new(&pre).map_err(wrong_types)?)
            }
            PluginKind::Exporter => {
                Exports::Exporter(exporter::GuestIndices::new(&pre).map_err(wrong_types)?)
            }
            PluginKind::AlertRule => {
                Exports::AlertRule(alert::GuestIndices::new(&pre).map_err(wrong_types)?)
            }
        };
        let mut info = describe(runtime, &pre, &exports, name, source).await?;
        validate_info(&info, name)?;
        bound_info(&mut info);
        Ok(Arc::new(Self {
            info,
            runtime: runtime.clone(),
            pre,
            exports,
        }))
    }
}

/// Which plugin world `component` implements, judged by its exports.
fn detect_kind(component: &Component, runtime: &PluginRuntime, name: &str) -> Result<PluginKind> {
    let kinds = [
        PluginKind::Widget,
        PluginKind::Exporter,
        PluginKind::AlertRule,
    ];
    // wasmtime's lookup is semver-compatible: a component built against an
    // older (or newer) 0.1.x WIT exports `widget-plugin@0.1.0` and is found
    // under the host's `widget-plugin@0.1.3`, as the bindings will find it.
    let found: Vec<PluginKind> = kinds
        .into_iter()
        .filter(|k| {
            component
                .get_export_index(None, bindings::export_name(*k).as_str())
                .is_some()
        })
        .collect();
    match found.as_slice() {
        [kind] => return Ok(*kind),
        [] => {}
        _ => {
            return Err(PluginError::WrongWorld {
                plugin: name.to_owned(),
                detail: "exports more than one plugin interface; a plugin implements exactly one \
                         of the worlds widget, exporter, alert-rule"
                    .into(),
            });
        }
    }
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(runtime.engine())
        .filter(|(_, item)| matches!(item.ty, ComponentItem::ComponentInstance(_)))
        .map(|(n, _)| n.to_owned())
        .collect();
    // Same interface, other version: say which version it was built for.
    let prefix = format!("{}/", bindings::WIT_PACKAGE);
    if let Some(other) = exports.iter().find(|e| e.starts_with(&prefix)) {
        return Err(PluginError::VersionMismatch {
            plugin: name.to_owned(),
            found: other.clone(),
            supported: bindings::WIT_COMPATIBLE.to_owned(),
        });
    }
    let listed = if exports.is_empty() {
        "no interfaces".to_owned()
    } else {
        exports.join(", ")
    };
    Err(PluginError::WrongWorld {
        plugin: name.to_owned(),
        detail: format!(
            "it exports {listed}; expected one of {}, {}, {} (worlds widget, exporter, alert-rule)",
            bindings::export_name(PluginKind::Widget),
            bindings::export_name(PluginKind::Exporter),
            bindings::export_name(PluginKind::AlertRule),
        ),
    })
}

async fn describe(
    runtime: &Arc<PluginRuntime>,
    pre: &InstancePre<HostState>,
    exports: &Exports,
    name: &str,
    source: PluginSource,
) -> Result<PluginInfo> {
    let mut sandbox = runtime.sandbox(name).await?;
    runtime
        .call(name, &mut sandbox.store, Budget::Call, async |store| {
            let instance = pre.instantiate_async(&mut *store).await?;
            // Each world's describe() yields the shared facts and its own.
            let (d, kind) = match exports {
                Exports::Widget(ix) => {
                    let i = ix
                        .load(&mut *store, &instance)?
                        .call_describe(&mut *store)
                        .await?;
                    let shape = bindings::data_shape(i.data_shape);
                    let d = (i.id, i.name, i.version, i.description, i.config_schema);
                    (d, KindInfo::Widget { shape })
                }
                Exports::Exporter(ix) => {
                    let i = ix
                        .load(&mut *store, &instance)?
                        .call_describe(&mut *store)
                        .await?;
                    let kind = KindInfo::Exporter {
                        media_type: i.media_type,
                        file_extension: i.file_extension,
                    };
                    (
                        (i.id, i.name, i.version, i.description, i.config_schema),
                        kind,
                    )
                }
                Exports::AlertRule(ix) => {
                    let i = ix
                        .load(&mut *store, &instance)?
                        .call_describe(&mut *store)
                        .await?;
                    (
                        (i.id, i.name, i.version, i.description, i.config_schema),
                        KindInfo::AlertRule,
                    )
                }
            };
            let (id, name, version, description, config_schema) = d;
            let info = PluginInfo {
                meta: PluginMeta {
                    id,
                    name,
                    version,
                    description,
                    config_schema: ConfigSchema::compile(config_schema),
                    source,
                },
                kind,
            };
            Ok(info)
        })
        .await
}

/// Most bytes kept of a plugin's name and version.
const MAX_NAME_BYTES: usize = 200;
/// Most bytes of a plugin's JSON Schema (it is parsed on every load).
const MAX_SCHEMA_BYTES: usize = 256 * 1024;

/// Cut the free-text fields of a description to excerpts: they are shown
/// on pages and in the CLI, and a plugin may return anything.
fn bound_info(info: &mut PluginInfo) {
    for (field, max) in [
        (&mut info.meta.name, MAX_NAME_BYTES),
        (&mut info.meta.version, MAX_NAME_BYTES),
        (&mut info.meta.description, MAX_PLUGIN_TEXT_BYTES),
    ] {
        if field.len() > max {
            *field = excerpt(field, max);
        }
    }
}

/// Ids become URL segments and config keys: keep them boring.
fn validate_info(info: &PluginInfo, name: &str) -> Result<()> {
    let id_ok = !info.meta.id.is_empty()
        && info.meta.id.len() <= 64
        && info
            .meta
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let problem = if !id_ok {
        format!(
            "id {:?} must be 1-64 characters of a-z, 0-9 and -",
            excerpt(&info.meta.id, 100)
        )
    } else if info.meta.config_schema.as_str().len() > MAX_SCHEMA_BYTES {
        format!(
            "config-schema is {} bytes, more than {MAX_SCHEMA_BYTES}",
            info.meta.config_schema.as_str().len()
        )
    } else if info.media_type().is_some_and(|m| {
        m.is_empty() || m.len() > 200 || !m.bytes().all(|b| (b' '..=b'~').contains(&b))
    }) {
        "media-type must be 1-200 printable ASCII characters".to_owned()
    } else if info.file_extension().is_some_and(|e| {
        e.is_empty() || e.len() > 16 || !e.bytes().all(|b| b.is_ascii_alphanumeric())
    }) {
        "file-extension must be 1-16 letters or digits".to_owned()
    } else if info.meta.name.trim().is_empty() {
        "name is empty".to_owned()
    } else if !info.meta.config_schema.is_json() {
        "config-schema is not valid JSON".to_owned()
    } else {
        return Ok(());
    };
    Err(PluginError::InvalidDescription {
        plugin: name.to_owned(),
        detail: problem,
    })
}
