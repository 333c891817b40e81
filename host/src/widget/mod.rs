//! Widgets, transport-neutral: what data a widget's config asks for
//! ([`widget_query`]) and the one schema its config must fit
//! ([`WidgetSchemas`]), reading that data ([`fetch`]), and showing a widget
//! to a user with its plugin ([`WidgetService`]): data rules, rendering,
//! sanitizing, sorting and paging tables, error cards.
//!
//! Pages, the JSON API and exports all go through here; none of it knows
//! HTTP. The chrome around a widget (title, menu) belongs to the pages.

mod binding;
mod error;
mod fetch;
mod sanitize;
mod schema;
mod service;
mod table;
mod view;

pub use binding::{BindingError, MAX_PAGE_SIZE, MAX_TOP, WidgetQuery, query_for, widget_query};
pub use error::WidgetError;
pub use fetch::fetch;
pub use sanitize::{SanitizeError, sanitize_bounded, sanitize_plugin_html};
pub(crate) use schema::BINDING_ORDER;
pub use schema::{
    Catalog, WidgetConfigError, WidgetSchema, WidgetSchemas, effective_schema, one_line,
};
pub use service::{NOT_PERMITTED, WidgetService};
pub use table::TableRequest;
pub use view::{MAX_SHOWN_ERROR_BYTES, ViewRequest, error_card};
