//! Beckhoff ADS over AMS: AMS/TCP on TCP 48898, discovery and route
//! management on UDP 48899.
//!
//! Spec: Beckhoff TwinCAT "ADS Specification" (AMS/TCP header, 32-byte AMS
//! header, ADS commands 1-9, ADS return codes) and the documented layout of the
//! UDP discovery / add-route datagrams (magic `03 66 14 71`, service, AMS
//! address, tags). One operation per AMS packet (function code = command id)
//! and per UDP datagram (`0x10000 | service`); AMS/TCP port-connect and router
//! notifications are session operations (`0x20000 | reserved`).
//! Identities: the sender's AMS net id, read-device-info names and versions,
//! the host name and TwinCAT version of discovery replies and the route name of
//! add-route requests (never the user name or password it also carries).

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

pub const TCP_PORT: u16 = 48898;
pub const UDP_PORT: u16 = 48899;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    if ctx.carrier != Carrier::TcpStream {
        if data.starts_with(&UDP_MAGIC) {
            dissect_udp(data, out);
        } else if !data.is_empty() {
            // AMS over UDP: the AMS header without the AMS/TCP prefix.
            dissect_ams(data, out);
        }
        return data.len();
    }
    let mut pos = 0;
    while pos < data.len() {
        match parse_tcp(&data[pos..]) {
            Ok((h, body)) => {
                if h.reserved == 0 {
                    dissect_ams(body, out);
                } else {
                    let code = TCP_SYSTEM_BASE | u32::from(h.reserved);
                    let dir = if ctx.to_server {
                        Direction::Request
                    } else {
                        Direction::Response
                    };
                    out.operations.push(new_op(
                        Protocol::Ads,
                        dir,
                        code,
                        code_name(tcp_system_name(h.reserved), code),
                        OperationClass::Session,
                    ));
                }
                pos += h.total_len;
            }
            Err(e) if e.is_incomplete() => break,
            Err(_) => {
                out.malformed += 1;
                return data.len();
            }
        }
    }
    pos
}

fn identity(out: &mut DissectOutput, source: &'static str, attribute: &'static str, value: String) {
    if !value.is_empty() {
        out.identities.push(IdentityObservation {
            source: Cow::Borrowed(source),
            attribute: Cow::Borrowed(attribute),
            value,
        });
    }
}

/// First NUL-terminated run of a fixed-width or NUL-terminated text field.
fn cstr(b: &[u8]) -> String {
    text(b.split(|&c| c == 0).next().unwrap_or(&[]))
}

fn range_of(index_group: u32, index_offset: u32, length: u32) -> AddressRange {
    let space = match index_group_name(index_group) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("ig_0x{index_group:x}")),
    };
    AddressRange {
        space,
        start: index_offset,
        count: length,
    }
}

fn dissect_ams(packet: &[u8], out: &mut DissectOutput) {
    let p = match parse_ams(packet) {
        Ok(p) => p,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let c = Command(p.command);
    let (name, class) = c.name_class();
    let response = p.is_response();
    let mut op = new_op(
        Protocol::Ads,
        if response {
            Direction::Response
        } else {
            Direction::Request
        },
        u32::from(p.command),
        code_name(name, u32::from(p.command)),
        class,
    );
    // The server side's AMS port says which service is addressed (851 PLC, 10000 system ...).
    op.unit = Some(u32::from(if response {
        p.source.port
    } else {
        p.target.port
    }));
    if p.error_code != 0 {
        op.error_code = Some(p.error_code);
    }
    identity(out, "ads", "ams_net_id", p.source.net_id_string());
    let mut bad = p.length_mismatch;
    // A response with an AMS error carries no ADS body.
    let body = p.data;
    let parsed = match (c, response) {
        (_, true) if op.error_code.is_some() => Ok(()),
        // Device notifications are sent by the server and have no reply.
        (Command::DEVICE_NOTIFICATION, _) => Ok(()),
        (Command::READ_DEVICE_INFO, true) => parse_device_info(body).map(|info| {
            if info.result != 0 {
                op.error_code = Some(info.result);
                return;
            }
            identity(out, "ads_device_info", "product_name", cstr(info.name));
            identity(
                out,
                "ads_device_info",
                "firmware",
                format!("{}.{}.{}", info.major, info.minor, info.build),
            );
        }),
        (_, true) => parse_result(body).map(|result| {
            if result != 0 {
                op.error_code = Some(result);
            }
        }),
        (Command::READ | Command::WRITE | Command::ADD_DEVICE_NOTIFICATION, false) => {
            parse_index(body).map(|(ig, io, len)| op.ranges.push(range_of(ig, io, len)))
        }
        (Command::READ_WRITE, false) => parse_read_write(body).map(|(ig, io, rlen, wlen)| {
            op.class = read_write_class(ig, rlen, wlen);
            let len = if op.class == OperationClass::Write {
                wlen
            } else {
                rlen
            };
            op.ranges.push(range_of(ig, io, len));
        }),
        (Command::WRITE_CONTROL, false) => parse_write_control(body).map(|(ads_state, _)| {
            op.name = Cow::Borrowed(write_control_name(ads_state));
        }),
        _ => Ok(()),
    };
    bad |= parsed.is_err();
    if bad {
        out.malformed += 1;
    }
    out.operations.push(op);
}

fn dissect_udp(data: &[u8], out: &mut DissectOutput) {
    let m = match parse_udp(data) {
        Ok(m) => m,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let response = m.service & UDP_RESPONSE != 0;
    let service = m.service & !UDP_RESPONSE;
    let (name, class) = udp_service_name_class(service);
    let code = UDP_BASE | (service & 0xFFFF);
    let mut op = new_op(
        Protocol::Ads,
        if response {
            Direction::Response
        } else {
            Direction::Request
        },
        code,
        code_name(name, code),
        class,
    );
    op.unit = Some(u32::from(m.sender.port));
    identity(out, "ads_udp", "ams_net_id", m.sender.net_id_string());
    let parsed = parse_tags(m.tags, m.tag_count, |id, v| match id {
        tag::STATUS if response => {
            if let Some(s) = crate::dissect::common::le32_at(v, 0).filter(|&s| s != 0) {
                op.error_code = Some(s);
            }
        }
        tag::HOST_NAME if response && service == 1 => {
            identity(out, "ads_discover", "hostname", cstr(v))
        }
        tag::TWINCAT_VERSION if response && v.len() >= 4 => identity(
            out,
            "ads_discover",
            "firmware",
            format!("{}.{}.{}", v[0], v[1], u16::from_le_bytes([v[2], v[3]])),
        ),
        tag::ROUTE_NAME if !response => identity(out, "ads_add_route", "route_name", cstr(v)),
        // The user name and password of an add-route request are credentials:
        // never reported.
        _ => {}
    });
    if parsed.is_err() {
        out.malformed += 1;
    }
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(carrier: Carrier, to_server: bool) -> PayloadContext {
        let (src_port, dst_port) = match (carrier, to_server) {
            (Carrier::TcpStream, true) => (50000, TCP_PORT),
            (Carrier::TcpStream, false) => (TCP_PORT, 50000),
            _ => (UDP_PORT, UDP_PORT),
        };
        PayloadContext {
            carrier,
            src_port,
            dst_port,
            to_server,
        }
    }

    /// AMS/TCP message: header to 5.13.117.96.1.1:851 from 192.168.1.199.1.1:32816.
    fn ams(command: u16, response: bool, error: u32, data: &[u8]) -> Vec<u8> {
        let mut m = vec![0, 0];
        m.extend_from_slice(&((32 + data.len()) as u32).to_le_bytes());
        let (plc, pc) = ([5u8, 13, 117, 96, 1, 1], [192u8, 168, 1, 199, 1, 1]);
        let (t, tp, s, sp) = if response {
            (pc, 32816u16, plc, 851u16)
        } else {
            (plc, 851, pc, 32816)
        };
        m.extend_from_slice(&t);
        m.extend_from_slice(&tp.to_le_bytes());
        m.extend_from_slice(&s);
        m.extend_from_slice(&sp.to_le_bytes());
        m.extend_from_slice(&command.to_le_bytes());
        m.extend_from_slice(&(0x0004u16 | u16::from(response)).to_le_bytes());
        m.extend_from_slice(&(data.len() as u32).to_le_bytes());
        m.extend_from_slice(&error.to_le_bytes());
        m.extend_from_slice(&9u32.to_le_bytes());
        m.extend_from_slice(data);
        m
    }

    fn le(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    fn run(data: &[u8], to_server: bool) -> DissectOutput {
        let mut out = DissectOutput::default();
        let used = dissect(&ctx(Carrier::TcpStream, to_server), data, &mut out);
        assert_eq!(used, data.len());
        out
    }

    #[test]
    fn every_command_request_is_named_and_classed() {
        use OperationClass::*;
        let cases: [(u16, Vec<u8>, &str, OperationClass); 9] = [
            (1, vec![], "read_device_info", Discovery),
            (2, le(&[0x4020, 100, 4]), "read", Read),
            (
                3,
                [le(&[0xF020, 0, 2]), vec![1, 2]].concat(),
                "write",
                Write,
            ),
            (4, vec![], "read_state", Diagnostic),
            (
                5,
                vec![6, 0, 0, 0, 0, 0, 0, 0],
                "write_control_stop",
                Control,
            ),
            (
                6,
                le(&[0xF005, 7, 4, 4, 0, 0, 0, 0, 0, 0]),
                "add_device_notification",
                Read,
            ),
            (7, le(&[1]), "delete_device_notification", Read),
            (8, le(&[0, 0]), "device_notification", Read),
            (
                9,
                [le(&[0xF003, 0, 4, 3]), b"a.b".to_vec()].concat(),
                "read_write",
                Read,
            ),
        ];
        for (cmd, body, name, class) in cases {
            let out = run(&ams(cmd, false, 0, &body), true);
            let op = &out.operations[0];
            assert_eq!(
                (op.function_code, op.name.as_ref(), op.class, op.direction),
                (u32::from(cmd), name, class, Direction::Request),
                "command {cmd}"
            );
            assert_eq!(op.unit, Some(851));
            assert_eq!(out.malformed, 0, "command {cmd}");
            assert_eq!(out.identities[0].value, "192.168.1.199.1.1");
        }
        let read = run(&ams(2, false, 0, &le(&[0x4020, 100, 4])), true);
        assert_eq!(
            read.operations[0].ranges,
            vec![AddressRange {
                space: Cow::Borrowed("M"),
                start: 100,
                count: 4
            }]
        );
    }

    #[test]
    fn write_control_states_and_read_write_writes() {
        let run_mode = run(&ams(5, false, 0, &[5, 0, 0, 0, 0, 0, 0, 0]), true);
        assert_eq!(run_mode.operations[0].name, "write_control_run");
        let config = run(&ams(5, false, 0, &[15, 0, 0, 0, 0, 0, 0, 0]), true);
        assert_eq!(config.operations[0].name, "write_control_config");
        let sum_write = [le(&[0xF081, 2, 8, 28]), vec![0; 28]].concat();
        let op = &run(&ams(9, false, 0, &sum_write), true).operations[0];
        assert_eq!(op.class, OperationClass::Write);
        assert_eq!(op.ranges[0].space, "sum_write");
        let unknown_ig = [le(&[0x1234, 0, 0, 2]), vec![0; 2]].concat();
        let op = &run(&ams(9, false, 0, &unknown_ig), true).operations[0];
        assert_eq!(
            (op.class, op.ranges[0].space.as_ref()),
            (OperationClass::Write, "ig_0x1234")
        );
    }

    #[test]
    fn errors_from_the_ams_header_and_the_ads_result() {
        // AMS error 6 (target port not found), no body.
        let out = run(&ams(1, true, 6, &[]), false);
        let op = &out.operations[0];
        assert_eq!(
            (op.error_code, op.direction),
            (Some(6), Direction::Response)
        );
        assert_eq!(out.malformed, 0);
        // ADS result 0x701 (service not supported) in the body.
        let out = run(&ams(2, true, 0, &le(&[0x701, 0])), false);
        assert_eq!(out.operations[0].error_code, Some(0x701));
        let out = run(&ams(2, true, 0, &le(&[0, 0])), false);
        assert_eq!(out.operations[0].error_code, None);
    }

    #[test]
    fn device_info_reply_names_the_device() {
        let mut body = le(&[0]);
        body.extend_from_slice(&[2, 11, 0x37, 0x08]);
        body.extend_from_slice(b"PLC Server\0\0\0\0\0\0");
        let out = run(&ams(1, true, 0, &body), false);
        let ids = out.identity_pairs();
        assert_eq!(
            ids,
            vec![
                ("ams_net_id", "5.13.117.96.1.1"),
                ("product_name", "PLC Server"),
                ("firmware", "2.11.2103")
            ]
        );
        assert_eq!(out.operations[0].unit, Some(851));
    }

    #[test]
    fn truncated_and_malformed_frames() {
        let whole = ams(2, false, 0, &le(&[0x4020, 0, 4]));
        // A partial message waits for more bytes.
        for n in 0..whole.len() {
            let mut out = DissectOutput::default();
            assert_eq!(
                dissect(&ctx(Carrier::TcpStream, true), &whole[..n], &mut out),
                0
            );
            assert_eq!((out.operations.len(), out.malformed), (0, 0));
        }
        // The AMS data length disagrees with the AMS/TCP length: kept and counted.
        let mut lying = whole.clone();
        lying[6 + 20] = 40;
        let out = run(&lying, true);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // A read request with a short body: kept, counted.
        let out = run(&ams(2, false, 0, &[0, 0, 0]), true);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // Shorter than an AMS header: counted, no operation.
        let out = run(&[0, 0, 4, 0, 0, 0, 1, 2, 3, 4], true);
        assert_eq!((out.operations.len(), out.malformed), (0, 1));
        // Garbage breaks framing: counted once, buffer dropped.
        let out = run(b"GET / HTTP/1.1\r\n", true);
        assert_eq!((out.operations.len(), out.malformed), (0, 1));
        // Two messages in one buffer: both.
        let two = [whole.clone(), whole].concat();
        assert_eq!(run(&two, true).operations.len(), 2);
    }

    #[test]
    fn udp_discovery_and_add_route() {
        let udp = ctx(Carrier::UdpDatagram, true);
        let head = |service: u32, net: [u8; 6]| {
            let mut d = UDP_MAGIC.to_vec();
            d.extend_from_slice(&1u32.to_le_bytes());
            d.extend_from_slice(&service.to_le_bytes());
            d.extend_from_slice(&net);
            d.extend_from_slice(&10000u16.to_le_bytes());
            d
        };
        let tagged = |d: &mut Vec<u8>, tags: &[(u16, &[u8])]| {
            d.extend_from_slice(&(tags.len() as u32).to_le_bytes());
            for (id, v) in tags {
                d.extend_from_slice(&id.to_le_bytes());
                d.extend_from_slice(&(v.len() as u16).to_le_bytes());
                d.extend_from_slice(v);
            }
        };
        let pc = [192, 168, 1, 199, 1, 1];
        let plc = [5, 13, 117, 96, 1, 1];
        let mut discover = head(1, pc);
        tagged(&mut discover, &[]);
        let mut reply = head(0x8000_0001, plc);
        tagged(
            &mut reply,
            &[
                (5, b"CX_0D7560\0"),
                (4, &[0; 12]),
                (3, &[2, 11, 0xB4, 0x08]),
            ],
        );
        let mut add = head(6, pc);
        tagged(
            &mut add,
            &[
                (0x0C, b"ENG-PC\0"),
                (7, &pc),
                (0x0D, b"Administrator\0"),
                (2, b"1\0"),
            ],
        );
        let mut refused = head(0x8000_0006, plc);
        tagged(&mut refused, &[(1, &0x704u32.to_le_bytes())]);
        let mut out = DissectOutput::default();
        for d in [&discover, &reply, &add, &refused] {
            assert_eq!(dissect(&udp, d, &mut out), d.len());
        }
        let ops: Vec<_> = out
            .operations
            .iter()
            .map(|o| {
                (
                    o.function_code,
                    o.name.as_ref(),
                    o.class,
                    o.direction,
                    o.error_code,
                )
            })
            .collect();
        use Direction::*;
        use OperationClass::*;
        assert_eq!(
            ops,
            vec![
                (0x10001, "discover", Discovery, Request, None),
                (0x10001, "discover", Discovery, Response, None),
                (0x10006, "add_route", Session, Request, None),
                (0x10006, "add_route", Session, Response, Some(0x704)),
            ]
        );
        let ids: Vec<_> = out
            .identities
            .iter()
            .filter(|i| i.attribute != "ams_net_id")
            .map(|i| (i.attribute.as_ref(), i.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("hostname", "CX_0D7560"),
                ("firmware", "2.11.2228"),
                ("route_name", "ENG-PC")
            ]
        );
        // Credentials never become identities.
        assert!(
            !out.identities
                .iter()
                .any(|i| i.value.contains("Administrator"))
        );
        assert_eq!(out.malformed, 0);
        // A tag running past the datagram: operation kept, counted.
        let mut cut = add.clone();
        cut.truncate(add.len() - 3);
        let mut out = DissectOutput::default();
        dissect(&udp, &cut, &mut out);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // Magic but no header: counted only.
        let mut out = DissectOutput::default();
        dissect(&udp, &UDP_MAGIC, &mut out);
        assert_eq!((out.operations.len(), out.malformed), (0, 1));
    }
}
