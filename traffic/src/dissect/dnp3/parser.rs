//! Pure parsing of DNP3 link frames (with CRC blocks), transport segments and
//! application headers.

use crate::dissect::common::{PResult, Reader, malformed};

/// Largest link frame: 10-byte header block + 250 user bytes + 16 CRCs.
pub const MAX_FRAME: usize = 292;
/// Largest user data in one link frame.
pub const MAX_USER_DATA: usize = 250;

/// CRC-16/DNP lookup table (reflected polynomial 0xA6BC).
const CRC_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u16;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xA6BC
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

pub fn crc(data: &[u8]) -> u16 {
    let mut c: u16 = 0;
    for &b in data {
        c = (c >> 8) ^ CRC_TABLE[((c ^ b as u16) & 0xFF) as usize];
    }
    !c
}

fn crc_ok(block: &[u8], crc_bytes: &[u8]) -> bool {
    crc(block) == u16::from_le_bytes([crc_bytes[0], crc_bytes[1]])
}

/// A link frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkHeader {
    pub control: u8,
    pub destination: u16,
    pub source: u16,
    /// Bytes of the whole frame on the wire, CRCs included.
    pub frame_len: usize,
    /// User data bytes once CRCs are removed.
    pub user_len: usize,
}

impl LinkHeader {
    pub fn from_master(&self) -> bool {
        self.control & 0x80 != 0
    }
    pub fn primary(&self) -> bool {
        self.control & 0x40 != 0
    }
    pub fn function(&self) -> u8 {
        self.control & 0x0F
    }
}

/// Parses a link frame and copies its user data (CRC blocks removed) into `user`.
pub fn parse_link_frame(data: &[u8], user: &mut [u8; MAX_USER_DATA]) -> PResult<LinkHeader> {
    let mut r = Reader::new("dnp3.link", data);
    let start = r.be16("start")?;
    if start != 0x0564 {
        return Err(malformed("dnp3.link", "start", "not 0x0564"));
    }
    let len = r.u8("length")? as usize;
    if len < 5 {
        return Err(malformed("dnp3.link", "length", "below 5"));
    }
    let control = r.u8("control")?;
    let destination = r.le16("destination")?;
    let source = r.le16("source")?;
    let hcrc = r.take(2, "header_crc")?;
    if !crc_ok(&data[..8], hcrc) {
        return Err(malformed("dnp3.link", "header_crc", "mismatch"));
    }
    let user_len = len - 5;
    let blocks = user_len.div_ceil(16);
    let body = r.take(user_len + 2 * blocks, "user_data")?;
    let mut n = 0;
    for chunk in body.chunks(18) {
        let (block, c) = chunk.split_at(chunk.len() - 2);
        if !crc_ok(block, c) {
            return Err(malformed("dnp3.link", "data_crc", "mismatch"));
        }
        user[n..n + block.len()].copy_from_slice(block);
        n += block.len();
    }
    Ok(LinkHeader {
        control,
        destination,
        source,
        frame_len: 10 + user_len + 2 * blocks,
        user_len,
    })
}

/// Transport header: FIN, FIR, sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    pub fin: bool,
    pub fir: bool,
    pub seq: u8,
}

pub fn parse_transport(b: u8) -> Transport {
    Transport {
        fin: b & 0x80 != 0,
        fir: b & 0x40 != 0,
        seq: b & 0x3F,
    }
}

/// Application header: control, function, IIN for responses, and the object data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppHeader<'a> {
    pub control: u8,
    pub function: u8,
    pub iin: Option<u16>,
    pub objects: &'a [u8],
}

pub fn parse_app(fragment: &[u8]) -> PResult<AppHeader<'_>> {
    let mut r = Reader::new("dnp3.app", fragment);
    let control = r.u8("application_control")?;
    let function = r.u8("function_code")?;
    let iin = if function >= 129 {
        Some(r.be16("iin")?)
    } else {
        None
    };
    Ok(AppHeader {
        control,
        function,
        iin,
        objects: r.rest(),
    })
}

/// One object header: group, variation and the index range it addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectHeader {
    pub group: u8,
    pub variation: u8,
    pub qualifier: u8,
    /// (start, count) for range and count qualifiers.
    pub range: Option<(u32, u32)>,
}

/// Parses the next object header (not its objects).
pub fn parse_object_header(r: &mut Reader<'_>) -> PResult<ObjectHeader> {
    let group = r.u8("group")?;
    let variation = r.u8("variation")?;
    let qualifier = r.u8("qualifier")?;
    let range = match qualifier & 0x0F {
        0x0 => {
            let a = r.u8("start")? as u32;
            let b = r.u8("stop")? as u32;
            Some((a, (b + 1).saturating_sub(a)))
        }
        0x1 => {
            let a = r.le16("start")? as u32;
            let b = r.le16("stop")? as u32;
            Some((a, (b + 1).saturating_sub(a)))
        }
        0x2 => {
            let a = r.le32("start")?;
            let b = r.le32("stop")?;
            Some((a, b.saturating_sub(a).saturating_add(1)))
        }
        0x6 => None, // all objects
        0x7 => Some((0, r.u8("count")? as u32)),
        0x8 => Some((0, r.le16("count")? as u32)),
        0x9 => Some((0, r.le32("count")?)),
        0xB => Some((0, r.u8("count")? as u32)),
        _ => return Err(malformed("dnp3.app", "qualifier", "reserved range code")),
    };
    Ok(ObjectHeader {
        group,
        variation,
        qualifier,
        range,
    })
}

/// Device attribute objects (group 0) at the start of a response: calls
/// `each(variation, value)` for every visible-string attribute; stops at the first
/// header of another group (their object sizes are not needed here).
pub fn parse_device_attributes<'a>(
    objects: &'a [u8],
    mut each: impl FnMut(u8, &'a [u8]),
) -> PResult<()> {
    let mut r = Reader::new("dnp3.device_attributes", objects);
    while r.remaining() > 0 {
        let mut probe = r;
        let h = parse_object_header(&mut probe)?;
        if h.group != 0 {
            break;
        }
        r = probe;
        let count = match h.range {
            Some((_, n)) if h.qualifier & 0x0F <= 0x02 => n,
            _ => {
                return Err(malformed(
                    "dnp3.device_attributes",
                    "qualifier",
                    "not a start-stop range",
                ));
            }
        };
        for _ in 0..count.min(256) {
            let data_type = r.u8("data_type")?;
            let len = r.u8("length")? as usize;
            let value = r.take(len, "value")?;
            if data_type == 1 {
                each(h.variation, value); // VSTR
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_known_header() {
        // 05 64 05 C0 01 00 00 04: reset link from master 1024 to outstation 1 (CRC E9 21).
        let h = [0x05, 0x64, 0x05, 0xC0, 0x01, 0x00, 0x00, 0x04];
        assert_eq!(crc(&h).to_le_bytes(), [0xE9, 0x21]);
    }

    #[test]
    fn every_truncation_is_incomplete() {
        let mut user = [0u8; MAX_USER_DATA];
        let frame = super::super::tests::read_class0_frame();
        assert!(parse_link_frame(&frame, &mut user).is_ok());
        for n in 0..frame.len() {
            assert!(
                parse_link_frame(&frame[..n], &mut user)
                    .unwrap_err()
                    .is_incomplete(),
                "{n}"
            );
        }
    }
}
