//! PROFINET DCP (Discovery and Configuration Protocol), EtherType 0x8892,
//! frame ids 0xFEFC-0xFEFF.
//!
//! Spec: IEC 61158-5-10 / 61158-6-10 (PROFINET IO), DCP services Identify, Get,
//! Set, Hello. One operation per DCP frame (function code = service id).
//! Identify responses and Hello carry the station name, vendor/device id and IP,
//! which become identity observations. A Set of control options (factory reset,
//! signal) is control; a Set of name or IP is a write. The other real-time
//! frames (cyclic data, alarms, PTCP) are PROFINET IO (`io.rs`), as is the
//! connection set-up over DCE/RPC (`rpc.rs`).

pub mod codes;
pub mod io;
pub mod parser;
pub mod rpc;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

pub const ETHERTYPE: u16 = 0x8892;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    let Some(frame_id) = crate::dissect::common::be16_at(data, 0) else {
        return data.len();
    };
    if !is_dcp_frame(frame_id) {
        return data.len();
    }
    let d = match parse_dcp(data) {
        Ok(d) => d,
        Err(_) => {
            out.malformed += 1;
            return data.len();
        }
    };
    let s = ServiceId(d.service_id);
    let (name, class) = s.name_class();
    let response = d.service_type & 0x01 != 0;
    let dir = if response {
        Direction::Response
    } else {
        Direction::Request
    };
    let mut op = new_op(
        Protocol::ProfinetDcp,
        dir,
        s.0 as u32,
        code_name(name, s.0 as u32),
        class,
    );
    if d.service_type & 0x04 != 0 {
        op.error_code = Some(d.service_type as u32); // "response not supported"
    }
    // Responses (and Hello) prefix each block's data with a 2-byte block info;
    // Set requests prefix it with a 2-byte block qualifier.
    let has_info = response || s == ServiceId::HELLO || s == ServiceId::SET;
    let parsed = parse_blocks(d.blocks, |b| {
        let data = if has_info && b.data.len() >= 2 {
            &b.data[2..]
        } else {
            b.data
        };
        // Start/end transaction only bracket a Set; signal and resets act on the device.
        if s == ServiceId::SET
            && !response
            && b.option == OPTION_CONTROL
            && b.suboption >= 3
            && let Some(n) = control_suboption_name(b.suboption)
        {
            op.name = Cow::Borrowed(n);
            op.class = OperationClass::Control;
        }
        if response || s == ServiceId::HELLO {
            identities(b.option, b.suboption, data, out);
        }
    });
    if parsed.is_err() {
        out.malformed += 1;
    }
    out.operations.push(op);
    data.len()
}

fn identities(option: u8, sub: u8, data: &[u8], out: &mut DissectOutput) {
    let mut push = |attribute: &'static str, value: String| {
        if !value.is_empty() {
            out.identities.push(IdentityObservation {
                source: Cow::Borrowed("profinet_dcp"),
                attribute: Cow::Borrowed(attribute),
                value,
            });
        }
    };
    match (option, sub) {
        (OPTION_DEVICE, 1) => push("vendor", text(data)),
        (OPTION_DEVICE, 2) => push("station_name", text(data)),
        (OPTION_DEVICE, 3) if data.len() >= 4 => {
            push("vendor_id", format!("0x{:02x}{:02x}", data[0], data[1]));
            push("device_id", format!("0x{:02x}{:02x}", data[2], data[3]));
        }
        (OPTION_IP, 2) if data.len() >= 4 => push(
            "ip",
            format!("{}.{}.{}.{}", data[0], data[1], data[2], data[3]),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::Carrier;

    #[test]
    fn identify_response_gives_station_identity() {
        let ctx = PayloadContext {
            carrier: Carrier::Ethernet {
                ethertype: ETHERTYPE,
            },
            src_port: 0,
            dst_port: 0,
            to_server: false,
        };
        let mut out = DissectOutput::default();
        dissect(&ctx, &parser::tests::IDENTIFY_RESPONSE, &mut out);
        assert_eq!(out.operations[0].class, OperationClass::Discovery);
        assert_eq!(out.operations[0].direction, Direction::Response);
        let v = out.identity_pairs();
        assert_eq!(
            v,
            vec![
                ("station_name", "plc-1"),
                ("vendor_id", "0x002a"),
                ("device_id", "0x0101")
            ]
        );
    }

    #[test]
    fn set_factory_reset_is_control() {
        let b = [
            0xFE, 0xFD, 0x04, 0x00, 0, 0, 0, 2, 0, 0, 0x00,
            0x06, // Set request, 6 bytes of blocks
            0x05, 0x06, 0x00, 0x02, 0x00, 0x04, // control / reset to factory, qualifier
        ];
        let ctx = PayloadContext::ethernet(ETHERTYPE);
        let mut out = DissectOutput::default();
        dissect(&ctx, &b, &mut out);
        assert_eq!(out.operations[0].name, "set_reset_to_factory");
        assert_eq!(out.operations[0].class, OperationClass::Control);
    }
}
