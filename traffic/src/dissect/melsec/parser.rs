//! Pure parsing of SLMP / MC protocol 3E and 4E binary frames and of the MELSOFT
//! engineering frame header.

use crate::dissect::common::{PResult, Reader, malformed};

/// Frame kinds by subheader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request3E,
    Response3E,
    Request4E,
    Response4E,
}

pub fn kind(subheader: [u8; 2]) -> Option<Kind> {
    match subheader {
        [0x50, 0x00] => Some(Kind::Request3E),
        [0xD0, 0x00] => Some(Kind::Response3E),
        [0x54, 0x00] => Some(Kind::Request4E),
        [0xD4, 0x00] => Some(Kind::Response4E),
        _ => None,
    }
}

/// One SLMP frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub kind: Kind,
    pub serial: Option<u16>,
    pub network: u8,
    pub station: u8,
    pub module_io: u16,
    /// Command and subcommand of a request.
    pub command: Option<(u16, u16)>,
    /// End code of a response.
    pub end_code: Option<u16>,
    pub data: &'a [u8],
    pub total_len: usize,
}

pub fn parse_frame(buf: &[u8]) -> PResult<Frame<'_>> {
    let mut r = Reader::new("melsec.slmp", buf);
    let sub = r.take(2, "subheader")?;
    let kind = kind([sub[0], sub[1]]).ok_or(malformed("melsec.slmp", "subheader", "unknown"))?;
    let serial = if matches!(kind, Kind::Request4E | Kind::Response4E) {
        let s = r.le16("serial_number")?;
        r.skip(2, "reserved")?;
        Some(s)
    } else {
        None
    };
    let network = r.u8("network_number")?;
    let station = r.u8("station_number")?;
    let module_io = r.le16("module_io_number")?;
    r.skip(1, "multidrop_station")?;
    let len = r.le16("data_length")? as usize;
    let header = r.position();
    let body = r.take(len, "data")?;
    let mut b = Reader::new("melsec.slmp", body);
    let (command, end_code) = match kind {
        Kind::Request3E | Kind::Request4E => {
            b.skip(2, "monitoring_timer")?;
            (Some((b.le16("command")?, b.le16("subcommand")?)), None)
        }
        _ => (None, Some(b.le16("end_code")?)),
    };
    Ok(Frame {
        kind,
        serial,
        network,
        station,
        module_io,
        command,
        end_code,
        data: b.rest(),
        total_len: header + len,
    })
}

/// Batch read/write device reference: head device number, device code, points.
/// Subcommands 0x0002/0x0003 (iQ-R) use a 4-byte number and a 2-byte code.
pub fn parse_device_block(subcommand: u16, data: &[u8]) -> PResult<(u32, u16, u16)> {
    let mut r = Reader::new("melsec.device", data);
    let (number, code) = if subcommand & 0x0002 != 0 {
        (r.le32("head_device")?, r.le16("device_code")?)
    } else {
        (r.le24("head_device")?, r.u8("device_code")? as u16)
    };
    Ok((number, code, r.le16("points")?))
}

/// MELSOFT (GX Works / GX Developer) frame: 21-byte header with the body length
/// at offset 19; the command sits after a body sub-header whose length is body[2].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Melsoft {
    pub request: bool,
    pub command: Option<u16>,
    pub total_len: usize,
}

pub const MELSOFT_HEADER: usize = 21;

/// Whether the bytes look like a MELSOFT frame header.
pub fn looks_like_melsoft(b: &[u8]) -> bool {
    b.len() >= MELSOFT_HEADER
        && b[0] & 0x7F == 0x57
        && b[1..5] == [0, 0, 0, 0]
        && b[5..7] == [0x11, 0x11]
}

pub fn parse_melsoft(buf: &[u8]) -> PResult<Melsoft> {
    let mut r = Reader::new("melsec.melsoft", buf);
    let head = r.take(MELSOFT_HEADER, "header")?;
    if !looks_like_melsoft(head) {
        return Err(malformed("melsec.melsoft", "header", "not a MELSOFT frame"));
    }
    let len = u16::from_le_bytes([head[19], head[20]]) as usize;
    let body = r.take(len, "body")?;
    let command = body.get(2).and_then(|&off| {
        let at = 2 + off as usize;
        Some(u16::from_le_bytes([*body.get(at)?, *body.get(at + 1)?]))
    });
    Ok(Melsoft {
        request: head[0] & 0x80 != 0,
        command,
        total_len: MELSOFT_HEADER + len,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 3E binary batch read of D100, 10 words.
    pub const BATCH_READ_D100: [u8; 21] = [
        0x50, 0x00, // subheader 3E request
        0x00, // network 0
        0xFF, // PC (station) 0xFF
        0xFF, 0x03, // module I/O 0x03FF
        0x00, // multidrop station
        0x0C, 0x00, // data length 12
        0x10, 0x00, // monitoring timer
        0x01, 0x04, // command 0x0401 batch read
        0x00, 0x00, // subcommand word units
        0x64, 0x00, 0x00, // head device 100
        0xA8, // device D
        0x0A, 0x00, // 10 points
    ];

    #[test]
    fn batch_read() {
        let f = parse_frame(&BATCH_READ_D100).unwrap();
        assert_eq!(f.command, Some((0x0401, 0)));
        assert_eq!(f.total_len, 21);
        assert_eq!(parse_device_block(0, f.data).unwrap(), (100, 0xA8, 10));
        for n in 0..BATCH_READ_D100.len() {
            assert!(
                parse_frame(&BATCH_READ_D100[..n])
                    .unwrap_err()
                    .is_incomplete()
            );
        }
    }
}
