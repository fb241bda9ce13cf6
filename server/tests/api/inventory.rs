//! The asset inventory as a customer reads it — server functions and the
//! CSV export — always of the signed-in user's own tenant.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::analysis::{S7_CAPTURE, batches, upload_all, wait_analysed};
use crate::helpers::{Backend, TestApp, client, spawn_app};
use crate::ingest::register;
use crate::on_both_databases;

async fn assets(app: &TestApp, c: &reqwest::Client, query: Value) -> (StatusCode, Value) {
    let r = app
        .call_json(c, "portal/assets", &json!({ "query": query }))
        .await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn query(filter: Value) -> Value {
    json!({ "filter": filter, "sort": "id", "descending": false, "offset": 0, "limit": 50 })
}

async fn csv(app: &TestApp, c: &reqwest::Client, params: &str) -> (StatusCode, String, String) {
    let r = c
        .get(format!("{}/portal/assets.csv{params}", app.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, r.text().await.unwrap())
}

async fn a_customer_reads_its_own_inventory_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let sent = batches(S7_CAPTURE, &sensor.public_id);
    upload_all(&app, &sensor.token, &sent).await;
    wait_analysed(
        &app,
        "customer-viewer",
        &sensor.public_id,
        sent.len() as u64,
    )
    .await;

    let viewer = app.signed_in("customer-viewer").await;
    let (status, all) = assets(&app, &viewer, query(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert!(all["total"].as_i64().unwrap() >= 2, "{all}");
    let plc = all["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ips"] == json!(["192.168.1.40"]))
        .expect("the S7 PLC")
        .clone();
    assert_eq!(plc["role"], "controller");
    let plc_id = plc["id"].as_str().unwrap().to_owned();

    // Filters and search narrow in the database.
    let (_, controllers) = assets(&app, &viewer, query(json!({ "role": "controller" }))).await;
    assert!(
        controllers["assets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["role"] == "controller"),
        "{controllers}"
    );
    assert!(controllers["total"].as_i64().unwrap() >= 1);
    let (_, found) = assets(&app, &viewer, query(json!({ "search": "192.168.1.40" }))).await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, none) = assets(&app, &viewer, query(json!({ "protocol": "dnp3" }))).await;
    assert_eq!(none["total"], 0, "{none}");

    let detail: Value = app
        .call(&viewer, "portal/asset", &[("id", &plc_id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["row"]["id"], plc_id.as_str());
    let engine: Value = serde_json::from_str(detail["json"].as_str().unwrap()).unwrap();
    assert!(
        engine["evidence"].as_array().is_some_and(|e| !e.is_empty()),
        "{engine}"
    );

    let edges: Value = app
        .call(&viewer, "portal/edges", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        edges
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["server"] == plc_id.as_str() && e["protocol"] == "s7comm"),
        "{edges}"
    );
    let zones: Value = app
        .call(&viewer, "portal/zones", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        zones
            .as_array()
            .unwrap()
            .iter()
            .any(|z| z["zone"] == sensor.public_id.as_str()),
        "{zones}"
    );
    let counts: Value = app
        .call(&viewer, "portal/asset_counts", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        counts["by_role"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c[0] == "controller" && c[1].as_i64() >= Some(1)),
        "{counts}"
    );

    // The CSV holds the same assets, with a byte order mark for Excel.
    let (status, kind, body) = csv(&app, &viewer, "?role=controller&sort=last_seen&desc=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(body.starts_with('\u{FEFF}'));
    assert!(body.contains(&plc_id), "{body}");
    assert_eq!(
        body.lines().count() as i64,
        1 + controllers["total"].as_i64().unwrap()
    );
    let (status, _, message) = csv(&app, &viewer, "?level=one").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("level"), "{message}");

    // Another tenant gets nothing of it, even given its ids.
    let other = app.signed_in("other-admin").await;
    let (status, theirs) = assets(&app, &other, query(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["total"], 0, "{theirs}");
    let theirs: Value = app
        .call(&other, "portal/asset", &[("id", &plc_id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, Value::Null, "another tenant's asset is not there");
    let edges: Value = app
        .call(&other, "portal/edges", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(edges, json!([]));
    let (status, _, body) = csv(&app, &other, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(&plc_id));
    assert_eq!(body.lines().count(), 1, "the header only: {body}");

    // Only a customer's users export assets.
    let (status, _, _) = csv(&app, &client(), "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let sales = app.signed_in("sales").await;
    let (status, _, _) = csv(&app, &sales, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both_databases!(a_customer_reads_its_own_inventory_only);

/// `portal/map`'s answer: JSON text, parsed.
async fn map(app: &TestApp, c: &reqwest::Client) -> (StatusCode, Value) {
    let r = app.call(c, "portal/map", &[]).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    let parsed = body
        .as_str()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(body);
    (status, parsed)
}

async fn a_customer_sees_only_its_own_tenants_map(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let sent = batches(S7_CAPTURE, &sensor.public_id);
    upload_all(&app, &sensor.token, &sent).await;
    wait_analysed(
        &app,
        "customer-viewer",
        &sensor.public_id,
        sent.len() as u64,
    )
    .await;

    let viewer = app.signed_in("customer-viewer").await;
    let (status, ours) = map(&app, &viewer).await;
    assert_eq!(status, StatusCode::OK, "{ours}");
    let nodes = ours["nodes"].as_array().expect("nodes");
    let edges = ours["edges"].as_array().expect("edges");
    assert_eq!(ours["truncated"], false);
    // The S7 PLC, labelled by its address, with the workstation that talks
    // to it over s7comm; edges name their ends by position.
    let plc = nodes
        .iter()
        .position(|n| n["label"] == "192.168.1.40")
        .expect("the S7 PLC");
    assert_eq!(nodes[plc]["role"], "controller");
    assert_eq!(nodes[plc]["purdue_level"], 1);
    assert_eq!(nodes[plc]["zone"], sensor.public_id.as_str());
    assert!(
        edges.iter().any(|e| e["server"] == plc
            && e["protocol"] == "s7comm"
            && e["requests"].as_i64() > Some(0)
            && e["skips_levels"].is_boolean()),
        "{ours}"
    );
    assert!(edges.iter().all(|e| {
        let index = |k: &str| e[k].as_u64().map(|i| (i as usize) < nodes.len());
        index("client") == Some(true) && index("server") == Some(true)
    }));
    // The same assets as the inventory lists.
    let (_, all) = assets(&app, &viewer, query(json!({}))).await;
    assert_eq!(nodes.len() as i64, all["total"].as_i64().unwrap());

    // Another tenant's customer gets its own (empty) map, whatever it sends.
    let other = app.signed_in("other-admin").await;
    let r = app
        .call(
            &other,
            "portal/map",
            &[("tenant_id", &app.tenant_demo.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, theirs) = map(&app, &other).await;
    assert_eq!(
        theirs,
        json!({ "nodes": [], "edges": [], "truncated": false })
    );

    // Only a customer's users read a map.
    let (status, _) = map(&app, &client()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let sales = app.signed_in("sales").await;
    let (status, _) = map(&app, &sales).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both_databases!(a_customer_sees_only_its_own_tenants_map);
