//! [`AppState`]: what every handler can reach — the services, and the
//! engines they are built on for the read-only listings pages show.

use std::sync::Arc;

use crate::alerts::AlertService;
use crate::auth::Auth;
use crate::config::Config;
use crate::dashboards::DashboardService;
use crate::data::{DataEngine, DatasetInfo, MetricInfo};
use crate::export::ExportService;
use crate::plugins::PluginRegistry;
use crate::store::User;
use crate::widget::{WidgetSchemas, WidgetService};

/// What every handler can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Installed plugins.
    pub plugins: Arc<PluginRegistry>,
    /// Sources, datasets, metrics.
    pub data: Arc<DataEngine>,
    /// Accounts, sessions, tokens (and through it the state store).
    pub auth: Arc<Auth>,
    /// The validated configuration (timezone, locale, ...).
    pub config: Arc<Config>,
    /// Mark the session cookie `Secure` (serving behind HTTPS).
    pub secure_cookies: bool,
    /// Alert definitions, evaluation and notifications.
    pub alerts: Arc<AlertService>,
    /// Dashboards: visibility, changes, document, history.
    pub dashboards: Arc<DashboardService>,
    /// Widget binding, data and rendering.
    pub widgets: Arc<WidgetService>,
    /// Each widget plugin's one schema, binding keys included.
    pub schemas: Arc<WidgetSchemas>,
    /// Exports for signed-in users.
    pub exports: Arc<ExportService>,
}

impl AppState {
    /// The state over these engines; the dashboard, widget and export
    /// services are built from them.
    pub fn new(
        plugins: Arc<PluginRegistry>,
        data: Arc<DataEngine>,
        auth: Arc<Auth>,
        config: Arc<Config>,
        alerts: Arc<AlertService>,
    ) -> Self {
        let schemas = Arc::new(WidgetSchemas::new(
            data.clone(),
            plugins.clone(),
            auth.data_access().clone(),
        ));
        let widgets = WidgetService::new(
            data.clone(),
            plugins.clone(),
            schemas.clone(),
            auth.data_access().clone(),
            config.server.locale.clone(),
        );
        let exports = ExportService::new(
            data.clone(),
            plugins.clone(),
            auth.data_access().clone(),
            widgets.clone(),
        );
        Self {
            dashboards: Arc::new(DashboardService::new(auth.store().clone(), schemas.clone())),
            widgets: Arc::new(widgets),
            schemas,
            exports: Arc::new(exports),
            secure_cookies: config.server.secure_cookies,
            plugins,
            data,
            auth,
            config,
            alerts,
        }
    }

    /// The metrics `user` may read: what lists and pickers offer them (a
    /// dataset's `allow` rule hides its metrics' names too).
    pub fn metrics_for(&self, user: &User) -> Vec<MetricInfo> {
        (self.auth.data_access()).readable_metrics(user, self.data.metrics())
    }

    /// The datasets `user` may read, likewise.
    pub fn datasets_for(&self, user: &User) -> Vec<DatasetInfo> {
        (self.auth.data_access()).readable_datasets(user, self.data.datasets())
    }
}
