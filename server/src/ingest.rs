//! `POST /api/v1/ingest`: where sensors upload their per-minute batches
//! (docs/SENSOR-API.md).
//!
//! The body is one `traffic::record::Batch`, encoded as CBOR (or JSON) and
//! compressed with zstd. Every check that can refuse a batch happens before
//! anything is stored; the answer is 200 only after the batch is committed,
//! and a batch already stored under the same (sensor, sequence) is
//! acknowledged again without being stored twice.

use std::io::Read;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use traffic::record::{Batch, SCHEMA_VERSION};

use app::ssr::ServerState;
use store::ingest::{IngestError, IngestOutcome};

/// The ingestion route's path.
pub const INGEST_PATH: &str = "/api/v1/ingest";

/// Largest compressed body accepted.
pub const MAX_COMPRESSED_BYTES: usize = 16 * 1024 * 1024;
/// Largest decompressed batch accepted: a zstd bomb stops here.
pub const MAX_DECOMPRESSED_BYTES: u64 = 128 * 1024 * 1024;

/// How the batch inside the zstd frame is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Cbor,
    Json,
}

/// Why a body was refused before storage; each maps to one HTTP status.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error(
        "Content-Type must be application/cbor or application/json (the batch inside the zstd frame)"
    )]
    UnsupportedContentType,
    #[error("Content-Encoding must be zstd")]
    UnsupportedContentEncoding,
    #[error("the body is not a valid zstd frame: {0}")]
    Zstd(String),
    #[error("the batch decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes")]
    DecompressedTooLarge,
    #[error("the batch could not be decoded: {0}")]
    Malformed(String),
    #[error("schema_version {0} is not supported; this server reads version {SCHEMA_VERSION}")]
    UnsupportedSchema(u16),
}

impl DecodeError {
    fn status(&self) -> StatusCode {
        match self {
            DecodeError::UnsupportedContentType | DecodeError::UnsupportedContentEncoding => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            DecodeError::DecompressedTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            DecodeError::UnsupportedSchema(_) => StatusCode::UNPROCESSABLE_ENTITY,
            DecodeError::Zstd(_) | DecodeError::Malformed(_) => StatusCode::BAD_REQUEST,
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

/// Decompresses (never past [`MAX_DECOMPRESSED_BYTES`]) and decodes a batch.
pub fn decode_batch(body: &[u8], encoding: Encoding) -> Result<Batch, DecodeError> {
    decode_batch_limited(body, encoding, MAX_DECOMPRESSED_BYTES)
}

pub fn decode_batch_limited(
    body: &[u8],
    encoding: Encoding,
    limit: u64,
) -> Result<Batch, DecodeError> {
    let decoder =
        zstd::stream::read::Decoder::new(body).map_err(|e| DecodeError::Zstd(e.to_string()))?;
    let mut raw = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    decoder
        .take(limit + 1)
        .read_to_end(&mut raw)
        .map_err(|e| DecodeError::Zstd(e.to_string()))?;
    if raw.len() as u64 > limit {
        return Err(DecodeError::DecompressedTooLarge);
    }
    // Decoded once; only a batch that does not decode is read again for its
    // version alone, so a newer sensor gets "unsupported version" rather
    // than a confusing field error.
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        schema_version: u16,
    }
    let batch = match encoding {
        Encoding::Cbor => cbor4ii::serde::from_slice::<Batch>(&raw).map_err(|e| e.to_string()),
        Encoding::Json => serde_json::from_slice::<Batch>(&raw).map_err(|e| e.to_string()),
    };
    let version = || match encoding {
        Encoding::Cbor => cbor4ii::serde::from_slice::<VersionOnly>(&raw).ok(),
        Encoding::Json => serde_json::from_slice::<VersionOnly>(&raw).ok(),
    };
    match batch {
        Ok(b) if b.schema_version == SCHEMA_VERSION => Ok(b),
        Ok(b) => Err(DecodeError::UnsupportedSchema(b.schema_version)),
        Err(e) => match version() {
            Some(v) if v.schema_version != SCHEMA_VERSION => {
                Err(DecodeError::UnsupportedSchema(v.schema_version))
            }
            _ => Err(DecodeError::Malformed(e)),
        },
    }
}

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

async fn ingest(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = bearer(&headers) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "send the sensor token as Authorization: Bearer <token>",
        );
    };
    let sensor = match state.sensors.authenticate(token).await {
        Ok(Some(sensor)) => sensor,
        Ok(None) => {
            return refuse(StatusCode::UNAUTHORIZED, "unknown or revoked sensor token");
        }
        Err(_) => {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage unavailable, retry later",
            );
        }
    };
    let batch = match encoding_of(&headers).and_then(|enc| decode_batch(&body, enc)) {
        Ok(batch) => batch,
        Err(e) => {
            tracing::warn!(sensor = sensor.public_id, error = %e, "batch refused");
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
    match state.ingest.store(&sensor, &batch).await {
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
        Err(IngestError::Invalid(message)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, message),
        Err(IngestError::Unavailable) => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage unavailable, retry later",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use traffic::record::{Counters, Health};

    fn batch(version: u16) -> Batch {
        Batch {
            schema_version: version,
            sensor_id: "sen_test".into(),
            sequence: 1,
            minute_start: 1_700_000_040,
            flows: vec![],
            operations: vec![],
            identities: vec![],
            hosts: vec![],
            counters: Counters::default(),
            health: Health::default(),
        }
    }

    fn cbor_zstd(b: &Batch) -> Vec<u8> {
        let mut raw = Vec::new();
        ciborium::into_writer(b, &mut raw).unwrap();
        zstd::encode_all(raw.as_slice(), 3).unwrap()
    }

    #[test]
    fn a_batch_round_trips_through_cbor_and_zstd() {
        let b = batch(SCHEMA_VERSION);
        assert_eq!(decode_batch(&cbor_zstd(&b), Encoding::Cbor), Ok(b.clone()));
        let json = zstd::encode_all(serde_json::to_vec(&b).unwrap().as_slice(), 3).unwrap();
        assert_eq!(decode_batch(&json, Encoding::Json), Ok(b));
    }

    #[test]
    fn a_zstd_bomb_stops_at_the_limit() {
        // 64 MiB of zeros compress to a few kilobytes.
        let zeros = vec![0u8; 64 * 1024 * 1024];
        let bomb = zstd::encode_all(zeros.as_slice(), 3).unwrap();
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            decode_batch_limited(&bomb, Encoding::Cbor, 1024 * 1024),
            Err(DecodeError::DecompressedTooLarge)
        );
    }

    #[test]
    fn another_schema_version_is_named_in_the_refusal() {
        let e = decode_batch(&cbor_zstd(&batch(2)), Encoding::Cbor).unwrap_err();
        assert_eq!(e, DecodeError::UnsupportedSchema(2));
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn garbage_is_a_client_error_not_a_panic() {
        assert!(matches!(
            decode_batch(b"not zstd at all", Encoding::Cbor),
            Err(DecodeError::Zstd(_))
        ));
        let not_cbor = zstd::encode_all(&b"\xff\xff\xff"[..], 3).unwrap();
        assert!(matches!(
            decode_batch(&not_cbor, Encoding::Cbor),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn headers_must_name_zstd_and_a_known_encoding() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "application/cbor".parse().unwrap());
        assert_eq!(
            encoding_of(&h),
            Err(DecodeError::UnsupportedContentEncoding)
        );
        h.insert(header::CONTENT_ENCODING, "zstd".parse().unwrap());
        assert_eq!(encoding_of(&h), Ok(Encoding::Cbor));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(encoding_of(&h), Err(DecodeError::UnsupportedContentType));
    }
}
