//! Read the data a widget's query names; aggregation happens in the
//! database.

use crate::data::{DataEngine, DataError, RangeSpec, RowsQuery};
use crate::frame::WidgetData;

use super::binding::WidgetQuery;

/// Run `query` over `range`; `page` selects the page of a rows query.
pub async fn fetch(
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
