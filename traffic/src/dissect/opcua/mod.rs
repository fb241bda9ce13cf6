//! OPC UA binary protocol (TCP 4840 and anywhere else: found by content).
//!
//! Spec: OPC 10000-6 (Mappings) §7.1 UA Connection Protocol (HEL/ACK/ERR/RHE) and
//! §6.7 UA Secure Conversation (OPN/MSG/CLO chunks); service encodings from
//! OPC 10000-4 and the standard NodeSet. One operation per chunk that starts a
//! service (function code = encoding NodeId, e.g. 631 ReadRequest) and one per
//! connection-protocol message (function code = the three ASCII letters).
//! Encrypted (SignAndEncrypt) bodies and continuation chunks do not reveal a
//! service: such MSG chunks are reported as `msg_unreadable`.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{Reader, code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{
    AddressRange, Direction, IdentityObservation, Operation, OperationClass, Protocol,
};
use std::borrow::Cow;

pub const PORT: u16 = 4840;

/// Whether a first payload starts with an OPC UA binary message header.
pub fn looks_like_opcua(b: &[u8]) -> bool {
    b.len() >= 8
        && is_message_type(&b[..3])
        && matches!(b[3], b'F' | b'C' | b'A')
        && crate::dissect::common::le32_at(b, 4).is_some_and(|s| (8..=MAX_CHUNK).contains(&s))
}

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let tcp = ctx.carrier == Carrier::TcpStream;
    let mut pos = 0;
    while pos < data.len() {
        match parse_chunk(&data[pos..]) {
            Ok((h, body)) => {
                dissect_chunk(ctx, &h, body, out);
                pos += h.size;
            }
            Err(e) if e.is_incomplete() && tcp => break,
            Err(_) => {
                out.malformed += 1;
                return data.len();
            }
        }
    }
    pos
}

fn dissect_chunk(ctx: &PayloadContext, h: &Header, body: &[u8], out: &mut DissectOutput) {
    let t = h.message_type;
    let code = message_type_code(t);
    let transport = |name: &'static str, dir: Direction, class: OperationClass| {
        new_op(Protocol::OpcUa, dir, code, Cow::Borrowed(name), class)
    };
    match t {
        HEL => out.operations.push(transport(
            "hello",
            Direction::Request,
            OperationClass::Session,
        )),
        RHE => out.operations.push(transport(
            "reverse_hello",
            Direction::Request,
            OperationClass::Session,
        )),
        ACK => out.operations.push(transport(
            "acknowledge",
            Direction::Response,
            OperationClass::Session,
        )),
        ERR => {
            let mut op = transport("error", Direction::Response, OperationClass::Session);
            match parse_error(body) {
                Ok(e) => op.error_code = Some(e),
                Err(_) => out.malformed += 1,
            }
            out.operations.push(op);
        }
        _ => {
            if h.chunk == b'A' {
                out.operations.push(transport(
                    "abort",
                    Direction::Unknown,
                    OperationClass::Session,
                ));
                return;
            }
            let (policy, svc) = match parse_secure_body(t, body) {
                Ok(v) => v,
                Err(_) => {
                    out.malformed += 1;
                    return;
                }
            };
            let _ = policy;
            let mut r = Reader::new("opcua.service", svc);
            let service = parse_numeric_node_id(&mut r)
                .ok()
                .filter(|&(ns, _)| ns == 0)
                .map(|(_, id)| ServiceId(id));
            match service.and_then(|s| s.info().map(|i| (s, i))) {
                Some((s, (name, class, is_request))) => {
                    let dir = if is_request {
                        Direction::Request
                    } else {
                        Direction::Response
                    };
                    let mut op = new_op(Protocol::OpcUa, dir, s.0, Cow::Borrowed(name), class);
                    let mut body = r;
                    if !is_request
                        && let Ok(result) = parse_service_result(&mut body)
                        && result & 0x8000_0000 != 0
                    {
                        op.error_code = Some(result);
                    }
                    if h.chunk == b'F'
                        && (identities(s, r, out).is_err() || node_ranges(s, r, &mut op).is_err())
                    {
                        out.malformed += 1;
                    }
                    out.operations.push(op);
                }
                None if h.chunk == b'F' || t == CLO => {
                    // Encrypted body, a final continuation chunk or an unknown service.
                    let dir = if ctx.to_server {
                        Direction::Request
                    } else {
                        Direction::Response
                    };
                    let name = if t == CLO {
                        "close_secure_channel"
                    } else {
                        "msg_unreadable"
                    };
                    let class = if t == CLO {
                        OperationClass::Session
                    } else {
                        OperationClass::Other
                    };
                    out.operations.push(new_op(
                        Protocol::OpcUa,
                        dir,
                        code,
                        code_name(Some(name), code),
                        class,
                    ));
                }
                None => {} // intermediate chunk of a larger message
            }
        }
    }
}

/// The nodes a Read, Write or Call request touches, as address ranges
/// (`space` = namespace, e.g. "ns2", `start` = numeric identifier; string
/// identifiers become the space itself, e.g. "ns2;s=Motor.Speed").
fn node_ranges(
    s: ServiceId,
    mut r: Reader<'_>,
    op: &mut Operation,
) -> crate::dissect::common::PResult<()> {
    match s {
        ServiceId::READ_REQUEST => parse_read_request(&mut r, |n| op.ranges.push(node_range(n))),
        ServiceId::WRITE_REQUEST => {
            if let Some(n) = parse_write_request(&mut r)? {
                op.ranges.push(node_range(n));
            }
            Ok(())
        }
        ServiceId::CALL_REQUEST => {
            if let Some((object, method)) = parse_call_request(&mut r)? {
                op.ranges.push(node_range(object));
                op.ranges.push(node_range(method));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn node_range(n: NodeId<'_>) -> AddressRange {
    const NAMESPACES: [&str; 8] = ["ns0", "ns1", "ns2", "ns3", "ns4", "ns5", "ns6", "ns7"];
    let ns_space = |ns: u16| match NAMESPACES.get(ns as usize) {
        Some(n) => Cow::Borrowed(*n),
        None => Cow::Owned(format!("ns{ns}")),
    };
    match n {
        NodeId::Numeric { ns, id } => AddressRange {
            space: ns_space(ns),
            start: id,
            count: 1,
        },
        NodeId::String { ns, id } => AddressRange {
            space: Cow::Owned(format!("ns{ns};s={}", text(id))),
            start: 0,
            count: 1,
        },
        NodeId::Other { ns } => AddressRange {
            space: ns_space(ns),
            start: 0,
            count: 1,
        },
    }
}

/// Application descriptions in CreateSession requests (the client) and GetEndpoints
/// responses (the server) become identities of the sender.
fn identities(
    s: ServiceId,
    mut r: Reader<'_>,
    out: &mut DissectOutput,
) -> crate::dissect::common::PResult<()> {
    let (source, url, d) = match s.0 {
        461 => (
            "opcua_create_session",
            None,
            parse_create_session_request(&mut r)?,
        ),
        431 => match parse_get_endpoints_response(&mut r)? {
            Some((url, d)) => ("opcua_get_endpoints", Some(url), d),
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    let mut push = |attribute: &'static str, value: &[u8]| {
        let value = text(value);
        if !value.is_empty() {
            out.identities.push(IdentityObservation {
                source: Cow::Borrowed(source),
                attribute: Cow::Borrowed(attribute),
                value,
            });
        }
    };
    push("application_uri", d.application_uri);
    push("product_uri", d.product_uri);
    push("application_name", d.application_name);
    if let Some(u) = url {
        push("endpoint_url", u);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_request_over_any_port() {
        let b = parser::tests::READ_MSG;
        assert!(looks_like_opcua(&b));
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 50000,
            dst_port: 12001,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &b, &mut out), b.len());
        assert_eq!(out.operations[0].name, "read_request");
        assert_eq!(out.operations[0].class, OperationClass::Read);
        assert_eq!(dissect(&ctx, &b[..20], &mut out), 0);
    }

    #[test]
    fn err_message_carries_status() {
        let b = [
            b'E', b'R', b'R', b'F', 0x10, 0x00, 0x00, 0x00, // ERR, size 16
            0x00, 0x00, 0x80, 0x80, // Bad_... status code 0x80800000
            0xFF, 0xFF, 0xFF, 0xFF, // null reason
        ];
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 4840,
            dst_port: 50000,
            to_server: false,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &b, &mut out), b.len());
        assert_eq!(out.operations[0].error_code, Some(0x8080_0000));
        assert_eq!(out.operations[0].name, "error");
    }

    #[test]
    fn read_request_nodes_become_ranges() {
        let mut body = vec![
            0x01, 0x00, 0x77, 0x02, // NodeId: ReadRequest (631)
            0x00, 0x00, // authentication token: two-byte NodeId 0
        ];
        body.extend_from_slice(&[0; 8]); // timestamp
        body.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]); // request handle, return diagnostics
        body.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]); // audit entry id: null
        body.extend_from_slice(&[0x10, 0x27, 0, 0]); // timeout hint
        body.extend_from_slice(&[0x00, 0x00, 0x00]); // additional header: null NodeId, no body
        body.extend_from_slice(&[0; 8]); // max age
        body.extend_from_slice(&[2, 0, 0, 0]); // timestamps to return: both
        body.extend_from_slice(&[2, 0, 0, 0]); // two nodes
        body.extend_from_slice(&[0x01, 0x02, 0xE8, 0x03]); // ns2;i=1000
        body.extend_from_slice(&[
            13, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ]); // value, no range, no encoding
        body.extend_from_slice(&[0x03, 0x03, 0x00, 3, 0, 0, 0, b'R', b'p', b'm']); // ns3;s=Rpm
        body.extend_from_slice(&[
            13, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        let mut b = b"MSGF".to_vec();
        b.extend_from_slice(&((8 + 16 + body.len()) as u32).to_le_bytes());
        b.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]); // channel, token, seq, request id
        b.extend_from_slice(&body);
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 50000,
            dst_port: 4840,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &b, &mut out), b.len());
        assert_eq!(out.malformed, 0);
        let r: Vec<_> = out.operations[0]
            .ranges
            .iter()
            .map(|r| (r.space.to_string(), r.start))
            .collect();
        assert_eq!(
            r,
            vec![("ns2".to_string(), 1000), ("ns3;s=Rpm".to_string(), 0)]
        );
    }
}
