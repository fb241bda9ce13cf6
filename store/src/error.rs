//! What storage answers when it cannot do what was asked.

use model::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A value the caller gave was refused (named by its field).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The same answer for an unknown user and a wrong password, so neither leaks.
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many attempts, try again later")]
    Throttled,
    /// The database cannot be reached right now; worth retrying shortly.
    #[error("temporarily unavailable, try again shortly")]
    Unavailable,
    /// The database failed; the details are logged, not shown.
    #[error("internal error")]
    Internal,
}

impl StoreError {
    pub fn invalid(field: &str, problem: impl Into<String>) -> StoreError {
        StoreError::Invalid(Invalid::new(field, problem))
    }
}
