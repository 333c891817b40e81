//! Running an administrative command from the CLI: through the admin
//! socket of the server that runs on the data directory, or, when none
//! runs, on the store opened here. The same code answers both ways, so the
//! output is the same.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono_tz::Tz;

use crate::admin::{self, AdminContext, AdminRequest};
use crate::alerts::{AlertService, AlertStore};
use crate::auth::{Auth, AuthConfig};
use crate::config::Config;
use crate::data::DataEngine;
use crate::plugins::{PluginRegistry, PluginRuntime};
use crate::store::{STATE_SUBDIR, SledStore, Store, StoreError};

/// How to open the state when no server answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalState<'a> {
    /// A missing state may be created (only `user add`).
    create: bool,
    /// What to tell when there is no state (and it may not be created).
    missing: &'static str,
    /// The configuration: the timezone, and for `alerts check-now` the
    /// sources and plugins.
    config: Option<&'a Config>,
}

impl<'a> LocalState<'a> {
    /// For `user add`: creates the state if needed.
    pub(crate) const CREATE: Self = Self {
        create: true,
        missing: "",
        config: None,
    };
    /// For user and token commands.
    pub(crate) const EXISTING: Self = Self {
        create: false,
        missing: "add a user first with `wasmdash user add`",
        config: None,
    };

    /// For `export --dashboard`.
    pub(crate) const DASHBOARDS: Self = Self {
        create: false,
        missing: "it has no dashboards (give the data directory of a server with --config)",
        config: None,
    };

    /// For alert commands, with the config if there is one.
    pub(crate) fn alerts(config: Option<&'a Config>) -> Self {
        Self {
            create: false,
            missing: "give the data directory of a server (--data-dir or --config)",
            config,
        }
    }
}

/// Run `request` and print its output.
pub(crate) fn print(
    data_dir: &Path,
    local: LocalState<'_>,
    request: AdminRequest,
) -> anyhow::Result<ExitCode> {
    super::terminal::print_out(&run(data_dir, local, request)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Run `request`; its output.
pub(crate) fn run(
    data_dir: &Path,
    local: LocalState<'_>,
    request: AdminRequest,
) -> anyhow::Result<String> {
    if let Some(reply) = admin::call(data_dir, &request)? {
        return Ok(reply.into_result()?);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let with_alerts = matches!(request, AdminRequest::AlertsCheckNow { .. });
        let ctx = open(data_dir, local, with_alerts).await?;
        Ok(admin::execute(&request, &ctx).await?)
    })
}

/// Open the state of `data_dir` in this process.
async fn open(
    data_dir: &Path,
    local: LocalState<'_>,
    with_alerts: bool,
) -> anyhow::Result<AdminContext> {
    if with_alerts && local.config.is_none() {
        bail!(
            "check-now needs the config with the metrics and plugins: give --config FILE (no {} in or beside {})",
            crate::data::demo::DEMO_CONFIG,
            data_dir.display()
        );
    }
    if !local.create && !data_dir.join(STATE_SUBDIR).exists() {
        bail!(
            "{} holds no wasmdash state yet; {}",
            data_dir.display(),
            local.missing
        );
    }
    let store = SledStore::open(data_dir).map_err(|e| match e {
        StoreError::InUse { .. } => anyhow::anyhow!(
            "{e}; it does not answer on {} (stop it, or use the web pages or /api/v1)",
            admin::socket_path(data_dir).display()
        ),
        other => other.into(),
    })?;
    let alert_store = AlertStore::new(store.alert_trees()?);
    let store: Arc<dyn Store> = Arc::new(store);
    let auth = Arc::new(Auth::new(store.clone(), AuthConfig::default()));
    let alerts = match local.config {
        Some(config) if with_alerts => {
            Some(alert_service(config, alert_store.clone(), store).await?)
        }
        _ => None,
    };
    Ok(AdminContext {
        auth,
        alert_store,
        alerts,
        timezone: local.config.map_or(Tz::UTC, |c| c.server.timezone),
        data: None,
    })
}

/// The alert service of `config`, with its sources and plugins.
async fn alert_service(
    config: &Config,
    alert_store: AlertStore,
    users: Arc<dyn Store>,
) -> anyhow::Result<Arc<AlertService>> {
    let data = Arc::new(
        DataEngine::connect(config)
            .await
            .context("connecting the data sources")?,
    );
    let (settings, cache_dir) = config.plugin_settings();
    let plugins = PluginRegistry::load_unwatched(
        PluginRuntime::new(&settings, &cache_dir).context("starting the plugin runtime")?,
        &settings,
    )
    .context("loading plugins")?;
    Ok(Arc::new(AlertService::new(
        alert_store,
        users,
        data,
        plugins,
        config,
    )))
}
