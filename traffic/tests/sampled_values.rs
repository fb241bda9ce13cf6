//! IEC 61850-9-2 Sampled Values through the whole capture path: a classic
//! pcap built here (no public capture of SV with a licence to copy was
//! found), read, classified by EtherType and dissected into minute digests.

mod common;

use common::pcap_of;
use traffic::analyzer::{AnalyzerConfig, digest_capture_bytes};
use traffic::operation::{OperationClass, Protocol};

const MERGING_UNIT: [u8; 6] = [0x00, 0x1b, 0x1b, 0x00, 0x00, 0x10];
/// IEC 61850-9-2 multicast destination range 01-0C-CD-04-xx-xx.
const SV_GROUP: [u8; 6] = [0x01, 0x0c, 0xcd, 0x04, 0x00, 0x01];

fn put(out: &mut Vec<u8>, tag: u8, v: &[u8]) {
    out.push(tag);
    out.push(v.len() as u8);
    out.extend_from_slice(v);
}

/// An Ethernet frame with one 9-2LE ASDU.
fn sv_frame(smp_cnt: u16, smp_synch: u8) -> Vec<u8> {
    let mut asdu = Vec::new();
    put(&mut asdu, 0x80, b"MU01MU/LLN0$MS$smv1");
    put(&mut asdu, 0x82, &smp_cnt.to_be_bytes());
    put(&mut asdu, 0x83, &1u32.to_be_bytes());
    put(&mut asdu, 0x85, &[smp_synch]);
    put(&mut asdu, 0x87, &[0; 64]);
    let mut seq = Vec::new();
    put(&mut seq, 0x30, &asdu);
    let mut fields = Vec::new();
    put(&mut fields, 0x80, &[1]);
    put(&mut fields, 0xA2, &seq);
    let mut pdu = Vec::new();
    put(&mut pdu, 0x60, &fields);
    let mut f = Vec::new();
    f.extend_from_slice(&SV_GROUP);
    f.extend_from_slice(&MERGING_UNIT);
    f.extend_from_slice(&[0x88, 0xBA, 0x40, 0x00]);
    f.extend_from_slice(&((8 + pdu.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 0]);
    f.extend_from_slice(&pdu);
    f
}

#[test]
fn a_merging_unit_that_loses_its_clock() {
    // 4,000 synchronised samples, then 1,000 after the clock is lost.
    let frames: Vec<Vec<u8>> = (0..5000u16)
        .map(|i| sv_frame(i % 4000, if i < 4000 { 2 } else { 0 }))
        .collect();
    let whole = digest_capture_bytes(&pcap_of(&frames, 250), AnalyzerConfig::default()).unwrap();
    assert!(whole.cut.is_none());
    let ops: Vec<_> = whole.minutes.iter().flat_map(|m| &m.operations).collect();
    let count =
        |name: &str| -> u64 { ops.iter().filter(|o| o.name == name).map(|o| o.count).sum() };
    assert_eq!(count("sv_global_sync"), 4000);
    assert_eq!(count("sv_unsynchronised"), 1000);
    for o in &ops {
        assert_eq!(o.protocol, Protocol::SampledValues);
        assert_eq!(o.class, OperationClass::Read);
        assert_eq!(o.unit, Some(0x4000));
        assert_eq!(o.client_mac.map(|m| m.0), Some(MERGING_UNIT));
        assert_eq!(o.server_mac.map(|m| m.0), Some(SV_GROUP));
    }
    let ids: Vec<_> = whole
        .minutes
        .iter()
        .flat_map(|m| &m.identities)
        .map(|i| (i.source.as_str(), i.attribute.as_str(), i.value.as_str()))
        .collect();
    // Reported once, in the minute it was first learned.
    assert_eq!(ids, vec![("sv", "sv_id", "MU01MU/LLN0$MS$smv1")]);
    common::assert_nothing_malformed(&whole);
}
