//! `GET /portal/map.json`: the signed-in customer's communication map
//! (`model::map::MapData` as JSON), as the map page fetches it.
//!
//! A plain handler rather than a server function because the answer is big
//! (about 2 MB of JSON at 5,000 nodes) and the same for every request until
//! the tenant's inventory changes: it is compressed once per inventory
//! version and sent as is, with an ETag, so a browser that already holds it
//! gets `304 Not Modified` and nothing else. A server function would send
//! it uncompressed, escaped once more inside a JSON string, every time.
//!
//! The store keeps the map's JSON per tenant until its inventory changes
//! (`Inventory::map_json`, one `Arc` per version); this handler keeps the
//! encoded copy for exactly that `Arc`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

pub use app::map::MAP_DATA_PATH;
use app::ssr::ServerState;

#[derive(Clone)]
struct MapDataState {
    server: ServerState,
    encoded: Arc<EncodedMaps>,
}

/// The last encoded map of each tenant, with the JSON it was made from.
#[derive(Default)]
struct EncodedMaps {
    by_tenant: Mutex<HashMap<i64, Arc<EncodedMap>>>,
    /// One encoding at a time: requests arriving while a new version is
    /// compressed wait for it instead of compressing it too.
    building: tokio::sync::Mutex<()>,
}

/// One version of a tenant's map, ready to send.
pub struct EncodedMap {
    /// The store's kept JSON; its address identifies the version, and
    /// holding it keeps that address from being reused.
    source: Arc<str>,
    pub json: Bytes,
    pub gzip: Bytes,
    /// A strong validator: a hash of the JSON, so a browser's copy from
    /// another database or an earlier run is never taken for this one.
    pub etag: HeaderValue,
}

impl EncodedMap {
    pub fn new(source: Arc<str>) -> EncodedMap {
        let hash = xxhash_rust::xxh3::xxh3_128(source.as_bytes());
        let etag = HeaderValue::from_str(&format!("\"map-{hash:032x}\""))
            .expect("hex digits and quotes are a valid header value");
        let mut gz = GzEncoder::new(Vec::with_capacity(source.len() / 8), Compression::new(6));
        // Writing into a Vec cannot fail.
        let _ = gz.write_all(source.as_bytes());
        let gzip = gz.finish().unwrap_or_default();
        EncodedMap {
            json: Bytes::copy_from_slice(source.as_bytes()),
            gzip: Bytes::from(gzip),
            etag,
            source,
        }
    }
}

pub fn routes(server: ServerState) -> Router {
    Router::new()
        .route(MAP_DATA_PATH, get(map_data))
        .with_state(MapDataState {
            server,
            encoded: Arc::default(),
        })
}

async fn map_data(State(state): State<MapDataState>, headers: HeaderMap) -> Response {
    let tenant_id = match crate::customer::portal_tenant(
        &state.server,
        &headers,
        "only a customer's users may read its map",
    )
    .await
    {
        Ok(tenant_id) => tenant_id,
        Err(refused) => return refused,
    };
    let Ok(json) = state.server.inventory.map_json(tenant_id).await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "storage unavailable, try again",
        )
            .into_response();
    };
    let Some(map) = state.encoded.get_or_encode(tenant_id, json).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    respond(&map, &headers)
}

impl EncodedMaps {
    fn current(&self, tenant_id: i64, json: &Arc<str>) -> Option<Arc<EncodedMap>> {
        let by_tenant = self.by_tenant.lock().unwrap_or_else(|p| p.into_inner());
        by_tenant
            .get(&tenant_id)
            .filter(|m| Arc::ptr_eq(&m.source, json))
            .cloned()
    }

    async fn get_or_encode(&self, tenant_id: i64, json: Arc<str>) -> Option<Arc<EncodedMap>> {
        if let Some(map) = self.current(tenant_id, &json) {
            return Some(map);
        }
        let _building = self.building.lock().await;
        if let Some(map) = self.current(tenant_id, &json) {
            return Some(map);
        }
        // Tens of milliseconds of compression: off the request threads.
        let map = Arc::new(
            tokio::task::spawn_blocking(move || EncodedMap::new(json))
                .await
                .ok()?,
        );
        self.by_tenant
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant_id, map.clone());
        Some(map)
    }
}

/// The answer for one request: nothing new when the browser's copy is
/// current, else the JSON, gzipped when the browser takes gzip.
pub fn respond(map: &EncodedMap, request: &HeaderMap) -> Response {
    let common = [
        (header::ETAG, map.etag.clone()),
        // Kept by the browser, but asked again each time (the inventory
        // changes every minute); private: it is one tenant's.
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    if holds_current(request, &map.etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let json = HeaderValue::from_static("application/json");
    if accepts_gzip(request) {
        (
            common,
            [
                (header::CONTENT_TYPE, json),
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            ],
            Body::from(map.gzip.clone()),
        )
            .into_response()
    } else {
        (
            common,
            [(header::CONTENT_TYPE, json)],
            Body::from(map.json.clone()),
        )
            .into_response()
    }
}

/// Whether `If-None-Match` names this version (or `*`).
fn holds_current(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// Whether `Accept-Encoding` takes gzip (named, or `*`, without `q=0`).
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        h
    }

    fn map() -> EncodedMap {
        EncodedMap::new(Arc::from(r#"{"nodes":[],"edges":[],"truncated":false}"#))
    }

    async fn body(r: Response) -> Vec<u8> {
        axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    #[tokio::test]
    async fn a_browser_taking_gzip_gets_the_json_gzipped() {
        let m = map();
        let r = respond(
            &m,
            &headers(&[(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")]),
        );
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(r.headers()[header::ETAG], m.etag);
        let mut json = String::new();
        GzDecoder::new(&body(r).await[..])
            .read_to_string(&mut json)
            .unwrap();
        assert_eq!(json, &*m.source);
    }

    #[tokio::test]
    async fn a_client_refusing_gzip_gets_plain_json() {
        let m = map();
        for request in [
            headers(&[]),
            headers(&[(header::ACCEPT_ENCODING, "br, gzip;q=0")]),
            headers(&[(header::ACCEPT_ENCODING, "identity")]),
        ] {
            let r = respond(&m, &request);
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
            assert_eq!(body(r).await, m.source.as_bytes());
        }
    }

    #[tokio::test]
    async fn the_current_copy_is_not_sent_again() {
        let m = map();
        let etag = m.etag.to_str().unwrap().to_owned();
        for held in [
            etag.clone(),
            format!("\"other\", {etag}"),
            format!("W/{etag}"),
        ] {
            let r = respond(&m, &headers(&[(header::IF_NONE_MATCH, &held)]));
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{held}");
            assert_eq!(r.headers()[header::ETAG], m.etag);
            assert!(body(r).await.is_empty());
        }
        let r = respond(&m, &headers(&[(header::IF_NONE_MATCH, "\"map-0\"")]));
        assert_eq!(r.status(), StatusCode::OK);
    }

    #[test]
    fn another_map_has_another_etag() {
        let other = EncodedMap::new(Arc::from(r#"{"nodes":[],"edges":[],"truncated":true}"#));
        assert_ne!(map().etag, other.etag);
        assert_eq!(map().etag, map().etag);
    }

    #[tokio::test]
    async fn a_version_is_encoded_once_and_replaced_by_the_next() {
        let maps = EncodedMaps::default();
        let first: Arc<str> = Arc::from("{\"v\":1}");
        let a = maps.get_or_encode(7, first.clone()).await.unwrap();
        let b = maps.get_or_encode(7, first.clone()).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        // The same text in a new Arc is a new version of the store's.
        let again = maps.get_or_encode(7, Arc::from("{\"v\":1}")).await.unwrap();
        assert!(!Arc::ptr_eq(&a, &again));
        assert_eq!(a.etag, again.etag);
        let other_tenant = maps.get_or_encode(8, first).await.unwrap();
        assert!(!Arc::ptr_eq(&again, &other_tenant));
        assert_eq!(maps.by_tenant.lock().unwrap().len(), 2);
    }
}
