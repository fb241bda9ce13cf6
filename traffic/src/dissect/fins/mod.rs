//! Omron FINS over UDP/TCP 9600.
//!
//! Spec: Omron "FINS Commands Reference Manual" (W227) for the FINS header and
//! commands; Omron W342 §7 for the FINS/TCP wrapper ("FINS" magic, length,
//! command, error code). One operation per FINS command or response (function code
//! `MRC << 8 | SRC`); FINS/TCP node-address handshakes are session operations with
//! function code `0x10000 | tcp command`. Controller Data Read responses give the
//! PLC model and version as identities.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

pub const TCP_COMMAND_BASE: u32 = 0x10000;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    if ctx.carrier != Carrier::TcpStream {
        if !data.is_empty() {
            dissect_frame(data, out);
        }
        return data.len();
    }
    let mut pos = 0;
    while pos < data.len() {
        match parse_tcp(&data[pos..]) {
            Ok((h, body)) => {
                if h.command == 2 {
                    dissect_frame(body, out);
                } else {
                    let code = TCP_COMMAND_BASE | h.command;
                    let dir = if ctx.to_server {
                        Direction::Request
                    } else {
                        Direction::Response
                    };
                    let mut op = new_op(
                        Protocol::Fins,
                        dir,
                        code,
                        code_name(tcp_command_name(h.command), code),
                        OperationClass::Session,
                    );
                    if h.error != 0 {
                        op.error_code = Some(h.error);
                    }
                    out.operations.push(op);
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

/// First NUL-terminated run of a fixed-width text field.
fn cstr(b: &[u8]) -> String {
    text(b.split(|&c| c == 0).next().unwrap_or(&[]))
}

fn dissect_frame(data: &[u8], out: &mut DissectOutput) {
    let f = match parse_frame(data) {
        Ok(f) => f,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let c = CommandCode(f.command);
    let (name, class) = c.name_class();
    let dir = if f.response {
        Direction::Response
    } else {
        Direction::Request
    };
    let mut op = new_op(
        Protocol::Fins,
        dir,
        c.0 as u32,
        code_name(name, c.0 as u32),
        class,
    );
    op.unit = Some(if f.response { f.sa1 } else { f.da1 } as u32);
    if let Some(end) = f.end_code.filter(|e| e & 0x7F3F != 0) {
        op.error_code = Some(end as u32);
    }
    let ok = match (c, f.response) {
        (
            CommandCode::MEMORY_AREA_READ
            | CommandCode::MEMORY_AREA_WRITE
            | CommandCode::MEMORY_AREA_FILL,
            false,
        ) => parse_memory_area(f.params).map(|(area, addr, _bit, count)| {
            let space = match area_name(area) {
                Some(n) => Cow::Borrowed(n),
                None => Cow::Owned(format!("area_0x{area:02x}")),
            };
            op.ranges.push(AddressRange {
                space,
                start: addr as u32,
                count: count as u32,
            });
        }),
        (CommandCode::CONTROLLER_DATA_READ, true) if op.error_code.is_none() => {
            parse_controller_data(f.params).map(|(model, version)| {
                for (attribute, value) in [("model", cstr(model)), ("firmware", cstr(version))] {
                    if !value.is_empty() {
                        out.identities.push(IdentityObservation {
                            source: Cow::Borrowed("fins_controller_data"),
                            attribute: Cow::Borrowed(attribute),
                            value,
                        });
                    }
                }
            })
        }
        _ => Ok(()),
    };
    if ok.is_err() {
        out.malformed += 1;
    }
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_over_udp_is_control() {
        let b = [
            0x80, 0x00, 0x02, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x00, 0x01, // header, DA1 10
            0x04, 0x02, // STOP
            0xFF, 0xFF, // program number
        ];
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 9600,
            dst_port: 9600,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        dissect(&ctx, &b, &mut out);
        assert_eq!(out.operations[0].name, "stop");
        assert_eq!(out.operations[0].class, OperationClass::Control);
        assert_eq!(out.operations[0].unit, Some(10));
    }

    #[test]
    fn tcp_memory_read_range() {
        let b = parser::tests::READ_D100;
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 5000,
            dst_port: 9600,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &b, &mut out), b.len());
        assert_eq!(
            out.operations[0].ranges[0],
            AddressRange {
                space: Cow::Borrowed("D"),
                start: 100,
                count: 2
            }
        );
    }

    #[test]
    fn run_response_with_error_end_code() {
        let b = [
            0xC0, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0A, 0x00,
            0x01, // response from node 10
            0x04, 0x01, // RUN
            0x21, 0x08, // end code: cannot execute in this mode
        ];
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 9600,
            dst_port: 9600,
            to_server: false,
        };
        let mut out = DissectOutput::default();
        dissect(&ctx, &b, &mut out);
        let op = &out.operations[0];
        assert_eq!(
            (op.name.as_ref(), op.class, op.unit, op.error_code),
            ("run", OperationClass::Control, Some(10), Some(0x2108))
        );
    }
}
