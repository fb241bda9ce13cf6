//! The asset inventory as a customer reads it — server functions and the
//! CSV export — always of the signed-in user's own tenant.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::analysis::{S7_CAPTURE, batches, s7_line, upload_all, upload_analysed, wait_analysed};
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
    let (sensor, _) = s7_line(&app).await;

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

/// Names and products come off the wire: these go in as a device's DHCP
/// host name and product, and must come out as text everywhere.
const HOSTILE_NAME: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";
const HOSTILE_PRODUCT: &str = "=HYPERLINK(\"http://evil\",\"click\")";

async fn html(
    app: &TestApp,
    c: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let r = app.call(c, endpoint, form).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `batch` again as the sensor's batch `sequence`, every time a minute on.
fn a_minute_later(batch: &traffic::record::Batch, sequence: u64) -> traffic::record::Batch {
    let mut b = batch.clone();
    b.sequence = sequence;
    b.minute_start += 60;
    for f in &mut b.flows {
        f.flow_start_ms += 60_000;
        f.first_seen_ms += 60_000;
        f.last_seen_ms += 60_000;
    }
    for o in &mut b.operations {
        o.first_seen_ms += 60_000;
        o.last_seen_ms += 60_000;
    }
    for i in &mut b.identities {
        i.first_seen_ms += 60_000;
    }
    for h in &mut b.hosts {
        h.first_seen_ms += 60_000;
        h.last_seen_ms += 60_000;
    }
    b
}

async fn the_inventory_pages_show_the_tenants_assets_as_text(backend: Backend) {
    use std::net::IpAddr;
    use traffic::record::IdentityRecord;

    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let mut sent = batches(S7_CAPTURE, &sensor.public_id);
    let plc_ip: IpAddr = "192.168.1.40".parse().unwrap();
    let plc_mac = sent
        .iter()
        .flat_map(|b| &b.flows)
        .find(|f| f.server_ip == plc_ip)
        .and_then(|f| f.server_mac);
    let first_ms = sent[0].minute_start * 1000;
    for (attribute, value) in [
        ("hostname", HOSTILE_NAME),
        ("product_name", HOSTILE_PRODUCT),
    ] {
        sent[0].identities.push(IdentityRecord {
            vlan: None,
            mac: plc_mac,
            ip: Some(plc_ip),
            source: "dhcp".into(),
            attribute: attribute.into(),
            value: value.into(),
            first_seen_ms: first_ms,
        });
    }
    // The capture now; the same traffic a minute later after a user's
    // decision, which must hold.
    upload_analysed(&app, &sensor, &sent).await;
    let later = a_minute_later(sent.last().unwrap(), sent.len() as u64 + 1);

    let viewer = app.signed_in("customer-viewer").await;
    let (status, found) = assets(&app, &viewer, query(json!({ "search": "192.168.1.40" }))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let plc_id = found["assets"][0]["id"]
        .as_str()
        .expect("the PLC")
        .to_owned();
    // The pages' server functions, as the browser calls them.
    let table_html = async |c: &reqwest::Client, query: &str, lang: &str| {
        html(
            &app,
            c,
            "portal/assets_html",
            &[("query", query), ("lang", lang)],
        )
        .await
    };
    let asset_page = async |c: &reqwest::Client, lang: &str| {
        html(
            &app,
            c,
            "portal/asset_html",
            &[("id", &plc_id), ("lang", lang)],
        )
        .await
    };
    let decide = async |c: &reqwest::Client, role: &str, level: &str| {
        let form = [
            ("id", plc_id.as_str()),
            ("role", role),
            ("purdue_level", level),
        ];
        html(&app, c, "portal/set_asset_decision", &form).await
    };

    // The table: the PLC found by its address, its name escaped.
    let (status, table) = table_html(&viewer, "q=192.168.1.40&sort=last_seen&desc=1", "En").await;
    assert_eq!(status, StatusCode::OK, "{table}");
    let table = table.as_str().unwrap();
    assert_eq!(
        table.matches("data-testid=\"asset-row\"").count(),
        1,
        "{table}"
    );
    assert!(table.contains("&lt;script&gt;alert("), "{table}");
    assert!(
        !table.contains("<script>") && !table.contains("<img"),
        "{table}"
    );
    assert!(
        table.contains(&format!(
            "/portal/assets/{}",
            model::inventory::percent_encode(&plc_id)
        )),
        "{table}"
    );
    // The CSV link keeps the filter and sort; the sorted column says so.
    assert!(
        table.contains("/portal/assets.csv?q=192.168.1.40&amp;sort=last_seen&amp;desc=1"),
        "{table}"
    );
    assert!(table.contains("aria-sort=\"descending\""), "{table}");
    let (_, refused) = table_html(&viewer, "level=9", "Ja").await;
    assert!(
        refused.as_str().unwrap().contains("asset-filter-error"),
        "{refused}"
    );
    let (_, controllers) = table_html(&viewer, "role=controller", "Ja").await;
    assert!(
        controllers.as_str().unwrap().contains(&plc_id),
        "{controllers}"
    );
    let (_, hmis) = table_html(&viewer, "role=hmi", "Ja").await;
    assert!(!hmis.as_str().unwrap().contains(&plc_id), "{hmis}");

    // The asset page: facts with their source, evidence, the S7 peer; no
    // form for a viewer.
    let (status, page) = asset_page(&viewer, "En").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let page = page.as_str().expect("the page").to_owned();
    assert!(page.contains("data-testid=\"asset-facts\""), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(
        !page.contains("<script>") && !page.contains("<img"),
        "{page}"
    );
    assert!(page.contains("data-testid=\"asset-peer\""), "{page}");
    assert!(page.contains("s7comm"), "{page}");
    assert!(page.contains("PLC / controller"), "{page}");
    assert!(page.contains("answers s7comm requests"), "{page}");
    assert!(
        !page.contains("asset-decide"),
        "a viewer cannot correct roles"
    );

    // The CSV neutralises the formula in the product.
    let (_, _, body) = csv(&app, &viewer, "?q=192.168.1.40").await;
    assert!(body.contains("\"'=HYPERLINK("), "{body}");

    // The dashboard counts it and lists its protocol.
    let (_, summary) = html(&app, &viewer, "portal/summary", &[("lang", "En")]).await;
    let summary = summary.as_str().unwrap();
    assert!(
        summary.contains("data-testid=\"count-role\" data-role=\"controller\""),
        "{summary}"
    );
    assert!(summary.contains("data-protocol=\"s7comm\""), "{summary}");
    assert!(
        summary.contains("data-testid=\"dashboard-traffic\""),
        "{summary}"
    );
    assert!(!summary.contains("<script>"), "{summary}");

    // Correcting the role: viewers may not; an admin's choice shows at once
    // and holds for later batches; blank gives it back to the engine.
    let (status, _) = decide(&viewer, "hmi", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.signed_in("customer-admin").await;
    let (_, page) = asset_page(&admin, "Ja").await;
    assert!(
        page.as_str().unwrap().contains("asset-decide"),
        "an admin gets the form"
    );
    // The evidence in the page's language.
    assert!(
        page.as_str().unwrap().contains("s7comm 要求に応答"),
        "{page}"
    );
    let (status, refused) = decide(&admin, "boss", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused.to_string().contains("role"), "{refused}");
    let (status, answer) = decide(&admin, "hmi", "3").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let row = |c: reqwest::Client, id: String| {
        let app = &app;
        async move {
            let detail: Value = app
                .call(&c, "portal/asset", &[("id", &id)])
                .await
                .json()
                .await
                .unwrap();
            detail
        }
    };
    let detail = row(viewer.clone(), plc_id.clone()).await;
    assert_eq!(detail["row"]["role"], "hmi", "{detail}");
    assert_eq!(detail["row"]["purdue_level"], 3, "{detail}");
    assert!(
        detail["json"].as_str().unwrap().contains("set by a user"),
        "{detail}"
    );
    upload_all(&app, &sensor.token, std::slice::from_ref(&later)).await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, later.sequence).await;
    let detail = row(viewer.clone(), plc_id.clone()).await;
    assert_eq!(detail["row"]["role"], "hmi", "the decision holds: {detail}");
    let (_, page) = asset_page(&admin, "En").await;
    assert!(
        page.as_str().unwrap().contains("customer-admin"),
        "who decided is shown"
    );
    let (_, page) = asset_page(&admin, "Ja").await;
    assert!(
        page.as_str()
            .unwrap()
            .contains("利用者が設定。通信からの推定は controller"),
        "{page}"
    );
    let (status, _) = decide(&admin, "", "").await;
    assert_eq!(status, StatusCode::OK);
    let detail = row(viewer.clone(), plc_id.clone()).await;
    assert_eq!(detail["row"]["role"], "controller", "{detail}");
    assert_eq!(detail["row"]["purdue_level"], 1, "{detail}");

    // A plain HTML form post (no script) is sent back where it came from.
    let referer = format!(
        "{}/portal/assets/{}",
        app.base,
        model::inventory::percent_encode(&plc_id)
    );
    let r = admin
        .post(format!("{}/api/portal/set_asset_decision", app.base))
        .header("Accept", "text/html")
        .header("Origin", app.base.as_str())
        .header("Referer", referer.as_str())
        .form(&[
            ("id", plc_id.as_str()),
            ("role", "historian"),
            ("purdue_level", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    // Back to the page (leptos leaves an empty query where error details
    // would go).
    let location = r.headers()["location"].to_str().unwrap();
    assert_eq!(location.trim_end_matches('?'), referer);
    assert_eq!(
        row(viewer.clone(), plc_id.clone()).await["row"]["role"],
        "historian"
    );

    // Server-rendered pages: the table, the asset, and 404 for a stranger.
    let r = app.get(&viewer, "/portal/assets?role=historian").await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("data-testid=\"asset-row\""), "{body}");
    assert!(!body.contains("<script>alert"), "{body}");
    let r = app
        .get(
            &viewer,
            &format!(
                "/portal/assets/{}",
                model::inventory::percent_encode(&plc_id)
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("data-testid=\"asset-identity\"")
    );
    let r = app
        .get(&viewer, "/portal/assets/mac%3A00%3A00%3A00%3A00%3A00%3A01")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Another tenant: nothing, even with the id; its decisions cannot reach it.
    let other = app.signed_in("other-admin").await;
    let (status, theirs) = asset_page(&other, "En").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs, Value::Null);
    let (_, theirs) = table_html(&other, "", "En").await;
    assert!(!theirs.as_str().unwrap().contains(&plc_id), "{theirs}");
    let (status, _) = decide(&other, "hmi", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(row(viewer, plc_id).await["row"]["role"], "historian");
}

on_both_databases!(the_inventory_pages_show_the_tenants_assets_as_text);

/// `GET /portal/map.json`, as a client that takes no compression asks it.
async fn map(app: &TestApp, c: &reqwest::Client) -> (StatusCode, Value) {
    let r = c
        .get(format!("{}{}", app.base, server::map_data::MAP_DATA_PATH))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn a_customer_sees_only_its_own_tenants_map(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sensor, _) = s7_line(&app).await;

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
    let r = other
        .get(format!(
            "{}{}?tenant_id={}",
            app.base,
            server::map_data::MAP_DATA_PATH,
            app.tenant_demo
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let theirs: Value = r.json().await.unwrap();
    assert_eq!(
        theirs,
        json!({ "nodes": [], "edges": [], "truncated": false })
    );
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

/// `batch`'s records as seen on `vlan`; with `other_nics`, the unicast MACs
/// changed in their device part (another line's machines).
fn on_vlan(batch: &traffic::record::Batch, vlan: u16, other_nics: bool) -> traffic::record::Batch {
    use traffic::ethernet::MacAddr;
    let nic = |m: &mut Option<MacAddr>| {
        if let Some(m) = m
            && other_nics
            && m.is_unicast()
        {
            m.0[5] ^= 0x5a;
        }
    };
    let mut b = batch.clone();
    for f in &mut b.flows {
        f.vlan = Some(vlan);
        nic(&mut f.client_mac);
        nic(&mut f.server_mac);
    }
    for o in &mut b.operations {
        o.vlan = Some(vlan);
        nic(&mut o.client_mac);
        nic(&mut o.server_mac);
    }
    for i in &mut b.identities {
        i.vlan = Some(vlan);
        nic(&mut i.mac);
    }
    for h in &mut b.hosts {
        if h.ip.is_some() {
            h.vlan = Some(vlan);
        }
        nic(&mut h.mac);
        for m in &mut h.macs {
            let mut one = Some(*m);
            nic(&mut one);
            *m = one.unwrap_or(*m);
        }
    }
    b
}

/// Two lines built alike, one subnet each on its own VLAN, mirrored to one
/// sensor: the portal lists two PLCs at 192.168.1.40, each page says its
/// VLAN, each VLAN is a zone to filter by; a VLAN id that names none is
/// refused at upload.
async fn two_lines_reusing_addresses_on_two_vlans_are_two_sets_of_assets(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "trunk").await;
    let sent: Vec<traffic::record::Batch> = batches(S7_CAPTURE, &sensor.public_id)
        .iter()
        .map(|b| {
            let (ten, twenty) = (on_vlan(b, 10, false), on_vlan(b, 20, true));
            let mut both = ten;
            both.flows.extend(twenty.flows);
            both.operations.extend(twenty.operations);
            both.identities.extend(twenty.identities);
            both.hosts.extend(twenty.hosts);
            both
        })
        .collect();
    upload_analysed(&app, &sensor, &sent).await;

    let viewer = app.signed_in("customer-viewer").await;
    let (status, found) = assets(&app, &viewer, query(json!({ "search": "192.168.1.40" }))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let plcs = found["assets"].as_array().unwrap();
    assert_eq!(plcs.len(), 2, "{found}");
    assert!(plcs.iter().all(|a| a["role"] == "controller"), "{found}");
    assert_ne!(plcs[0]["id"], plcs[1]["id"]);
    let zone10 = format!("{}/vlan10", sensor.public_id);
    let mut zones: Vec<String> = plcs
        .iter()
        .map(|a| a["zones"][0].as_str().unwrap().to_owned())
        .collect();
    zones.sort();
    assert_eq!(
        zones,
        [zone10.clone(), format!("{}/vlan20", sensor.public_id)]
    );

    // Each VLAN a zone: filtered by it, one PLC.
    let (_, in_ten) = assets(
        &app,
        &viewer,
        query(json!({ "search": "192.168.1.40", "zone": zone10 })),
    )
    .await;
    assert_eq!(in_ten["assets"].as_array().unwrap().len(), 1, "{in_ten}");
    // Its page shows the VLAN beside the address.
    let id = in_ten["assets"][0]["id"].as_str().unwrap();
    let (status, page) = html(
        &app,
        &viewer,
        "portal/asset_html",
        &[("id", id), ("lang", "En")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let page = page.as_str().unwrap();
    assert!(page.contains("<th>VLAN</th>"), "{page}");
    assert!(page.contains("<td class=\"num\">10</td>"), "{page}");

    // A VLAN id outside 1-4094 names no VLAN: the batch is refused, named.
    let mut bad = sent[0].clone();
    bad.sequence = 1_000;
    bad.hosts[0].vlan = Some(4095);
    let (status, body) =
        crate::ingest::upload(&app, &sensor.token, crate::ingest::cbor_zstd(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"],
        "hosts[0].vlan: 4095 is not a VLAN id (1 to 4094)"
    );
}

on_both_databases!(two_lines_reusing_addresses_on_two_vlans_are_two_sets_of_assets);

/// The map's data is compressed for a browser that takes gzip, carries an
/// ETag, is not sent again while the browser's copy is current, and is
/// sent anew once the inventory changed.
async fn the_map_is_not_sent_again_until_it_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    s7_line(&app).await;
    let url = format!("{}{}", app.base, server::map_data::MAP_DATA_PATH);
    let admin = app.signed_in("customer-admin").await;
    let get = async |headers: &[(&str, &str)]| {
        let mut request = admin.get(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    };

    let (status, plain) = map(&app, &admin).await;
    assert_eq!(status, StatusCode::OK);
    let r = get(&[("accept-encoding", "gzip, deflate, br, zstd")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let gzipped = r.bytes().await.unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut text)
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), plain);
    assert!(
        gzipped.len() < text.len(),
        "{} >= {}",
        gzipped.len(),
        text.len()
    );

    // The browser's copy is current: nothing but the status.
    let r = get(&[("if-none-match", &etag)]).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()["etag"], etag.as_str());
    assert!(r.bytes().await.unwrap().is_empty());

    // The customer decides the PLC is a historian: a new map, a new ETag.
    let plc = plain["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["label"] == "192.168.1.40")
        .expect("the S7 PLC")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .call(
            &admin,
            "portal/set_asset_decision",
            &[("id", &plc), ("role", "historian"), ("purdue_level", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = get(&[("if-none-match", &etag)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"], etag.as_str());
    let changed: Value = r.json().await.unwrap();
    let node = changed["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == plc.as_str())
        .expect("the PLC")
        .clone();
    assert_eq!(node["role"], "historian");
}

on_both_databases!(the_map_is_not_sent_again_until_it_changes);

/// Zones: customer admins define, change and delete them; every user of
/// the tenant sees them, the asset table filters and the map groups by
/// them; a refused plain form comes back to its page with the reason and
/// what was typed; another tenant neither sees nor touches them.
async fn customer_admins_define_the_zones_their_tenant_sees(backend: Backend) {
    let app = spawn_app(backend).await;
    let (sensor, _) = s7_line(&app).await;
    let viewer = app.signed_in("customer-viewer").await;
    let admin = app.signed_in("customer-admin").await;
    let page = async |c: &reqwest::Client| {
        let r = app.call(c, "portal/zones_html", &[("lang", "En")]).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<String>().await.unwrap()
    };
    let save = async |c: &reqwest::Client, replacing: &str, name: &str, networks: &str| {
        app.call(
            c,
            "portal/save_zone",
            &[
                ("replacing", replacing),
                ("name", name),
                ("networks", networks),
                ("vlans", ""),
                ("sensor", ""),
            ],
        )
        .await
        .status()
    };

    // Before any is defined: the sensor's zone, and no forms for a viewer.
    let shown = page(&viewer).await;
    assert!(
        shown.contains(&format!("data-zone=\"{}\"", sensor.public_id)),
        "{shown}"
    );
    assert!(!shown.contains("zone-form"), "{shown}");
    assert_eq!(
        save(&viewer, "", "Cell 1", "192.168.1.0/24").await,
        StatusCode::FORBIDDEN
    );

    let hostile = "Cell <b>1</b>";
    assert_eq!(
        save(&admin, "", hostile, "192.168.1.0/24").await,
        StatusCode::OK
    );
    let shown = page(&viewer).await;
    assert!(shown.contains("Cell &lt;b&gt;1&lt;/b&gt;"), "{shown}");
    assert!(!shown.contains(hostile), "{shown}");
    assert!(shown.contains("192.168.1.0/24"), "{shown}");
    // The asset table filters by it; the map labels its nodes with it.
    let (_, in_zone) = assets(&app, &viewer, query(json!({ "zone": hostile }))).await;
    let total = in_zone["total"].as_i64().unwrap();
    assert!(total > 0, "{in_zone}");
    let (_, map_data) = map(&app, &viewer).await;
    let zoned = map_data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["zone"] == hostile)
        .count() as i64;
    assert_eq!(zoned, total);

    // Refused: a second zone of the name, a mistyped network.
    assert_eq!(
        save(&admin, "", hostile, "10.0.0.0/8").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        save(&admin, "", "Cell 2", "10.0.1.5/24").await,
        StatusCode::BAD_REQUEST
    );
    // Posted by the page's plain form: back to the page, which says why
    // once and keeps what was typed.
    let r = admin
        .post(format!("{}/api/portal/save_zone", app.base))
        .header("Accept", "text/html")
        .header("Referer", format!("{}/portal/zones", app.base))
        .form(&[
            ("replacing", ""),
            ("name", "Cell 2"),
            ("networks", "10.0.1.5/24"),
            ("vlans", "7"),
            ("sensor", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(
        r.headers()["location"],
        format!("{}/portal/zones", app.base).as_str()
    );
    let shown = page(&admin).await;
    assert!(shown.contains("data-testid=\"zone-error\""), "{shown}");
    assert!(shown.contains("host bits set"), "{shown}");
    assert!(shown.contains(">10.0.1.5/24</textarea>"), "{shown}");
    assert!(!page(&admin).await.contains("zone-error"), "said once");
    // A sensor of another tenant is no sensor of this one.
    let theirs = register(&app, app.tenant_other, "their line").await;
    let r = app
        .call(
            &admin,
            "portal/save_zone",
            &[
                ("replacing", ""),
                ("name", "Theirs"),
                ("networks", ""),
                ("vlans", ""),
                ("sensor", &theirs.public_id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Another tenant sees none of it and cannot change it.
    let other = app.signed_in("other-admin").await;
    assert!(!page(&other).await.contains("Cell &lt;b&gt;"));
    let r = app
        .call(&other, "portal/delete_zone", &[("name", hostile)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        save(&other, hostile, "Mine", "10.0.0.0/8").await,
        StatusCode::NOT_FOUND
    );

    // Renamed, then deleted: the assets go back to the sensor's zone.
    assert_eq!(
        save(&admin, hostile, "Line 1 cell", "192.168.1.0/24").await,
        StatusCode::OK
    );
    let shown = page(&viewer).await;
    assert!(shown.contains("data-zone=\"Line 1 cell\""), "{shown}");
    assert!(!shown.contains("Cell &lt;b&gt;"), "{shown}");
    let r = app
        .call(&admin, "portal/delete_zone", &[("name", "Line 1 cell")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, in_zone) = assets(&app, &viewer, query(json!({ "zone": sensor.public_id }))).await;
    let (_, all) = assets(&app, &viewer, query(json!({}))).await;
    assert_eq!(in_zone["total"], all["total"]);
}

on_both_databases!(customer_admins_define_the_zones_their_tenant_sees);
