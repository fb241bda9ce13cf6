//! PROFINET IO real-time frames other than DCP, EtherType 0x8892: cyclic
//! I/O data, alarms and the precision time protocol (PTCP).
//!
//! Spec: IEC 61158-6-10 §4.2 (FrameID ranges; the APDU status ending every
//! cyclic frame: cycle counter, data status, transfer status) and §5.2.4
//! (acyclic real-time alarms: the RTA-PDU header, the AlarmNotification
//! block with its AlarmType, API, slot and subslot).
//!
//! Operations (protocol `profinet_io`, function code below, `unit` the FrameID):
//! * cyclic data (RT_CLASS_1/2 and RT_CLASS_3; the reserved 0x1000-0x7FFF
//!   produce nothing): `rt_cyclic_data` /
//!   `irt_cyclic_data`, read, direction unknown (each side provides data to
//!   the other); a provider in STOP (data status bit 4 clear: the controller's
//!   program stopped, or the device's application) is `rt_cyclic_provider_stop`;
//!   the cycle counter goes to the analyzer, which reports each provider's
//!   cycle time (`analyzer::publishers`);
//! * alarm notifications, sent by the IO device: `alarm_<type>` (diagnosis,
//!   process, pull, plug, …), diagnostic, direction response (the device is
//!   the server of the alarm relationship), with the slot and subslot as a range;
//!   the controller's application-level acknowledgement of one (an
//!   AlarmAck block) `alarm_ack`, session, direction request; the RTA
//!   protocol's own acknowledgements, which both sides send, `rta_ack`, and
//!   its errors `rta_error`, other, direction unknown;
//! * PTCP: `ptcp_sync`, `ptcp_announce`, `ptcp_follow_up`, `ptcp_delay`, session.

use crate::dissect::common::{PResult, Reader, new_op};
use crate::dissect::{DissectOutput, PayloadContext, PublisherCounter};
use crate::operation::{AddressRange, Direction, OperationClass, Protocol};
use std::borrow::Cow;

/// Function codes: the first FrameID of each range, or of its meaning.
pub const PTCP_SYNC: u32 = 0x0000;
pub const IRT_CYCLIC: u32 = 0x0100;
pub const RT_CYCLIC: u32 = 0x8000;
/// Not a FrameID: RT cyclic data whose provider is in STOP.
pub const RT_CYCLIC_STOP: u32 = 0x8001;
pub const ALARM: u32 = 0xFC01;
pub const ALARM_ACK: u32 = 0xFC02;
pub const RTA_ACK_CODE: u32 = 0xFC03;
pub const PTCP_ANNOUNCE: u32 = 0xFF00;
pub const PTCP_FOLLOW_UP: u32 = 0xFF20;
pub const PTCP_DELAY: u32 = 0xFF40;

/// What a FrameID says the frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    PtcpSync,
    IrtCyclic,
    RtCyclic,
    Alarm,
    PtcpAnnounce,
    PtcpFollowUp,
    PtcpDelay,
    /// DCP, fragments and reserved ranges.
    Other,
}

pub fn frame_kind(id: u16) -> FrameKind {
    match id {
        0x0000..=0x00FF => FrameKind::PtcpSync,
        // 0x1000-0x7FFF are reserved.
        0x0100..=0x0FFF => FrameKind::IrtCyclic,
        0x8000..=0xFBFF => FrameKind::RtCyclic,
        0xFC01 | 0xFE01 => FrameKind::Alarm,
        0xFF00..=0xFF1F => FrameKind::PtcpAnnounce,
        0xFF20..=0xFF3F => FrameKind::PtcpFollowUp,
        0xFF40..=0xFF43 => FrameKind::PtcpDelay,
        _ => FrameKind::Other,
    }
}

/// Data status bit: the provider (its application) is in RUN.
const PROVIDER_RUN: u8 = 0x10;
/// RTA-PDU types (low nibble of PDUType).
const RTA_DATA: u8 = 1;
const RTA_ACK: u8 = 3;
const RTA_ERR: u8 = 4;
/// AlarmNotification-PDU block types (high and low priority).
const BLOCK_ALARM_HIGH: u16 = 0x0001;
const BLOCK_ALARM_LOW: u16 = 0x0002;
/// AlarmAck-PDU block types: the controller acknowledges a notification.
const BLOCK_ALARM_ACK_HIGH: u16 = 0x8001;
const BLOCK_ALARM_ACK_LOW: u16 = 0x8002;

/// AlarmType names (IEC 61158-6-10 table "AlarmType").
pub fn alarm_name(alarm_type: u16) -> Option<&'static str> {
    Some(match alarm_type {
        0x0001 => "alarm_diagnosis",
        0x0002 => "alarm_process",
        0x0003 => "alarm_pull",
        0x0004 => "alarm_plug",
        0x0005 => "alarm_status",
        0x0006 => "alarm_update",
        0x0007 => "alarm_redundancy",
        0x0008 => "alarm_controlled_by_supervisor",
        0x0009 => "alarm_released",
        0x000A => "alarm_plug_wrong_submodule",
        0x000B => "alarm_return_of_submodule",
        0x000C => "alarm_diagnosis_disappears",
        0x000D => "alarm_multicast_mismatch",
        0x000E => "alarm_port_data_change",
        0x000F => "alarm_sync_data_changed",
        0x0010 => "alarm_isochronous_mode_problem",
        0x0011 => "alarm_network_component_problem",
        0x0012 => "alarm_time_data_changed",
        0x0013 => "alarm_dynamic_frame_packing_problem",
        0x0014 => "alarm_mrpd_problem",
        0x0016 => "alarm_multiple_interface_mismatch",
        0x001E => "alarm_upload_and_retrieval",
        0x001F => "alarm_pull_module",
        _ => return None,
    })
}

/// One alarm-channel frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rta {
    /// An AlarmNotification: type, slot, subslot.
    Notification {
        alarm_type: u16,
        slot: u16,
        subslot: u16,
    },
    /// The controller's acknowledgement of a notification.
    AlarmAck,
    /// A DATA frame without a notification block (a fragment, another block).
    Data,
    Ack,
    Error,
    /// NACK and reserved types.
    Other,
}

/// Parses an alarm frame after its FrameID: the RTA-PDU header, then the
/// notification block of a DATA frame.
pub fn parse_rta(after_frame_id: &[u8]) -> PResult<Rta> {
    let mut r = Reader::new("profinet_io.rta", after_frame_id);
    r.skip(4, "alarm_endpoints")?;
    let pdu_type = r.u8("pdu_type")? & 0x0F;
    r.skip(5, "add_flags_sequence_numbers")?;
    let var_len = usize::from(r.be16("var_part_len")?);
    let var = r.take(var_len, "var_part")?;
    Ok(match pdu_type {
        RTA_DATA => {
            let mut b = Reader::new("profinet_io.alarm", var);
            if var.is_empty() {
                return Ok(Rta::Data);
            }
            let block_type = b.be16("block_type")?;
            if block_type == BLOCK_ALARM_ACK_HIGH || block_type == BLOCK_ALARM_ACK_LOW {
                return Ok(Rta::AlarmAck);
            }
            if block_type != BLOCK_ALARM_HIGH && block_type != BLOCK_ALARM_LOW {
                return Ok(Rta::Data);
            }
            // BlockLength, BlockVersion, then AlarmType, API, slot, subslot.
            b.skip(4, "block_header")?;
            let alarm_type = b.be16("alarm_type")?;
            b.skip(4, "api")?;
            let slot = b.be16("slot")?;
            let subslot = b.be16("subslot")?;
            Rta::Notification {
                alarm_type,
                slot,
                subslot,
            }
        }
        RTA_ACK => Rta::Ack,
        RTA_ERR => Rta::Error,
        _ => Rta::Other,
    })
}

/// Cyclic data's FrameID and cycle counter (the APDU status's first two
/// bytes), for the analyzer to follow; none for other frames.
pub fn publisher_counter(data: &[u8]) -> Option<PublisherCounter> {
    let id = u16::from_be_bytes(*data.first_chunk::<2>()?);
    if !matches!(frame_kind(id), FrameKind::RtCyclic | FrameKind::IrtCyclic) || data.len() < 2 + 4 {
        return None;
    }
    let status = &data[data.len() - 4..];
    Some(PublisherCounter::ProfinetCycle {
        frame_id: id,
        cycle_counter: u16::from_be_bytes([status[0], status[1]]),
    })
}

/// A real-time frame that is not DCP (the caller checked the FrameID).
pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    let Some(&[hi, lo]) = data.first_chunk::<2>() else {
        return data.len();
    };
    let id = u16::from_be_bytes([hi, lo]);
    let op = |code: u32, name: &'static str, class, direction| {
        let mut op = new_op(
            Protocol::ProfinetIo,
            direction,
            code,
            Cow::Borrowed(name),
            class,
        );
        op.unit = Some(u32::from(id));
        op
    };
    use OperationClass::*;
    let session = |code, name| op(code, name, Session, Direction::Unknown);
    match frame_kind(id) {
        FrameKind::RtCyclic | FrameKind::IrtCyclic => {
            // C_SDU, then the APDU status: cycle counter (2), data status,
            // transfer status.
            if data.len() < 2 + 4 {
                out.malformed += 1;
                return data.len();
            }
            let status = data[data.len() - 2];
            let irt = frame_kind(id) == FrameKind::IrtCyclic;
            let (code, name) = match (status & PROVIDER_RUN != 0, irt) {
                (false, _) => (RT_CYCLIC_STOP, "rt_cyclic_provider_stop"),
                (true, true) => (IRT_CYCLIC, "irt_cyclic_data"),
                (true, false) => (RT_CYCLIC, "rt_cyclic_data"),
            };
            out.operations
                .push(op(code, name, Read, Direction::Unknown));
        }
        FrameKind::Alarm => match parse_rta(&data[2..]) {
            Ok(Rta::Notification {
                alarm_type,
                slot,
                subslot,
            }) => {
                let name = alarm_name(alarm_type).unwrap_or("alarm_other");
                let mut o = op(
                    ALARM | u32::from(alarm_type) << 16,
                    name,
                    Diagnostic,
                    Direction::Response,
                );
                o.ranges.push(AddressRange {
                    space: Cow::Owned(format!("slot_{slot}")),
                    start: u32::from(subslot),
                    count: 1,
                });
                out.operations.push(o);
            }
            Ok(Rta::AlarmAck) => {
                out.operations
                    .push(op(ALARM_ACK, "alarm_ack", Session, Direction::Request))
            }
            Ok(Rta::Data) => {
                out.operations
                    .push(op(ALARM, "alarm_data", Other, Direction::Unknown))
            }
            Ok(Rta::Ack) => {
                out.operations
                    .push(op(RTA_ACK_CODE, "rta_ack", Other, Direction::Unknown))
            }
            Ok(Rta::Error) => {
                let mut o = op(RTA_ACK_CODE, "rta_error", Other, Direction::Unknown);
                o.error_code = Some(1);
                out.operations.push(o);
            }
            Ok(Rta::Other) => {}
            Err(_) => out.malformed += 1,
        },
        FrameKind::PtcpSync => out.operations.push(session(PTCP_SYNC, "ptcp_sync")),
        FrameKind::PtcpAnnounce => out.operations.push(session(PTCP_ANNOUNCE, "ptcp_announce")),
        FrameKind::PtcpFollowUp => out
            .operations
            .push(session(PTCP_FOLLOW_UP, "ptcp_follow_up")),
        FrameKind::PtcpDelay => out.operations.push(session(PTCP_DELAY, "ptcp_delay")),
        FrameKind::Other => {}
    }
    data.len()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn run(data: &[u8]) -> DissectOutput {
        let ctx = PayloadContext::ethernet(super::super::ETHERTYPE);
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, data, &mut out), data.len());
        out
    }

    /// Cyclic frame 0x8001 with 40 bytes of I/O data and this data status.
    pub fn cyclic(frame_id: u16, data_status: u8) -> Vec<u8> {
        let mut f = frame_id.to_be_bytes().to_vec();
        f.extend_from_slice(&[0x80; 40]);
        f.extend_from_slice(&[0x12, 0x34, data_status, 0x00]);
        f
    }

    /// A high-priority alarm DATA frame: a pull alarm for slot 2, subslot 1.
    pub fn pull_alarm() -> Vec<u8> {
        let mut block = Vec::new();
        block.extend_from_slice(&BLOCK_ALARM_HIGH.to_be_bytes());
        block.extend_from_slice(&[0x00, 0x1C, 0x01, 0x00]); // length, version 1.0
        block.extend_from_slice(&0x0003u16.to_be_bytes()); // pull
        block.extend_from_slice(&0u32.to_be_bytes()); // API
        block.extend_from_slice(&2u16.to_be_bytes());
        block.extend_from_slice(&1u16.to_be_bytes());
        block.extend_from_slice(&[0; 12]); // module/submodule ident, specifier
        let mut f = vec![0xFC, 0x01, 0x00, 0x01, 0x00, 0x02, 0x11, 0x00];
        f.extend_from_slice(&[0x00, 0x01, 0xFF, 0xFF]); // send / ack sequence numbers
        f.extend_from_slice(&(block.len() as u16).to_be_bytes());
        f.extend_from_slice(&block);
        f
    }

    #[test]
    fn cyclic_data_and_a_stopped_provider() {
        let run_op = |f: &[u8]| {
            let out = run(f);
            let o = &out.operations[0];
            (
                o.function_code,
                o.name.to_string(),
                o.class,
                o.direction,
                o.unit,
            )
        };
        assert_eq!(
            run_op(&cyclic(0x8001, 0x35)),
            (
                RT_CYCLIC,
                "rt_cyclic_data".into(),
                OperationClass::Read,
                Direction::Unknown,
                Some(0x8001)
            )
        );
        assert_eq!(
            publisher_counter(&cyclic(0x8001, 0x35)),
            Some(PublisherCounter::ProfinetCycle {
                frame_id: 0x8001,
                cycle_counter: 0x1234
            })
        );
        assert_eq!(publisher_counter(&cyclic(0x2000, 0x35)), None);
        assert_eq!(publisher_counter(&[0x80, 0x01, 0x00]), None);
        assert_eq!(run_op(&cyclic(0x8001, 0x25)).1, "rt_cyclic_provider_stop");
        assert_eq!(run_op(&cyclic(0x0100, 0x35)).1, "irt_cyclic_data");
        // A reserved range produces nothing.
        assert!(run(&cyclic(0x2000, 0x35)).operations.is_empty());
        // Too short for an APDU status.
        assert_eq!(run(&[0x80, 0x01, 0x00]).malformed, 1);
    }

    #[test]
    fn alarms_and_their_acknowledgement() {
        let out = run(&pull_alarm());
        let o = &out.operations[0];
        assert_eq!(
            (o.name.as_ref(), o.class, o.direction, o.function_code),
            (
                "alarm_pull",
                OperationClass::Diagnostic,
                Direction::Response,
                0x0003_FC01
            )
        );
        assert_eq!(
            (o.ranges[0].space.as_ref(), o.ranges[0].start),
            ("slot_2", 1)
        );
        // The RTA's own acknowledgement, which either side sends.
        let mut ack = pull_alarm()[..14].to_vec();
        ack[6] = 0x13; // ACK
        ack[12..14].copy_from_slice(&[0, 0]);
        let o = &run(&ack).operations[0];
        assert_eq!(
            (o.name.as_ref(), o.class, o.direction),
            ("rta_ack", OperationClass::Other, Direction::Unknown)
        );
        // The controller's AlarmAck block.
        let mut alarm_ack = pull_alarm();
        alarm_ack[14..16].copy_from_slice(&0x8001u16.to_be_bytes());
        let o = &run(&alarm_ack).operations[0];
        assert_eq!(
            (o.name.as_ref(), o.class, o.direction),
            ("alarm_ack", OperationClass::Session, Direction::Request)
        );
        // Every cut of the alarm is counted, never a panic.
        let f = pull_alarm();
        for n in 2..f.len() {
            let out = run(&f[..n]);
            assert_eq!((out.operations.len(), out.malformed), (0, 1), "cut at {n}");
        }
    }

    #[test]
    fn ptcp_and_other_ranges() {
        let name = |id: u16| {
            let mut f = id.to_be_bytes().to_vec();
            f.extend_from_slice(&[0; 40]);
            run(&f).operations.first().map(|o| o.name.to_string())
        };
        assert_eq!(name(0x0080).as_deref(), Some("ptcp_sync"));
        assert_eq!(name(0xFF00).as_deref(), Some("ptcp_announce"));
        assert_eq!(name(0xFF20).as_deref(), Some("ptcp_follow_up"));
        assert_eq!(name(0xFF41).as_deref(), Some("ptcp_delay"));
        assert_eq!(name(0xFF80), None); // fragments
    }
}
