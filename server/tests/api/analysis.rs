//! The analysis job in the running server: batches uploaded as a sensor
//! does become the inventory `analysis::Inventory` makes of them offline,
//! each batch analysed once across retries and restarts, each tenant's
//! inventory its own, and the sensor's analysis lag back to zero.

use analysis::Inventory;
use model::inventory::AssetQuery;
use reqwest::StatusCode;
use serde_json::Value;
use store::{Store, StoreError};
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::{Batch, Health};

use crate::helpers::{Backend, TestApp, fresh_database_url, spawn_app_on};
use crate::ingest::{Registered, cbor_zstd, register, upload};
use crate::on_both_databases;

pub(crate) const S7_CAPTURE: &[u8] =
    include_bytes!("../../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap");
const IEC104_CAPTURE: &[u8] =
    include_bytes!("../../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap");

pub(crate) fn batches(capture: &[u8], public_id: &str) -> Vec<Batch> {
    digest_capture(capture, AnalyzerConfig::default())
        .expect("valid capture")
        .into_iter()
        .enumerate()
        .map(|(i, d)| d.into_batch(public_id, i as u64 + 1, Health::default()))
        .collect()
}

/// Uploads `batches` as the sensor with `token` does, each acknowledged.
pub(crate) async fn upload_all(app: &TestApp, token: &str, batches: &[Batch]) {
    for b in batches {
        let (status, answer) = upload(app, token, cbor_zstd(b)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
}

/// Waits until the job has analysed the sensor through `sequence` with
/// nothing pending, as the health page shows it.
pub(crate) async fn wait_analysed(app: &TestApp, user: &str, public_id: &str, sequence: u64) {
    wait_analysed_within(app, user, public_id, sequence, 300).await
}

/// `sent` uploaded by `sensor`, and waited for until the analysis took
/// all of it in.
pub(crate) async fn upload_analysed(app: &TestApp, sensor: &Registered, sent: &[Batch]) {
    upload_all(app, &sensor.token, sent).await;
    wait_analysed(app, "customer-viewer", &sensor.public_id, sent.len() as u64).await;
}

/// A sensor of the demo tenant ("line 1") that uploaded the S7 capture,
/// analysed; with what it sent.
pub(crate) async fn s7_line(app: &TestApp) -> (Registered, Vec<Batch>) {
    let sensor = register(app, app.tenant_demo, "line 1").await;
    let sent = batches(S7_CAPTURE, &sensor.public_id);
    upload_analysed(app, &sensor, &sent).await;
    (sensor, sent)
}

/// The same, asking at most `polls` times, 100 ms apart.
pub(crate) async fn wait_analysed_within(
    app: &TestApp,
    user: &str,
    public_id: &str,
    sequence: u64,
    polls: u32,
) {
    let c = app.signed_in(user).await;
    let mut last = Value::Null;
    for _ in 0..polls {
        let sensors: Value = app
            .call(&c, "portal/sensors", &[])
            .await
            .json()
            .await
            .unwrap();
        if let Some(s) = sensors
            .as_array()
            .and_then(|a| a.iter().find(|s| s["public_id"] == public_id))
        {
            last = s["health"].clone();
            if last["analysis_pending"] == 0 && last["analysed_sequence"] == sequence {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("sensor {public_id} not analysed through {sequence}: {last}");
}

async fn uploads_become_the_offline_inventory_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let theirs = register(&app, app.tenant_other, "their line").await;
    let sent = batches(S7_CAPTURE, &sensor.public_id);
    let other_batches = batches(IEC104_CAPTURE, &theirs.public_id);
    let mut offline = Inventory::default();
    sent.iter().for_each(|b| offline.observe(b));
    let expected = offline.report();

    let half = sent.len().div_ceil(2);
    upload_all(&app, &sensor.token, &sent[..half]).await;
    upload_all(&app, &theirs.token, &other_batches).await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, half as u64).await;
    let (tenant_demo, tenant_other) = (app.tenant_demo, app.tenant_other);
    drop(app);

    // A restart: the new server has nothing cached and must go on from the
    // stored state and progress; a retried batch is not analysed again.
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&sent[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["duplicate"], true);
    upload_all(&app, &sensor.token, &sent[half..]).await;
    wait_analysed(
        &app,
        "customer-viewer",
        &sensor.public_id,
        sent.len() as u64,
    )
    .await;
    wait_analysed(
        &app,
        "other-admin",
        &theirs.public_id,
        other_batches.len() as u64,
    )
    .await;

    let store = Store::new(store::Db::connect(&url).await.unwrap());
    let page = store
        .inventory
        .assets(
            tenant_demo,
            &AssetQuery {
                limit: 500,
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total as usize, expected.assets.len());
    for asset in &expected.assets {
        let stored = store.inventory.asset(tenant_demo, &asset.id).await.unwrap();
        assert_eq!(
            stored.json,
            serde_json::to_string(asset).unwrap(),
            "{} as analysed offline",
            asset.id
        );
        // Tenant B never gets tenant A's asset, even given its id.
        assert_eq!(
            store.inventory.asset(tenant_other, &asset.id).await,
            Err(StoreError::NotFound)
        );
    }
    let plc = page
        .assets
        .iter()
        .find(|a| a.ips == ["192.168.1.40"])
        .expect("the S7 PLC is an asset");
    assert_eq!(plc.role, "controller");
    assert_eq!(plc.purdue_level, Some(1));
    let edges = store.inventory.edges(tenant_demo).await.unwrap();
    assert_eq!(edges.len(), expected.edges.len());
    assert!(
        edges
            .iter()
            .any(|e| e.server == plc.id && e.protocol == "s7comm")
    );

    let other_page = store
        .inventory
        .assets(tenant_other, &AssetQuery::default())
        .await
        .unwrap();
    assert!(other_page.total > 0);
    assert!(
        other_page
            .assets
            .iter()
            .all(|a| a.zones == [theirs.public_id.clone()])
    );
    assert!(
        store
            .inventory
            .edges(tenant_other)
            .await
            .unwrap()
            .iter()
            .all(|e| e.protocol != "s7comm")
    );
    store.db.close().await;
}

on_both_databases!(uploads_become_the_offline_inventory_once);
