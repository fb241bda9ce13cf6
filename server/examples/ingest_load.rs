//! Ingestion load generator for `scripts/bench-ingest.sh`: N simulated
//! sensors upload minute batches of synthetic flow records concurrently to a
//! running server, and the flow records stored per second are reported.
//!
//! Batches are built and encoded (CBOR + zstd, as `sensor run` does) before
//! the clock starts: the figure is the server's, from first request to last
//! acknowledgement.
//!
//! ```sh
//! cargo run --release -p server --example ingest_load -- \
//!   --server http://127.0.0.1:3195 --admin-password … --sensors 100 --batches 10 --flows 1000
//! ```
//!
//! With `--plant`, each sensor's flow records are a plant the analysis has
//! work with: 20 HMIs polling 50 PLCs over Modbus/TCP (100 pairs), with one
//! operation record of register reads per pair each minute; without it,
//! TCP flows to port 502 of no recognised protocol, which the analysis
//! skips.
//!
//! With `--until-acknowledged`, each simulated sensor behaves like `sensor
//! run` facing an unreliable server: a batch is sent again (after 100 ms)
//! until the server answers 200, whatever went wrong before — refused
//! connections, resets, 5xx. `scripts/crash-safety.sh` kills the server
//! under this load and then checks what was stored.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{
    Batch, Counters, FlowRecord, Health, Initiator, OperationCount, SCHEMA_VERSION, TransportKind,
};

struct Args {
    server: String,
    admin_password: String,
    sensors: usize,
    batches: usize,
    flows: usize,
    until_acknowledged: bool,
    plant: bool,
}

fn args() -> Args {
    let mut a = Args {
        server: "http://127.0.0.1:3195".into(),
        admin_password: String::new(),
        sensors: 100,
        batches: 10,
        flows: 1000,
        until_acknowledged: false,
        plant: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--until-acknowledged" {
            a.until_acknowledged = true;
            continue;
        }
        if flag == "--plant" {
            a.plant = true;
            continue;
        }
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--server" => a.server = value,
            "--admin-password" => a.admin_password = value,
            "--sensors" => a.sensors = value.parse().unwrap_or(a.sensors),
            "--batches" => a.batches = value.parse().unwrap_or(a.batches),
            "--flows" => a.flows = value.parse().unwrap_or(a.flows),
            other => {
                eprintln!("unknown flag {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

fn batch(sensor_id: &str, sequence: u64, flows: usize, sensor_index: usize, plant: bool) -> Batch {
    let flows_in_batch = flows as u64;
    // 1,764,000,000 is a multiple of 60: every batch covers a whole minute.
    let minute_start = 1_764_000_000 + sequence as i64 * 60;
    let client = |i: usize| {
        let host = if plant { i % 20 } else { i };
        IpAddr::V4(Ipv4Addr::new(
            10,
            (sensor_index % 250) as u8,
            (host / 250) as u8,
            (host % 250) as u8 + 1,
        ))
    };
    let server = |i: usize| IpAddr::V4(Ipv4Addr::new(192, 168, 1, (i % 50) as u8 + 1));
    let flow_records = (0..flows)
        .map(|i| FlowRecord {
            transport: TransportKind::Tcp,
            ip_protocol: 6,
            client_ip: client(i),
            server_ip: server(i),
            client_port: 40_000 + (i % 20_000) as u16,
            server_port: 502,
            client_mac: None,
            server_mac: None,
            vlan: None,
            initiator: Initiator::Syn,
            protocol: plant.then_some(Protocol::Modbus),
            flow_start_ms: minute_start * 1000,
            first_seen_ms: minute_start * 1000,
            last_seen_ms: minute_start * 1000 + 59_000,
            packets_to_server: 10,
            packets_to_client: 10,
            bytes_to_server: 1_000,
            bytes_to_client: 1_200,
            payload_to_server: 400,
            payload_to_client: 600,
            tcp_flags_to_server: 0x18,
            tcp_flags_to_client: 0x18,
            started: false,
            ended: None,
            reassembly_gap_bytes: 0,
        })
        .collect();
    // One operation record per client and server pair (i and i + 100 are
    // the same pair).
    let pairs = if plant { flows.min(100) } else { 0 };
    let operations = (0..pairs)
        .map(|i| OperationCount {
            transport: TransportKind::Tcp,
            client_ip: Some(client(i)),
            server_ip: Some(server(i)),
            server_port: Some(502),
            client_mac: None,
            server_mac: None,
            vlan: None,
            protocol: Protocol::Modbus,
            function_code: 3,
            name: "read_holding_registers".into(),
            class: OperationClass::Read,
            unit: Some(1),
            direction: Direction::Request,
            error_code: None,
            count: (flows / 100) as u64,
            first_seen_ms: minute_start * 1000,
            last_seen_ms: minute_start * 1000 + 59_000,
            ranges: vec![],
            ranges_truncated: false,
        })
        .collect();
    Batch {
        schema_version: SCHEMA_VERSION,
        sensor_id: sensor_id.into(),
        sequence,
        minute_start,
        flows: flow_records,
        operations,
        identities: vec![],
        hosts: vec![],
        counters: Counters {
            packets: 20 * flows_in_batch,
            ..Counters::default()
        },
        health: Health::default(),
    }
}

fn encode(b: &Batch) -> Vec<u8> {
    let mut raw = Vec::new();
    ciborium::into_writer(b, &mut raw).expect("encodable");
    zstd::encode_all(raw.as_slice(), 3).expect("compressible")
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = admin
        .post(format!("{}/api/login", a.server))
        .form(&[
            ("username", "admin"),
            ("password", a.admin_password.as_str()),
        ])
        .send()
        .await
        .expect("server reachable");
    assert!(
        login.status().is_success(),
        "admin login failed: {}",
        login.status()
    );
    let run = std::process::id();
    let mut sensors = Vec::new();
    for i in 0..a.sensors {
        let v: serde_json::Value = admin
            .post(format!("{}/api/admin/create_sensor", a.server))
            .form(&[("tenant_id", "1"), ("name", &format!("load {run}-{i}"))])
            .send()
            .await
            .expect("create sensor")
            .json()
            .await
            .expect("sensor json");
        sensors.push((
            v["sensor"]["public_id"].as_str().expect("id").to_owned(),
            v["token"].as_str().expect("token").to_owned(),
        ));
    }
    eprintln!(
        "encoding {} batches of {} flows…",
        a.sensors * a.batches,
        a.flows
    );
    let payloads: Vec<(String, Vec<Vec<u8>>)> = sensors
        .iter()
        .enumerate()
        .map(|(i, (id, token))| {
            let bodies = (1..=a.batches as u64)
                .map(|s| encode(&batch(id, s, a.flows, i, a.plant)))
                .collect();
            (token.clone(), bodies)
        })
        .collect();
    let url = format!("{}/api/v1/ingest", a.server);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client");
    // Scripts wait for this line before they start breaking things.
    eprintln!("uploading");
    let until_acknowledged = a.until_acknowledged;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (token, bodies) in payloads {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut stored = 0u64;
            for body in bodies {
                let v = loop {
                    let sent = client
                        .post(&url)
                        .header("Authorization", format!("Bearer {token}"))
                        .header("Content-Type", "application/cbor")
                        .header("Content-Encoding", "zstd")
                        .body(body.clone())
                        .send()
                        .await;
                    let answer = match sent {
                        Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await,
                        Ok(r) if until_acknowledged && r.status().is_server_error() => {
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                            continue;
                        }
                        Ok(r) => panic!("upload refused: {}", r.status()),
                        Err(e) if until_acknowledged => Err(e),
                        Err(e) => panic!("upload failed: {e}"),
                    };
                    match answer {
                        Ok(v) => break v,
                        // The answer was cut off: the batch may or may not be
                        // stored; sending it again is what makes that safe.
                        Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                    }
                };
                stored += v["flows"].as_u64().unwrap_or(0);
            }
            stored
        }));
    }
    let mut flows = 0u64;
    for t in tasks {
        flows += t.await.expect("task");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} sensors × {} batches × {} flows: {flows} flow records stored in {secs:.2} s = {:.0} flow records/s",
        a.sensors,
        a.batches,
        a.flows,
        flows as f64 / secs
    );
}
