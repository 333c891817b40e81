//! Export requests read from query strings, for the download links of the
//! pages and for `/api/v1/export`: the same keys and checks for both.

use axum::extract::Query;

use super::error::HttpError;
use super::params::Params;
use crate::export::{
    DatasetExport, ExportRequest, ExportSource, TableRows, parse_format, parse_options,
};

/// Keys of a dataset export request.
const DATASET_KEYS: &[&str] = &[
    "dataset", "metric", "format", "range", "from", "to", "columns", "filter", "order", "desc",
    "options",
];

/// Keys of a dashboard or widget export request.
const VIEW_KEYS: &[&str] = &["format", "range", "from", "to", "options", "full"];

/// A dataset (or metric) export request from query pairs.
pub fn dataset_request(pairs: Vec<(String, String)>) -> Result<ExportRequest, HttpError> {
    let p = Params::new(Ok(Query(pairs)), DATASET_KEYS)?;
    let format = parse_format(p.get("format"))?;
    let options = parse_options(p.get("options"))?;
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
                return Err(HttpError::bad_request(
                    "columns, filter, order and desc apply to datasets, not metrics",
                ));
            }
            ExportSource::Metric {
                name: name.to_owned(),
            }
        }
        _ => {
            return Err(HttpError::bad_request(
                "name one `dataset` (or one `metric`) to export",
            ));
        }
    };
    let mut req = ExportRequest::new(format, source);
    req.range = p.optional_range()?;
    req.options = options;
    Ok(req)
}

/// A dashboard or widget export request of `source` from query pairs; the
/// range defaults to [`crate::data::RangeSpec::DEFAULT`]; `full=true` has
/// a report show up to [`crate::export::REPORT_TABLE_ROWS`] rows of each
/// table widget instead of its page.
pub fn view_request(
    pairs: Vec<(String, String)>,
    source: ExportSource,
) -> Result<ExportRequest, HttpError> {
    let p = Params::new(Ok(Query(pairs)), VIEW_KEYS)?;
    let format = parse_format(p.get("format"))?;
    let options = parse_options(p.get("options"))?;
    let mut req = ExportRequest::new(format, source);
    req.range = Some(p.range()?);
    req.options = options;
    if p.get("full").is_some() && !matches!(req.source, ExportSource::Dashboard { .. }) {
        return Err(HttpError::bad_request(
            "`full` applies to dashboard reports; a widget's export brings all its rows",
        ));
    }
    if p.bool("full")? {
        req.table_rows = TableRows::Full;
    }
    Ok(req)
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
        let ExportSource::Dataset(d) = r.source else {
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
