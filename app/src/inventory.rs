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
            let page = server_state()?
                .inventory
                .assets_page(tenant_id, &query)
                .await?;
            Ok(AssetPage::clone(&page))
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

/// The asset table for the address bar's query string (`role=plc&page=2`),
/// as HTML in `lang`: filters, count, CSV link, rows and pages. A filter
/// that cannot be applied is said so on the page, with the filters kept.
#[server(endpoint = "portal/assets_html")]
pub async fn assets_html(query: String, lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::components::inventory::table::{Listing, render};
    use crate::ssr::*;
    use model::inventory::{AssetParams, TABLE_PAGE};
    respond(
        async {
            let tenant_id = portal_tenant().await?;
            let state = server_state()?;
            let params = AssetParams::from_query_string(&query);
            let listing = match params.to_query(TABLE_PAGE) {
                Ok(q) => {
                    let page = state.inventory.assets_page(tenant_id, &q).await?;
                    Listing::Page(AssetPage::clone(&page))
                }
                Err(problem) => Listing::Refused(problem),
            };
            let facets = state.inventory.facets(tenant_id).await?;
            Ok(render(listing, params, facets, TABLE_PAGE, lang))
        }
        .await,
    )
}

/// One asset's page as HTML in `lang`; nothing for an id the tenant does
/// not have (another tenant's included). Customer admins get the form that
/// corrects its role and level.
#[server(endpoint = "portal/asset_html")]
pub async fn asset_html(id: String, lang: crate::i18n::Lang) -> Result<Option<String>, AppError> {
    use crate::components::inventory::sheet::{Decision, Sheet, render};
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let state = server_state()?;
            let detail = match state.inventory.asset(tenant_id, &id).await {
                Ok(found) => found,
                Err(store::StoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let edges = state.inventory.edges_of(tenant_id, &id).await?;
            let peer_ids: Vec<&str> = edges
                .iter()
                .map(|e| {
                    if e.client == id {
                        e.server.as_str()
                    } else {
                        e.client.as_str()
                    }
                })
                .collect();
            let peers = state
                .inventory
                .rows(tenant_id, &peer_ids)
                .await?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
            let decision = state
                .analysis
                .decision(tenant_id, &id)
                .await?
                .map(|d| Decision {
                    role: d.role,
                    purdue_level: d.purdue_level,
                    set_by: d.set_by,
                    set_at: d.set_at,
                });
            Ok(Some(render(
                Sheet {
                    detail,
                    edges,
                    peers,
                    decision,
                    may_decide: user.may(crate::auth::Area::PortalManage),
                    role_names: store::analysis::role_names(),
                },
                lang,
            )))
        }
        .await,
    )
}

/// A customer admin corrects an asset's role and Purdue level (blank: as
/// the traffic says). It holds for every later batch and shows at once.
/// Posted by the asset page's plain HTML form, so the browser is sent back
/// to the page it came from.
#[server(endpoint = "portal/set_asset_decision")]
pub async fn set_asset_decision(
    id: String,
    role: String,
    purdue_level: String,
) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            let decision = store::analysis::AssetDecision::parse(&role, &purdue_level)?;
            Ok(server_state()?
                .analysis
                .set_override(tenant_id, &id, decision, &user.username)
                .await?)
        }
        .await,
    )
}

/// What the dashboard shows of the tenant's inventory.
#[cfg(feature = "ssr")]
pub(crate) async fn dashboard_figures(
    tenant_id: i64,
) -> Result<crate::components::inventory::dashboard::Figures, AppError> {
    use crate::components::inventory::dashboard::{Figures, TRAFFIC_HOURS};
    let state = crate::ssr::server_state()?;
    let inventory = &state.inventory;
    Ok(Figures {
        counts: inventory.counts(tenant_id).await?,
        protocols: inventory.protocols(tenant_id).await?,
        traffic: inventory.traffic(tenant_id, TRAFFIC_HOURS).await?,
        new_assets: inventory.new_assets(tenant_id, 10).await?,
        skipping_edges: inventory.skipping_edges(tenant_id).await?,
    })
}

/// The tenant of a user the portal admits; the request names none.
#[cfg(feature = "ssr")]
pub(crate) async fn portal_tenant() -> Result<i64, AppError> {
    use crate::ssr::*;
    let user = require_area(crate::auth::Area::Portal).await?;
    tenant_of(&user)
}
