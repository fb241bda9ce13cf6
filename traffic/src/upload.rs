//! A batch's wire form: one [`Batch`] encoded as CBOR (what sensors send)
//! or JSON, compressed with zstd (docs/SENSOR-API.md). The server decodes
//! and checks an upload here before storing anything; the store keeps the
//! received bytes until the analysis has read them, and reads them back
//! with the same decoder.

use std::io::Read;

use crate::limits::{self, LimitExceeded};
use crate::record::{Batch, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION};

/// Largest decompressed batch accepted: a zstd bomb stops here.
pub const MAX_DECOMPRESSED_BYTES: u64 = 128 * 1024 * 1024;

/// How the batch inside the zstd frame is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Cbor,
    Json,
}

impl Encoding {
    pub const ALL: [Encoding; 2] = [Encoding::Cbor, Encoding::Json];

    /// The name a database column keeps it by.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Cbor => "cbor",
            Encoding::Json => "json",
        }
    }
}

/// Why received bytes are not a batch this version accepts.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the body is not a valid zstd frame: {0}")]
    Zstd(String),
    #[error("the batch decompresses to more than {MAX_DECOMPRESSED_BYTES} bytes")]
    DecompressedTooLarge,
    /// `shown` says what was wrong in the schema's terms and goes to the
    /// sender; `detail` is the decoder's own account and goes to the log.
    #[error("the batch could not be decoded: {shown}")]
    Malformed { shown: String, detail: String },
    #[error(
        "schema_version {0} is not supported; this server reads versions {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION}"
    )]
    UnsupportedSchema(u16),
    #[error(transparent)]
    OverLimit(#[from] LimitExceeded),
}

/// A decoded batch and the fingerprint of its decoded bytes: a retry carries
/// the same bytes, a different batch under a stored sequence does not.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub batch: Batch,
    pub digest: i64,
}

/// Decompresses (never past [`MAX_DECOMPRESSED_BYTES`]), decodes and checks
/// a batch against the per-field limits.
pub fn decode(body: &[u8], encoding: Encoding) -> Result<Decoded, DecodeError> {
    decode_limited(body, encoding, MAX_DECOMPRESSED_BYTES)
}

/// [`decode`] with another decompression limit.
pub fn decode_limited(body: &[u8], encoding: Encoding, limit: u64) -> Result<Decoded, DecodeError> {
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
    limits::check(&batch)?;
    Ok(Decoded {
        batch,
        digest: xxhash_rust::xxh3::xxh3_64(&raw) as i64,
    })
}

/// A batch in the form sensors send it: CBOR, zstd-compressed.
pub fn encode(batch: &Batch) -> Vec<u8> {
    // Writing into a Vec cannot fail, nor can serialising the schema's
    // types (no maps with non-text keys); an empty result would only make
    // the reader fall back to the stored rows.
    let raw = cbor4ii::serde::to_vec(Vec::new(), batch).unwrap_or_default();
    zstd::encode_all(raw.as_slice(), 1).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(version: u16) -> Batch {
        Batch {
            schema_version: version,
            ..Batch::empty("sen_test", 1, 1_700_000_040)
        }
    }

    /// As a sensor encodes it (ciborium).
    fn cbor_zstd(b: &Batch) -> Vec<u8> {
        let mut raw = Vec::new();
        ciborium::into_writer(b, &mut raw).unwrap();
        zstd::encode_all(raw.as_slice(), 3).unwrap()
    }

    fn json_zstd(b: &Batch) -> Vec<u8> {
        zstd::encode_all(serde_json::to_vec(b).unwrap().as_slice(), 3).unwrap()
    }

    #[test]
    fn a_batch_round_trips_through_cbor_and_zstd() {
        let b = batch(SCHEMA_VERSION);
        let decoded = decode(&cbor_zstd(&b), Encoding::Cbor).unwrap();
        assert_eq!(decoded.batch, b);
        // The same bytes give the same fingerprint; other content another.
        assert_eq!(
            decode(&cbor_zstd(&b), Encoding::Cbor).unwrap().digest,
            decoded.digest
        );
        let mut other = b.clone();
        other.minute_start += 60;
        assert_ne!(
            decode(&cbor_zstd(&other), Encoding::Cbor).unwrap().digest,
            decoded.digest
        );
        assert_eq!(decode(&json_zstd(&b), Encoding::Json).unwrap().batch, b);
        // The store's own encoding reads back the same.
        assert_eq!(decode(&encode(&b), Encoding::Cbor).unwrap().batch, b);
    }

    #[test]
    fn a_zstd_bomb_stops_at_the_limit() {
        // 64 MiB of zeros compress to a few kilobytes.
        let zeros = vec![0u8; 64 * 1024 * 1024];
        let bomb = zstd::encode_all(zeros.as_slice(), 3).unwrap();
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            decode_limited(&bomb, Encoding::Cbor, 1024 * 1024),
            Err(DecodeError::DecompressedTooLarge)
        );
    }

    /// One operation of `protocol`, as a sensor records it.
    fn with_operation(mut b: Batch, protocol: crate::operation::Protocol) -> Batch {
        use crate::operation::{Direction, OperationClass};
        b.operations.push(crate::record::OperationCount {
            vlan: None,
            transport: crate::record::TransportKind::Tcp,
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
        use crate::operation::Protocol;
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
            assert_eq!(decode(&cbor_zstd(&b), Encoding::Cbor).unwrap().batch, b);
            assert_eq!(decode(&json_zstd(&b), Encoding::Json).unwrap().batch, b);
        }
    }

    #[test]
    fn another_schema_version_is_named_in_the_refusal() {
        let e = decode(&cbor_zstd(&batch(3)), Encoding::Cbor).unwrap_err();
        assert_eq!(e, DecodeError::UnsupportedSchema(3));
        assert!(e.to_string().contains("versions 1 to 2"), "{e}");
        let e = decode(&cbor_zstd(&batch(0)), Encoding::Cbor).unwrap_err();
        assert_eq!(e, DecodeError::UnsupportedSchema(0));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(
            decode(b"not zstd at all", Encoding::Cbor),
            Err(DecodeError::Zstd(_))
        ));
        let not_cbor = zstd::encode_all(&b"\xff\xff\xff"[..], 3).unwrap();
        assert!(matches!(
            decode(&not_cbor, Encoding::Cbor),
            Err(DecodeError::Malformed { .. })
        ));
    }

    #[test]
    fn a_truncated_batch_is_explained_without_decoder_internals() {
        let mut raw = Vec::new();
        ciborium::into_writer(&batch(SCHEMA_VERSION), &mut raw).unwrap();
        raw.truncate(raw.len() / 2);
        let body = zstd::encode_all(raw.as_slice(), 3).unwrap();
        let e = decode(&body, Encoding::Cbor).unwrap_err();
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
        let shown = decode(&body, Encoding::Cbor).unwrap_err().to_string();
        assert!(shown.contains("missing field `sensor_id`"), "{shown}");
    }
}
