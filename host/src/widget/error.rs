//! Why a widget view was refused.

/// A refused widget request (a widget that merely fails to render is not
/// an error: it shows an error card in its slot).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WidgetError {
    /// The dashboard has no widget with this id.
    #[error("no such widget on this dashboard")]
    NoSuchWidget,
    /// The sort or page asked for does not fit the widget.
    #[error("{0}")]
    BadRequest(String),
}
