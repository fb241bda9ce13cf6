//! IEEE C37.118 synchrophasor frames on TCP/UDP 4712 and UDP 4713.
//!
//! Spec: IEEE C37.118.2-2011 §6 (common frame header: SYNC 0xAA with frame type
//! and version, FRAMESIZE, IDCODE, SOC, FRACSEC, CHK = CRC-CCITT), §6.4 command
//! frames, §6.2 CFG-1/CFG-2 and §6.4 CFG-3 configuration frames.
//! One operation per frame: function code = frame type (0 data, 1 header,
//! 2 CFG-1, 3 CFG-2, 5 CFG-3), command frames `0x10000 | CMD`. IDCODE → `unit`.
//! Commands are requests (sent by the data collector), every other frame a
//! response from the data source. Data frames are counted as cyclic reads
//! without decoding the phasors. Configuration frames name each PMU (STN) with
//! its IDCODE → identities. A frame whose CHK does not match is kept and counted
//! as malformed.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{Direction, IdentityObservation, Protocol};
use std::borrow::Cow;

pub const PORT: u16 = 4712;
pub const UDP_DATA_PORT: u16 = 4713;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let tcp = ctx.carrier == Carrier::TcpStream;
    let mut pos = 0;
    while pos < data.len() {
        match parse_frame(&data[pos..]) {
            Ok(f) => {
                dissect_frame(&f, out);
                pos += f.size;
            }
            Err(e) if e.is_incomplete() && tcp => break,
            Err(_) => {
                // Broken framing (or a datagram cut short): counted once, rest dropped.
                out.malformed += 1;
                return data.len();
            }
        }
    }
    if tcp { pos } else { data.len() }
}

fn dissect_frame(f: &Frame<'_>, out: &mut DissectOutput) {
    let ft = FrameType(f.frame_type);
    let mut ok = f.crc_ok;
    let mut op = if ft == FrameType::COMMAND {
        let cmd = parse_command(f.body);
        ok &= cmd.is_ok();
        let cmd = cmd.unwrap_or(0);
        let (name, class) = command_name_class(cmd);
        let code = COMMAND_BASE | u32::from(cmd);
        new_op(
            Protocol::C37118,
            Direction::Request,
            code,
            code_name(name, code),
            class,
        )
    } else {
        let (name, class) = ft.name_class();
        let code = u32::from(f.frame_type);
        new_op(
            Protocol::C37118,
            Direction::Response,
            code,
            code_name(name, code),
            class,
        )
    };
    op.unit = Some(u32::from(f.idcode));
    let mut station = |stn: &[u8], idcode: u16| {
        let name = text(stn);
        if !name.is_empty() {
            out.identities.push(IdentityObservation {
                source: Cow::Borrowed("c37118_config"),
                attribute: Cow::Borrowed("station_name"),
                value: name,
            });
        }
        out.identities.push(IdentityObservation {
            source: Cow::Borrowed("c37118_config"),
            attribute: Cow::Borrowed("pmu_idcode"),
            value: idcode.to_string(),
        });
    };
    match ft {
        FrameType::CONFIG1 | FrameType::CONFIG2 => ok &= parse_config12(f.body, station).is_ok(),
        FrameType::CONFIG3 => match parse_config3_first(f.body) {
            Ok(Some((stn, idcode))) => station(stn, idcode),
            Ok(None) => {}
            Err(_) => ok = false,
        },
        _ => {}
    }
    if !ok {
        out.malformed += 1;
    }
    out.operations.push(op);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::OperationClass;

    /// A frame of `frame_type` from PMU `idcode` with a correct CHK.
    fn frame(frame_type: u8, idcode: u16, body: &[u8]) -> Vec<u8> {
        let size = (MIN_FRAME + body.len()) as u16;
        let mut f = vec![SYNC, (frame_type << 4) | 1];
        f.extend_from_slice(&size.to_be_bytes());
        f.extend_from_slice(&idcode.to_be_bytes());
        f.extend_from_slice(&0x4893_344Au32.to_be_bytes());
        f.extend_from_slice(&0x0019_999Au32.to_be_bytes());
        f.extend_from_slice(body);
        let chk = crc_ccitt(&f);
        f.extend_from_slice(&chk.to_be_bytes());
        f
    }

    /// CFG-2 body: one PMU with `phnmr` phasors.
    fn config2(stn: &[u8; 16], idcode: u16, phnmr: u16) -> Vec<u8> {
        let mut b = 0x00FF_FFFFu32.to_be_bytes().to_vec();
        b.extend_from_slice(&1u16.to_be_bytes());
        b.extend_from_slice(stn);
        b.extend_from_slice(&idcode.to_be_bytes());
        b.extend_from_slice(&6u16.to_be_bytes());
        b.extend_from_slice(&phnmr.to_be_bytes());
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend(std::iter::repeat_n(b'V', 16 * phnmr as usize));
        b.extend(std::iter::repeat_n(0, 4 * phnmr as usize));
        b.extend_from_slice(&[0, 1, 0, 1, 0, 30]); // FNOM, CFGCNT, DATA_RATE
        b
    }

    fn ctx(carrier: Carrier, to_server: bool) -> PayloadContext {
        PayloadContext {
            carrier,
            src_port: if to_server { 40000 } else { PORT },
            dst_port: if to_server { PORT } else { 40000 },
            to_server,
        }
    }

    fn run(data: &[u8]) -> DissectOutput {
        let mut out = DissectOutput::default();
        assert_eq!(
            dissect(&ctx(Carrier::TcpStream, true), data, &mut out),
            data.len()
        );
        out
    }

    #[test]
    fn every_command_is_named_and_classed() {
        use OperationClass::*;
        let cases = [
            (1, "turn_off_transmission", Control),
            (2, "turn_on_transmission", Control),
            (3, "send_header", Discovery),
            (4, "send_config1", Discovery),
            (5, "send_config2", Discovery),
            (6, "send_config3", Discovery),
            (8, "extended_frame", Other),
            (0x100, "unknown_0x10100", Other),
        ];
        for (cmd, name, class) in cases {
            let out = run(&frame(4, 241, &u16::to_be_bytes(cmd)));
            let op = &out.operations[0];
            assert_eq!(
                (
                    op.function_code,
                    op.name.as_ref(),
                    op.class,
                    op.direction,
                    op.unit
                ),
                (
                    COMMAND_BASE | u32::from(cmd),
                    name,
                    class,
                    Direction::Request,
                    Some(241)
                )
            );
            assert_eq!(out.malformed, 0);
        }
    }

    #[test]
    fn data_header_and_config_frames() {
        let stream = [
            frame(0, 7, &[0; 20]),
            frame(1, 7, b"PMU header text"),
            frame(3, 7, &config2(b"Blue PMU        ", 7, 2)),
            frame(2, 7, &config2(b"Red PMU\0\0\0\0\0\0\0\0\0", 8, 0)),
        ]
        .concat();
        let out = run(&stream);
        let ops: Vec<_> = out
            .operations
            .iter()
            .map(|o| (o.function_code, o.name.as_ref(), o.class, o.direction))
            .collect();
        use Direction::Response;
        use OperationClass::*;
        assert_eq!(
            ops,
            vec![
                (0, "data_frame", Read, Response),
                (1, "header_frame", Discovery, Response),
                (3, "config2_frame", Discovery, Response),
                (2, "config1_frame", Discovery, Response),
            ]
        );
        let ids = out.identity_pairs();
        assert_eq!(
            ids,
            vec![
                ("station_name", "Blue PMU"),
                ("pmu_idcode", "7"),
                ("station_name", "Red PMU"),
                ("pmu_idcode", "8"),
            ]
        );
        assert_eq!(out.malformed, 0);
    }

    #[test]
    fn config3_names_its_first_pmu() {
        let mut b = vec![0, 0]; // CONT_IDX
        b.extend_from_slice(&0x00FF_FFFFu32.to_be_bytes());
        b.extend_from_slice(&[0, 1, 4]);
        b.extend_from_slice(b"PMU3");
        b.extend_from_slice(&[0x01, 0x00]);
        b.extend_from_slice(&[0; 16]); // G_PMU_ID, not read
        let out = run(&frame(5, 256, &b));
        assert_eq!(out.operations[0].name, "config3_frame");
        assert_eq!(out.identities[0].value, "PMU3");
        assert_eq!(out.identities[1].value, "256");
    }

    #[test]
    fn truncated_and_malformed_frames() {
        let cmd = frame(4, 1, &[0, 2]);
        // A partial frame on TCP waits.
        for n in 0..cmd.len() {
            let mut out = DissectOutput::default();
            assert_eq!(
                dissect(&ctx(Carrier::TcpStream, true), &cmd[..n], &mut out),
                0
            );
            assert_eq!((out.operations.len(), out.malformed), (0, 0));
        }
        // The same cut datagram is malformed.
        let mut out = DissectOutput::default();
        dissect(&ctx(Carrier::UdpDatagram, true), &cmd[..10], &mut out);
        assert_eq!((out.operations.len(), out.malformed), (0, 1));
        // Wrong CHK: kept and counted.
        let mut bad = cmd.clone();
        bad[17] ^= 0xFF;
        let out = run(&bad);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // A command frame without its CMD word: kept and counted.
        let out = run(&frame(4, 1, &[]));
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // A configuration frame whose PMU block runs past the frame.
        let mut cfg = config2(b"Blue PMU        ", 7, 4);
        cfg.truncate(40);
        let out = run(&frame(3, 7, &cfg));
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // Garbage and a too-small FRAMESIZE break framing: counted once.
        for g in [&b"GET / HTTP/1.1"[..], &[0xAA, 0x41, 0x00, 0x05, 0, 0]] {
            let out = run(g);
            assert_eq!((out.operations.len(), out.malformed), (0, 1));
        }
        // UDP: two frames in one datagram are both used.
        let two = [cmd.clone(), frame(0, 1, &[0; 8])].concat();
        let mut out = DissectOutput::default();
        dissect(&ctx(Carrier::UdpDatagram, false), &two, &mut out);
        assert_eq!((out.operations.len(), out.malformed), (2, 0));
    }
}
