//! S7comm and S7comm-plus over ISO-on-TCP (TPKT RFC 1006 + COTP ISO 8073, TCP 102).
//!
//! Spec: RFC 1006 and ISO 8073 for the transport; S7comm itself is proprietary
//! (Siemens) — message layouts follow public reverse engineering (Wireshark
//! s7comm/s7comm_plus, Snap7). One operation per S7 PDU: Job / Ack_Data carry the
//! parameter function code; Userdata carries `(group << 8) | subfunction`.
//! S7comm-plus (protocol id 0x72) PDUs are reported as `S7commPlus` with their
//! function code. Read-SZL responses for module (0x0011) and component (0x001C)
//! identification become identity observations.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{be16_at, code_name, new_op, text};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{
    AddressRange, Direction, IdentityObservation, Operation, OperationClass, Protocol,
};
use std::borrow::Cow;

/// Largest TSDU we join from COTP fragments (S7 PDUs are at most 960 bytes,
/// S7comm-plus ones a few KiB).
const MAX_TSDU: usize = 64 * 1024;

/// Function code reported for a plain Ack (ROSCTR 2), which has no parameters.
pub const ACK_FUNCTION: u32 = 0xFFFF;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    let mut pos = 0;
    while pos < data.len() {
        // Gather one TSDU: DT TPDUs up to the one with end-of-TSDU.
        let mut end = pos;
        let mut first_data: &[u8] = &[];
        let mut joined: Option<Vec<u8>> = None;
        let mut complete = false;
        let mut skip_to = None;
        loop {
            let (len, tpdu) = match parse_tpkt(&data[end..]) {
                Ok(v) => v,
                Err(e) if e.is_incomplete() => break,
                Err(_) => {
                    // Garbage: skip to the next TPKT start (03 00), waiting for
                    // it while it may still arrive, so a garbage run counts once
                    // however the stream is cut (as DNP3 does).
                    let next = data[end + 1..]
                        .windows(2)
                        .position(|w| w == [0x03, 0x00])
                        .map(|i| end + 1 + i);
                    match next {
                        Some(n) => {
                            out.malformed += 1;
                            skip_to = Some(n);
                            break;
                        }
                        None if data.len() - pos <= MAX_TSDU => return pos,
                        None => {
                            out.malformed += 1;
                            return data.len();
                        }
                    }
                }
            };
            end += len;
            let cotp = match parse_cotp(tpdu) {
                Ok(c) => c,
                Err(_) => {
                    out.malformed += 1;
                    complete = true;
                    first_data = &[];
                    joined = None;
                    break;
                }
            };
            if cotp.pdu_type != COTP_DT {
                complete = true; // connection management TPDU: nothing to report
                first_data = &[];
                joined = None;
                break;
            }
            // Fragments: only copy when more than one carries bytes (rare).
            if !cotp.data.is_empty() {
                if let Some(j) = joined.as_mut() {
                    j.extend_from_slice(cotp.data);
                } else if first_data.is_empty() {
                    first_data = cotp.data;
                } else {
                    let mut j = first_data.to_vec();
                    j.extend_from_slice(cotp.data);
                    joined = Some(j);
                }
            }
            if cotp.eot {
                complete = true;
                break;
            }
            if end - pos > MAX_TSDU {
                // Endless fragments without end-of-TSDU: give up on this one.
                out.malformed += 1;
                first_data = &[];
                joined = None;
                complete = true;
                break;
            }
        }
        if let Some(n) = skip_to {
            pos = n; // the TSDU gathered before the garbage is dropped with it
            continue;
        }
        if !complete {
            break;
        }
        let tsdu: &[u8] = joined.as_deref().unwrap_or(first_data);
        match tsdu.first() {
            Some(0x32) => dissect_s7(tsdu, out),
            Some(0x72) => dissect_plus(tsdu, out),
            // The other ISO-on-TCP user on port 102: MMS (session SPDU, or
            // an MMS PDU straight after COTP). An empty DT reports nothing.
            Some(_) => crate::dissect::mms::dissect_tsdu(tsdu, out),
            None => {}
        }
        pos = end;
    }
    pos
}

fn dissect_s7(pdu: &[u8], out: &mut DissectOutput) {
    let s7 = match parse_s7(pdu) {
        Ok(s) => s,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    match Rosctr(s7.rosctr) {
        Rosctr::JOB | Rosctr::ACK_DATA => {
            let job = s7.rosctr == 1;
            let Some(&fc) = s7.params.first() else {
                out.malformed += 1;
                return;
            };
            let f = FunctionCode(fc);
            let dir = if job {
                Direction::Request
            } else {
                Direction::Response
            };
            let mut op = new_op(
                Protocol::S7comm,
                dir,
                fc as u32,
                code_name(f.name(), fc as u32),
                f.class(),
            );
            if s7.error != 0 {
                op.error_code = Some(s7.error as u32);
            }
            if job && job_details(f, &s7, &mut op).is_err() {
                out.malformed += 1;
            }
            out.operations.push(op);
        }
        Rosctr::ACK => {
            let mut op = new_op(
                Protocol::S7comm,
                Direction::Response,
                ACK_FUNCTION,
                Cow::Borrowed("ack"),
                OperationClass::Session,
            );
            if s7.error != 0 {
                op.error_code = Some(s7.error as u32);
            }
            out.operations.push(op);
        }
        Rosctr::USERDATA => dissect_userdata(&s7, out),
        _ => {
            out.malformed += 1;
            let r = s7.rosctr as u32;
            out.operations.push(new_op(
                Protocol::S7comm,
                Direction::Unknown,
                r << 8,
                code_name(None, r),
                OperationClass::Other,
            ));
        }
    }
}

fn job_details(
    f: FunctionCode,
    s7: &S7Pdu<'_>,
    op: &mut Operation,
) -> crate::dissect::common::PResult<()> {
    match f {
        FunctionCode::READ_VAR | FunctionCode::WRITE_VAR => parse_var_items(s7.params, |item| {
            let space = match (item.area, area_name(item.area)) {
                (0x84, _) => db_space(item.db),
                (_, Some(n)) => Cow::Borrowed(n),
                (a, None) => Cow::Owned(format!("area_0x{a:02x}")),
            };
            op.ranges.push(AddressRange {
                space,
                start: item.address >> 3,
                count: item.length as u32,
            });
        }),
        FunctionCode::REQUEST_DOWNLOAD
        | FunctionCode::DOWNLOAD_BLOCK
        | FunctionCode::DOWNLOAD_ENDED
        | FunctionCode::START_UPLOAD => {
            let (ty, number) = parse_block_filename(s7.params)?;
            op.ranges.push(AddressRange {
                space: Cow::Borrowed(block_type_name(ty)),
                start: number,
                count: 1,
            });
            Ok(())
        }
        FunctionCode::PI_SERVICE => {
            let name = parse_pi_service(s7.params)?;
            op.name = Cow::Borrowed(pi_service_name(name));
            Ok(())
        }
        FunctionCode::PLC_STOP => parse_plc_stop(s7.params).map(|_| ()),
        _ => Ok(()),
    }
}

/// "DB<n>" without allocating for the common data block numbers.
fn db_space(db: u16) -> Cow<'static, str> {
    const CACHED: u16 = 1024;
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if db < CACHED {
        let names = NAMES.get_or_init(|| (0..CACHED).map(|n| format!("DB{n}")).collect());
        Cow::Borrowed(names[db as usize].as_str())
    } else {
        Cow::Owned(format!("DB{db}"))
    }
}

fn dissect_userdata(s7: &S7Pdu<'_>, out: &mut DissectOutput) {
    let u = match parse_userdata_params(s7.params) {
        Ok(u) => u,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let code = ((u.group as u32) << 8) | u.subfunction as u32;
    let (name, class) = userdata_function(u.group, u.subfunction);
    let dir = match u.kind {
        4 => Direction::Request,
        8 => Direction::Response,
        _ => Direction::Unknown,
    };
    let mut op = new_op(Protocol::S7comm, dir, code, code_name(name, code), class);
    if u.error != 0 {
        op.error_code = Some(u.error as u32);
    }
    // Read SZL: the request names the list, the response may identify the module.
    if u.group == 4 && u.subfunction == 1 {
        if dir == Direction::Request {
            // Data: return code, transport size, length, SZL id, SZL index.
            if let Some(id) = be16_at(s7.data, 4) {
                op.ranges.push(AddressRange {
                    space: Cow::Borrowed("szl"),
                    start: id as u32,
                    count: 1,
                });
            }
        } else if dir == Direction::Response
            && u.error == 0
            && let Ok(szl) = parse_szl_response(s7.data)
        {
            szl_identities(&szl, out);
        }
    }
    out.operations.push(op);
}

fn szl_identities(szl: &SzlResponse<'_>, out: &mut DissectOutput) {
    let rl = szl.record_len as usize;
    if rl < 2 {
        return;
    }
    let mut push = |attribute: &'static str, value: String| {
        if !value.is_empty() {
            out.identities.push(IdentityObservation {
                source: Cow::Borrowed("s7comm_szl"),
                attribute: Cow::Borrowed(attribute),
                value,
            });
        }
    };
    for rec in szl.records.chunks_exact(rl) {
        let index = u16::from_be_bytes([rec[0], rec[1]]);
        match szl.id & 0x00FF {
            0x11 if rl >= 28 => {
                let Some(attr) = szl_module_id_attribute(index) else {
                    continue;
                };
                if index == 7 || rec[24] == b'V' {
                    push("firmware", format!("V{}.{}.{}", rec[25], rec[26], rec[27]));
                    if index == 7 {
                        continue;
                    }
                }
                push(attr, text(&rec[2..22]));
            }
            0x1C if rl >= 34 => {
                if let Some(attr) = szl_component_attribute(index) {
                    push(attr, text(&rec[2..34]));
                }
            }
            _ => {}
        }
    }
}

fn dissect_plus(pdu: &[u8], out: &mut DissectOutput) {
    let h = match parse_plus(pdu) {
        Ok(h) => h,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let dir = match h.opcode {
        Some(0x31) => Direction::Request,
        Some(0x32) | Some(0x02) => Direction::Response,
        _ => Direction::Unknown,
    };
    let op = match (h.function, h.opcode) {
        (Some(f), _) => {
            let (name, class) = plus_function(f);
            new_op(
                Protocol::S7commPlus,
                dir,
                f as u32,
                code_name(name, f as u32),
                class,
            )
        }
        (None, Some(o)) => new_op(
            Protocol::S7commPlus,
            dir,
            0,
            Cow::Borrowed(plus_opcode_name(o)),
            OperationClass::Other,
        ),
        (None, None) => new_op(
            Protocol::S7commPlus,
            dir,
            0,
            Cow::Borrowed("keep_alive"),
            OperationClass::Session,
        ),
    };
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Carrier;

    fn ctx() -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 1100,
            dst_port: 102,
            to_server: true,
        }
    }

    #[test]
    fn read_var_job_gives_db_range() {
        let mut out = DissectOutput::default();
        let b = parser::tests::READ_VAR_JOB;
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        let op = &out.operations[0];
        assert_eq!(op.name, "read_var");
        assert_eq!(
            op.ranges,
            vec![AddressRange {
                space: Cow::Borrowed("DB1"),
                start: 10,
                count: 1
            }]
        );
        // Each truncation waits for more bytes.
        for n in 0..b.len() {
            assert_eq!(dissect(&ctx(), &b[..n], &mut out), 0);
        }
    }

    #[test]
    fn fragmented_tsdu_is_reassembled() {
        let b = parser::tests::READ_VAR_JOB;
        let mut two = vec![0x03, 0x00, 0x00, 0x0B, 0x02, 0xF0, 0x00]; // DT without EOT
        two.extend_from_slice(&b[7..11]); // first 4 S7 bytes
        two.extend_from_slice(&[0x03, 0x00, 0x00, (7 + b.len() - 11) as u8, 0x02, 0xF0, 0x80]);
        two.extend_from_slice(&b[11..]);
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &two, &mut out), two.len());
        assert_eq!(out.operations.len(), 1);
        assert_eq!(out.operations[0].function_code, 4);
    }

    #[test]
    fn pi_service_program_run_is_control() {
        let mut b = vec![0x03, 0x00, 0x00, 0x00, 0x02, 0xF0, 0x80];
        let params = [
            0x28, 0, 0, 0, 0, 0, 0, 0xFD, // PI service, unknown
            0x00, 0x00, // parameter block length 0
            0x09, b'P', b'_', b'P', b'R', b'O', b'G', b'R', b'A', b'M', // "P_PROGRAM"
        ];
        b.extend_from_slice(&[0x32, 0x01, 0, 0, 0, 1, 0, params.len() as u8, 0, 0]);
        b.extend_from_slice(&params);
        let n = b.len() as u8;
        b[3] = n;
        let mut out = DissectOutput::default();
        dissect(&ctx(), &b, &mut out);
        assert_eq!(out.operations[0].name, "pi_program_run");
        assert_eq!(out.operations[0].class, OperationClass::Control);
    }
    #[test]
    fn szl_module_identification_gives_order_number_and_firmware() {
        let mut rec1 = vec![0x00, 0x01]; // index 1: module
        rec1.extend_from_slice(b"6ES7 315-2EH14-0AB0 "); // order number (20)
        rec1.extend_from_slice(&[0x00, 0x00, 0x00, 0x01, 0x00, 0x01]); // BGTyp, Ausbg, Ausbe
        let mut rec7 = vec![0x00, 0x07]; // index 7: firmware
        rec7.extend_from_slice(&[b' '; 20]);
        rec7.extend_from_slice(&[0x00, 0x00, b'V', 0x03, 0x02, 0x06]); // V3.2.6
        let mut szl = vec![0x00, 0x11, 0x00, 0x00, 0x00, 0x1C, 0x00, 0x02]; // id, index, 28-byte records, 2
        szl.extend_from_slice(&rec1);
        szl.extend_from_slice(&rec7);
        let mut data = vec![0xFF, 0x09]; // return code success, octet string
        data.extend_from_slice(&(szl.len() as u16).to_be_bytes());
        data.extend_from_slice(&szl);
        let params = [
            0x00, 0x01, 0x12, 0x08, // parameter head, length 8
            0x12, 0x84, 0x01, 0x01, // method response, type 8 group 4, read SZL, sequence 1
            0x00, 0x00, 0x00, 0x00, // data unit reference, last unit, error code 0
        ];
        let mut pdu = vec![0x32, 0x07, 0x00, 0x00, 0x00, 0x01];
        pdu.extend_from_slice(&(params.len() as u16).to_be_bytes());
        pdu.extend_from_slice(&(data.len() as u16).to_be_bytes());
        pdu.extend_from_slice(&params);
        pdu.extend_from_slice(&data);
        let mut b = vec![0x03, 0x00];
        b.extend_from_slice(&((pdu.len() + 7) as u16).to_be_bytes());
        b.extend_from_slice(&[0x02, 0xF0, 0x80]);
        b.extend_from_slice(&pdu);
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        assert_eq!(out.operations[0].function_code, 0x0401);
        assert_eq!(out.operations[0].name, "read_szl");
        assert_eq!(out.operations[0].direction, Direction::Response);
        let ids = out.identity_pairs();
        assert_eq!(
            ids,
            vec![
                ("order_number", "6ES7 315-2EH14-0AB0"),
                ("firmware", "V3.2.6")
            ]
        );
    }

    #[test]
    fn s7comm_plus_function() {
        let b = [
            0x03, 0x00, 0x00, 0x17, 0x02, 0xF0, 0x80, // TPKT length 23, COTP DT EOT
            0x72, 0x02, 0x00, 0x08, // S7comm-plus, version 2, data length 8
            0x31, 0x00, 0x00, 0x05, 0x4C, // request, reserved, GetMultiVariables
            0x00, 0x00, 0x00, // sequence number (part)
            0x72, 0x02, 0x00, 0x00, // trailer
        ];
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        let op = &out.operations[0];
        assert_eq!(op.protocol, Protocol::S7commPlus);
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class),
            (0x054C, "get_multi_variables", OperationClass::Read)
        );
        assert_eq!(op.direction, Direction::Request);
    }
}
