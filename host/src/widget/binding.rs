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
//!
//! A key the config leaves out takes the default the widget's one schema
//! declares ([`super::schema::effective_schema`]: the plugin's own default
//! where it declares the key, else the host's): the metric card's
//! `sparkline` is on, the trend chart's `show_previous` is on, the data
//! table's `page_size` is 50, as their forms say — not a default of the
//! binding's own that the schema does not show.

use serde::Deserialize;
use serde_json::Value;

use super::schema::{ALIASES, Catalog, effective_schema};
use crate::data::DataRequest;
use crate::frame::DataShape;
use crate::plugins::WidgetPlugin;

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

/// The keys [`Keys`] reads: the ones a schema default is filled in for.
const READ: [&str; 14] = [
    "metric",
    "sparkline",
    "bucket",
    "compare_previous",
    "show_previous",
    "dimension",
    "top",
    "dataset",
    "columns",
    "order_by",
    "descending",
    "sort_column",
    "sort_direction",
    "page_size",
];

/// `config` with the defaults of the widget's effective schema filled in
/// for the binding keys it leaves out. A key whose other name (see
/// [`ALIASES`]) the config sets is left out: the set one decides.
fn with_schema_defaults(shape: DataShape, plugin_schema: &Value, config: &Value) -> Value {
    let Some(object) = config.as_object() else {
        return config.clone();
    };
    let catalog = Catalog {
        metrics: &[],
        datasets: &[],
    };
    let schema = effective_schema(plugin_schema, shape, catalog);
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return config.clone();
    };
    let other_name = |key: &str| {
        ALIASES
            .iter()
            .find_map(|(a, b)| (*a == key).then_some(*b).or((*b == key).then_some(*a)))
    };
    let mut filled = object.clone();
    for key in READ {
        let set = |k: &str| object.get(k).is_some_and(|v| !v.is_null());
        if set(key) || other_name(key).is_some_and(set) {
            continue;
        }
        if let Some(default) = props.get(key).and_then(|p| p.get("default")) {
            filled.insert(key.to_owned(), default.clone());
        }
    }
    Value::Object(filled)
}

/// [`widget_query`] for a widget drawn by `plugin`.
pub fn query_for(plugin: &WidgetPlugin, config: &Value) -> Result<WidgetQuery, BindingError> {
    widget_query(
        plugin.shape(),
        plugin.info().meta.config_schema.json(),
        config,
    )
}

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

/// Read the query a widget of `shape`, whose plugin declares
/// `plugin_schema`, needs from its `config` (a key left out takes the
/// schema's default; see the module docs).
pub fn widget_query(
    shape: DataShape,
    plugin_schema: &Value,
    config: &Value,
) -> Result<WidgetQuery, BindingError> {
    let config = with_schema_defaults(shape, plugin_schema, config);
    let keys: Keys =
        serde_json::from_value(config).map_err(|e| BindingError::Invalid(e.to_string()))?;
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

    /// For a plugin that declares none of the binding keys.
    fn widget_query_plain(shape: DataShape, config: &Value) -> Result<WidgetQuery, BindingError> {
        widget_query(shape, &json!({"type": "object"}), config)
    }

    #[test]
    fn left_out_keys_take_the_defaults_the_plugins_schema_declares() {
        let card = json!({"properties": {"sparkline": {"type": "boolean", "default": true}}});
        let q = widget_query(DataShape::Scalar, &card, &json!({"metric": "m"})).unwrap();
        assert!(
            matches!(
                q,
                WidgetQuery::Scalar {
                    sparkline: true,
                    ..
                }
            ),
            "{q:?}"
        );
        let q = widget_query(
            DataShape::Scalar,
            &card,
            &json!({"metric": "m", "sparkline": false}),
        )
        .unwrap();
        assert!(matches!(
            q,
            WidgetQuery::Scalar {
                sparkline: false,
                ..
            }
        ));
        let chart = json!({"properties": {"show_previous": {"type": "boolean", "default": true}}});
        let previous = |config| match widget_query(DataShape::Series, &chart, &config).unwrap() {
            WidgetQuery::Series {
                compare_previous, ..
            } => compare_previous,
            other => panic!("{other:?}"),
        };
        assert!(previous(json!({"metric": "m"})));
        // The host's older name, set, decides when the plugin's is left out.
        assert!(!previous(json!({"metric": "m", "compare_previous": false})));
        assert!(!previous(json!({"metric": "m", "show_previous": false})));
        let table = json!({"properties": {"page_size": {"type": "integer", "default": 50},
                                          "sort_direction": {"enum": ["asc", "desc"], "default": "asc"}}});
        let q = widget_query(
            DataShape::Rows,
            &table,
            &json!({"dataset": "d", "descending": true}),
        )
        .unwrap();
        assert!(
            matches!(
                q,
                WidgetQuery::Rows {
                    page_size: 50,
                    descending: true,
                    ..
                }
            ),
            "{q:?}"
        );
    }

    #[test]
    fn reads_each_shape_with_defaults() {
        assert_eq!(
            widget_query_plain(DataShape::Scalar, &json!({"metric": "orders"})).unwrap(),
            WidgetQuery::Scalar {
                metric: "orders".into(),
                sparkline: false
            }
        );
        assert_eq!(
            widget_query_plain(
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
            widget_query_plain(
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
            widget_query_plain(DataShape::Rows, &json!({"dataset": "orders"})).unwrap(),
            WidgetQuery::Rows { page_size: 20, .. }
        ));
    }

    #[test]
    fn the_table_plugins_sort_keys_win() {
        let q = widget_query_plain(
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
        let compare = |config| match widget_query_plain(DataShape::Series, &config).unwrap() {
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
            widget_query_plain(DataShape::Scalar, &json!({})),
            Err(BindingError::Missing("metric"))
        );
        assert_eq!(
            widget_query_plain(DataShape::Categories, &json!({"metric": "m"})),
            Err(BindingError::Missing("dimension"))
        );
        assert!(matches!(
            widget_query_plain(
                DataShape::Rows,
                &json!({"dataset": "d", "page_size": 100000})
            ),
            Err(BindingError::OutOfRange {
                key: "page_size",
                ..
            })
        ));
        assert!(matches!(
            widget_query_plain(DataShape::Scalar, &json!({"metric": 5})),
            Err(BindingError::Invalid(_))
        ));
    }
}
