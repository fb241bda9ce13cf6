//! EtherNet/IP (TCP/UDP 44818, UDP 2222) and the CIP messages it carries.
//!
//! Spec: ODVA "The CIP Networks Library" Vol. 1 (CIP, message router, EPATH,
//! appendix A services) and Vol. 2 (EtherNet/IP adaptation: encapsulation,
//! Common Packet Format). Rockwell vendor services per 1756-PM020.
//!
//! One `Enip` operation per encapsulation message, plus one `Cip` operation per
//! CIP service: a Multiple Service Packet yields itself and every embedded
//! service, an Unconnected Send yields itself and its embedded request.
//! ListIdentity responses become identity observations.

pub mod codes;
pub mod parser;

use self::codes::{CLASS_CONNECTION_MANAGER, Command, ServiceCode, class_name, service};
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, Protocol};
use std::borrow::Cow;

/// UDP port of class 0/1 implicit (I/O) messaging.
pub const IO_PORT: u16 = 2222;
/// How deep embedded services (MSP inside Unconnected Send, ...) are followed.
const MAX_DEPTH: u8 = 4;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    if ctx.carrier == Carrier::UdpDatagram && ctx.has_port(IO_PORT) && !ctx.has_port(44818) {
        // Implicit I/O: CPF with sequenced address + connected data, no service to report.
        if parse_cpf(data, |_| {}).is_err() {
            out.malformed += 1;
        }
        return data.len();
    }
    let mut pos = 0;
    while pos < data.len() {
        match parse_encap(&data[pos..]) {
            Ok((h, body)) => {
                if Command(h.command).name().is_none() && h.status > 0xFFFF {
                    // An unknown command with a nonsense status: framing is lost.
                    out.malformed += 1;
                    return data.len();
                }
                dissect_encap(ctx, &h, body, out);
                pos += ENCAP_HEADER_LEN + h.length as usize;
            }
            Err(e) if e.is_incomplete() && ctx.carrier == Carrier::TcpStream => break,
            Err(_) => {
                out.malformed += 1;
                return data.len();
            }
        }
    }
    pos
}

fn dissect_encap(ctx: &PayloadContext, h: &EncapHeader, body: &[u8], out: &mut DissectOutput) {
    let cmd = Command(h.command);
    let direction = if ctx.to_server {
        Direction::Request
    } else {
        Direction::Response
    };
    let mut op = new_op(
        Protocol::Enip,
        direction,
        cmd.0 as u32,
        code_name(cmd.name(), cmd.0 as u32),
        cmd.class(),
    );
    if h.status != 0 {
        op.error_code = Some(h.status);
    }
    out.operations.push(op);
    let ok = match cmd {
        Command::LIST_IDENTITY if !body.is_empty() => parse_cpf(body, |item| {
            if item.type_id == codes::CPF_IDENTITY {
                match parse_identity(item.data) {
                    Ok(id) => push_identity(&id, out),
                    Err(_) => out.malformed += 1,
                }
            }
        }),
        Command::SEND_RR_DATA | Command::SEND_UNIT_DATA => parse_send_data(body).and_then(|cpf| {
            parse_cpf(cpf, |item| match item.type_id {
                codes::CPF_UNCONNECTED_DATA => dissect_cip(item.data, 0, out),
                // Connected data: 2-byte sequence count, then the CIP message.
                codes::CPF_CONNECTED_DATA if item.data.len() > 2 => {
                    dissect_cip(&item.data[2..], 0, out)
                }
                _ => {}
            })
        }),
        _ => Ok(()),
    };
    if ok.is_err() {
        out.malformed += 1;
    }
}

fn push_identity(id: &Identity<'_>, out: &mut DissectOutput) {
    let mut add = |attribute: &'static str, value: String| {
        out.identities.push(IdentityObservation {
            source: Cow::Borrowed("cip_list_identity"),
            attribute: Cow::Borrowed(attribute),
            value,
        })
    };
    add("vendor_id", id.vendor_id.to_string());
    add("device_type", id.device_type.to_string());
    add("product_code", id.product_code.to_string());
    add("firmware", format!("{}.{}", id.revision.0, id.revision.1));
    add("serial_number", format!("0x{:08x}", id.serial));
    add("product_name", text(id.product_name));
    add(
        "ip",
        format!("{}.{}.{}.{}", id.ip[0], id.ip[1], id.ip[2], id.ip[3]),
    );
}

/// "class_0x.." for classes without a name, without allocating for 8-bit class ids.
fn unknown_class_space(c: u32) -> Cow<'static, str> {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    match usize::try_from(c) {
        Ok(i) if i < 256 => {
            let names =
                NAMES.get_or_init(|| (0..256).map(|n| format!("class_0x{n:02x}")).collect());
            Cow::Borrowed(names[i].as_str())
        }
        _ => Cow::Owned(format!("class_0x{c:x}")),
    }
}

/// One CIP message (and what it embeds) → operations.
pub fn dissect_cip(msg: &[u8], depth: u8, out: &mut DissectOutput) {
    let m = match parse_cip(msg) {
        Ok(m) => m,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    match m {
        CipMessage::Request {
            service: sc,
            path,
            data,
        } => {
            let parsed = parse_path(path);
            let p = parsed.unwrap_or_default();
            let (name, class) = service(ServiceCode(sc), p.class);
            let mut op = new_op(
                Protocol::Cip,
                Direction::Request,
                sc as u32,
                code_name(name, sc as u32),
                class,
            );
            if let Some(c) = p.class {
                let space = match (p.symbol, class_name(c)) {
                    (Some(sym), _) => Cow::Owned(text(sym)),
                    (None, Some(n)) => Cow::Borrowed(n),
                    (None, None) => unknown_class_space(c),
                };
                op.ranges.push(AddressRange {
                    space,
                    start: p.instance.unwrap_or(0),
                    count: 1,
                });
                if let Some(a) = p.attribute {
                    op.ranges.push(AddressRange {
                        space: Cow::Borrowed("attribute"),
                        start: a,
                        count: 1,
                    });
                }
            } else if let Some(sym) = p.symbol {
                op.ranges.push(AddressRange {
                    space: Cow::Owned(text(sym)),
                    start: 0,
                    count: 1,
                });
            }
            out.operations.push(op);
            if parsed.is_err() {
                out.malformed += 1;
            }
            if depth >= MAX_DEPTH {
                return;
            }
            let embedded = if ServiceCode(sc) == ServiceCode::MULTIPLE_SERVICE_PACKET {
                parse_multiple_service(data, |m| dissect_cip(m, depth + 1, out))
            } else if ServiceCode(sc) == ServiceCode::UNCONNECTED_SEND
                && p.class == Some(CLASS_CONNECTION_MANAGER)
            {
                parse_unconnected_send(data).map(|m| dissect_cip(m, depth + 1, out))
            } else {
                Ok(())
            };
            if embedded.is_err() {
                out.malformed += 1;
            }
        }
        CipMessage::Response {
            service: sc,
            status,
            data,
            ..
        } => {
            // A reply names no class: guess the Connection Manager from the reply's shape.
            let class_guess = match sc {
                // Forward Close reply: serials, vendor, originator serial (>= 10 bytes).
                0x4E if data.len() >= 10 => Some(CLASS_CONNECTION_MANAGER),
                // Unconnected Send fails with a routing error and no tag data.
                0x52 if !matches!(status, 0x00 | 0x06) => Some(CLASS_CONNECTION_MANAGER),
                _ => None,
            };
            let (name, class) = service(ServiceCode(sc), class_guess);
            let mut op = new_op(
                Protocol::Cip,
                Direction::Response,
                sc as u32,
                code_name(name, sc as u32),
                class,
            );
            if status != 0 {
                op.error_code = Some(status as u32);
            }
            out.operations.push(op);
            if ServiceCode(sc) == ServiceCode::MULTIPLE_SERVICE_PACKET
                && !data.is_empty()
                && depth < MAX_DEPTH
                && parse_multiple_service(data, |m| dissect_cip(m, depth + 1, out)).is_err()
            {
                out.malformed += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::OperationClass;

    fn ctx(to_server: bool) -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 50000,
            dst_port: 44818,
            to_server,
        }
    }

    #[test]
    fn list_identity_response_yields_identity() {
        let mut b = vec![
            0x63, 0x00, // command list identity
            0x00, 0x00, // length (patched below)
            0, 0, 0, 0, // session
            0, 0, 0, 0, // status
            0, 0, 0, 0, 0, 0, 0, 0, // sender context
            0, 0, 0, 0, // options
            0x01, 0x00, // one item
            0x0C, 0x00, // type: CIP identity
            0x00, 0x00, // item length (patched)
            0x01, 0x00, // encapsulation version 1
            0x00, 0x02, 0xAF, 0x12, 10, 1, 1, 164, 0, 0, 0, 0, 0, 0, 0, 0, // sockaddr
            0x01, 0x00, // vendor 1 (Rockwell)
            0x0E, 0x00, // device type 14 (PLC)
            0x36, 0x00, // product code 54
            0x14, 0x0B, // revision 20.11
            0x60, 0x30, // status
            0x78, 0x56, 0x34, 0x12, // serial 0x12345678
            0x04, b'L', b'8', b'1', b'E', // product name
            0x03, // state
        ];
        let item_len = (b.len() - 30) as u16;
        b[28..30].copy_from_slice(&item_len.to_le_bytes());
        let len = (b.len() - 24) as u16;
        b[2..4].copy_from_slice(&len.to_le_bytes());
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(false), &b, &mut out), b.len());
        assert_eq!(out.malformed, 0);
        assert_eq!(out.operations[0].class, OperationClass::Discovery);
        let name = out
            .identities
            .iter()
            .find(|i| i.attribute == "product_name")
            .unwrap();
        assert_eq!(name.value, "L81E");
        let serial = out
            .identities
            .iter()
            .find(|i| i.attribute == "serial_number")
            .unwrap();
        assert_eq!(serial.value, "0x12345678");
        // A truncated message is left for later.
        let mut out = DissectOutput::default();
        for n in 0..b.len() {
            assert_eq!(dissect(&ctx(false), &b[..n], &mut out), 0);
        }
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn send_rr_data_with_write_tag() {
        let cip = [
            0x4D, // write tag
            0x03, // path 3 words
            0x91, 0x03, b'S', b'p', b'd', 0x00, // symbol "Spd"
            0xC4, 0x00, 0x01, 0x00, 0x2A, 0x00, 0x00, 0x00, // DINT, 1 element, 42
        ];
        let mut b = vec![
            0x6F, 0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        b.extend_from_slice(&[0, 0, 0, 0, 0x0A, 0x00]); // interface handle, timeout
        b.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, 0x00, 0x00]); // 2 items, null address
        b.extend_from_slice(&[0xB2, 0x00, cip.len() as u8, 0x00]); // unconnected data
        b.extend_from_slice(&cip);
        let len = (b.len() - 24) as u16;
        b[2..4].copy_from_slice(&len.to_le_bytes());
        let mut out = DissectOutput::default();
        dissect(&ctx(true), &b, &mut out);
        let op = &out.operations[1];
        assert_eq!(op.protocol, Protocol::Cip);
        assert_eq!(op.name, "write_tag");
        assert_eq!(op.class, OperationClass::Write);
        assert_eq!(op.ranges[0].space, "Spd");
    }

    #[test]
    fn multiple_service_response_expands_with_status() {
        let msp = [
            0x8A, 0x00, 0x1E, 0x00, // MSP response, embedded service error (0x1E)
            0x02, 0x00, 0x06, 0x00, 0x0C, 0x00, // 2 replies at offsets 6 and 12
            0x8E, 0x00, 0x00, 0x00, 0x2A, 0x00, // get attribute single reply: success, data
            0x90, 0x00, 0x0E, 0x00, // set attribute single reply: attribute not settable
        ];
        let mut out = DissectOutput::default();
        dissect_cip(&msp, 0, &mut out);
        let got: Vec<_> = out
            .operations
            .iter()
            .map(|o| (o.function_code, o.direction, o.error_code))
            .collect();
        assert_eq!(
            got,
            vec![
                (0x0A, Direction::Response, Some(0x1E)),
                (0x0E, Direction::Response, None),
                (0x10, Direction::Response, Some(0x0E)),
            ]
        );
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn udp_io_produces_no_operations() {
        let io = [
            0x02, 0x00, // 2 items
            0x02, 0x80, 0x08, 0x00, 1, 0, 0, 0, 5, 0, 0, 0, // sequenced address
            0xB1, 0x00, 0x04, 0x00, 0x05, 0x00, 0xAA, 0xBB, // connected data
        ];
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 2222,
            dst_port: 2222,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &io, &mut out), io.len());
        assert!(out.operations.is_empty());
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn connection_manager_replies_are_told_from_logix_ones() {
        let mut out = DissectOutput::default();
        // Forward Close reply: status 0, conn serial, vendor, originator serial, sizes.
        dissect_cip(
            &[0xCE, 0, 0, 0, 1, 0, 1, 0, 0x78, 0x56, 0x34, 0x12, 0, 0],
            0,
            &mut out,
        );
        // Read-Modify-Write tag reply: status 0, no data.
        dissect_cip(&[0xCE, 0, 0, 0], 0, &mut out);
        // Unconnected Send reply with a routing failure (status 1, extended 0x0204).
        dissect_cip(&[0xD2, 0, 0x01, 0x01, 0x04, 0x02, 0x00, 0x00], 0, &mut out);
        let names: Vec<_> = out.operations.iter().map(|o| o.name.as_ref()).collect();
        assert_eq!(
            names,
            vec!["forward_close", "read_modify_write_tag", "unconnected_send"]
        );
    }
}
