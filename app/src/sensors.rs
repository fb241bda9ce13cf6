//! Sensors: registered by operator admins for a tenant, authenticated by a
//! secret token shown once, and watched by their customers (health of each
//! upload).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the sensor reported about itself with its last batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorHealth {
    /// Unix seconds of the last accepted batch.
    pub last_upload_at: Option<i64>,
    /// Newest minute covered (Unix seconds, a multiple of 60).
    pub last_minute: Option<i64>,
    pub last_sequence: Option<i64>,
    pub batches: i64,
    pub packets_total: i64,
    pub capture_dropped_total: Option<i64>,
    pub spool_backlog: Option<i64>,
    pub lag_s: Option<i64>,
    pub version: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorSummary {
    pub id: i64,
    /// The identifier a sensor puts in its batches (`sen_…`).
    pub public_id: String,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub name: String,
    pub created_at: i64,
    pub revoked: bool,
    pub health: SensorHealth,
}

/// A sensor's new secret: shown once, stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorToken {
    pub sensor: SensorSummary,
    pub token: String,
}

#[server(endpoint = "admin/list_sensors")]
pub async fn list_sensors() -> Result<Vec<SensorSummary>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            server_state()?.sensors.list(None).await
        }
        .await,
    )
}

#[server(endpoint = "admin/create_sensor")]
pub async fn create_sensor(tenant_id: i64, name: String) -> Result<SensorToken, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let state = server_state()?;
            state.accounts.tenant(tenant_id).await?;
            let created = state.sensors.create(tenant_id, &name).await?;
            tracing::info!(
                by = admin.username,
                sensor = created.sensor.public_id,
                "sensor created"
            );
            Ok(created)
        }
        .await,
    )
}

#[server(endpoint = "admin/rotate_sensor_token")]
pub async fn rotate_sensor_token(sensor_id: i64) -> Result<SensorToken, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let rotated = server_state()?.sensors.rotate(sensor_id).await?;
            tracing::info!(
                by = admin.username,
                sensor = rotated.sensor.public_id,
                "sensor token rotated"
            );
            Ok(rotated)
        }
        .await,
    )
}

#[server(endpoint = "admin/revoke_sensor")]
pub async fn revoke_sensor(sensor_id: i64) -> Result<SensorSummary, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let revoked = server_state()?.sensors.revoke(sensor_id).await?;
            tracing::info!(
                by = admin.username,
                sensor = revoked.public_id,
                "sensor revoked"
            );
            Ok(revoked)
        }
        .await,
    )
}

/// The signed-in customer's sensors and their health.
#[server(endpoint = "portal/sensors")]
pub async fn portal_sensors() -> Result<Vec<SensorSummary>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            server_state()?.sensors.list(Some(tenant_id)).await
        }
        .await,
    )
}
