//! BACnet/IP (UDP 47808) and BACnet over Ethernet (802.2 LLC, SAP 0x82).
//!
//! Spec: ANSI/ASHRAE Standard 135-2020 — annex J (BVLC), clause 7 (ISO 8802-2
//! LLC: the NPDU follows the LLC header directly, no BVLC), clause 6 (NPDU),
//! clauses 20-21 (APDU encoding and services). One operation per UDP datagram or frame:
//! the APDU's service when there is one (function code `(pdu_type << 8) | service`),
//! a network layer message (`0xA000 | type`) or a BVLC-only message
//! (`0xB000 | function`). I-Am and ReadProperty-ACKs of device identity
//! properties become identity observations.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{
    AddressRange, Direction, IdentityObservation, Operation, OperationClass, Protocol,
};
use std::borrow::Cow;

/// Function code base of network layer messages.
pub const NETWORK_MESSAGE_BASE: u32 = 0xA000;
/// Function code base of BVLC messages without an NPDU.
pub const BVLC_BASE: u32 = 0xB000;

/// The LLC service access point of BACnet over ISO 8802-2 (clause 7).
pub const LLC_SAP: u8 = 0x82;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    if data.is_empty() {
        return 0;
    }
    if matches!(ctx.carrier, Carrier::Llc { .. }) {
        dissect_npdu(data, out);
        return data.len();
    }
    let (f, body) = match parse_bvlc(data) {
        Ok(v) => v,
        Err(_) => {
            out.malformed += 1;
            return data.len();
        }
    };
    if bvlc_length_mismatch(data) {
        // Kept and decoded with the datagram's bounds, but counted: the length field lies.
        out.malformed += 1;
    }
    let Some(offset) = f.npdu_offset() else {
        let code = BVLC_BASE | f.0 as u32;
        let dir = if f == BvlcFunction::RESULT {
            Direction::Response
        } else {
            Direction::Request
        };
        let mut op = new_op(
            Protocol::Bacnet,
            dir,
            code,
            code_name(f.name(), code),
            f.class(),
        );
        if f == BvlcFunction::RESULT {
            let result = crate::dissect::common::be16_at(body, 0).unwrap_or(0);
            if result != 0 {
                op.error_code = Some(result as u32);
            }
        }
        out.operations.push(op);
        return data.len();
    };
    match body.get(offset..) {
        Some(npdu) => dissect_npdu(npdu, out),
        None => out.malformed += 1,
    }
    data.len()
}

/// The network layer message or the APDU an NPDU carries.
fn dissect_npdu(bytes: &[u8], out: &mut DissectOutput) {
    let npdu = match parse_npdu(bytes) {
        Ok(n) => n,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    if let Some(t) = npdu.network_message {
        let code = NETWORK_MESSAGE_BASE | t as u32;
        let class = if t <= 2 {
            OperationClass::Discovery
        } else {
            OperationClass::Session
        };
        out.operations.push(new_op(
            Protocol::Bacnet,
            Direction::Unknown,
            code,
            code_name(network_message_name(t), code),
            class,
        ));
        return;
    }
    match parse_apdu(npdu.apdu) {
        Ok(a) => dissect_apdu(&a, out),
        Err(_) => out.malformed += 1,
    }
}

fn dissect_apdu(a: &Apdu<'_>, out: &mut DissectOutput) {
    let service = a.service.unwrap_or(0);
    let code = ((a.pdu_type as u32) << 8) | service as u32;
    let (name, class, dir) = match a.pdu_type {
        PDU_UNCONFIRMED_REQUEST => {
            let s = UnconfirmedService(service);
            let (n, c) = s.name_class();
            let dir = match s {
                UnconfirmedService::WHO_IS | UnconfirmedService::WHO_HAS => Direction::Request,
                UnconfirmedService::I_AM | UnconfirmedService::I_HAVE => Direction::Response,
                _ => Direction::Unknown,
            };
            (n, c, dir)
        }
        PDU_CONFIRMED_REQUEST => {
            let (n, c) = ConfirmedService(service).name_class();
            (n, c, Direction::Request)
        }
        PDU_SIMPLE_ACK | PDU_COMPLEX_ACK | PDU_ERROR => {
            let (n, c) = ConfirmedService(service).name_class();
            (n, c, Direction::Response)
        }
        t => (
            Some(pdu_type_name(t)),
            OperationClass::Session,
            Direction::Response,
        ),
    };
    let mut op = new_op(Protocol::Bacnet, dir, code, code_name(name, code), class);
    op.error_code = a.reason.map(|r| r as u32);
    let ok = details(a, &mut op, out);
    if ok.is_err() && !a.segmented {
        out.malformed += 1;
    }
    out.operations.push(op);
}

fn details(
    a: &Apdu<'_>,
    op: &mut Operation,
    out: &mut DissectOutput,
) -> crate::dissect::common::PResult<()> {
    let service = a.service.unwrap_or(0);
    match a.pdu_type {
        PDU_UNCONFIRMED_REQUEST if UnconfirmedService(service) == UnconfirmedService::I_AM => {
            let (instance, vendor) = parse_i_am(a.body)?;
            op.ranges.push(AddressRange {
                space: Cow::Borrowed("device"),
                start: instance,
                count: 1,
            });
            let mut push = |attribute: &'static str, value: String| {
                out.identities.push(IdentityObservation {
                    source: Cow::Borrowed("bacnet_i_am"),
                    attribute: Cow::Borrowed(attribute),
                    value,
                })
            };
            push("device_instance", instance.to_string());
            push("vendor_id", vendor.to_string());
        }
        PDU_CONFIRMED_REQUEST | PDU_COMPLEX_ACK
            if matches!(
                ConfirmedService(service),
                ConfirmedService::READ_PROPERTY
                    | ConfirmedService::WRITE_PROPERTY
                    | ConfirmedService::READ_PROPERTY_MULTIPLE
                    | ConfirmedService::WRITE_PROPERTY_MULTIPLE
                    | ConfirmedService::READ_RANGE
            ) && !a.segmented =>
        {
            let ((otype, instance), prop, rest) = parse_object_property(a.body)?;
            let space = match object_type_name(otype) {
                Some(n) => Cow::Borrowed(n),
                None => Cow::Owned(format!("object_type_{otype}")),
            };
            op.ranges.push(AddressRange {
                space,
                start: instance,
                count: 1,
            });
            if a.pdu_type == PDU_COMPLEX_ACK
                && otype == OBJECT_DEVICE
                && ConfirmedService(service) == ConfirmedService::READ_PROPERTY
                && let Some(attr) = prop.and_then(identity_property)
                && let Some((charset, s)) = parse_property_string(rest)?
            {
                out.identities.push(IdentityObservation {
                    source: Cow::Borrowed("bacnet_read_property"),
                    attribute: Cow::Borrowed(attr),
                    value: decode_string(charset, s),
                });
            }
        }
        PDU_ERROR => {
            let (class, code) = parse_error(a.body)?;
            op.error_code = Some((class << 16) | code);
        }
        _ => {}
    }
    Ok(())
}

/// BACnet character strings: UTF-8 / ISO 8859-1 as bytes, UCS-2 (charset 4) big endian.
fn decode_string(charset: u8, s: &[u8]) -> String {
    if charset == 4 {
        let chars: Vec<u8> = s
            .chunks_exact(2)
            .map(|c| if c[0] == 0 { c[1] } else { b'?' })
            .collect();
        text(&chars)
    } else {
        text(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Carrier;

    fn ctx() -> PayloadContext {
        PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 47808,
            dst_port: 47808,
            to_server: true,
        }
    }

    #[test]
    fn reinitialize_device_is_control() {
        let b = [
            0x81, 0x0A, 0x00, 0x0E, // BVLC unicast, length 14
            0x01, 0x04, // NPDU v1, expecting reply
            0x00, 0x05, 0x01,
            0x14, // confirmed request, max APDU, invoke 1, reinitializeDevice
            0x09, 0x01, // [0] reinitialized state: warmstart
            0x00, 0x00, // trailing bytes
        ];
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        let op = &out.operations[0];
        assert_eq!(op.function_code, 20);
        assert_eq!(op.class, OperationClass::Control);
        assert_eq!(op.name, "reinitialize_device");
    }

    #[test]
    fn read_property_ack_of_vendor_name_is_identity() {
        let b = [
            0x81, 0x0A, 0x00, 0x19, // BVLC unicast, length 25
            0x01, 0x00, // NPDU
            0x30, 0x01, 0x0C, // complex ACK, invoke 1, readProperty
            0x0C, 0x02, 0x00, 0x00, 0x05, // [0] device,5
            0x19, 0x79, // [1] property 121 vendor-name
            0x3E, // [3] opening
            0x75, 0x05, 0x00, b'A', b'c', b'm', b'e', // character string "Acme"
            0x3F, // [3] closing
        ];
        let mut out = DissectOutput::default();
        dissect(&ctx(), &b, &mut out);
        assert_eq!(out.malformed, 0);
        assert_eq!(out.identities[0].attribute, "vendor");
        assert_eq!(out.identities[0].value, "Acme");
        assert_eq!(out.operations[0].function_code, (3 << 8) | 12);
    }
}
