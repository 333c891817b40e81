//! Export endpoints: a dataset, a dashboard report or one widget, as a
//! download streamed by an exporter plugin.
//!
//! - `GET /api/v1/export?dataset=orders&format=csv&range=30d&filter=status:eq:error&columns=id,status&order=id&desc=true&options={"delimiter":";"}`
//!   (or `metric=NAME` for a metric's series)
//! - `GET /api/v1/dashboards/{id}/export?format=pdf&range=30d`
//! - `GET /api/v1/dashboards/{id}/widgets/{widget}/export?format=json&range=7d`
//!
//! Everything is checked before the first byte: an unknown format,
//! dataset, column, filter or range, or options the exporter refuses, is a
//! 4xx JSON error. Dashboards follow the viewing rules (export needs the
//! same access as viewing); datasets, like `/api/v1/datasets`, are open to
//! every signed-in caller.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;

use super::error::ApiError;
use super::metrics::Q;
use super::params::Params;
use crate::auth::Action;
use crate::data::RangeSpec;
use crate::export::{DatasetExport, ExportJobBuilder, ExportSource};
use crate::store::User;
use crate::web::export::download;
use crate::web::session::ApiViewer;
use crate::web::widgets::{NOT_PERMITTED, may_read_widget_data, visible_dashboard};
use crate::web::{AppError, AppState};

/// Routes of the export API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/export", get(dataset))
        .route("/api/v1/dashboards/{id}/export", get(dashboard))
        .route(
            "/api/v1/dashboards/{id}/widgets/{widget}/export",
            get(widget),
        )
}

/// Keys of a dataset export request.
const DATASET_KEYS: &[&str] = &[
    "dataset", "metric", "format", "range", "from", "to", "columns", "filter", "order", "desc",
    "options",
];

/// Keys of a dashboard or widget export request.
const VIEW_KEYS: &[&str] = &["format", "range", "from", "to", "options"];

/// A checked export request: exporter id, what, range, exporter options.
#[derive(Debug)]
pub(crate) struct ExportRequest {
    pub(crate) format: String,
    pub(crate) source: Option<ExportSource>,
    pub(crate) range: Option<RangeSpec>,
    pub(crate) options: serde_json::Value,
}

fn format_and_options(p: &Params) -> Result<(String, serde_json::Value), ApiError> {
    let format = p
        .get("format")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::BadRequest("say which `format` to export (e.g. csv)".into()))?
        .to_owned();
    let options = match p.get("options").filter(|o| !o.trim().is_empty()) {
        None => serde_json::json!({}),
        Some(text) => {
            let v: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| ApiError::BadRequest(format!("`options` is not valid JSON: {e}")))?;
            if !v.is_object() {
                return Err(ApiError::BadRequest(
                    "`options` must be a JSON object, e.g. {\"delimiter\":\";\"}".into(),
                ));
            }
            if crate::store::json_depth(&v) > crate::store::MAX_CONFIG_DEPTH {
                return Err(ApiError::BadRequest(format!(
                    "`options` must not nest deeper than {} levels",
                    crate::store::MAX_CONFIG_DEPTH
                )));
            }
            v
        }
    };
    Ok((format, options))
}

/// Read a dataset (or metric) export request from query pairs.
pub(crate) fn dataset_request(pairs: Vec<(String, String)>) -> Result<ExportRequest, ApiError> {
    let p = Params::new(Ok(Query(pairs)), DATASET_KEYS)?;
    let (format, options) = format_and_options(&p)?;
    let source = match (p.get("dataset"), p.get("metric")) {
        (Some(name), None) if !name.is_empty() => ExportSource::Dataset(DatasetExport {
            name: name.to_owned(),
            columns: p
                .get("columns")
                .filter(|c| !c.is_empty())
                .map(|c| c.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            filters: p.filters()?,
            order_by: p.get("order").filter(|o| !o.is_empty()).map(str::to_string),
            descending: p.bool("desc")?,
        }),
        (None, Some(name)) if !name.is_empty() => {
            if ["columns", "filter", "order", "desc"]
                .iter()
                .any(|k| p.get(k).is_some())
            {
                return Err(ApiError::BadRequest(
                    "columns, filter, order and desc apply to datasets, not metrics".into(),
                ));
            }
            ExportSource::Metric {
                name: name.to_owned(),
            }
        }
        _ => {
            return Err(ApiError::BadRequest(
                "name one `dataset` (or one `metric`) to export".into(),
            ));
        }
    };
    Ok(ExportRequest {
        format,
        source: Some(source),
        range: p.optional_range()?,
        options,
    })
}

/// Read a dashboard or widget export request from query pairs.
pub(crate) fn view_request(pairs: Vec<(String, String)>) -> Result<ExportRequest, ApiError> {
    let p = Params::new(Ok(Query(pairs)), VIEW_KEYS)?;
    let (format, options) = format_and_options(&p)?;
    Ok(ExportRequest {
        format,
        source: None,
        range: Some(p.range()?),
        options,
    })
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Data(d) => crate::export::ExportError::Data(d).into(),
            ApiError::Forbidden(m) => Self::Forbidden(m),
            ApiError::NotFound(m) => Self::NotFound(m),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

/// Build the job (every check) and answer with the streamed download.
/// `user` must be allowed to read what it exports: a dataset or metric
/// refused by the data rules is 403, and a report leaves out the widgets
/// whose data `user` may not read.
pub(crate) async fn start(
    state: &AppState,
    user: &User,
    req: ExportRequest,
) -> Result<Response, AppError> {
    let mut builder = ExportJobBuilder::new(state.data.clone(), state.plugins.clone(), &req.format)
        .range(req.range)
        .options(req.options);
    if let Some(source) = req.source {
        builder = builder.source(permitted_source(state, user, source)?);
    }
    Ok(download(builder.build().await?))
}

/// `source` as far as `user` may read it.
fn permitted_source(
    state: &AppState,
    user: &User,
    source: ExportSource,
) -> Result<ExportSource, AppError> {
    let access = state.auth.data_access();
    let refused = |e: crate::auth::NotPermitted| AppError::Forbidden(e.to_string());
    Ok(match source {
        ExportSource::Dataset(d) => {
            access.check_dataset(user, &d.name).map_err(refused)?;
            ExportSource::Dataset(d)
        }
        ExportSource::Metric { name } => {
            access.check_metric(user, &name).map_err(refused)?;
            ExportSource::Metric { name }
        }
        ExportSource::Widget(w) => {
            if !may_read_widget_data(state, user, &w) {
                return Err(AppError::Forbidden(NOT_PERMITTED.into()));
            }
            ExportSource::Widget(w)
        }
        ExportSource::Dashboard { title, widgets } => ExportSource::Dashboard {
            title,
            widgets: widgets
                .into_iter()
                .filter(|w| may_read_widget_data(state, user, w))
                .collect(),
        },
    })
}

fn pairs(q: Q) -> Result<Vec<(String, String)>, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::BadRequest(format!("bad query string: {e}")))
}

async fn dataset(State(state): State<AppState>, ApiViewer(who): ApiViewer, q: Q) -> Response {
    let result = async {
        let req = dataset_request(pairs(q)?)?;
        start(&state, &who.user, req).await
    }
    .await;
    result.unwrap_or_else(|e| e.into_json())
}

async fn dashboard(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    let result = async {
        let d = visible_dashboard(&state, &viewer, &id, Action::Export)?;
        let mut req = view_request(pairs(q)?)?;
        req.source = Some(ExportSource::Dashboard {
            title: d.content.title.clone(),
            widgets: d.content.widgets.clone(),
        });
        start(&state, &viewer.user, req).await
    }
    .await;
    result.unwrap_or_else(|e| e.into_json())
}

async fn widget(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path((id, widget)): Path<(String, String)>,
    q: Q,
) -> Response {
    let result = async {
        let d = visible_dashboard(&state, &viewer, &id, Action::Export)?;
        let w = d
            .content
            .widgets
            .iter()
            .find(|w| w.id == widget)
            .cloned()
            .ok_or_else(|| AppError::NotFound("no such widget on this dashboard".into()))?;
        let mut req = view_request(pairs(q)?)?;
        req.source = Some(ExportSource::Widget(w));
        start(&state, &viewer.user, req).await
    }
    .await;
    result.unwrap_or_else(|e: AppError| e.into_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

    #[test]
    fn a_dataset_request_needs_a_format_and_one_source() {
        assert!(dataset_request(q(&[("dataset", "orders")])).is_err());
        assert!(dataset_request(q(&[("format", "csv")])).is_err());
        assert!(
            dataset_request(q(&[("format", "csv"), ("dataset", "a"), ("metric", "b")])).is_err()
        );
        assert!(dataset_request(q(&[("format", "csv"), ("dataset", "a"), ("x", "1")])).is_err());
        let r = dataset_request(q(&[
            ("format", "csv"),
            ("dataset", "orders"),
            ("filter", "status:eq:a"),
            ("filter", "amount:gt:1"),
        ]))
        .unwrap();
        let Some(ExportSource::Dataset(d)) = r.source else {
            panic!("a dataset source");
        };
        assert_eq!(d.filters.len(), 2);
        assert!(r.range.is_none());
    }

    #[test]
    fn options_must_be_a_json_object() {
        let base = [("format", "csv"), ("dataset", "orders")];
        for bad in ["[1]", "{", "3"] {
            let mut p = base.to_vec();
            p.push(("options", bad));
            assert!(dataset_request(q(&p)).is_err(), "{bad}");
        }
        let mut p = base.to_vec();
        p.push(("options", r#"{"delimiter":";"}"#));
        assert_eq!(
            dataset_request(q(&p)).unwrap().options["delimiter"],
            serde_json::json!(";")
        );
    }
}
