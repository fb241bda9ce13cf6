//! CC-Link IE Field and CC-Link IE Control networks (EtherType 0x890F).
//!
//! Spec: CLPA CC-Link IE Field / Control specifications (not public); the
//! frame type codes and header layout follow NTT Communications' Zeek parser
//! (see `codes.rs`). One operation per frame, direction `unknown` (stations
//! pass frames around a ring or line; none answers a request), the source
//! node (station) number as `unit`, the frame type as `function_code`
//! (transient2 frames with a known command type: `0x2500 | type`, e.g.
//! `transient_stop`). Which of the two networks a frame belongs to follows
//! from its type. Cyclic data values are not decoded.
//!
//! CC-Link IE Field Basic (UDP 61450 / 61451) carries its cyclic data in
//! SLMP 3E frames, parsed with the MELSEC SLMP parser: the master's request
//! (command 0x0E70, broadcast, with every slave's outputs) is
//! `ief_basic_cyclic_request` (write, the number of occupied slave stations
//! as a `station` range from 1); each slave's reply
//! `ief_basic_cyclic_response` (read, the SLMP end code of a failed one in
//! `error_code`). The master and slave ids (IPv4 addresses) are not kept:
//! the IP header already says who sent.
//!
//! CC-Link IE TSN link management (UDP 45238 / 45239): SLMP-like frames with
//! subheader 0x6800 (request) / 0xE800 (response); `function_code` is
//! `command << 16 | subcommand` (0x0E92_0000 `tsn_slave_config`, ...): the
//! master's network, master, slave and cyclic configuration (write) and
//! notifications. Standard SLMP over TSN (read / write / remote run, stop,
//! ...) uses the ordinary SLMP subheaders and is decoded as `melsec`.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, OperationClass, Protocol};
use std::borrow::Cow;

/// `function_code` of a Field Basic slave's cyclic reply (the request's is
/// its SLMP command, 0x0E70).
pub const BASIC_RESPONSE_CODE: u32 = 0x8E70;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    if data.is_empty() {
        return 0;
    }
    if !matches!(ctx.carrier, Carrier::Ethernet { .. }) {
        if TSN_PORTS.iter().any(|&p| ctx.has_port(p)) {
            dissect_tsn(data, out);
        } else {
            dissect_basic(data, out);
        }
        return data.len();
    }
    let h = match parse_header(data) {
        Ok(h) => h,
        Err(_) => {
            out.malformed += 1;
            return data.len();
        }
    };
    let t = FrameType(h.frame_type);
    let (mut code, mut name, mut class) = match t.describe() {
        Some((n, c, _)) => (u32::from(t.0), code_name(Some(n), 0), c),
        None => (
            u32::from(t.0),
            code_name(None, u32::from(t.0)),
            OperationClass::Other,
        ),
    };
    if t == FrameType::TRANSIENT2 {
        match data.get(TRANSIENT2_CT_OFFSET) {
            Some(&ct) => {
                if let Some((n, c)) = transient2_command(ct) {
                    code = 0x2500 | u32::from(ct);
                    name = code_name(Some(n), code);
                    class = c;
                }
            }
            // A transient2 frame too short for its command type.
            None => out.malformed += 1,
        }
    }
    let mut op = new_op(Protocol::CclinkIe, Direction::Unknown, code, name, class);
    op.unit = Some(u32::from(h.src_node));
    out.operations.push(op);
    data.len()
}

fn dissect_tsn(data: &[u8], out: &mut DissectOutput) {
    let t = match parse_tsn(data) {
        Ok(t) => t,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let code = (u32::from(t.command) << 16) | u32::from(t.subcommand);
    let (name, class) = match tsn_command(t.command, t.subcommand) {
        Some((n, c)) => (Some(n), c),
        None => (None, OperationClass::Other),
    };
    let direction = if t.response {
        Direction::Response
    } else {
        Direction::Request
    };
    out.operations.push(new_op(
        Protocol::CclinkIe,
        direction,
        code,
        code_name(name, code),
        class,
    ));
    if t.length_mismatch {
        out.malformed += 1;
    }
}

fn dissect_basic(data: &[u8], out: &mut DissectOutput) {
    let op = match parse_basic(data) {
        Ok(Basic::Request {
            command, stations, ..
        }) => {
            let name = if command == BASIC_CYCLIC_COMMAND {
                Some("ief_basic_cyclic_request")
            } else {
                None
            };
            let mut op = new_op(
                Protocol::CclinkIe,
                Direction::Request,
                u32::from(command),
                code_name(name, u32::from(command)),
                if name.is_some() {
                    OperationClass::Write
                } else {
                    OperationClass::Other
                },
            );
            op.ranges.push(AddressRange {
                space: Cow::Borrowed("station"),
                start: 1,
                count: u32::from(stations),
            });
            op
        }
        Ok(Basic::Response { end_code, .. }) => {
            let mut op = new_op(
                Protocol::CclinkIe,
                Direction::Response,
                BASIC_RESPONSE_CODE,
                Cow::Borrowed("ief_basic_cyclic_response"),
                OperationClass::Read,
            );
            op.error_code = (end_code != 0).then_some(u32::from(end_code));
            op
        }
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::parser::tests::IP_TRANSIENT;
    use super::*;
    use crate::dissect::Carrier;

    fn run(frame: &[u8]) -> DissectOutput {
        let ctx = PayloadContext {
            carrier: Carrier::Ethernet {
                ethertype: ETHERTYPE,
            },
            src_port: 0,
            dst_port: 0,
            to_server: false,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, frame, &mut out), frame.len());
        out
    }

    #[test]
    fn frame_type_names_class_and_station() {
        let out = run(&IP_TRANSIENT);
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class, op.unit),
            (0x26, "ip_transient", OperationClass::Other, Some(0x0100))
        );
        let mut rww = IP_TRANSIENT;
        rww[0] = 0x82;
        assert_eq!(run(&rww).operations[0].class, OperationClass::Write);
        assert_eq!(
            FrameType(0x85).describe().map(|d| d.2),
            Some(Network::Field)
        );
        assert_eq!(
            FrameType(0x06).describe().map(|d| d.2),
            Some(Network::Control)
        );
    }

    #[test]
    fn transient2_stop_is_control() {
        let mut f = vec![0u8; TRANSIENT2_CT_OFFSET + 4];
        f[0] = 0x25;
        f[TRANSIENT2_CT_OFFSET] = 0x09;
        let op = &run(&f).operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class),
            (0x2509, "transient_stop", OperationClass::Control)
        );
        // Cut before its command type: kept and counted.
        let out = run(&f[..TRANSIENT2_CT_OFFSET]);
        assert_eq!(
            (out.operations[0].name.as_ref(), out.malformed),
            ("transient2", 1)
        );
    }

    #[test]
    fn field_basic_cyclic_request_over_udp() {
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 61450,
            dst_port: 61450,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        let b = super::parser::tests::basic_request();
        dissect(&ctx, &b, &mut out);
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class, op.direction),
            (
                0x0E70,
                "ief_basic_cyclic_request",
                OperationClass::Write,
                Direction::Request
            )
        );
        assert_eq!((op.ranges[0].start, op.ranges[0].count), (1, 1));
        dissect(&ctx, &b[..20], &mut out);
        assert_eq!(out.malformed, 1);
    }

    #[test]
    fn tsn_link_management_command() {
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 45238,
            dst_port: 45238,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        dissect(&ctx, &super::parser::tests::TSN_SLAVE_CONFIG, &mut out);
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class, op.direction),
            (
                0x0E92_0000,
                "tsn_slave_config",
                OperationClass::Write,
                Direction::Request
            )
        );
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn short_frame_is_malformed_and_unknown_types_stay_visible() {
        assert_eq!(run(&IP_TRANSIENT[..5]).malformed, 1);
        let mut f = IP_TRANSIENT;
        f[0] = 0x7A;
        assert_eq!(run(&f).operations[0].name, "unknown_0x7a");
    }
}
