//! Link types (pcap LINKTYPE_ values) and the non-Ethernet link headers:
//! Linux cooked capture v1/v2 and BSD loopback.

use crate::error::{DecodeError, Layer, be16, be32, need};
use serde::{Deserialize, Serialize};

/// A pcap / pcapng link type (the LINKTYPE_ registry value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback, address family in host byte order.
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    /// DLT_RAW as some platforms write it into files instead of 101.
    pub const RAW_DLT12: LinkType = LinkType(12);
    /// Raw IP, version taken from the first nibble.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback, address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// Whether [`crate::packet::decode`] understands this link type.
    pub fn is_supported(self) -> bool {
        matches!(self.0, 0 | 1 | 12 | 101 | 108 | 113 | 228 | 229 | 276)
    }
}

/// ARPHRD_ values (Linux hardware types) seen in cooked captures.
pub mod arphrd {
    pub const ETHER: u16 = 1;
    pub const LOOPBACK: u16 = 772;
}

/// Linux cooked capture v1 header (16 bytes).
#[derive(Debug, Clone, Copy)]
pub struct SllSlice<'a> {
    data: &'a [u8],
}

impl<'a> SllSlice<'a> {
    pub const HEADER_LEN: usize = 16;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Sll, "header", data, Self::HEADER_LEN)?;
        Ok(SllSlice { data })
    }
    /// 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
    pub fn packet_type(&self) -> u16 {
        be16(self.data, 0)
    }
    pub fn arphrd_type(&self) -> u16 {
        be16(self.data, 2)
    }
    /// The link-layer source address (up to 8 bytes).
    pub fn address(&self) -> &'a [u8] {
        let len = usize::from(be16(self.data, 4)).min(8);
        &self.data[6..6 + len]
    }
    /// EtherType when `>= 0x0600`, otherwise a Linux protocol code (e.g. 4 = 802.2 LLC).
    pub fn protocol(&self) -> u16 {
        be16(self.data, 14)
    }
    pub fn payload(&self) -> &'a [u8] {
        &self.data[Self::HEADER_LEN..]
    }
}

/// Linux cooked capture v2 header (20 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Sll2Slice<'a> {
    data: &'a [u8],
}

impl<'a> Sll2Slice<'a> {
    pub const HEADER_LEN: usize = 20;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Sll2, "header", data, Self::HEADER_LEN)?;
        Ok(Sll2Slice { data })
    }
    pub fn protocol(&self) -> u16 {
        be16(self.data, 0)
    }
    pub fn interface_index(&self) -> u32 {
        be32(self.data, 4)
    }
    pub fn arphrd_type(&self) -> u16 {
        be16(self.data, 8)
    }
    pub fn packet_type(&self) -> u8 {
        self.data[10]
    }
    pub fn address(&self) -> &'a [u8] {
        let len = usize::from(self.data[11]).min(8);
        &self.data[12..12 + len]
    }
    pub fn payload(&self) -> &'a [u8] {
        &self.data[Self::HEADER_LEN..]
    }
}

/// The address family word of BSD loopback captures, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopbackFamily {
    Ipv4,
    Ipv6,
    Other(u32),
}

/// Parses the 4-byte loopback header. `network_order` is true for link type 108.
pub fn parse_loopback(
    data: &[u8],
    network_order: bool,
) -> Result<(LoopbackFamily, &[u8]), DecodeError> {
    need(Layer::Loopback, "address family", data, 4)?;
    let raw = [data[0], data[1], data[2], data[3]];
    let family = if network_order {
        u32::from_be_bytes(raw)
    } else {
        // Host order of the capturing machine is unknown; families are small numbers,
        // so whichever reading fits in 16 bits is the right one.
        let le = u32::from_le_bytes(raw);
        if le <= 0xffff {
            le
        } else {
            u32::from_be_bytes(raw)
        }
    };
    let fam = match family {
        2 => LoopbackFamily::Ipv4,
        // AF_INET6 differs per OS: BSD 24, FreeBSD 28, Darwin 30, Linux 10.
        10 | 24 | 28 | 30 => LoopbackFamily::Ipv6,
        other => LoopbackFamily::Other(other),
    };
    Ok((fam, &data[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll_fields() {
        let d = [
            0x00, 0x04, // packet type: sent by us
            0x00, 0x01, // ARPHRD_ETHER
            0x00, 0x06, // address length 6
            0x00, 0x0e, 0x8c, 0x01, 0x02, 0x03, 0x00, 0x00, // address, padded to 8
            0x08, 0x00, // protocol IPv4
            0x45, // payload starts
        ];
        let s = SllSlice::from_slice(&d).unwrap();
        assert_eq!(
            (s.packet_type(), s.arphrd_type(), s.protocol()),
            (4, 1, 0x0800)
        );
        assert_eq!(s.address(), &[0x00, 0x0e, 0x8c, 0x01, 0x02, 0x03]);
        assert_eq!(s.payload(), &[0x45]);
        assert!(SllSlice::from_slice(&d[..15]).is_err());
    }

    #[test]
    fn sll2_fields() {
        let d = [
            0x86, 0xdd, // protocol IPv6
            0x00, 0x00, // reserved
            0x00, 0x00, 0x00, 0x02, // interface index 2
            0x00, 0x01, // ARPHRD_ETHER
            0x00, // packet type: to us
            0x06, // address length
            1, 2, 3, 4, 5, 6, 0, 0, // address
        ];
        let s = Sll2Slice::from_slice(&d).unwrap();
        assert_eq!(
            (s.protocol(), s.interface_index(), s.packet_type()),
            (0x86dd, 2, 0)
        );
        assert_eq!(s.address(), &[1, 2, 3, 4, 5, 6]);
        assert!(s.payload().is_empty());
    }

    #[test]
    fn loopback_both_orders() {
        assert_eq!(
            parse_loopback(&[2, 0, 0, 0], false).unwrap().0,
            LoopbackFamily::Ipv4
        );
        assert_eq!(
            parse_loopback(&[0, 0, 0, 2], false).unwrap().0,
            LoopbackFamily::Ipv4
        );
        assert_eq!(
            parse_loopback(&[0, 0, 0, 30], true).unwrap().0,
            LoopbackFamily::Ipv6
        );
        assert!(parse_loopback(&[0, 0, 0], true).is_err());
    }
}
