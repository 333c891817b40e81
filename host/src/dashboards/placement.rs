//! Where a new widget goes: the first free cell of its tab's grid.

use crate::store::{DashboardContent, GRID_COLUMNS};

/// The top-left cell `(x, y)` of the first free `w`×`h` area on tab `tab`,
/// scanning rows top to bottom and each row left to right, so a new
/// widget fills a gap before it goes below everything else.
pub fn first_free_cell(content: &DashboardContent, tab: u32, w: u32, h: u32) -> (u32, u32) {
    let w = w.clamp(1, GRID_COLUMNS);
    let placed: Vec<_> = content.widgets.iter().filter(|o| o.tab == tab).collect();
    let bottom = placed.iter().map(|o| o.y + o.h).max().unwrap_or(0);
    for y in 0..=bottom {
        for x in 0..=(GRID_COLUMNS - w) {
            let overlaps = placed
                .iter()
                .any(|o| x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h);
            if !overlaps {
                return (x, y);
            }
        }
    }
    (0, bottom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Layout, Widget};

    fn at(id: &str, (x, y, w, h): (u32, u32, u32, u32), tab: u32) -> Widget {
        Widget {
            id: id.into(),
            plugin: "p".into(),
            title: id.into(),
            config: serde_json::json!({}),
            x,
            y,
            w,
            h,
            tab,
        }
    }

    fn content(widgets: Vec<Widget>) -> DashboardContent {
        DashboardContent {
            title: "t".into(),
            layout: Layout::Grid,
            widgets,
        }
    }

    #[test]
    fn fills_the_first_gap_before_going_below() {
        assert_eq!(first_free_cell(&content(vec![]), 0, 4, 3), (0, 0));
        let c = content(vec![at("a", (0, 0, 3, 2), 0), at("b", (6, 0, 6, 4), 0)]);
        // Right of `a`, left of `b`.
        assert_eq!(first_free_cell(&c, 0, 3, 2), (3, 0));
        // Too wide for the gap: under `a`, still left of `b`.
        assert_eq!(first_free_cell(&c, 0, 5, 2), (0, 2));
        // Full width: below everything.
        assert_eq!(first_free_cell(&c, 0, GRID_COLUMNS, 2), (0, 4));
        // Another tab is empty.
        assert_eq!(first_free_cell(&c, 1, 6, 4), (0, 0));
    }
}
