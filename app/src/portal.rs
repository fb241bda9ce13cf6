//! The customer portal's data. Every query is scoped to the tenant of the
//! signed-in user's session; nothing in a request can widen it.

use crate::error::AppError;
use leptos::prelude::*;
use model::UserSummary;
pub use model::portal::TenantOverview;

#[server(endpoint = "portal/overview")]
pub async fn portal_overview() -> Result<TenantOverview, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            Ok(tenant_figures(tenant_of(&user)?).await?.overview)
        }
        .await,
    )
}

/// The portal's read-only sections (the inventory's dashboard, the
/// tenant's figures, its users, its sensors' health) as HTML in `lang`: the page shows them as they are, so
/// the browser loads none of the code that builds them.
#[server(endpoint = "portal/summary")]
pub async fn portal_summary(lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            summary_html(tenant_of(&user)?, lang).await
        }
        .await,
    )
}

/// The portal's overview tab as HTML in `lang` (see
/// [`crate::components::portal_overview`]): the read-only sections, the
/// capture upload with the result the address bar's `query` carries after
/// an upload, and the contract. The tab's only request, and the browser
/// loads none of the code that builds it.
#[server(endpoint = "portal/overview_html")]
pub async fn portal_overview_html(
    query: String,
    lang: crate::i18n::Lang,
) -> Result<String, AppError> {
    use crate::components::portal_overview::{Upload, render};
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let summary = summary_html(tenant_of(&user)?, lang).await?;
            let statement = crate::contracts::statement_html(lang).await?;
            let upload = Upload {
                may_upload: user.may(crate::auth::Area::PortalManage),
                outcome: model::portal::UploadOutcome::from_query_string(&query),
            };
            Ok(render(summary, upload, statement, lang))
        }
        .await,
    )
}

/// The read-only sections of `tenant_id` as HTML in `lang`.
#[cfg(feature = "ssr")]
async fn summary_html(tenant_id: i64, lang: crate::i18n::Lang) -> Result<String, AppError> {
    let figures = tenant_figures(tenant_id).await?;
    let inventory = crate::inventory::dashboard_figures(tenant_id).await?;
    Ok(crate::components::portal_summary::render(
        figures.overview,
        figures.users,
        figures.sensors,
        inventory,
        lang,
    ))
}

/// What the portal shows of one tenant.
#[cfg(feature = "ssr")]
struct TenantFigures {
    overview: TenantOverview,
    users: Vec<UserSummary>,
    sensors: Vec<model::sensors::SensorSummary>,
}

#[cfg(feature = "ssr")]
async fn tenant_figures(tenant_id: i64) -> Result<TenantFigures, AppError> {
    use crate::ssr::*;
    let state = server_state()?;
    let tenant = state.accounts.tenant(tenant_id).await?;
    let users = state
        .accounts
        .list_users(accounts::UserScope::Tenant(tenant_id))
        .await?;
    let sensors = state.sensors.list(Some(tenant_id)).await?;
    let totals = state.ingest.totals(tenant_id).await?;
    Ok(TenantFigures {
        overview: TenantOverview {
            tenant_id,
            tenant_name: tenant.name,
            user_count: users.len(),
            sensor_count: sensors.len(),
            batches: totals.batches,
            flow_records: totals.flow_records,
            operations: totals.operations,
        },
        users,
        sensors,
    })
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
