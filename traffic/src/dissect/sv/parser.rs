//! Pure parsing of a Sampled Values frame: the 8-byte header (APPID, length,
//! two reserved words) and the BER-encoded savPdu with its sequence of ASDUs,
//! read as far as they identify the stream and its synchronisation. The
//! sample values themselves are not decoded.

use super::codes::*;
use crate::dissect::ber::{tlv, unsigned};
use crate::dissect::common::{PResult, Reader, malformed};

const LAYER: &str = "sv";

/// The header and the count of a Sampled Values frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SvFrame {
    pub appid: u16,
    pub simulated: bool,
    /// noASDU as the frame states it.
    pub stated_asdus: u32,
    /// ASDUs actually found in seqASDU.
    pub asdus: u32,
    /// The header's length disagrees with the frame (Ethernet padding aside).
    pub length_mismatch: bool,
}

/// One ASDU: the stream it belongs to and its place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Asdu<'a> {
    pub sv_id: &'a [u8],
    pub dat_set: &'a [u8],
    pub smp_cnt: u32,
    pub conf_rev: u32,
    pub smp_synch: u32,
    pub smp_rate: Option<u32>,
}

/// Parses a frame and hands each complete ASDU to `each` in order. An ASDU
/// that breaks the encoding or lacks a mandatory field ends the walk with an
/// error; those before it have been handed over.
pub fn parse_sv<'a>(data: &'a [u8], mut each: impl FnMut(&Asdu<'a>)) -> PResult<SvFrame> {
    let mut r = Reader::new(LAYER, data);
    let appid = r.be16("appid")?;
    let length = r.be16("length")? as usize;
    let reserved1 = r.be16("reserved1")?;
    r.skip(2, "reserved2")?;
    if length < 8 {
        return Err(malformed(LAYER, "length", "smaller than the header"));
    }
    let mut frame = SvFrame {
        appid,
        simulated: reserved1 & SIMULATE_BIT != 0,
        // Short frames are padded to 60 bytes, so the frame may be longer.
        length_mismatch: length > data.len(),
        ..SvFrame::default()
    };
    let pdu = &data[8..length.min(data.len())];
    let (tag, fields) = tlv(&mut Reader::new(LAYER, pdu), LAYER)?;
    if tag != TAG_SAV_PDU {
        return Err(malformed(LAYER, "sav_pdu", "not [APPLICATION 0]"));
    }
    let mut f = Reader::new("sv.pdu", fields);
    let mut stated = None;
    let mut sequence = None;
    while f.remaining() > 0 {
        let (tag, v) = tlv(&mut f, LAYER)?;
        match tag {
            TAG_NO_ASDU => stated = Some(unsigned(v, LAYER)?),
            TAG_SEQ_ASDU => sequence = Some(v),
            _ => {}
        }
    }
    let (Some(stated), Some(sequence)) = (stated, sequence) else {
        return Err(malformed(LAYER, "sav_pdu", "noASDU or seqASDU missing"));
    };
    frame.stated_asdus = stated;
    let mut s = Reader::new("sv.seq_asdu", sequence);
    while s.remaining() > 0 {
        let (tag, v) = tlv(&mut s, LAYER)?;
        if tag != TAG_ASDU {
            return Err(malformed(LAYER, "asdu", "not a SEQUENCE"));
        }
        each(&parse_asdu(v)?);
        frame.asdus += 1;
    }
    Ok(frame)
}

fn parse_asdu(fields: &[u8]) -> PResult<Asdu<'_>> {
    let mut a = Asdu::default();
    let (mut cnt, mut rev, mut synch, mut sample) = (None, None, None, false);
    let mut r = Reader::new("sv.asdu", fields);
    while r.remaining() > 0 {
        let (tag, v) = tlv(&mut r, LAYER)?;
        match tag {
            TAG_SV_ID => a.sv_id = v,
            TAG_DAT_SET => a.dat_set = v,
            TAG_SMP_CNT => cnt = Some(unsigned(v, LAYER)?),
            TAG_CONF_REV => rev = Some(unsigned(v, LAYER)?),
            TAG_SMP_SYNCH => synch = Some(unsigned(v, LAYER)?),
            TAG_SMP_RATE => a.smp_rate = Some(unsigned(v, LAYER)?),
            TAG_SAMPLE => sample = true,
            _ => {}
        }
    }
    match (cnt, rev, synch) {
        (Some(cnt), Some(rev), Some(synch)) if !a.sv_id.is_empty() && sample => {
            a.smp_cnt = cnt;
            a.conf_rev = rev;
            a.smp_synch = synch;
            Ok(a)
        }
        _ => Err(malformed(
            LAYER,
            "asdu",
            "svID, smpCnt, confRev, smpSynch or sample missing",
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn put(out: &mut Vec<u8>, tag: u8, v: &[u8]) {
        out.push(tag);
        if v.len() < 0x80 {
            out.push(v.len() as u8);
        } else {
            out.extend_from_slice(&[0x82, (v.len() >> 8) as u8, v.len() as u8]);
        }
        out.extend_from_slice(v);
    }

    /// One ASDU of the 9-2LE profile: svID, smpCnt, confRev 1, smpSynch,
    /// and 8 channels of value + quality (64 bytes).
    pub fn asdu(sv_id: &str, smp_cnt: u16, smp_synch: u8) -> Vec<u8> {
        let mut a = Vec::new();
        put(&mut a, TAG_SV_ID, sv_id.as_bytes());
        put(&mut a, TAG_SMP_CNT, &smp_cnt.to_be_bytes());
        put(&mut a, TAG_CONF_REV, &1u32.to_be_bytes());
        put(&mut a, TAG_SMP_SYNCH, &[smp_synch]);
        put(&mut a, TAG_SAMPLE, &[0x11; 64]);
        let mut wrapped = Vec::new();
        put(&mut wrapped, TAG_ASDU, &a);
        wrapped
    }

    /// A frame with APPID 0x4000 carrying `asdus` (noASDU says how many).
    pub fn frame(asdus: &[Vec<u8>]) -> Vec<u8> {
        let mut fields = Vec::new();
        put(&mut fields, TAG_NO_ASDU, &[asdus.len() as u8]);
        put(&mut fields, TAG_SEQ_ASDU, &asdus.concat());
        let mut pdu = Vec::new();
        put(&mut pdu, TAG_SAV_PDU, &fields);
        let mut f = vec![0x40, 0x00];
        f.extend_from_slice(&((8 + pdu.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 0]);
        f.extend_from_slice(&pdu);
        f
    }

    #[test]
    fn fields_of_a_two_asdu_frame() {
        let f = frame(&[
            asdu("MU01MU/LLN0$MS$smv1", 3999, 2),
            asdu("MU01MU/LLN0$MS$smv1", 0, 2),
        ]);
        let mut seen = Vec::new();
        let h = parse_sv(&f, |a| seen.push(*a)).unwrap();
        assert_eq!(
            h,
            SvFrame {
                appid: 0x4000,
                simulated: false,
                stated_asdus: 2,
                asdus: 2,
                length_mismatch: false
            }
        );
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].sv_id, b"MU01MU/LLN0$MS$smv1");
        assert_eq!(
            (seen[0].smp_cnt, seen[0].conf_rev, seen[0].smp_synch),
            (3999, 1, 2)
        );
        assert_eq!(seen[1].smp_cnt, 0);
        // Every cut of the frame is refused; the ASDUs before the cut were handed over.
        for n in 0..f.len() {
            assert!(parse_sv(&f[..n], |_| {}).is_err(), "cut at {n}");
        }
    }

    #[test]
    fn the_simulate_bit_and_a_missing_field() {
        let mut f = frame(&[asdu("S", 1, 0)]);
        f[4] = 0x80;
        assert!(parse_sv(&f, |_| {}).unwrap().simulated);
        // An ASDU without its sample.
        let mut a = Vec::new();
        put(&mut a, TAG_SV_ID, b"S");
        put(&mut a, TAG_SMP_CNT, &[0, 1]);
        put(&mut a, TAG_CONF_REV, &[1]);
        put(&mut a, TAG_SMP_SYNCH, &[1]);
        let mut wrapped = Vec::new();
        put(&mut wrapped, TAG_ASDU, &a);
        assert!(parse_sv(&frame(&[wrapped]), |_| {}).is_err());
    }
}
