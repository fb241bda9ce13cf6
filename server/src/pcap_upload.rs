//! `POST /portal/pcap`: a customer admin uploads a capture file for a proof
//! of concept without a sensor. The file goes through the sensor's decoding
//! (`traffic::analyzer::digest_capture`) and the same storage path as
//! uploaded batches, under the tenant's "PCAP upload" sensor.
//!
//! A plain HTML form post (multipart), answered with a redirect back to the
//! portal saying what happened, so it works without the WASM. A file that
//! ends in a damaged or cut record (capturing stopped mid-write) keeps every
//! packet before it, and the answer says where reading stopped.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use traffic::analyzer::{AnalyzerConfig, digest_capture_bytes};
use traffic::record::Health;

use app::ssr::{ServerState, user_of_headers};
use model::Area;

pub const PCAP_UPLOAD_PATH: &str = "/portal/pcap";
/// Largest capture accepted through the portal.
pub const MAX_PCAP_BYTES: usize = 256 * 1024 * 1024;

pub fn routes(state: ServerState) -> Router {
    Router::new()
        .route(PCAP_UPLOAD_PATH, post(upload))
        .layer(DefaultBodyLimit::max(MAX_PCAP_BYTES))
        .with_state(state)
}

fn back(query: &str) -> Response {
    Redirect::to(&format!("/portal?{query}")).into_response()
}

fn failed(message: &str) -> Response {
    back(&format!("upload_error={}", query_encode(message)))
}

/// Percent-encodes a message for a query string value.
fn query_encode(message: &str) -> String {
    message
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn upload(
    State(state): State<ServerState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let user = user_of_headers(&state.sessions, &headers)
        .await
        .ok()
        .flatten();
    let Some(user) = user else {
        return Redirect::to("/login").into_response();
    };
    let (true, Some(tenant_id)) = (user.may(Area::PortalManage), user.tenant_id) else {
        return (
            axum::http::StatusCode::FORBIDDEN,
            "only a customer admin may upload captures",
        )
            .into_response();
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("capture") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(e) => return failed(&format!("the upload was interrupted: {e}")),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) => return failed(&format!("the upload could not be read: {e}")),
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return failed("choose a pcap or pcapng file");
    };
    let Imported {
        minutes,
        flows,
        cut,
    } = match import_capture(&state, tenant_id, bytes, "portal pcap upload").await {
        Ok(imported) => imported,
        Err(message) => return failed(&message),
    };
    tracing::info!(
        tenant_id,
        by = user.username,
        minutes,
        flows,
        cut = cut.as_deref().unwrap_or("-"),
        "capture uploaded in the portal"
    );
    match cut {
        Some(why) => back(&format!(
            "uploaded={minutes}&flows={flows}&cut={}",
            query_encode(&why)
        )),
        None => back(&format!("uploaded={minutes}&flows={flows}")),
    }
}

/// What one capture file added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Minute batches stored.
    pub minutes: usize,
    pub flows: usize,
    /// The file ends in a damaged or cut record: what was read before it is
    /// stored, and this says where reading stopped.
    pub cut: Option<String>,
}

/// Decodes a capture file and stores its minutes as batches of the tenant's
/// "PCAP upload" sensor, through the same storage path as a sensor's
/// uploads; `version` is the health line its batches carry. The error says,
/// for the user, what went wrong and how much was stored before.
pub async fn import_capture(
    state: &ServerState,
    tenant_id: i64,
    bytes: impl AsRef<[u8]> + Send + 'static,
    version: &str,
) -> Result<Imported, String> {
    // Decoding is CPU work: keep it off the async workers.
    let whole = match tokio::task::spawn_blocking(move || {
        digest_capture_bytes(bytes.as_ref(), AnalyzerConfig::default())
    })
    .await
    {
        Ok(Ok(whole)) => whole,
        Ok(Err(e)) => return Err(format!("not a readable capture: {e}")),
        Err(_) => return Err("the capture could not be decoded".into()),
    };
    let sensor = state
        .sensors
        .upload_sensor(tenant_id)
        .await
        .map_err(|_| "storage unavailable, try again".to_owned())?;
    // A range of sequence numbers of its own, taken atomically: an upload
    // running at the same time (here or on another instance) gets another.
    let first = state
        .sensors
        .reserve_sequences(sensor.id, whole.minutes.len() as u64)
        .await
        .map_err(|_| "storage unavailable, try again".to_owned())?;
    let mut imported = Imported {
        minutes: 0,
        flows: 0,
        cut: whole.cut.map(|e| e.to_string()),
    };
    for (sequence, digest) in (first..).zip(whole.minutes) {
        let health = Health {
            version: Some(version.into()),
            ..Health::default()
        };
        let batch = digest.into_batch(&sensor.public_id, sequence, health);
        match state.ingest.store(&sensor, &batch, None).await {
            // Counted only when stored: a reserved sequence is never taken
            // already, so anything else is reported, not hidden.
            Ok(outcome) if outcome.stored => {
                imported.minutes += 1;
                imported.flows += outcome.flows;
            }
            Ok(_) => {
                return Err(format!(
                    "stored {} minutes, then minute {sequence} was found stored already",
                    imported.minutes
                ));
            }
            Err(e) => return Err(format!("stored {} minutes, then: {e}", imported.minutes)),
        }
    }
    Ok(imported)
}
