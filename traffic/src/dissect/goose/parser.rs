//! Pure parsing of a GOOSE frame: the 8-byte header (APPID, length, reserved)
//! and the BER-encoded goosePdu fields that identify the publisher and its state.

use super::codes::*;
use crate::dissect::ber::{tlv, unsigned};
use crate::dissect::common::{PResult, Reader, malformed};

/// What one GOOSE frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Goose<'a> {
    pub appid: u16,
    pub gocb_ref: &'a [u8],
    pub dat_set: &'a [u8],
    pub go_id: &'a [u8],
    pub st_num: Option<u32>,
    pub sq_num: Option<u32>,
    /// How long a subscriber may wait for the next frame, in milliseconds.
    pub time_allowed_to_live_ms: Option<u32>,
    pub simulation: bool,
    /// The header's length disagrees with the frame (Ethernet padding aside).
    pub length_mismatch: bool,
}

pub fn parse_goose(data: &[u8]) -> PResult<Goose<'_>> {
    let mut r = Reader::new("goose", data);
    let appid = r.be16("appid")?;
    let length = r.be16("length")? as usize;
    r.skip(4, "reserved")?;
    if length < 8 {
        return Err(malformed("goose", "length", "smaller than the header"));
    }
    // Short frames are padded to 60 bytes, so the frame may be longer than `length`.
    let mut g = Goose {
        appid,
        length_mismatch: length > data.len(),
        ..Goose::default()
    };
    let pdu = &data[8..length.min(data.len())];
    let mut outer = Reader::new("goose", pdu);
    let (tag, fields) = tlv(&mut outer, "goose")?;
    if tag != TAG_GOOSE_PDU {
        return Err(malformed("goose", "goose_pdu", "not [APPLICATION 1]"));
    }
    let mut f = Reader::new("goose.pdu", fields);
    while f.remaining() > 0 {
        let (tag, v) = tlv(&mut f, "goose")?;
        match tag {
            TAG_GOCB_REF => g.gocb_ref = v,
            TAG_DAT_SET => g.dat_set = v,
            TAG_GO_ID => g.go_id = v,
            TAG_ST_NUM => g.st_num = Some(unsigned(v, "goose")?),
            TAG_SQ_NUM => g.sq_num = Some(unsigned(v, "goose")?),
            TAG_SIMULATION => g.simulation = v.first().is_some_and(|&b| b != 0),
            TAG_TIME_ALLOWED_TO_LIVE => g.time_allowed_to_live_ms = unsigned(v, "goose").ok(),
            _ => {}
        }
    }
    if g.gocb_ref.is_empty() || g.st_num.is_none() || g.sq_num.is_none() {
        return Err(malformed(
            "goose",
            "goose_pdu",
            "gocbRef, stNum or sqNum missing",
        ));
    }
    Ok(g)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// APPID 0x3001; gocbRef "IED1LD0/LLN0$GO$gcb1", datSet "IED1LD0/LLN0$DS1",
    /// goID "G1", stNum 5867, sqNum 0, allData with one boolean.
    pub fn state_change() -> Vec<u8> {
        let mut fields = Vec::new();
        let mut put = |tag: u8, v: &[u8]| {
            fields.push(tag);
            fields.push(v.len() as u8);
            fields.extend_from_slice(v);
        };
        put(0x80, b"IED1LD0/LLN0$GO$gcb1");
        put(0x81, &[0x07, 0xD0]);
        put(0x82, b"IED1LD0/LLN0$DS1");
        put(0x83, b"G1");
        put(0x84, &[0; 8]);
        put(0x85, &[0x16, 0xEB]);
        put(0x86, &[0x00]);
        put(0x87, &[0x00]);
        put(0x88, &[0x01]);
        put(0x89, &[0x00]);
        put(0x8A, &[0x01]);
        put(0xAB, &[0x83, 0x01, 0x01]);
        let mut pdu = vec![TAG_GOOSE_PDU, 0x81, fields.len() as u8];
        pdu.extend_from_slice(&fields);
        let mut f = vec![0x30, 0x01];
        f.extend_from_slice(&((8 + pdu.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 0]);
        f.extend_from_slice(&pdu);
        f
    }

    #[test]
    fn fields_of_a_state_change() {
        let f = state_change();
        let g = parse_goose(&f).unwrap();
        assert_eq!(g.appid, 0x3001);
        assert_eq!(g.gocb_ref, b"IED1LD0/LLN0$GO$gcb1");
        assert_eq!(g.dat_set, b"IED1LD0/LLN0$DS1");
        assert_eq!(g.go_id, b"G1");
        assert_eq!(
            (g.st_num, g.sq_num, g.simulation),
            (Some(5867), Some(0), false)
        );
        assert_eq!(g.time_allowed_to_live_ms, Some(2000));
        assert!(!g.length_mismatch);
        for n in 0..f.len() {
            assert!(parse_goose(&f[..n]).is_err());
        }
    }
}
