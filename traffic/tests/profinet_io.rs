//! PROFINET IO through the whole capture path, on a capture built here (the
//! public PROFINET capture in testdata has DCP only): a controller connects
//! to a device over DCE/RPC, they exchange cyclic data, the device raises a
//! pull alarm and the controller acknowledges it, then its program stops.
//! The controller sends its outputs every millisecond, the device its
//! inputs every two: the cycle counters give each provider's cycle time.

mod common;

use common::pcap_of;
use std::collections::BTreeMap;
use traffic::analyzer::{AnalyzerConfig, digest_capture_bytes};
use traffic::operation::Protocol;

const PLC: [u8; 6] = [0x00, 0x1b, 0x1b, 0x00, 0x00, 0x01];
const DEVICE: [u8; 6] = [0x00, 0x0e, 0xcf, 0x00, 0x00, 0x02];
const PLC_IP: [u8; 4] = [192, 168, 0, 1];
const DEVICE_IP: [u8; 4] = [192, 168, 0, 2];

fn ethernet(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn udp(src: ([u8; 6], [u8; 4], u16), dst: ([u8; 6], [u8; 4], u16), payload: &[u8]) -> Vec<u8> {
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + 8 + payload.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0, 0, 0, 64, 17, 0, 0]);
    ip.extend_from_slice(&src.1);
    ip.extend_from_slice(&dst.1);
    ip.extend_from_slice(&src.2.to_be_bytes());
    ip.extend_from_slice(&dst.2.to_be_bytes());
    ip.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0]);
    ip.extend_from_slice(payload);
    ethernet(dst.0, src.0, 0x0800, &ip)
}

/// A connectionless DCE/RPC call to the PNIO device interface (big endian).
fn rpc(ptype: u8, opnum: u16, body: &[u8]) -> Vec<u8> {
    rpc_to(1, ptype, opnum, body)
}

/// The same to PNIO interface `interface` (1 device, 2 controller).
fn rpc_to(interface: u8, ptype: u8, opnum: u16, body: &[u8]) -> Vec<u8> {
    let mut d = vec![4, ptype, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00];
    d.extend_from_slice(&[0x11; 16]);
    d.extend_from_slice(&[
        0xDE, 0xA0, 0x00, interface, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42,
        0xDF, 0x7D,
    ]);
    d.extend_from_slice(&[0x22; 16]);
    d.extend_from_slice(&[0; 12]);
    d.extend_from_slice(&opnum.to_be_bytes());
    d.extend_from_slice(&[0xFF; 4]);
    d.extend_from_slice(&(body.len() as u16).to_be_bytes());
    d.extend_from_slice(&[0; 4]);
    d.extend_from_slice(body);
    d
}

/// A connect request whose ARBlockReq names the controller.
fn connect(station: &str) -> Vec<u8> {
    let mut content = vec![0x01, 0x00, 0x00, 0x01];
    content.extend_from_slice(&[0x33; 16]);
    content.extend_from_slice(&[0x00, 0x01]);
    content.extend_from_slice(&PLC);
    content.extend_from_slice(&[0x44; 16]);
    content.extend_from_slice(&[0, 0, 0, 0x11, 0x00, 0x64, 0x88, 0x92]);
    content.extend_from_slice(&(station.len() as u16).to_be_bytes());
    content.extend_from_slice(station.as_bytes());
    let mut block = vec![0x01, 0x01];
    block.extend_from_slice(&(content.len() as u16).to_be_bytes());
    block.extend_from_slice(&content);
    let mut body = Vec::new();
    for v in [1024u32, block.len() as u32, 1024, 0, block.len() as u32] {
        body.extend_from_slice(&v.to_be_bytes());
    }
    body.extend_from_slice(&block);
    rpc(0, 0, &body)
}

/// Cyclic data with its APDU status: the cycle counter (units of 31.25 µs),
/// the data status and the transfer status.
fn cyclic(frame_id: u16, cycle_counter: u16, data_status: u8) -> Vec<u8> {
    let mut f = frame_id.to_be_bytes().to_vec();
    f.extend_from_slice(&[0; 40]);
    f.extend_from_slice(&cycle_counter.to_be_bytes());
    f.extend_from_slice(&[data_status, 0]);
    f
}

fn alarm(pdu_type: u8, block: &[u8]) -> Vec<u8> {
    let mut f = vec![
        0xFC, 0x01, 0x00, 0x01, 0x00, 0x02, pdu_type, 0x00, 0, 1, 0xFF, 0xFF,
    ];
    f.extend_from_slice(&(block.len() as u16).to_be_bytes());
    f.extend_from_slice(block);
    f
}

#[test]
fn a_controller_its_device_an_alarm_and_a_stop() {
    let pull = {
        let mut b = vec![0x00, 0x01, 0x00, 0x1C, 0x01, 0x00, 0x00, 0x03];
        b.extend_from_slice(&[0, 0, 0, 0, 0x00, 0x02, 0x00, 0x01]);
        b.extend_from_slice(&[0; 12]);
        b
    };
    let mut frames = vec![
        udp(
            (PLC, PLC_IP, 49152),
            (DEVICE, DEVICE_IP, 34964),
            &connect("plc-line-1"),
        ),
        udp(
            (DEVICE, DEVICE_IP, 34964),
            (PLC, PLC_IP, 49152),
            &rpc(2, 0, &[0; 20]),
        ),
    ];
    for n in 0..100u16 {
        frames.push(ethernet(DEVICE, PLC, 0x8892, &cyclic(0x8001, n * 32, 0x35)));
        frames.push(ethernet(PLC, DEVICE, 0x8892, &cyclic(0x8002, n * 64, 0x35)));
    }
    // The device says it is ready: an IODControlReq block (0x0112) with
    // ControlCommand ApplicationReady, on the controller's interface.
    let mut ready = vec![0x01, 0x12, 0x00, 0x1C, 0x01, 0x00, 0x00, 0x00];
    ready.extend_from_slice(&[0x33; 16]);
    ready.extend_from_slice(&[0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00]);
    let mut args = Vec::new();
    for v in [1024u32, ready.len() as u32, 1024, 0, ready.len() as u32] {
        args.extend_from_slice(&v.to_be_bytes());
    }
    args.extend_from_slice(&ready);
    frames.push(udp(
        (DEVICE, DEVICE_IP, 49153),
        (PLC, PLC_IP, 34964),
        &rpc_to(2, 0, 4, &args),
    ));
    // A pull alarm: the device's notification, the RTA acknowledgement, the
    // controller's AlarmAck, and the device's RTA acknowledgement of that.
    let alarm_ack = [0x80, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x03];
    frames.push(ethernet(PLC, DEVICE, 0x8892, &alarm(0x11, &pull)));
    frames.push(ethernet(DEVICE, PLC, 0x8892, &alarm(0x13, &[])));
    frames.push(ethernet(DEVICE, PLC, 0x8892, &alarm(0x11, &alarm_ack)));
    frames.push(ethernet(PLC, DEVICE, 0x8892, &alarm(0x13, &[])));
    // The controller's program stops: its outputs' provider state goes to STOP.
    frames.push(ethernet(
        DEVICE,
        PLC,
        0x8892,
        &cyclic(0x8001, 100 * 32, 0x25),
    ));
    let whole = digest_capture_bytes(&pcap_of(&frames, 1000), AnalyzerConfig::default()).unwrap();
    let mut ops = BTreeMap::new();
    for o in whole.minutes.iter().flat_map(|m| &m.operations) {
        assert_eq!(o.protocol, Protocol::ProfinetIo);
        *ops.entry((o.name.clone(), o.direction.as_str()))
            .or_insert(0) += o.count;
    }
    let expected: BTreeMap<(String, &str), u64> = [
        ("connect", "request", 1),
        ("connect", "response", 1),
        ("rt_cyclic_data", "unknown", 200),
        ("application_ready", "request", 1),
        ("alarm_pull", "response", 1),
        ("rta_ack", "unknown", 2),
        ("alarm_ack", "request", 1),
        ("rt_cyclic_provider_stop", "unknown", 1),
    ]
    .into_iter()
    .map(|(n, d, c)| ((n.to_string(), d), c))
    .collect();
    assert_eq!(ops, expected);
    let names: Vec<_> = whole
        .minutes
        .iter()
        .flat_map(|m| &m.identities)
        .filter(|i| i.source == "profinet_io" && i.attribute == "station_name")
        .map(|i| (i.ip.map(|ip| ip.to_string()), i.value.as_str()))
        .collect();
    assert_eq!(names, vec![(Some("192.168.0.1".to_string()), "plc-line-1")]);
    let cycles: Vec<_> = whole
        .minutes
        .iter()
        .flat_map(|m| &m.identities)
        .filter(|i| i.attribute == "cycle_time")
        .map(|i| (i.mac.map(|m| m.to_string()), i.value.as_str()))
        .collect();
    assert_eq!(
        cycles,
        vec![
            (
                Some("00:1b:1b:00:00:01".to_string()),
                "1 ms (FrameID 0x8001)"
            ),
            (
                Some("00:0e:cf:00:00:02".to_string()),
                "2 ms (FrameID 0x8002)"
            ),
        ]
    );
    let flows: Vec<_> = whole.minutes.iter().flat_map(|m| &m.flows).collect();
    assert!(
        flows
            .iter()
            .any(|f| f.protocol == Some(Protocol::ProfinetIo))
    );
    common::assert_nothing_malformed(&whole);
}
