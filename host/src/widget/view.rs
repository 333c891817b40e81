//! One widget as a viewer sees it: its plugin's HTML, sanitized, or an
//! error card in its slot. A slow or failing widget never fails the
//! request; only a missing widget or a bad sort/page does.

use std::time::Duration;

use maud::{Markup, PreEscaped, html};

use super::error::WidgetError;
use super::sanitize::sanitize_bounded;
use super::service::{NOT_PERMITTED, WidgetService};
use super::table::{self, TableRequest};
use crate::data::RangeSpec;
use crate::plugins::{WidgetPlugin, excerpt};
use crate::store::{Dashboard, User, Widget};

/// Time a widget's HTML may take to clean.
const SANITIZE_BUDGET: Duration = Duration::from_millis(500);

/// Most bytes of an error message a widget card shows.
pub const MAX_SHOWN_ERROR_BYTES: usize = 4096;

/// What a view of one widget asks for.
#[derive(Debug, Clone)]
pub struct ViewRequest<'a> {
    /// The time range as the request gave it (an error says why it is
    /// unusable; a widget the viewer may not read shows its card anyway).
    pub range: Result<RangeSpec, String>,
    /// The size (CSS pixels) the widget is shown at, when the page measured
    /// it; an error says why it is unusable.
    pub size: Result<Option<(u32, u32)>, String>,
    /// Page of a table widget, 0-based.
    pub page: u64,
    /// Sorting and paging a table widget.
    pub table: TableRequest<'a>,
}

impl WidgetService {
    /// Widget `widget_id` of `dashboard` (which `user` may view) and its
    /// body: sanitized plugin HTML or an error card.
    pub async fn view(
        &self,
        user: &User,
        dashboard: &Dashboard,
        widget_id: &str,
        req: ViewRequest<'_>,
    ) -> Result<(Widget, Markup), WidgetError> {
        let widget = dashboard
            .widget(widget_id)
            .cloned()
            .ok_or(WidgetError::NoSuchWidget)?;
        if !self.may_read(user, &widget) {
            return Ok((widget, error_card(NOT_PERMITTED)));
        }
        let range = req.range.map_err(WidgetError::BadRequest)?;
        let size = req.size.map_err(WidgetError::BadRequest)?;
        self.prefetch(dashboard, &range);
        let (shown, page) = match self.table_plugin(&widget, req.table) {
            Some(plugin) => table::apply(self.data(), &plugin, &widget, req.table, req.page)?,
            None => (widget.clone(), req.page),
        };
        let body = match self.render(user, &shown, &range, page, size).await {
            Ok(html) => match sanitize_bounded(html, SANITIZE_BUDGET).await {
                Ok(clean) => PreEscaped(clean),
                Err(refused) => {
                    tracing::warn!(plugin = %shown.plugin, error = %refused, "widget HTML refused");
                    error_card(&refused.to_string())
                }
            },
            Err(message) => error_card(&message),
        };
        Ok((widget, body))
    }

    /// A draft widget (not saved) as [`WidgetService::view`] would show
    /// it at `size` (CSS pixels; its grid size when `None`), for the
    /// editor's live preview: sanitized plugin HTML, or an error card
    /// saying what is wrong with the draft.
    pub async fn preview(
        &self,
        user: &User,
        widget: &Widget,
        range: &RangeSpec,
        size: Option<(u32, u32)>,
    ) -> Markup {
        if !self.may_read(user, widget) {
            return error_card(NOT_PERMITTED);
        }
        match self.render(user, widget, range, 0, size).await {
            Ok(html) => match sanitize_bounded(html, SANITIZE_BUDGET).await {
                Ok(clean) => PreEscaped(clean),
                Err(refused) => error_card(&refused.to_string()),
            },
            Err(message) => error_card(&message),
        }
    }

    /// The data shape of a widget asked to sort or page; `None` when
    /// nothing is asked or the plugin is missing (its error card says so).
    fn table_plugin(&self, widget: &Widget, table: TableRequest<'_>) -> Option<WidgetPlugin> {
        if table.is_empty() {
            return None;
        }
        self.plugins().widget(&widget.plugin).ok()
    }
}

/// A failing widget: (an excerpt of) its message, in its own slot.
pub fn error_card(message: &str) -> Markup {
    html! { div.widget-error role="alert" { (excerpt(message, MAX_SHOWN_ERROR_BYTES)) } }
}
