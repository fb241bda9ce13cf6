//! Ethernet II / 802.3 frames, 802.1Q and QinQ VLAN tags, and ARP.

use crate::error::{DecodeError, Layer, be16, need};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// EtherType values the decoders act on.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    /// 802.1Q customer VLAN tag.
    pub const VLAN: u16 = 0x8100;
    /// 802.1ad service tag (QinQ outer tag).
    pub const QINQ: u16 = 0x88a8;
    /// Pre-standard QinQ outer tag still emitted by some switches.
    pub const QINQ_OLD: u16 = 0x9100;
    pub const IPV6: u16 = 0x86dd;
    /// PROFINET real-time (DCP, RT cyclic, alarms).
    pub const PROFINET: u16 = 0x8892;
    pub const LLDP: u16 = 0x88cc;
    /// Values at or below this are an 802.3 length field, not a type.
    pub const MAX_8023_LENGTH: u16 = 1500;
}

/// A 48-bit IEEE MAC address. Serialised as `aa:bb:cc:dd:ee:ff`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct MacAddr(pub [u8; 6]);

/// One word write: host tables hash two MACs per frame.
impl std::hash::Hash for MacAddr {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(self.to_u64());
    }
}

impl MacAddr {
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// Reads a MAC from the first six bytes; the caller has checked the length.
    #[inline]
    pub(crate) fn from_slice6(d: &[u8]) -> MacAddr {
        MacAddr([d[0], d[1], d[2], d[3], d[4], d[5]])
    }

    pub fn is_broadcast(&self) -> bool {
        *self == Self::BROADCAST
    }

    /// Group bit set: multicast or broadcast.
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// Locally administered (randomised or virtual), so the OUI names no vendor.
    pub fn is_local(&self) -> bool {
        self.0[0] & 0x02 != 0
    }

    /// Whether the address names one station (neither group nor all-zero).
    pub fn is_unicast(&self) -> bool {
        !self.is_multicast() && self.0 != [0; 6]
    }

    /// The address as a 48-bit integer, for prefix lookups.
    pub fn to_u64(&self) -> u64 {
        self.0
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Error parsing a textual MAC address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid MAC address {0:?}")]
pub struct ParseMacError(pub String);

impl FromStr for MacAddr {
    type Err = ParseMacError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 6];
        let mut parts = s.split([':', '-']);
        for b in out.iter_mut() {
            let p = parts.next().ok_or_else(|| ParseMacError(s.into()))?;
            if p.len() != 2 {
                return Err(ParseMacError(s.into()));
            }
            *b = u8::from_str_radix(p, 16).map_err(|_| ParseMacError(s.into()))?;
        }
        if parts.next().is_some() {
            return Err(ParseMacError(s.into()));
        }
        Ok(MacAddr(out))
    }
}

impl Serialize for MacAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The 14-byte Ethernet header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct EthernetSlice<'a> {
    data: &'a [u8],
}

impl<'a> EthernetSlice<'a> {
    pub const HEADER_LEN: usize = 14;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Ethernet, "header", data, Self::HEADER_LEN)?;
        Ok(EthernetSlice { data })
    }

    pub fn destination(&self) -> MacAddr {
        MacAddr::from_slice6(&self.data[0..6])
    }

    pub fn source(&self) -> MacAddr {
        MacAddr::from_slice6(&self.data[6..12])
    }

    /// EtherType, or the 802.3 length when `<= 1500`.
    pub fn ether_type(&self) -> u16 {
        be16(self.data, 12)
    }

    /// Bytes after the header (including any trailing padding).
    pub fn payload(&self) -> &'a [u8] {
        &self.data[Self::HEADER_LEN..]
    }
}

/// One 4-byte VLAN tag: TCI then the inner EtherType.
#[derive(Debug, Clone, Copy)]
pub struct VlanSlice<'a> {
    data: &'a [u8],
}

impl<'a> VlanSlice<'a> {
    pub const LEN: usize = 4;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Vlan, "tag", data, Self::LEN)?;
        Ok(VlanSlice { data })
    }

    /// Priority code point (802.1p).
    pub fn priority(&self) -> u8 {
        self.data[0] >> 5
    }

    /// Drop eligible indicator.
    pub fn drop_eligible(&self) -> bool {
        self.data[0] & 0x10 != 0
    }

    /// VLAN identifier (12 bits).
    pub fn vlan_id(&self) -> u16 {
        be16(self.data, 0) & 0x0fff
    }

    pub fn ether_type(&self) -> u16 {
        be16(self.data, 2)
    }

    pub fn payload(&self) -> &'a [u8] {
        &self.data[Self::LEN..]
    }
}

/// An ARP packet (any hardware / protocol address sizes).
#[derive(Debug, Clone, Copy)]
pub struct ArpSlice<'a> {
    data: &'a [u8],
}

impl<'a> ArpSlice<'a> {
    pub const FIXED_LEN: usize = 8;
    pub const OP_REQUEST: u16 = 1;
    pub const OP_REPLY: u16 = 2;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Arp, "fixed header", data, Self::FIXED_LEN)?;
        let (hlen, plen) = (usize::from(data[4]), usize::from(data[5]));
        need(
            Layer::Arp,
            "addresses",
            data,
            Self::FIXED_LEN + 2 * (hlen + plen),
        )?;
        Ok(ArpSlice { data })
    }

    pub fn hardware_type(&self) -> u16 {
        be16(self.data, 0)
    }

    pub fn protocol_type(&self) -> u16 {
        be16(self.data, 2)
    }

    pub fn operation(&self) -> u16 {
        be16(self.data, 6)
    }

    fn hlen(&self) -> usize {
        usize::from(self.data[4])
    }

    fn plen(&self) -> usize {
        usize::from(self.data[5])
    }

    pub fn sender_hw(&self) -> &'a [u8] {
        &self.data[8..8 + self.hlen()]
    }

    pub fn sender_proto(&self) -> &'a [u8] {
        let at = 8 + self.hlen();
        &self.data[at..at + self.plen()]
    }

    pub fn target_hw(&self) -> &'a [u8] {
        let at = 8 + self.hlen() + self.plen();
        &self.data[at..at + self.hlen()]
    }

    pub fn target_proto(&self) -> &'a [u8] {
        let at = 8 + 2 * self.hlen() + self.plen();
        &self.data[at..at + self.plen()]
    }

    /// Sender MAC and IPv4 address when this is Ethernet/IPv4 ARP.
    pub fn sender_mac_ipv4(&self) -> Option<(MacAddr, Ipv4Addr)> {
        if self.hlen() == 6 && self.plen() == 4 && self.protocol_type() == ethertype::IPV4 {
            let p = self.sender_proto();
            Some((
                MacAddr::from_slice6(self.sender_hw()),
                Ipv4Addr::new(p[0], p[1], p[2], p[3]),
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_text_round_trip() {
        let m: MacAddr = "00:1B:1b:aa:0F:ff".parse().unwrap();
        assert_eq!(m.to_string(), "00:1b:1b:aa:0f:ff");
        assert!("00:1b:1b:aa:0f".parse::<MacAddr>().is_err());
        assert!("00:1b:1b:aa:0f:ff:00".parse::<MacAddr>().is_err());
        assert!(MacAddr::BROADCAST.is_multicast() && !MacAddr::BROADCAST.is_unicast());
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"00:1b:1b:aa:0f:ff\"");
    }

    #[test]
    fn ethernet_vlan_arp() {
        let frame = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
            0x00, 0x1b, 0x1b, 0x01, 0x02, 0x03, // source: Siemens OUI
            0x81, 0x00, // EtherType: 802.1Q
            0x60, 0x0a, // TCI: priority 3, VLAN 10
            0x08, 0x06, // inner EtherType: ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet/IPv4, request
            0x00, 0x1b, 0x1b, 0x01, 0x02, 0x03, 192, 168, 0, 10, // sender MAC, IP
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 0, 1, // target MAC, IP
        ];
        let eth = EthernetSlice::from_slice(&frame).unwrap();
        assert!(eth.destination().is_broadcast());
        assert_eq!(eth.source().to_string(), "00:1b:1b:01:02:03");
        assert_eq!(eth.ether_type(), ethertype::VLAN);
        let tag = VlanSlice::from_slice(eth.payload()).unwrap();
        assert_eq!(
            (tag.priority(), tag.vlan_id(), tag.ether_type()),
            (3, 10, ethertype::ARP)
        );
        let arp = ArpSlice::from_slice(tag.payload()).unwrap();
        assert_eq!(arp.operation(), ArpSlice::OP_REQUEST);
        let (mac, ip) = arp.sender_mac_ipv4().unwrap();
        assert_eq!((mac, ip), (eth.source(), Ipv4Addr::new(192, 168, 0, 10)));
        assert_eq!(arp.target_proto(), &[192, 168, 0, 1]);
        for cut in 0..frame.len() {
            let _ = EthernetSlice::from_slice(&frame[..cut]);
            if cut >= 18 {
                let r = ArpSlice::from_slice(&frame[18..cut]);
                assert!(matches!(
                    r,
                    Err(DecodeError::Truncated {
                        layer: Layer::Arp,
                        ..
                    })
                ));
            }
        }
    }
}
