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

/// The cookie that carries a plain form's refusal back to the page the
/// form was on.
pub const FORM_FLASH_COOKIE: &str = "otlens_form";

/// What a refused plain form sends back to its page: which form, why, and
/// what was typed, so nothing has to be typed again.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormFlash {
    pub form: String,
    pub error: String,
    pub fields: Vec<(String, String)>,
}

impl FormFlash {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Browsers keep cookies up to about 4 KB; what was typed goes only if it fits.
const MAX_FLASH_BYTES: usize = 3000;

/// The result of a server function that a page's plain HTML form posts
/// (the browser is sent back to that page either way): a refusal also
/// goes back, in a cookie the page reads once ([`take_form_flash`]), with
/// what was typed. Called from script (a JSON request), as [`respond`].
pub fn form_outcome<T>(
    result: Result<T, AppError>,
    flash: impl FnOnce() -> FormFlash,
) -> Result<T, AppError> {
    let plain_form = request_header(http::header::ACCEPT).is_some_and(|a| a.contains("text/html"));
    match result {
        Err(error) if plain_form => {
            let mut flash = flash();
            flash.error = error.to_string();
            let mut value = model::inventory::percent_encode(
                &serde_json::to_string(&flash).unwrap_or_default(),
            );
            if value.len() > MAX_FLASH_BYTES {
                flash.fields.clear();
                value = model::inventory::percent_encode(
                    &serde_json::to_string(&flash).unwrap_or_default(),
                );
            }
            set_cookie(format!(
                "{FORM_FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=300"
            ));
            // No error status: the redirect back to the form's page stands,
            // without the error Leptos would add to its address (the page
            // shows the cookie's, which nobody can put in a link).
            if let (Some(response), Some(referer)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                request_header(http::header::REFERER)
                    .and_then(|r| http::HeaderValue::from_str(&r).ok()),
            ) {
                response.insert_header(http::header::LOCATION, referer);
            }
            Err(error)
        }
        other => respond(other),
    }
}

/// The refusal a plain form named `form` sent back, read once: the cookie
/// is cleared with this response.
pub fn take_form_flash(form: &str) -> Option<FormFlash> {
    let cookies = request_header(http::header::COOKIE)?;
    let value = cookies
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == FORM_FLASH_COOKIE)
        .map(|(_, value)| value.trim().to_owned())?;
    let flash: FormFlash = serde_json::from_str(&model::inventory::percent_decode(&value)).ok()?;
    if flash.form != form {
        return None;
    }
    set_cookie(format!(
        "{FORM_FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    ));
    Some(flash)
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
