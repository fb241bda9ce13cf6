//! Server-only code: storage, passwords, sessions, and the one place where
//! a request becomes an authenticated user.

pub mod accounts;
pub mod contracts;
pub mod db;
pub mod ingest;
pub mod password;
pub mod quotes;
pub mod sensors;
pub mod sessions;
pub mod throttle;
mod variant_name;

use std::sync::Arc;

use leptos::prelude::*;

use crate::auth::{Area, SessionUser};
use crate::error::AppError;

pub use accounts::Accounts;
pub use contracts::Contracts;
pub use db::{Backend, Db, DbError};
pub use ingest::Ingest;
pub use quotes::Quotes;
pub use sensors::Sensors;
pub use sessions::Sessions;

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
    pub db: Db,
    pub settings: AppSettings,
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub quotes: Quotes,
    pub contracts: Contracts,
    pub sensors: Sensors,
    pub ingest: Ingest,
}

impl ServerState {
    pub fn new(db: Db, settings: AppSettings) -> Self {
        ServerState {
            accounts: Accounts::new(db.clone(), Arc::new(throttle::Throttle::default())),
            sessions: Sessions::new(db.clone()),
            quotes: Quotes::new(db.clone()),
            contracts: Contracts::new(db.clone()),
            sensors: Sensors::new(db.clone()),
            ingest: Ingest::new(db.clone()),
            db,
            settings,
        }
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
    sessions: &Sessions,
    headers: &http::HeaderMap,
) -> Result<Option<SessionUser>, AppError> {
    let token = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session_token_in);
    match token {
        Some(token) => sessions.lookup(token).await,
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
        Some(token) => state.sessions.lookup(&token).await,
        None => Ok(None),
    }
}

/// The signed-in user, refused unless their role may use `area`.
pub async fn require_area(area: Area) -> Result<SessionUser, AppError> {
    let user = optional_user().await?.ok_or(AppError::Unauthenticated)?;
    if area.allows(user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The tenant a customer user is bound to.
pub fn tenant_of(user: &SessionUser) -> Result<i64, AppError> {
    user.tenant_id.ok_or(AppError::Forbidden)
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
