//! Mitsubishi MELSEC: SLMP / MC protocol 3E and 4E binary frames, and MELSOFT
//! (GX Works engineering) sessions.
//!
//! Spec: Mitsubishi "SLMP Reference Manual" (SH-080956) and "MELSEC Communication
//! Protocol Reference Manual" (SH-080008). MC/SLMP has no fixed port (5000-5010,
//! 5562 and user choices are common), so flows are found by their subheader
//! (0x5000 / 0xD000 / 0x5400 / 0xD400) and a consistent length.
//!
//! Requests carry command and subcommand; responses carry only an end code (the
//! command is known only to the request), so responses are reported as
//! `response` with function code 0. MELSOFT has no public spec: frames are
//! delimited by the 21-byte header's length field and reported as session
//! operations with function code `0x10000 | command`.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, OperationClass, Protocol};
use std::borrow::Cow;

/// MELSOFT ports (GX Works): TCP 5007, UDP 5006.
pub const MELSOFT_TCP_PORT: u16 = 5007;
pub const MELSOFT_UDP_PORT: u16 = 5006;

/// Whether a first payload is an SLMP 3E/4E binary frame with a consistent length.
pub fn looks_like_slmp(b: &[u8]) -> bool {
    let Some(k) = b.get(..2).and_then(|s| kind([s[0], s[1]])) else {
        return false;
    };
    let len_at = if matches!(k, Kind::Request4E | Kind::Response4E) {
        11
    } else {
        7
    };
    let Some(len) = crate::dissect::common::le16_at(b, len_at) else {
        return false;
    };
    let min = if matches!(k, Kind::Request3E | Kind::Request4E) {
        6
    } else {
        2
    };
    let total = len_at + 2 + len as usize;
    // The first segment holds exactly one frame, or one frame followed by another.
    len as usize >= min
        && (total == b.len()
            || b.get(total..total + 2)
                .and_then(|s| kind([s[0], s[1]]))
                .is_some())
}

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let tcp = ctx.carrier == Carrier::TcpStream;
    let mut pos = 0;
    while pos < data.len() {
        let rest = &data[pos..];
        let melsoft = looks_like_melsoft(rest)
            || (rest.len() < MELSOFT_HEADER && rest.first().is_some_and(|b| b & 0x7F == 0x57));
        let step = if melsoft {
            parse_melsoft(rest).map(|m| dissect_melsoft(&m, out))
        } else {
            parse_frame(rest).map(|f| dissect_slmp(&f, out))
        };
        match step {
            Ok(n) => pos += n,
            Err(e) if e.is_incomplete() && tcp => break,
            Err(_) => {
                out.malformed += 1;
                return data.len();
            }
        }
    }
    pos
}

fn dissect_melsoft(m: &Melsoft, out: &mut DissectOutput) -> usize {
    let code = MELSOFT_BASE | m.command.unwrap_or(0) as u32;
    let (dir, name) = if m.request {
        (Direction::Request, "melsoft_request")
    } else {
        (Direction::Response, "melsoft_response")
    };
    out.operations.push(new_op(
        Protocol::Melsec,
        dir,
        code,
        Cow::Borrowed(name),
        OperationClass::Session,
    ));
    m.total_len
}

fn dissect_slmp(f: &Frame<'_>, out: &mut DissectOutput) -> usize {
    let unit = Some(f.station as u32);
    match f.command {
        Some((cmd, sub)) => {
            let c = Command(cmd);
            let (name, class) = c.name_class();
            let mut op = new_op(
                Protocol::Melsec,
                Direction::Request,
                cmd as u32,
                code_name(name, cmd as u32),
                class,
            );
            op.unit = unit;
            if matches!(c, Command::BATCH_READ | Command::BATCH_WRITE) {
                match parse_device_block(sub, f.data) {
                    Ok((number, code, points)) => {
                        let space = match device_name(code) {
                            Some(n) => Cow::Borrowed(n),
                            None => Cow::Owned(format!("device_0x{code:02x}")),
                        };
                        op.ranges.push(AddressRange {
                            space,
                            start: number,
                            count: points as u32,
                        });
                    }
                    Err(_) => out.malformed += 1,
                }
            }
            out.operations.push(op);
        }
        None => {
            let mut op = new_op(
                Protocol::Melsec,
                Direction::Response,
                0,
                Cow::Borrowed("response"),
                OperationClass::Other,
            );
            op.unit = unit;
            let end = f.end_code.unwrap_or(0);
            if end != 0 {
                op.error_code = Some(end as u32);
            } else if f.data.len() == 18 && is_model_name(&f.data[..16]) {
                // Read CPU model response: 16 ASCII characters and a model code.
                out.identities.push(IdentityObservation {
                    source: Cow::Borrowed("melsec_read_cpu_model"),
                    attribute: Cow::Borrowed("model"),
                    value: text(&f.data[..16]),
                });
            }
            out.operations.push(op);
        }
    }
    f.total_len
}

fn is_model_name(b: &[u8]) -> bool {
    b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b' ' || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 40000,
            dst_port: 5000,
            to_server: true,
        }
    }

    #[test]
    fn slmp_batch_read_and_detection() {
        let b = parser::tests::BATCH_READ_D100;
        assert!(looks_like_slmp(&b));
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        let op = &out.operations[0];
        assert_eq!(op.name, "batch_read");
        assert_eq!(
            op.ranges[0],
            AddressRange {
                space: Cow::Borrowed("D"),
                start: 100,
                count: 10
            }
        );
    }

    #[test]
    fn remote_stop_is_control_and_cpu_model_is_identity() {
        let stop = [
            0x50, 0x00, 0x00, 0xFF, 0xFF, 0x03, 0x00, 0x08, 0x00, 0x10, 0x00, 0x02, 0x10, 0x00,
            0x00, 0x01, 0x00,
        ];
        let mut model = vec![
            0xD0, 0x00, 0x00, 0xFF, 0xFF, 0x03, 0x00, 0x14, 0x00, 0x00, 0x00,
        ];
        model.extend_from_slice(b"Q03UDVCPU       ");
        model.extend_from_slice(&[0x66, 0x03]);
        let mut out = DissectOutput::default();
        dissect(&ctx(), &stop, &mut out);
        dissect(&ctx(), &model, &mut out);
        assert_eq!(out.operations[0].class, OperationClass::Control);
        assert_eq!(out.identities[0].value, "Q03UDVCPU");
    }

    #[test]
    fn melsoft_frame() {
        let mut b = vec![
            0xD7, 0, 0, 0, 0, 0x11, 0x11, 0x7F, 0, 0, 0, 0xA8, 0x03, 0, 0xFF, 0xFF, 0x03, 0, 0,
            0x06, 0x00,
        ];
        b.extend_from_slice(&[0x9C, 0x02, 0x02, 0x00, 0x04, 0x10]); // body: sub-header length 2, command 0x1004
        assert!(looks_like_melsoft(&b));
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &b, &mut out), b.len());
        assert_eq!(out.operations[0].function_code, MELSOFT_BASE | 0x1004);
        assert_eq!(dissect(&ctx(), &b[..b.len() - 1], &mut out), 0);
    }
}
