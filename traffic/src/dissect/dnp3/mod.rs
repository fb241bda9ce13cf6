//! DNP3 over TCP/UDP 20000.
//!
//! Spec: IEEE Std 1815-2012 (DNP3): data link layer (clause 9, CRC every 16 bytes),
//! transport function (clause 8, FIR/FIN/sequence) and application layer (clauses
//! 4 and 7). Link frames are checked and stripped of CRCs, transport segments are
//! joined into application fragments, and one operation is produced per fragment.
//!
//! The stream is stateless between calls: a fragment whose FIN segment has not
//! arrived yet is left unconsumed (its frames are re-read on the next call).

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{Reader, code_name, new_op, text};
use crate::dissect::{Carrier, DissectOutput, PayloadContext};
use crate::operation::{AddressRange, Direction, IdentityObservation, Protocol};
use std::borrow::Cow;

/// Largest application fragment we join (the spec's recommended maximum is 2048).
const MAX_FRAGMENT: usize = 4096;
/// An unfinished fragment spanning more than this is given up (lost FIN).
const MAX_PENDING: usize = 16 * 1024;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let mut user = [0u8; MAX_USER_DATA];
    // Only fragments spanning several segments are copied (no allocation otherwise).
    let mut frag: Vec<u8> = Vec::new();
    let mut open: Option<(u16, u16)> = None;
    let mut pos = 0;
    let mut safe = 0;
    let tcp = ctx.carrier == Carrier::TcpStream;
    while pos < data.len() {
        let h = match parse_link_frame(&data[pos..], &mut user) {
            Ok(h) => h,
            Err(e) if e.is_incomplete() => break,
            Err(_) => {
                // Garbage or a damaged frame: skip to the next start bytes. On a TCP
                // stream, wait for them when they may still arrive, so a garbage run
                // counts once however the stream is cut into segments.
                let next = data[pos + 1..]
                    .windows(2)
                    .position(|w| w == [0x05, 0x64])
                    .map(|i| pos + 1 + i);
                pos = match next {
                    Some(n) => n,
                    None if tcp && data.len() - pos <= MAX_FRAME => break,
                    None if tcp && data.last() == Some(&0x05) => data.len() - 1,
                    None => data.len(),
                };
                out.malformed += 1;
                if open.is_none() {
                    safe = pos;
                }
                continue;
            }
        };
        pos += h.frame_len;
        let carries_data = h.primary()
            && matches!(
                h.function(),
                LINK_CONFIRMED_USER_DATA | LINK_UNCONFIRMED_USER_DATA
            )
            && h.user_len > 0;
        if !carries_data {
            if open.is_none() {
                safe = pos; // link-layer only frame (reset, status, ack)
            }
            continue;
        }
        let t = parse_transport(user[0]);
        let seg = &user[1..h.user_len];
        let key = (h.source, h.destination);
        if t.fir && t.fin {
            dissect_fragment(seg, &h, out);
            open = None;
            safe = pos;
            continue;
        }
        if t.fir {
            frag.clear();
            open = Some(key);
        } else if open != Some(key) {
            if open.is_none() {
                safe = pos; // a middle segment without its first: nothing to join
            }
            continue;
        }
        if frag.len() + seg.len() > MAX_FRAGMENT {
            out.malformed += 1;
            open = None;
            safe = pos;
            continue;
        }
        frag.extend_from_slice(seg);
        if t.fin {
            dissect_fragment(&frag, &h, out);
            open = None;
            safe = pos;
        }
    }
    if !tcp || data.len() - safe > MAX_PENDING {
        return data.len();
    }
    safe
}

fn dissect_fragment(fragment: &[u8], h: &LinkHeader, out: &mut DissectOutput) {
    let app = match parse_app(fragment) {
        Ok(a) => a,
        Err(_) => {
            out.malformed += 1;
            return;
        }
    };
    let f = FunctionCode(app.function);
    let (name, class) = f.name_class();
    let dir = if f.is_response() {
        Direction::Response
    } else {
        Direction::Request
    };
    let mut op = new_op(
        Protocol::Dnp3,
        dir,
        f.0 as u32,
        code_name(name, f.0 as u32),
        class,
    );
    op.unit = Some(if h.from_master() {
        h.destination
    } else {
        h.source
    } as u32);
    if let Some(iin) = app.iin
        && iin.to_be_bytes()[1] & IIN2_ERROR_MASK != 0
    {
        op.error_code = Some(iin as u32);
    }
    if f == FunctionCode::RESPONSE && app.objects.first() == Some(&0) {
        let attrs = parse_device_attributes(app.objects, |variation, value| {
            if let Some(attr) = device_attribute(variation) {
                out.identities.push(IdentityObservation {
                    source: Cow::Borrowed("dnp3_device_attributes"),
                    attribute: Cow::Borrowed(attr),
                    value: text(value),
                });
            }
        });
        if attrs.is_err() {
            out.malformed += 1;
        }
    }
    if !f.is_response() && f != FunctionCode::CONFIRM {
        // Object headers: every one for READ (no object data follows), the first otherwise.
        let mut r = Reader::new("dnp3.app", app.objects);
        while r.remaining() > 0 {
            match parse_object_header(&mut r) {
                Ok(oh) => {
                    if let Some((start, count)) = oh.range {
                        op.ranges.push(AddressRange {
                            space: Cow::Borrowed(group_space(oh.group)),
                            start,
                            count,
                        });
                    }
                }
                Err(_) => {
                    out.malformed += 1;
                    break;
                }
            }
            if f != FunctionCode::READ {
                break;
            }
        }
    }
    out.operations.push(op);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::operation::OperationClass;

    /// Builds a link frame from a header and user data, inserting the CRCs.
    pub fn frame(control: u8, dest: u16, src: u16, user: &[u8]) -> Vec<u8> {
        let mut h = vec![0x05, 0x64, (user.len() + 5) as u8, control];
        h.extend_from_slice(&dest.to_le_bytes());
        h.extend_from_slice(&src.to_le_bytes());
        let c = crc(&h);
        h.extend_from_slice(&c.to_le_bytes());
        for block in user.chunks(16) {
            h.extend_from_slice(block);
            h.extend_from_slice(&crc(block).to_le_bytes());
        }
        h
    }

    /// Master 3 → outstation 4: READ class 0 (g60v1, all objects).
    pub fn read_class0_frame() -> Vec<u8> {
        frame(
            0xC4, // DIR, PRM, unconfirmed user data
            4,
            3,
            &[
                0xC0, // transport FIN FIR seq 0
                0xC0, 0x01, // app control FIR FIN seq 0, READ
                0x3C, 0x01, 0x06, // group 60 var 1, qualifier 6 (all)
            ],
        )
    }

    fn ctx() -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port: 40000,
            dst_port: 20000,
            to_server: true,
        }
    }

    #[test]
    fn read_request() {
        let f = read_class0_frame();
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &f, &mut out), f.len());
        assert_eq!(out.operations[0].function_code, 1);
        assert_eq!(out.operations[0].unit, Some(4));
        assert_eq!(out.operations[0].class, OperationClass::Read);
    }

    #[test]
    fn multi_segment_fragment_waits_for_fin() {
        // Cold restart split over two transport segments.
        let a = frame(0xC4, 4, 3, &[0x40, 0xC0]); // FIR, app control
        let b = frame(0xC4, 4, 3, &[0x81, 0x0D]); // FIN seq 1, function 13
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &a, &mut out), 0);
        assert!(out.operations.is_empty());
        let both = [a.clone(), b].concat();
        assert_eq!(dissect(&ctx(), &both, &mut out), both.len());
        assert_eq!(out.operations[0].name, "cold_restart");
        assert_eq!(out.operations[0].class, OperationClass::Control);
    }

    #[test]
    fn bad_crc_is_malformed_and_skipped() {
        let mut bad = read_class0_frame();
        bad[12] ^= 0xFF;
        // On a stream the damaged frame waits for the next start bytes...
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), &bad, &mut out), 0);
        // ...and is skipped, counted once, when a good frame follows.
        let both = [bad.clone(), read_class0_frame()].concat();
        assert_eq!(dissect(&ctx(), &both, &mut out), both.len());
        assert_eq!((out.malformed, out.operations.len()), (1, 1));
        // A datagram is judged at once.
        let udp = PayloadContext {
            carrier: Carrier::UdpDatagram,
            ..ctx()
        };
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&udp, &bad, &mut out), bad.len());
        assert_eq!(out.malformed, 1);
    }

    #[test]
    fn device_attributes_become_identities() {
        let user = [
            0xC0, // transport FIN FIR
            0xC0, 0x81, 0x00, 0x00, // app control, RESPONSE, IIN
            0x00, 0xFC, 0x00, 0x00, 0x00, // g0v252 vendor, start-stop 0..0
            0x01, 0x04, b'A', b'c', b'm', b'e', // VSTR "Acme"
            0x00, 0xF2, 0x00, 0x00, 0x00, // g0v242 software version
            0x01, 0x03, b'2', b'.', b'1', // VSTR "2.1"
        ];
        let f = frame(0x44, 3, 4, &user); // from outstation 4 to master 3
        let mut out = DissectOutput::default();
        dissect(&ctx(), &f, &mut out);
        assert_eq!(out.operations[0].unit, Some(4));
        let ids = out.identity_pairs();
        assert_eq!(ids, vec![("vendor", "Acme"), ("firmware", "2.1")]);
        assert_eq!(out.malformed, 0);
    }
}
