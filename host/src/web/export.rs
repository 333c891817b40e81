//! Export pages and downloads.
//!
//! - `GET /export`: a form to export a dataset (dataset, range, filters,
//!   format), submitted as a plain GET download;
//! - `GET /export/dataset?dataset=…&format=…&range=…&filter=…`;
//! - `GET /dashboards/{id}/export?format=…&range=…`: a dashboard report;
//! - `GET /dashboards/{id}/widgets/{widget}/export?format=…&range=…`.
//!
//! Downloads are plain links and forms, under the same authorization as
//! viewing. The formats offered are the installed exporter plugins, read
//! from the registry on every page, so a dropped-in exporter shows up
//! without a restart.

use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::get,
};
use maud::{Markup, html};

use super::dashboard_view::RANGES;
use super::dashboards::page_context;
use super::layout::{Section, page};
use crate::auth::Action;
use crate::dashboards::DashboardsError;
use crate::data::RangeSpec;
use crate::export::ExportSource;
use crate::http::{AppState, HttpError, Viewer, dataset_request, download, view_request};
use crate::plugins::{PluginInfo, PluginKind};

/// Routes of the export pages and downloads.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/export", get(form))
        .route("/export/dataset", get(dataset))
        .route("/dashboards/{id}/export", get(dashboard))
        .route("/dashboards/{id}/widgets/{widget}/export", get(widget))
}

/// The installed exporters, by id.
fn exporters(state: &AppState) -> Vec<PluginInfo> {
    let mut list: Vec<PluginInfo> = state
        .plugins
        .list()
        .into_iter()
        .filter(|p| p.kind == PluginKind::Exporter)
        .collect();
    list.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    list
}

/// The query string carrying a range (`range=…` or `range=custom&from=…&to=…`).
pub(super) fn range_query(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> String {
    let default = RangeSpec::DEFAULT.to_string();
    match range.filter(|r| !r.is_empty()).unwrap_or(&default) {
        "custom" => format!(
            "range=custom&from={}&to={}",
            url_encode(from.unwrap_or_default()),
            url_encode(to.unwrap_or_default())
        ),
        r => format!("range={}", url_encode(r)),
    }
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One "Export as …" entry per installed exporter, for a widget's menu.
pub(super) fn widget_menu_items(
    state: &AppState,
    dashboard_id: &str,
    widget_id: &str,
    range_query: &str,
) -> Markup {
    html! {
        @for e in exporters(state) {
            a.export-link
                href={ "/dashboards/" (dashboard_id) "/widgets/" (widget_id) "/export?format=" (url_encode(&e.meta.id)) "&" (range_query) }
                { "Export " (e.meta.name) }
        }
    }
}

/// The dashboard's export menu: a small GET form (range preset to the
/// page's) with one button per installed exporter.
pub(super) fn dashboard_menu(
    state: &AppState,
    dashboard_id: &str,
    range: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Markup {
    let default = RangeSpec::DEFAULT.to_string();
    let current = range.filter(|r| !r.is_empty()).unwrap_or(&default);
    html! {
        details.widget-menu.export-menu {
            summary.btn aria-label="Export this dashboard" { "Export" }
            form.menu-items method="get" action={ "/dashboards/" (dashboard_id) "/export" } {
                label for="export-range" { "Range" }
                select #export-range name="range" {
                    @for (value, label) in RANGES {
                        option value=(value) selected[*value == current] { (label) }
                    }
                }
                input type="hidden" name="from" value=(from.unwrap_or_default());
                input type="hidden" name="to" value=(to.unwrap_or_default());
                @for e in exporters(state) {
                    button type="submit" name="format" value=(e.meta.id) { "Report as " (e.meta.name) }
                }
                a href="/export" { "Export a dataset…" }
            }
        }
    }
}

async fn form(State(state): State<AppState>, viewer: Viewer) -> Markup {
    let ctx = page_context(&viewer, Section::Dashboards);
    let datasets = state.datasets_for(&viewer.user);
    page(
        "Export data",
        &ctx,
        html! {
            div.page-head { h1 { "Export data" } }
            form.panel.export-form method="get" action="/export/dataset" {
                p.muted { "Every matching row is exported, streamed as it is read." }
                label for="export-dataset" { "Dataset" }
                select #export-dataset name="dataset" required {
                    @for d in &datasets {
                        option value=(d.name) { (d.label) " (" (d.name) ")" }
                    }
                }
                label for="export-range" { "Time range" }
                select #export-range name="range" {
                    option value="all" { "All rows" }
                    @for (value, label) in RANGES {
                        option value=(value) { (label) }
                    }
                }
                label for="export-from" { "From (custom range)" }
                input #export-from type="date" name="from";
                label for="export-to" { "To (custom range)" }
                input #export-to type="date" name="to";
                label for="export-filter" { "Filter (optional), e.g. status:eq:error" }
                input #export-filter type="text" name="filter";
                label for="export-format" { "Format" }
                select #export-format name="format" {
                    @for e in exporters(&state) {
                        option value=(e.meta.id) { (e.meta.name) " — " (e.meta.description) }
                    }
                }
                button.btn.btn-primary type="submit" { "Download" }
            }
        },
    )
}

/// Form fields left empty mean "not given"; the range select's `all` and
/// `custom` choices become no range or `from`/`to`.
fn form_pairs(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let range = pairs
        .iter()
        .find(|(k, _)| k == "range")
        .map(|(_, v)| v.clone());
    pairs
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter(|(k, v)| match (k.as_str(), range.as_deref()) {
            ("range", _) => v != "all" && v != "custom",
            ("from" | "to", Some(r)) => r == "custom",
            _ => true,
        })
        .collect()
}

async fn dataset(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let req = dataset_request(form_pairs(pairs))?;
    Ok(download(state.exports.start(&viewer.user, req).await?))
}

async fn dashboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state
        .dashboards
        .visible(&viewer.user, &id, Action::Export)?;
    let source = ExportSource::Dashboard {
        title: d.content.title,
        widgets: d.content.widgets,
    };
    let req = view_request(form_pairs(pairs), source)?;
    Ok(download(state.exports.start(&viewer.user, req).await?))
}

async fn widget(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, widget)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let d = state
        .dashboards
        .visible(&viewer.user, &id, Action::Export)?;
    let w = d
        .widget(&widget)
        .cloned()
        .ok_or(DashboardsError::NoSuchWidget)?;
    let req = view_request(form_pairs(pairs), ExportSource::Widget(w))?;
    Ok(download(state.exports.start(&viewer.user, req).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn empty_form_fields_and_the_all_range_are_dropped() {
        let out = form_pairs(p(&[
            ("dataset", "orders"),
            ("range", "all"),
            ("from", ""),
            ("to", ""),
            ("filter", ""),
            ("format", "csv"),
        ]));
        assert_eq!(out, p(&[("dataset", "orders"), ("format", "csv")]));
        let out = form_pairs(p(&[
            ("range", "custom"),
            ("from", "2025-01-01"),
            ("to", "2025-02-01"),
        ]));
        assert_eq!(out, p(&[("from", "2025-01-01"), ("to", "2025-02-01")]));
        let out = form_pairs(p(&[("range", "7d"), ("from", "2025-01-01")]));
        assert_eq!(out, p(&[("range", "7d")]));
    }

    #[test]
    fn range_queries_are_encoded() {
        assert_eq!(range_query(None, None, None), "range=30d");
        assert_eq!(
            range_query(Some("custom"), Some("2025-01-01"), Some("a&b")),
            "range=custom&from=2025-01-01&to=a%26b"
        );
    }
}
