//! First-run setup of the demo: an `admin` account and a ready-made
//! dashboard over the demo metrics, so `wasmdash demo` opens on something
//! to look at. Both steps are idempotent: an existing admin or dashboard is
//! left alone.

use chrono::Utc;
use serde_json::json;

use crate::auth::{AdminBootstrap, Auth, AuthError};
use crate::store::{Dashboard, DashboardContent, Layout, Role, Sharing, Widget};

/// Name of the demo's administrator account.
pub const DEMO_ADMIN: &str = "admin";
/// The environment variable with the first administrator's password.
pub use crate::auth::ADMIN_PASSWORD_ENV;

/// What the seed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// A password that was generated for a new admin (print it once).
    pub generated_password: Option<String>,
    /// Whether the admin account was created now.
    pub created_admin: bool,
    /// Whether the demo dashboard was created now.
    pub created_dashboard: bool,
}

/// Create the demo admin (password from `password`, else random) and the
/// demo dashboard, unless they exist.
pub fn seed_demo(auth: &Auth, password: Option<String>) -> Result<SeedReport, AuthError> {
    let store = auth.store();
    let now = Utc::now();
    let mut report = SeedReport {
        generated_password: None,
        created_admin: false,
        created_dashboard: false,
    };
    let password = password.filter(|p| !p.is_empty());
    match auth.ensure_admin(DEMO_ADMIN, password.as_deref(), now)? {
        AdminBootstrap::Existed => {}
        AdminBootstrap::Created => report.created_admin = true,
        AdminBootstrap::CreatedWithPassword(generated) => {
            report.created_admin = true;
            report.generated_password = Some(generated);
        }
    }
    let admin = store
        .user_by_name(DEMO_ADMIN)?
        .ok_or(AuthError::Store(crate::store::StoreError::UserNotFound))?;
    let owns_one = store.dashboards()?.iter().any(|d| d.owner == admin.id);
    if !owns_one {
        let mut dashboard = Dashboard::new(admin.id.clone(), demo_content(), now)
            .map_err(|e| AuthError::Store(e.into()))?;
        dashboard.sharing = Sharing::ReadOnly { role: Role::Viewer };
        store.insert_dashboard(&dashboard)?;
        store.set_default_dashboard(&admin.id, Some(&dashboard.id))?;
        report.created_dashboard = true;
    }
    Ok(report)
}

fn widget(
    id: &str,
    plugin: &str,
    title: &str,
    config: serde_json::Value,
    (x, y, w, h): (u32, u32, u32, u32),
) -> Widget {
    Widget {
        id: id.into(),
        plugin: plugin.into(),
        title: title.into(),
        config,
        x,
        y,
        w,
        h,
        tab: 0,
    }
}

/// The demo dashboard: cards, a trend, a pie, bars and a table.
pub fn demo_content() -> DashboardContent {
    DashboardContent {
        title: "Orders overview".into(),
        layout: Layout::Grid,
        widgets: vec![
            widget(
                "orders",
                "metric-card",
                "Total orders",
                json!({"metric": "total_orders", "sparkline": true}),
                (0, 0, 3, 2),
            ),
            widget(
                "active",
                "metric-card",
                "Active processes",
                json!({"metric": "active_processes", "sparkline": true}),
                (3, 0, 3, 2),
            ),
            widget(
                "errors",
                "metric-card",
                "Error rate",
                json!({"metric": "error_rate", "sparkline": true}),
                (6, 0, 3, 2),
            ),
            widget(
                "completion",
                "metric-card",
                "Average completion time",
                json!({"metric": "avg_completion_time", "sparkline": true}),
                (9, 0, 3, 2),
            ),
            widget(
                "trend",
                "trend-chart",
                "Orders over time",
                json!({"metric": "total_orders", "bucket": "day", "show_previous": true}),
                (0, 2, 8, 4),
            ),
            widget(
                "status",
                "status-pie",
                "Orders by status",
                json!({"metric": "total_orders", "dimension": "status", "top": 5}),
                (8, 2, 4, 4),
            ),
            widget(
                "regions",
                "bar-chart",
                "Revenue by region",
                json!({"metric": "revenue", "dimension": "region", "top": 8}),
                (0, 6, 6, 4),
            ),
            widget(
                "revenue",
                "trend-chart",
                "Revenue",
                json!({"metric": "revenue", "bucket": "week", "style": "area", "show_previous": false}),
                (6, 6, 6, 4),
            ),
            widget(
                "latest",
                "data-table",
                "Latest orders",
                json!({"dataset": "orders", "sort_column": "created_at", "sort_direction": "desc", "page_size": 10}),
                (0, 10, 12, 5),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::AuthConfig;
    use crate::store::{SledStore, Store};

    #[test]
    fn seeds_once_and_keeps_existing_state() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let auth = Auth::new(store.clone(), AuthConfig::default());

        let first = seed_demo(&auth, None).unwrap();
        assert!(first.created_admin && first.created_dashboard);
        let password = first.generated_password.unwrap();
        assert!(auth.authenticate(DEMO_ADMIN, &password).is_ok());

        let again = seed_demo(&auth, Some("another password".into())).unwrap();
        assert!(!again.created_admin && !again.created_dashboard);
        assert!(again.generated_password.is_none());
        assert_eq!(store.dashboards().unwrap().len(), 1);
        // The first password still works: an existing admin is never reset.
        assert!(auth.authenticate(DEMO_ADMIN, &password).is_ok());
        let admin = store.user_by_name(DEMO_ADMIN).unwrap().unwrap();
        assert!(store.default_dashboard(&admin.id).unwrap().is_some());
    }

    #[test]
    fn demo_dashboard_fits_the_grid() {
        demo_content().validate().unwrap();
    }
}
