//! One documented stub per `/api/v1` operation: the handlers answer with
//! ad-hoc JSON, so the operations are described here, next to each other,
//! and a test checks that every route the routers serve is listed.

#![expect(
    dead_code,
    reason = "the stubs only carry their #[utoipa::path] documentation"
)]

use super::refusals::*;
use super::schemas::*;

/// The metrics the caller may read.
#[utoipa::path(
    get,
    path = "/api/v1/metrics",
    tag = "metrics",
    operation_id = "list_metrics",
    responses(
        (status = 200, description = "OK.", body = MetricList),
        BadParameter, NoSession, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn list_metrics() {}

/// A metric's value over a range, with the previous range's.
#[utoipa::path(
    get,
    path = "/api/v1/metrics/{name}/value",
    tag = "metrics",
    operation_id = "metric_value",
    params(("name" = String, Path, description = "The metric."), RangeParams, ("sparkline" = Option<bool>, Query, description = "Also return the series behind the value.")),
    responses(
        (status = 200, description = "OK.", body = MetricValue),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn metric_value() {}

/// A metric as a time series.
#[utoipa::path(
    get,
    path = "/api/v1/metrics/{name}/series",
    tag = "metrics",
    operation_id = "metric_series",
    params(("name" = String, Path, description = "The metric."), RangeParams, ("bucket" = Option<String>, Query, pattern = "^(auto|minute|hour|day|week|month)$", description = "`auto` (default), `minute`, `hour`, `day`, `week` or `month`."), ("compare" = Option<String>, Query, pattern = "^(previous|none)$", description = "`previous` adds the previous range, `none` (default) does not.")),
    responses(
        (status = 200, description = "OK.", body = MetricSeries),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn metric_series() {}

/// Several metrics' series over one range, read in one scan per dataset.
#[utoipa::path(
    get,
    path = "/api/v1/series",
    tag = "metrics",
    operation_id = "series_many",
    params(("metrics" = String, Query, description = "1 to 20 metric names, comma-separated."), RangeParams, ("bucket" = Option<String>, Query, pattern = "^(auto|minute|hour|day|week|month)$", description = "`auto` (default), `minute`, `hour`, `day`, `week` or `month`."), ("compare" = Option<String>, Query, pattern = "^(previous|none)$", description = "`previous` or `none` (default).")),
    responses(
        (status = 200, description = "OK.", body = SeriesSet),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn series_many() {}

/// A metric grouped by one of its dimensions.
#[utoipa::path(
    get,
    path = "/api/v1/metrics/{name}/categories",
    tag = "metrics",
    operation_id = "metric_categories",
    params(("name" = String, Path, description = "The metric."), RangeParams, ("by" = String, Query, description = "The dimension to group by."), ("top" = Option<u32>, Query, description = "Categories kept, the rest summed as Other (default 5).")),
    responses(
        (status = 200, description = "OK.", body = MetricCategories),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn metric_categories() {}

/// The datasets the caller may read.
#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    tag = "datasets",
    operation_id = "list_datasets",
    responses(
        (status = 200, description = "OK.", body = DatasetList),
        BadParameter, NoSession, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn list_datasets() {}

/// A page of a dataset's rows.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{name}/rows",
    tag = "datasets",
    operation_id = "dataset_rows",
    params(("name" = String, Path, description = "The dataset."), RangeParams, ("columns" = Option<String>, Query, description = "Columns, comma-separated (default: all)."), ("filter" = Option<Vec<String>>, Query, description = "`column:op:value` (eq, ne, gt, ge, lt, le, in a,b, is_null, is_not_null); repeatable."), ("order" = Option<String>, Query, description = "Column to sort by."), ("desc" = Option<bool>, Query, description = "Sort descending."), ("limit" = Option<u32>, Query, description = "Rows per page (at most 500)."), ("offset" = Option<u64>, Query, description = "Rows to skip.")),
    responses(
        (status = 200, description = "OK.", body = RowsPage),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn dataset_rows() {}

/// The dashboards the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards",
    tag = "dashboards",
    operation_id = "list_dashboards",
    responses(
        (status = 200, description = "OK.", body = Vec<Dashboard>),
        BadParameter, NoSession,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn list_dashboards() {}

/// Create a dashboard owned by the caller.
#[utoipa::path(
    post,
    path = "/api/v1/dashboards",
    tag = "dashboards",
    operation_id = "create_dashboard",
    request_body(content = NewDashboardBody, content_type = "application/json"),
    responses(
        (status = 201, description = "OK.", body = Dashboard),
        BadParameter, NoSession, Forbidden, TooLarge, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn create_dashboard() {}

/// A dashboard.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}",
    tag = "dashboards",
    operation_id = "get_dashboard",
    params(("id" = String, Path, description = "The dashboard.")),
    responses(
        (status = 200, description = "OK.", body = Dashboard),
        BadParameter, NoSession, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn get_dashboard() {}

/// Replace a dashboard's title, layout and widgets (send the `version` edited).
#[utoipa::path(
    put,
    path = "/api/v1/dashboards/{id}",
    tag = "dashboards",
    operation_id = "update_dashboard",
    params(("id" = String, Path, description = "The dashboard.")),
    request_body(content = DashboardBody, content_type = "application/json"),
    responses(
        (status = 200, description = "OK.", body = Dashboard),
        BadParameter, NoSession, Forbidden, NotFound, StaleVersion, TooLarge, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn update_dashboard() {}

/// Delete a dashboard and its history.
#[utoipa::path(
    delete,
    path = "/api/v1/dashboards/{id}",
    tag = "dashboards",
    operation_id = "delete_dashboard",
    params(("id" = String, Path, description = "The dashboard.")),
    responses(
        (status = 204, description = "Done."),
        BadParameter, NoSession, Forbidden, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn delete_dashboard() {}

/// The dashboard as a schema-versioned document (a download).
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}/json",
    tag = "dashboards",
    operation_id = "export_dashboard_json",
    params(("id" = String, Path, description = "The dashboard.")),
    responses(
        (status = 200, description = "OK.", body = serde_json::Value),
        BadParameter, NoSession, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn export_dashboard_json() {}

/// Create a dashboard from a document of `.../json`.
#[utoipa::path(
    post,
    path = "/api/v1/dashboards/import",
    tag = "dashboards",
    operation_id = "import_dashboard",
    request_body(content = serde_json::Value, content_type = "application/json"),
    responses(
        (status = 201, description = "OK.", body = Dashboard),
        BadParameter, NoSession, Forbidden, TooLarge, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn import_dashboard() {}

/// The kept versions of a dashboard, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}/versions",
    tag = "dashboards",
    operation_id = "dashboard_versions",
    params(("id" = String, Path, description = "The dashboard.")),
    responses(
        (status = 200, description = "OK.", body = Vec<DashboardVersion>),
        BadParameter, NoSession, Forbidden, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn dashboard_versions() {}

/// Make an old version current again, as a new version.
#[utoipa::path(
    post,
    path = "/api/v1/dashboards/{id}/versions/{version}/restore",
    tag = "dashboards",
    operation_id = "restore_dashboard_version",
    params(("id" = String, Path, description = "The dashboard."), ("version" = u64, Path, description = "The version to restore.")),
    responses(
        (status = 200, description = "OK.", body = Dashboard),
        BadParameter, NoSession, Forbidden, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn restore_dashboard_version() {}

/// Who besides the owner and admins may see or edit the dashboard.
#[utoipa::path(
    put,
    path = "/api/v1/dashboards/{id}/sharing",
    tag = "dashboards",
    operation_id = "set_dashboard_sharing",
    params(("id" = String, Path, description = "The dashboard.")),
    request_body(content = Sharing, content_type = "application/json"),
    responses(
        (status = 200, description = "OK.", body = Dashboard),
        BadParameter, NoSession, Forbidden, NotFound, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn set_dashboard_sharing() {}

/// A widget rendered to sanitized HTML (an error card when its plugin
/// fails), inside a JSON object.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}/widgets/{widget}/html",
    tag = "dashboards",
    operation_id = "widget_html",
    params(("id" = String, Path, description = "The dashboard."), ("widget" = String, Path, description = "The widget."), RangeParams, WidgetViewParams),
    responses(
        (status = 200, description = "The widget and its sanitized HTML.", body = WidgetHtml),
        BadParameter, NoSession, Forbidden, NotFound, Busy,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn widget_html() {}

/// The JSON Schema a widget plugin's config must fit: its own keys plus the
/// binding keys (metric, dimension, dataset, columns, ...) with the allowed
/// values; any other key is refused.
#[utoipa::path(
    get,
    path = "/api/v1/plugins/{id}/schema",
    tag = "dashboards",
    operation_id = "widget_plugin_schema",
    params(("id" = String, Path, description = "The widget plugin.")),
    responses(
        (status = 200, description = "OK.", body = serde_json::Value),
        NoSession, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn widget_plugin_schema() {}

/// Stream a dataset's rows or a metric's series through an exporter.
#[utoipa::path(
    get,
    path = "/api/v1/export",
    tag = "exports",
    operation_id = "export_dataset",
    params(("format" = String, Query, description = "The exporter plugin: `csv`, `json`, `pdf`, ..."), ("dataset" = Option<String>, Query, description = "Export this dataset's rows (or give `metric`)."), ("metric" = Option<String>, Query, description = "Export this metric's series."), RangeParams, ("columns" = Option<String>, Query, description = "Columns, comma-separated."), ("filter" = Option<Vec<String>>, Query, description = "`column:op:value`; repeatable."), ("order" = Option<String>, Query, description = "Column to sort by."), ("desc" = Option<bool>, Query, description = "Sort descending."), ("options" = Option<String>, Query, description = "The exporter's options as a JSON object.")),
    responses(
        (status = 200, description = "The file, with the exporter's content type (`text/csv`, `application/json`, `application/pdf`, ...) and a Content-Disposition naming it.", body = String, content_type = "*/*"),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn export_dataset() {}

/// A report of every widget of a dashboard, through an exporter.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}/export",
    tag = "exports",
    operation_id = "export_dashboard",
    params(("id" = String, Path, description = "The dashboard."), ("format" = String, Query, description = "The exporter plugin."), RangeParams, ("options" = Option<String>, Query, description = "The exporter's options as a JSON object."), ("full" = Option<bool>, Query, description = "Table widgets bring up to 1,000 rows instead of their page.")),
    responses(
        (status = 200, description = "The file, with the exporter's content type (`text/csv`, `application/json`, `application/pdf`, ...) and a Content-Disposition naming it.", body = String, content_type = "*/*"),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn export_dashboard() {}

/// One widget's data, through an exporter.
#[utoipa::path(
    get,
    path = "/api/v1/dashboards/{id}/widgets/{widget}/export",
    tag = "exports",
    operation_id = "export_widget",
    params(("id" = String, Path, description = "The dashboard."), ("widget" = String, Path, description = "The widget."), ("format" = String, Query, description = "The exporter plugin."), RangeParams, ("options" = Option<String>, Query, description = "The exporter's options as a JSON object.")),
    responses(
        (status = 200, description = "The file, with the exporter's content type (`text/csv`, `application/json`, `application/pdf`, ...) and a Content-Disposition naming it.", body = String, content_type = "*/*"),
        BadParameter, NoSession, Forbidden, NotFound, Busy, QueryTimeout,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn export_widget() {}

/// The caller's alerts (all of them for admins).
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "alerts",
    operation_id = "list_alerts",
    responses(
        (status = 200, description = "OK.", body = Vec<Alert>),
        BadParameter, NoSession,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn list_alerts() {}

/// Create an alert.
#[utoipa::path(
    post,
    path = "/api/v1/alerts",
    tag = "alerts",
    operation_id = "create_alert",
    request_body(content = AlertDraft, content_type = "application/json"),
    responses(
        (status = 201, description = "OK.", body = Alert),
        BadParameter, NoSession, Forbidden, TooLarge, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn create_alert() {}

/// An alert with its status.
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{id}",
    tag = "alerts",
    operation_id = "get_alert",
    params(("id" = String, Path, description = "The alert.")),
    responses(
        (status = 200, description = "OK.", body = Alert),
        BadParameter, NoSession, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn get_alert() {}

/// Replace an alert's draft (with the `version` edited).
#[utoipa::path(
    put,
    path = "/api/v1/alerts/{id}",
    tag = "alerts",
    operation_id = "update_alert",
    params(("id" = String, Path, description = "The alert.")),
    request_body(content = AlertDraft, content_type = "application/json"),
    responses(
        (status = 200, description = "OK.", body = Alert),
        BadParameter, NoSession, Forbidden, NotFound, StaleVersion, TooLarge, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn update_alert() {}

/// Delete an alert.
#[utoipa::path(
    delete,
    path = "/api/v1/alerts/{id}",
    tag = "alerts",
    operation_id = "delete_alert",
    params(("id" = String, Path, description = "The alert.")),
    responses(
        (status = 204, description = "Done."),
        BadParameter, NoSession, Forbidden, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn delete_alert() {}

/// Evaluate an alert now without saving anything.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/{id}/test",
    tag = "alerts",
    operation_id = "test_alert",
    params(("id" = String, Path, description = "The alert.")),
    request_body(content = AlertTestBody, content_type = "application/json"),
    responses(
        (status = 200, description = "OK.", body = serde_json::Value),
        BadParameter, NoSession, Forbidden, NotFound, Invalid,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn test_alert() {}

/// An alert's evaluations, state changes and deliveries, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{id}/history",
    tag = "alerts",
    operation_id = "alert_history",
    params(("id" = String, Path, description = "The alert."), ("limit" = Option<u32>, Query, description = "Entries to return (default 100).")),
    responses(
        (status = 200, description = "OK.", body = Vec<serde_json::Value>),
        BadParameter, NoSession, NotFound,
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) fn alert_history() {}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    operation_id = "openapi_document",
    responses((status = 200, description = "The OpenAPI 3.1 document of `/api/v1`.", body = serde_json::Value)),
)]
pub(super) fn openapi_document() {}

/// The operations, for the document's `paths(...)`.
#[derive(utoipa::OpenApi)]
#[openapi(
    components(schemas(ErrorBody)),
    paths(
        list_metrics,
        metric_value,
        metric_series,
        series_many,
        metric_categories,
        list_datasets,
        dataset_rows,
        list_dashboards,
        create_dashboard,
        get_dashboard,
        update_dashboard,
        delete_dashboard,
        export_dashboard_json,
        import_dashboard,
        dashboard_versions,
        restore_dashboard_version,
        set_dashboard_sharing,
        widget_html,
        widget_plugin_schema,
        export_dataset,
        export_dashboard,
        export_widget,
        list_alerts,
        create_alert,
        get_alert,
        update_alert,
        delete_alert,
        test_alert,
        alert_history,
        openapi_document
    )
)]
pub(super) struct Paths;

/// Every documented (method, path).
#[cfg(test)]
pub(super) const OPERATIONS: usize = 30;
