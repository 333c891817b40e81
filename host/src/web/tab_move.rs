//! The "Move to tab" control of edit mode.
//!
//! Each widget of a tabbed dashboard gets one while the layout is edited
//! (reachable by keyboard; dropping a dragged widget on a tab's button does
//! the same). A move only changes the arrangement on the page: app.js puts
//! the widget at the bottom of the target tab, keeping its size, and
//! "Save layout" sends every widget's place *and tab* as one version
//! ([`super::layout_save`]), so moves are saved, cancelled and met with a
//! stale version like any drag.

use maud::{Markup, html};

use crate::store::Widget;

/// The "Move to tab" control of widget `w` among the dashboard's `tabs`.
/// It sits in a strip above the widget (CSS), never over its content.
pub(super) fn control(w: &Widget, tabs: &[String]) -> Markup {
    html! {
        form.widget-move data-move-widget=(w.id) {
            label.sr-only for={ "move-" (w.id) } { "Move " (w.title) " to tab" }
            select id={ "move-" (w.id) } name="tab" {
                @for (i, name) in tabs.iter().enumerate() {
                    option value=(i) selected[i == w.tab as usize] { (name) }
                }
            }
            button type="submit" aria-label={ "Move " (w.title) " to the chosen tab" } { "Move" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_offers_every_tab_with_the_current_one_chosen() {
        let w = Widget {
            id: "w1".into(),
            plugin: "metric-card".into(),
            title: "Orders <all>".into(),
            config: serde_json::json!({}),
            x: 0,
            y: 0,
            w: 3,
            h: 2,
            tab: 1,
        };
        let tabs = ["One".to_owned(), "Two".to_owned()];
        let html = control(&w, &tabs).into_string();
        assert!(html.contains(r#"data-move-widget="w1""#), "{html}");
        assert!(
            html.contains(r#"<option value="1" selected>Two</option>"#),
            "{html}"
        );
        assert!(html.contains(r#"<option value="0">One</option>"#), "{html}");
        assert!(html.contains("Move Orders &lt;all&gt; to tab"), "{html}");
    }
}
