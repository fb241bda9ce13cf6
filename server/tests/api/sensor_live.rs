//! `sensor run --interface` against the real server: a capture replayed with
//! tcpreplay into a veth pair (made by the test in its own network namespace)
//! is captured live, digested per minute, uploaded and stored.

#[path = "../../../sensor/tests/support/veth.rs"]
pub(crate) mod veth;

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

/// `sensor run` capturing on an interface, on a blocking thread, with its
/// log kept.
pub(crate) struct LiveSensor {
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<String>>>,
    running: tokio::task::JoinHandle<Result<sensor::run::RunSummary, sensor::run::RunError>>,
    _spool: tempfile::TempDir,
}

impl LiveSensor {
    /// Starts the sensor on `interface`, uploading to `server`; returns
    /// once its capture is open.
    pub(crate) async fn start(
        server: &str,
        sensor_id: &str,
        token: &str,
        interface: &str,
    ) -> LiveSensor {
        let spool = tempfile::tempdir().unwrap();
        let cfg = RunConfig {
            server: server.to_owned(),
            token: token.to_owned(),
            sensor_id: sensor_id.to_owned(),
            source: Source::Interface {
                name: interface.to_owned(),
                ring: RingConfig::with_total_mib(8),
            },
            spool_dir: spool.path().to_owned(),
            spool_max_bytes: 64 * 1024 * 1024,
            drain_timeout: Duration::from_secs(30),
            analyzer: Default::default(),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let running = {
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
        LiveSensor {
            stop,
            log,
            running,
            _spool: spool,
        }
    }

    /// Stops it as SIGTERM would; its summary and log.
    pub(crate) async fn stop(self) -> (sensor::run::RunSummary, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        let summary = self.running.await.unwrap();
        let log = self.log.lock().unwrap().clone();
        (
            summary.unwrap_or_else(|e| panic!("sensor run failed: {e}: {log:?}")),
            log,
        )
    }
}

async fn live_traffic_is_stored_and_the_sensor_reports_its_health(backend: Backend) {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    let app = spawn_app(backend).await;
    let (sensor_id, token) = crate::sensor_run::register(&app).await;
    let sensor = LiveSensor::start(&app.base, &sensor_id, &token, &veth.outer).await;
    // The pair must outlive the capture: it is handed back after the replay.
    let _veth = tokio::task::spawn_blocking(move || {
        veth.replay(CAPTURE.as_ref());
        veth
    })
    .await
    .unwrap();
    // Let the ring hand over its last block (100 ms), then stop as SIGTERM would.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (summary, log) = sensor.stop().await;

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
    assert_eq!(summary.packets, packets, "{:?}", log);
    assert!(summary.batches >= 1);
    assert_eq!(summary.uploaded, summary.batches, "{:?}", log);
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
