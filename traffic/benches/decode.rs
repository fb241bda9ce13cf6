//! Decode throughput over every test capture, concatenated in memory.
//!
//! `cargo bench -p traffic --bench decode` prints MB/s and packets/s for four
//! stages: reading records (pcap parsing only), reading + decoding every layer,
//! the full analyzer (flows, hosts, reassembly, dissectors, minute digests), and
//! the analyzer with the dissectors switched off (the packet layer alone).
//! A plain timing loop keeps the build light; each figure is the best of several runs.

use std::path::Path;
use std::time::{Duration, Instant};
use traffic::analyzer::{Analyzer, AnalyzerConfig};
use traffic::capture::CaptureReader;
use traffic::packet::decode;

fn captures() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pcaps");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "pcap" || e == "pcapng") {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// Runs `body` over every capture until `min_time` has passed, `rounds` times;
/// returns (bytes, packets, best seconds per pass).
fn measure(
    caps: &[Vec<u8>],
    rounds: usize,
    mut body: impl FnMut(&[u8]) -> (u64, u64),
) -> (u64, u64, f64) {
    let mut best = f64::MAX;
    let (mut bytes, mut packets) = (0, 0);
    // BENCH_PASSES=n runs exactly n passes once, for instruction counts with `perf stat`.
    let fixed: Option<u32> = std::env::var("BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok());
    let rounds = if fixed.is_some() { 1 } else { rounds };
    for _ in 0..rounds {
        let start = Instant::now();
        let mut passes = 0u32;
        while fixed.map_or(start.elapsed() < Duration::from_millis(300), |n| passes < n) {
            bytes = 0;
            packets = 0;
            for c in caps {
                let (b, p) = body(c);
                bytes += b;
                packets += p;
            }
            passes += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(passes));
    }
    (bytes, packets, best)
}

fn report(name: &str, (bytes, packets, secs): (u64, u64, f64)) {
    println!(
        "{name:<28} {:>9.1} MB/s {:>12.0} packets/s  ({} packets, {} bytes of frames per pass, {:.3} ms/pass)",
        bytes as f64 / secs / 1e6,
        packets as f64 / secs,
        packets,
        bytes,
        secs * 1e3
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing and wants a quick run.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 5 };
    // Optional stage filter: `cargo bench -p traffic --bench decode -- analyzer`.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let run = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let caps = captures();
    let file_bytes: usize = caps.iter().map(Vec::len).sum();
    println!("{} captures, {} file bytes", caps.len(), file_bytes);

    if run("read records") {
        report(
            "read records",
            measure(&caps, rounds, |c| {
                let mut r = CaptureReader::new(c).unwrap();
                let (mut b, mut n) = (0, 0);
                while let Some(Ok(p)) = r.next_packet() {
                    b += p.data.len() as u64;
                    n += 1;
                }
                (b, n)
            }),
        );
    }
    if run("read + decode all layers") {
        report(
            "read + decode all layers",
            measure(&caps, rounds, |c| {
                let mut r = CaptureReader::new(c).unwrap();
                let (mut b, mut n) = (0, 0);
                while let Some(Ok(p)) = r.next_packet() {
                    let d = decode(p.linktype, p.data);
                    std::hint::black_box(&d);
                    b += p.data.len() as u64;
                    n += 1;
                }
                (b, n)
            }),
        );
    }
    if run("full analyzer") {
        report(
            "full analyzer",
            measure(&caps, rounds, |c| {
                let mut r = CaptureReader::new(c).unwrap();
                let mut a = Analyzer::new(AnalyzerConfig::default());
                let (mut b, mut n) = (0, 0);
                while let Some(Ok(p)) = r.next_packet() {
                    a.push_packet(&p);
                    b += p.data.len() as u64;
                    n += 1;
                }
                std::hint::black_box(a.finish());
                (b, n)
            }),
        );
    }
    if run("analyzer, dissectors off") {
        report(
            "analyzer, dissectors off",
            measure(&caps, rounds, |c| {
                let mut r = CaptureReader::new(c).unwrap();
                let mut a = Analyzer::new(AnalyzerConfig {
                    dissect: false,
                    ..AnalyzerConfig::default()
                });
                let (mut b, mut n) = (0, 0);
                while let Some(Ok(p)) = r.next_packet() {
                    a.push_packet(&p);
                    b += p.data.len() as u64;
                    n += 1;
                }
                std::hint::black_box(a.finish());
                (b, n)
            }),
        );
    }
}
