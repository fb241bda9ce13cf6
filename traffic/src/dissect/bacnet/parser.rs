//! Pure parsing of BACnet/IP: BVLC header, NPDU, APDU header and the tag encoding.

use super::codes::*;
use crate::dissect::common::{PResult, Reader, malformed};

/// BVLC header: type 0x81, function, length (whole BVLL message). Returns function and body.
pub fn parse_bvlc(data: &[u8]) -> PResult<(BvlcFunction, &[u8])> {
    let mut r = Reader::new("bacnet.bvlc", data);
    if r.u8("type")? != 0x81 {
        return Err(malformed("bacnet.bvlc", "type", "not 0x81 (BACnet/IP)"));
    }
    let function = BvlcFunction(r.u8("function")?);
    let len = r.be16("length")? as usize;
    if len < 4 {
        return Err(malformed(
            "bacnet.bvlc",
            "length",
            "shorter than the header",
        ));
    }
    // Some stacks put a wrong length here; the datagram bounds the message anyway,
    // so the whole datagram is decoded (see `bvlc_length_mismatch`).
    let _ = len;
    let body = r.rest();
    Ok((function, body))
}

/// Whether the BVLC length field disagrees with the datagram size.
pub fn bvlc_length_mismatch(data: &[u8]) -> bool {
    crate::dissect::common::be16_at(data, 2).is_some_and(|l| l as usize != data.len())
}

/// NPDU (clause 6.2): either a network layer message or an APDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Npdu<'a> {
    pub network_message: Option<u8>,
    pub dnet: Option<u16>,
    pub snet: Option<u16>,
    pub apdu: &'a [u8],
}

pub fn parse_npdu(npdu: &[u8]) -> PResult<Npdu<'_>> {
    let mut r = Reader::new("bacnet.npdu", npdu);
    if r.u8("version")? != 0x01 {
        return Err(malformed("bacnet.npdu", "version", "not 1"));
    }
    let control = r.u8("control")?;
    let mut dnet = None;
    let mut snet = None;
    if control & 0x20 != 0 {
        dnet = Some(r.be16("dnet")?);
        let dlen = r.u8("dlen")? as usize;
        r.skip(dlen, "dadr")?;
    }
    if control & 0x08 != 0 {
        snet = Some(r.be16("snet")?);
        let slen = r.u8("slen")? as usize;
        r.skip(slen, "sadr")?;
    }
    if control & 0x20 != 0 {
        r.skip(1, "hop_count")?;
    }
    let network_message = if control & 0x80 != 0 {
        let t = r.u8("message_type")?;
        if t >= 0x80 {
            r.skip(2, "vendor_id")?;
        }
        Some(t)
    } else {
        None
    };
    Ok(Npdu {
        network_message,
        dnet,
        snet,
        apdu: r.rest(),
    })
}

/// APDU fixed part (clause 20.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apdu<'a> {
    pub pdu_type: u8,
    pub invoke_id: Option<u8>,
    /// Service choice, or the reason of Reject/Abort.
    pub service: Option<u8>,
    pub reason: Option<u8>,
    /// Segmented message with more segments, or a later segment: the body is partial.
    pub segmented: bool,
    pub body: &'a [u8],
}

pub fn parse_apdu(apdu: &[u8]) -> PResult<Apdu<'_>> {
    let mut r = Reader::new("bacnet.apdu", apdu);
    let b0 = r.u8("pdu_type")?;
    let pdu_type = b0 >> 4;
    let seg = b0 & 0x08 != 0;
    let mut a = Apdu {
        pdu_type,
        invoke_id: None,
        service: None,
        reason: None,
        segmented: seg,
        body: &[],
    };
    match pdu_type {
        PDU_CONFIRMED_REQUEST => {
            r.skip(1, "max_segments_apdu")?;
            a.invoke_id = Some(r.u8("invoke_id")?);
            if seg {
                r.skip(2, "sequence_window")?;
            }
            a.service = Some(r.u8("service_choice")?);
        }
        PDU_UNCONFIRMED_REQUEST => a.service = Some(r.u8("service_choice")?),
        PDU_SIMPLE_ACK | PDU_ERROR => {
            a.invoke_id = Some(r.u8("invoke_id")?);
            a.service = Some(r.u8("service_choice")?);
        }
        PDU_COMPLEX_ACK => {
            a.invoke_id = Some(r.u8("invoke_id")?);
            if seg {
                r.skip(2, "sequence_window")?;
            }
            a.service = Some(r.u8("service_choice")?);
        }
        PDU_SEGMENT_ACK => {
            a.invoke_id = Some(r.u8("invoke_id")?);
            r.skip(2, "sequence_window")?;
        }
        PDU_REJECT | PDU_ABORT => {
            a.invoke_id = Some(r.u8("invoke_id")?);
            a.reason = Some(r.u8("reason")?);
        }
        _ => return Err(malformed("bacnet.apdu", "pdu_type", "reserved")),
    }
    a.body = r.rest();
    Ok(a)
}

/// One encoded tag (clause 20.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<'a> {
    pub number: u8,
    pub context: bool,
    pub opening: bool,
    pub closing: bool,
    pub data: &'a [u8],
}

pub fn parse_tag<'a>(r: &mut Reader<'a>) -> PResult<Tag<'a>> {
    let b = r.u8("tag")?;
    let mut number = b >> 4;
    if number == 0x0F {
        number = r.u8("extended_tag_number")?;
    }
    let context = b & 0x08 != 0;
    let lvt = b & 0x07;
    if context && lvt == 6 {
        return Ok(Tag {
            number,
            context,
            opening: true,
            closing: false,
            data: &[],
        });
    }
    if context && lvt == 7 {
        return Ok(Tag {
            number,
            context,
            opening: false,
            closing: true,
            data: &[],
        });
    }
    if !context && number == 1 {
        // Application Boolean: the value is the length field itself.
        return Ok(Tag {
            number,
            context,
            opening: false,
            closing: false,
            data: &[],
        });
    }
    let len = match lvt {
        5 => match r.u8("extended_length")? {
            254 => r.be16("extended_length16")? as usize,
            255 => r.be32("extended_length32")? as usize,
            n => n as usize,
        },
        n => n as usize,
    };
    let data = r.take(len, "tag_value")?;
    Ok(Tag {
        number,
        context,
        opening: false,
        closing: false,
        data,
    })
}

/// Unsigned integer of up to 4 bytes.
pub fn unsigned(data: &[u8]) -> u32 {
    data.iter().take(4).fold(0u32, |v, &b| (v << 8) | b as u32)
}

/// Object identifier: (type, instance).
pub fn object_id(data: &[u8]) -> PResult<(u16, u32)> {
    if data.len() != 4 {
        return Err(malformed("bacnet.tag", "object_identifier", "not 4 bytes"));
    }
    let v = unsigned(data);
    Ok(((v >> 22) as u16, v & 0x3F_FFFF))
}

/// I-Am body: device object id, max APDU, segmentation, vendor id.
pub fn parse_i_am(body: &[u8]) -> PResult<(u32, u32)> {
    let mut r = Reader::new("bacnet.i_am", body);
    let oid = parse_tag(&mut r)?;
    let (_, instance) = object_id(oid.data)?;
    let _max_apdu = parse_tag(&mut r)?;
    let _segmentation = parse_tag(&mut r)?;
    let vendor = parse_tag(&mut r)?;
    Ok((instance, unsigned(vendor.data)))
}

/// The object identifier (context tag 0) and property (context tag 1) that
/// ReadProperty / WriteProperty / ReadRange and their ACKs start with.
pub fn parse_object_property(body: &[u8]) -> PResult<((u16, u32), Option<u32>, Reader<'_>)> {
    let mut r = Reader::new("bacnet.property", body);
    let t = parse_tag(&mut r)?;
    if !t.context || t.number != 0 {
        return Err(malformed(
            "bacnet.property",
            "object_identifier",
            "not context tag 0",
        ));
    }
    let oid = object_id(t.data)?;
    let mut probe = r;
    let prop = match parse_tag(&mut probe) {
        Ok(p) if p.context && p.number == 1 => {
            r = probe;
            Some(unsigned(p.data))
        }
        _ => None,
    };
    Ok((oid, prop, r))
}

/// Character string value inside `[3] { ... }` of a ReadProperty-ACK, if it is one:
/// (character set, encoded bytes).
pub fn parse_property_string<'a>(mut r: Reader<'a>) -> PResult<Option<(u8, &'a [u8])>> {
    loop {
        let t = parse_tag(&mut r)?;
        if t.context && t.number == 3 && t.opening {
            break;
        }
    }
    let v = parse_tag(&mut r)?;
    if !v.context && v.number == 7 && !v.data.is_empty() {
        return Ok(Some((v.data[0], &v.data[1..])));
    }
    Ok(None)
}

/// Error PDU body: error class and code (application enumerated).
pub fn parse_error(body: &[u8]) -> PResult<(u32, u32)> {
    let mut r = Reader::new("bacnet.error", body);
    let mut t = parse_tag(&mut r)?;
    if t.opening {
        t = parse_tag(&mut r)?; // services with a constructed error
    }
    let class = unsigned(t.data);
    let code = unsigned(parse_tag(&mut r)?.data);
    Ok((class, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BVLC Original-Broadcast-NPDU carrying I-Am from device 1234 (length patched by the test).
    pub const I_AM: [u8; 20] = [
        0x81, 0x0B, 0x00, 0x14, // BVLC, original broadcast, length 20
        0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, // NPDU v1, DNET 65535 global, DLEN 0, hop 255
        0x10, 0x00, // unconfirmed request, i-Am
        0xC4, 0x02, 0x00, 0x04, 0xD2, // object id: device (8), instance 1234
        0x22, 0x05, 0xC4, // max APDU 1476 (segmentation and vendor appended by the test)
    ];

    #[test]
    fn apdu_and_i_am() {
        let mut msg = I_AM.to_vec();
        msg.extend_from_slice(&[0x91, 0x00, 0x22, 0x01, 0x04]); // segmentation both, vendor 260
        let len = msg.len() as u16;
        msg[2..4].copy_from_slice(&len.to_be_bytes());
        let (f, body) = parse_bvlc(&msg).unwrap();
        assert_eq!(f, BvlcFunction::ORIGINAL_BROADCAST_NPDU);
        let n = parse_npdu(body).unwrap();
        assert_eq!(n.dnet, Some(0xFFFF));
        let a = parse_apdu(n.apdu).unwrap();
        assert_eq!((a.pdu_type, a.service), (1, Some(0)));
        assert_eq!(parse_i_am(a.body).unwrap(), (1234, 260));
        for cut in 0..a.body.len() {
            assert!(parse_i_am(&a.body[..cut]).is_err());
        }
        for cut in 0..4 {
            assert!(parse_bvlc(&msg[..cut]).unwrap_err().is_incomplete());
        }
        assert!(bvlc_length_mismatch(&msg[..10]));
    }
}
