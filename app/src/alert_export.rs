//! Alert export settings of the signed-in customer admin's tenant: its
//! receivers (syslog CEF over TCP, TLS or UDP, webhooks), adding, pausing and
//! deleting them, and the delivery log (docs/EXPORT.md). Customer admins
//! only (PortalManage): the page holds the webhooks' signing keys.

use leptos::prelude::*;

use crate::error::AppError;
pub use model::exports::{DeliveryRow, NewReceiver, ReceiverRow};

/// The tenant's receivers.
#[server(endpoint = "portal/export_receivers")]
pub async fn export_receivers() -> Result<Vec<ReceiverRow>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = manager_tenant().await?;
            Ok(server_state()?.exports.receivers(tenant_id).await?)
        }
        .await,
    )
}

/// The tenant's latest deliveries, newest first (at most `limit`, 500).
#[server(endpoint = "portal/export_deliveries")]
pub async fn export_deliveries(limit: i64) -> Result<Vec<DeliveryRow>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = manager_tenant().await?;
            Ok(server_state()?.exports.deliveries(tenant_id, limit).await?)
        }
        .await,
    )
}

/// Adds a receiver: `kind` syslog_tcp, syslog_tls, syslog_udp or webhook;
/// `address` `host:port` or an http(s) URL; the lowest severity it is
/// sent; for syslog_tls, optionally the PEM certificate of the CA that
/// signed the receiver's certificate. Posted by the export page's plain
/// form, so the browser is sent back there.
#[server(endpoint = "portal/add_export_receiver")]
pub async fn add_export_receiver(
    kind: String,
    address: String,
    min_severity: String,
    ca_pem: Option<String>,
) -> Result<ReceiverRow, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            let checked = NewReceiver {
                kind,
                address,
                min_severity,
                ca_pem: ca_pem.unwrap_or_default(),
            }
            .check()?;
            Ok(server_state()?
                .exports
                .add_receiver(tenant_id, &checked, &user.username)
                .await?)
        }
        .await,
    )
}

/// Pauses (`enabled` false) or resumes a receiver.
#[server(endpoint = "portal/set_export_receiver")]
pub async fn set_export_receiver(id: i64, enabled: bool) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = manager_tenant().await?;
            Ok(server_state()?
                .exports
                .set_enabled(tenant_id, id, enabled)
                .await?)
        }
        .await,
    )
}

/// Deletes a receiver; what was waiting for it is not sent.
#[server(endpoint = "portal/delete_export_receiver")]
pub async fn delete_export_receiver(id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::PortalManage).await?;
            let tenant_id = tenant_of(&user)?;
            Ok(server_state()?
                .exports
                .delete_receiver(tenant_id, id, &user.username)
                .await?)
        }
        .await,
    )
}

/// The export page as HTML in `lang`: receivers, the add form and the
/// delivery log.
#[server(endpoint = "portal/export_html")]
pub async fn export_html(lang: crate::i18n::Lang) -> Result<String, AppError> {
    use crate::components::alert_export::{ExportSheet, render_export};
    use crate::ssr::*;
    respond(
        async {
            let tenant_id = manager_tenant().await?;
            let state = server_state()?;
            let receivers = state.exports.receivers(tenant_id).await?;
            let deliveries = state
                .exports
                .deliveries(tenant_id, store::exports::MAX_LOG)
                .await?;
            Ok(render_export(
                ExportSheet {
                    receivers,
                    deliveries,
                },
                lang,
            ))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn manager_tenant() -> Result<i64, AppError> {
    use crate::ssr::*;
    let user = require_area(crate::auth::Area::PortalManage).await?;
    tenant_of(&user)
}
