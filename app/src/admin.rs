//! Administration: tenants and users, for the operator's admins only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
}

/// A user to create; parsed from the form at the edge.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
}

impl NewUser {
    /// Turns form fields into a user; `tenant` is empty for operator staff.
    pub fn parse(
        username: String,
        display_name: String,
        password: String,
        role: &str,
        tenant: &str,
    ) -> Result<NewUser, AppError> {
        let role = Role::parse(role).ok_or_else(|| AppError::invalid("role", "unknown role"))?;
        let tenant_id = match tenant.trim() {
            "" => None,
            id => Some(
                id.parse::<i64>()
                    .map_err(|_| AppError::invalid("tenant", "not a tenant id"))?,
            ),
        };
        Ok(NewUser {
            username,
            display_name,
            password,
            role,
            tenant_id,
        })
    }
}

#[server(endpoint = "admin/list_tenants")]
pub async fn list_tenants() -> Result<Vec<Tenant>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            server_state()?.accounts.list_tenants().await
        }
        .await,
    )
}

#[server(endpoint = "admin/create_tenant")]
pub async fn create_tenant(name: String) -> Result<Tenant, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let tenant = server_state()?.accounts.create_tenant(&name).await?;
            tracing::info!(by = admin.username, tenant = tenant.name, "tenant created");
            Ok(tenant)
        }
        .await,
    )
}

#[server(endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            server_state()?
                .accounts
                .list_users(accounts::UserScope::All)
                .await
        }
        .await,
    )
}

#[server(endpoint = "admin/create_user")]
pub async fn create_user(
    username: String,
    display_name: String,
    password: String,
    role: String,
    tenant: String,
) -> Result<UserSummary, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let new = NewUser::parse(username, display_name, password, &role, &tenant)?;
            let user = server_state()?.accounts.create_user(&new).await?;
            tracing::info!(by = admin.username, user = user.username, "user created");
            Ok(user)
        }
        .await,
    )
}
