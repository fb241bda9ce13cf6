//! The delay from traffic on the wire to the alert in the portal and at the
//! receivers (scripts/bench-alert-delay.sh; docs/BENCHMARKS.md): a live
//! sensor captures the S7 block download replayed into a veth pair at a
//! chosen second of the minute, closes its minute batch and uploads it; the
//! server analyses it and sends the alert to rsyslogd over TCP and to a
//! webhook. Each round runs a fresh server, so the alert is a new one and
//! is sent. Prints the figures; asserts only that the alert arrived
//! everywhere. Needs root (network namespaces), as the live tests do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Timelike;
use serde_json::Value;

use crate::export::{Rsyslog, add, webhook_receiver};
use crate::helpers::{Backend, free_port, spawn_app};
use crate::ingest::register;
use crate::sensor_live::LiveSensor;
use crate::sensor_live::veth::Veth;

/// The S7 block download: program_download and logic_change, always on.
const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap"
);

/// The seconds of the minute at which the traffic is replayed: early, mid
/// and late in a sensor's minute batch.
const PHASES: [u32; 3] = [5, 30, 55];

async fn alert_delay(backend: Backend) {
    let Some(veth) = Veth::create() else {
        panic!("the delay benchmark needs root for its veth pair");
    };
    let veth = Arc::new(veth);
    let syslog = Rsyslog::start();
    let hook_port = free_port();
    let (received, _hook) = webhook_receiver(hook_port).await;
    for (round, phase) in PHASES.into_iter().enumerate() {
        let app = spawn_app(backend).await;
        let admin = app.signed_in("customer-admin").await;
        add(
            &app,
            &admin,
            "syslog_tcp",
            &format!("127.0.0.1:{}", syslog.tcp_port),
        )
        .await;
        add(
            &app,
            &admin,
            "webhook",
            &format!("http://127.0.0.1:{hook_port}/hook"),
        )
        .await;
        let sensor = register(&app, app.tenant_demo, &format!("delay {round}")).await;
        let live =
            LiveSensor::start(&app.base, &sensor.public_id, &sensor.token, &veth.outer).await;
        // Replay at the chosen second of the wall-clock minute.
        while chrono::Utc::now().second() != phase {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let sent = Instant::now();
        let replaying = veth.clone();
        tokio::task::spawn_blocking(move || replaying.replay(CAPTURE.as_ref()))
            .await
            .unwrap();
        let replayed = sent.elapsed();

        let viewer = app.signed_in("customer-viewer").await;
        let syslog_before = syslog.lines("tcp.log").len();
        let hooks_before = received.lock().unwrap().len();
        let (mut portal, mut at_syslog, mut at_hook) = (None, None, None);
        let deadline = sent + Duration::from_secs(300);
        while portal.is_none() || at_syslog.is_none() || at_hook.is_none() {
            assert!(
                Instant::now() < deadline,
                "round {round}: no alert in 300 s"
            );
            if portal.is_none() {
                let counts: Value = app
                    .call(&viewer, "portal/alert_counts", &[])
                    .await
                    .json()
                    .await
                    .unwrap();
                if counts["total"].as_i64() > Some(0) {
                    portal = Some(sent.elapsed());
                }
            }
            if at_syslog.is_none() && syslog.lines("tcp.log").len() > syslog_before {
                at_syslog = Some(sent.elapsed());
            }
            if at_hook.is_none() && received.lock().unwrap().len() > hooks_before {
                at_hook = Some(sent.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        live.stop().await;
        let s = |d: Option<Duration>| d.unwrap().as_secs_f64();
        println!(
            "BENCH {backend:?} traffic at second {phase:02} (replayed in {:.3} s): first alert in the portal after {:.1} s, at rsyslogd {:.1} s, at the webhook {:.1} s",
            replayed.as_secs_f64(),
            s(portal),
            s(at_syslog),
            s(at_hook)
        );
    }
}

mod bench {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: scripts/bench-alert-delay.sh"]
    async fn on_sqlite() {
        super::alert_delay(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: scripts/bench-alert-delay.sh"]
    async fn on_postgres() {
        super::alert_delay(super::Backend::Postgres).await
    }
}
