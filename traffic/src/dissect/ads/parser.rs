//! Pure parsing of AMS/TCP, the AMS header, ADS command bodies and the UDP
//! (48899) discovery / route datagrams. All little-endian.

use crate::dissect::common::{PResult, Reader, malformed};

/// Largest AMS packet accepted; larger lengths are taken as broken framing
/// rather than buffered (real ADS frames stay far below this).
pub const MAX_AMS_LEN: usize = 16 * 1024 * 1024;
pub const AMS_HEADER_LEN: usize = 32;
pub const AMS_TCP_HEADER_LEN: usize = 6;

/// AMS/TCP header: reserved (0 for an AMS packet), length of what follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpHeader {
    pub reserved: u16,
    /// Bytes of the whole message, header included.
    pub total_len: usize,
}

pub fn parse_tcp(data: &[u8]) -> PResult<(TcpHeader, &[u8])> {
    let mut r = Reader::new("ams.tcp", data);
    let reserved = r.le16("reserved")?;
    if reserved != 0 && !matches!(reserved, 0x1000 | 0x1001) {
        return Err(malformed("ams.tcp", "reserved", "not an AMS/TCP command"));
    }
    let len = r.le32("length")? as usize;
    if len > MAX_AMS_LEN {
        return Err(malformed("ams.tcp", "length", "too large"));
    }
    let body = r.take(len, "ams_packet")?;
    Ok((
        TcpHeader {
            reserved,
            total_len: AMS_TCP_HEADER_LEN + len,
        },
        body,
    ))
}

/// AMS net id and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmsAddr {
    pub net_id: [u8; 6],
    pub port: u16,
}

impl AmsAddr {
    pub fn net_id_string(&self) -> String {
        let n = self.net_id;
        format!("{}.{}.{}.{}.{}.{}", n[0], n[1], n[2], n[3], n[4], n[5])
    }
}

pub const STATE_RESPONSE: u16 = 0x0001;

/// The 32-byte AMS header and the ADS data after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmsPacket<'a> {
    pub target: AmsAddr,
    pub source: AmsAddr,
    pub command: u16,
    pub state_flags: u16,
    pub error_code: u32,
    pub invoke_id: u32,
    /// The ADS data, cut to the header's data length when it fits.
    pub data: &'a [u8],
    /// The data length field disagrees with the bytes present.
    pub length_mismatch: bool,
}

impl AmsPacket<'_> {
    pub fn is_response(&self) -> bool {
        self.state_flags & STATE_RESPONSE != 0
    }
}

fn ams_addr(r: &mut Reader<'_>, field: &'static str) -> PResult<AmsAddr> {
    let id = r.take(6, field)?;
    let mut net_id = [0u8; 6];
    net_id.copy_from_slice(id);
    Ok(AmsAddr {
        net_id,
        port: r.le16(field)?,
    })
}

pub fn parse_ams(packet: &[u8]) -> PResult<AmsPacket<'_>> {
    let mut r = Reader::new("ams", packet);
    let target = ams_addr(&mut r, "target")?;
    let source = ams_addr(&mut r, "source")?;
    let command = r.le16("command_id")?;
    let state_flags = r.le16("state_flags")?;
    let data_len = r.le32("data_length")? as usize;
    let error_code = r.le32("error_code")?;
    let invoke_id = r.le32("invoke_id")?;
    let rest = r.rest();
    let length_mismatch = data_len != rest.len();
    Ok(AmsPacket {
        target,
        source,
        command,
        state_flags,
        error_code,
        invoke_id,
        data: &rest[..data_len.min(rest.len())],
        length_mismatch,
    })
}

/// Index group, index offset, length: the start of read, write, add notification
/// and read/write requests.
pub fn parse_index(data: &[u8]) -> PResult<(u32, u32, u32)> {
    let mut r = Reader::new("ads.index", data);
    Ok((
        r.le32("index_group")?,
        r.le32("index_offset")?,
        r.le32("length")?,
    ))
}

/// Read/write request: index group, offset, read length, write length.
pub fn parse_read_write(data: &[u8]) -> PResult<(u32, u32, u32, u32)> {
    let mut r = Reader::new("ads.read_write", data);
    let ig = r.le32("index_group")?;
    let io = r.le32("index_offset")?;
    let read_len = r.le32("read_length")?;
    let write_len = r.le32("write_length")?;
    if r.remaining() < write_len as usize {
        return Err(malformed(
            "ads.read_write",
            "data",
            "shorter than write length",
        ));
    }
    Ok((ig, io, read_len, write_len))
}

/// Write control request: ADS state, device state.
pub fn parse_write_control(data: &[u8]) -> PResult<(u16, u16)> {
    let mut r = Reader::new("ads.write_control", data);
    Ok((r.le16("ads_state")?, r.le16("device_state")?))
}

/// The ADS result code at the start of every response body.
pub fn parse_result(data: &[u8]) -> PResult<u32> {
    Reader::new("ads.response", data).le32("result")
}

/// Read device info response: result, major, minor, build, 16-byte device name.
pub struct DeviceInfo<'a> {
    pub result: u32,
    pub major: u8,
    pub minor: u8,
    pub build: u16,
    pub name: &'a [u8],
}

pub fn parse_device_info(data: &[u8]) -> PResult<DeviceInfo<'_>> {
    let mut r = Reader::new("ads.device_info", data);
    let result = r.le32("result")?;
    if result != 0 {
        // A failed reply carries no info.
        return Ok(DeviceInfo {
            result,
            major: 0,
            minor: 0,
            build: 0,
            name: &[],
        });
    }
    Ok(DeviceInfo {
        result,
        major: r.u8("major")?,
        minor: r.u8("minor")?,
        build: r.le16("build")?,
        name: r.take(16, "device_name")?,
    })
}

/// First 4 bytes of an ADS discovery / route datagram.
pub const UDP_MAGIC: [u8; 4] = [0x03, 0x66, 0x14, 0x71];
pub const UDP_RESPONSE: u32 = 0x8000_0000;

/// An ADS UDP datagram: invoke id, service, sender's AMS address, tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpMessage<'a> {
    pub invoke_id: u32,
    pub service: u32,
    pub sender: AmsAddr,
    pub tag_count: u32,
    pub tags: &'a [u8],
}

pub fn parse_udp(data: &[u8]) -> PResult<UdpMessage<'_>> {
    let mut r = Reader::new("ads.udp", data);
    if r.take(4, "magic")? != UDP_MAGIC {
        return Err(malformed("ads.udp", "magic", "not 03 66 14 71"));
    }
    let invoke_id = r.le32("invoke_id")?;
    let service = r.le32("service")?;
    let sender = ams_addr(&mut r, "sender")?;
    // A bare request (e.g. discovery) may end after the address.
    let tag_count = if r.remaining() == 0 {
        0
    } else {
        r.le32("tag_count")?
    };
    Ok(UdpMessage {
        invoke_id,
        service,
        sender,
        tag_count,
        tags: r.rest(),
    })
}

/// Calls `f(tag id, data)` for each of `count` tags (id u16, length u16, data).
pub fn parse_tags(tags: &[u8], count: u32, mut f: impl FnMut(u16, &[u8])) -> PResult<()> {
    let mut r = Reader::new("ads.udp.tag", tags);
    for _ in 0..count {
        let id = r.le16("tag_id")?;
        let len = r.le16("tag_length")? as usize;
        f(id, r.take(len, "tag_data")?);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// AMS/TCP read state request from 192.168.1.199.1.1:32816 to 5.13.117.96.1.1:851.
    pub const READ_STATE_REQ: [u8; 38] = [
        0x00, 0x00, 0x20, 0x00, 0x00, 0x00, // AMS/TCP: length 32
        5, 13, 117, 96, 1, 1, 0x53, 0x03, // target net id, port 851
        192, 168, 1, 199, 1, 1, 0x30, 0x80, // source net id, port 32816
        0x04, 0x00, 0x04, 0x00, // read state, request + ADS command
        0x00, 0x00, 0x00, 0x00, // data length 0
        0x00, 0x00, 0x00, 0x00, // error code
        0x07, 0x00, 0x00, 0x00, // invoke id 7
    ];

    /// UDP add-route request: route name "PC", net id, user "u", password "p".
    pub const ADD_ROUTE_REQ: [u8; 51] = [
        0x03, 0x66, 0x14, 0x71, // magic
        0x01, 0x00, 0x00, 0x00, // invoke id
        0x06, 0x00, 0x00, 0x00, // service: add route
        192, 168, 1, 199, 1, 1, 0x10, 0x27, // sender net id, port 10000
        0x04, 0x00, 0x00, 0x00, // 4 tags
        0x0C, 0x00, 0x03, 0x00, b'P', b'C', 0, // route name
        0x07, 0x00, 0x06, 0x00, 192, 168, 1, 199, 1, 1, // net id
        0x0D, 0x00, 0x02, 0x00, b'u', 0, // user
        0x02, 0x00, 0x00, 0x00, // password (empty)
    ];

    #[test]
    fn read_state_request() {
        let (h, body) = parse_tcp(&READ_STATE_REQ).unwrap();
        assert_eq!((h.reserved, h.total_len), (0, 38));
        let p = parse_ams(body).unwrap();
        assert_eq!(p.target.net_id_string(), "5.13.117.96.1.1");
        assert_eq!((p.target.port, p.source.port), (851, 32816));
        assert_eq!((p.command, p.invoke_id), (4, 7));
        assert!(!p.is_response() && !p.length_mismatch);
        for n in 0..READ_STATE_REQ.len() {
            assert!(parse_tcp(&READ_STATE_REQ[..n]).unwrap_err().is_incomplete());
        }
    }

    #[test]
    fn add_route_request() {
        let m = parse_udp(&ADD_ROUTE_REQ).unwrap();
        let mut ids = Vec::new();
        parse_tags(m.tags, m.tag_count, |id, _| ids.push(id)).unwrap();
        assert_eq!(ids, [0x0C, 7, 0x0D, 2]);
    }

    #[test]
    fn udp_tags() {
        let mut d = UDP_MAGIC.to_vec();
        d.extend_from_slice(&[1, 0, 0, 0, 6, 0, 0, 0, 192, 168, 1, 199, 1, 1, 0x10, 0x27]);
        d.extend_from_slice(&[1, 0, 0, 0, 0x0C, 0, 3, 0, b'P', b'C', 0]);
        let m = parse_udp(&d).unwrap();
        assert_eq!((m.service, m.sender.port, m.tag_count), (6, 10000, 1));
        let mut seen = Vec::new();
        parse_tags(m.tags, m.tag_count, |id, v| seen.push((id, v.to_vec()))).unwrap();
        assert_eq!(seen, vec![(0x0C, b"PC\0".to_vec())]);
        assert!(parse_tags(m.tags, 2, |_, _| {}).is_err());
    }
}
