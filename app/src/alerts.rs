//! Alerts a customer reads and triages — a page of alerts, one alert, the
//! counts, state changes and the allow list — always of the signed-in
//! user's own tenant. The analysis job stores them (docs/DETECTIONS.md);
//! viewers read, customer admins (PortalManage) triage.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
pub use model::alerts::{
    AlertCounts, AlertDetail, AlertFilter, AlertPage, AlertQuery, AlertRow, AlertState, AllowRow,
};

/// A page of the tenant's alerts, last seen first, filtered in the database.
#[server(endpoint = "portal/alerts", input = Json)]
pub async fn portal_alerts(query: AlertQuery) -> Result<AlertPage, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = crate::inventory::portal_tenant().await?;
            Ok(server_state()?.alerts.list(tenant_id, &query).await?)
        }
        .await,
    )
}

/// One of the tenant's alerts with its evidence and history; nothing for
/// an id the tenant does not have (another tenant's included).
#[server(endpoint = "portal/alert")]
pub async fn portal_alert(id: i64) -> Result<Option<AlertDetail>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = crate::inventory::portal_tenant().await?;
            match server_state()?.alerts.get(tenant_id, id).await {
                Ok(found) => Ok(Some(found)),
                Err(store::StoreError::NotFound) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }
        .await,
    )
}

/// How many of the tenant's alerts are in each state and of each severity.
#[server(endpoint = "portal/alert_counts")]
pub async fn portal_alert_counts() -> Result<AlertCounts, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = crate::inventory::portal_tenant().await?;
            Ok(server_state()?.alerts.counts(tenant_id).await?)
        }
        .await,
    )
}

/// The Alerts tab's badge as HTML in `lang`: how many of the tenant's
/// alerts are new (not yet triaged); empty when none are. A user without
/// a tenant gets the usual error (the page's script then shows nothing).
#[server(endpoint = "portal/alerts_badge")]
pub async fn alerts_badge(lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = crate::inventory::portal_tenant().await?;
            let counts = server_state()?.alerts.counts(tenant_id).await?;
            Ok(crate::components::alerts::render_badge(
                counts.in_state(model::alerts::AlertState::New),
                lang,
            ))
        }
        .await,
    )
}

/// A customer admin sets an alert `new`, `acknowledged` or `resolved`,
/// with an optional note; who and when are recorded. Posted by the alert
/// page's plain HTML form, so the browser is sent back to the page.
#[server(endpoint = "portal/set_alert_state")]
pub async fn set_alert_state(id: i64, state: String, note: String) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            let state = AlertState::parse("state", &state)?;
            Ok(server_state()?
                .alerts
                .set_state(tenant_id, id, state, &user.username, &note)
                .await?)
        }
        .await,
    )
}

/// A customer admin says an alert's behaviour is expected: an allow of
/// its type for its `edge`, `asset` or `zone`. The alert becomes
/// `allowed`; from the next analysis step, what the allow covers does not
/// alert.
#[server(endpoint = "portal/allow_alert")]
pub async fn allow_alert(id: i64, scope: String, note: String) -> Result<AllowRow, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            let scope = store::alerts::ScopeKind::parse(scope.trim()).ok_or_else(|| {
                model::Invalid::new(
                    "scope",
                    format!("an allow's scope is edge, asset or zone, not {scope:?}"),
                )
            })?;
            Ok(server_state()?
                .alerts
                .allow(tenant_id, id, scope, &user.username, &note)
                .await?)
        }
        .await,
    )
}

/// The tenant's allows, active first.
#[server(endpoint = "portal/alert_allows")]
pub async fn portal_alert_allows() -> Result<Vec<AllowRow>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = crate::inventory::portal_tenant().await?;
            Ok(server_state()?.alerts.allows(tenant_id).await?)
        }
        .await,
    )
}

/// A customer admin revokes an allow: what it covered alerts again from
/// the next analysis step.
#[server(endpoint = "portal/revoke_alert_allow")]
pub async fn revoke_alert_allow(id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            Ok(server_state()?
                .alerts
                .revoke_allow(tenant_id, id, &user.username)
                .await?)
        }
        .await,
    )
}

/// The alert list for the address bar's query string
/// (`severity=high&page=2`), as HTML in `lang`: counts, filters, rows and
/// pages. A filter that cannot be applied is said so, with the filters kept.
#[server(endpoint = "portal/alerts_html")]
pub async fn alerts_html(query: String, lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::components::alerts::{AlertParams, LIST_PAGE, Listing, render_list};
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let state = server_state()?;
            let params = AlertParams::from_query_string(&query);
            let listing = match params.to_query(LIST_PAGE) {
                Ok(q) => match state.alerts.list(tenant_id, &q).await {
                    Ok(page) => Listing::Page(page),
                    Err(store::StoreError::Invalid(i)) => {
                        Listing::Refused(format!("{}: {}", i.field, i.problem))
                    }
                    Err(e) => return Err(e.into()),
                },
                Err(problem) => Listing::Refused(problem),
            };
            let counts = state.alerts.counts(tenant_id).await?;
            Ok(render_list(
                listing,
                params,
                counts,
                store::alerts::alert_type_names(),
                user.may(crate::auth::Area::PortalManage),
                lang,
            ))
        }
        .await,
    )
}

/// One alert's page as HTML in `lang`; nothing for an id the tenant does
/// not have (another tenant's included). Customer admins get the triage
/// forms and the revoke buttons.
#[server(endpoint = "portal/alert_html")]
pub async fn alert_html(id: i64, lang: crate::i18n::Lang) -> Result<Option<String>, AppError> {
    use crate::components::alerts::{Sheet, render_sheet};
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let state = server_state()?;
            let detail = match state.alerts.get(tenant_id, id).await {
                Ok(found) => found,
                Err(store::StoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let allows = state.alerts.allows(tenant_id).await?;
            Ok(Some(render_sheet(
                Sheet {
                    detail,
                    allows,
                    may_triage: user.may(crate::auth::Area::PortalManage),
                },
                lang,
            )))
        }
        .await,
    )
}
