//! Detection throughput: flow and operation records per second through
//! `Detector::observe`, on a learned baseline of 10,000 assets and 100,000
//! edges (normal traffic: every record on a known edge, so no alert), and
//! on the repository's real captures (every batch, always-on detections,
//! a fresh detector per pass).
//!
//! `cargo bench -p analysis --bench detect -- --warm-up-time 1 --measurement-time 5`

use std::net::{IpAddr, Ipv4Addr};

use analysis::detect::Detector;
use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, FlowRecord, HostRecord, Initiator, OperationCount, TransportKind};

const ASSETS: u32 = 10_000;
const CLIENTS: u32 = 1_000;
const EDGES: u32 = 100_000;
const PER_BATCH: u32 = 1_000;
const T0: i64 = 1_764_000_000;
const SENSOR: &str = "sen_bench";

fn ip(k: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        10,
        (k >> 16) as u8,
        (k >> 8) as u8,
        k as u8 | 1,
    ))
}

fn mac(k: u32) -> MacAddr {
    MacAddr([0x02, 0, 0, (k >> 16) as u8, (k >> 8) as u8, k as u8])
}

/// Edge `e`: one of 1,000 clients to one of 9,000 servers, each pair once.
fn edge(e: u32) -> (u32, u32) {
    let client = e % CLIENTS;
    let server = CLIENTS + ((e / CLIENTS) * 89 + e % CLIENTS) % (ASSETS - CLIENTS);
    (client, server)
}

fn host(k: u32, ms: i64) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: None,
        ip: Some(ip(k)),
        group: false,
        vendor: None,
        macs: vec![mac(k)],
        ttl: Some(64),
        first_seen_ms: ms,
        last_seen_ms: ms,
        packets_sent: 10,
        packets_received: 10,
        bytes_sent: 1_000,
        bytes_received: 1_000,
    }
}

fn operation(e: u32, ms: i64) -> OperationCount {
    let (c, s) = edge(e);
    OperationCount {
        vlan: None,
        transport: TransportKind::Tcp,
        client_ip: Some(ip(c)),
        server_ip: Some(ip(s)),
        server_port: Some(502),
        client_mac: None,
        server_mac: None,
        protocol: Protocol::Modbus,
        function_code: 3,
        name: "read_holding_registers".into(),
        class: OperationClass::Read,
        unit: Some(1),
        direction: Direction::Request,
        error_code: None,
        count: 60,
        first_seen_ms: ms,
        last_seen_ms: ms + 59_000,
        ranges: vec![],
        ranges_truncated: false,
    }
}

fn flow(e: u32, ms: i64) -> FlowRecord {
    let (c, s) = edge(e);
    FlowRecord {
        transport: TransportKind::Tcp,
        ip_protocol: 6,
        client_ip: ip(c),
        server_ip: ip(s),
        client_port: 40_000 + (e % 20_000) as u16,
        server_port: 502,
        client_mac: Some(mac(c)),
        server_mac: Some(mac(s)),
        vlan: None,
        initiator: Initiator::Syn,
        protocol: Some(Protocol::Modbus),
        flow_start_ms: ms - 3_600_000,
        first_seen_ms: ms,
        last_seen_ms: ms + 59_000,
        packets_to_server: 120,
        packets_to_client: 120,
        bytes_to_server: 8_000,
        bytes_to_client: 9_000,
        payload_to_server: 1_400,
        payload_to_client: 2_400,
        tcp_flags_to_server: 0x18,
        tcp_flags_to_client: 0x18,
        started: false,
        ended: None,
        reassembly_gap_bytes: 0,
    }
}

/// One minute of normal traffic on edges `first..first + PER_BATCH`, with
/// a host record for every address in it.
fn minute(sequence: u64, first: u32) -> Batch {
    let minute = T0 + sequence as i64 * 60;
    let ms = minute * 1000;
    let mut b = Batch::empty(SENSOR, sequence, minute);
    let mut seen = std::collections::BTreeSet::new();
    for e in first..first + PER_BATCH {
        let e = e % EDGES;
        b.operations.push(operation(e, ms));
        b.flows.push(flow(e, ms));
        let (c, s) = edge(e);
        seen.insert(c);
        seen.insert(s);
    }
    b.hosts = seen.into_iter().map(|k| host(k, ms)).collect();
    b
}

/// A detector that learned every asset and edge, then ended learning.
fn learned() -> Detector {
    let mut d = Detector::default();
    let mut all = Batch::empty(SENSOR, 0, T0);
    all.hosts = (0..ASSETS).map(|k| host(k, T0 * 1000)).collect();
    d.learn(&all);
    for i in 0..EDGES / PER_BATCH {
        d.learn(&minute(1 + i as u64, i * PER_BATCH));
    }
    d.end_learning();
    d
}

fn bench_baseline(c: &mut Criterion) {
    let mut detector = learned();
    // Edges spread over the whole baseline, not the last ones learned.
    let batch = minute(10_000, 37_123);
    assert!(detector.observe(&batch).is_empty(), "normal traffic alerts");
    let records = (batch.flows.len() + batch.operations.len()) as u64;
    eprintln!(
        "baseline batch: {} flows, {} operations, {} hosts",
        batch.flows.len(),
        batch.operations.len(),
        batch.hosts.len()
    );
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(records));
    group.bench_function(
        "baseline_10k_assets_100k_edges_1k_flows_1k_operations",
        |b| b.iter(|| detector.observe(black_box(&batch))),
    );
    group.finish();
}

fn capture_batches() -> Vec<Batch> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../traffic/testdata/pcaps");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|d| d.path().is_dir())
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .map(|f| f.path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let mut reader = traffic::CaptureReader::from_slice(&bytes).unwrap();
        let mut analyzer = traffic::Analyzer::new(traffic::AnalyzerConfig::default());
        let mut minutes = Vec::new();
        while let Some(Ok(p)) = reader.next_packet() {
            analyzer.push_packet(&p);
            while let Some(m) = analyzer.drain_minute() {
                minutes.push(m);
            }
        }
        minutes.extend(analyzer.finish());
        for m in minutes {
            let sequence = out.len() as u64 + 1;
            out.push(m.into_batch(SENSOR, sequence, Default::default()));
        }
    }
    out
}

fn bench_captures(c: &mut Criterion) {
    let batches = capture_batches();
    let records: usize = batches
        .iter()
        .map(|b| b.flows.len() + b.operations.len())
        .sum();
    eprintln!(
        "repo captures: {} batches, {records} flow and operation records",
        batches.len()
    );
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(records as u64));
    group.bench_function("repo_captures_all_batches_fresh_detector", |b| {
        b.iter_batched(
            Detector::default,
            |mut d| {
                for batch in &batches {
                    d.observe(batch);
                }
                d
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_baseline, bench_captures);
criterion_main!(benches);
