//! The JSON API beside the server functions: `POST /api/v1/quotes/preview`
//! computes a quote from a contract description (docs/QUOTE-API.md).
//!
//! Signed-in sales staff and operator admins only (the session cookie from
//! `/api/login`), like the simulator it mirrors.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use app::auth::Area;
use app::ssr::{ServerState, user_of_headers};

/// The preview route's path.
pub const QUOTE_PREVIEW_PATH: &str = "/api/v1/quotes/preview";

/// Largest description accepted: 1,000 sensor contracts fit in well under this.
pub const MAX_PREVIEW_BODY: usize = 1024 * 1024;

pub fn routes(state: ServerState) -> Router {
    Router::new()
        .route(QUOTE_PREVIEW_PATH, post(preview))
        .layer(DefaultBodyLimit::max(MAX_PREVIEW_BODY))
        .with_state(state)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

async fn preview(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let user = match user_of_headers(&state.sessions, &headers).await {
        Ok(user) => user,
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
    };
    let Some(user) = user else {
        return error(
            StatusCode::UNAUTHORIZED,
            "not signed in: log in with POST /api/login first",
        );
    };
    if !user.may(Area::Quotes) {
        return error(StatusCode::FORBIDDEN, "your role may not compute quotes");
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim() == "application/json")
        });
    if !is_json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the contract description as Content-Type: application/json",
        );
    }
    let description: contract::ContractDescription = match serde_json::from_slice(&body) {
        Ok(d) => d,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the contract description could not be read: {e}"),
            );
        }
    };
    match contract::quote(&description, &app::quotes::TARIFF) {
        Ok(quote) => axum::Json(quote).into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({ "error": e.to_string(), "detail": e })),
        )
            .into_response(),
    }
}
