//! IPv4 (with options and fragments) and IPv6 (with extension headers).

use crate::error::{DecodeError, Layer, be16, be32, need};
use std::net::{Ipv4Addr, Ipv6Addr};

/// IP protocol numbers the decoders act on.
pub mod proto {
    pub const HOP_BY_HOP: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6_ROUTING: u8 = 43;
    pub const IPV6_FRAGMENT: u8 = 44;
    pub const ESP: u8 = 50;
    pub const AH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const IPV6_NO_NEXT: u8 = 59;
    pub const IPV6_DEST_OPTS: u8 = 60;
    pub const MOBILITY: u8 = 135;
    pub const HIP: u8 = 139;
    pub const SHIM6: u8 = 140;
}

/// An IPv4 header and its payload, cut to the header's total length.
#[derive(Debug, Clone, Copy)]
pub struct Ipv4Slice<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    payload_truncated: bool,
}

impl<'a> Ipv4Slice<'a> {
    pub const MIN_HEADER_LEN: usize = 20;

    /// Checks the header once; the payload is cut at `total_length` so that
    /// Ethernet padding is not taken for data. A capture cut short by its
    /// snap length is not an error: see [`Ipv4Slice::payload_truncated`].
    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Ipv4, "header", data, Self::MIN_HEADER_LEN)?;
        let version = data[0] >> 4;
        if version != 4 {
            return Err(DecodeError::Invalid {
                layer: Layer::Ipv4,
                field: "version",
                value: version.into(),
            });
        }
        let ihl = usize::from(data[0] & 0x0f) * 4;
        if ihl < Self::MIN_HEADER_LEN {
            return Err(DecodeError::Invalid {
                layer: Layer::Ipv4,
                field: "header length",
                value: ihl as u32,
            });
        }
        need(Layer::Ipv4, "options", data, ihl)?;
        let total = usize::from(be16(data, 2));
        // Zero total length is what TCP segmentation offload leaves in captures taken on the sender.
        let total = if total == 0 { data.len() } else { total };
        if total < ihl {
            return Err(DecodeError::Invalid {
                layer: Layer::Ipv4,
                field: "total length",
                value: total as u32,
            });
        }
        let end = total.min(data.len());
        Ok(Ipv4Slice {
            header: &data[..ihl],
            payload: &data[ihl..end],
            payload_truncated: total > data.len(),
        })
    }

    pub fn header_len(&self) -> usize {
        self.header.len()
    }
    pub fn dscp(&self) -> u8 {
        self.header[1] >> 2
    }
    pub fn total_len(&self) -> u16 {
        be16(self.header, 2)
    }
    pub fn identification(&self) -> u16 {
        be16(self.header, 4)
    }
    pub fn dont_fragment(&self) -> bool {
        self.header[6] & 0x40 != 0
    }
    pub fn more_fragments(&self) -> bool {
        self.header[6] & 0x20 != 0
    }
    /// Fragment offset in bytes.
    pub fn fragment_offset(&self) -> u32 {
        u32::from(be16(self.header, 6) & 0x1fff) * 8
    }
    /// True for every fragment of a fragmented datagram, first one included.
    pub fn is_fragment(&self) -> bool {
        self.more_fragments() || self.fragment_offset() != 0
    }
    pub fn ttl(&self) -> u8 {
        self.header[8]
    }
    pub fn protocol(&self) -> u8 {
        self.header[9]
    }
    pub fn checksum(&self) -> u16 {
        be16(self.header, 10)
    }
    pub fn source(&self) -> Ipv4Addr {
        Ipv4Addr::from(be32(self.header, 12))
    }
    pub fn destination(&self) -> Ipv4Addr {
        Ipv4Addr::from(be32(self.header, 16))
    }
    /// Raw option bytes (empty without options).
    pub fn options(&self) -> &'a [u8] {
        &self.header[Self::MIN_HEADER_LEN..]
    }
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
    /// The capture holds fewer bytes than the header's total length says.
    pub fn payload_truncated(&self) -> bool {
        self.payload_truncated
    }
}

/// IPv6 fragment extension header contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Fragment {
    /// Offset in bytes.
    pub offset: u32,
    pub more: bool,
    pub identification: u32,
}

/// An IPv6 header with its extension headers walked to the upper-layer protocol.
#[derive(Debug, Clone, Copy)]
pub struct Ipv6Slice<'a> {
    header: &'a [u8],
    next_header: u8,
    extensions_len: usize,
    fragment: Option<Ipv6Fragment>,
    payload: &'a [u8],
    payload_truncated: bool,
}

impl<'a> Ipv6Slice<'a> {
    pub const HEADER_LEN: usize = 40;
    /// Bound on the extension header chain so crafted packets cannot loop us long.
    pub const MAX_EXTENSIONS: usize = 8;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Ipv6, "header", data, Self::HEADER_LEN)?;
        let version = data[0] >> 4;
        if version != 6 {
            return Err(DecodeError::Invalid {
                layer: Layer::Ipv6,
                field: "version",
                value: version.into(),
            });
        }
        let payload_len = usize::from(be16(data, 4));
        // Zero payload length means a jumbogram or TSO; take what was captured.
        let total = if payload_len == 0 {
            data.len()
        } else {
            Self::HEADER_LEN + payload_len
        };
        let end = total.min(data.len());
        let body = &data[Self::HEADER_LEN..end];
        let mut next = data[6];
        let mut at = 0usize;
        let mut fragment = None;
        for _ in 0..Self::MAX_EXTENSIONS {
            match next {
                proto::HOP_BY_HOP
                | proto::IPV6_ROUTING
                | proto::IPV6_DEST_OPTS
                | proto::MOBILITY
                | proto::HIP
                | proto::SHIM6 => {
                    let ext = &body[at.min(body.len())..];
                    need(Layer::Ipv6Ext, "extension header", ext, 8)?;
                    let len = (usize::from(ext[1]) + 1) * 8;
                    need(Layer::Ipv6Ext, "extension header body", ext, len)?;
                    next = ext[0];
                    at += len;
                }
                proto::AH => {
                    let ext = &body[at.min(body.len())..];
                    need(Layer::Ipv6Ext, "authentication header", ext, 8)?;
                    let len = (usize::from(ext[1]) + 2) * 4;
                    need(Layer::Ipv6Ext, "authentication header body", ext, len)?;
                    next = ext[0];
                    at += len;
                }
                proto::IPV6_FRAGMENT => {
                    let ext = &body[at.min(body.len())..];
                    need(Layer::Ipv6Ext, "fragment header", ext, 8)?;
                    let off = be16(ext, 2);
                    let frag = Ipv6Fragment {
                        offset: u32::from(off & 0xfff8),
                        more: off & 1 != 0,
                        identification: be32(ext, 4),
                    };
                    fragment = Some(frag);
                    next = ext[0];
                    at += 8;
                    // Later fragments carry no upper-layer header to walk into.
                    if frag.offset != 0 {
                        break;
                    }
                }
                _ => break,
            }
        }
        Ok(Ipv6Slice {
            header: &data[..Self::HEADER_LEN],
            next_header: next,
            extensions_len: at,
            fragment,
            payload: &body[at.min(body.len())..],
            payload_truncated: total > data.len(),
        })
    }

    pub fn traffic_class(&self) -> u8 {
        ((be16(self.header, 0) >> 4) & 0xff) as u8
    }
    pub fn flow_label(&self) -> u32 {
        be32(self.header, 0) & 0x000f_ffff
    }
    pub fn payload_len(&self) -> u16 {
        be16(self.header, 4)
    }
    pub fn hop_limit(&self) -> u8 {
        self.header[7]
    }
    pub fn source(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.header[8..24]);
        Ipv6Addr::from(a)
    }
    pub fn destination(&self) -> Ipv6Addr {
        let mut a = [0u8; 16];
        a.copy_from_slice(&self.header[24..40]);
        Ipv6Addr::from(a)
    }
    /// Upper-layer protocol after the extension headers.
    pub fn next_header(&self) -> u8 {
        self.next_header
    }
    /// Total bytes of extension headers walked.
    pub fn extensions_len(&self) -> usize {
        self.extensions_len
    }
    pub fn fragment(&self) -> Option<Ipv6Fragment> {
        self.fragment
    }
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
    pub fn payload_truncated(&self) -> bool {
        self.payload_truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V4_WITH_OPTIONS: [u8; 30] = [
        0x46, 0x00, // version 4, IHL 6 (24 bytes), DSCP 0
        0x00, 0x1c, // total length 28: header + 4 bytes of payload
        0x12, 0x34, // identification
        0x20, 0x02, // flags: more fragments; offset 2 (16 bytes)
        0x40, 0x06, // TTL 64, protocol TCP
        0x00, 0x00, // checksum (not verified)
        10, 0, 0, 1, // source
        10, 0, 0, 2, // destination
        0x01, 0x01, 0x01, 0x00, // options: NOP NOP NOP EOL
        0xde, 0xad, 0xbe, 0xef, // payload
        0x00, 0x00, // Ethernet padding past total length
    ];

    #[test]
    fn ipv4_options_fragment_padding() {
        let ip = Ipv4Slice::from_slice(&V4_WITH_OPTIONS).unwrap();
        assert_eq!(ip.header_len(), 24);
        assert_eq!(ip.options(), &[1, 1, 1, 0]);
        assert_eq!(ip.payload(), &[0xde, 0xad, 0xbe, 0xef]);
        assert!(ip.is_fragment() && ip.more_fragments());
        assert_eq!(ip.fragment_offset(), 16);
        assert_eq!((ip.ttl(), ip.protocol()), (64, proto::TCP));
        assert_eq!(ip.source(), Ipv4Addr::new(10, 0, 0, 1));
        assert!(!ip.payload_truncated());
        // Cut inside the payload: decodes, flagged truncated.
        let short = Ipv4Slice::from_slice(&V4_WITH_OPTIONS[..26]).unwrap();
        assert!(short.payload_truncated());
        // Cut inside the options: an error naming the field.
        let err = Ipv4Slice::from_slice(&V4_WITH_OPTIONS[..22]).unwrap_err();
        assert_eq!(
            err,
            DecodeError::Truncated {
                layer: Layer::Ipv4,
                field: "options",
                needed: 24,
                available: 22
            }
        );
    }

    #[test]
    fn ipv6_extension_chain() {
        let mut p = vec![
            0x60, 0x00, 0x00, 0x00, // version 6, class 0, flow 0
            0x00, 0x18, // payload length 24
            0x00, 0x40, // next header hop-by-hop, hop limit 64
        ];
        p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]); // source fe80::1
        p.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb]); // ff02::fb
        p.extend_from_slice(&[0x2c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00]); // hop-by-hop: next fragment, len 0, PadN
        p.extend_from_slice(&[0x11, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07]); // fragment: next UDP, offset 0, M=1, id 7
        p.extend_from_slice(&[0x14, 0xe9, 0x14, 0xe9, 0x00, 0x08, 0x00, 0x00]); // UDP 5353 -> 5353
        let ip = Ipv6Slice::from_slice(&p).unwrap();
        assert_eq!(ip.next_header(), proto::UDP);
        assert_eq!(ip.extensions_len(), 16);
        assert_eq!(
            ip.fragment(),
            Some(Ipv6Fragment {
                offset: 0,
                more: true,
                identification: 7
            })
        );
        assert_eq!(ip.payload().len(), 8);
        assert_eq!(ip.hop_limit(), 64);
        for cut in 0..p.len() {
            let _ = Ipv6Slice::from_slice(&p[..cut]);
        }
        assert!(matches!(
            Ipv6Slice::from_slice(&p[..50]),
            Err(DecodeError::Truncated {
                layer: Layer::Ipv6Ext,
                ..
            })
        ));
    }
}
