//! IEC 60870-5-104 (TCP 2404).
//!
//! Spec: IEC 60870-5-104:2006 (APCI framing, I/S/U formats) carrying IEC
//! 60870-5-101 ASDUs (type identification, cause of transmission, information
//! objects). One operation per APDU: I-frames carry the ASDU type id as function
//! code; S-frames are `0x100`; U-frames are `0x200 | control octet`.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, Operation, OperationClass, Protocol};
use std::borrow::Cow;

pub const S_FRAME: u32 = 0x100;
/// Largest APDU on the wire (start byte, length byte, 253 bytes).
const MAX_APDU: usize = 255;
pub const U_FRAME_BASE: u32 = 0x200;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    let mut pos = 0;
    while pos < data.len() {
        match parse_apci(&data[pos..]) {
            Ok((apci, len, asdu)) => {
                dissect_apdu(apci, asdu, out);
                pos += len;
            }
            Err(e) if e.is_incomplete() => break,
            Err(_) => {
                // Resynchronise on the next start byte; wait for it while it may still
                // arrive, so a garbage run counts once however the stream is cut.
                let next = data[pos + 1..]
                    .iter()
                    .position(|&b| b == 0x68)
                    .map(|i| pos + 1 + i);
                pos = match next {
                    Some(n) => n,
                    None if data.len() - pos <= MAX_APDU => break,
                    None => data.len(),
                };
                out.malformed += 1;
            }
        }
    }
    pos
}

fn dissect_apdu(apci: Apci, asdu: &[u8], out: &mut DissectOutput) {
    match apci {
        Apci::S { .. } => {
            out.operations.push(new_op(
                Protocol::Iec104,
                Direction::Unknown,
                S_FRAME,
                Cow::Borrowed("s_frame"),
                OperationClass::Session,
            ));
        }
        Apci::U { function } => {
            let code = U_FRAME_BASE | function as u32;
            let dir = if function & 0xA8 != 0 {
                Direction::Response
            } else {
                Direction::Request
            };
            out.operations.push(new_op(
                Protocol::Iec104,
                dir,
                code,
                code_name(u_frame_name(function), code),
                OperationClass::Session,
            ));
        }
        Apci::I { .. } => match parse_asdu(asdu) {
            Ok(a) => {
                let t = TypeId(a.type_id);
                let dir = match cause_is_request(a.cause) {
                    Some(true) => Direction::Request,
                    Some(false) => Direction::Response,
                    None => Direction::Unknown,
                };
                let mut op = new_op(
                    Protocol::Iec104,
                    dir,
                    t.0 as u32,
                    code_name(t.name(), t.0 as u32),
                    t.class(),
                );
                op.unit = Some(a.common_address as u32);
                if a.negative {
                    op.error_code = Some(a.cause as u32);
                }
                if let Some(size) = t.element_size()
                    && parse_ioas(&a, size, |ioa| push_ioa(&mut op, ioa)).is_err()
                {
                    out.malformed += 1;
                }
                out.operations.push(op);
            }
            Err(_) => out.malformed += 1,
        },
    }
}

/// Adds an information object address, merging it into the previous range when consecutive.
fn push_ioa(op: &mut Operation, ioa: u32) {
    if let Some(last) = op.ranges.last_mut()
        && last.start.checked_add(last.count) == Some(ioa)
    {
        last.count += 1;
        return;
    }
    op.ranges.push(AddressRange {
        space: Cow::Borrowed("ioa"),
        start: ioa,
        count: 1,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Carrier;

    #[test]
    fn command_and_u_frame() {
        let mut b = parser::tests::SINGLE_COMMAND.to_vec();
        b.extend_from_slice(&[0x68, 0x04, 0x07, 0x00, 0x00, 0x00]); // STARTDT act
        b.extend_from_slice(&[0x68, 0x04]); // partial
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 3000,
            dst_port: 2404,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, &b, &mut out), b.len() - 2);
        assert_eq!(out.operations[0].name, "c_sc_na_1");
        assert_eq!(out.operations[0].class, OperationClass::Control);
        assert_eq!(out.operations[0].ranges[0].start, 5000);
        assert_eq!(out.operations[1].name, "startdt_act");
    }

    #[test]
    fn negative_confirmation_carries_the_cause() {
        let b = [
            0x68, 0x0E, 0x04, 0x00, 0x02, 0x00, // I-frame
            0x2E, 0x01, // C_DC_NA_1, one object
            0x47, 0x00, // cause 7 (actcon) with P/N negative
            0x05, 0x00, // common address 5
            0x10, 0x27, 0x00, // IOA 10000
            0x01, // DCO
        ];
        let ctx = PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 2404,
            dst_port: 3000,
            to_server: false,
        };
        let mut out = DissectOutput::default();
        dissect(&ctx, &b, &mut out);
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.unit, op.error_code),
            (46, Some(5), Some(7))
        );
        assert_eq!(op.direction, Direction::Response);
    }
}
