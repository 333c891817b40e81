//! The pages: one file per page or feature, route and handler close
//! together; maud views are plain functions returning `Markup`. Handlers
//! call the services (dashboards, widgets, exports, alerts) and the HTTP
//! edge ([`crate::http`]) for state, extractors and errors; nothing
//! outside this module imports it.

use axum::Router;

use crate::http::AppState;

mod alerts;
mod alerts_form;
mod alerts_form_view;
mod alerts_history;
mod alerts_input;
mod assets;
mod conflict;
mod dashboard_io;
mod dashboard_settings;
mod dashboard_view;
mod dashboards;
mod editor;
mod error;
mod export;
mod layout;
mod layout_save;
mod login;
mod metrics_page;
mod plugins_page;
mod schema_form;
mod setup;
mod tab_move;
mod tabs_edit;
mod tokens;
mod users;
mod versions;
mod widget_form;
mod widget_preview;
mod widgets;

/// The routes of every page; a failed page request answers a styled
/// error page (see [`error`]).
pub(super) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(assets::router())
        .merge(login::router())
        .merge(widgets::router())
        .merge(dashboards::router())
        .merge(dashboard_view::router())
        .merge(editor::router())
        .merge(layout_save::router())
        .merge(widget_preview::router())
        .merge(plugins_page::router())
        .merge(dashboard_settings::router())
        .merge(versions::router())
        .merge(dashboard_io::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(setup::router())
        .merge(metrics_page::router())
        .merge(tabs_edit::router())
        .merge(export::router())
        .merge(alerts::router())
        .fallback(error::no_such_page)
        .layer(axum::middleware::from_fn_with_state(
            state,
            error::error_pages,
        ))
}
