//! `POST /portal/pcap`: a customer admin uploads a capture file for a proof
//! of concept without a sensor. The file goes through the sensor's decoding
//! (`traffic::analyzer::digest_capture`) and the same storage path as
//! uploaded batches, under the tenant's "PCAP upload" sensor.
//!
//! A plain HTML form post (multipart), answered with a redirect back to the
//! portal saying what happened, so it works without the WASM.

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
    let encoded: String = message
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    back(&format!("upload_error={encoded}"))
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
    // Decoding is CPU work: keep it off the async workers.
    let digests = match tokio::task::spawn_blocking(move || {
        digest_capture_bytes(&bytes, AnalyzerConfig::default())
    })
    .await
    {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return failed(&format!("not a readable capture: {e}")),
        Err(_) => return failed("the capture could not be decoded"),
    };
    let sensor = match state.sensors.upload_sensor(tenant_id).await {
        Ok(s) => s,
        Err(_) => return failed("storage unavailable, try again"),
    };
    // A range of sequence numbers of its own, taken atomically: an upload
    // running at the same time (here or on another instance) gets another.
    let Ok(first) = state
        .sensors
        .reserve_sequences(sensor.id, digests.len() as u64)
        .await
    else {
        return failed("storage unavailable, try again");
    };
    let (mut minutes, mut flows) = (0usize, 0usize);
    for (sequence, digest) in (first..).zip(digests) {
        let health = Health {
            version: Some("portal pcap upload".into()),
            ..Health::default()
        };
        let batch = digest.into_batch(&sensor.public_id, sequence, health);
        match state.ingest.store(&sensor, &batch, None).await {
            // Counted only when stored: a reserved sequence is never taken
            // already, so anything else is reported, not hidden.
            Ok(outcome) if outcome.stored => {
                minutes += 1;
                flows += outcome.flows;
            }
            Ok(_) => {
                return failed(&format!(
                    "stored {minutes} minutes, then minute {sequence} was found stored already"
                ));
            }
            Err(e) => return failed(&format!("stored {minutes} minutes, then: {e}")),
        }
    }
    tracing::info!(
        tenant_id,
        by = user.username,
        minutes,
        flows,
        "capture uploaded in the portal"
    );
    back(&format!("uploaded={minutes}&flows={flows}"))
}
