//! IEC 61850 MMS (ISO 9506 Manufacturing Message Specification) over
//! ISO-on-TCP (TCP 102: TPKT RFC 1006, COTP ISO 8073).
//!
//! Spec: ISO 9506-1/-2 (MMS services and PDUs), IEC 61850-8-1 (its mapping
//! onto MMS), ISO 8327-1 (session), ISO 8823-1 (presentation), ISO 8650-1
//! (ACSE), ISO 8825-1 (BER).
//!
//! MMS shares TCP 102 with S7comm, so both are framed by the one ISO-on-TCP
//! reassembler in `s7comm`, which hands every TSDU that is not S7comm
//! (protocol id 0x32) or S7comm-plus (0x72) to [`dissect_tsdu`]: a session
//! SPDU (identifier below 0x80) or, as some stacks send it, an MMS PDU
//! straight after COTP (a context-class tag, 0x80 and up).
//!
//! One operation per MMS PDU. Confirmed requests and responses carry the
//! service tag as `function_code` (4 read, 41 stop, ...; see `codes.rs`),
//! unconfirmed services `0x2000 | service` (0 informationReport), the
//! others (initiate, conclude, cancel, reject, confirmed-error)
//! `0x1000 | PDU tag`. Identify responses become identities (`vendor`,
//! `model`, `firmware` from vendorName, modelName, revision). Read, write and
//! getVariableAccessAttributes requests name their variables as ranges
//! (`space` = "domain/item", e.g. "LD0/LLN0$BR$brcb01"; start 0, count 1),
//! at most [`MAX_NAMED_VARIABLES`].

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::DissectOutput;
use crate::dissect::common::{code_name, new_op, text};
use crate::operation::{AddressRange, Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

/// Variables named per read / write request at most (a read of a whole
/// data set names one list; a long list of single variables is cut here).
pub const MAX_NAMED_VARIABLES: usize = 8;

/// Where an identity learned from MMS comes from.
pub const IDENTITY_SOURCE: &str = "mms_identify";

/// Decodes one TSDU that ISO-on-TCP carried and that is not S7comm. A TSDU
/// whose session or presentation PPDU holds no MMS (ACSE release, refusal)
/// reports nothing; one that does not parse is counted malformed.
pub fn dissect_tsdu(tsdu: &[u8], out: &mut DissectOutput) {
    let Some(&first) = tsdu.first() else {
        return;
    };
    let mms = if first >= 0x80 {
        Ok(Some(tsdu))
    } else {
        parse_session(tsdu).and_then(|s| mms_in_presentation(s.user))
    };
    let pdu = match mms {
        Ok(Some(bytes)) => parse_mms(bytes),
        Ok(None) => return,
        Err(e) => Err(e),
    };
    match pdu {
        Ok(m) => report(&m, out),
        Err(_) => out.malformed += 1,
    }
}

fn report(m: &MmsPdu<'_>, out: &mut DissectOutput) {
    let (direction, code, name, class) = match (m.pdu, m.service) {
        (PduType::CONFIRMED_REQUEST | PduType::CONFIRMED_RESPONSE, Some(s)) => {
            let s = ConfirmedService(s);
            let direction = if m.pdu == PduType::CONFIRMED_REQUEST {
                Direction::Request
            } else {
                Direction::Response
            };
            (direction, s.0, code_name(s.name(), s.0), s.class())
        }
        (PduType::UNCONFIRMED, Some(s)) => {
            let (name, class) = UnconfirmedService(s).name_class();
            let code = UNCONFIRMED_CODE_BASE | (s & 0xFFF);
            (Direction::Unknown, code, code_name(name, code), class)
        }
        (p, _) => {
            let code = PDU_CODE_BASE | p.0;
            let direction = match p {
                PduType::CANCEL_REQUEST | PduType::INITIATE_REQUEST | PduType::CONCLUDE_REQUEST => {
                    Direction::Request
                }
                PduType::REJECT => Direction::Unknown,
                _ => Direction::Response,
            };
            let class = match p {
                PduType::CONFIRMED_ERROR | PduType::REJECT => OperationClass::Other,
                _ => OperationClass::Session,
            };
            (direction, code, code_name(p.name(), code), class)
        }
    };
    let mut op = new_op(Protocol::Mms, direction, code, name, class);
    op.error_code = m.error;
    if m.pdu == PduType::CONFIRMED_REQUEST
        && let Some(service) = m.service
    {
        match parse_variable_names(service, m.body, MAX_NAMED_VARIABLES) {
            Ok(names) => op.ranges.extend(names.into_iter().map(|n| AddressRange {
                space: Cow::Owned(n),
                start: 0,
                count: 1,
            })),
            Err(_) => out.malformed += 1,
        }
    }
    if m.pdu == PduType::CONFIRMED_RESPONSE && m.service == Some(ConfirmedService::IDENTIFY.0) {
        match parse_identify_response(m.body) {
            Ok(fields) => {
                for (attribute, value) in ["vendor", "model", "firmware"].into_iter().zip(fields) {
                    let value = text(value);
                    if !value.is_empty() {
                        out.identities.push(IdentityObservation {
                            source: Cow::Borrowed(IDENTITY_SOURCE),
                            attribute: Cow::Borrowed(attribute),
                            value,
                        });
                    }
                }
            }
            Err(_) => out.malformed += 1,
        }
    }
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::parser::tests::{CONNECT, READ_REQ, STOP_REQ, hex};
    use super::*;

    fn run(tsdu: &[u8]) -> DissectOutput {
        let mut out = DissectOutput::default();
        dissect_tsdu(tsdu, &mut out);
        out
    }

    #[test]
    fn stop_request_is_a_control_operation() {
        let out = run(&hex(STOP_REQ));
        assert_eq!(out.malformed, 0);
        let op = &out.operations[0];
        assert_eq!(
            (
                op.protocol,
                op.direction,
                op.function_code,
                op.name.as_ref(),
                op.class
            ),
            (
                Protocol::Mms,
                Direction::Request,
                41,
                "stop",
                OperationClass::Control
            )
        );
    }

    #[test]
    fn read_request_and_initiate() {
        let out = run(&hex(READ_REQ));
        assert_eq!(out.operations[0].name, "read");
        assert_eq!(out.operations[0].class, OperationClass::Read);
        let out = run(&hex(CONNECT));
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class, op.direction),
            (
                0x1008,
                "initiate_request",
                OperationClass::Session,
                Direction::Request
            )
        );
    }

    #[test]
    fn information_report_is_unsolicited_read() {
        // Session/presentation head of sample frame 3, then unconfirmed-PDU
        // a3 05 { informationReport a0 03 { a1 01 00 } } (list shortened).
        let out = run(&hex("01000100610e300c020103a007a305a003a10100"));
        let op = &out.operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class, op.direction),
            (
                0x2000,
                "information_report",
                OperationClass::Read,
                Direction::Unknown
            )
        );
    }

    #[test]
    fn identify_response_gives_vendor_model_and_revision() {
        let out = run(&hex("a117020102a212800341424281065245463631358203352e30"));
        assert_eq!(
            out.identity_pairs(),
            [("vendor", "ABB"), ("model", "REF615"), ("firmware", "5.0")]
        );
        assert_eq!(out.operations[0].class, OperationClass::Discovery);
    }

    #[test]
    fn acse_release_reports_nothing_and_garbage_is_malformed() {
        // FINISH with ACSE RLRQ (sample frame 139).
        let out = run(&hex("0910c10e610c300a020101a0056203800101"));
        assert_eq!((out.operations.len(), out.malformed), (0, 0));
        let out = run(&hex("a0ff0102"));
        assert_eq!((out.operations.len(), out.malformed), (0, 1));
    }
}
