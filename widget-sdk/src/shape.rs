//! The data a widget renders, as a type: `Widget::Data` is one of
//! [`ScalarData`], [`SeriesData`], [`CategoriesData`] or [`RowsData`], and
//! the shape the widget declares to the host is derived from it.

use crate::types::{
    CategoriesData, DataShape, PluginError, RowsData, ScalarData, SeriesData, WidgetData,
};

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ScalarData {}
    impl Sealed for super::SeriesData {}
    impl Sealed for super::CategoriesData {}
    impl Sealed for super::RowsData {}
}

/// One of the four data shapes a widget can render. Implemented by
/// [`ScalarData`], [`SeriesData`], [`CategoriesData`] and [`RowsData`] only.
pub trait WidgetShape: sealed::Sealed + Sized + 'static {
    /// The shape the widget asks the host for.
    const SHAPE: DataShape;

    /// Take the data out of `data`: [`PluginError::InvalidData`] when it
    /// has another shape or does not hold together (rows whose columns do
    /// not match their schema). `widget` names the widget in the message.
    fn from_widget_data(data: WidgetData, widget: &str) -> Result<Self, PluginError>;
}

/// The shape's name as the editor and messages spell it.
pub(crate) fn shape_name(shape: DataShape) -> &'static str {
    match shape {
        DataShape::Scalar => "scalar",
        DataShape::Series => "series",
        DataShape::Categories => "categories",
        DataShape::Rows => "rows",
    }
}

fn shape_of(data: &WidgetData) -> DataShape {
    match data {
        WidgetData::Scalar(_) => DataShape::Scalar,
        WidgetData::Series(_) => DataShape::Series,
        WidgetData::Categories(_) => DataShape::Categories,
        WidgetData::Rows(_) => DataShape::Rows,
    }
}

fn wrong_shape(widget: &str, want: DataShape, got: &WidgetData) -> PluginError {
    PluginError::InvalidData(format!(
        "{widget} needs {} data, got {} data",
        shape_name(want),
        shape_name(shape_of(got))
    ))
}

macro_rules! shape {
    ($ty:ident, $variant:ident, $check:expr) => {
        impl WidgetShape for $ty {
            const SHAPE: DataShape = DataShape::$variant;

            fn from_widget_data(data: WidgetData, widget: &str) -> Result<Self, PluginError> {
                match data {
                    WidgetData::$variant(inner) => {
                        let check: fn(&Self, &str) -> Result<(), PluginError> = $check;
                        check(&inner, widget)?;
                        Ok(inner)
                    }
                    other => Err(wrong_shape(widget, Self::SHAPE, &other)),
                }
            }
        }

        impl From<$ty> for WidgetData {
            fn from(data: $ty) -> Self {
                WidgetData::$variant(data)
            }
        }
    };
}

shape!(ScalarData, Scalar, |_, _| Ok(()));
shape!(SeriesData, Series, |_, _| Ok(()));
shape!(CategoriesData, Categories, |_, _| Ok(()));
shape!(RowsData, Rows, |rows, widget| {
    if rows.rows.columns.len() == rows.schema.len() {
        Ok(())
    } else {
        Err(PluginError::InvalidData(format!(
            "{widget} got {} columns for a schema of {}",
            rows.rows.columns.len(),
            rows.schema.len()
        )))
    }
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Batch, ValueFormat};

    fn scalar() -> ScalarData {
        ScalarData {
            label: "x".into(),
            value: Some(1.0),
            previous: None,
            format: ValueFormat::default(),
            sparkline: None,
        }
    }

    #[test]
    fn takes_its_own_shape_and_names_the_wrong_one() {
        assert_eq!(
            ScalarData::from_widget_data(scalar().into(), "w"),
            Ok(scalar())
        );
        assert_eq!(
            SeriesData::from_widget_data(scalar().into(), "trend"),
            Err(PluginError::InvalidData(
                "trend needs series data, got scalar data".into()
            ))
        );
    }

    #[test]
    fn rows_must_match_their_schema() {
        let rows = RowsData {
            label: "t".into(),
            schema: vec![],
            rows: Batch {
                row_count: 0,
                columns: vec![],
            },
            total_rows: None,
            offset: 0,
        };
        assert!(RowsData::from_widget_data(rows.clone().into(), "t").is_ok());
        let mut bad = rows;
        bad.rows.columns.push(crate::types::Column {
            values: crate::types::ColumnValues::Int64(vec![]),
            nulls: vec![],
        });
        assert_eq!(
            RowsData::from_widget_data(bad.into(), "table"),
            Err(PluginError::InvalidData(
                "table got 1 columns for a schema of 0".into()
            ))
        );
    }
}
