//! No-panic checks: every dissector over truncated, mutated and random inputs,
//! on every carrier. Deterministic (xorshift), no extra dependencies.

use super::{Carrier, DissectOutput, PayloadContext, dissect};
use crate::operation::Protocol;

const CARRIERS: [Carrier; 3] = [
    Carrier::TcpStream,
    Carrier::UdpDatagram,
    Carrier::Ethernet { ethertype: 0x8892 },
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Valid-looking seeds: one message per protocol, so mutations reach deep parsers.
fn seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = vec![
        super::modbus::parser::tests_fixture(),
        super::s7comm::parser::tests::READ_VAR_JOB.to_vec(),
        super::iec104::parser::tests::SINGLE_COMMAND.to_vec(),
        super::fins::parser::tests::READ_D100.to_vec(),
        super::melsec::parser::tests::BATCH_READ_D100.to_vec(),
        super::opcua::parser::tests::READ_MSG.to_vec(),
        super::profinet::parser::tests::IDENTIFY_RESPONSE.to_vec(),
        super::dnp3::tests::read_class0_frame(),
        super::ads::parser::tests::READ_STATE_REQ.to_vec(),
        super::ads::parser::tests::ADD_ROUTE_REQ.to_vec(),
        super::c37118::parser::tests::SEND_CFG2.to_vec(),
        super::goose::parser::tests::state_change(),
        super::mms::parser::tests::in_tpkt(super::mms::parser::tests::CONNECT),
        super::mms::parser::tests::in_tpkt(super::mms::parser::tests::READ_REQ),
        super::mms::parser::tests::in_tpkt(super::mms::parser::tests::STOP_REQ),
        super::cclink::parser::tests::IP_TRANSIENT.to_vec(),
        // BACnet I-Am
        vec![
            0x81, 0x0B, 0x00, 0x19, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x00, 0xC4, 0x02,
            0x00, 0x04, 0xD2, 0x22, 0x05, 0xC4, 0x91, 0x00, 0x22, 0x01, 0x04,
        ],
        // ENIP SendRRData with a Multiple Service Packet of two Get Attribute Single
        vec![
            0x6F, 0x00, 0x2A, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, // encap
            0, 0, 0, 0, 0x0A, 0x00, // interface, timeout
            0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xB2, 0x00, 0x18,
            0x00, // CPF: null address, unconnected data (24)
            0x0A, 0x02, 0x20, 0x02, 0x24, 0x01, // MSP to message router
            0x02, 0x00, 0x06, 0x00, 0x0C, 0x00, // 2 services at 6 and 12
            0x0E, 0x02, 0x20, 0x01, 0x24, 0x01, // get attribute single identity/1
            0x0E, 0x02, 0x20, 0x01, 0x24, 0x02, // get attribute single identity/2
        ],
    ];
    // A ListIdentity request over UDP and an S7comm-plus frame.
    v.push(vec![
        0x63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    v.push(vec![
        0x03, 0x00, 0x00, 0x13, 0x02, 0xF0, 0x80, 0x72, 0x01, 0x00, 0x08, 0x31, 0x00, 0x00, 0x05,
        0x4C, 0, 0, 0,
    ]);
    v
}

fn run_all(data: &[u8], out: &mut DissectOutput) {
    for p in Protocol::ALL {
        for carrier in CARRIERS {
            for to_server in [true, false] {
                let ctx = PayloadContext {
                    carrier,
                    src_port: 1234,
                    dst_port: 2222,
                    to_server,
                };
                let used = dissect(p, &ctx, data, out).bytes;
                assert!(used <= data.len());
            }
        }
    }
    out.operations.clear();
    out.identities.clear();
}

#[test]
fn every_truncation_of_every_seed_is_handled() {
    let mut out = DissectOutput::default();
    for s in seeds() {
        for n in 0..=s.len() {
            run_all(&s[..n], &mut out);
        }
    }
}

#[test]
fn mutated_seeds_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut out = DissectOutput::default();
    for s in seeds() {
        for _ in 0..300 {
            let mut m = s.clone();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() as usize) % m.len();
                m[i] = rng.next() as u8;
            }
            // Sometimes duplicate the message so framing loops run twice.
            if rng.next().is_multiple_of(4) {
                let c = m.clone();
                m.extend_from_slice(&c);
            }
            run_all(&m, &mut out);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0x1234_5678_9ABC_DEF1);
    let mut out = DissectOutput::default();
    for len in 0..200 {
        for _ in 0..8 {
            let b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            run_all(&b, &mut out);
        }
    }
}
