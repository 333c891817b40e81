//! The JSON shapes of `/api/v1`, as OpenAPI schemas.
//!
//! The handlers build their answers with `serde_json::json!`, so these
//! types exist to describe them; the end-to-end tests validate real
//! answers against them and CI's schemathesis run checks every operation,
//! so a drift between the two fails a build.

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Every refusal: a readable reason, and for an invalid alert field, which.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ErrorBody {
    /// What is wrong, for people.
    pub error: String,
    /// The field at fault (alert drafts).
    pub field: Option<String>,
}

/// `GET /api/v1/dashboards/{id}/widgets/{widget}/html`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct WidgetHtml {
    /// The widget's id.
    pub widget: String,
    /// Its title.
    pub title: String,
    /// The plugin that rendered it.
    pub plugin: String,
    /// The sanitized HTML, as the dashboard page shows it (an error card
    /// when the plugin failed).
    pub html: String,
}

/// A metric the caller may read.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MetricInfo {
    /// Unique name, used in URLs.
    pub name: String,
    /// Human label.
    pub label: String,
    /// The dataset it aggregates.
    pub dataset: String,
    /// `count`, `sum`, `avg`, `min`, `max`, `count_distinct` or `ratio`.
    pub aggregate: String,
    /// How values are shown (number, currency, percent, duration, ...).
    pub format: Value,
    /// Columns it may be grouped by (`/categories?by=`).
    pub dimensions: Vec<String>,
    /// Configured category colours per dimension (`{"status": {"error":
    /// "#dc2626"}}`); left out when none are configured.
    pub colors: Option<Value>,
}

/// `GET /api/v1/metrics`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MetricList {
    /// The metrics.
    pub metrics: Vec<MetricInfo>,
}

/// One point of a series: `[unix_ms, value]`, the value `null` where the
/// bucket had no data.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Point(pub Vec<Value>);

/// `GET /api/v1/metrics/{name}/value`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MetricValue {
    /// The metric.
    pub metric: String,
    /// Its label.
    pub label: String,
    /// The range, as given (`30d`, `this_month`, ...).
    pub range: String,
    /// The value over the range; `null` without data.
    pub value: Option<f64>,
    /// The value over the previous range of the same length.
    pub previous: Option<f64>,
    /// Change against `previous`, percent.
    pub change_percent: Option<f64>,
    /// Display format.
    pub format: Value,
    /// The series behind it, with `sparkline=true`.
    pub sparkline: Option<Vec<Point>>,
    /// Which path answered: `sql` (the source's rows) or `rollup` (a
    /// `[[rollup]]`'s buckets, with raw SQL for range edges off its grain
    /// and rows after its watermark). A cached answer names the path that
    /// loaded it.
    pub answered_by: AnsweredPath,
    /// The rollup that answered, when `answered_by` is `rollup`.
    pub rollup: Option<String>,
}

/// The path that answered a value or series.
#[derive(Debug, Serialize, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the strings the handlers write; never built"
)]
#[serde(rename_all = "snake_case")]
pub(super) enum AnsweredPath {
    /// SQL on the source's rows.
    Sql,
    /// A rollup's buckets.
    Rollup,
}

/// `GET /api/v1/metrics/{name}/series`: one series and its range.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MetricSeries {
    /// The range.
    pub range: String,
    /// The series, as `GET /api/v1/series` gives each.
    #[serde(flatten)]
    pub series: NamedSeries,
}

/// One series of `GET /api/v1/series`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NamedSeries {
    /// The metric.
    pub metric: String,
    /// Its label.
    pub label: String,
    /// The bucket used.
    pub bucket: Value,
    /// The points.
    pub points: Vec<Point>,
    /// The previous range's points, with `compare=previous`.
    pub previous: Option<Vec<Point>>,
    /// Timestamps (Unix ms) of the points whose bucket the range covers only
    /// in part: the range starts or ends inside it (at most first and last).
    pub partial: Vec<i64>,
    /// The same for the previous range's points, at the timestamps they are
    /// drawn at.
    pub previous_partial: Vec<i64>,
    /// Display format.
    pub format: Value,
    /// Which path answered: `sql` (the source's rows) or `rollup` (a
    /// `[[rollup]]`'s buckets, with raw SQL for range edges off its grain
    /// and rows after its watermark). A cached answer names the path that
    /// loaded it.
    pub answered_by: AnsweredPath,
    /// The rollup that answered, when `answered_by` is `rollup`.
    pub rollup: Option<String>,
}

/// `GET /api/v1/series`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SeriesSet {
    /// The range.
    pub range: String,
    /// One per metric asked for, in that order.
    pub series: Vec<NamedSeries>,
}

/// `GET /api/v1/metrics/{name}/categories`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MetricCategories {
    /// The metric.
    pub metric: String,
    /// Its label.
    pub label: String,
    /// The range.
    pub range: String,
    /// The column grouped by.
    pub dimension: String,
    /// Category names, largest value first (the rest summed as "Other").
    pub labels: Vec<String>,
    /// Their values.
    pub values: Vec<f64>,
    /// Display format.
    pub format: Value,
    /// Which path answered: `sql` or `rollup`.
    pub answered_by: AnsweredPath,
    /// The rollup that answered, when `answered_by` is `rollup`.
    pub rollup: Option<String>,
}

/// A column of a dataset.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Column {
    /// Column name.
    pub name: String,
    /// Human label.
    pub label: String,
    /// `int64`, `float64`, `text`, `boolean` or `timestamp`.
    pub kind: String,
    /// How values are shown, from the dataset's config: `{kind, unit,
    /// decimals}` with kind `plain`, `number`, `id`, `percent`, `currency`
    /// (unit: the ISO 4217 code), `duration` (unit `s` or `ms`), `date` or
    /// `datetime`. Values in `rows` stay raw.
    pub format: Value,
}

/// A dataset the caller may read.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DatasetInfo {
    /// Unique name, used in URLs.
    pub name: String,
    /// Human label.
    pub label: String,
    /// The column ranges filter on.
    pub time_column: String,
    /// Exposed columns.
    pub columns: Vec<Column>,
}

/// `GET /api/v1/datasets`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DatasetList {
    /// The datasets.
    pub datasets: Vec<DatasetInfo>,
}

/// `GET /api/v1/datasets/{name}/rows`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RowsPage {
    /// The dataset.
    pub dataset: String,
    /// Its label.
    pub label: String,
    /// The columns of each row, in order.
    pub columns: Vec<Column>,
    /// Rows as arrays of values (timestamps as Unix ms).
    pub rows: Vec<Vec<Value>>,
    /// Rows matching the filters, over all pages.
    pub total_rows: u64,
    /// The first row's position.
    pub offset: u64,
}

/// A widget on a dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Widget {
    /// Unique within the dashboard (`[A-Za-z0-9_-]`).
    pub id: String,
    /// The widget plugin that renders it.
    pub plugin: String,
    /// Title.
    pub title: String,
    /// Plugin configuration (checked against the plugin's JSON Schema).
    pub config: Value,
    /// Grid column.
    pub x: u32,
    /// Grid row.
    pub y: u32,
    /// Width in columns.
    pub w: u32,
    /// Height in rows.
    pub h: u32,
    /// Tab index (tabbed layouts).
    pub tab: u32,
}

/// A dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Dashboard {
    /// Id.
    pub id: String,
    /// The owner's user id.
    pub owner: String,
    /// Increases with every save; send it back with `PUT`.
    pub version: u64,
    /// `{"mode": "private"}`, or `read_only`/`editable` with a `role`.
    pub sharing: Value,
    /// Creation time (RFC 3339).
    pub created: String,
    /// Last change (RFC 3339).
    pub updated: String,
    /// Title.
    pub title: String,
    /// `{"kind": "grid"}` or `{"kind": "tabs", "tabs": [...]}`.
    pub layout: Value,
    /// Widgets.
    pub widgets: Vec<Widget>,
}

/// Body of `POST /api/v1/dashboards`: a new dashboard (version 1). Keys
/// not listed here are refused by name (400), `version` among them.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NewDashboardBody {
    /// Title.
    pub title: String,
    /// Layout; a grid when left out.
    pub layout: Option<Value>,
    /// Widgets.
    pub widgets: Option<Vec<Widget>>,
    /// Why: kept with the first version in its history; one line, at most
    /// 500 characters.
    pub message: Option<String>,
}

/// Body of `PUT /api/v1/dashboards/{id}`. Keys not listed here are
/// refused by name (400).
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DashboardBody {
    /// The version edited (a stale one is a 409).
    pub version: u64,
    /// Title.
    pub title: String,
    /// Layout; a grid when left out.
    pub layout: Option<Value>,
    /// Widgets.
    pub widgets: Option<Vec<Widget>>,
    /// Why: kept with the new version in its history; one line, at most
    /// 500 characters.
    pub message: Option<String>,
}

/// One kept version of a dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DashboardVersion {
    /// Version number.
    pub version: u64,
    /// When it was saved.
    pub updated: String,
    /// Who saved it (username); `null` when unknown (saved before authors
    /// were kept) or the user was removed.
    pub author: Option<String>,
    /// The id of the user who saved it, when known.
    pub author_id: Option<String>,
    /// The message it was saved with, if any.
    pub message: Option<String>,
    /// Its title.
    pub title: String,
    /// How many widgets it had.
    pub widgets: u64,
    /// Whether it is the current one.
    pub current: bool,
}

/// Who besides the owner and admins may see or change a dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Sharing {
    /// `private`, `read_only` or `editable`.
    pub mode: String,
    /// The lowest role allowed (`viewer`, `editor`, `admin`), unless private.
    pub role: Option<String>,
}

/// An alert: its draft's fields plus id, owner, version, times and the
/// live status.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Alert {
    /// Id.
    pub id: String,
    /// The owner's user id.
    pub owner: String,
    /// Increases with every change; send it back with `PUT`.
    pub version: u64,
    /// Name.
    pub name: String,
    /// The metric watched.
    pub metric: String,
    /// The alert-rule plugin (`threshold`, `change`, ...).
    pub rule: String,
    /// The rule's configuration.
    pub rule_config: Value,
    /// State, last value, last and next evaluation.
    pub status: Value,
}

/// An alert draft: `name`, `metric`, `rule`, `rule_config`, `range`,
/// `recipients`, `schedule`, and optionally `enabled`, `pending_count`,
/// `repeat_interval_minutes`, `notify_on_resolve`, `on_no_data`,
/// `on_error`, `dashboard`; with `PUT`, also the `version` edited.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AlertDraft {
    /// Name.
    pub name: String,
    /// The metric watched.
    pub metric: String,
    /// The alert-rule plugin.
    pub rule: String,
    /// The rule's configuration.
    pub rule_config: Value,
    /// Range evaluated, e.g. `1h`, `24h`.
    pub range: String,
    /// Email addresses.
    pub recipients: Vec<String>,
    /// `{"every": {"minutes": N}}` or a daily time.
    pub schedule: Value,
}

/// Body of `POST /api/v1/alerts/{id}/test` (may be empty).
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AlertTestBody {
    /// Also send a test email to the recipients.
    pub send_test_email: Option<bool>,
}

/// The range of a metric or dataset request: `range`, or `from` and `to`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "describes query parameters; the handlers parse their own"
)]
pub(super) struct RangeParams {
    /// `24h`, `7d`, `30d`, `today`, `this_month`, `previous_month`, ...,
    /// or `custom` with `from` and `to` (default `30d`).
    #[param(
        pattern = r"^(|custom|today|yesterday|[0-9]{1,4}[hd]|(this|previous)_(day|week|month|quarter|year))$"
    )]
    pub range: Option<String>,
    /// Start of an absolute range (RFC 3339 or `YYYY-MM-DD`).
    #[param(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    )]
    pub from: Option<String>,
    /// End of an absolute range (a date includes that day).
    #[param(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    )]
    pub to: Option<String>,
}

/// How a widget is shown: a table widget's page and sort, and the size the
/// page measured for the widget's body (charts are drawn at that size).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "describes query parameters; the handlers parse their own"
)]
pub(super) struct WidgetViewParams {
    /// Page of a table widget, 0-based.
    pub page: Option<u64>,
    /// First row a table widget shows; a multiple of its page size.
    pub offset: Option<u64>,
    /// Column a table widget is sorted by (overrides its config).
    pub sort_column: Option<String>,
    /// `asc` or `desc` (overrides its config).
    #[param(pattern = "^(asc|desc)$")]
    pub sort_direction: Option<String>,
    /// Width of the widget's body in CSS pixels; give `height` too.
    #[param(minimum = 1, maximum = 4096)]
    pub width: Option<u32>,
    /// Height of the widget's body in CSS pixels; give `width` too.
    #[param(minimum = 1, maximum = 4096)]
    pub height: Option<u32>,
}
