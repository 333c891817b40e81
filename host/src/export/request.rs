//! [`ExportRequest`]: what a user asked to export, typed; and
//! [`ExportService`], which applies the data rules for that user and
//! builds the job. The HTTP edge reads requests from query strings, the
//! CLI from flags; both end up here.

use std::sync::Arc;

use serde_json::Value;

use super::error::{ExportError, Result};
use super::job::{ExportJob, ExportJobBuilder};
use super::per_user::{MAX_EXPORTS_PER_USER, PerUser};
use super::report::TableRows;
use super::source::ExportSource;
use crate::auth::DataAccess;
use crate::data::{DataEngine, RangeSpec};
use crate::plugins::PluginRegistry;
use crate::store::{MAX_CONFIG_DEPTH, User, json_depth};
use crate::widget::{NOT_PERMITTED, WidgetService};

/// A checked export request: exporter id, what, range, exporter options.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The exporter plugin's id, e.g. `csv`.
    pub format: String,
    /// What to export.
    pub source: ExportSource,
    /// The time range; without one a dataset is exported whole and the
    /// rest use [`RangeSpec::DEFAULT`].
    pub range: Option<RangeSpec>,
    /// The exporter's options, a JSON object.
    pub options: Value,
    /// How many rows of each table widget a report shows.
    pub table_rows: TableRows,
}

impl ExportRequest {
    /// `source` in `format`, no range, no options.
    pub fn new(format: impl Into<String>, source: ExportSource) -> Self {
        Self {
            format: format.into(),
            source,
            range: None,
            options: Value::Object(serde_json::Map::new()),
            table_rows: TableRows::Page,
        }
    }

    /// The job builder for this request (no permission checks: the CLI
    /// runs as the operator; servers go through [`ExportService`]).
    pub fn builder(self, data: Arc<DataEngine>, plugins: Arc<PluginRegistry>) -> ExportJobBuilder {
        ExportJobBuilder::new(data, plugins, &self.format)
            .source(self.source)
            .range(self.range)
            .options(self.options)
            .table_rows(self.table_rows)
    }
}

/// A format name as given: it must be present.
pub fn parse_format(format: Option<&str>) -> Result<String> {
    format
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ExportError::BadRequest("say which `format` to export (e.g. csv)".into()))
}

/// Exporter options as given: absent or blank is `{}`; otherwise a JSON
/// object of bounded depth.
pub fn parse_options(text: Option<&str>) -> Result<Value> {
    let Some(text) = text.filter(|o| !o.trim().is_empty()) else {
        return Ok(Value::Object(serde_json::Map::new()));
    };
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ExportError::BadRequest(format!("`options` is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(ExportError::BadRequest(
            "`options` must be a JSON object, e.g. {\"delimiter\":\";\"}".into(),
        ));
    }
    if json_depth(&v) > MAX_CONFIG_DEPTH {
        return Err(ExportError::BadRequest(format!(
            "`options` must not nest deeper than {MAX_CONFIG_DEPTH} levels"
        )));
    }
    Ok(v)
}

/// Exports for signed-in users: what they may read, nothing more.
#[derive(Debug, Clone)]
pub struct ExportService {
    data: Arc<DataEngine>,
    plugins: Arc<PluginRegistry>,
    access: DataAccess,
    widgets: WidgetService,
    per_user: PerUser,
}

impl ExportService {
    /// A service reading through `data` and `plugins` as `access` allows.
    pub fn new(
        data: Arc<DataEngine>,
        plugins: Arc<PluginRegistry>,
        access: DataAccess,
        widgets: WidgetService,
    ) -> Self {
        Self {
            data,
            plugins,
            access,
            widgets,
            per_user: PerUser::default(),
        }
    }

    /// Check everything and open the job. A dataset or metric `user` may
    /// not read is [`ExportError::NotPermitted`]; a report leaves out the
    /// widgets whose data `user` may not read.
    /// One user runs at most [`MAX_EXPORTS_PER_USER`] at once
    /// ([`ExportError::TooMany`] past that); the job holds its ticket until
    /// it ends.
    pub async fn start(&self, user: &User, mut req: ExportRequest) -> Result<ExportJob> {
        req.source = self.permitted(user, req.source)?;
        let ticket = self
            .per_user
            .take(&user.id.to_string())
            .ok_or(ExportError::TooMany {
                limit: MAX_EXPORTS_PER_USER,
            })?;
        let job = req
            .builder(self.data.clone(), self.plugins.clone())
            .build()
            .await?;
        Ok(job.holding(ticket))
    }

    fn permitted(&self, user: &User, source: ExportSource) -> Result<ExportSource> {
        let refused = |e: crate::auth::NotPermitted| ExportError::NotPermitted(e.to_string());
        Ok(match source {
            ExportSource::Dataset(d) => {
                self.access.check_dataset(user, &d.name).map_err(refused)?;
                ExportSource::Dataset(d)
            }
            ExportSource::Metric { name } => {
                self.access.check_metric(user, &name).map_err(refused)?;
                ExportSource::Metric { name }
            }
            ExportSource::Widget(w) => {
                if !self.widgets.may_read(user, &w) {
                    return Err(ExportError::NotPermitted(NOT_PERMITTED.into()));
                }
                ExportSource::Widget(w)
            }
            ExportSource::Dashboard { title, widgets } => ExportSource::Dashboard {
                title,
                widgets: widgets
                    .into_iter()
                    .filter(|w| self.widgets.may_read(user, w))
                    .collect(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_must_be_a_json_object() {
        for bad in ["[1]", "{", "3"] {
            assert!(parse_options(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_options(Some(" ")).unwrap(), serde_json::json!({}));
        assert_eq!(
            parse_options(Some(r#"{"delimiter":";"}"#)).unwrap()["delimiter"],
            serde_json::json!(";")
        );
        assert!(parse_format(Some("")).is_err());
    }
}
