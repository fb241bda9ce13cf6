//! End-to-end: every test capture through the analyzer into upload batches.

mod common;

use common::*;
use traffic::record::{Batch, SCHEMA_VERSION};

#[test]
fn every_capture_makes_valid_batches() {
    for file in capture_files() {
        let run = run_capture(&file);
        assert!(!run.digests.is_empty(), "{file}: no minute digest");
        let mut packets = 0;
        let (mut gaps, mut gap_bytes, mut overflow) = (0, 0, 0);
        let mut last_minute = i64::MIN;
        for (seq, d) in run.digests.into_iter().enumerate() {
            assert!(d.minute_start > last_minute, "{file}: minutes in order");
            assert_eq!(d.minute_start % 60, 0);
            last_minute = d.minute_start;
            packets += d.counters.packets;
            gaps += d.counters.dropped.reassembly_gaps;
            overflow += d.counters.dropped.reassembly_overflow_bytes;
            gap_bytes += d.flows.iter().map(|f| f.reassembly_gap_bytes).sum::<u64>();
            // Host activity (counted per flow, handed over per minute) adds up to the traffic.
            let ip_sent: u64 = d
                .hosts
                .iter()
                .filter(|h| h.ip.is_some())
                .map(|h| h.packets_sent)
                .sum();
            let ip_received: u64 = d
                .hosts
                .iter()
                .filter(|h| h.ip.is_some())
                .map(|h| h.packets_received)
                .sum();
            let ip_packets = d.counters.ipv4_packets + d.counters.ipv6_packets;
            assert_eq!(
                (ip_sent, ip_received),
                (ip_packets, ip_packets),
                "{file}: IP host packets"
            );
            let mac_sent: u64 = d
                .hosts
                .iter()
                .filter(|h| h.mac.is_some())
                .map(|h| h.packets_sent)
                .sum();
            let mac_bytes: u64 = d
                .hosts
                .iter()
                .filter(|h| h.mac.is_some())
                .map(|h| h.bytes_sent)
                .sum();
            assert_eq!(
                (mac_sent, mac_bytes),
                (d.counters.packets, d.counters.bytes),
                "{file}: MAC host traffic"
            );
            for h in &d.hosts {
                assert!(
                    h.first_seen_ms >= d.minute_start * 1000
                        && h.last_seen_ms < (d.minute_start + 60) * 1000 + 1,
                    "{file}: {h:?}"
                );
            }
            for f in &d.flows {
                assert!(f.first_seen_ms <= f.last_seen_ms);
                assert!(
                    f.first_seen_ms >= d.minute_start * 1000
                        || f.packets_to_server + f.packets_to_client == 0
                );
            }
            let batch = d.into_batch("test-sensor", seq as u64, Default::default());
            assert_eq!(batch.schema_version, SCHEMA_VERSION);
            let json = serde_json::to_string(&batch).unwrap();
            let back: Batch = serde_json::from_str(&json).unwrap();
            assert_eq!(back, batch, "{file}: JSON round trip");
        }
        assert_eq!(
            packets, run.packets,
            "{file}: every packet counted in exactly one minute"
        );
        // The test captures have no segments missing (tshark agrees): retransmissions,
        // duplicates and ACKs seen before their data must not look like holes.
        assert_eq!(
            (gaps, gap_bytes, overflow),
            (0, 0, 0),
            "{file}: reassembly losses"
        );
    }
}

/// Prints our operation counts beside tshark's function-code histograms
/// (run with `--nocapture`); the dissector tests assert on them.
#[test]
fn operation_counts_report() {
    for fact in facts() {
        let file = fact["file"].as_str().unwrap();
        let run = run_capture(file);
        let ours = operation_histogram(&run.digests);
        let fields: Vec<&String> = fact["function_code_histograms"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        println!("{file}: ours {ours:?}");
        for field in fields {
            println!("    tshark {field}: {:?}", tshark_histogram(&fact, field));
        }
    }
}
