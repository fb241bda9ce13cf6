//! The customer portal's data. Every query is scoped to the tenant of the
//! signed-in user's session; nothing in a request can widen it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::admin::UserSummary;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOverview {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub user_count: usize,
    pub sensor_count: usize,
}

#[server(endpoint = "portal/overview")]
pub async fn portal_overview() -> Result<TenantOverview, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let state = server_state()?;
            let tenant = state.accounts.tenant(tenant_id).await?;
            let users = state
                .accounts
                .list_users(accounts::UserScope::Tenant(tenant_id))
                .await?;
            Ok(TenantOverview {
                tenant_id,
                tenant_name: tenant.name,
                user_count: users.len(),
                // Sensors arrive with ingestion (issue #4).
                sensor_count: 0,
            })
        }
        .await,
    )
}

#[server(endpoint = "portal/users")]
pub async fn tenant_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            server_state()?
                .accounts
                .list_users(accounts::UserScope::Tenant(tenant_id))
                .await
        }
        .await,
    )
}
