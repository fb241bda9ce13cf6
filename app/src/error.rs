//! The one error type that crosses the wire from server functions.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("your role may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    /// The same answer for an unknown user and a wrong password, so neither leaks.
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many attempts, try again later")]
    Throttled,
    /// The database cannot be reached right now (503, with Retry-After).
    #[error("temporarily unavailable, try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal,
    #[error("request error: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }

    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } | AppError::Transport(_) => StatusCode::BAD_REQUEST,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A lazy page's data sent as [`model::JsonText`], decoded by the page's
/// own code (called in its view, so the decoder is in the page's file).
pub fn decoded<T: serde::de::DeserializeOwned>(
    answer: Result<model::JsonText<T>, AppError>,
) -> Result<T, AppError> {
    answer.and_then(|text| {
        text.parse()
            .map_err(|e| AppError::Transport(format!("unreadable answer: {e}")))
    })
}

impl From<model::Invalid> for AppError {
    fn from(e: model::Invalid) -> Self {
        AppError::Invalid {
            field: e.field,
            problem: e.problem,
        }
    }
}

/// A change that re-materialises the inventory (a decision, a zone): what
/// storage refused as it says; a stored state that cannot be read, logged.
#[cfg(feature = "ssr")]
impl From<store::analysis::AnalysisError> for AppError {
    fn from(e: store::analysis::AnalysisError) -> Self {
        match e {
            store::analysis::AnalysisError::Store(e) => e.into(),
            error => {
                tracing::error!(%error, "the inventory could not be changed");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        use store::StoreError;
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid(invalid) => invalid.into(),
            StoreError::BadCredentials => AppError::BadCredentials,
            StoreError::Throttled => AppError::Throttled,
            StoreError::Unavailable => AppError::Unavailable,
            StoreError::Internal => AppError::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
