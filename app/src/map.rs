//! The communication map's data: every asset of the signed-in user's tenant
//! and the edges between them (`model::map::MapData`), served as JSON by
//! the server's plain handler at [`MAP_DATA_PATH`] (`server/src/map_data.rs`:
//! compressed once per inventory version, with an ETag).

/// Where the map page fetches its data.
pub const MAP_DATA_PATH: &str = "/portal/map.json";

/// The tenant's map as JSON text, fetched by the browser (which sends its
/// cached copy's ETag and gets `304` when nothing changed).
///
/// Text rather than the typed value: the map page parses it in its own WASM
/// chunk, so the map's deserialiser stays out of the main file.
#[cfg(feature = "hydrate")]
pub async fn fetch_map_json() -> Result<String, String> {
    let response = gloo_net::http::Request::get(MAP_DATA_PATH)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let text = response.text().await.map_err(|e| e.to_string())?;
    if response.ok() {
        Ok(text)
    } else {
        // The handler answers errors with one line of plain text.
        Err(format!("{} {}", response.status(), text.trim()))
    }
}

/// On the server the map is never rendered: its canvas is drawn in the
/// browser, so the page's HTML carries a placeholder, not 2 MB of data.
#[cfg(not(feature = "hydrate"))]
pub async fn fetch_map_json() -> Result<String, String> {
    Err("the map is drawn in the browser".into())
}
