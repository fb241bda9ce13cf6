//! Pure parsing of C37.118.2 frames: the common 14-byte header, the CRC, command
//! frames and the station list of configuration frames. Big-endian.

use crate::dissect::common::{PResult, Reader, malformed};

pub const SYNC: u8 = 0xAA;
/// SYNC, FRAMESIZE, IDCODE, SOC, FRACSEC.
pub const HEADER_LEN: usize = 14;
/// Header and CHK: the smallest frame.
pub const MIN_FRAME: usize = HEADER_LEN + 2;

/// One frame: header fields and the bytes between header and CHK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub frame_type: u8,
    pub version: u8,
    pub size: usize,
    pub idcode: u16,
    pub soc: u32,
    pub fracsec: u32,
    pub body: &'a [u8],
    pub crc_ok: bool,
}

/// CRC-CCITT (polynomial 0x1021, initial 0xFFFF, not reflected), the standard's CHK.
pub fn crc_ccitt(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Whether `b` can start a frame (a prefix is enough): SYNC and a defined frame type.
pub fn looks_like_frame(b: &[u8]) -> bool {
    b.first().is_none_or(|&s| s == SYNC) && b.get(1).is_none_or(|&t| (t >> 4) & 0x07 <= 5)
}

/// The frame at the front of `data` (whole, with its CHK).
pub fn parse_frame(data: &[u8]) -> PResult<Frame<'_>> {
    let mut r = Reader::new("synphasor", data);
    if r.u8("sync")? != SYNC {
        return Err(malformed("synphasor", "sync", "not 0xAA"));
    }
    let t = r.u8("sync")?;
    if t & 0x80 != 0 {
        return Err(malformed("synphasor", "sync", "reserved bit set"));
    }
    let size = r.be16("framesize")? as usize;
    if size < MIN_FRAME {
        return Err(malformed("synphasor", "framesize", "smaller than a header"));
    }
    // Fail on a truncated frame before reading further fields, so a prefix is Incomplete.
    if data.len() < size {
        return Err(crate::dissect::common::ParseError::Incomplete {
            layer: "synphasor",
            field: "frame",
            needed: size,
            available: data.len(),
        });
    }
    let idcode = r.be16("idcode")?;
    let soc = r.be32("soc")?;
    let fracsec = r.be32("fracsec")?;
    let body = r.take(size - MIN_FRAME, "data")?;
    let chk = r.be16("chk")?;
    Ok(Frame {
        frame_type: (t >> 4) & 0x07,
        version: t & 0x0F,
        size,
        idcode,
        soc,
        fracsec,
        body,
        crc_ok: crc_ccitt(&data[..size - 2]) == chk,
    })
}

/// CMD of a command frame.
pub fn parse_command(body: &[u8]) -> PResult<u16> {
    Reader::new("synphasor.command", body).be16("cmd")
}

/// Calls `f(station name, idcode)` for each PMU of a CFG-1 / CFG-2 frame.
pub fn parse_config12(body: &[u8], mut f: impl FnMut(&[u8], u16)) -> PResult<()> {
    let mut r = Reader::new("synphasor.config", body);
    r.skip(4, "time_base")?;
    let num_pmu = r.be16("num_pmu")?;
    for _ in 0..num_pmu {
        let stn = r.take(16, "stn")?;
        let idcode = r.be16("idcode")?;
        r.skip(2, "format")?;
        let phnmr = r.be16("phnmr")? as usize;
        let annmr = r.be16("annmr")? as usize;
        let dgnmr = r.be16("dgnmr")? as usize;
        // Channel names, then phasor, analog and digital units, FNOM, CFGCNT.
        let names = 16 * (phnmr + annmr + 16 * dgnmr);
        r.skip(names + 4 * (phnmr + annmr + dgnmr) + 4, "channels")?;
        f(stn, idcode);
    }
    r.skip(2, "data_rate")?;
    Ok(())
}

/// The first PMU's station name and idcode of a CFG-3 frame, when the frame is
/// the first (or only) fragment. CFG-3 names are length-prefixed; the rest of
/// each PMU's block is not needed for identities.
pub fn parse_config3_first(body: &[u8]) -> PResult<Option<(&[u8], u16)>> {
    let mut r = Reader::new("synphasor.config3", body);
    let cont_idx = r.be16("cont_idx")?;
    if cont_idx > 1 {
        return Ok(None);
    }
    r.skip(4, "time_base")?;
    if r.be16("num_pmu")? == 0 {
        return Ok(None);
    }
    let len = r.u8("stn_length")? as usize;
    let stn = r.take(len, "stn")?;
    let idcode = r.be16("idcode")?;
    Ok(Some((stn, idcode)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Command frame "send CFG-2" to PMU 241 (from the 1-PMU capture).
    pub const SEND_CFG2: [u8; 18] = [
        0xAA, 0x41, 0x00, 0x12, 0x00, 0xF1, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x05, 0xD7, 0xD0,
    ];

    #[test]
    fn command_frame_and_crc() {
        let f = parse_frame(&SEND_CFG2).unwrap();
        assert_eq!((f.frame_type, f.version, f.size, f.idcode), (4, 1, 18, 241));
        assert!(f.crc_ok);
        assert_eq!(parse_command(f.body).unwrap(), 5);
        for n in 0..SEND_CFG2.len() {
            assert!(parse_frame(&SEND_CFG2[..n]).unwrap_err().is_incomplete());
        }
        let mut bad = SEND_CFG2;
        bad[15] = 2;
        assert!(!parse_frame(&bad).unwrap().crc_ok);
    }
}
