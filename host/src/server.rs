//! Start-up shared by `wasmdash serve` and `wasmdash demo`: config → data
//! engine → plugin registry → app state → listening socket; while serving,
//! the alert scheduler and delivery worker run too.
//!
//! Split in two steps, [`Server::bind`] and [`Server::run`], so tests can
//! bind `127.0.0.1:0`, learn the port, and drive the real server over HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;

use crate::admin::{AdminContext, AdminSocket};
use crate::alerts::{AlertService, AlertStore};
use crate::auth::{Auth, AuthConfig, AuthError, FirstStart};
use crate::config::Config;
use crate::data::{DataEngine, DataError};
use crate::http::AppState;
use crate::plugins::{PluginError, PluginRegistry, PluginRuntime};
use crate::store::{SledStore, Store, StoreError};

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A data source, dataset or metric is wrong.
    #[error("data: {0}")]
    Data(#[from] DataError),
    /// The plugin runtime or registry failed to load.
    #[error("plugins: {0}")]
    Plugins(#[from] PluginError),
    /// The state store (users, dashboards) cannot be opened.
    #[error("state store: {0}")]
    Store(#[from] StoreError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Log every stored widget that does not fit its plugin's schema (the
/// widget itself shows the same message; nothing is changed).
fn check_stored_dashboards(dashboards: &crate::dashboards::DashboardService) {
    match dashboards.check_stored() {
        Ok(problems) => {
            for (d, problem) in &problems {
                tracing::warn!(
                    dashboard = %d.id.as_str(),
                    title = %d.content.title,
                    "stored dashboard has an invalid widget: {problem}"
                );
            }
            if !problems.is_empty() {
                tracing::warn!(
                    widgets = problems.len(),
                    "some stored widgets do not fit their schemas; they show what is wrong until edited"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not check the stored dashboards"),
    }
}

/// A bound, not yet serving, server.
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
    addr: SocketAddr,
    data: Arc<DataEngine>,
    auth: Arc<Auth>,
    alerts: Arc<AlertService>,
    dashboards: Arc<crate::dashboards::DashboardService>,
    admin: Option<(AdminSocket, Arc<AdminContext>)>,
    metrics: Option<tokio::net::TcpListener>,
}

impl Server {
    /// Connect the data engine (checking every metric against the
    /// schema), load plugins, and bind `[server] listen`.
    pub async fn bind(config: &Config) -> Result<Self, ServeError> {
        crate::telemetry::install();
        let mut data = DataEngine::connect(config).await?;
        let (settings, cache_dir) = config.plugin_settings();
        let runtime = PluginRuntime::new(&settings, &cache_dir)?;
        let plugins: Arc<PluginRegistry> = PluginRegistry::load(runtime, &settings)?;
        let listener = tokio::net::TcpListener::bind(&config.server.listen)
            .await
            .map_err(|source| ServeError::Bind {
                addr: config.server.listen.clone(),
                source,
            })?;
        let addr = listener.local_addr()?;
        let metrics = match &config.server.metrics_listen {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await.map_err(|source| {
                ServeError::Bind {
                    addr: at.clone(),
                    source,
                }
            })?),
            None => None,
        };
        let store = SledStore::open(&config.data_dir())?;
        let alert_store = AlertStore::new(store.alert_trees()?);
        // Only now, holding the store's lock, may the rollup file change.
        data.open_rollups(&config.rollup_file())?;
        let data = Arc::new(data);
        // Only now, holding the store's lock, is a leftover socket stale.
        let admin_socket = match AdminSocket::bind(&config.data_dir()) {
            Ok(socket) => Some(socket),
            Err(e) => {
                tracing::warn!(error = %e, dir = %config.data_dir().display(),
                    "no admin socket: `wasmdash user|token|alerts` cannot reach this server");
                None
            }
        };
        let store: Arc<dyn Store> = Arc::new(store);
        let alerts = Arc::new(AlertService::new(
            alert_store.clone(),
            store.clone(),
            data.clone(),
            plugins.clone(),
            config,
        ));
        let auth = Arc::new(
            Auth::new(store, AuthConfig::default())
                .with_data_access(crate::auth::DataAccess::from_config(config)),
        );
        let state = AppState::new(
            plugins,
            data.clone(),
            auth,
            Arc::new(config.clone()),
            alerts.clone(),
        );
        let auth = state.auth.clone();
        let dashboards = state.dashboards.clone();
        let admin = admin_socket.map(|socket| {
            let ctx = AdminContext {
                auth: auth.clone(),
                alert_store,
                alerts: Some(alerts.clone()),
                timezone: config.server.timezone,
                data: Some(data.clone()),
            };
            (socket, Arc::new(ctx))
        });
        let app = crate::app(state).layer(axum::middleware::from_fn(crate::telemetry::track));
        Ok(Self {
            listener,
            app,
            addr,
            data,
            auth,
            alerts,
            dashboards,
            admin,
            metrics,
        })
    }

    /// On a state without users, create the first administrator from
    /// `admin_password`, or open a one-time setup link (see
    /// [`Auth::first_start`]).
    pub async fn first_start(
        &self,
        admin_password: Option<String>,
    ) -> Result<FirstStart, AuthError> {
        let auth = self.auth.clone();
        auth.clone()
            .with_hashing(crate::auth::Lane::General, move |auth| {
                auth.first_start(admin_password.as_deref(), chrono::Utc::now())
            })
            .await
    }

    /// Accounts and the state store, e.g. to seed the demo before serving.
    pub fn auth(&self) -> &Arc<Auth> {
        &self.auth
    }

    /// The dashboard service, e.g. to check the stored dashboards (which
    /// [`Server::run`] does, logging each widget that does not fit).
    pub fn dashboards(&self) -> &Arc<crate::dashboards::DashboardService> {
        &self.dashboards
    }

    /// The alert service (its scheduler starts with [`Server::run`]).
    pub fn alerts(&self) -> &Arc<AlertService> {
        &self.alerts
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the separate metrics listener, if configured.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Serve until `shutdown` completes, then finish in-flight requests.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        check_stored_dashboards(&self.dashboards);
        tracing::info!(addr = %self.addr, "serving");
        let sweeper = tokio::spawn(sweep_sessions(self.auth.clone()));
        let alert_tasks = self.alerts.start();
        // Rollups build and refresh in the background; until a rollup is
        // built, queries read the sources.
        let rollups = self
            .data
            .has_rollups()
            .then(|| tokio::spawn(self.data.clone().maintain_rollups()));
        let metrics = self.metrics.map(|listener| {
            let app = crate::telemetry::router(self.alerts.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            })
        });
        // Aborting the task drops the socket, which removes its file.
        let admin = self
            .admin
            .map(|(socket, ctx)| tokio::spawn(socket.serve(ctx)));
        // Connection info gives the sign-in throttle the client's address.
        let app = self.app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        sweeper.abort();
        if let Some(rollups) = rollups {
            rollups.abort();
        }
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        if let Some(admin) = admin {
            admin.abort();
            let _ = admin.await;
        }
        drop(alert_tasks);
        served?;
        Ok(())
    }
}

/// How often expired sessions are deleted from the store.
const SESSION_SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Delete expired sessions now and then, so the store does not keep every
/// session ever started (validation already refuses expired ones).
async fn sweep_sessions(auth: Arc<Auth>) {
    let mut tick = tokio::time::interval(SESSION_SWEEP_INTERVAL);
    loop {
        tick.tick().await;
        let auth = auth.clone();
        match tokio::task::spawn_blocking(move || auth.sweep_sessions(chrono::Utc::now())).await {
            Ok(Ok(0)) => {}
            Ok(Ok(removed)) => tracing::info!(removed, "expired sessions deleted"),
            Ok(Err(err)) => tracing::warn!(error = %err, "deleting expired sessions failed"),
            Err(err) => tracing::warn!(error = %err, "the session sweeper stopped"),
        }
    }
}

/// Resolves on Ctrl-C (or SIGTERM on Unix).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
