//! PROFINET IO context management over connectionless DCE/RPC (UDP 34964):
//! the IO controller connects to a device, writes and reads its records,
//! signals the end of parameterisation, and releases the connection.
//!
//! Spec: IEC 61158-6-10 §5.3 (the PNIO interfaces and their operations,
//! the NDR argument header, PNIOStatus, ARBlockReq, IODReadReqHeader and
//! IODWriteReqHeader) over the Open Group's DCE 1.1 RPC connectionless
//! protocol (chapter 12: the 80-byte header, byte order from the data
//! representation label).
//!
//! One operation per request or response whose first fragment is seen
//! (later fragments add nothing): `connect`, `release`, `read`, `write`,
//! `control` (the controller's end of parameterisation) and `read_implicit`
//! on the device interface; a device's request on the controller interface
//! (its ApplicationReady) is `application_ready`, class other, so that only
//! the controller's side of the exchange carries session and write classes.
//! A response's non-zero PNIOStatus is the `error_code`. The connect request
//! names the controller (`CMInitiatorStationName`, identity `station_name`);
//! a read or write names the record index, with slot and subslot, as a range.

use crate::dissect::common::{PResult, Reader, malformed, new_op, text};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

pub const PORT: u16 = 34964;
const HEADER_LEN: usize = 80;
const LAYER: &str = "profinet_io.rpc";

/// The PNIO interfaces (DEA0000x-6C97-11D1-8271-00A02442DF7D): device,
/// controller, supervisor, parameter server. Only the first field differs.
const PNIO_UUID_TAIL: [u8; 12] = [
    0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D,
];

/// The interface a device calls back on (ApplicationReady).
const INTERFACE_CONTROLLER: u8 = 2;

const PTYPE_REQUEST: u8 = 0;
const PTYPE_RESPONSE: u8 = 2;
const PTYPE_FAULT: u8 = 3;
const PTYPE_REJECT: u8 = 6;

const BLOCK_AR_REQ: u16 = 0x0101;
const BLOCK_IOD_WRITE_REQ: u16 = 0x0008;
const BLOCK_IOD_READ_REQ: u16 = 0x0009;

/// Name and class of a PNIO operation number. Connect, release and the
/// parameterisation-end control are how every controller starts and stops
/// its cyclic exchange: session, not control of the process.
pub fn opnum_name_class(opnum: u16) -> Option<(&'static str, OperationClass)> {
    use OperationClass::*;
    Some(match opnum {
        0 => ("connect", Session),
        1 => ("release", Session),
        2 => ("read", Read),
        3 => ("write", Write),
        4 => ("control", Session),
        5 => ("read_implicit", Read),
        _ => return None,
    })
}

/// What a PNIO RPC datagram says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PnioRpc<'a> {
    pub ptype: u8,
    /// Which PNIO interface: 1 device, 2 controller, 3 supervisor, 4 parameter server.
    pub interface: u8,
    pub opnum: u16,
    pub fragment: u16,
    /// The NDR body (the PNIO arguments), empty for later fragments.
    pub body: &'a [u8],
    pub little_endian: bool,
}

/// Reads the connectionless header; `None` for RPC to other interfaces
/// (the endpoint mapper, …), which the port also carries.
pub fn parse_rpc(data: &[u8]) -> PResult<Option<PnioRpc<'_>>> {
    let mut r = Reader::new(LAYER, data);
    if r.u8("rpc_vers")? != 4 {
        return Err(malformed(LAYER, "rpc_vers", "not connectionless DCE/RPC 4"));
    }
    let ptype = r.u8("ptype")? & 0x1F;
    r.skip(2, "flags")?;
    let drep = r.take(3, "drep")?;
    let little_endian = drep[0] & 0x10 != 0;
    r.skip(1, "serial_hi")?;
    r.skip(16, "object_uuid")?;
    let interface = r.take(16, "interface_uuid")?;
    r.skip(16 + 4 + 4 + 4, "activity_boot_version_sequence")?;
    let u16_at = |b: &[u8]| {
        if little_endian {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        }
    };
    let opnum = u16_at(r.take(2, "opnum")?);
    r.skip(4, "hints")?;
    let body_len = usize::from(u16_at(r.take(2, "fragment_length")?));
    let fragment = u16_at(r.take(2, "fragment_number")?);
    r.skip(2, "auth_serial_lo")?;
    debug_assert_eq!(r.position(), HEADER_LEN);
    // The interface UUID's last 12 bytes are a byte array in either order;
    // its first field (4 bytes) follows the data representation.
    let first = if little_endian {
        u32::from_le_bytes([interface[0], interface[1], interface[2], interface[3]])
    } else {
        u32::from_be_bytes([interface[0], interface[1], interface[2], interface[3]])
    };
    let tail_ok = if little_endian {
        // Fields 2 and 3 (2 bytes each) are swapped too.
        interface[4..8] == [0x97, 0x6C, 0xD1, 0x11] && interface[8..] == PNIO_UUID_TAIL[4..]
    } else {
        interface[4..] == PNIO_UUID_TAIL
    };
    if !(0xDEA0_0001..=0xDEA0_0004).contains(&first) || !tail_ok {
        return Ok(None);
    }
    let body = r.take(body_len, "body")?;
    Ok(Some(PnioRpc {
        ptype,
        interface: (first & 0xFF) as u8,
        opnum,
        fragment,
        body: if fragment == 0 { body } else { &[] },
        little_endian,
    }))
}

/// The PNIO blocks of a request: after the NDR header (ArgsMaximum,
/// ArgsLength, MaximumCount, Offset, ActualCount), in network byte order.
fn request_blocks(body: &[u8], little_endian: bool) -> PResult<&[u8]> {
    let mut r = Reader::new(LAYER, body);
    r.skip(4, "args_maximum")?;
    let len = if little_endian {
        r.le32("args_length")?
    } else {
        r.be32("args_length")?
    };
    r.skip(12, "array_header")?;
    r.take(len as usize, "args")
}

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    let rpc = match parse_rpc(data) {
        Ok(Some(rpc)) => rpc,
        Ok(None) => return data.len(),
        Err(_) => {
            out.malformed += 1;
            return data.len();
        }
    };
    if rpc.fragment != 0 {
        return data.len();
    }
    let (name, class) = match (rpc.interface, rpc.opnum) {
        (INTERFACE_CONTROLLER, 4) => ("application_ready", OperationClass::Other),
        (INTERFACE_CONTROLLER, n) => (
            opnum_name_class(n).map_or("unknown_opnum", |(name, _)| name),
            OperationClass::Other,
        ),
        (_, n) => opnum_name_class(n).unwrap_or(("unknown_opnum", OperationClass::Other)),
    };
    let direction = match rpc.ptype {
        PTYPE_REQUEST => Direction::Request,
        PTYPE_RESPONSE | PTYPE_FAULT | PTYPE_REJECT => Direction::Response,
        // Pings, acknowledgements and the like manage the call, not the device.
        _ => return data.len(),
    };
    let mut op = new_op(
        Protocol::ProfinetIo,
        direction,
        u32::from(rpc.opnum),
        Cow::Borrowed(name),
        class,
    );
    let ok = match rpc.ptype {
        PTYPE_REQUEST => request_blocks(rpc.body, rpc.little_endian)
            .and_then(|blocks| request_details(blocks, &mut op, out)),
        PTYPE_RESPONSE => {
            // PNIOStatus: error code, decode, code 1, code 2 (0 = OK).
            match rpc.body.first_chunk::<4>() {
                Some(status) if *status != [0; 4] => {
                    op.error_code = Some(u32::from_be_bytes(*status));
                    Ok(())
                }
                Some(_) => Ok(()),
                None => Err(malformed(LAYER, "pnio_status", "missing")),
            }
        }
        _ => {
            op.error_code = Some(u32::from(rpc.ptype));
            Ok(())
        }
    };
    if ok.is_err() {
        out.malformed += 1;
    }
    out.operations.push(op);
    data.len()
}

fn request_details(
    blocks: &[u8],
    op: &mut crate::operation::Operation,
    out: &mut DissectOutput,
) -> PResult<()> {
    let mut r = Reader::new(LAYER, blocks);
    let block_type = r.be16("block_type")?;
    let block_len = usize::from(r.be16("block_length")?);
    // The length counts from after itself: version (2) and the content.
    let block = r.take(block_len, "block")?;
    let mut b = Reader::new(LAYER, block);
    b.skip(2, "block_version")?;
    match block_type {
        BLOCK_AR_REQ => {
            // ARType, ARUUID, SessionKey, CMInitiatorMacAdd,
            // CMInitiatorObjectUUID, ARProperties, timeout factor, UDP port.
            b.skip(2 + 16 + 2 + 6 + 16 + 4 + 2 + 2, "ar_block")?;
            let len = usize::from(b.be16("station_name_length")?);
            let name = text(b.take(len, "cm_initiator_station_name")?);
            if !name.is_empty() {
                out.identities.push(IdentityObservation {
                    source: Cow::Borrowed("profinet_io"),
                    attribute: Cow::Borrowed("station_name"),
                    value: name,
                });
            }
        }
        BLOCK_IOD_READ_REQ | BLOCK_IOD_WRITE_REQ => {
            // SeqNumber, ARUUID, API, slot, subslot, padding, index.
            b.skip(2 + 16 + 4, "record_header")?;
            let slot = b.be16("slot")?;
            let subslot = b.be16("subslot")?;
            b.skip(2, "padding")?;
            let index = b.be16("index")?;
            op.ranges.push(AddressRange {
                space: Cow::Owned(format!("slot_{slot}/subslot_{subslot:#06x}")),
                start: u32::from(index),
                count: 1,
            });
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dissect::Carrier;

    /// A connectionless RPC datagram to the PNIO device interface, in the
    /// byte order a Siemens controller uses (little endian), with `body`.
    pub fn datagram(ptype: u8, opnum: u16, body: &[u8]) -> Vec<u8> {
        let mut d = vec![4, ptype, 0x20, 0x00, 0x10, 0x00, 0x00, 0x00];
        d.extend_from_slice(&[0x11; 16]); // object UUID
        d.extend_from_slice(&0xDEA0_0001u32.to_le_bytes());
        d.extend_from_slice(&[0x97, 0x6C, 0xD1, 0x11]);
        d.extend_from_slice(&PNIO_UUID_TAIL[4..]);
        d.extend_from_slice(&[0x22; 16]); // activity UUID
        d.extend_from_slice(&[0; 12]); // boot time, interface version, sequence
        d.extend_from_slice(&opnum.to_le_bytes());
        d.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]); // hints
        d.extend_from_slice(&(body.len() as u16).to_le_bytes());
        d.extend_from_slice(&[0, 0, 0, 0]); // fragment 0, auth, serial
        assert_eq!(d.len(), HEADER_LEN);
        d.extend_from_slice(body);
        d
    }

    /// The NDR request header around PNIO blocks.
    pub fn request_body(blocks: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&1024u32.to_le_bytes());
        b.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
        b.extend_from_slice(&1024u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
        b.extend_from_slice(blocks);
        b
    }

    /// An ARBlockReq from the controller "plc-line-1".
    pub fn ar_block(station: &str) -> Vec<u8> {
        let mut content = vec![0x01, 0x00]; // version 1.0
        content.extend_from_slice(&[0x00, 0x01]); // ARType IOCAR single
        content.extend_from_slice(&[0x33; 16]);
        content.extend_from_slice(&[0x00, 0x01]);
        content.extend_from_slice(&[0x00, 0x1b, 0x1b, 0x00, 0x00, 0x01]);
        content.extend_from_slice(&[0x44; 16]);
        content.extend_from_slice(&[0, 0, 0, 0x11, 0x00, 0x64, 0x88, 0x92]);
        content.extend_from_slice(&(station.len() as u16).to_be_bytes());
        content.extend_from_slice(station.as_bytes());
        let mut block = BLOCK_AR_REQ.to_be_bytes().to_vec();
        block.extend_from_slice(&((content.len()) as u16).to_be_bytes());
        block.extend_from_slice(&content);
        block
    }

    /// An IODWriteReqHeader for record `index` of slot 1, subslot 0x8001.
    pub fn write_header(index: u16) -> Vec<u8> {
        let mut content = vec![0x01, 0x00, 0x00, 0x02];
        content.extend_from_slice(&[0x33; 16]);
        content.extend_from_slice(&[0, 0, 0, 0, 0x00, 0x01, 0x80, 0x01, 0, 0]);
        content.extend_from_slice(&index.to_be_bytes());
        content.extend_from_slice(&[0, 0, 0, 4]);
        content.extend_from_slice(&[0; 24]);
        let mut block = BLOCK_IOD_WRITE_REQ.to_be_bytes().to_vec();
        block.extend_from_slice(&(content.len() as u16).to_be_bytes());
        block.extend_from_slice(&content);
        block
    }

    fn run(data: &[u8]) -> DissectOutput {
        let ctx = PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port: 49152,
            dst_port: PORT,
            to_server: true,
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, data, &mut out), data.len());
        out
    }

    #[test]
    fn connect_names_the_controller() {
        let out = run(&datagram(0, 0, &request_body(&ar_block("plc-line-1"))));
        let o = &out.operations[0];
        assert_eq!(
            (o.protocol, o.name.as_ref(), o.class, o.direction),
            (
                Protocol::ProfinetIo,
                "connect",
                OperationClass::Session,
                Direction::Request
            )
        );
        assert_eq!(out.identity_pairs(), vec![("station_name", "plc-line-1")]);
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn a_record_write_and_a_refused_response() {
        let out = run(&datagram(0, 3, &request_body(&write_header(0x8029))));
        let o = &out.operations[0];
        assert_eq!((o.name.as_ref(), o.class), ("write", OperationClass::Write));
        assert_eq!(
            (o.ranges[0].space.as_ref(), o.ranges[0].start),
            ("slot_1/subslot_0x8001", 0x8029)
        );
        // PNIOStatus DE 80 B0 00: write error, access denied.
        let out = run(&datagram(2, 3, &[0xDE, 0x80, 0xB0, 0x00, 0, 0, 0, 0]));
        let o = &out.operations[0];
        assert_eq!(
            (o.direction, o.error_code),
            (Direction::Response, Some(0xDE80_B000))
        );
    }

    #[test]
    fn a_devices_application_ready_is_not_a_controllers_session() {
        let mut ready = datagram(0, 4, &request_body(&[]));
        ready[24] = 0x02; // DEA00002: the controller interface (little endian)
        let o = &run(&ready).operations[0];
        assert_eq!(
            (o.name.as_ref(), o.class),
            ("application_ready", OperationClass::Other)
        );
        let prm_end = datagram(0, 4, &request_body(&[]));
        let o = &run(&prm_end).operations[0];
        assert_eq!(
            (o.name.as_ref(), o.class),
            ("control", OperationClass::Session)
        );
    }

    #[test]
    fn other_interfaces_later_fragments_and_cuts() {
        // The endpoint mapper on the same port: not PNIO, nothing reported.
        let mut epm = datagram(0, 2, &[]);
        epm[24] = 0x08;
        assert!(run(&epm).operations.is_empty());
        // A second fragment adds nothing.
        let mut second = datagram(0, 3, &[0; 8]);
        second[76] = 1;
        assert!(run(&second).operations.is_empty());
        // Cuts are counted, never a panic.
        let f = datagram(0, 0, &request_body(&ar_block("plc")));
        for n in 1..f.len() {
            let out = run(&f[..n]);
            assert_eq!(out.malformed, 1, "cut at {n}");
        }
    }
}
