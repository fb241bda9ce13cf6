//! Server-only glue between a request and storage: the request's context
//! (state, cookies, peer address) and the one place where a request becomes
//! an authenticated user allowed into an area. Storage itself is the `store`
//! crate.

use leptos::prelude::*;

use crate::error::AppError;
use model::{Area, SessionUser};

pub use store::{Db, Store, accounts, sessions};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "otlens_session";

/// Settings the app needs at request time.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// Adds `Secure` to cookies; on behind HTTPS.
    pub cookie_secure: bool,
}

/// Everything a server function needs, provided as context on every request.
#[derive(Clone)]
pub struct ServerState {
    pub store: Store,
    pub settings: AppSettings,
}

impl ServerState {
    pub fn new(db: Db, settings: AppSettings) -> Self {
        ServerState::with_store(Store::new(db), settings)
    }

    /// Over a store built elsewhere (the server's, with its detection
    /// settings).
    pub fn with_store(store: Store, settings: AppSettings) -> Self {
        ServerState { store, settings }
    }
}

impl std::ops::Deref for ServerState {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

pub fn server_state() -> Result<ServerState, AppError> {
    use_context::<ServerState>().ok_or_else(|| {
        tracing::error!("server state missing from the request context");
        AppError::Internal
    })
}

/// Sets the HTTP status of the current response to match the error.
pub fn reject(error: AppError) -> AppError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status_code());
    }
    error
}

/// Every server function's result passes through here so errors carry their HTTP status.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    result.map_err(reject)
}

fn request_header(name: http::header::HeaderName) -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
}

/// A lazy page's data as JSON text (see [`model::JsonText`]).
pub fn encoded<T: serde::Serialize>(value: &T) -> Result<model::JsonText<T>, AppError> {
    model::JsonText::encode(value).map_err(|error| {
        tracing::error!(%error, "a page's data could not be encoded");
        AppError::Internal
    })
}

/// The peer address of the connection (never a client-supplied header, which could be forged).
pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The session token in a `Cookie` header value.
pub fn session_token_in(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

pub fn session_token() -> Option<String> {
    session_token_in(&request_header(http::header::COOKIE)?).map(str::to_owned)
}

/// The signed-in user of a plain axum request (the JSON API and form posts
/// outside the server functions).
pub async fn user_of_headers(
    sessions: &store::Sessions,
    headers: &http::HeaderMap,
) -> Result<Option<SessionUser>, AppError> {
    let token = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session_token_in);
    match token {
        Some(token) => Ok(sessions.lookup(token).await?),
        None => Ok(None),
    }
}

fn set_cookie(value: String) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(header) = http::HeaderValue::from_str(&value)
    {
        response.append_header(http::header::SET_COOKIE, header);
    }
}

pub fn set_session_cookie(token: &str, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    set_cookie(format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        sessions::SESSION_LIFETIME_SECS
    ));
}

pub fn clear_session_cookie(secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    set_cookie(format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ));
}

/// The signed-in user, if any. Tenant and role come from the session row, never the request.
pub async fn optional_user() -> Result<Option<SessionUser>, AppError> {
    let state = server_state()?;
    match session_token() {
        Some(token) => Ok(state.sessions.lookup(&token).await?),
        None => Ok(None),
    }
}

/// The signed-in user, refused unless their role may use `area`.
pub async fn require_area(area: Area) -> Result<SessionUser, AppError> {
    let user = optional_user().await?.ok_or(AppError::Unauthenticated)?;
    admit(user, area)
}

/// `user` if their role may use `area`: the check every server function and
/// plain handler goes through.
pub fn admit(user: SessionUser, area: Area) -> Result<SessionUser, AppError> {
    if user.may(area) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The tenant a customer user is bound to.
pub fn tenant_of(user: &SessionUser) -> Result<i64, AppError> {
    user.tenant_id.ok_or(AppError::Forbidden)
}
