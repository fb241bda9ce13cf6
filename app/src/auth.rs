//! Accounts and sessions: who may sign in and what each role may see.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The operator's administrators: tenants, users, sensors, tariff.
    OperatorAdmin,
    /// The operator's sales staff: quotes.
    Sales,
    /// A customer's administrator, bound to one tenant.
    CustomerAdmin,
    /// A customer's read-only user, bound to one tenant.
    CustomerViewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::OperatorAdmin,
        Role::Sales,
        Role::CustomerAdmin,
        Role::CustomerViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OperatorAdmin => "operator_admin",
            Role::Sales => "sales",
            Role::CustomerAdmin => "customer_admin",
            Role::CustomerViewer => "customer_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Customer roles belong to exactly one tenant; operator roles to none.
    pub fn is_customer(self) -> bool {
        matches!(self, Role::CustomerAdmin | Role::CustomerViewer)
    }

    pub fn label(self, t: &crate::i18n::Catalogue) -> &'static str {
        match self {
            Role::OperatorAdmin => t.role_operator_admin,
            Role::Sales => t.role_sales,
            Role::CustomerAdmin => t.role_customer_admin,
            Role::CustomerViewer => t.role_customer_viewer,
        }
    }
}

/// The areas of the app; each page belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Portal,
    Quotes,
    Admin,
}

impl Area {
    /// The single place that says which role may use which area.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Area::Portal => role.is_customer(),
            Area::Quotes => matches!(role, Role::Sales | Role::OperatorAdmin),
            Area::Admin => role == Role::OperatorAdmin,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
}

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
