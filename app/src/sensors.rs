//! Sensors: registered by operator admins for a tenant, authenticated by a
//! secret token shown once, and watched by their customers (health of each
//! upload).

use leptos::prelude::*;

use crate::error::AppError;

pub use model::sensors::{SensorHealth, SensorSummary, SensorToken};

#[server(endpoint = "admin/list_sensors")]
/// As JSON text: the admin page's data, decoded by the page's own code.
pub async fn list_sensors() -> Result<model::JsonText<Vec<SensorSummary>>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            encoded(&server_state()?.sensors.list(None).await?)
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
            Ok(server_state()?.sensors.list(Some(tenant_id)).await?)
        }
        .await,
    )
}
