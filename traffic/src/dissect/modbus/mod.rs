//! Modbus/TCP (MBAP framing, TCP 502).
//!
//! Spec: Modbus Application Protocol Specification V1.1b3 and Modbus Messaging on
//! TCP/IP Implementation Guide V1.0b (modbus.org). One [`Operation`] per ADU;
//! exception responses carry the base function code and the exception code in
//! `error_code`. Read Device Identification (0x2B/0x0E) responses become
//! identity observations.

pub mod codes;
pub mod parser;

use self::codes::{FunctionCode, device_id_attribute, umas_function};
use self::parser::{Pdu, parse_mbap, parse_pdu};
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{
    AddressRange, Direction, IdentityObservation, Operation, OperationClass, Protocol,
};
use std::borrow::Cow;

/// Dissects whole MBAP ADUs at the front of `data`; returns bytes consumed.
pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let mut pos = 0;
    while pos < data.len() {
        match parse_mbap(&data[pos..]) {
            Ok((mbap, pdu)) => {
                dissect_pdu(ctx, mbap.unit_id, pdu, out);
                pos += mbap.adu_len;
            }
            Err(e) if e.is_incomplete() => break,
            Err(_) => {
                // Framing lost: nothing after this point can be trusted.
                out.malformed += 1;
                return data.len();
            }
        }
    }
    pos
}

fn range(space: &'static str, start: u16, count: u16) -> AddressRange {
    AddressRange {
        space: Cow::Borrowed(space),
        start: start as u32,
        count: count as u32,
    }
}

/// Decodes one PDU into an operation.
pub fn dissect_pdu(ctx: &PayloadContext, unit: u8, pdu: &[u8], out: &mut DissectOutput) {
    let p = match parse_pdu(pdu) {
        Ok(p) => p,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let request = ctx.to_server && p.exception.is_none();
    let direction = if request {
        Direction::Request
    } else {
        Direction::Response
    };
    let f = p.function;
    let mut op = new_op(
        Protocol::Modbus,
        direction,
        f.0 as u32,
        code_name(f.name(), f.0 as u32),
        f.class(),
    );
    op.unit = Some(unit as u32);
    if let Some(code) = p.exception {
        op.error_code = Some(code as u32);
        out.operations.push(op);
        return;
    }
    if fill_details(&p, request, &mut op, out).is_err() {
        // Half-valid PDU: keep the operation, count it as malformed.
        out.malformed += 1;
    }
    out.operations.push(op);
}

fn fill_details(
    p: &Pdu<'_>,
    request: bool,
    op: &mut Operation,
    out: &mut DissectOutput,
) -> crate::dissect::common::PResult<()> {
    use self::parser::*;
    let f = p.function;
    match f {
        FunctionCode::READ_COILS
        | FunctionCode::READ_DISCRETE_INPUTS
        | FunctionCode::READ_HOLDING_REGISTERS
        | FunctionCode::READ_INPUT_REGISTERS
        | FunctionCode::WRITE_MULTIPLE_COILS
        | FunctionCode::WRITE_MULTIPLE_REGISTERS => {
            let is_write = matches!(
                f,
                FunctionCode::WRITE_MULTIPLE_COILS | FunctionCode::WRITE_MULTIPLE_REGISTERS
            );
            // Read responses carry only data; write responses echo address and quantity.
            if request || is_write {
                let (start, qty) = parse_address_quantity(p.body)?;
                op.ranges
                    .push(range(f.space().unwrap_or("register"), start, qty));
            }
        }
        FunctionCode::WRITE_SINGLE_COIL | FunctionCode::WRITE_SINGLE_REGISTER => {
            let (a, _value) = parse_address_value(p.body)?;
            op.ranges.push(range(f.space().unwrap_or("register"), a, 1));
        }
        FunctionCode::MASK_WRITE_REGISTER => {
            let (a, _and, _or) = parse_mask_write(p.body)?;
            op.ranges.push(range("holding_register", a, 1));
        }
        FunctionCode::READ_FIFO_QUEUE if request => {
            let a = parse_address(p.body)?;
            op.ranges.push(range("holding_register", a, 1));
        }
        FunctionCode::READ_WRITE_MULTIPLE_REGISTERS if request => {
            let ((rs, rq), (ws, wq)) = parse_read_write_request(p.body)?;
            op.ranges.push(range("holding_register", rs, rq));
            op.ranges.push(range("holding_register", ws, wq));
        }
        FunctionCode::READ_FILE_RECORD | FunctionCode::WRITE_FILE_RECORD if request => {
            let write = f == FunctionCode::WRITE_FILE_RECORD;
            parse_file_record_request(p.body, write, |s| {
                op.ranges.push(range("file_record", s.record, s.length))
            })?;
        }
        FunctionCode::DIAGNOSTICS => {
            let sub = parse_diagnostics(p.body)?;
            // Sub-function 1 restarts communications, 4 forces listen-only mode.
            if sub == 0x01 || sub == 0x04 {
                op.class = OperationClass::Control;
            }
        }
        FunctionCode::ENCAPSULATED_INTERFACE_TRANSPORT => {
            let (mei, rest) = parse_mei(p.body)?;
            if is_device_id(mei) {
                op.name = Cow::Borrowed("read_device_identification");
                op.class = OperationClass::Discovery;
                if !request {
                    parse_device_id_response(rest, |id, value| {
                        if let Some(attr) = device_id_attribute(id) {
                            out.identities.push(IdentityObservation {
                                source: Cow::Borrowed("modbus_device_identification"),
                                attribute: Cow::Borrowed(attr),
                                value: text(value),
                            });
                        }
                    })?;
                }
            }
        }
        FunctionCode::SCHNEIDER_UMAS => {
            // UMAS: session id byte, then the UMAS function code.
            if let Some(&code) = p.body.get(1) {
                let (name, class) = umas_function(code);
                op.name = Cow::Borrowed(name);
                op.class = class;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Carrier;

    fn ctx(to_server: bool) -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 40000,
            dst_port: 502,
            to_server,
        }
    }

    #[test]
    fn write_multiple_registers_request_gives_range_and_leaves_partial_tail() {
        let bytes = [
            0x00, 0x07, 0x00, 0x00, 0x00, 0x0B, // tid 7, pid 0, length 11
            0x11, // unit 17
            0x10, // write multiple registers
            0x00, 0x64, // start 100
            0x00, 0x02, // quantity 2
            0x04, // byte count 4
            0x00, 0x01, 0x00, 0x02, // values
            0x00, 0x08, 0x00, // start of the next ADU
        ];
        let mut out = DissectOutput::default();
        let used = dissect(&ctx(true), &bytes, &mut out);
        assert_eq!(used, 17);
        let op = &out.operations[0];
        assert_eq!(op.class, OperationClass::Write);
        assert_eq!(op.unit, Some(17));
        assert_eq!(op.ranges, vec![range("holding_register", 100, 2)]);
    }

    #[test]
    fn device_identification_response_yields_identities() {
        let bytes = [
            0x00, 0x01, 0x00, 0x00, 0x00, 0x15, // tid 1, pid 0, length 21
            0x01, // unit 1
            0x2B, 0x0E, // function 43, MEI 14
            0x01, 0x01, 0x00, 0x00, // read code, conformity, more, next
            0x02, // two objects
            0x00, 0x04, b'A', b'c', b'm', b'e', // vendor "Acme"
            0x02, 0x05, b'V', b'1', b'.', b'0', b'2', // revision
        ];
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(false), &bytes, &mut out), bytes.len());
        assert_eq!(out.malformed, 0);
        assert_eq!(out.identities.len(), 2);
        assert_eq!(out.identities[0].value, "Acme");
        assert_eq!(out.identities[1].attribute, "firmware");
    }

    #[test]
    fn exception_response() {
        let bytes = [0, 1, 0, 0, 0, 3, 1, 0x81, 0x01];
        let mut out = DissectOutput::default();
        dissect(&ctx(false), &bytes, &mut out);
        assert_eq!(out.operations[0].function_code, 1);
        assert_eq!(out.operations[0].error_code, Some(1));
    }
}
