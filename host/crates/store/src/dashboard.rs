//! Dashboards: content the user edits, the sharing mode, and validation.
//!
//! Validation here covers structure only (titles, the 12-column grid, tabs,
//! unique widget ids). Whether a widget's `config` fits its plugin's JSON
//! Schema is checked by the caller, which knows the plugin registry; the
//! store deliberately knows nothing about plugins.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{DashboardId, UserId};
use super::user::Role;

/// Columns of the layout grid.
pub const GRID_COLUMNS: u32 = 12;
/// Lowest row a widget may reach (y + h), to keep layouts sane.
pub const MAX_GRID_ROWS: u32 = 1000;
/// Widgets per dashboard.
pub const MAX_WIDGETS: usize = 200;
/// Tabs per dashboard.
pub const MAX_TABS: usize = 50;
/// Characters in a dashboard, widget or tab title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Bytes of one widget's JSON config.
pub const MAX_CONFIG_BYTES: usize = 64 * 1024;
/// Characters in a version's message.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// How widgets are arranged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Layout {
    /// One grid.
    Grid,
    /// One grid per tab; widgets name their tab by index.
    Tabs {
        /// Tab names, in order.
        tabs: Vec<String>,
    },
}

/// Who besides the owner and admins may see or change a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Sharing {
    /// Owner and admins only.
    Private,
    /// Users with at least `role` may view and export.
    ReadOnly {
        /// The lowest role that may view.
        role: Role,
    },
    /// Users with at least `role` may view, export and edit (not delete).
    Editable {
        /// The lowest role that may edit.
        role: Role,
    },
}

/// One widget placed on the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    /// Unique within the dashboard; `[A-Za-z0-9_-]`, used in URLs.
    pub id: String,
    /// The widget plugin that renders it.
    pub plugin: String,
    /// Title shown in the widget's chrome.
    pub title: String,
    /// Plugin configuration, validated against the plugin's schema by the
    /// caller.
    pub config: serde_json::Value,
    /// Column, 0-based.
    pub x: u32,
    /// Row, 0-based.
    pub y: u32,
    /// Width in columns (>= 1, x + w <= 12).
    pub w: u32,
    /// Height in rows (>= 1).
    pub h: u32,
    /// Tab index; 0 for a grid layout.
    #[serde(default)]
    pub tab: u32,
}

/// The part of a dashboard its editors change and its history keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardContent {
    /// Title.
    pub title: String,
    /// Grid or tabs.
    pub layout: Layout,
    /// Widgets.
    pub widgets: Vec<Widget>,
}

/// Who saved a version of a dashboard, when, and why. Each kept version
/// carries its own; the current dashboard carries its current version's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionNote {
    /// The user who saved it. `None` for versions saved before wasmdash
    /// kept authors (stored with schema version 1).
    pub author: Option<UserId>,
    /// When it was saved.
    pub at: DateTime<Utc>,
    /// What its author said about it, if anything.
    pub message: Option<String>,
}

impl VersionNote {
    /// A note by `author` at `at`. The message is one line: line breaks
    /// and other control characters become spaces, it is trimmed, and an
    /// empty one is no message. Fails if it is longer than
    /// [`MAX_MESSAGE_CHARS`].
    pub fn new(
        author: &UserId,
        at: DateTime<Utc>,
        message: Option<&str>,
    ) -> Result<Self, DashboardError> {
        let message = message
            .map(|m| {
                m.chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect::<String>()
                    .trim()
                    .to_owned()
            })
            .filter(|m| !m.is_empty());
        if message
            .as_ref()
            .is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS)
        {
            return Err(DashboardError::MessageTooLong);
        }
        Ok(Self {
            author: Some(author.clone()),
            at,
            message,
        })
    }
}

/// A stored dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Id.
    pub id: DashboardId,
    /// Owner; may do anything with it.
    pub owner: UserId,
    /// What editors change; versioned.
    pub content: DashboardContent,
    /// Who else may see or edit. Not part of the versioned content: changing
    /// it is the owner's decision and neither conflicts with edits nor is
    /// undone by restoring an old version.
    pub sharing: Sharing,
    /// Starts at 1, +1 on every content change or restore.
    pub version: u64,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Time of the last content or sharing change.
    pub updated: DateTime<Utc>,
    /// Who saved the current version, when, and why.
    pub note: VersionNote,
}

impl Dashboard {
    /// A new private dashboard at version 1. Validates the content.
    pub fn new(
        owner: UserId,
        content: DashboardContent,
        now: DateTime<Utc>,
    ) -> Result<Self, DashboardError> {
        content.validate()?;
        Ok(Self {
            id: DashboardId::random(),
            owner: owner.clone(),
            content,
            sharing: Sharing::Private,
            version: 1,
            created: now,
            updated: now,
            note: VersionNote {
                author: Some(owner),
                at: now,
                message: None,
            },
        })
    }

    /// The widget with this id, if the dashboard has one.
    pub fn widget(&self, id: &str) -> Option<&Widget> {
        self.content.widgets.iter().find(|w| w.id == id)
    }
}

/// What is wrong with a dashboard's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DashboardError {
    /// The title is empty or only spaces.
    #[error("the dashboard needs a title")]
    EmptyTitle,
    /// A title is too long.
    #[error("{what} is longer than {MAX_TITLE_CHARS} characters")]
    TitleTooLong {
        /// Which title.
        what: String,
    },
    /// A title holds a control character (a newline, tab, escape...), which
    /// no page, PDF or terminal shows as the user meant it.
    #[error("{what} contains a control character (such as a line break or tab)")]
    ControlCharacter {
        /// Which title.
        what: String,
    },
    /// Too many widgets.
    #[error("a dashboard holds at most {MAX_WIDGETS} widgets")]
    TooManyWidgets,
    /// A widget id is empty or has characters other than `[A-Za-z0-9_-]`.
    #[error("widget id {0:?} is invalid; use 1-64 letters, digits, '_' or '-'")]
    BadWidgetId(String),
    /// Two widgets share an id.
    #[error("two widgets have the id {0:?}")]
    DuplicateWidgetId(String),
    /// A widget names no plugin.
    #[error("widget {0:?} names no plugin")]
    NoPlugin(String),
    /// A widget is zero wide or zero high.
    #[error("widget {0:?} must be at least 1 wide and 1 high")]
    ZeroSize(String),
    /// A widget sticks out of the 12-column grid.
    #[error("widget {widget:?} is off the grid: x {x} + w {w} is more than {GRID_COLUMNS} columns")]
    OffGrid {
        /// The widget.
        widget: String,
        /// Its column.
        x: u32,
        /// Its width.
        w: u32,
    },
    /// A widget reaches below the last allowed row.
    #[error("widget {0:?} reaches below row {MAX_GRID_ROWS}")]
    TooLow(String),
    /// A widget names a tab that does not exist.
    #[error("widget {widget:?} is on tab {tab}, but the dashboard has {tabs} tab(s)")]
    NoSuchTab {
        /// The widget.
        widget: String,
        /// Its tab index.
        tab: u32,
        /// Number of tabs (1 for a grid).
        tabs: usize,
    },
    /// A tabs layout without tabs, or with too many.
    #[error("a tabs layout needs 1 to {MAX_TABS} tabs")]
    TabCount,
    /// A tab name is empty or repeated.
    #[error("tab names must be non-empty and distinct ({0:?})")]
    BadTabName(String),
    /// A widget's config is too large.
    #[error("widget {0:?} has a config larger than {MAX_CONFIG_BYTES} bytes")]
    ConfigTooLarge(String),
    /// A widget's config nests too deeply.
    #[error("widget {0:?} has a config nested deeper than {MAX_CONFIG_DEPTH} levels")]
    ConfigTooDeep(String),
    /// A version's message is too long.
    #[error("the version message is longer than {MAX_MESSAGE_CHARS} characters")]
    MessageTooLong,
}

/// Deepest nesting of objects and arrays in a widget config (plugin
/// configs need 3 or 4).
pub const MAX_CONFIG_DEPTH: usize = 16;

/// Nesting depth of a JSON value: 0 for a scalar, 1 for `[]` or `{}`.
/// Iterative, so even a pathological value cannot overflow the stack.
pub fn json_depth(value: &serde_json::Value) -> usize {
    use serde_json::Value;
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Array(items) => {
                deepest = deepest.max(depth);
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            Value::Object(map) => {
                deepest = deepest.max(depth);
                stack.extend(map.values().map(|i| (i, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

fn check_title(what: &str, title: &str) -> Result<(), DashboardError> {
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(DashboardError::TitleTooLong { what: what.into() });
    }
    if title.chars().any(char::is_control) {
        return Err(DashboardError::ControlCharacter { what: what.into() });
    }
    Ok(())
}

impl DashboardContent {
    /// Check the structure: title, grid bounds, tabs, widget ids.
    pub fn validate(&self) -> Result<(), DashboardError> {
        if self.title.trim().is_empty() {
            return Err(DashboardError::EmptyTitle);
        }
        check_title("the dashboard title", &self.title)?;
        let tabs = match &self.layout {
            Layout::Grid => 1,
            Layout::Tabs { tabs } => {
                if tabs.is_empty() || tabs.len() > MAX_TABS {
                    return Err(DashboardError::TabCount);
                }
                let mut seen = HashSet::new();
                for name in tabs {
                    check_title("a tab name", name)?;
                    if name.trim().is_empty() || !seen.insert(name.trim()) {
                        return Err(DashboardError::BadTabName(name.clone()));
                    }
                }
                tabs.len()
            }
        };
        if self.widgets.len() > MAX_WIDGETS {
            return Err(DashboardError::TooManyWidgets);
        }
        let mut ids = HashSet::new();
        for w in &self.widgets {
            w.validate(tabs)?;
            if !ids.insert(w.id.as_str()) {
                return Err(DashboardError::DuplicateWidgetId(w.id.clone()));
            }
        }
        Ok(())
    }
}

impl Widget {
    fn validate(&self, tabs: usize) -> Result<(), DashboardError> {
        let id = || self.id.clone();
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
        if !id_ok {
            return Err(DashboardError::BadWidgetId(id()));
        }
        if self.plugin.trim().is_empty() {
            return Err(DashboardError::NoPlugin(id()));
        }
        check_title("a widget title", &self.title)?;
        if self.w == 0 || self.h == 0 {
            return Err(DashboardError::ZeroSize(id()));
        }
        // checked_add: huge values must be an error, not an overflow.
        if self
            .x
            .checked_add(self.w)
            .is_none_or(|end| end > GRID_COLUMNS)
        {
            return Err(DashboardError::OffGrid {
                widget: id(),
                x: self.x,
                w: self.w,
            });
        }
        if self
            .y
            .checked_add(self.h)
            .is_none_or(|end| end > MAX_GRID_ROWS)
        {
            return Err(DashboardError::TooLow(id()));
        }
        if self.tab as usize >= tabs {
            return Err(DashboardError::NoSuchTab {
                widget: id(),
                tab: self.tab,
                tabs,
            });
        }
        if self.config.to_string().len() > MAX_CONFIG_BYTES {
            return Err(DashboardError::ConfigTooLarge(id()));
        }
        if json_depth(&self.config) > MAX_CONFIG_DEPTH {
            return Err(DashboardError::ConfigTooDeep(id()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_tab_names_with_control_characters_are_refused() {
        for bad in ["Sales\nQ3", "Sales\tQ3", "Sales\u{1b}[31m", "Sales\u{7f}"] {
            let titled = DashboardContent {
                title: bad.into(),
                ..content(Layout::Grid, vec![])
            };
            assert!(
                matches!(
                    titled.validate(),
                    Err(DashboardError::ControlCharacter { .. })
                ),
                "title {bad:?}"
            );
            let tabbed = content(
                Layout::Tabs {
                    tabs: vec!["Overview".into(), bad.into()],
                },
                vec![],
            );
            assert!(
                matches!(
                    tabbed.validate(),
                    Err(DashboardError::ControlCharacter { .. })
                ),
                "tab name {bad:?}"
            );
        }
        let fine = DashboardContent {
            title: "Ventes — été 2026 ✓".into(),
            ..content(Layout::Grid, vec![])
        };
        assert_eq!(fine.validate(), Ok(()));
    }

    #[test]
    fn deeply_nested_configs_are_refused() {
        let mut config = serde_json::json!(1);
        for _ in 0..100 {
            config = serde_json::json!({ "unknown": config });
        }
        assert_eq!(json_depth(&config), 100);
        let mut w = widget("w", 0, 3, 0);
        w.config = config;
        assert!(matches!(
            w.validate(1),
            Err(DashboardError::ConfigTooDeep(_))
        ));
        assert_eq!(json_depth(&serde_json::json!({"a": [1, {"b": 2}]})), 3);
        assert_eq!(json_depth(&serde_json::json!("x")), 0);
    }

    fn widget(id: &str, x: u32, w: u32, tab: u32) -> Widget {
        Widget {
            id: id.into(),
            plugin: "metric-card".into(),
            title: "Revenue".into(),
            config: serde_json::json!({"metric": "revenue"}),
            x,
            y: 0,
            w,
            h: 2,
            tab,
        }
    }

    fn content(layout: Layout, widgets: Vec<Widget>) -> DashboardContent {
        DashboardContent {
            title: "Sales".into(),
            layout,
            widgets,
        }
    }

    #[test]
    fn accepts_a_full_row() {
        let c = content(
            Layout::Grid,
            vec![widget("a", 0, 6, 0), widget("b", 6, 6, 0)],
        );
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn refuses_bad_structure() {
        let tabs = Layout::Tabs {
            tabs: vec!["One".into(), "Two".into()],
        };
        let cases = [
            (
                content(Layout::Grid, vec![widget("a", 7, 6, 0)]),
                "off the grid",
            ),
            (
                content(Layout::Grid, vec![widget("a", u32::MAX, 6, 0)]),
                "off the grid",
            ),
            (
                content(Layout::Grid, vec![widget("a", 0, 0, 0)]),
                "at least 1 wide",
            ),
            (content(Layout::Grid, vec![widget("a", 0, 1, 1)]), "tab 1"),
            (content(tabs.clone(), vec![widget("a", 0, 1, 2)]), "tab 2"),
            (
                content(
                    Layout::Grid,
                    vec![widget("a", 0, 1, 0), widget("a", 1, 1, 0)],
                ),
                "two widgets",
            ),
            (
                content(Layout::Grid, vec![widget("a/b", 0, 1, 0)]),
                "invalid",
            ),
            (
                content(Layout::Tabs { tabs: vec![] }, vec![]),
                "1 to 50 tabs",
            ),
            (
                content(
                    Layout::Tabs {
                        tabs: vec!["x".into(), "x".into()],
                    },
                    vec![],
                ),
                "distinct",
            ),
        ];
        for (c, needle) in cases {
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err:?} should contain {needle:?}");
        }
        let mut untitled = content(Layout::Grid, vec![]);
        untitled.title = "  ".into();
        assert_eq!(untitled.validate(), Err(DashboardError::EmptyTitle));
        assert_eq!(
            content(tabs, vec![widget("a", 0, 12, 1)]).validate(),
            Ok(())
        );
    }
}
