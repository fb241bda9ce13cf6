//! Administration: tenants and users, for the operator's admins only.

use leptos::prelude::*;

use crate::error::AppError;

pub use model::accounts::{NewUser, Tenant, UserSummary};

#[server(endpoint = "admin/list_tenants")]
/// As JSON text: the admin page's data, decoded by the page's own code.
pub async fn list_tenants() -> Result<model::JsonText<Vec<Tenant>>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            encoded(&server_state()?.accounts.list_tenants().await?)
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
/// As JSON text: the admin page's data, decoded by the page's own code.
pub async fn list_users() -> Result<model::JsonText<Vec<UserSummary>>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            encoded(
                &server_state()?
                    .accounts
                    .list_users(accounts::UserScope::All)
                    .await?,
            )
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
