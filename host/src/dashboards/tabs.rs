//! Changing a dashboard's tabs: add, rename, reorder and delete them, and
//! switch between one grid and tabs, keeping every widget somewhere sane.

use crate::store::{DashboardContent, Layout, MAX_TABS, MAX_TITLE_CHARS, Widget};

/// What happens to the widgets of a tab that is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanWidgets {
    /// Move them to this tab (index before the deletion), below its
    /// widgets.
    MoveTo(u32),
    /// Delete them with the tab.
    Delete,
}

/// One change to the tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabChange {
    /// A new, empty tab at the end.
    Add(String),
    /// Rename tab `tab`.
    Rename {
        /// The tab's index.
        tab: u32,
        /// Its new name.
        name: String,
    },
    /// Move tab `tab` to position `to`.
    Move {
        /// The tab's index.
        tab: u32,
        /// Its new index.
        to: u32,
    },
    /// Delete tab `tab`; its widgets go as `widgets` says.
    Delete {
        /// The tab's index.
        tab: u32,
        /// Where its widgets go.
        widgets: OrphanWidgets,
    },
    /// Turn a grid into tabs: the grid becomes the first tab, named so.
    UseTabs(String),
    /// Turn tabs into one grid: each tab's widgets below the previous
    /// tab's, in tab order.
    UseGrid,
}

impl TabChange {
    /// How the change reads in the version history of `content` (the
    /// dashboard before it).
    pub fn describe(&self, content: &DashboardContent) -> String {
        let tab_name = |tab: &u32| match &content.layout {
            Layout::Tabs { tabs } => tabs
                .get(*tab as usize)
                .map_or_else(|| format!("tab {tab}"), |n| format!("tab “{n}”")),
            Layout::Grid => format!("tab {tab}"),
        };
        match self {
            Self::Add(name) => format!("Added tab “{}”", name.trim()),
            Self::Rename { tab, name } => {
                format!("Renamed {} to “{}”", tab_name(tab), name.trim())
            }
            Self::Move { tab, .. } => format!("Moved {}", tab_name(tab)),
            Self::Delete { tab, .. } => format!("Deleted {}", tab_name(tab)),
            Self::UseTabs(_) => "Switched to tabs".to_owned(),
            Self::UseGrid => "Switched to one grid".to_owned(),
        }
    }
}

/// Why a tab change does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TabError {
    /// The dashboard has no tab with this index.
    #[error("there is no tab {0}")]
    NoSuchTab(u32),
    /// The dashboard is one grid; the change needs tabs.
    #[error("this dashboard has no tabs; switch it to tabs first")]
    NotTabbed,
    /// The dashboard already has tabs.
    #[error("this dashboard already has tabs")]
    AlreadyTabbed,
    /// A tab name that is empty or too long.
    #[error("a tab needs a name of 1 to {MAX_TITLE_CHARS} characters")]
    BadName,
    /// Too many tabs, or deleting the last one.
    #[error("{0}")]
    Count(String),
}

fn name(raw: &str) -> Result<String, TabError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_TITLE_CHARS {
        return Err(TabError::BadName);
    }
    Ok(name.to_owned())
}

/// The lowest row used on tab `tab`.
fn bottom(widgets: &[Widget], tab: u32) -> u32 {
    widgets
        .iter()
        .filter(|w| w.tab == tab)
        .map(|w| w.y + w.h)
        .max()
        .unwrap_or(0)
}

/// `content` with `change` applied.
pub fn apply_tab_change(
    content: &DashboardContent,
    change: TabChange,
) -> Result<DashboardContent, TabError> {
    let mut out = content.clone();
    if let TabChange::UseTabs(first) = &change {
        if matches!(out.layout, Layout::Tabs { .. }) {
            return Err(TabError::AlreadyTabbed);
        }
        out.layout = Layout::Tabs {
            tabs: vec![name(first)?],
        };
        out.widgets.iter_mut().for_each(|w| w.tab = 0);
        return Ok(out);
    }
    let Layout::Tabs { tabs } = &mut out.layout else {
        return Err(TabError::NotTabbed);
    };
    let count = u32::try_from(tabs.len()).unwrap_or(u32::MAX);
    let check = |tab: u32| {
        if tab < count {
            Ok(tab)
        } else {
            Err(TabError::NoSuchTab(tab))
        }
    };
    match change {
        TabChange::UseTabs(_) => unreachable!("handled above"),
        TabChange::Add(raw) => {
            if tabs.len() >= MAX_TABS {
                return Err(TabError::Count(format!(
                    "a dashboard has at most {MAX_TABS} tabs"
                )));
            }
            tabs.push(name(&raw)?);
        }
        TabChange::Rename { tab, name: raw } => {
            tabs[check(tab)? as usize] = name(&raw)?;
        }
        TabChange::Move { tab, to } => {
            let (tab, to) = (check(tab)?, check(to)?);
            let moved = tabs.remove(tab as usize);
            tabs.insert(to as usize, moved);
            // Widgets follow their tab; the tabs in between shift by one.
            for w in &mut out.widgets {
                w.tab = if w.tab == tab {
                    to
                } else if tab < to && w.tab > tab && w.tab <= to {
                    w.tab - 1
                } else if to < tab && w.tab >= to && w.tab < tab {
                    w.tab + 1
                } else {
                    w.tab
                };
            }
        }
        TabChange::Delete { tab, widgets } => {
            let tab = check(tab)?;
            if tabs.len() == 1 {
                return Err(TabError::Count(
                    "the last tab cannot be deleted; switch the dashboard to one grid instead"
                        .into(),
                ));
            }
            match widgets {
                OrphanWidgets::Delete => out.widgets.retain(|w| w.tab != tab),
                OrphanWidgets::MoveTo(target) => {
                    let target = check(target)?;
                    if target == tab {
                        return Err(TabError::Count(
                            "move the widgets to another tab than the one deleted".into(),
                        ));
                    }
                    let below = bottom(&out.widgets, target);
                    for w in out.widgets.iter_mut().filter(|w| w.tab == tab) {
                        w.tab = target;
                        w.y += below;
                    }
                }
            }
            tabs.remove(tab as usize);
            for w in out.widgets.iter_mut().filter(|w| w.tab > tab) {
                w.tab -= 1;
            }
        }
        TabChange::UseGrid => {
            let mut offset = 0;
            for tab in 0..count {
                let height = bottom(&content.widgets, tab);
                for w in out.widgets.iter_mut().filter(|w| w.tab == tab) {
                    w.y += offset;
                }
                offset += height;
            }
            out.widgets.iter_mut().for_each(|w| w.tab = 0);
            out.layout = Layout::Grid;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(id: &str, tab: u32, y: u32) -> Widget {
        Widget {
            id: id.into(),
            plugin: "p".into(),
            title: id.into(),
            config: serde_json::json!({}),
            x: 0,
            y,
            w: 4,
            h: 2,
            tab,
        }
    }

    fn tabbed(names: &[&str], widgets: Vec<Widget>) -> DashboardContent {
        DashboardContent {
            title: "t".into(),
            layout: Layout::Tabs {
                tabs: names.iter().map(|n| (*n).into()).collect(),
            },
            widgets,
        }
    }

    fn tabs_of(c: &DashboardContent) -> Vec<String> {
        match &c.layout {
            Layout::Tabs { tabs } => tabs.clone(),
            Layout::Grid => vec![],
        }
    }

    fn placed(c: &DashboardContent) -> Vec<(String, u32, u32)> {
        c.widgets
            .iter()
            .map(|w| (w.id.clone(), w.tab, w.y))
            .collect()
    }

    #[test]
    fn a_grid_becomes_tabs_and_back_without_overlaps() {
        let grid = DashboardContent {
            title: "t".into(),
            layout: Layout::Grid,
            widgets: vec![w("a", 0, 0)],
        };
        assert_eq!(
            apply_tab_change(&grid, TabChange::Add("x".into())),
            Err(TabError::NotTabbed)
        );
        let tabbed = apply_tab_change(&grid, TabChange::UseTabs(" Overview ".into())).unwrap();
        assert_eq!(tabs_of(&tabbed), ["Overview"]);
        let two = apply_tab_change(&tabbed, TabChange::Add("Details".into())).unwrap();
        let mut two = two;
        two.widgets.push(w("b", 1, 0));
        let grid = apply_tab_change(&two, TabChange::UseGrid).unwrap();
        assert_eq!(grid.layout, Layout::Grid);
        // `b` goes below `a`.
        assert_eq!(placed(&grid), [("a".into(), 0, 0), ("b".into(), 0, 2)]);
        grid.validate().unwrap();
    }

    #[test]
    fn reordering_keeps_each_widget_on_its_tab() {
        let c = tabbed(
            &["A", "B", "C"],
            vec![w("a", 0, 0), w("b", 1, 0), w("c", 2, 0)],
        );
        let moved = apply_tab_change(&c, TabChange::Move { tab: 0, to: 2 }).unwrap();
        assert_eq!(tabs_of(&moved), ["B", "C", "A"]);
        assert_eq!(
            placed(&moved),
            [("a".into(), 2, 0), ("b".into(), 0, 0), ("c".into(), 1, 0)]
        );
        let back = apply_tab_change(&moved, TabChange::Move { tab: 2, to: 0 }).unwrap();
        assert_eq!(back, c);
        assert_eq!(
            apply_tab_change(&c, TabChange::Move { tab: 3, to: 0 }),
            Err(TabError::NoSuchTab(3))
        );
    }

    #[test]
    fn deleting_a_tab_moves_or_deletes_its_widgets() {
        let c = tabbed(
            &["A", "B", "C"],
            vec![w("a", 0, 0), w("b", 1, 0), w("c", 2, 0)],
        );
        let moved = apply_tab_change(
            &c,
            TabChange::Delete {
                tab: 1,
                widgets: OrphanWidgets::MoveTo(0),
            },
        )
        .unwrap();
        assert_eq!(tabs_of(&moved), ["A", "C"]);
        assert_eq!(
            placed(&moved),
            [("a".into(), 0, 0), ("b".into(), 0, 2), ("c".into(), 1, 0)]
        );
        moved.validate().unwrap();
        let gone = apply_tab_change(
            &c,
            TabChange::Delete {
                tab: 0,
                widgets: OrphanWidgets::Delete,
            },
        )
        .unwrap();
        assert_eq!(placed(&gone), [("b".into(), 0, 0), ("c".into(), 1, 0)]);
        let one = tabbed(&["A"], vec![]);
        assert!(matches!(
            apply_tab_change(
                &one,
                TabChange::Delete {
                    tab: 0,
                    widgets: OrphanWidgets::Delete
                }
            ),
            Err(TabError::Count(_))
        ));
        assert_eq!(
            apply_tab_change(
                &c,
                TabChange::Rename {
                    tab: 0,
                    name: "  ".into()
                }
            ),
            Err(TabError::BadName)
        );
    }
}
