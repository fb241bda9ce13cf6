//! The demo tenant's traffic: the repo's test captures fed through decoding
//! and storage at the first start, and not again at the next.

use std::path::Path;

use serde_json::Value;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

async fn the_demo_tenant_gets_the_repos_captures_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../traffic/testdata/pcaps");
    let first = server::demo::import_captures(&app.state, &dir)
        .await
        .expect("captures imported");
    assert!(first.len() >= 10, "the repo's captures: {first:?}");
    let failed: Vec<_> = first.iter().filter(|i| i.outcome.is_err()).collect();
    assert!(failed.is_empty(), "every test capture decodes: {failed:?}");
    // One of them ends in a cut record: everything before it is kept.
    let cut: Vec<_> = first
        .iter()
        .filter(|i| matches!(&i.outcome, Ok(d) if d.cut.is_some()))
        .collect();
    assert_eq!(cut.len(), 1, "{cut:?}");
    assert!(
        cut[0].file.ends_with("melsec_melsoft_129_clean.pcap"),
        "{cut:?}"
    );
    let minutes: usize = first
        .iter()
        .filter_map(|i| i.outcome.as_ref().ok())
        .map(|d| d.minutes)
        .sum();
    let flows: usize = first
        .iter()
        .filter_map(|i| i.outcome.as_ref().ok())
        .map(|d| d.flows)
        .sum();
    assert!(minutes > 0 && flows > 0, "{first:?}");

    let customer = app.signed_in("customer-viewer").await;
    let overview = || async {
        let v: Value = app
            .call(&customer, "portal/overview", &[])
            .await
            .json()
            .await
            .unwrap();
        v
    };
    let before = overview().await;
    assert_eq!(before["batches"], minutes as u64, "{before}");
    assert_eq!(before["flow_records"], flows as u64, "{before}");

    let again = server::demo::import_captures(&app.state, &dir)
        .await
        .expect("second start");
    assert!(again.is_empty(), "a restart imports nothing: {again:?}");
    assert_eq!(overview().await, before, "the traffic is not counted twice");

    // The captures' commands alert (always on, whatever the learning
    // period): the S7 block download among them.
    let mut servers = Vec::new();
    for _ in 0..300 {
        let page: Value = app
            .call_json(
                &customer,
                "portal/alerts",
                &serde_json::json!({ "query": { "filter": { "alert_type": "program_download" }, "offset": 0, "limit": 500 } }),
            )
            .await
            .json()
            .await
            .unwrap();
        servers = page["alerts"]
            .as_array()
            .map(|a| a.iter().map(|a| a["server_id"].clone()).collect())
            .unwrap_or_default();
        if servers.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        servers.len() >= 2,
        "program downloads in the demo: {servers:?}"
    );

    let other = app.signed_in("other-admin").await;
    let theirs: Value = app
        .call(&other, "portal/overview", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["batches"], 0, "only the demo tenant: {theirs}");
}

async fn a_missing_capture_folder_is_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let err = server::demo::import_captures(&app.state, Path::new("no/such/folder"))
        .await
        .unwrap_err();
    assert!(err.contains("no/such/folder"), "{err}");
}

on_both_databases!(
    the_demo_tenant_gets_the_repos_captures_once,
    a_missing_capture_folder_is_named,
);
