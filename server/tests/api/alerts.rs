//! Alerts in the running server: uploads give the alerts `sensor analyze`
//! gives offline, once across a restart; each tenant sees and triages its
//! own; viewers read and customer admins triage, with who and when kept;
//! an allow stops the same behaviour alerting, a revoke brings it back.

use analysis::Inventory;
use analysis::detect::Detector;
use reqwest::StatusCode;
use serde_json::{Value, json};
use traffic::record::Batch;

use crate::analysis::{S7_CAPTURE, batches, s7_line, upload_all, wait_analysed};
use crate::helpers::{Backend, TestApp, fresh_database_url, spawn_app_on};
use crate::ingest::{cbor_zstd, register, upload};
use crate::on_both_databases;

const IEC104_CAPTURE: &[u8] =
    include_bytes!("../../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap");

/// The capture's batches numbered from `first`: the same behaviour again,
/// later in the sensor's sequence.
fn renumbered(capture: &[u8], public_id: &str, first: u64) -> Vec<Batch> {
    batches(capture, public_id)
        .into_iter()
        .zip(first..)
        .map(|(mut b, sequence)| {
            b.sequence = sequence;
            b
        })
        .collect()
}

/// (type, severity, assets) of each alert, sorted.
type Summary = Vec<(String, String, Vec<String>)>;

fn offline(sent: &[Batch]) -> Summary {
    let mut inventory = Inventory::default();
    let mut detector = Detector::default();
    for b in sent {
        inventory.observe(b);
        detector.observe(b);
    }
    detector.review(&inventory.report());
    let mut out: Summary = detector
        .views()
        .into_iter()
        .map(|v| {
            (
                v.alert_type.as_str().to_owned(),
                v.severity.as_str().to_owned(),
                v.assets,
            )
        })
        .collect();
    out.sort();
    out
}

async fn alerts(app: &TestApp, c: &reqwest::Client, filter: Value) -> Value {
    let r = app
        .call_json(
            c,
            "portal/alerts",
            &json!({ "query": { "filter": filter, "offset": 0, "limit": 0 } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn summary(page: &Value) -> Summary {
    let mut out: Summary = page["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let assets = [&a["client_id"], &a["server_id"]]
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .fold(Vec::new(), |mut all, id| {
                    if !all.contains(&id) {
                        all.push(id);
                    }
                    all
                });
            (
                a["alert_type"].as_str().unwrap().to_owned(),
                a["severity"].as_str().unwrap().to_owned(),
                assets,
            )
        })
        .collect();
    out.sort();
    out
}

async fn uploads_alert_as_sensor_analyze_does_once_across_a_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let theirs = register(&app, app.tenant_other, "their line").await;
    let sent = batches(S7_CAPTURE, &sensor.public_id);
    let expected = offline(&sent);
    assert_eq!(
        expected.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        ["logic_change", "program_download"]
    );
    let half = sent.len().div_ceil(2);
    upload_all(&app, &sensor.token, &sent[..half]).await;
    let quiet = batches(IEC104_CAPTURE, &theirs.public_id);
    upload_all(&app, &theirs.token, &quiet).await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, half as u64).await;
    drop(app);

    // A restart mid-way: nothing cached; a retried batch alerts no more.
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
    wait_analysed(&app, "other-admin", &theirs.public_id, quiet.len() as u64).await;

    let viewer = app.signed_in("customer-viewer").await;
    let page = alerts(&app, &viewer, json!({})).await;
    assert_eq!(summary(&page), expected);
    assert_eq!(page["total"], 2);
    let counts: Value = app
        .call(&viewer, "portal/alert_counts", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts["total"], 2);
    assert!(
        counts["by_state"]
            .as_array()
            .unwrap()
            .contains(&json!(["new", 2]))
    );
    assert!(
        counts["by_severity"]
            .as_array()
            .unwrap()
            .contains(&json!(["high", 2]))
    );
    // The Alerts tab's badge: the two new alerts, in the reader's language;
    // nothing for a tenant with none.
    let badge = |c: reqwest::Client, lang: &'static str| {
        let app = &app;
        async move {
            app.call(&c, "portal/alerts_badge", &[("lang", lang)])
                .await
                .json::<String>()
                .await
                .unwrap()
        }
    };
    let en = badge(viewer.clone(), "En").await;
    assert!(
        en.contains("data-testid=\"tab-alerts-new\"") && en.contains(">2</span>"),
        "{en}"
    );
    assert!(en.contains("2 new alerts"), "{en}");
    assert!(
        badge(viewer.clone(), "Ja")
            .await
            .contains("未対応のアラート 2 件")
    );
    let theirs_badge = badge(app.signed_in("other-admin").await, "En").await;
    assert_eq!(theirs_badge, "", "the other tenant has no new alert");
    let filtered = alerts(&app, &viewer, json!({ "alert_type": "logic_change" })).await;
    assert_eq!(filtered["total"], 1);
    let bad = app
        .call_json(
            &viewer,
            "portal/alerts",
            &json!({ "query": { "filter": { "state": "panicking" }, "offset": 0, "limit": 0 } }),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("state"));

    // The other tenant sees none of them, even by id.
    let other = app.signed_in("other-admin").await;
    assert_eq!(alerts(&app, &other, json!({})).await["total"], 0);
    let id = page["alerts"][0]["id"].to_string();
    let theirs_view: Value = app
        .call(&other, "portal/alert", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs_view, Value::Null);
    let r = app
        .call(
            &other,
            "portal/set_alert_state",
            &[("id", &id), ("state", "resolved"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mine: Value = app
        .call(&viewer, "portal/alert", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["row"]["state"], "new");
    let view: Value = serde_json::from_str(mine["view_json"].as_str().unwrap()).unwrap();
    assert!(
        view["title"]["ja"]
            .as_str()
            .unwrap()
            .contains("192.168.1.40")
    );
}

async fn triage_allow_and_revoke(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let sensor = register(&app, app.tenant_demo, "line 1").await;
    let first = renumbered(S7_CAPTURE, &sensor.public_id, 1);
    let n = first.len() as u64;
    upload_all(&app, &sensor.token, &first).await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, n).await;
    let viewer = app.signed_in("customer-viewer").await;
    let admin = app.signed_in("customer-admin").await;
    let page = alerts(&app, &viewer, json!({ "alert_type": "program_download" })).await;
    let id = page["alerts"][0]["id"].to_string();

    // A viewer may not triage.
    for (endpoint, form) in [
        (
            "portal/set_alert_state",
            vec![("id", id.as_str()), ("state", "acknowledged"), ("note", "")],
        ),
        (
            "portal/allow_alert",
            vec![("id", id.as_str()), ("scope", "edge"), ("note", "")],
        ),
        ("portal/revoke_alert_allow", vec![("id", "1")]),
    ] {
        let r = app.call(&viewer, endpoint, &form).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
    // An admin acknowledges: who and when are kept.
    let r = app
        .call(
            &admin,
            "portal/set_alert_state",
            &[
                ("id", &id),
                ("state", "acknowledged"),
                ("note", "checking with the line"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let detail: Value = app
        .call(&viewer, "portal/alert", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["row"]["state"], "acknowledged");
    let action = &detail["actions"][0];
    assert_eq!(action["done_by"], "customer-admin");
    assert_eq!(action["to_state"], "acknowledged");
    assert_eq!(action["note"], "checking with the line");
    assert!(action["done_at"].as_i64().unwrap() > 1_700_000_000);
    for (form, field) in [
        (
            [("id", id.as_str()), ("state", "allowed"), ("note", "")],
            "state",
        ),
        (
            [("id", id.as_str()), ("state", "gone"), ("note", "")],
            "state",
        ),
    ] {
        let r = app.call(&admin, "portal/set_alert_state", &form).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains(field));
    }
    let r = app
        .call(
            &admin,
            "portal/allow_alert",
            &[("id", &id), ("scope", "galaxy"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Allowed for the edge: the same download again does not alert.
    let r = app
        .call(
            &admin,
            "portal/allow_alert",
            &[("id", &id), ("scope", "edge"), ("note", "planned change")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let allow: Value = r.json().await.unwrap();
    assert_eq!(allow["scope"], "edge");
    assert_eq!(allow["created_by"], "customer-admin");
    upload_all(
        &app,
        &sensor.token,
        &renumbered(S7_CAPTURE, &sensor.public_id, n + 1),
    )
    .await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, 2 * n).await;
    let downloads = alerts(&app, &viewer, json!({ "alert_type": "program_download" })).await;
    assert_eq!(downloads["total"], 1);
    assert_eq!(downloads["alerts"][0]["state"], "allowed");
    assert_eq!(downloads["alerts"][0]["count"], 1);
    // The logic change on the same edge was not allowed: it still alerts.
    let logic = alerts(&app, &viewer, json!({ "alert_type": "logic_change" })).await;
    assert_eq!(logic["alerts"][0]["count"], 2);
    let allows: Value = app
        .call(&viewer, "portal/alert_allows", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(allows.as_array().unwrap().len(), 1);
    let other = app.signed_in("other-admin").await;
    let allow_id = allow["id"].to_string();
    let r = app
        .call(&other, "portal/revoke_alert_allow", &[("id", &allow_id)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let theirs: Value = app
        .call(&other, "portal/alert_allows", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));

    // Revoked: it alerts again, as a new alert.
    let r = app
        .call(&admin, "portal/revoke_alert_allow", &[("id", &allow_id)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    upload_all(
        &app,
        &sensor.token,
        &renumbered(S7_CAPTURE, &sensor.public_id, 2 * n + 1),
    )
    .await;
    wait_analysed(&app, "customer-viewer", &sensor.public_id, 3 * n).await;
    let downloads = alerts(&app, &viewer, json!({ "alert_type": "program_download" })).await;
    assert_eq!(downloads["total"], 2);
    assert_eq!(downloads["alerts"][0]["state"], "new");
    let detail: Value = app
        .call(&viewer, "portal/alert", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = detail["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["state", "allow", "revoke"]);
}

const HOSTILE: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

async fn the_alert_pages_show_the_tenants_alerts_as_text(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    s7_line(&app).await;
    let viewer = app.signed_in("customer-viewer").await;
    let admin = app.signed_in("customer-admin").await;
    let page = alerts(&app, &viewer, json!({ "alert_type": "program_download" })).await;
    let id = page["alerts"][0]["id"].to_string();
    let href = format!("/portal/alerts/{id}");

    // A plain HTML form post (no script) is sent back where it came from;
    // the note, a user's text, is kept as it was typed.
    let referer = format!("{}{href}", app.base);
    let r = admin
        .post(format!("{}/api/portal/set_alert_state", app.base))
        .header("Accept", "text/html")
        .header("Origin", app.base.as_str())
        .header("Referer", referer.as_str())
        .form(&[
            ("id", id.as_str()),
            ("state", "resolved"),
            ("note", HOSTILE),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let location = r.headers()["location"].to_str().unwrap();
    assert_eq!(location.trim_end_matches('?'), referer);

    // The list: rows, counts, and a hostile filter echoed as text.
    let query = format!(
        "/portal/alerts?asset={}",
        model::inventory::percent_encode(HOSTILE)
    );
    for path in [
        "/portal/alerts",
        "/portal/alerts?state=resolved",
        query.as_str(),
    ] {
        let r = app.get(&viewer, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains("data-testid=\"alert-counts\""), "{body}");
        assert!(!body.contains("<script>alert"), "{body}");
    }
    let body = app
        .get(&viewer, "/portal/alerts?state=resolved")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("data-testid=\"alert-row\""), "{body}");
    assert!(body.contains(&href), "{body}");
    let body = app
        .get(&viewer, "/portal/alerts?since=soon")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("data-testid=\"alert-bad-filter\""), "{body}");

    // The alert: texts, assets linked, the note escaped; forms for admins only.
    let r = app.get(&viewer, &href).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("data-testid=\"alert-title\""), "{body}");
    assert!(body.contains("T0843"), "{body}");
    assert!(body.contains("/portal/assets/mac%3A"), "{body}");
    assert!(body.contains("&lt;script&gt;"), "{body}");
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("alert-set-state"), "{body}");
    let body = app.get(&admin, &href).await.text().await.unwrap();
    assert!(body.contains("data-testid=\"alert-set-state\""), "{body}");
    assert!(body.contains("data-testid=\"alert-allow\""), "{body}");

    // 404 for an id nobody has, one that is not a number, and another
    // tenant's reader.
    for path in ["/portal/alerts/999", "/portal/alerts/abc"] {
        assert_eq!(
            app.get(&viewer, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let other = app.signed_in("other-admin").await;
    assert_eq!(app.get(&other, &href).await.status(), StatusCode::NOT_FOUND);
    let body = app
        .get(&other, "/portal/alerts")
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("alert-row"), "{body}");
}

on_both_databases!(
    uploads_alert_as_sensor_analyze_does_once_across_a_restart,
    triage_allow_and_revoke,
    the_alert_pages_show_the_tenants_alerts_as_text,
);
