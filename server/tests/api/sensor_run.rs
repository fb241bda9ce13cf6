//! `sensor run` against the real server: a capture replayed, spooled and
//! uploaded; an outage bridged by the spool without losing a batch.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use sensor::run::{Pace, RunConfig, Source, run};
use serde_json::Value;
use traffic::analyzer::{AnalyzerConfig, digest_capture};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap"
);

/// Registers a sensor for the demo tenant: (public id, token).
pub(crate) async fn register(app: &TestApp) -> (String, String) {
    let admin = app.signed_in("admin").await;
    let r = app
        .call(
            &admin,
            "admin/create_sensor",
            &[
                ("tenant_id", &app.tenant_demo.to_string()),
                ("name", "replay"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    (
        v["sensor"]["public_id"].as_str().unwrap().to_owned(),
        v["token"].as_str().unwrap().to_owned(),
    )
}

fn config(server: &str, sensor_id: &str, token: &str, spool: &std::path::Path) -> RunConfig {
    RunConfig {
        server: server.to_owned(),
        token: token.to_owned(),
        sensor_id: sensor_id.to_owned(),
        source: Source::Pcap {
            path: CAPTURE.into(),
            pace: Pace::Max,
        },
        spool_dir: spool.to_owned(),
        spool_max_bytes: 64 * 1024 * 1024,
        drain_timeout: Duration::from_secs(30),
        analyzer: Default::default(),
    }
}

/// Runs the sensor on a blocking thread, as its own process would.
async fn replay(cfg: RunConfig, log: Arc<Mutex<Vec<String>>>) -> sensor::run::RunSummary {
    tokio::task::spawn_blocking(move || run(&cfg, Arc::new(AtomicBool::new(false)), log))
        .await
        .unwrap()
        .expect("run succeeds")
}

fn no_log() -> Arc<Mutex<Vec<String>>> {
    Arc::new(Mutex::new(Vec::new()))
}

fn expected_minutes() -> u64 {
    let bytes = std::fs::read(CAPTURE).unwrap();
    digest_capture(bytes.as_slice(), AnalyzerConfig::default())
        .unwrap()
        .len() as u64
}

async fn stored_batches(app: &TestApp) -> Value {
    let customer = app.signed_in("customer-viewer").await;
    app.call(&customer, "portal/overview", &[])
        .await
        .json()
        .await
        .unwrap()
}

async fn a_replayed_capture_arrives_minute_by_minute(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sensor_id, token) = register(&app).await;
    let spool = tempfile::tempdir().unwrap();
    let cfg = config(&app.base, &sensor_id, &token, spool.path());
    let summary = replay(cfg, no_log()).await;
    let minutes = expected_minutes();
    assert_eq!(summary.batches, minutes);
    assert_eq!(summary.uploaded, minutes);
    assert_eq!(summary.left_in_spool, 0);
    assert_eq!(stored_batches(&app).await["batches"], minutes);

    // Running the same spool again continues its sequence: nothing collides.
    let cfg = config(&app.base, &sensor_id, &token, spool.path());
    let again = replay(cfg, no_log()).await;
    assert_eq!(again.uploaded, minutes);
    assert_eq!(stored_batches(&app).await["batches"], 2 * minutes);
}

async fn an_outage_is_bridged_by_the_spool(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sensor_id, token) = register(&app).await;
    let spool = tempfile::tempdir().unwrap();
    // Nothing listens on this port: every upload fails, everything stays spooled.
    let unreachable = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let mut cfg = config(&unreachable, &sensor_id, &token, spool.path());
    cfg.drain_timeout = Duration::from_secs(2);
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    let offline = replay(cfg, log2).await;
    let minutes = expected_minutes();
    assert_eq!(offline.uploaded, 0);
    assert_eq!(offline.left_in_spool, minutes);
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("retrying in")),
        "backoff logged"
    );

    // The server is back: the next run delivers the old batches first, then its own.
    let cfg = config(&app.base, &sensor_id, &token, spool.path());
    let online = replay(cfg, no_log()).await;
    assert_eq!(online.uploaded, 2 * minutes);
    assert_eq!(online.left_in_spool, 0);
    assert_eq!(stored_batches(&app).await["batches"], 2 * minutes);
}

on_both_databases!(
    a_replayed_capture_arrives_minute_by_minute,
    an_outage_is_bridged_by_the_spool,
);
