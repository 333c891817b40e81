//! What data a widget asks for, read from its config.
//!
//! A widget plugin declares the data shape it renders; the widget's JSON
//! config says which metric or dataset feeds it. The keys are a convention
//! shared by every widget plugin (documented in the SDK): `metric`, and per
//! shape `sparkline`; `bucket`, `compare_previous`; `dimension`, `top`;
//! `dataset`, `columns`, `order_by`, `descending`, `page_size`. The
//! `data-table` plugin names its order `sort_column` and `sort_direction`
//! (`asc`/`desc`), and the `trend-chart` plugin its previous period
//! `show_previous`; a plugin's name wins over the host's when both are set
//! (see [`super::schema`], which declares both).

use serde::Deserialize;

use crate::data::DataRequest;
use crate::frame::DataShape;

/// The query a widget needs, by data shape.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetQuery {
    /// One value and its previous period.
    Scalar {
        /// Metric name.
        metric: String,
        /// Also fetch a series for a sparkline.
        sparkline: bool,
    },
    /// A time series.
    Series {
        /// Metric name.
        metric: String,
        /// Bucket name (`auto` when not set).
        bucket: String,
        /// Also fetch the previous period.
        compare_previous: bool,
    },
    /// Values by a dimension.
    Categories {
        /// Metric name.
        metric: String,
        /// Dimension to group by.
        dimension: String,
        /// Groups shown before "other".
        top: usize,
    },
    /// A page of rows.
    Rows {
        /// Dataset name.
        dataset: String,
        /// Columns to show; empty means all exposed columns.
        columns: Vec<String>,
        /// Column to order by.
        order_by: Option<String>,
        /// Order descending.
        descending: bool,
        /// Rows per page.
        page_size: u32,
    },
}

impl WidgetQuery {
    /// The scalar or series this query is, for loading a dashboard's
    /// widgets together; `None` for other shapes or a bad bucket (its
    /// own request reports that).
    pub fn data_request(&self) -> Option<DataRequest> {
        Some(match self {
            Self::Scalar { metric, sparkline } => DataRequest::Scalar {
                metric: metric.clone(),
                sparkline: *sparkline,
            },
            Self::Series {
                metric,
                bucket,
                compare_previous,
            } => DataRequest::Series {
                metric: metric.clone(),
                bucket: bucket.parse().ok()?,
                compare_previous: *compare_previous,
            },
            Self::Categories { .. } | Self::Rows { .. } => return None,
        })
    }
}

/// Largest page a table widget may ask for.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Most groups a categories widget may ask for.
pub const MAX_TOP: usize = 50;

#[derive(Debug, Deserialize)]
struct Keys {
    metric: Option<String>,
    #[serde(default)]
    sparkline: bool,
    bucket: Option<String>,
    compare_previous: Option<bool>,
    show_previous: Option<bool>,
    dimension: Option<String>,
    top: Option<usize>,
    dataset: Option<String>,
    #[serde(default)]
    columns: Vec<String>,
    order_by: Option<String>,
    #[serde(default)]
    descending: bool,
    sort_column: Option<String>,
    sort_direction: Option<String>,
    page_size: Option<u32>,
}

/// Why a widget's config does not say what data it needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// A required key is missing or empty.
    #[error("the widget's config needs `{0}`")]
    Missing(&'static str),
    /// A key has the wrong type.
    #[error("the widget's config is invalid: {0}")]
    Invalid(String),
    /// A number is out of range.
    #[error("`{key}` must be between 1 and {max}")]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// Largest allowed value.
        max: u64,
    },
}

/// Read the query a widget of `shape` needs from its `config`.
pub fn widget_query(
    shape: DataShape,
    config: &serde_json::Value,
) -> Result<WidgetQuery, BindingError> {
    let keys: Keys =
        serde_json::from_value(config.clone()).map_err(|e| BindingError::Invalid(e.to_string()))?;
    let non_empty = |v: Option<String>, key| {
        v.filter(|s| !s.is_empty())
            .ok_or(BindingError::Missing(key))
    };
    Ok(match shape {
        DataShape::Scalar => WidgetQuery::Scalar {
            metric: non_empty(keys.metric, "metric")?,
            sparkline: keys.sparkline,
        },
        DataShape::Series => WidgetQuery::Series {
            metric: non_empty(keys.metric, "metric")?,
            bucket: keys
                .bucket
                .filter(|b| !b.is_empty())
                .unwrap_or_else(|| "auto".into()),
            compare_previous: keys
                .show_previous
                .or(keys.compare_previous)
                .unwrap_or(false),
        },
        DataShape::Categories => {
            let top = keys.top.unwrap_or(5);
            if top == 0 || top > MAX_TOP {
                return Err(BindingError::OutOfRange {
                    key: "top",
                    max: MAX_TOP as u64,
                });
            }
            WidgetQuery::Categories {
                metric: non_empty(keys.metric, "metric")?,
                dimension: non_empty(keys.dimension, "dimension")?,
                top,
            }
        }
        DataShape::Rows => {
            let page_size = keys.page_size.unwrap_or(20);
            if page_size == 0 || page_size > MAX_PAGE_SIZE {
                return Err(BindingError::OutOfRange {
                    key: "page_size",
                    max: u64::from(MAX_PAGE_SIZE),
                });
            }
            WidgetQuery::Rows {
                dataset: non_empty(keys.dataset, "dataset")?,
                columns: keys.columns,
                order_by: keys
                    .sort_column
                    .filter(|s| !s.is_empty())
                    .or(keys.order_by.filter(|s| !s.is_empty())),
                descending: match keys.sort_direction.as_deref() {
                    Some("desc") => true,
                    Some("asc") => false,
                    _ => keys.descending,
                },
                page_size,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_each_shape_with_defaults() {
        assert_eq!(
            widget_query(DataShape::Scalar, &json!({"metric": "orders"})).unwrap(),
            WidgetQuery::Scalar {
                metric: "orders".into(),
                sparkline: false
            }
        );
        assert_eq!(
            widget_query(
                DataShape::Series,
                &json!({"metric": "orders", "compare_previous": true})
            )
            .unwrap(),
            WidgetQuery::Series {
                metric: "orders".into(),
                bucket: "auto".into(),
                compare_previous: true
            }
        );
        assert_eq!(
            widget_query(
                DataShape::Categories,
                &json!({"metric": "m", "dimension": "status"})
            )
            .unwrap(),
            WidgetQuery::Categories {
                metric: "m".into(),
                dimension: "status".into(),
                top: 5
            }
        );
        assert!(matches!(
            widget_query(DataShape::Rows, &json!({"dataset": "orders"})).unwrap(),
            WidgetQuery::Rows { page_size: 20, .. }
        ));
    }

    #[test]
    fn the_table_plugins_sort_keys_win() {
        let q = widget_query(
            DataShape::Rows,
            &json!({"dataset": "d", "order_by": "a", "sort_column": "b", "sort_direction": "desc"}),
        )
        .unwrap();
        assert!(matches!(
            q,
            WidgetQuery::Rows { order_by: Some(ref c), descending: true, .. } if c == "b"
        ));
    }

    #[test]
    fn the_trend_charts_previous_period_key_wins() {
        let compare = |config| match widget_query(DataShape::Series, &config).unwrap() {
            WidgetQuery::Series {
                compare_previous, ..
            } => compare_previous,
            other => panic!("{other:?}"),
        };
        assert!(compare(json!({"metric": "m", "show_previous": true})));
        assert!(!compare(
            json!({"metric": "m", "show_previous": false, "compare_previous": true})
        ));
        assert!(compare(json!({"metric": "m", "compare_previous": true})));
        assert!(!compare(json!({"metric": "m"})));
    }

    #[test]
    fn refuses_missing_and_out_of_range_keys() {
        assert_eq!(
            widget_query(DataShape::Scalar, &json!({})),
            Err(BindingError::Missing("metric"))
        );
        assert_eq!(
            widget_query(DataShape::Categories, &json!({"metric": "m"})),
            Err(BindingError::Missing("dimension"))
        );
        assert!(matches!(
            widget_query(
                DataShape::Rows,
                &json!({"dataset": "d", "page_size": 100000})
            ),
            Err(BindingError::OutOfRange {
                key: "page_size",
                ..
            })
        ));
        assert!(matches!(
            widget_query(DataShape::Scalar, &json!({"metric": 5})),
            Err(BindingError::Invalid(_))
        ));
    }
}
