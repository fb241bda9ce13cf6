//! The asset inventory a customer reads — a page of assets, one asset, the
//! communication edges, the zones and the counts by role and level — always
//! of the signed-in user's own tenant. The analysis job
//! (`server/src/analysis_job.rs`) keeps it as batches arrive.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
pub use model::inventory::{AssetCounts, AssetDetail, AssetPage, AssetQuery, EdgeRow, ZoneRow};

/// A page of the tenant's assets: filtered, sorted and cut in the database.
#[server(endpoint = "portal/assets", input = Json)]
pub async fn portal_assets(query: AssetQuery) -> Result<AssetPage, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            Ok(server_state()?.inventory.assets(tenant_id, &query).await?)
        }
        .await,
    )
}

/// One of the tenant's assets; nothing for an id the tenant does not have
/// (another tenant's included).
#[server(endpoint = "portal/asset")]
pub async fn portal_asset(id: String) -> Result<Option<AssetDetail>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            match server_state()?.inventory.asset(tenant_id, &id).await {
                Ok(found) => Ok(Some(found)),
                Err(store::StoreError::NotFound) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }
        .await,
    )
}

/// The tenant's communication edges, busiest first.
#[server(endpoint = "portal/edges")]
pub async fn portal_edges() -> Result<Vec<EdgeRow>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            Ok(server_state()?.inventory.edges(tenant_id).await?)
        }
        .await,
    )
}

/// The tenant's zones with their asset counts and networks.
#[server(endpoint = "portal/zones")]
pub async fn portal_zones() -> Result<Vec<ZoneRow>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            Ok(server_state()?.inventory.zones(tenant_id).await?)
        }
        .await,
    )
}

/// How many of the tenant's assets have each role and each Purdue level.
#[server(endpoint = "portal/asset_counts")]
pub async fn portal_asset_counts() -> Result<AssetCounts, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            Ok(server_state()?.inventory.counts(tenant_id).await?)
        }
        .await,
    )
}

/// The tenant of a user the portal admits; the request names none.
#[cfg(feature = "ssr")]
async fn portal_tenant() -> Result<i64, AppError> {
    use crate::ssr::*;
    let user = require_area(crate::auth::Area::Portal).await?;
    tenant_of(&user)
}
