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
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use traffic::limits::LimitExceeded;
use traffic::record::{Batch, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION};

use app::ssr::ServerState;
use store::StoreError;
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
    /// `shown` says what was wrong in the schema's terms and goes to the
    /// sensor; `detail` is the decoder's own account and goes to the log.
    #[error("the batch could not be decoded: {shown}")]
    Malformed { shown: String, detail: String },
    #[error(
        "schema_version {0} is not supported; this server reads versions {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION}"
    )]
    UnsupportedSchema(u16),
    #[error(transparent)]
    OverLimit(#[from] LimitExceeded),
}

impl DecodeError {
    fn status(&self) -> StatusCode {
        match self {
            DecodeError::UnsupportedContentType | DecodeError::UnsupportedContentEncoding => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            DecodeError::DecompressedTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            DecodeError::UnsupportedSchema(_) | DecodeError::OverLimit(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            DecodeError::Zstd(_) | DecodeError::Malformed { .. } => StatusCode::BAD_REQUEST,
        }
    }
}

/// A decoded batch and the fingerprint of its decoded bytes: a retry carries
/// the same bytes, a different batch under a stored sequence does not.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub batch: Batch,
    pub digest: i64,
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

/// Decompresses (never past [`MAX_DECOMPRESSED_BYTES`]), decodes and checks
/// a batch against the per-field limits.
pub fn decode_batch(body: &[u8], encoding: Encoding) -> Result<Decoded, DecodeError> {
    decode_batch_limited(body, encoding, MAX_DECOMPRESSED_BYTES)
}

/// What a CBOR decoding failure means for the sender, without the decoder's
/// internal names.
fn cbor_problem(error: &cbor4ii::serde::DecodeError<std::convert::Infallible>) -> String {
    use cbor4ii::core::error::DecodeError as Core;
    match error {
        // serde's own messages name the schema's fields ("missing field `sequence`").
        cbor4ii::serde::DecodeError::Custom(message) => message.to_string(),
        cbor4ii::serde::DecodeError::Core(core) => match core {
            Core::Eof { .. } => "the CBOR data ends in the middle of a value (truncated?)".into(),
            Core::Mismatch { name, .. } => {
                format!("a value has the wrong CBOR type (expected {})", **name)
            }
            Core::RequireUtf8 { .. } => "a text value is not valid UTF-8".into(),
            Core::DepthOverflow { .. } => "the CBOR data is nested too deeply".into(),
            Core::CastOverflow { .. } | Core::ArithmeticOverflow { .. } => {
                "a number is out of range for its field".into()
            }
            Core::LengthOverflow { .. } | Core::RequireLength { .. } => {
                "a text, list or map has an impossible length".into()
            }
            _ => "the body is not CBOR in the batch schema (docs/SENSOR-API.md)".into(),
        },
    }
}

pub fn decode_batch_limited(
    body: &[u8],
    encoding: Encoding,
    limit: u64,
) -> Result<Decoded, DecodeError> {
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
        Encoding::Cbor => cbor4ii::serde::from_slice::<Batch>(&raw)
            .map_err(|e| (cbor_problem(&e), format!("{e:?}"))),
        Encoding::Json => {
            serde_json::from_slice::<Batch>(&raw).map_err(|e| (e.to_string(), e.to_string()))
        }
    };
    let version = || match encoding {
        Encoding::Cbor => cbor4ii::serde::from_slice::<VersionOnly>(&raw).ok(),
        Encoding::Json => serde_json::from_slice::<VersionOnly>(&raw).ok(),
    };
    let readable = |v: u16| (OLDEST_SCHEMA_VERSION..=SCHEMA_VERSION).contains(&v);
    let batch = match batch {
        Ok(b) if readable(b.schema_version) => b,
        Ok(b) => return Err(DecodeError::UnsupportedSchema(b.schema_version)),
        Err((shown, detail)) => {
            return match version() {
                Some(v) if !readable(v.schema_version) => {
                    Err(DecodeError::UnsupportedSchema(v.schema_version))
                }
                _ => Err(DecodeError::Malformed { shown, detail }),
            };
        }
    };
    traffic::limits::check(&batch)?;
    Ok(Decoded {
        batch,
        digest: xxhash_rust::xxh3::xxh3_64(&raw) as i64,
    })
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
    let Decoded { batch, digest } = match encoding_of(&headers)
        .and_then(|enc| decode_batch(&body, enc))
    {
        Ok(decoded) => decoded,
        Err(e) => {
            match &e {
                DecodeError::Malformed { detail, .. } => {
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
    match state.ingest.store(&sensor, &batch, Some(digest)).await {
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

    fn batch(version: u16) -> Batch {
        Batch {
            schema_version: version,
            ..Batch::empty("sen_test", 1, 1_700_000_040)
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
        let decoded = decode_batch(&cbor_zstd(&b), Encoding::Cbor).unwrap();
        assert_eq!(decoded.batch, b);
        // The same bytes give the same fingerprint; other content another.
        assert_eq!(
            decode_batch(&cbor_zstd(&b), Encoding::Cbor).unwrap().digest,
            decoded.digest
        );
        let mut other = b.clone();
        other.minute_start += 60;
        assert_ne!(
            decode_batch(&cbor_zstd(&other), Encoding::Cbor)
                .unwrap()
                .digest,
            decoded.digest
        );
        let json = zstd::encode_all(serde_json::to_vec(&b).unwrap().as_slice(), 3).unwrap();
        assert_eq!(decode_batch(&json, Encoding::Json).unwrap().batch, b);
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

    /// One operation of `protocol`, as a sensor records it.
    fn with_operation(mut b: Batch, protocol: traffic::operation::Protocol) -> Batch {
        use traffic::operation::{Direction, OperationClass};
        b.operations.push(traffic::record::OperationCount {
            vlan: None,
            transport: traffic::record::TransportKind::Tcp,
            client_ip: Some("10.0.0.1".parse().unwrap()),
            server_ip: Some("10.0.0.2".parse().unwrap()),
            server_port: Some(48898),
            client_mac: None,
            server_mac: None,
            protocol,
            function_code: 4,
            name: "read_state".into(),
            class: OperationClass::Diagnostic,
            unit: Some(851),
            direction: Direction::Request,
            error_code: None,
            count: 1,
            first_seen_ms: 1_700_000_040_000,
            last_seen_ms: 1_700_000_040_000,
            ranges: vec![],
            ranges_truncated: false,
        });
        b
    }

    #[test]
    fn new_protocols_raise_the_schema_version_and_old_sensors_are_accepted() {
        use traffic::operation::Protocol;
        // Sampled Values and PROFINET IO brought names a version 1 server
        // cannot read: version 2, so such a server refuses these batches by
        // version. Batches of sensors from before (version 1, the names
        // they knew) still decode, in both encodings, as do version 2
        // batches with every name.
        assert_eq!((OLDEST_SCHEMA_VERSION, SCHEMA_VERSION), (1, 2));
        let old_names = [
            Protocol::Modbus,
            Protocol::ProfinetDcp,
            Protocol::Ads,
            Protocol::C37118,
            Protocol::Goose,
            Protocol::Mms,
            Protocol::CclinkIe,
        ];
        let cases = old_names
            .iter()
            .map(|p| (1, *p))
            .chain(Protocol::ALL.iter().map(|p| (2, *p)));
        for (version, p) in cases {
            let b = with_operation(batch(version), p);
            assert_eq!(
                decode_batch(&cbor_zstd(&b), Encoding::Cbor).unwrap().batch,
                b
            );
            let json = zstd::encode_all(serde_json::to_vec(&b).unwrap().as_slice(), 3).unwrap();
            assert_eq!(decode_batch(&json, Encoding::Json).unwrap().batch, b);
        }
    }

    #[test]
    fn another_schema_version_is_named_in_the_refusal() {
        let e = decode_batch(&cbor_zstd(&batch(3)), Encoding::Cbor).unwrap_err();
        assert_eq!(e, DecodeError::UnsupportedSchema(3));
        assert!(e.to_string().contains("versions 1 to 2"), "{e}");
        let e = decode_batch(&cbor_zstd(&batch(0)), Encoding::Cbor).unwrap_err();
        assert_eq!(e, DecodeError::UnsupportedSchema(0));
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
            Err(DecodeError::Malformed { .. })
        ));
    }

    #[test]
    fn a_truncated_batch_is_explained_without_decoder_internals() {
        let mut raw = Vec::new();
        ciborium::into_writer(&batch(SCHEMA_VERSION), &mut raw).unwrap();
        raw.truncate(raw.len() / 2);
        let body = zstd::encode_all(raw.as_slice(), 3).unwrap();
        let e = decode_batch(&body, Encoding::Cbor).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("ends in the middle of a value"), "{shown}");
        assert!(
            !shown.contains("Core(") && !shown.contains("Eof"),
            "{shown}"
        );
        let DecodeError::Malformed { detail, .. } = e else {
            panic!("not malformed: {e:?}")
        };
        assert!(
            detail.contains("Eof"),
            "the log keeps the decoder's account: {detail}"
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        let body = zstd::encode_all(&b"\xa1\x6eschema_version\x01"[..], 3).unwrap();
        let shown = decode_batch(&body, Encoding::Cbor).unwrap_err().to_string();
        assert!(shown.contains("missing field `sensor_id`"), "{shown}");
    }

    #[test]
    fn an_oversized_field_is_refused_by_name() {
        let mut b = batch(SCHEMA_VERSION);
        b.health.version = Some("v".repeat(10_000));
        let e = decode_batch(&cbor_zstd(&b), Encoding::Cbor).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e.to_string()
                .starts_with("health.version: 10000 bytes long"),
            "{e}"
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
        h.insert(header::CONTENT_ENCODING, "zstd".parse().unwrap());
        assert_eq!(encoding_of(&h), Ok(Encoding::Cbor));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(encoding_of(&h), Err(DecodeError::UnsupportedContentType));
    }
}
