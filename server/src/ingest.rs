//! `POST /api/v1/ingest`: where sensors upload their per-minute batches
//! (docs/SENSOR-API.md).
//!
//! The body is one `traffic::record::Batch`, encoded as CBOR (or JSON) and
//! compressed with zstd. Every check that can refuse a batch happens before
//! anything is stored; the answer is 200 only after the batch is committed,
//! and a batch already stored under the same (sensor, sequence) is
//! acknowledged again without being stored twice.

use axum::Router;
use axum::body::Bytes;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use app::ssr::ServerState;
use store::StoreError;
use store::ingest::{IngestError, IngestOutcome, Received};
use traffic::upload::DecodeError as BodyError;
use traffic::upload::{Decoded, Encoding};

/// The ingestion route's path.
pub const INGEST_PATH: &str = "/api/v1/ingest";

/// Largest compressed body accepted.
pub const MAX_COMPRESSED_BYTES: usize = 16 * 1024 * 1024;

/// Why a request was refused before storage; each maps to one HTTP status.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error(
        "Content-Type must be application/cbor or application/json (the batch inside the zstd frame)"
    )]
    UnsupportedContentType,
    #[error("Content-Encoding must be zstd")]
    UnsupportedContentEncoding,
    #[error(transparent)]
    Body(#[from] BodyError),
}

impl DecodeError {
    fn status(&self) -> StatusCode {
        match self {
            DecodeError::UnsupportedContentType | DecodeError::UnsupportedContentEncoding => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            DecodeError::Body(BodyError::DecompressedTooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            DecodeError::Body(BodyError::UnsupportedSchema(_) | BodyError::OverLimit(_)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            DecodeError::Body(BodyError::Zstd(_) | BodyError::Malformed { .. }) => {
                StatusCode::BAD_REQUEST
            }
        }
    }
}

/// The encoding named by the request headers.
pub fn encoding_of(headers: &HeaderMap) -> Result<Encoding, DecodeError> {
    let value = |name| {
        headers.get(name).and_then(|v| v.to_str().ok()).map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    };
    if value(header::CONTENT_ENCODING).as_deref() != Some("zstd") {
        return Err(DecodeError::UnsupportedContentEncoding);
    }
    match value(header::CONTENT_TYPE).as_deref() {
        Some("application/cbor") => Ok(Encoding::Cbor),
        Some("application/json") => Ok(Encoding::Json),
        _ => Err(DecodeError::UnsupportedContentType),
    }
}

/// Decompresses, decodes and checks a batch (`traffic::upload`).
pub fn decode_batch(body: &[u8], encoding: Encoding) -> Result<Decoded, DecodeError> {
    Ok(traffic::upload::decode(body, encoding)?)
}

/// Uploads being decoded at once: one per core.
static DECODING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

pub fn routes(state: ServerState) -> Router {
    Router::new()
        .route(INGEST_PATH, post(ingest))
        .layer(DefaultBodyLimit::max(MAX_COMPRESSED_BYTES))
        .with_state(state)
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// 503; `guard::security_headers` adds `Retry-After` to every 503.
fn unavailable() -> Response {
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage unavailable, retry later",
    )
}

async fn ingest(
    State(state): State<ServerState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bearer(&headers) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "send the sensor token as Authorization: Bearer <token>",
        );
    };
    let sensor = match state
        .sensors
        .authenticate(token, &peer.ip().to_string())
        .await
    {
        Ok(Some(sensor)) => sensor,
        Ok(None) => {
            return refuse(StatusCode::UNAUTHORIZED, "unknown or revoked sensor token");
        }
        Err(StoreError::Throttled) => {
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "too many wrong sensor tokens from this address; wait and retry",
            );
            response.headers_mut().insert(
                header::RETRY_AFTER,
                state.sensors.guess_window_secs().into(),
            );
            return response;
        }
        Err(_) => return unavailable(),
    };
    let decoded = match encoding_of(&headers) {
        Ok(encoding) => {
            // About a millisecond of CPU per 1,000 flow records: on the
            // blocking pool, so it does not hold up other tasks (pages, the
            // analysis job) on the async workers; at most one per core, so
            // a hundred uploads at once do not start a hundred threads.
            let Ok(_turn) = DECODING.acquire().await else {
                return unavailable();
            };
            let bytes = body.clone();
            match tokio::task::spawn_blocking(move || decode_batch(&bytes, encoding)).await {
                Ok(decoded) => decoded.map(|d| (encoding, d)),
                Err(_) => return unavailable(),
            }
        }
        Err(e) => Err(e),
    };
    let (encoding, Decoded { batch, digest }) = match decoded {
        Ok(decoded) => decoded,
        Err(e) => {
            match &e {
                DecodeError::Body(BodyError::Malformed { detail, .. }) => {
                    tracing::warn!(sensor = sensor.public_id, error = %e, detail, "batch refused")
                }
                _ => tracing::warn!(sensor = sensor.public_id, error = %e, "batch refused"),
            }
            return refuse(e.status(), e.to_string());
        }
    };
    if batch.sensor_id != sensor.public_id {
        return refuse(
            StatusCode::FORBIDDEN,
            format!(
                "the batch names sensor \"{}\" but the token belongs to \"{}\"",
                batch.sensor_id, sensor.public_id
            ),
        );
    }
    let received = Received {
        bytes: &body,
        encoding,
    };
    match state
        .ingest
        .store_received(&sensor, &batch, digest, received)
        .await
    {
        Ok(IngestOutcome { stored, flows }) => (
            StatusCode::OK,
            axum::Json(json!({
                "sensor_id": sensor.public_id,
                "sequence": batch.sequence,
                "stored": stored,
                "duplicate": !stored,
                "flows": flows,
            })),
        )
            .into_response(),
        Err(e @ IngestError::Invalid(_)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(e @ IngestError::Conflict { .. }) => refuse(StatusCode::CONFLICT, e.to_string()),
        Err(IngestError::Unavailable) => unavailable(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use traffic::record::{Batch, SCHEMA_VERSION};

    fn cbor_zstd(b: &Batch) -> Vec<u8> {
        let mut raw = Vec::new();
        ciborium::into_writer(b, &mut raw).unwrap();
        zstd::encode_all(raw.as_slice(), 3).unwrap()
    }

    // Decoding itself is tested in `traffic::upload`; here, what each
    // refusal answers.
    #[test]
    fn each_refusal_has_its_status() {
        let mut b = Batch::empty("sen_test", 1, 1_700_000_040);
        let status = |body: &[u8]| decode_batch(body, Encoding::Cbor).unwrap_err().status();
        b.schema_version = 3;
        assert_eq!(status(&cbor_zstd(&b)), StatusCode::UNPROCESSABLE_ENTITY);
        b.schema_version = SCHEMA_VERSION;
        b.health.version = Some("v".repeat(10_000));
        let e = decode_batch(&cbor_zstd(&b), Encoding::Cbor).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e.to_string()
                .starts_with("health.version: 10000 bytes long"),
            "{e}"
        );
        assert_eq!(status(b"not zstd at all"), StatusCode::BAD_REQUEST);
        let not_cbor = zstd::encode_all(&b"\xff\xff\xff"[..], 3).unwrap();
        assert_eq!(status(&not_cbor), StatusCode::BAD_REQUEST);
        assert_eq!(
            DecodeError::Body(BodyError::DecompressedTooLarge).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn headers_must_name_zstd_and_a_known_encoding() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "application/cbor".parse().unwrap());
        assert_eq!(
            encoding_of(&h),
            Err(DecodeError::UnsupportedContentEncoding)
        );
        assert_eq!(
            DecodeError::UnsupportedContentEncoding.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        h.insert(header::CONTENT_ENCODING, "zstd".parse().unwrap());
        assert_eq!(encoding_of(&h), Ok(Encoding::Cbor));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(encoding_of(&h), Err(DecodeError::UnsupportedContentType));
    }
}
