//! Sensor ingestion over HTTP: real captures from `traffic/testdata`,
//! digested, encoded and uploaded as a sensor would, on both databases.

use reqwest::StatusCode;
use serde_json::Value;
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::{Batch, Health};

use crate::helpers::{Backend, TestApp, client, json_text, spawn_app};
use crate::on_both_databases;

const CAPTURE: &[u8] =
    include_bytes!("../../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap");

pub(crate) struct Registered {
    pub(crate) id: i64,
    pub(crate) public_id: String,
    pub(crate) token: String,
}

pub(crate) async fn register(app: &TestApp, tenant_id: i64, name: &str) -> Registered {
    let admin = app.signed_in("admin").await;
    let r = app
        .call(
            &admin,
            "admin/create_sensor",
            &[("tenant_id", &tenant_id.to_string()), ("name", name)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    Registered {
        id: v["sensor"]["id"].as_i64().unwrap(),
        public_id: v["sensor"]["public_id"].as_str().unwrap().to_owned(),
        token: v["token"].as_str().unwrap().to_owned(),
    }
}

fn batches(public_id: &str) -> Vec<Batch> {
    digest_capture(CAPTURE, AnalyzerConfig::default())
        .expect("valid capture")
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let health = Health {
                version: Some("test-sensor 1.0".into()),
                spool_backlog: Some(0),
                capture_dropped_total: Some(3),
                lag_s: Some(2),
                ..Health::default()
            };
            d.into_batch(public_id, i as u64 + 1, health)
        })
        .collect()
}

pub(crate) fn cbor_zstd(batch: &Batch) -> Vec<u8> {
    let mut raw = Vec::new();
    ciborium::into_writer(batch, &mut raw).unwrap();
    zstd::encode_all(raw.as_slice(), 3).unwrap()
}

async fn portal_overview(app: &TestApp, c: &reqwest::Client) -> Value {
    app.call(c, "portal/overview", &[])
        .await
        .json()
        .await
        .unwrap()
}

/// Posts a zstd-compressed CBOR batch as a sensor does.
async fn post_batch(base: &str, token: &str, body: Vec<u8>) -> reqwest::Response {
    client()
        .post(format!("{base}/api/v1/ingest"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/cbor")
        .header("Content-Encoding", "zstd")
        .body(body)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn upload(app: &TestApp, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = post_batch(&app.base, token, body).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn a_sensors_batches_are_stored_once_and_seen_by_its_tenant_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "line 1 mirror port").await;
    let batches = batches(&sensor.public_id);
    assert!(batches.len() >= 2, "the capture spans several minutes");
    let packets: u64 = batches.iter().map(|b| b.counters.packets).sum();
    let flows: usize = batches.iter().map(|b| b.flows.len()).sum();

    for b in &batches {
        let (status, answer) = upload(&app, &sensor.token, cbor_zstd(b)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["stored"], true);
        assert_eq!(answer["sequence"], b.sequence);
    }
    // A retry of an acknowledged batch is acknowledged again, not stored twice.
    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&batches[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["duplicate"], true);

    let customer = app.signed_in("customer-viewer").await;
    let overview: Value = portal_overview(&app, &customer).await;
    assert_eq!(overview["sensor_count"], 1);
    assert_eq!(overview["batches"], batches.len());
    assert_eq!(overview["flow_records"], flows);
    let sensors: Value = app
        .call(&customer, "portal/sensors", &[])
        .await
        .json()
        .await
        .unwrap();
    let health = &sensors[0]["health"];
    assert_eq!(health["batches"], batches.len());
    assert_eq!(health["packets_total"], packets);
    assert_eq!(health["version"], "test-sensor 1.0");
    assert_eq!(health["capture_dropped_total"], 3);
    assert_eq!(health["last_minute"], batches.last().unwrap().minute_start);

    let other = app.signed_in("other-admin").await;
    let theirs: Value = app
        .call(&other, "portal/sensors", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, serde_json::json!([]));
    let overview: Value = portal_overview(&app, &other).await;
    assert_eq!(overview["flow_records"], 0);
}

async fn bad_uploads_get_clear_refusals_and_store_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "edge").await;
    let other = register(&app, app.tenant_other, "theirs").await;
    let batch = batches(&sensor.public_id).remove(0);

    let (status, answer) = upload(&app, "otls_wrong", cbor_zstd(&batch)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    // Another sensor's token cannot upload this sensor's batch.
    let (status, answer) = upload(&app, &other.token, cbor_zstd(&batch)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains(&sensor.public_id)
    );

    let mut newer = batch.clone();
    newer.schema_version = 99;
    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&newer)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("schema_version 99")
    );

    let (status, _) = upload(&app, &sensor.token, b"plain bytes".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // 200 MiB of zeros: a few hundred kilobytes compressed, refused unpacked.
    let zeros = std::io::Read::take(std::io::repeat(0), 200 * 1024 * 1024);
    let bomb = zstd::encode_all(zeros, 3).unwrap();
    let (status, _) = upload(&app, &sensor.token, bomb).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let r = client()
        .post(format!("{}/api/v1/ingest", app.base))
        .header("Authorization", format!("Bearer {}", sensor.token))
        .header("Content-Type", "application/cbor")
        .body(cbor_zstd(&batch))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let customer = app.signed_in("customer-admin").await;
    let overview: Value = portal_overview(&app, &customer).await;
    assert_eq!(overview["batches"], 0, "nothing refused was stored");
}

async fn rotation_and_revocation_take_effect_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "rotating").await;
    let mut all = batches(&sensor.public_id).into_iter();
    let (first, second) = (all.next().unwrap(), all.next().unwrap());
    let admin = app.signed_in("admin").await;

    let rotated: Value = app
        .call(
            &admin,
            "admin/rotate_sensor_token",
            &[("sensor_id", &sensor.id.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    let new_token = rotated["token"].as_str().unwrap();
    assert_ne!(new_token, sensor.token);
    assert_eq!(
        upload(&app, &sensor.token, cbor_zstd(&first)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        upload(&app, new_token, cbor_zstd(&first)).await.0,
        StatusCode::OK
    );

    let r = app
        .call(
            &admin,
            "admin/revoke_sensor",
            &[("sensor_id", &sensor.id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        upload(&app, new_token, cbor_zstd(&second)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let listed: Value = json_text(app.call(&admin, "admin/list_sensors", &[]).await).await;
    assert_eq!(listed[0]["revoked"], true);
    // The token is never stored or shown again.
    assert!(!listed.to_string().contains(new_token));
}

/// Text that a naive COPY stream or SQL builder would mangle comes back as sent.
async fn awkward_text_is_stored_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "awkward").await;
    let mut batch = batches(&sensor.public_id).remove(0);
    let awkward = [
        "tab\there",
        "line\nbreak\r\nwindows",
        "back\\slash \\N not null",
        "quote ' and \" and ; DROP TABLE batches; --",
        "日本語 ステーション名 ✓",
        "",
    ];
    let template = traffic::record::IdentityRecord {
        vlan: None,
        mac: None,
        ip: Some("10.0.0.9".parse().unwrap()),
        source: "test".into(),
        attribute: "hostname".into(),
        value: String::new(),
        first_seen_ms: batch.minute_start * 1000,
    };
    batch.identities = awkward
        .iter()
        .map(|v| traffic::record::IdentityRecord {
            value: (*v).to_owned(),
            ..template.clone()
        })
        .collect();
    let (status, body) = upload(&app, &sensor.token, cbor_zstd(&batch)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.db_url).await.unwrap();
    let mut stored: Vec<String> = sqlx::query_scalar(
        "SELECT value FROM identity_observations WHERE sensor_id = $1 AND source = 'test'",
    )
    .bind(sensor.id)
    .fetch_all(&pool)
    .await
    .unwrap();
    stored.sort();
    let mut expected: Vec<String> = awkward.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(stored, expected);
    pool.close().await;
}

/// Uploads arriving together are committed together (SQLite's group commit)
/// or side by side (PostgreSQL); each is acknowledged once stored, a
/// duplicate arriving in the same burst is stored once.
async fn a_burst_of_uploads_is_stored_once_each(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut uploads = Vec::new();
    let mut expected_batches = 0;
    for n in 0..4 {
        let sensor = register(&app, app.tenant_demo, &format!("burst {n}")).await;
        for batch in batches(&sensor.public_id) {
            expected_batches += 1;
            // Each batch twice, as a sensor retrying after a lost answer would.
            for _ in 0..2 {
                let (base, token, body) =
                    (app.base.clone(), sensor.token.clone(), cbor_zstd(&batch));
                uploads.push(tokio::spawn(async move {
                    post_batch(&base, &token, body).await.status()
                }));
            }
        }
    }
    for u in uploads {
        assert_eq!(u.await.unwrap(), StatusCode::OK);
    }
    let customer = app.signed_in("customer-viewer").await;
    let overview = portal_overview(&app, &customer).await;
    assert_eq!(overview["batches"], expected_batches);
    let one_sensor: i64 = batches("x").iter().map(|b| b.flows.len() as i64).sum();
    assert_eq!(overview["flow_records"], 4 * one_sensor);
}

on_both_databases!(
    a_burst_of_uploads_is_stored_once_each,
    awkward_text_is_stored_exactly,
    a_sensors_batches_are_stored_once_and_seen_by_its_tenant_only,
    bad_uploads_get_clear_refusals_and_store_nothing,
    rotation_and_revocation_take_effect_at_once,
);

async fn upload_pcap(app: &TestApp, c: &reqwest::Client, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("capture.pcap");
    let form = reqwest::multipart::Form::new().part("capture", part);
    c.post(format!("{}/portal/pcap", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn a_capture_uploaded_in_the_portal_takes_the_sensor_path(backend: Backend) {
    let app = spawn_app(backend).await;
    let minutes = digest_capture(CAPTURE, AnalyzerConfig::default()).unwrap();
    let flows: usize = minutes.iter().map(|d| d.flows.len()).sum();

    let admin = app.signed_in("customer-admin").await;
    let r = upload_pcap(&app, &admin, CAPTURE.to_vec()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/portal?uploaded={}&flows={flows}", minutes.len())
    );

    let overview: Value = portal_overview(&app, &admin).await;
    assert_eq!(overview["batches"], minutes.len());
    assert_eq!(overview["flow_records"], flows);
    // A second upload continues the stand-in sensor's sequence.
    let r = upload_pcap(&app, &admin, CAPTURE.to_vec()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let overview: Value = portal_overview(&app, &admin).await;
    assert_eq!(overview["batches"], 2 * minutes.len());

    let r = upload_pcap(&app, &admin, b"this is not a capture".to_vec()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/portal?upload_error=not%20a%20readable%20capture")
    );

    // A capture stopped while it was written ends in half a record: what was
    // read before the cut is stored, and the portal says where it stopped.
    let before: Value = portal_overview(&app, &admin).await;
    let cut = CAPTURE[..CAPTURE.len() - 1].to_vec();
    let r = upload_pcap(&app, &admin, cut).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("&cut=") && location.contains("truncated"),
        "{location}"
    );
    let stored: u64 = location
        .strip_prefix("/portal?uploaded=")
        .and_then(|rest| rest.split('&').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("minutes stored: {location}"));
    assert!(stored >= 1, "{location}");
    let after: Value = portal_overview(&app, &admin).await;
    assert_eq!(
        after["batches"].as_u64().unwrap(),
        before["batches"].as_u64().unwrap() + stored
    );

    let viewer = app.signed_in("customer-viewer").await;
    assert_eq!(
        upload_pcap(&app, &viewer, CAPTURE.to_vec()).await.status(),
        StatusCode::FORBIDDEN
    );
    let other = app.signed_in("other-admin").await;
    let theirs: Value = portal_overview(&app, &other).await;
    assert_eq!(theirs["batches"], 0);
}

on_both_databases!(a_capture_uploaded_in_the_portal_takes_the_sensor_path);

/// The sensor's (last_sequence, batches) columns.
async fn sensor_row(app: &TestApp, sensor_id: i64) -> (Option<i64>, i64) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.db_url).await.unwrap();
    let row: (Option<i64>, i64) =
        sqlx::query_as("SELECT last_sequence, batches FROM sensors WHERE id = $1")
            .bind(sensor_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    row
}

/// Sequence 0 is refused; an old sequence arriving late does not turn the
/// sensor's last sequence back; the same sequence with other content is a
/// conflict (409), with the same content a harmless retry.
async fn sequences_are_checked_strictly(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "strict").await;
    let all = batches(&sensor.public_id);
    let (mut first, mut second) = (all[0].clone(), all[1].clone());

    first.sequence = 0;
    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&first)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer["error"].as_str().unwrap().starts_with("sequence"));

    first.sequence = 1;
    second.sequence = 2;
    let (status, _) = upload(&app, &sensor.token, cbor_zstd(&second)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = upload(&app, &sensor.token, cbor_zstd(&first)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        sensor_row(&app, sensor.id).await,
        (Some(2), 2),
        "last_sequence stays at the newest"
    );

    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&second)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["duplicate"], true);
    let mut replay = first.clone();
    replay.minute_start += 3600;
    let (status, answer) = upload(&app, &sensor.token, cbor_zstd(&replay)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("sequence 1"));
    assert_eq!(
        sensor_row(&app, sensor.id).await,
        (Some(2), 2),
        "the conflict stored nothing"
    );
}

/// A 100 MiB identity value compresses to a few kilobytes; the server must
/// refuse it by name rather than store it.
async fn oversized_fields_are_refused_by_name(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "bloated").await;
    let mut batch = batches(&sensor.public_id).remove(0);
    batch.identities.push(traffic::record::IdentityRecord {
        vlan: None,
        mac: None,
        ip: Some("10.0.0.9".parse().unwrap()),
        source: "dhcp".into(),
        attribute: "hostname".into(),
        value: "A".repeat(100 * 1024 * 1024),
        first_seen_ms: batch.minute_start * 1000,
    });
    let body = cbor_zstd(&batch);
    assert!(body.len() < 1024 * 1024, "the bomb is small on the wire");
    let (status, answer) = upload(&app, &sensor.token, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let error = answer["error"].as_str().unwrap();
    assert!(error.starts_with("identities["), "{error}");
    assert!(error.contains("].value: 104857600 bytes long"), "{error}");
    assert_eq!(sensor_row(&app, sensor.id).await, (None, 0));

    // A truncated batch is explained in the schema's terms.
    let mut raw = Vec::new();
    ciborium::into_writer(&batches(&sensor.public_id)[0], &mut raw).unwrap();
    raw.truncate(raw.len() / 2);
    let (status, answer) = upload(
        &app,
        &sensor.token,
        zstd::encode_all(raw.as_slice(), 3).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = answer["error"].as_str().unwrap();
    assert!(error.contains("ends in the middle of a value"), "{error}");
    assert!(
        !error.contains("Core(") && !error.contains("Eof"),
        "{error}"
    );
}

/// Wrong tokens from one address are throttled; past the limit even the
/// right token waits, and the answer says how long.
async fn sensor_token_guessing_is_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "guarded").await;
    let batch = batches(&sensor.public_id).remove(0);
    for n in 0..store::sensors::TOKEN_GUESSES_PER_ADDRESS {
        let guess = format!("otls_{n:064x}");
        let (status, _) = upload(&app, &guess, cbor_zstd(&batch)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let r = post_batch(&app.base, &sensor.token, cbor_zstd(&batch)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0);
}

on_both_databases!(
    sequences_are_checked_strictly,
    oversized_fields_are_refused_by_name,
    sensor_token_guessing_is_throttled,
);

const MODBUS_CAPTURE: &[u8] = include_bytes!(
    "../../../traffic/testdata/pcaps/modbus/modbus_digitalbond_test_data_part2.pcap"
);
const S7_CAPTURE: &[u8] =
    include_bytes!("../../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap");

/// Uploads running at the same time each get their own sequence numbers:
/// every minute of every file is stored and each answer counts its own.
async fn concurrent_portal_uploads_store_every_minute(backend: Backend) {
    let app = std::sync::Arc::new(spawn_app(backend).await);
    let admin = app.signed_in("customer-admin").await;
    let files = [CAPTURE, MODBUS_CAPTURE, S7_CAPTURE, CAPTURE];
    let minutes: Vec<usize> = files
        .iter()
        .map(|f| digest_capture(*f, AnalyzerConfig::default()).unwrap().len())
        .collect();
    let uploads: Vec<_> = files
        .iter()
        .map(|file| {
            let (app, admin, bytes) = (app.clone(), admin.clone(), file.to_vec());
            tokio::spawn(async move { upload_pcap(&app, &admin, bytes).await })
        })
        .collect();
    for (upload, expected) in uploads.into_iter().zip(&minutes) {
        let r = upload.await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = r.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with(&format!("/portal?uploaded={expected}&")),
            "{location}"
        );
    }
    let overview: Value = portal_overview(&app, &admin).await;
    assert_eq!(overview["batches"], minutes.iter().sum::<usize>());
}

on_both_databases!(concurrent_portal_uploads_store_every_minute);
