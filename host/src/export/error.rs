//! Why an export could not start or stopped.

use crate::data::DataError;
use crate::plugins::PluginError;
use crate::widget::BindingError;

/// An export failed, before its first byte or while streaming.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// No installed exporter has this id.
    #[error("unknown export format `{format}`; installed: {installed}")]
    UnknownFormat {
        /// What was asked for (cut short).
        format: String,
        /// Ids of the installed exporters, comma-separated.
        installed: String,
    },
    /// The exporter options are not a JSON object.
    #[error("bad export options: {0}")]
    BadOptions(String),
    /// The export names nothing to export, or something that cannot be.
    #[error("{0}")]
    BadSource(String),
    /// A malformed request (a parameter, the options text).
    #[error("{0}")]
    BadRequest(String),
    /// The user may not read what the export names.
    #[error("{0}")]
    NotPermitted(String),
    /// A widget's config does not say what data it shows.
    #[error("widget `{widget}`: {source}")]
    Binding {
        /// The widget's title.
        widget: String,
        /// Why.
        source: BindingError,
    },
    /// The data engine refused the request or the database failed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The exporter plugin refused or failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The user runs as many downloads as one may at once.
    #[error("you are running {limit} exports already; wait for one to finish")]
    TooMany {
        /// The per-user limit.
        limit: usize,
    },
    /// The receiver went away (the client disconnected): not a failure of
    /// the export, only the reason it stopped.
    #[error("the export was cancelled by its reader")]
    Cancelled,
}

impl ExportError {
    /// True for mistakes in the request, which are reported as they are
    /// (4xx); the rest are failures of ours, the database or a plugin.
    pub fn is_user_error(&self) -> bool {
        match self {
            Self::UnknownFormat { .. }
            | Self::BadOptions(_)
            | Self::BadSource(_)
            | Self::BadRequest(_)
            | Self::NotPermitted(_)
            | Self::Binding { .. } => true,
            Self::Data(e) => e.is_user_error(),
            Self::Plugin(PluginError::InvalidConfig { .. }) => true,
            Self::Plugin(_) | Self::Cancelled | Self::TooMany { .. } => false,
        }
    }

    /// One line that may be shown to the person exporting: database
    /// internals are never part of it (the data engine keeps them for the
    /// log), plugin failures name the plugin.
    pub fn public_message(&self) -> String {
        self.to_string()
    }
}

/// Result of the export pipeline.
pub type Result<T, E = ExportError> = std::result::Result<T, E>;
