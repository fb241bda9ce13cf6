//! Helpers shared by the integration tests: run a test capture through the
//! analyzer and read tshark's facts about it.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use traffic::analyzer::{Analyzer, AnalyzerConfig, MinuteDigest};
use traffic::capture::{CaptureError, CaptureReader};

/// `traffic/testdata/pcaps`.
pub fn pcap_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pcaps")
}

/// tshark's facts, one entry per capture (`tshark-facts.json`).
pub fn facts() -> Vec<serde_json::Value> {
    let text =
        std::fs::read_to_string(pcap_dir().join("tshark-facts.json")).expect("tshark-facts.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("facts JSON");
    v["pcaps"].as_array().expect("pcaps array").clone()
}

/// Every capture file under testdata, relative to `pcap_dir()` (e.g. "modbus/x.pcap").
pub fn capture_files() -> Vec<String> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(pcap_dir()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".pcap") || name.ends_with(".pcapng") {
                out.push(format!(
                    "{}/{}",
                    dir.file_name().unwrap().to_string_lossy(),
                    name
                ));
            }
        }
    }
    out.sort();
    out
}

/// What running one capture through the analyzer produced.
pub struct Run {
    pub analyzer: Analyzer,
    pub digests: Vec<MinuteDigest>,
    /// Packets the reader returned.
    pub packets: u64,
    /// The reader's error at the end of the file, if any (e.g. a truncated last record).
    pub read_error: Option<CaptureError>,
}

/// Reads `rel` (relative to `pcap_dir()`) and pushes every packet through a default analyzer.
pub fn run_capture(rel: &str) -> Run {
    let bytes = std::fs::read(pcap_dir().join(rel)).unwrap();
    let mut reader = CaptureReader::new(&bytes[..]).unwrap();
    let mut analyzer = Analyzer::new(AnalyzerConfig::default());
    let mut digests = Vec::new();
    let mut packets = 0;
    let mut read_error = None;
    while let Some(item) = reader.next_packet() {
        match item {
            Ok(p) => {
                packets += 1;
                analyzer.push_packet(&p);
                digests.extend(analyzer.drain_completed());
            }
            Err(e) => read_error = Some(e),
        }
    }
    digests.extend(analyzer.finish());
    Run {
        analyzer,
        digests,
        packets,
        read_error,
    }
}

/// Operations counted per (protocol name, function code) over all minutes,
/// for comparison with tshark's `function_code_histograms`.
pub fn operation_histogram(digests: &[MinuteDigest]) -> BTreeMap<(String, u32), u64> {
    let mut h = BTreeMap::new();
    for d in digests {
        for op in &d.operations {
            let proto = op.protocol.as_str().to_owned();
            *h.entry((proto, op.function_code)).or_default() += op.count;
        }
    }
    h
}

/// One tshark histogram (e.g. "modbus.func_code") as code → count; keys in the
/// facts look like "3 (Read Holding Registers)".
pub fn tshark_histogram(fact: &serde_json::Value, field: &str) -> BTreeMap<u32, u64> {
    let mut h = BTreeMap::new();
    if let Some(obj) = fact["function_code_histograms"][field].as_object() {
        for (k, v) in obj {
            let code = k.split_whitespace().next().unwrap_or("");
            let code = if let Some(hex) = code.strip_prefix("0x") {
                u32::from_str_radix(hex, 16).ok()
            } else {
                code.parse().ok()
            };
            if let (Some(c), Some(n)) = (code, v.as_u64()) {
                *h.entry(c).or_default() += n;
            }
        }
    }
    h
}

/// A JSON string array as a set.
pub fn string_set(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A classic little-endian pcap (microsecond times, Ethernet) of `frames`,
/// one every `step_micros` from 2023-11-14 22:13:20 UTC: for protocols no
/// public capture with a licence to copy shows.
pub fn pcap_of(frames: &[Vec<u8>], step_micros: u64) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let micros = i as u64 * step_micros;
        out.extend_from_slice(&(1_700_000_000 + (micros / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Fails with the counts when any minute of `whole` counted a malformed message.
pub fn assert_nothing_malformed(whole: &traffic::analyzer::WholeCapture) {
    let malformed: Vec<_> = whole
        .minutes
        .iter()
        .map(|m| &m.counters.malformed)
        .collect();
    assert!(malformed.iter().all(|m| m.is_empty()), "{malformed:?}");
}
