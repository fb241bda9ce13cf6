//! Captures into batches, as `sensor analyze` makes them, for the
//! detection tests.

#![allow(dead_code)] // Each test binary uses part of it.

use analysis::Inventory;
use analysis::detect::{AlertView, Config, Detector};
use traffic::capture::OwnedPacket;
use traffic::record::{Batch, Health};
use traffic::{Analyzer, AnalyzerConfig, CaptureReader};

/// The sensor id (and zone) of every test batch.
pub const SENSOR: &str = "sen_test";

/// A capture's path: `traffic/testdata/pcaps/…`.
pub fn path(name: &str) -> String {
    format!(
        "{}/../traffic/testdata/pcaps/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The minute batches of `packets`, numbered from `first_sequence`.
fn batches_of_packets(packets: &[OwnedPacket], first_sequence: u64) -> Vec<Batch> {
    let mut analyzer = Analyzer::new(AnalyzerConfig::default());
    let mut out = Vec::new();
    let mut sequence = first_sequence;
    let mut take = |minute: traffic::analyzer::MinuteDigest, out: &mut Vec<Batch>| {
        out.push(minute.into_batch(SENSOR, sequence, Health::default()));
        sequence += 1;
    };
    for p in packets {
        analyzer.push_packet(&p.as_packet());
        while let Some(minute) = analyzer.drain_minute() {
            take(minute, &mut out);
        }
    }
    for minute in analyzer.finish() {
        take(minute, &mut out);
    }
    out
}

fn with_packets<T>(name: &str, f: impl FnOnce(&[OwnedPacket]) -> T) -> T {
    let full = path(name);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let mut reader = CaptureReader::from_slice(&bytes).unwrap();
    let mut packets = Vec::new();
    // Some captures end in a cut record: what came before it counts.
    while let Some(Ok(p)) = reader.next_packet() {
        packets.push(p.to_owned_packet());
    }
    f(&packets)
}

/// Every batch of a capture.
pub fn batches(name: &str) -> Vec<Batch> {
    with_packets(name, |p| batches_of_packets(p, 1))
}

/// The batches of a capture's first and second halves (by packet count),
/// each through its own analyzer as two capture files would be.
pub fn halves(name: &str) -> (Vec<Batch>, Vec<Batch>) {
    with_packets(name, |p| {
        let (a, b) = p.split_at(p.len() / 2);
        let first = batches_of_packets(a, 1);
        let second = batches_of_packets(b, first.len() as u64 + 1);
        (first, second)
    })
}

/// Runs the detector as `sensor analyze --learn LEARN DETECT` does.
pub fn detect(learn: &[Batch], detect: &[Batch], config: Config) -> Vec<AlertView> {
    let mut inventory = Inventory::default();
    let mut detector = Detector::new(config);
    for b in learn {
        inventory.observe(b);
        detector.learn(b);
    }
    if !learn.is_empty() {
        detector.review(&inventory.report());
        detector.end_learning();
    }
    for b in detect {
        inventory.observe(b);
        detector.observe(b);
    }
    detector.review(&inventory.report());
    detector.views()
}

/// Always-on alerts of a whole capture (no learning captures: the sensor
/// learns throughout, as a capture shorter than the learning period does).
pub fn always_on(name: &str) -> Vec<AlertView> {
    detect(&[], &batches(name), Config::default())
}

/// Learning on the first half, detecting on the second.
pub fn learn_half(name: &str) -> Vec<AlertView> {
    let (a, b) = halves(name);
    detect(&a, &b, Config::default())
}

/// Alerts of one type.
pub fn of_type<'a>(alerts: &'a [AlertView], t: &str) -> Vec<&'a AlertView> {
    alerts
        .iter()
        .filter(|a| a.alert_type.as_str() == t)
        .collect()
}

/// `type` per alert, sorted, for readable assertions.
pub fn types(alerts: &[AlertView]) -> Vec<&'static str> {
    let mut t: Vec<&'static str> = alerts.iter().map(|a| a.alert_type.as_str()).collect();
    t.sort();
    t
}

/// Every capture the results table covers.
pub const CAPTURES: &[&str] = &[
    "ads/ads_beckhoff_addroute.pcapng",
    "bacnet/bacnet_icsnpp_example.pcap",
    "bacnet/bacnet_iti_test.pcap",
    "c37118/c37118_1pmu_tcp.pcap",
    "cclink/cclink_ie_field_basic_nttcom.pcap",
    "cclink/cclink_ie_field_control_nttcom.pcap",
    "cclink/cclink_ie_tsn_slmp_nttcom.pcap",
    "dnp3/dnp3_digitalbond_test_data_part1.pcap",
    "dnp3/dnp3_zeek_dnp3.pcap",
    "enip/enip_quickdraw_CL5000_ChangeTimeAttempt.pcap",
    "enip/enip_test.pcap",
    "fins/fins_omron_test.pcap",
    "iec104/iec104_090813_diverse.pcap",
    "iec61850/iec61850_mms_goose_sample.pcap",
    "melsec/melsec_melsoft_129_clean.pcap",
    "modbus/modbus_digitalbond_test_data_part2.pcap",
    "modbus/modbus_test_2.pcap",
    "opcua/opcua_ap_method.pcap",
    "profinet/profinet_rt_dcp.pcap",
    "s7comm/s7comm_clean.pcap",
    "s7comm/s7comm_downloading_block_db1.pcap",
    "dnp3/dnp3_cold_restart.pcap",
    "dnp3/dnp3_file_write.pcap",
    "enip/enip_cip_stop_plc.pcap",
    "iec61850/iec61850_mms_stop_request.pcap",
];
