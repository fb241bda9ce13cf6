//! The signed-in customer behind a plain handler's request (the downloads
//! outside the server functions): its tenant, or the answer that refuses
//! the request — 401 without a session, 403 for a user the portal does not
//! admit. The tenant always comes from the session, never the request.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use app::auth::Area;
use app::ssr::{ServerState, user_of_headers};

/// The tenant of the request's portal user; `refusal` says what a user of
/// another kind may not do.
pub async fn portal_tenant(
    state: &ServerState,
    headers: &HeaderMap,
    refusal: &'static str,
) -> Result<i64, Response> {
    let user = match user_of_headers(&state.sessions, headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err((StatusCode::UNAUTHORIZED, "not signed in").into_response()),
        Err(_) => {
            return Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response());
        }
    };
    match (user.may(Area::Portal), user.tenant_id) {
        (true, Some(tenant_id)) => Ok(tenant_id),
        _ => Err((StatusCode::FORBIDDEN, refusal).into_response()),
    }
}
