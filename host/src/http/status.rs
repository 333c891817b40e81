//! Each domain error as an [`HttpError`]: one mapping per error type, in
//! one place, so the same failure has the same status everywhere (a data
//! timeout is 504 on every route; a busy plugin or source is 503 with
//! `Retry-After`).

use super::error::HttpError;
use crate::alerts::AlertError;
use crate::auth::AuthError;
use crate::dashboards::DashboardsError;
use crate::data::DataError;
use crate::export::ExportError;
use crate::plugins::PluginError;
use crate::store::StoreError;
use crate::widget::WidgetError;

/// Seconds a client is asked to wait when something is busy.
const BUSY_RETRY_SECS: u64 = 2;

impl From<StoreError> for HttpError {
    fn from(err: StoreError) -> Self {
        use crate::store::StoreError as E;
        match err {
            E::DuplicateUsername(_) | E::Conflict { .. } => Self::conflict(err.to_string()),
            E::InvalidUsername(_) | E::InvalidDashboard(_) | E::InvalidBackup(_) => {
                Self::unprocessable(err.to_string())
            }
            E::UserNotFound | E::DashboardNotFound | E::TokenNotFound | E::VersionNotFound(_) => {
                Self::not_found(err.to_string())
            }
            other => Self::internal(other),
        }
    }
}

impl From<AuthError> for HttpError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::InvalidCredentials
            | AuthError::AccountDisabled
            | AuthError::NotSignedIn
            | AuthError::SessionExpired
            | AuthError::InvalidToken => Self::unauthorized(),
            AuthError::CsrfMismatch | AuthError::ReadOnlyToken => Self::forbidden(err.to_string()),
            AuthError::SetupClosed => Self::not_found(err.to_string()),
            AuthError::PasswordTooShort { .. }
            | AuthError::PasswordTooLong { .. }
            | AuthError::BadTokenName
            | AuthError::BadTokenLifetime(_) => Self::unprocessable(err.to_string()),
            AuthError::Throttled(locked) => {
                Self::too_many_requests(err.to_string(), locked.retry_after_secs)
            }
            AuthError::Busy => Self::unavailable(err.to_string(), BUSY_RETRY_SECS),
            AuthError::Store(store) => store.into(),
            other => Self::internal(other),
        }
    }
}

impl From<DataError> for HttpError {
    fn from(err: DataError) -> Self {
        match &err {
            DataError::UnknownMetric(_) | DataError::UnknownDataset(_) => {
                Self::not_found(err.to_string())
            }
            DataError::Timeout { .. } => Self::timeout(err.to_string()),
            DataError::Busy {
                name,
                retry_after_secs,
            } => {
                tracing::warn!(source = %name, "data source busy");
                Self::unavailable(err.to_string(), *retry_after_secs)
            }
            e if e.is_user_error() => Self::bad_request(err.to_string()),
            _ => Self::internal(format!("{err:?}")),
        }
    }
}

impl From<PluginError> for HttpError {
    fn from(err: PluginError) -> Self {
        match &err {
            PluginError::Busy { .. } => Self::unavailable(err.to_string(), BUSY_RETRY_SECS),
            PluginError::NotFound { .. } | PluginError::InvalidConfig { .. } => {
                Self::unprocessable(err.to_string())
            }
            _ => Self::internal_with(err.to_string(), format!("{err:?}")),
        }
    }
}

impl From<AlertError> for HttpError {
    fn from(err: AlertError) -> Self {
        match err {
            AlertError::Invalid { ref field, .. } => {
                let field = field.clone();
                Self::unprocessable(err.to_string()).with_field(field)
            }
            AlertError::NotFound => Self::not_found("no such alert"),
            AlertError::Forbidden(message) => Self::forbidden(message),
            AlertError::StaleVersion { .. } => Self::conflict(err.to_string()),
            AlertError::Data(data) if data.is_user_error() => Self::unprocessable(data.to_string()),
            AlertError::Data(data @ (DataError::Timeout { .. } | DataError::Busy { .. })) => {
                data.into()
            }
            AlertError::Plugin(plugin @ PluginError::Busy { .. }) => plugin.into(),
            AlertError::Store(store) => store.into(),
            other => Self::internal(other),
        }
    }
}

impl From<ExportError> for HttpError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Data(
                data @ (DataError::UnknownDataset(_) | DataError::UnknownMetric(_)),
            ) => Self::not_found(data.to_string()),
            ExportError::Data(data @ (DataError::Timeout { .. } | DataError::Busy { .. })) => {
                data.into()
            }
            ExportError::Plugin(plugin @ PluginError::Busy { .. }) => plugin.into(),
            ExportError::NotPermitted(message) => Self::forbidden(message),
            ExportError::TooMany { .. } => Self::too_many_requests(e.to_string(), 5),
            ExportError::Plugin(PluginError::NotFound { .. }) | ExportError::Binding { .. } => {
                Self::unprocessable(e.to_string())
            }
            _ if e.is_user_error() => Self::bad_request(e.to_string()),
            _ => Self::internal_with(
                format!("the export failed: {}", e.public_message()),
                format!("{e:?}"),
            ),
        }
    }
}

impl From<DashboardsError> for HttpError {
    fn from(err: DashboardsError) -> Self {
        match err {
            DashboardsError::NotFound | DashboardsError::NoSuchWidget => {
                Self::not_found(err.to_string())
            }
            DashboardsError::Forbidden(m) => Self::forbidden(m),
            DashboardsError::BadRequest(m) => Self::bad_request(m),
            DashboardsError::Invalid(m) => Self::unprocessable(m),
            DashboardsError::Widget(e) => {
                let field = e.field().map(str::to_owned);
                let err = Self::unprocessable(e.to_string());
                match field {
                    Some(f) => err.with_field(f),
                    None => err,
                }
            }
            DashboardsError::TooLarge(m) => Self::too_large(m),
            DashboardsError::Conflict(m) => Self::conflict(m),
            DashboardsError::Store(store) => store.into(),
        }
    }
}

impl From<WidgetError> for HttpError {
    fn from(err: WidgetError) -> Self {
        match err {
            WidgetError::NoSuchWidget => Self::not_found(err.to_string()),
            WidgetError::BadRequest(m) => Self::bad_request(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn database_details_never_reach_the_client() {
        let e = HttpError::from(DataError::Database {
            detail: "relation \"x\" at 10.0.0.1".into(),
        });
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.message().contains("10.0.0.1"));
        let e = HttpError::from(DataError::UnknownMetric("nope".into()));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        let e = HttpError::from(DataError::BadRange("x".into()));
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn a_timeout_is_504_and_busy_is_503_on_every_path() {
        let timeout = || DataError::Timeout { limit_ms: 5 };
        assert_eq!(
            HttpError::from(timeout()).status(),
            StatusCode::GATEWAY_TIMEOUT
        );
        assert_eq!(
            HttpError::from(ExportError::Data(timeout())).status(),
            StatusCode::GATEWAY_TIMEOUT
        );
        let busy = HttpError::from(ExportError::Plugin(PluginError::Busy {
            plugin: "csv".into(),
            slots: 2,
        }));
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.retry_after_secs(), Some(BUSY_RETRY_SECS));
        let source = HttpError::from(ExportError::Data(DataError::Busy {
            name: "main".into(),
            retry_after_secs: 3,
        }));
        assert_eq!(source.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(source.retry_after_secs(), Some(3));
    }

    #[test]
    fn invalid_alert_fields_are_named() {
        let e = HttpError::from(AlertError::Invalid {
            field: "name".into(),
            message: "empty".into(),
        });
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.field(), Some("name"));
    }

    #[test]
    fn alert_errors_map_to_readable_statuses() {
        let e = HttpError::from(AlertError::invalid("recipients", "`x` is not valid"));
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("recipients"));
        assert_eq!(
            HttpError::from(AlertError::NotFound).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            HttpError::from(AlertError::StaleVersion { current: 3 }).status(),
            StatusCode::CONFLICT
        );
        let e = HttpError::from(AlertError::Delivery("smtp.internal:25 refused".into()));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.to_string().contains("smtp.internal"));
    }
}
