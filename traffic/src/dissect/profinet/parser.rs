//! Pure parsing of PROFINET DCP frames (after the EtherType 0x8892).

use crate::dissect::common::{PResult, Reader};

/// DCP header after the frame id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dcp<'a> {
    pub frame_id: u16,
    pub service_id: u8,
    pub service_type: u8,
    pub xid: u32,
    pub blocks: &'a [u8],
}

/// Parses frame id and DCP header, cutting out the block data by the DCP data length.
pub fn parse_dcp(payload: &[u8]) -> PResult<Dcp<'_>> {
    let mut r = Reader::new("profinet.dcp", payload);
    let frame_id = r.be16("frame_id")?;
    let service_id = r.u8("service_id")?;
    let service_type = r.u8("service_type")?;
    let xid = r.be32("xid")?;
    r.skip(2, "response_delay")?;
    let len = r.be16("dcp_data_length")? as usize;
    let blocks = r.take(len, "blocks")?;
    Ok(Dcp {
        frame_id,
        service_id,
        service_type,
        xid,
        blocks,
    })
}

/// One block: option, suboption, data (padding removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    pub option: u8,
    pub suboption: u8,
    pub data: &'a [u8],
}

/// Walks the blocks; blocks of requests without data (Get, Identify filters of
/// "all") are length 0.
pub fn parse_blocks<'a>(blocks: &'a [u8], mut each: impl FnMut(Block<'a>)) -> PResult<()> {
    let mut r = Reader::new("profinet.dcp.block", blocks);
    while r.remaining() >= 4 {
        let option = r.u8("option")?;
        let suboption = r.u8("suboption")?;
        let len = r.be16("block_length")? as usize;
        let data = r.take(len, "block_data")?;
        if len % 2 == 1 && r.remaining() > 0 {
            r.skip(1, "padding")?;
        }
        each(Block {
            option,
            suboption,
            data,
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Identify response from station "plc-1", vendor 0x002A device 0x0101.
    pub const IDENTIFY_RESPONSE: [u8; 37] = [
        0xFE, 0xFF, // frame id: identify response
        0x05, 0x01, // identify, response success
        0x00, 0x00, 0x00, 0x01, // xid
        0x00, 0x00, // reserved
        0x00, 0x16, // DCP data length 22
        0x02, 0x02, 0x00, 0x07, // device / name of station, length 7
        0x00, 0x00, b'p', b'l', b'c', b'-', b'1', // block info, "plc-1"
        0x00, // padding
        0x02, 0x03, 0x00, 0x06, // device / device id, length 6
        0x00, 0x00, 0x00, 0x2A, 0x01, 0x01, // block info, vendor 0x002A, device 0x0101
        0x00, 0x00, 0x00, // (trailing Ethernet padding)
    ];

    #[test]
    fn identify_response_blocks() {
        let d = parse_dcp(&IDENTIFY_RESPONSE).unwrap();
        assert_eq!((d.service_id, d.service_type), (5, 1));
        let mut seen = Vec::new();
        parse_blocks(d.blocks, |b| {
            seen.push((b.option, b.suboption, b.data.len()))
        })
        .unwrap();
        assert_eq!(seen, vec![(2, 2, 7), (2, 3, 6)]);
        for n in 0..12 {
            assert!(
                parse_dcp(&IDENTIFY_RESPONSE[..n])
                    .unwrap_err()
                    .is_incomplete()
            );
        }
    }
}
