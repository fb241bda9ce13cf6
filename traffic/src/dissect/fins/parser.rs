//! Pure parsing of FINS frames (10-byte header + command) and the FINS/TCP wrapper.

use crate::dissect::common::{PResult, Reader, malformed};

/// FINS/TCP header: "FINS", length (bytes after this field), command, error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpHeader {
    pub command: u32,
    pub error: u32,
    /// Bytes of the whole FINS/TCP message.
    pub total_len: usize,
}

pub fn parse_tcp(data: &[u8]) -> PResult<(TcpHeader, &[u8])> {
    let mut r = Reader::new("fins.tcp", data);
    if r.take(4, "magic")? != b"FINS" {
        return Err(malformed("fins.tcp", "magic", "not \"FINS\""));
    }
    let len = r.be32("length")? as usize;
    if !(8..=65536).contains(&len) {
        return Err(malformed("fins.tcp", "length", "outside 8..=65536"));
    }
    let command = r.be32("command")?;
    let error = r.be32("error_code")?;
    let body = r.take(len - 8, "data")?;
    Ok((
        TcpHeader {
            command,
            error,
            total_len: 8 + len,
        },
        body,
    ))
}

/// FINS header and command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub response: bool,
    pub dna: u8,
    pub da1: u8,
    pub sna: u8,
    pub sa1: u8,
    pub sid: u8,
    pub command: u16,
    /// End code of a response.
    pub end_code: Option<u16>,
    pub params: &'a [u8],
}

pub fn parse_frame(data: &[u8]) -> PResult<Frame<'_>> {
    let mut r = Reader::new("fins", data);
    let icf = r.u8("icf")?;
    if icf & 0x3E != 0 {
        return Err(malformed("fins", "icf", "reserved bits set"));
    }
    r.skip(2, "rsv_gct")?;
    let dna = r.u8("dna")?;
    let da1 = r.u8("da1")?;
    r.skip(1, "da2")?;
    let sna = r.u8("sna")?;
    let sa1 = r.u8("sa1")?;
    r.skip(1, "sa2")?;
    let sid = r.u8("sid")?;
    let command = r.be16("command_code")?;
    let response = icf & 0x40 != 0;
    let end_code = if response {
        Some(r.be16("end_code")?)
    } else {
        None
    };
    Ok(Frame {
        response,
        dna,
        da1,
        sna,
        sa1,
        sid,
        command,
        end_code,
        params: r.rest(),
    })
}

/// Memory area read/write/fill parameters: area, word address, bit, count.
pub fn parse_memory_area(params: &[u8]) -> PResult<(u8, u16, u8, u16)> {
    let mut r = Reader::new("fins.memory_area", params);
    Ok((
        r.u8("area")?,
        r.be16("address")?,
        r.u8("bit")?,
        r.be16("count")?,
    ))
}

/// Controller data read response: model and version (20 bytes each, NUL padded).
pub fn parse_controller_data(params: &[u8]) -> PResult<(&[u8], &[u8])> {
    let mut r = Reader::new("fins.controller_data", params);
    let model = r.take(20, "controller_model")?;
    let version = r.take(20, "controller_version")?;
    Ok((model, version))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// FINS/TCP frame carrying a memory area read of D100, 2 words.
    pub const READ_D100: [u8; 34] = [
        b'F', b'I', b'N', b'S', // magic
        0x00, 0x00, 0x00, 0x1A, // length 26
        0x00, 0x00, 0x00, 0x02, // command 2: FINS frame
        0x00, 0x00, 0x00, 0x00, // error code
        0x80, 0x00, 0x02, // ICF command, RSV, GCT
        0x00, 0x0A, 0x00, // DNA 0, DA1 10, DA2 0
        0x00, 0x01, 0x00, // SNA 0, SA1 1, SA2 0
        0x07, // SID
        0x01, 0x01, // memory area read
        0x82, 0x00, 0x64, 0x00, // area D, word 100, bit 0
        0x00, 0x02, // 2 words
    ];

    #[test]
    fn memory_area_read() {
        let (h, body) = parse_tcp(&READ_D100).unwrap();
        assert_eq!(h.command, 2);
        let f = parse_frame(body).unwrap();
        assert_eq!(f.command, 0x0101);
        assert_eq!(parse_memory_area(f.params).unwrap(), (0x82, 100, 0, 2));
        for n in 0..READ_D100.len() {
            assert!(parse_tcp(&READ_D100[..n]).unwrap_err().is_incomplete());
        }
    }
}
