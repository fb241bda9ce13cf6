//! `sensor run --interface` against the real server: a capture replayed with
//! tcpreplay into a veth pair (made by the test in its own network namespace)
//! is captured live, digested per minute, uploaded and stored.

#[path = "../../../sensor/tests/support/veth.rs"]
mod veth;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sensor::live::RingConfig;
use sensor::run::{RunConfig, Source, run};
use serde_json::Value;
use traffic::analyzer::{AnalyzerConfig, digest_capture};

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../traffic/testdata/pcaps/modbus/modbus_digitalbond_test_data_part2.pcap"
);

async fn live_traffic_is_stored_and_the_sensor_reports_its_health(backend: Backend) {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    let app = spawn_app(backend).await;
    let (sensor_id, token) = crate::sensor_run::register(&app).await;
    let spool = tempfile::tempdir().unwrap();
    let cfg = RunConfig {
        server: app.base.clone(),
        token,
        sensor_id,
        source: Source::Interface {
            name: veth.outer.clone(),
            ring: RingConfig::with_total_mib(8),
        },
        spool_dir: spool.path().to_owned(),
        spool_max_bytes: 64 * 1024 * 1024,
        drain_timeout: Duration::from_secs(30),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sensor = {
        let (stop, log) = (stop.clone(), log.clone());
        tokio::task::spawn_blocking(move || run(&cfg, stop, log))
    };
    let open_by = Instant::now() + Duration::from_secs(10);
    while !log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.starts_with("capturing on"))
    {
        assert!(
            Instant::now() < open_by,
            "capture never opened: {:?}",
            log.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The pair must outlive the capture: it is handed back after the replay.
    let _veth = tokio::task::spawn_blocking(move || {
        veth.replay(CAPTURE.as_ref());
        veth
    })
    .await
    .unwrap();
    // Let the ring hand over its last block (100 ms), then stop as SIGTERM would.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let summary = sensor.await.unwrap().expect("sensor run succeeds");

    let offline = digest_capture(
        std::fs::read(CAPTURE).unwrap().as_slice(),
        AnalyzerConfig::default(),
    )
    .unwrap();
    let packets: u64 = offline.iter().map(|d| d.counters.packets).sum();
    let operations: u64 = offline
        .iter()
        .flat_map(|d| d.operations.iter())
        .map(|o| o.count)
        .sum();
    assert!(operations > 0, "the capture holds Modbus operations");
    assert_eq!(summary.packets, packets, "{:?}", log.lock().unwrap());
    assert!(summary.batches >= 1);
    assert_eq!(
        summary.uploaded,
        summary.batches,
        "{:?}",
        log.lock().unwrap()
    );
    assert_eq!(summary.left_in_spool, 0);

    let customer = app.signed_in("customer-viewer").await;
    let overview: Value = app
        .call(&customer, "portal/overview", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["batches"], summary.batches);
    assert_eq!(overview["operations"], operations);

    let sensors: Value = app
        .call(&customer, "portal/sensors", &[])
        .await
        .json()
        .await
        .unwrap();
    let health = &sensors[0]["health"];
    assert_eq!(health["packets_total"], packets);
    assert_eq!(health["capture_dropped_total"], 0);
    assert!(
        health["lag_s"].is_i64(),
        "live batches report their lag: {health}"
    );
}

on_both_databases!(live_traffic_is_stored_and_the_sensor_reports_its_health);
