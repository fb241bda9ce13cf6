//! Hand-built frames for the analyzer's unit tests.

use crate::capture::Timestamp;

pub(super) const CLIENT: [u8; 4] = [10, 0, 0, 1];
pub(super) const SERVER: [u8; 4] = [10, 0, 0, 2];

/// Ethernet + IPv4 + TCP frame from `src` to `dst`.
#[allow(clippy::too_many_arguments)]
pub(super) fn tcp_frame(
    src: [u8; 4],
    dst: [u8; 4],
    sport: u16,
    dport: u16,
    flags: u8,
    seq: u32,
    ttl: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut f = vec![];
    f.extend_from_slice(&[0x00, 0x1b, 0x1b, 0, 0, dst[3]]); // destination MAC (Siemens OUI)
    f.extend_from_slice(&[0x00, 0x1b, 0x1b, 0, 0, src[3]]); // source MAC
    f.extend_from_slice(&[0x08, 0x00]); // IPv4
    let total = (20 + 20 + payload.len()) as u16;
    f.extend_from_slice(&[0x45, 0x00]); // version, IHL, DSCP
    f.extend_from_slice(&total.to_be_bytes()); // total length
    f.extend_from_slice(&[0, 0, 0x40, 0, ttl, 6, 0, 0]); // id, DF, TTL, TCP, checksum
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes()); // sequence
    f.extend_from_slice(&0u32.to_be_bytes()); // acknowledgment (unused here)
    f.extend_from_slice(&[0x50, flags, 0x10, 0x00, 0, 0, 0, 0]); // offset 5, flags, window, checksum, urgent
    f.extend_from_slice(payload);
    f
}

/// `frame` with an 802.1Q tag for `vlan` after its MAC addresses.
pub(super) fn tagged(frame: &[u8], vlan: u16) -> Vec<u8> {
    let mut f = frame[..12].to_vec();
    f.extend_from_slice(&[0x81, 0x00]);
    f.extend_from_slice(&(vlan & 0x0fff).to_be_bytes());
    f.extend_from_slice(&frame[12..]);
    f
}

pub(super) fn at(secs: u64) -> Timestamp {
    Timestamp::from_secs_nanos(1_700_000_000 + secs, 0)
}
