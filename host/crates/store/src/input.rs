//! Strict input shapes of dashboard content: what an API body or an
//! imported document may say. The stored types ([`Widget`], [`Layout`],
//! [`Sharing`]) read records of every schema this build knows and so
//! tolerate keys they do not know; input from outside must not, or a
//! misspelt key (`"widht"`, `"role"` on a private dashboard) would be
//! accepted and silently dropped. Every key is known here, else the answer
//! names it (serde's "unknown field `…`").
//!
//! ```
//! use wasmdash_store::WidgetInput;
//! let bad = r#"{"id":"a","plugin":"p","title":"t","config":{},"x":0,"y":0,"w":1,"h":1,"colour":"red"}"#;
//! let err = serde_json::from_str::<WidgetInput>(bad).unwrap_err();
//! assert!(err.to_string().contains("unknown field `colour`"));
//! ```

use serde::Deserialize;

use super::dashboard::{Layout, Sharing, Widget};
use super::user::Role;

/// A widget as input: the fields of [`Widget`], nothing else.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetInput {
    id: String,
    plugin: String,
    title: String,
    config: serde_json::Value,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    #[serde(default)]
    tab: u32,
}

impl From<WidgetInput> for Widget {
    fn from(w: WidgetInput) -> Self {
        Self {
            id: w.id,
            plugin: w.plugin,
            title: w.title,
            config: w.config,
            x: w.x,
            y: w.y,
            w: w.w,
            h: w.h,
            tab: w.tab,
        }
    }
}

/// A layout as input: `{"kind": "grid"}` or `{"kind": "tabs", "tabs": [...]}`.
// Struct variants: serde lets unknown keys through on a unit variant of an
// internally tagged enum even with `deny_unknown_fields`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayoutInput {
    /// One grid.
    Grid {},
    /// One grid per tab.
    Tabs {
        /// Tab names, in order.
        tabs: Vec<String>,
    },
}

impl From<LayoutInput> for Layout {
    fn from(l: LayoutInput) -> Self {
        match l {
            LayoutInput::Grid {} => Self::Grid,
            LayoutInput::Tabs { tabs } => Self::Tabs { tabs },
        }
    }
}

/// Sharing as input: `{"mode": "private"}`, or `read_only`/`editable`
/// with a `role`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum SharingInput {
    /// Owner and admins only.
    Private {},
    /// Users with at least `role` may view and export.
    ReadOnly {
        /// The lowest role that may view.
        role: Role,
    },
    /// Users with at least `role` may view, export and edit.
    Editable {
        /// The lowest role that may edit.
        role: Role,
    },
}

impl From<SharingInput> for Sharing {
    fn from(s: SharingInput) -> Self {
        match s {
            SharingInput::Private {} => Self::Private,
            SharingInput::ReadOnly { role } => Self::ReadOnly { role },
            SharingInput::Editable { role } => Self::Editable { role },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> String {
        serde_json::from_str::<T>(text).unwrap_err().to_string()
    }

    #[test]
    fn every_unknown_key_is_refused_by_name() {
        let widget = r#"{"id":"a","plugin":"p","title":"t","config":{},"x":0,"y":0,"w":1,"h":1"#;
        let ok: Widget = serde_json::from_str::<WidgetInput>(&format!("{widget}}}"))
            .unwrap()
            .into();
        assert_eq!((ok.id.as_str(), ok.tab), ("a", 0));
        assert!(err::<WidgetInput>(&format!(r#"{widget},"widht":2}}"#)).contains("`widht`"));
        assert!(err::<LayoutInput>(r#"{"kind":"grid","tabs":["A"]}"#).contains("`tabs`"));
        assert!(matches!(
            Layout::from(serde_json::from_str::<LayoutInput>(r#"{"kind":"grid"}"#).unwrap()),
            Layout::Grid
        ));
        assert!(err::<SharingInput>(r#"{"mode":"private","role":"viewer"}"#).contains("`role`"));
        assert!(
            err::<SharingInput>(r#"{"mode":"read_only","role":"viewer","until":1}"#)
                .contains("`until`")
        );
        let shared: Sharing =
            serde_json::from_str::<SharingInput>(r#"{"mode":"editable","role":"editor"}"#)
                .unwrap()
                .into();
        assert_eq!(shared, Sharing::Editable { role: Role::Editor });
    }
}
