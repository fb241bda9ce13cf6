//! Pure parsing of the CC-Link IE Field / Control frame header: frame type,
//! source node (station) number, protocol version type, and the transient2
//! command type.

use crate::dissect::common::{PResult, Reader};

/// Header bytes every frame type has: type, 4 type-specific bytes, source
/// node number (2), protocol version type, reserved, HEC (4).
pub const HEADER_LEN: usize = 13;
/// Offset of a transient2 frame's command type (header, then 22 bytes).
pub const TRANSIENT2_CT_OFFSET: usize = HEADER_LEN + 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub frame_type: u8,
    /// Bytes 1-4: node id (big-endian, bytes 1-2) or priority and node type
    /// (byte 4), by frame type.
    pub specific: [u8; 4],
    /// Source node (station) number, as the two header bytes read big-endian.
    pub src_node: u16,
    /// 0 CC-Link IE Control, 1 CC-Link IE Field (in Field frames).
    pub protocol_ver_type: u8,
}

pub fn parse_header(data: &[u8]) -> PResult<Header> {
    let mut r = Reader::new("cclink_ie", data);
    let frame_type = r.u8("frame_type")?;
    let s = r.take(4, "type_specific")?;
    let src_node = r.be16("source_node_number")?;
    let protocol_ver_type = r.u8("protocol_version_type")?;
    r.skip(1, "reserved")?;
    r.skip(4, "hec")?;
    Ok(Header {
        frame_type,
        specific: [s[0], s[1], s[2], s[3]],
        src_node,
        protocol_ver_type,
    })
}

/// CC-Link IE Field Basic: its cyclic data travels in SLMP 3E frames on UDP
/// 61450 (request from the master, broadcast) and 61451 is its other port.
pub const BASIC_PORTS: [u16; 2] = [61450, 61451];
/// The SLMP command of the master's cyclic request.
pub const BASIC_CYCLIC_COMMAND: u16 = 0x0E70;

/// What the cyclic data of a CC-Link IE Field Basic frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basic {
    /// The master's request: its id (an IPv4 address, little-endian) and the
    /// number of slave stations it addresses.
    Request {
        command: u16,
        master_id: [u8; 4],
        stations: u16,
    },
    /// A slave's reply: its id (IPv4, little-endian) and SLMP end code.
    Response { slave_id: [u8; 4], end_code: u16 },
}

/// Parses the SLMP 3E frame (the MELSEC parser) and the cyclic header
/// after it: request data = protocol version (2), reserved (2), offset
/// information (16), master notice (12), then master id (4), group (1),
/// reserved (1), frame sequence (2), timeout (2), parallel-off count (2),
/// parameter number (2), occupied station count (2, little-endian); reply
/// data = protocol version (2), end code (2), offset information (16),
/// slave notice (20), then slave id (4).
pub fn parse_basic(datagram: &[u8]) -> PResult<Basic> {
    use crate::dissect::melsec::parser::{Kind, parse_frame};
    let f = parse_frame(datagram)?;
    let mut r = Reader::new("cclink_ie_basic", f.data);
    match (f.kind, f.command) {
        (Kind::Request3E | Kind::Request4E, Some((command, _))) => {
            r.skip(32, "request_head")?;
            let id = r.take(4, "master_id")?;
            r.skip(10, "cyclic_information")?;
            let stations = r.le16("occupied_station_count")?;
            Ok(Basic::Request {
                command,
                master_id: [id[0], id[1], id[2], id[3]],
                stations,
            })
        }
        _ => {
            r.skip(40, "response_head")?;
            let id = r.take(4, "slave_id")?;
            Ok(Basic::Response {
                slave_id: [id[0], id[1], id[2], id[3]],
                end_code: f.end_code.unwrap_or(0),
            })
        }
    }
}

/// CC-Link IE TSN link-management SLMP ports.
pub const TSN_PORTS: [u16; 2] = [45238, 45239];

/// A TSN link-management frame: subheader (2: 0x6800 request, 0xE800
/// response), 12 header bytes, data length (2, little-endian: the bytes
/// after the next two), 2 bytes (timer / end code), command (2) and
/// subcommand (2), both little-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tsn {
    pub response: bool,
    pub command: u16,
    pub subcommand: u16,
    /// The data length disagrees with the datagram.
    pub length_mismatch: bool,
}

pub fn parse_tsn(datagram: &[u8]) -> PResult<Tsn> {
    use super::codes::{TSN_REQUEST, TSN_RESPONSE};
    let mut r = Reader::new("cclink_ie_tsn", datagram);
    let sub = r.take(2, "subheader")?;
    let response = match [sub[0], sub[1]] {
        TSN_REQUEST => false,
        TSN_RESPONSE => true,
        _ => {
            return Err(crate::dissect::common::malformed(
                "cclink_ie_tsn",
                "subheader",
                "not 0x6800 / 0xE800",
            ));
        }
    };
    r.skip(12, "header")?;
    let len = usize::from(r.le16("data_length")?);
    r.skip(2, "timer_or_end_code")?;
    let command = r.le16("command")?;
    let subcommand = r.le16("subcommand")?;
    Ok(Tsn {
        response,
        command,
        subcommand,
        length_mismatch: 16 + len != datagram.len(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// cclink_ie_field_control_nttcom.pcap frame 1: transient IP frame
    /// (0x26): node id 0x0400, connection info 0, source node 0x0100,
    /// protocol version type 0 (the capture is synthetic: its values are
    /// not those of a real network).
    pub const IP_TRANSIENT: [u8; 16] = [
        0x26, 0x04, 0x00, 0x00, 0x13, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00,
    ];

    /// The head of cclink_ie_field_basic_nttcom.pcap frame 1 (the master's
    /// cyclic request), cut after the first slave id with the SLMP length
    /// set to match.
    pub fn basic_request() -> Vec<u8> {
        let mut v = vec![
            0x50, 0x00, 0x00, 0xFF, 0xFF, 0x03,
            0x00, // 3E request, network 0, PC 0xFF, I/O 0x03FF
            0x3E, 0x00, // data length 62
            0x00, 0x00, // monitoring timer
            0x70, 0x0E, 0x00, 0x00, // command 0x0E70, subcommand 0
            0x01, 0x00, 0x00, 0x00, // protocol version 1, reserved
        ];
        v.extend_from_slice(&[0x24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // offsets
        v.extend_from_slice(&[1, 0, 0, 0, 0x2B, 0xAF, 0x8D, 0x68, 0x81, 1, 0, 0]); // master notice
        v.extend_from_slice(&[0x80, 0x86, 0x10, 0xAC]); // master id 172.16.134.128
        v.extend_from_slice(&[1, 0, 0xD8, 0x06, 0xF4, 0x01, 3, 0, 0x0B, 0]); // group .. parameter no.
        v.extend_from_slice(&[1, 0, 0, 0, 0, 0]); // 1 occupied station, state, reserved
        v.extend_from_slice(&[0x81, 0x86, 0x10, 0xAC]); // slave id 172.16.134.129
        v
    }

    #[test]
    fn basic_request_master_and_stations() {
        let b = basic_request();
        assert_eq!(b.len(), 9 + 62);
        assert_eq!(
            parse_basic(&b).unwrap(),
            Basic::Request {
                command: BASIC_CYCLIC_COMMAND,
                master_id: [0x80, 0x86, 0x10, 0xAC],
                stations: 1
            }
        );
        for n in 0..b.len() {
            assert!(parse_basic(&b[..n]).is_err(), "{n}");
        }
    }

    /// cclink_ie_tsn_slmp_nttcom.pcap frame 8: a request (0x6800), data
    /// length 16, command 0x0E92 (slave configuration), subcommand 0.
    pub const TSN_SLAVE_CONFIG: [u8; 32] = [
        0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x10,
        0x00, 0x00, 0x00, 0x92, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x00,
    ];

    #[test]
    fn tsn_command_and_length() {
        let t = parse_tsn(&TSN_SLAVE_CONFIG).unwrap();
        assert_eq!(
            t,
            Tsn {
                response: false,
                command: 0x0E92,
                subcommand: 0,
                length_mismatch: false
            }
        );
        for n in 0..22 {
            assert!(parse_tsn(&TSN_SLAVE_CONFIG[..n]).is_err());
        }
        assert!(parse_tsn(&TSN_SLAVE_CONFIG[..30]).unwrap().length_mismatch);
    }

    #[test]
    fn header_fields_and_truncations() {
        // Frame type 0x26, bytes 1-4 04 00 00 13, source node 01 00, version 0.
        let h = parse_header(&IP_TRANSIENT).unwrap();
        assert_eq!(h.frame_type, 0x26);
        assert_eq!(h.specific, [0x04, 0x00, 0x00, 0x13]);
        assert_eq!(h.src_node, 0x0100);
        assert_eq!(h.protocol_ver_type, 0);
        for n in 0..HEADER_LEN {
            assert!(parse_header(&IP_TRANSIENT[..n]).is_err());
        }
    }
}
