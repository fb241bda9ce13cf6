//! The customer portal's data. Every query is scoped to the tenant of the
//! signed-in user's session; nothing in a request can widen it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use model::UserSummary;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOverview {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub user_count: usize,
    pub sensor_count: usize,
    /// Minute batches stored from this tenant's sensors and uploads.
    pub batches: i64,
    pub flow_records: i64,
    pub operations: i64,
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
            let sensors = state.sensors.list(Some(tenant_id)).await?;
            let totals = state.ingest.totals(tenant_id).await?;
            Ok(TenantOverview {
                tenant_id,
                tenant_name: tenant.name,
                user_count: users.len(),
                sensor_count: sensors.len(),
                batches: totals.batches,
                flow_records: totals.flow_records,
                operations: totals.operations,
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
            Ok(server_state()?
                .accounts
                .list_users(accounts::UserScope::Tenant(tenant_id))
                .await?)
        }
        .await,
    )
}
