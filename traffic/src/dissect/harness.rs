//! The input format shared by the per-dissector fuzz targets
//! (`traffic/fuzz/`) and the seed extractor (`examples/fuzz_seeds.rs`), so
//! seeds taken from real captures reach the dissector with their real ports
//! and direction.
//!
//! Layout: one flags byte (bit 0: towards the server; bits 1-2: carrier,
//! 0 TCP stream, 1 UDP datagram, 2 Ethernet/PROFINET, 3 802.2 LLC/BACnet), source port and
//! destination port (big-endian u16 each), then the payload.

use super::{Carrier, DissectOutput, PayloadContext, dissect};
use crate::operation::Protocol;

const HEADER_LEN: usize = 5;

/// Encodes a payload and its context as a fuzz input.
pub fn encode(ctx: &PayloadContext, payload: &[u8]) -> Vec<u8> {
    let carrier = match ctx.carrier {
        Carrier::TcpStream => 0,
        Carrier::UdpDatagram => 1,
        Carrier::Ethernet { .. } => 2,
        Carrier::Llc { .. } => 3,
    };
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.push(u8::from(ctx.to_server) | carrier << 1);
    out.extend_from_slice(&ctx.src_port.to_be_bytes());
    out.extend_from_slice(&ctx.dst_port.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Splits a fuzz input into context and payload (any bytes are an input).
pub fn decode(input: &[u8]) -> (PayloadContext, &[u8]) {
    let mut header = [0u8; HEADER_LEN];
    let n = input.len().min(HEADER_LEN);
    header[..n].copy_from_slice(&input[..n]);
    let carrier = match (header[0] >> 1) & 3 {
        0 => Carrier::TcpStream,
        1 => Carrier::UdpDatagram,
        2 => Carrier::Ethernet {
            ethertype: super::profinet::ETHERTYPE,
        },
        _ => Carrier::Llc {
            sap: super::bacnet::LLC_SAP,
        },
    };
    let ctx = PayloadContext {
        carrier,
        src_port: u16::from_be_bytes([header[1], header[2]]),
        dst_port: u16::from_be_bytes([header[3], header[4]]),
        to_server: header[0] & 1 == 1,
    };
    (ctx, &input[n..])
}

/// Runs `protocol`'s dissector over an input the way the analyzer does: a
/// TCP stream is dissected message after message until nothing more is
/// consumed; a datagram or frame once.
pub fn dissect_input(protocol: Protocol, input: &[u8]) -> DissectOutput {
    let (ctx, mut payload) = decode(input);
    let mut out = DissectOutput::default();
    loop {
        let consumed = dissect(protocol, &ctx, payload, &mut out).bytes;
        if ctx.carrier != Carrier::TcpStream || consumed == 0 {
            break;
        }
        payload = &payload[consumed..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_round_trip() {
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 47808,
            dst_port: 50000,
            to_server: false,
        };
        let input = encode(&ctx, b"\x81\x0b\x00\x04");
        assert_eq!(decode(&input), (ctx, &b"\x81\x0b\x00\x04"[..]));
    }

    #[test]
    fn a_real_modbus_request_decodes_through_the_harness() {
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 40000,
            dst_port: 502,
            to_server: true,
        };
        // Two read-holding-registers requests in one segment.
        let one = [0u8, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10];
        let two: Vec<u8> = one.iter().chain(one.iter()).copied().collect();
        let out = dissect_input(Protocol::Modbus, &encode(&ctx, &two));
        assert_eq!(out.operations.len(), 2);
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn short_inputs_are_inputs_too() {
        for n in 0..HEADER_LEN + 2 {
            let _ = dissect_input(Protocol::Dnp3, &[0xff; 8][..n]);
        }
    }
}
