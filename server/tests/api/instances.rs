//! Several server instances on one PostgreSQL: sensors and users spread
//! across two server processes, one of them killed (SIGKILL) mid-run. Every
//! batch must be stored exactly once, portal uploads claimed by one
//! instance each, sessions valid on either, and the database must end up
//! as a single instance leaves it on the same input.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::{Batch, Health};

use crate::helpers::{Backend, PASSWORD, client, free_port, fresh_database_url, spawn_app_on};

const BIN: &str = env!("CARGO_BIN_EXE_server");
const SENSORS: usize = 4;

const CAPTURES: [&[u8]; 3] = [
    include_bytes!("../../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap"),
    include_bytes!(
        "../../../traffic/testdata/pcaps/modbus/modbus_digitalbond_test_data_part2.pcap"
    ),
    include_bytes!("../../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap"),
];

/// A sensor's whole upload: every minute of every capture, numbered 1, 2, …
fn sensor_batches(public_id: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for capture in CAPTURES {
        for minute in digest_capture(capture, AnalyzerConfig::default()).unwrap() {
            let sequence = out.len() as u64 + 1;
            let batch: Batch = minute.into_batch(public_id, sequence, Health::default());
            let mut raw = Vec::new();
            ciborium::into_writer(&batch, &mut raw).unwrap();
            out.push(zstd::encode_all(raw.as_slice(), 3).unwrap());
        }
    }
    out
}

struct Instance {
    base: String,
    child: Child,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_instance(db_url: &str) -> Instance {
    let port = free_port();
    let child = Command::new(BIN)
        .args([
            "--database-url",
            db_url,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--demo",
            "--demo-password",
            PASSWORD,
        ])
        .env("OTLENS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client().get(format!("{base}/readyz")).send().await
            && r.status() == StatusCode::OK
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "instance on {port} did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Instance { base, child }
}

async fn login(c: &reqwest::Client, base: &str, username: &str) {
    let r = c
        .post(format!("{base}/api/login"))
        .header("Accept", "application/json")
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login as {username} on {base}");
}

/// Posts one batch, moving to the other instance whenever one does not
/// answer 200 (as a load balancer would), until it is acknowledged.
async fn upload_until_acknowledged(bases: &[String; 2], first: usize, token: &str, body: &[u8]) {
    let c = client();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut at = first;
    loop {
        let answer = c
            .post(format!("{}/api/v1/ingest", bases[at]))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "application/cbor")
            .header("Content-Encoding", "zstd")
            .timeout(Duration::from_secs(10))
            .body(body.to_vec())
            .send()
            .await;
        match answer {
            Ok(r) if r.status() == StatusCode::OK => return,
            Ok(r) => assert!(
                r.status().is_server_error(),
                "refused: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => {}
        }
        assert!(Instant::now() < deadline, "a batch was never acknowledged");
        at = 1 - at;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The same work against `bases` (two instances, or one twice); `kill` is
/// called once a third of the batches are acknowledged.
async fn workload(bases: [String; 2], tenant_id: i64, kill: impl FnOnce() + Send + 'static) {
    // Sessions are valid on either instance: signed in on one, used on the other.
    let admin = client();
    login(&admin, &bases[0], "admin").await;
    let mut sensors = Vec::new();
    for n in 0..SENSORS {
        let r = admin
            .post(format!("{}/api/admin/create_sensor", bases[n % 2]))
            .header("Accept", "application/json")
            .form(&[
                ("tenant_id", tenant_id.to_string()),
                ("name", format!("line {n}")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        sensors.push((
            v["sensor"]["public_id"].as_str().unwrap().to_owned(),
            v["token"].as_str().unwrap().to_owned(),
        ));
    }

    // Two portal uploads at once, one on each instance.
    let customer = client();
    login(&customer, &bases[1], "customer-admin").await;
    let uploads: Vec<_> = (0..2)
        .map(|i| {
            let (c, base) = (customer.clone(), bases[i].clone());
            tokio::spawn(async move {
                let part =
                    reqwest::multipart::Part::bytes(CAPTURES[i].to_vec()).file_name("capture.pcap");
                let form = reqwest::multipart::Form::new().part("capture", part);
                let r = c
                    .post(format!("{base}/portal/pcap"))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
                let location = r.headers()["location"].to_str().unwrap().to_owned();
                assert!(location.contains("uploaded="), "{location}");
            })
        })
        .collect();
    for u in uploads {
        u.await.unwrap();
    }

    let all: Vec<Vec<Vec<u8>>> = sensors.iter().map(|(id, _)| sensor_batches(id)).collect();
    let total: usize = all.iter().map(Vec::len).sum();
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let killer = {
        let acknowledged = acknowledged.clone();
        tokio::spawn(async move {
            while acknowledged.load(Ordering::SeqCst) < total / 3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            kill();
        })
    };
    let mut tasks = Vec::new();
    for (n, ((_, token), batches)) in sensors.into_iter().zip(all).enumerate() {
        let (bases, acknowledged) = (bases.clone(), acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            for body in batches {
                upload_until_acknowledged(&bases, n % 2, &token, &body).await;
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    killer.await.unwrap();
}

/// What the run left in the database, without ids, tokens or times that
/// differ from run to run (sensors by name, portal uploads by minute).
async fn fingerprint(db_url: &str) -> Vec<String> {
    let pool = sqlx::PgPool::connect(db_url).await.unwrap();
    let mut out: Vec<String> = sqlx::query_as::<_, (String, i64, i64, i64, i64, i64, i64, i64)>(
        "SELECT s.name, b.minute_start, b.flows, b.operations, b.identities, b.hosts, b.packets, b.bytes \
         FROM batches b JOIN sensors s ON s.id = b.sensor_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .map(|r| format!("batch {r:?}"))
    .collect();
    for (table, measure) in [
        ("flow_minutes", "SUM(packets_to_server + packets_to_client)"),
        ("operation_minutes", "SUM(count)"),
        ("identity_observations", "COUNT(*)"),
        ("host_minutes", "SUM(packets_sent)"),
    ] {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT s.name, t.minute_start, COUNT(*), CAST({measure} AS BIGINT) FROM {table} t \
             JOIN sensors s ON s.id = t.sensor_id GROUP BY s.name, t.minute_start"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        out.extend(rows.into_iter().map(|r| format!("{table} {r:?}")));
    }
    let sensors: Vec<(String, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT name, last_sequence, batches, packets_total FROM sensors WHERE name LIKE 'line %'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    out.extend(sensors.into_iter().map(|r| format!("sensor {r:?}")));
    pool.close().await;
    out.sort();
    out
}

async fn demo_tenant(db_url: &str) -> i64 {
    let pool = sqlx::PgPool::connect(db_url).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM tenants WHERE name = $1")
        .bind(server::demo::DEMO_TENANT)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_one_killed_store_what_one_instance_stores() {
    let dir = tempfile::tempdir().unwrap();
    let shared = fresh_database_url(Backend::Postgres, dir.path()).await;
    let a = start_instance(&shared).await;
    let b = start_instance(&shared).await;
    let bases = [a.base.clone(), b.base.clone()];
    let pid = a.child.id();
    let tenant = demo_tenant(&shared).await;
    workload(bases, tenant, move || {
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    })
    .await;
    drop(a);
    drop(b);

    let single_dir = tempfile::tempdir().unwrap();
    let single = fresh_database_url(Backend::Postgres, single_dir.path()).await;
    let app = spawn_app_on(&single, &single, single_dir).await;
    let tenant = demo_tenant(&single).await;
    workload([app.base.clone(), app.base.clone()], tenant, || {}).await;

    let (several, one) = (fingerprint(&shared).await, fingerprint(&single).await);
    assert!(
        several
            .iter()
            .any(|l| l.starts_with("batch (\"PCAP upload\""))
    );
    assert_eq!(several.len(), one.len());
    for (x, y) in several.iter().zip(&one) {
        assert_eq!(x, y);
    }
}
