//! The communication map's data: every asset of the signed-in user's tenant
//! and the edges between them (`model::map::MapData`).

use leptos::prelude::*;

use crate::error::AppError;

/// The tenant's map as JSON text (a `model::map::MapData`).
///
/// Text rather than the typed value: the server function's client code is in
/// the main WASM file every page loads, and a typed answer would put the
/// map's deserialiser there; the map page parses the text in its own chunk.
#[server(endpoint = "portal/map")]
pub async fn portal_map() -> Result<String, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Portal).await?;
            let tenant_id = tenant_of(&user)?;
            let map = server_state()?.inventory.map_json(tenant_id).await?;
            Ok(map.to_string())
        }
        .await,
    )
}
