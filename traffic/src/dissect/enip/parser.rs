//! Pure parsing of EtherNet/IP encapsulation, the Common Packet Format and CIP
//! message-router requests/responses.

use crate::dissect::common::{PResult, Reader, malformed};

pub const ENCAP_HEADER_LEN: usize = 24;
/// Largest encapsulation data we accept (the spec's 65511-byte maximum).
pub const MAX_ENCAP_DATA: u16 = 65511;

/// Encapsulation header (CIP Vol. 2 §2-3.1), little endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncapHeader {
    pub command: u16,
    pub length: u16,
    pub session: u32,
    pub status: u32,
}

/// Parses the header and cuts out the command-specific data.
pub fn parse_encap(data: &[u8]) -> PResult<(EncapHeader, &[u8])> {
    let mut r = Reader::new("enip.encap", data);
    let command = r.le16("command")?;
    let length = r.le16("length")?;
    let session = r.le32("session_handle")?;
    let status = r.le32("status")?;
    r.skip(8, "sender_context")?;
    let _options = r.le32("options")?;
    let body = r.take(length as usize, "data")?;
    Ok((
        EncapHeader {
            command,
            length,
            session,
            status,
        },
        body,
    ))
}

/// One CPF item: type id and its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpfItem<'a> {
    pub type_id: u16,
    pub data: &'a [u8],
}

/// Common Packet Format: item count then items; calls `each` per item.
pub fn parse_cpf<'a>(data: &'a [u8], mut each: impl FnMut(CpfItem<'a>)) -> PResult<()> {
    let mut r = Reader::new("enip.cpf", data);
    let count = r.le16("item_count")?;
    for _ in 0..count {
        let type_id = r.le16("type_id")?;
        let len = r.le16("length")?;
        let data = r.take(len as usize, "item_data")?;
        each(CpfItem { type_id, data });
    }
    Ok(())
}

/// SendRRData / SendUnitData: interface handle and timeout, then CPF.
pub fn parse_send_data(body: &[u8]) -> PResult<&[u8]> {
    let mut r = Reader::new("enip.send_data", body);
    let _interface = r.le32("interface_handle")?;
    let _timeout = r.le16("timeout")?;
    Ok(r.rest())
}

/// CIP Identity item (ListIdentity response, CIP Vol. 2 §2-4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub vendor_id: u16,
    pub device_type: u16,
    pub product_code: u16,
    pub revision: (u8, u8),
    pub status: u16,
    pub serial: u32,
    pub product_name: &'a [u8],
    pub ip: [u8; 4],
}

pub fn parse_identity(item: &[u8]) -> PResult<Identity<'_>> {
    let mut r = Reader::new("enip.list_identity", item);
    let _version = r.le16("encapsulation_version")?;
    let _family = r.be16("sin_family")?;
    let _port = r.be16("sin_port")?;
    let ip = r.take(4, "sin_addr")?;
    r.skip(8, "sin_zero")?;
    let vendor_id = r.le16("vendor_id")?;
    let device_type = r.le16("device_type")?;
    let product_code = r.le16("product_code")?;
    let major = r.u8("revision_major")?;
    let minor = r.u8("revision_minor")?;
    let status = r.le16("status")?;
    let serial = r.le32("serial_number")?;
    let name_len = r.u8("product_name_length")?;
    let product_name = r.take(name_len as usize, "product_name")?;
    Ok(Identity {
        vendor_id,
        device_type,
        product_code,
        revision: (major, minor),
        status,
        serial,
        product_name,
        ip: [ip[0], ip[1], ip[2], ip[3]],
    })
}

/// Logical path targets of a request (CIP Vol. 1 appendix C).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Path<'a> {
    pub class: Option<u32>,
    pub instance: Option<u32>,
    pub attribute: Option<u32>,
    /// ANSI extended symbolic segment (Logix tag name), first one only.
    pub symbol: Option<&'a [u8]>,
}

/// Parses a padded EPATH; unknown segment types end the walk as malformed.
pub fn parse_path(path: &[u8]) -> PResult<Path<'_>> {
    let mut r = Reader::new("cip.path", path);
    let mut p = Path::default();
    while r.remaining() > 0 {
        let seg = r.u8("segment_type")?;
        match seg >> 5 {
            // Port segment: port number in the low nibble, link address follows.
            0 => {
                let ext_port = seg & 0x0F == 0x0F;
                if seg & 0x10 != 0 {
                    let len = r.u8("link_address_size")? as usize;
                    if ext_port {
                        r.skip(2, "extended_port")?;
                    }
                    r.skip(len + (len & 1), "link_address")?;
                } else {
                    if ext_port {
                        r.skip(2, "extended_port")?;
                    }
                    r.skip(1, "link_address")?;
                }
            }
            // Logical segment.
            1 => {
                let value = match seg & 0x03 {
                    0 => r.u8("logical_value")? as u32,
                    1 => {
                        r.skip(1, "pad")?;
                        r.le16("logical_value")? as u32
                    }
                    2 => {
                        r.skip(1, "pad")?;
                        r.le32("logical_value")?
                    }
                    _ => return Err(malformed("cip.path", "logical_format", "reserved")),
                };
                match (seg >> 2) & 0x07 {
                    0 => p.class = Some(value),
                    1 => p.instance = Some(value),
                    2 => {}                                       // member id
                    3 => p.instance = p.instance.or(Some(value)), // connection point
                    4 => p.attribute = Some(value),
                    _ => {}
                }
            }
            // Network segment: one data byte (or a word count for 0x5F).
            2 => {
                if seg == 0x5F {
                    let words = r.le16("network_data_words")? as usize;
                    r.skip(words * 2, "network_data")?;
                } else {
                    r.skip(1, "network_data")?;
                }
            }
            // Symbolic segment: size in the low bits.
            3 => {
                let n = (seg & 0x1F) as usize;
                r.skip(n, "symbol")?;
            }
            // Data segment: 0x80 simple data (word count), 0x91 ANSI extended symbol.
            4 => match seg {
                0x80 => {
                    let words = r.u8("data_words")? as usize;
                    r.skip(words * 2, "data")?;
                }
                0x91 => {
                    let n = r.u8("symbol_length")? as usize;
                    let s = r.take(n, "symbol")?;
                    r.skip(n & 1, "pad")?;
                    if p.symbol.is_none() {
                        p.symbol = Some(s);
                    }
                }
                _ => return Err(malformed("cip.path", "data_segment", "unknown subtype")),
            },
            _ => return Err(malformed("cip.path", "segment_type", "unsupported")),
        }
    }
    Ok(p)
}

/// A CIP message-router message: request (service, path, data) or response
/// (service, general status, data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipMessage<'a> {
    Request {
        service: u8,
        path: &'a [u8],
        data: &'a [u8],
    },
    Response {
        service: u8,
        status: u8,
        ext_status: Option<u16>,
        data: &'a [u8],
    },
}

pub fn parse_cip(msg: &[u8]) -> PResult<CipMessage<'_>> {
    let mut r = Reader::new("cip", msg);
    let sc = r.u8("service")?;
    if sc & 0x80 != 0 {
        let _reserved = r.u8("reserved")?;
        let status = r.u8("general_status")?;
        let ext_words = r.u8("additional_status_size")? as usize;
        let ext = r.take(ext_words * 2, "additional_status")?;
        let ext_status = (ext.len() >= 2).then(|| u16::from_le_bytes([ext[0], ext[1]]));
        Ok(CipMessage::Response {
            service: sc & 0x7F,
            status,
            ext_status,
            data: r.rest(),
        })
    } else {
        let words = r.u8("request_path_size")? as usize;
        let path = r.take(words * 2, "request_path")?;
        Ok(CipMessage::Request {
            service: sc,
            path,
            data: r.rest(),
        })
    }
}

/// Multiple Service Packet body: service count and offsets (relative to the count);
/// calls `each` with every embedded message.
pub fn parse_multiple_service<'a>(data: &'a [u8], mut each: impl FnMut(&'a [u8])) -> PResult<()> {
    let mut r = Reader::new("cip.multiple_service_packet", data);
    let count = r.le16("number_of_services")? as usize;
    let table = r.take(count * 2, "offsets")?;
    for i in 0..count {
        let start = u16::from_le_bytes([table[2 * i], table[2 * i + 1]]) as usize;
        let end = if i + 1 < count {
            u16::from_le_bytes([table[2 * i + 2], table[2 * i + 3]]) as usize
        } else {
            data.len()
        };
        if start > end || end > data.len() || start < 2 + count * 2 {
            return Err(malformed(
                "cip.multiple_service_packet",
                "offset",
                "outside the packet",
            ));
        }
        each(&data[start..end]);
    }
    Ok(())
}

/// Unconnected Send request data: the embedded message request.
pub fn parse_unconnected_send(data: &[u8]) -> PResult<&[u8]> {
    let mut r = Reader::new("cip.unconnected_send", data);
    let _priority = r.u8("priority_time_tick")?;
    let _timeout = r.u8("timeout_ticks")?;
    let size = r.le16("message_request_size")? as usize;
    r.take(size, "message_request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_with_class_instance_attribute() {
        // 0x20 class 8-bit 0x8B, 0x24 instance 1, 0x30 attribute 3
        let p = parse_path(&[0x20, 0x8B, 0x24, 0x01, 0x30, 0x03]).unwrap();
        assert_eq!(
            (p.class, p.instance, p.attribute),
            (Some(0x8B), Some(1), Some(3))
        );
        // 0x21 class 16-bit (pad, 0x0123), 0x91 symbol "Tag" padded
        let p = parse_path(&[0x21, 0x00, 0x23, 0x01, 0x91, 0x03, b'T', b'a', b'g', 0x00]).unwrap();
        assert_eq!(p.class, Some(0x0123));
        assert_eq!(p.symbol, Some(&b"Tag"[..]));
    }

    #[test]
    fn multiple_service_offsets_cut_each_service() {
        let data = [
            0x02, 0x00, // two services
            0x06, 0x00, // first at offset 6
            0x0C, 0x00, // second at offset 12
            0x0E, 0x02, 0x20, 0x01, 0x24, 0x01, // get_attribute_single identity/1
            0x0E, 0x02, 0x20, 0x01, 0x24, 0x02, // get_attribute_single identity/2
        ];
        let mut n = 0;
        parse_multiple_service(&data, |m| {
            assert!(matches!(
                parse_cip(m),
                Ok(CipMessage::Request { service: 0x0E, .. })
            ));
            n += 1;
        })
        .unwrap();
        assert_eq!(n, 2);
        for cut in 0..6 {
            assert!(parse_multiple_service(&data[..cut], |_| {}).is_err());
        }
    }

    #[test]
    fn every_truncated_encapsulation_header_is_incomplete() {
        let msg = [
            0x63, 0x00, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0xAA, 0xBB,
        ];
        assert!(parse_encap(&msg).is_ok());
        for n in 0..msg.len() {
            assert!(parse_encap(&msg[..n]).unwrap_err().is_incomplete());
        }
    }
}
