//! Signing in and out. Roles, areas and the rule between them are
//! `model::access`, re-exported here.

use leptos::prelude::*;

use crate::error::AppError;

pub use model::access::{Area, Role, SessionUser};

#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<SessionUser, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let state = server_state()?;
            let client = client_address();
            let user = state.accounts.login(&username, &password, &client).await?;
            let token = state.sessions.create(&user).await?;
            // A fresh token at every login (rotation): any token held before is dropped.
            if let Some(old) = session_token() {
                state.sessions.delete(&old).await?;
            }
            set_session_cookie(&token, state.settings.cookie_secure);
            Ok(user)
        }
        .await,
    )
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let state = server_state()?;
            if let Some(token) = session_token() {
                state.sessions.delete(&token).await?;
            }
            clear_session_cookie(state.settings.cookie_secure);
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SessionUser>, AppError> {
    use crate::ssr::*;
    respond(optional_user().await)
}
