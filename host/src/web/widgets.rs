//! One widget on screen: query its data, render it with its plugin,
//! sanitize the HTML and wrap it in the widget chrome.
//!
//! Each widget is its own htmx request, so a slow or failing widget never
//! blocks the others; a failure becomes an error card in that slot only.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    routing::get,
};
use chrono::{Offset, TimeZone, Utc};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::binding::{WidgetQuery, widget_query};
use super::sanitize::sanitize_bounded;
use super::session::{ApiViewer, Viewer};
use super::table_view::{self, TableRequest};
use super::{AppError, AppState, JsonError};
use crate::auth::{Action, can};
use crate::data::{DataEngine, DataError, DataRequest, RangeSpec, RowsQuery};
use crate::frame::{DataShape, WidgetData};
use crate::plugins::{PluginError, RenderContext, excerpt};
use crate::store::{Dashboard, DashboardId, User, Widget};

/// Routes: the HTML fragment of one widget, for pages and the JSON API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboards/{id}/widgets/{widget}", get(fragment))
        .route(
            "/api/v1/dashboards/{id}/widgets/{widget}/html",
            get(api_fragment),
        )
}

/// Query parameters of a widget request.
#[derive(Debug, Deserialize)]
pub struct WidgetParams {
    /// Time range, e.g. `30d` or `custom`.
    #[serde(default)]
    range: Option<String>,
    /// Start of a custom range.
    #[serde(default)]
    from: Option<String>,
    /// End of a custom range.
    #[serde(default)]
    to: Option<String>,
    /// Page of a table widget, 0-based.
    #[serde(default)]
    page: Option<u64>,
    /// Column a table widget is sorted by (overrides its config).
    #[serde(default)]
    sort_column: Option<String>,
    /// `asc` or `desc` (overrides its config).
    #[serde(default)]
    sort_direction: Option<String>,
    /// First row a table widget shows; a multiple of its page size.
    #[serde(default)]
    offset: Option<u64>,
}

/// Time a widget's HTML may take to clean.
const SANITIZE_BUDGET: std::time::Duration = std::time::Duration::from_millis(500);

/// The default range of a dashboard.
pub const DEFAULT_RANGE: &str = "30d";

/// Parse the dashboard-wide time range from request parameters.
pub fn range_from(
    range: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<RangeSpec, AppError> {
    let range = range.filter(|r| !r.is_empty()).unwrap_or(DEFAULT_RANGE);
    let spec = if range == "custom" {
        match (from.filter(|s| !s.is_empty()), to.filter(|s| !s.is_empty())) {
            (Some(from), Some(to)) => RangeSpec::absolute(from, to),
            _ => {
                return Err(AppError::BadRequest(
                    "a custom range needs both a start and an end".into(),
                ));
            }
        }
    } else {
        range.parse::<RangeSpec>()
    };
    spec.map_err(|e| AppError::BadRequest(e.to_string()))
}

/// A dashboard the viewer may see, or 404 (never telling it exists).
pub fn visible_dashboard(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    action: Action,
) -> Result<Dashboard, AppError> {
    let not_found = || AppError::NotFound("no such dashboard".into());
    let dashboard = state
        .auth
        .store()
        .dashboard(&DashboardId::from_string(id))?
        .ok_or_else(not_found)?;
    if !can(&viewer.user, Action::View, &dashboard) {
        return Err(not_found());
    }
    if !can(&viewer.user, action, &dashboard) {
        return Err(AppError::Forbidden(format!(
            "you may not {} this dashboard",
            match action {
                Action::View => "view",
                Action::Export => "export",
                Action::Edit => "edit",
                Action::Share => "share",
                Action::Delete => "delete",
            }
        )));
    }
    Ok(dashboard)
}

async fn fragment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget_id)): Path<(String, String)>,
    Query(params): Query<WidgetParams>,
) -> Result<Markup, AppError> {
    let (widget, body) = load(&state, &viewer, &id, &widget_id, &params).await?;
    let range = super::export::range_query(
        params.range.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    );
    let exports = super::export::widget_menu_items(&state, &id, &widget.id, &range);
    Ok(chrome_with(&id, &widget, body, exports))
}

async fn api_fragment(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path((id, widget_id)): Path<(String, String)>,
    Query(params): Query<WidgetParams>,
) -> Result<Json<serde_json::Value>, JsonError> {
    let (widget, body) = load(&state, &viewer, &id, &widget_id, &params).await?;
    Ok(Json(serde_json::json!({
        "widget": widget.id,
        "title": widget.title,
        "plugin": widget.plugin,
        "html": body.into_string(),
    })))
}

/// The widget and its rendered body (or its error card).
async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    widget_id: &str,
    params: &WidgetParams,
) -> Result<(Widget, Markup), AppError> {
    let dashboard = visible_dashboard(state, viewer, id, Action::View)?;
    let widget = dashboard
        .content
        .widgets
        .iter()
        .find(|w| w.id == widget_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound("no such widget on this dashboard".into()))?;
    if !may_read_widget_data(state, &viewer.user, &widget) {
        return Ok((widget, error_card(NOT_PERMITTED)));
    }
    let range = range_from(
        params.range.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    )?;
    prefetch_dashboard(state, &dashboard, &range);
    let table = TableRequest {
        sort_column: params.sort_column.as_deref(),
        sort_direction: params.sort_direction.as_deref(),
        offset: params.offset,
    };
    let (shown, page) = match table_shape(state, &widget, table) {
        Some(shape) => {
            table_view::apply(&state.data, shape, &widget, table, params.page.unwrap_or(0))?
        }
        None => (widget.clone(), params.page.unwrap_or(0)),
    };
    let body = match render_body(state, &viewer.user, &shown, &range, page).await {
        Ok(html) => match sanitize_bounded(html, SANITIZE_BUDGET).await {
            Ok(clean) => PreEscaped(clean),
            Err(refused) => {
                tracing::warn!(plugin = %shown.plugin, error = %refused, "widget HTML refused");
                error_card(&refused.to_string())
            }
        },
        Err(message) => error_card(&message),
    };
    Ok((widget, body))
}

/// Start loading every scalar and series of `dashboard` over `range`
/// together, so the widget requests of one page load (each its own htmx
/// request) find their data in shared scans instead of scanning the same
/// table once each. The first request claims everything; the others wait
/// for their piece or find it cached.
fn prefetch_dashboard(state: &AppState, dashboard: &Dashboard, range: &RangeSpec) {
    let requests: Vec<DataRequest> = dashboard
        .content
        .widgets
        .iter()
        .filter_map(|w| {
            let shape = state.plugins.widget(&w.plugin).ok()?.info().data_shape?;
            widget_query(shape, &w.config).ok()?.data_request()
        })
        .collect();
    if !requests.is_empty() {
        state.data.prefetch(&requests, range);
    }
}

/// The data shape of a widget asked to sort or page; `None` when nothing is
/// asked or the plugin is missing (its error card says so).
fn table_shape(state: &AppState, widget: &Widget, table: TableRequest<'_>) -> Option<DataShape> {
    if table.is_empty() {
        return None;
    }
    let plugin = state.plugins.widget(&widget.plugin).ok()?;
    Some(plugin.info().data_shape.unwrap_or(DataShape::Scalar))
}

/// Whether `user` may read the data `widget` shows (a widget whose plugin
/// or config is broken reads nothing; its error card says why).
pub fn may_read_widget_data(state: &AppState, user: &User, widget: &Widget) -> bool {
    let Ok(plugin) = state.plugins.widget(&widget.plugin) else {
        return true;
    };
    let Some(shape) = plugin.info().data_shape else {
        return true;
    };
    match widget_query(shape, &widget.config) {
        Ok(query) => may_read_query(state, user, &query),
        Err(_) => true,
    }
}

fn may_read_query(state: &AppState, user: &User, query: &WidgetQuery) -> bool {
    let access = state.auth.data_access();
    match query {
        WidgetQuery::Scalar { metric, .. }
        | WidgetQuery::Series { metric, .. }
        | WidgetQuery::Categories { metric, .. } => access.may_read_metric(user, metric),
        WidgetQuery::Rows { dataset, .. } => access.may_read_dataset(user, dataset),
    }
}

/// What a widget whose data the viewer may not read shows instead.
pub const NOT_PERMITTED: &str = "Not permitted: you may not see the data this widget shows.";

/// Render one widget for `user` to (unsanitized) plugin HTML, or a message
/// saying why not.
pub async fn render_body(
    state: &AppState,
    user: &User,
    widget: &Widget,
    range: &RangeSpec,
    page: u64,
) -> Result<String, String> {
    let plugin = state
        .plugins
        .widget(&widget.plugin)
        .map_err(|e| e.to_string())?;
    let shape = plugin
        .info()
        .data_shape
        .ok_or_else(|| format!("plugin {} does not declare a data shape", widget.plugin))?;
    let query = widget_query(shape, &widget.config).map_err(|e| e.to_string())?;
    if !may_read_query(state, user, &query) {
        return Err(NOT_PERMITTED.into());
    }
    let data = widget_data(&state.data, &query, range, page)
        .await
        .map_err(|e| describe_data_error(&e))?;
    let tz = state.data.timezone();
    let resolved = range
        .resolve(Utc::now(), tz)
        .map_err(|e| describe_data_error(&e))?;
    let end = Utc
        .timestamp_millis_opt(resolved.current.end_ms)
        .single()
        .unwrap_or_else(Utc::now);
    let offset = tz.offset_from_utc_datetime(&end.naive_utc()).fix();
    let context = RenderContext {
        width: widget.w * 100,
        height: widget.h * 90,
        time_range: resolved.current,
        timezone: tz.name().to_owned(),
        utc_offset_minutes: offset.local_minus_utc() / 60,
        locale: state.config.server.locale.clone(),
    };
    let config = widget.config.to_string();
    plugin
        .render(&config, &data, &context)
        .await
        .map_err(|e: PluginError| e.to_string())
}

fn describe_data_error(err: &DataError) -> String {
    if err.is_user_error() {
        err.to_string()
    } else {
        tracing::error!(error = %err, "widget query failed");
        "the data source failed; see the server log".into()
    }
}

/// Run the query a widget needs; aggregation happens in the database.
pub async fn widget_data(
    data: &DataEngine,
    query: &WidgetQuery,
    range: &RangeSpec,
    page: u64,
) -> Result<WidgetData, DataError> {
    Ok(match query {
        WidgetQuery::Scalar { metric, sparkline } => {
            WidgetData::Scalar(data.scalar(metric, range, *sparkline).await?)
        }
        WidgetQuery::Series {
            metric,
            bucket,
            compare_previous,
        } => WidgetData::Series(
            data.series(metric, range, bucket.parse()?, *compare_previous)
                .await?,
        ),
        WidgetQuery::Categories {
            metric,
            dimension,
            top,
        } => WidgetData::Categories(
            data.categories(
                metric,
                range,
                dimension,
                u32::try_from(*top).unwrap_or(u32::MAX),
            )
            .await?,
        ),
        WidgetQuery::Rows {
            dataset,
            columns,
            order_by,
            descending,
            page_size,
        } => {
            let size = u64::from(*page_size);
            let rows = RowsQuery {
                columns: columns.clone(),
                range: Some(*range),
                filters: Vec::new(),
                order_by: order_by.clone(),
                descending: *descending,
                limit: Some(size),
                offset: page.saturating_mul(size),
            };
            WidgetData::Rows(data.rows(dataset, &rows).await?)
        }
    })
}

/// Most bytes of an error message a widget card shows.
pub const MAX_SHOWN_ERROR_BYTES: usize = 4096;

/// A failing widget: (an excerpt of) its message, in its own slot.
pub fn error_card(message: &str) -> Markup {
    html! { div.widget-error role="alert" { (excerpt(message, MAX_SHOWN_ERROR_BYTES)) } }
}

/// The frame around a widget's body: title and menu.
pub fn chrome(dashboard_id: &str, widget: &Widget, body: Markup) -> Markup {
    chrome_with(dashboard_id, widget, body, html! {})
}

/// [`chrome`] with more menu entries (the export links) after "Configure".
pub fn chrome_with(dashboard_id: &str, widget: &Widget, body: Markup, menu: Markup) -> Markup {
    html! {
        div.widget-head {
            h2.widget-title title=(widget.title) { (widget.title) }
            details.widget-menu {
                summary aria-label={ "Menu of " (widget.title) } { "⋯" }
                div.menu-items {
                    a href={ "/dashboards/" (dashboard_id) "/widgets/" (widget.id) "/edit" } { "Configure" }
                    (menu)
                }
            }
        }
        div.widget-body { (body) }
    }
}
