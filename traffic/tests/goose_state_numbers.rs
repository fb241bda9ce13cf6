//! GOOSE state numbers followed per publisher, through the whole capture
//! path, on the public IEC 61850 capture: as recorded (its publisher walks
//! stNum 5867..=5874 one by one: no event), and with one forged frame put in
//! as an attacker would, a copy of a genuine publication with a higher stNum.

mod common;

use common::{pcap_dir, pcap_of};
use std::collections::BTreeMap;
use traffic::analyzer::{AnalyzerConfig, digest_capture_bytes};
use traffic::capture::CaptureReader;
use traffic::dissect::goose::codes::{ST_NUM_BACK, ST_NUM_JUMP};
use traffic::dissect::goose::parser::parse_goose;
use traffic::operation::Protocol;

const CAPTURE: &str = "iec61850/iec61850_mms_goose_sample.pcap";
const PUBLISHER: &str = "00:00:23:06:30:fe";

fn frames() -> Vec<Vec<u8>> {
    let bytes = std::fs::read(pcap_dir().join(CAPTURE)).unwrap();
    let mut reader = CaptureReader::new(&bytes[..]).unwrap();
    let mut out = Vec::new();
    while let Some(p) = reader.next_packet() {
        out.push(p.unwrap().data.to_vec());
    }
    out
}

/// The GOOSE payload of an Ethernet frame (after any VLAN tags), if it is one.
fn goose_payload(frame: &[u8]) -> Option<&[u8]> {
    let mut et = u16::from_be_bytes([frame[12], frame[13]]);
    let mut rest = &frame[14..];
    while et == 0x8100 {
        et = u16::from_be_bytes([rest[2], rest[3]]);
        rest = &rest[4..];
    }
    (et == 0x88B8).then_some(rest)
}

/// GOOSE operations of the capture made of `frames`, as (name, publisher) → count.
fn goose_operations(frames: &[Vec<u8>]) -> BTreeMap<(String, String), u64> {
    let whole = digest_capture_bytes(&pcap_of(frames, 1000), AnalyzerConfig::default()).unwrap();
    let mut ops = BTreeMap::new();
    for o in whole.minutes.iter().flat_map(|m| &m.operations) {
        if o.protocol == Protocol::Goose {
            let publisher = o.client_mac.map(|m| m.to_string()).unwrap_or_default();
            *ops.entry((o.name.clone(), publisher)).or_default() += o.count;
        }
    }
    ops
}

fn count(ops: &BTreeMap<(String, String), u64>, name: &str) -> u64 {
    ops.iter()
        .filter(|((n, _), _)| n == name)
        .map(|(_, c)| c)
        .sum()
}

/// One `goose_st_num_jump` sent by `jumper` and one `goose_st_num_back`
/// sent by `returner`.
fn assert_one_jump_then_back(ops: &BTreeMap<(String, String), u64>, jumper: &str, returner: &str) {
    let jump = ("goose_st_num_jump".to_string(), jumper.to_string());
    let back = ("goose_st_num_back".to_string(), returner.to_string());
    assert_eq!(
        (ops.get(&jump), ops.get(&back)),
        (Some(&1), Some(&1)),
        "{ops:?}"
    );
}

#[test]
fn the_recorded_publishers_step_one_state_at_a_time() {
    let ops = goose_operations(&frames());
    assert_eq!(count(&ops, "goose_state_change"), 8);
    assert_eq!(count(&ops, "goose_retransmission"), 26);
    assert_eq!(count(&ops, "goose_st_num_jump"), 0, "{ops:?}");
    assert_eq!(count(&ops, "goose_st_num_back"), 0, "{ops:?}");
}

/// The capture with a forged copy of the publication of stNum 5870,
/// sqNum 0, put in right after it with stNum 5890 (what an injection tool
/// sends so that subscribers take its values as news), from `sender`
/// (the publisher's own MAC when `None`).
fn with_forgery(sender: Option<[u8; 6]>) -> Vec<Vec<u8>> {
    let mut frames = frames();
    let at = frames
        .iter()
        .position(|f| {
            goose_payload(f)
                .and_then(|g| parse_goose(g).ok())
                .is_some_and(|g| g.st_num == Some(5870) && g.sq_num == Some(0))
        })
        .expect("stNum 5870 in the capture");
    let mut forged = frames[at].clone();
    let st = forged
        .windows(4)
        .position(|w| w == [0x85, 0x02, 0x16, 0xEE])
        .expect("stNum 5870 encoded in two bytes");
    forged[st + 2..st + 4].copy_from_slice(&5890u16.to_be_bytes());
    if let Some(mac) = sender {
        forged[6..12].copy_from_slice(&mac);
    }
    assert_eq!(
        parse_goose(goose_payload(&forged).unwrap()).unwrap().st_num,
        Some(5890)
    );
    frames.insert(at + 1, forged);
    frames
}

#[test]
fn a_forged_frame_with_a_higher_state_number_is_seen_and_so_is_the_return() {
    let frames = with_forgery(None);
    let ops = goose_operations(&frames);
    // The forged frame jumps ahead; the genuine publisher's repeats of
    // 5870 just after it are taken as late copies of the state it left,
    // and its next state (5871) is then behind the forged one. Both
    // events carry the publisher's MAC, which the forgery copied.
    assert_one_jump_then_back(&ops, PUBLISHER, PUBLISHER);
    // The publications themselves are counted as before, plus the forged one.
    assert_eq!(
        count(&ops, "goose_state_change") + count(&ops, "goose_retransmission"),
        35
    );
    let codes: Vec<u32> = digest_capture_bytes(&pcap_of(&frames, 1000), AnalyzerConfig::default())
        .unwrap()
        .minutes
        .iter()
        .flat_map(|m| &m.operations)
        .filter(|o| o.name.starts_with("goose_st_num"))
        .map(|o| o.function_code)
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&ST_NUM_JUMP) && codes.contains(&ST_NUM_BACK));
}

#[test]
fn a_forgery_from_the_attackers_own_mac_is_seen_and_names_it() {
    let attacker = [0x02, 0, 0, 0, 0, 0x66];
    let ops = goose_operations(&with_forgery(Some(attacker)));
    assert_one_jump_then_back(&ops, "02:00:00:00:00:66", PUBLISHER);
    assert_eq!(
        count(&ops, "goose_st_num_jump") + count(&ops, "goose_st_num_back"),
        2
    );
}
