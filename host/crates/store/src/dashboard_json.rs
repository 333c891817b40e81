//! One dashboard as a portable JSON document, for export and import.
//!
//! The document carries a schema version so future wasmdash builds can read
//! old exports. Import checks structure only; the caller must still check
//! every widget's plugin exists and its `config` fits the plugin's JSON
//! Schema before storing the result.

use serde::{Deserialize, Serialize};

use super::dashboard::{Dashboard, DashboardContent, DashboardError};
use super::input::{LayoutInput, WidgetInput};

/// The `format` field of an exported dashboard.
pub const DASHBOARD_JSON_FORMAT: &str = "wasmdash-dashboard";
/// The schema version this build writes and the newest it reads.
pub const DASHBOARD_JSON_SCHEMA: u32 = 1;
/// Largest accepted document.
const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Serialize)]
struct Document {
    format: String,
    schema: u32,
    #[serde(flatten)]
    content: DashboardContent,
}

/// Why an imported dashboard document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DashboardJsonError {
    /// Larger than 4 MiB.
    #[error("the dashboard document is larger than 4 MiB")]
    TooLarge,
    /// Not JSON, or not the expected shape.
    #[error("the dashboard document is not valid: {0}")]
    Malformed(String),
    /// Some other kind of document.
    #[error("not a wasmdash dashboard export (format {0:?})")]
    WrongFormat(String),
    /// Written by a newer wasmdash.
    #[error(
        "dashboard schema {0} is newer than this wasmdash understands ({DASHBOARD_JSON_SCHEMA})"
    )]
    NewerSchema(u32),
    /// Well-formed but structurally invalid (off-grid widget, ...).
    #[error(transparent)]
    Invalid(#[from] DashboardError),
}

/// The portable JSON of a dashboard's content (no ids, owner or sharing).
pub fn export_dashboard(dashboard: &Dashboard) -> String {
    let doc = Document {
        format: DASHBOARD_JSON_FORMAT.to_owned(),
        schema: DASHBOARD_JSON_SCHEMA,
        content: dashboard.content.clone(),
    };
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Parse and structurally validate an exported dashboard.
pub fn import_dashboard(text: &str) -> Result<DashboardContent, DashboardJsonError> {
    if text.len() > MAX_BYTES {
        return Err(DashboardJsonError::TooLarge);
    }
    // Read the header first so a newer schema gets a clear message rather
    // than a confusing field error.
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        schema: Option<u32>,
    }
    let header: Header =
        serde_json::from_str(text).map_err(|e| DashboardJsonError::Malformed(e.to_string()))?;
    let format = header.format.unwrap_or_default();
    if format != DASHBOARD_JSON_FORMAT {
        return Err(DashboardJsonError::WrongFormat(format));
    }
    match header.schema {
        Some(s) if s > DASHBOARD_JSON_SCHEMA => return Err(DashboardJsonError::NewerSchema(s)),
        Some(_) => {}
        None => {
            return Err(DashboardJsonError::Malformed(
                "missing field `schema`".into(),
            ));
        }
    }
    let doc: InputDocument =
        serde_json::from_str(text).map_err(|e| DashboardJsonError::Malformed(e.to_string()))?;
    let content = DashboardContent {
        title: doc.title,
        layout: doc.layout.into(),
        widgets: doc.widgets.into_iter().map(Into::into).collect(),
    };
    content.validate()?;
    Ok(content)
}

/// A document as read on import: every key known, or it is refused by
/// name (an export of this build has exactly these).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputDocument {
    #[serde(rename = "format")]
    _format: String,
    #[serde(rename = "schema")]
    _schema: u32,
    title: String,
    layout: LayoutInput,
    widgets: Vec<WidgetInput>,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::dashboard::{Layout, Widget};
    use crate::ids::UserId;

    fn sample() -> Dashboard {
        let content = DashboardContent {
            title: "Sales".into(),
            layout: Layout::Tabs {
                tabs: vec!["Overview".into(), "Detail".into()],
            },
            widgets: vec![Widget {
                id: "w1".into(),
                plugin: "trend-chart".into(),
                title: "Revenue".into(),
                config: serde_json::json!({"metric": "revenue", "smooth": true}),
                x: 2,
                y: 3,
                w: 4,
                h: 2,
                tab: 1,
            }],
        };
        Dashboard::new(UserId::random(), content, Utc::now()).unwrap()
    }

    #[test]
    fn round_trip() {
        let d = sample();
        let text = export_dashboard(&d);
        assert_eq!(import_dashboard(&text).unwrap(), d.content);
    }

    #[test]
    fn refuses_bad_documents() {
        let good: serde_json::Value = serde_json::from_str(&export_dashboard(&sample())).unwrap();
        let with = |path: &str, value: serde_json::Value| {
            let mut doc = good.clone();
            *doc.pointer_mut(path).unwrap() = value;
            doc.to_string()
        };
        assert!(matches!(
            import_dashboard("{"),
            Err(DashboardJsonError::Malformed(_))
        ));
        assert!(matches!(
            import_dashboard(&with("/format", "other".into())),
            Err(DashboardJsonError::WrongFormat(_))
        ));
        assert!(matches!(
            import_dashboard(&with("/schema", 2.into())),
            Err(DashboardJsonError::NewerSchema(2))
        ));
        assert!(matches!(
            import_dashboard(&with("/widgets/0/x", 10.into())),
            Err(DashboardJsonError::Invalid(DashboardError::OffGrid { .. }))
        ));
        assert!(matches!(
            import_dashboard(&with("/widgets/0/x", (-1).into())),
            Err(DashboardJsonError::Malformed(_))
        ));
        assert!(matches!(
            import_dashboard(&" ".repeat(MAX_BYTES + 1)),
            Err(DashboardJsonError::TooLarge)
        ));
        // A key this build does not know is named, not dropped.
        for (path, key) in [
            ("/widgets/0", "colour"),
            ("", "theme"),
            ("/layout", "columns"),
        ] {
            let mut doc = good.clone();
            doc.pointer_mut(path)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert(key.into(), 1.into());
            match import_dashboard(&doc.to_string()) {
                Err(DashboardJsonError::Malformed(m)) => assert!(m.contains(key), "{m}"),
                other => panic!("{key}: {other:?}"),
            }
        }
    }
}
