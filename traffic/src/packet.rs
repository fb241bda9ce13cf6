//! One frame decoded from its link header down to the transport payload.
//!
//! [`decode`] never fails outright: it fills in every layer it could read and
//! records the first error in [`DecodedPacket::error`], so a frame with a bad
//! TCP header still counts for its MAC and IP addresses.

use crate::error::{DecodeError, Layer};
use crate::ethernet::{ArpSlice, EthernetSlice, MacAddr, VlanSlice, ethertype};
use crate::ip::{Ipv4Slice, Ipv6Slice, proto};
use crate::link::{LinkType, LoopbackFamily, Sll2Slice, SllSlice, arphrd, parse_loopback};
use crate::transport::{TcpSlice, UdpSlice};
use std::net::IpAddr;

/// Up to two VLAN IDs, outermost first (deeper tags are counted, not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct VlanTags {
    ids: [u16; 2],
    len: u8,
}

impl VlanTags {
    fn push(&mut self, id: u16) {
        if usize::from(self.len) < self.ids.len() {
            self.ids[usize::from(self.len)] = id;
        }
        self.len = self.len.saturating_add(1);
    }
    /// Number of tags on the frame.
    pub fn count(&self) -> usize {
        usize::from(self.len)
    }
    pub fn outer(&self) -> Option<u16> {
        (self.len > 0).then_some(self.ids[0])
    }
    /// The innermost kept tag: the customer VLAN under QinQ.
    pub fn inner(&self) -> Option<u16> {
        match self.len {
            0 => None,
            1 => Some(self.ids[0]),
            _ => Some(self.ids[1]),
        }
    }
    /// The VLAN the frame's devices sit in: the innermost tag, unless it is
    /// 0 (a priority tag, which names no VLAN) or the reserved 4095.
    pub fn vlan_id(&self) -> Option<u16> {
        self.inner().filter(|v| (1..=4094).contains(v))
    }
}

/// IP fragment details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    pub id: u32,
    /// Offset in bytes.
    pub offset: u32,
    pub more: bool,
}

/// The IP layer of a frame (IPv4 or IPv6), copied out of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpInfo {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// TTL (IPv4) or hop limit (IPv6).
    pub ttl: u8,
    /// Upper-layer protocol (after IPv6 extension headers).
    pub protocol: u8,
    pub fragment: Option<Fragment>,
    /// The capture holds less than the IP length says (snap length).
    pub truncated: bool,
}

/// The transport layer of a frame.
#[derive(Debug, Clone, Copy, Default)]
pub enum Transport<'a> {
    #[default]
    None,
    Tcp(TcpSlice<'a>),
    Udp(UdpSlice<'a>),
    Icmp {
        icmp_type: u8,
        code: u8,
    },
    /// A protocol we do not decode, or a non-first fragment.
    Other(u8),
}

/// A frame decoded as far as it goes; all slices borrow the frame bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodedPacket<'a> {
    pub src_mac: Option<MacAddr>,
    pub dst_mac: Option<MacAddr>,
    /// The EtherType after any VLAN tags (None for 802.3 length frames and raw IP).
    pub ethertype: Option<u16>,
    pub vlan: VlanTags,
    pub arp: Option<ArpSlice<'a>>,
    pub ip: Option<IpInfo>,
    pub transport: Transport<'a>,
    /// Bytes after the final EtherType (or the LLC payload of an 802.3 frame).
    pub l2_payload: &'a [u8],
    /// TCP or UDP payload; empty otherwise.
    pub payload: &'a [u8],
    /// The first layer that failed; layers before it are filled in.
    pub error: Option<DecodeError>,
}

impl<'a> DecodedPacket<'a> {
    pub fn src_ip(&self) -> Option<IpAddr> {
        self.ip.map(|i| i.src)
    }
    pub fn dst_ip(&self) -> Option<IpAddr> {
        self.ip.map(|i| i.dst)
    }
    /// TTL (IPv4) or hop limit (IPv6).
    pub fn ttl(&self) -> Option<u8> {
        self.ip.map(|i| i.ttl)
    }
    pub fn tcp_flags(&self) -> Option<crate::transport::TcpFlags> {
        self.tcp().map(|t| t.flags())
    }
    pub fn tcp_seq(&self) -> Option<u32> {
        self.tcp().map(|t| t.sequence())
    }
    pub fn src_port(&self) -> Option<u16> {
        match &self.transport {
            Transport::Tcp(t) => Some(t.source_port()),
            Transport::Udp(u) => Some(u.source_port()),
            _ => None,
        }
    }
    pub fn dst_port(&self) -> Option<u16> {
        match &self.transport {
            Transport::Tcp(t) => Some(t.destination_port()),
            Transport::Udp(u) => Some(u.destination_port()),
            _ => None,
        }
    }
    pub fn tcp(&self) -> Option<&TcpSlice<'a>> {
        match &self.transport {
            Transport::Tcp(t) => Some(t),
            _ => None,
        }
    }
    pub fn udp(&self) -> Option<&UdpSlice<'a>> {
        match &self.transport {
            Transport::Udp(u) => Some(u),
            _ => None,
        }
    }
}

/// Bound on stacked VLAN tags so crafted frames cannot keep us walking.
const MAX_VLAN_TAGS: usize = 8;

/// Decodes one frame of the given link type.
///
/// ```
/// use traffic::{link::LinkType, packet::decode};
/// let frame = [0u8; 10];
/// let p = decode(LinkType::ETHERNET, &frame);
/// assert!(p.error.is_some());
/// ```
#[inline]
pub fn decode(linktype: LinkType, frame: &[u8]) -> DecodedPacket<'_> {
    let mut p = DecodedPacket::default();
    decode_fresh(linktype, frame, &mut p);
    p
}

/// [`decode`] into `p`, which must be `DecodedPacket::default()`. The
/// analyzer decodes into its own stack slot this way: returning the 200-byte
/// struct from [`decode`] costs a copy per packet.
#[inline]
pub fn decode_fresh<'a>(linktype: LinkType, frame: &'a [u8], p: &mut DecodedPacket<'a>) {
    if let Err(e) = decode_into(linktype, frame, p) {
        p.error = Some(e);
    }
}

fn decode_into<'a>(
    linktype: LinkType,
    frame: &'a [u8],
    p: &mut DecodedPacket<'a>,
) -> Result<(), DecodeError> {
    match linktype {
        LinkType::ETHERNET => {
            let eth = EthernetSlice::from_slice(frame)?;
            p.dst_mac = Some(eth.destination());
            p.src_mac = Some(eth.source());
            let et = eth.ether_type();
            if et <= ethertype::MAX_8023_LENGTH {
                // 802.3 frame: the field is a length, the payload is LLC.
                let payload = eth.payload();
                p.l2_payload = &payload[..usize::from(et).min(payload.len())];
                Ok(())
            } else {
                decode_ethertype(et, eth.payload(), p)
            }
        }
        LinkType::LINUX_SLL => {
            let s = SllSlice::from_slice(frame)?;
            sll_source(s.arphrd_type(), s.address(), p);
            cooked_protocol(s.protocol(), s.payload(), p)
        }
        LinkType::LINUX_SLL2 => {
            let s = Sll2Slice::from_slice(frame)?;
            sll_source(s.arphrd_type(), s.address(), p);
            cooked_protocol(s.protocol(), s.payload(), p)
        }
        LinkType::RAW | LinkType::RAW_DLT12 => decode_ip_sniff(frame, p),
        LinkType::IPV4 => decode_ethertype(ethertype::IPV4, frame, p),
        LinkType::IPV6 => decode_ethertype(ethertype::IPV6, frame, p),
        LinkType::NULL | LinkType::LOOP => {
            let (fam, rest) = parse_loopback(frame, linktype == LinkType::LOOP)?;
            match fam {
                LoopbackFamily::Ipv4 => decode_ethertype(ethertype::IPV4, rest, p),
                LoopbackFamily::Ipv6 => decode_ethertype(ethertype::IPV6, rest, p),
                LoopbackFamily::Other(v) => Err(DecodeError::Invalid {
                    layer: Layer::Loopback,
                    field: "address family",
                    value: v,
                }),
            }
        }
        LinkType(other) => Err(DecodeError::UnsupportedLinkType(other)),
    }
}

fn sll_source(hw: u16, addr: &[u8], p: &mut DecodedPacket<'_>) {
    if (hw == arphrd::ETHER || hw == arphrd::LOOPBACK) && addr.len() == 6 {
        p.src_mac = Some(MacAddr::from_slice6(addr));
    }
}

fn cooked_protocol<'a>(
    protocol: u16,
    payload: &'a [u8],
    p: &mut DecodedPacket<'a>,
) -> Result<(), DecodeError> {
    if protocol > ethertype::MAX_8023_LENGTH {
        decode_ethertype(protocol, payload, p)
    } else {
        // Linux-specific codes (802.2 LLC, CAN, ...): keep the payload, decode no further.
        p.l2_payload = payload;
        Ok(())
    }
}

fn decode_ip_sniff<'a>(data: &'a [u8], p: &mut DecodedPacket<'a>) -> Result<(), DecodeError> {
    match data.first().map(|b| b >> 4) {
        Some(6) => decode_ethertype(ethertype::IPV6, data, p),
        Some(4) => decode_ethertype(ethertype::IPV4, data, p),
        Some(v) => Err(DecodeError::Invalid {
            layer: Layer::Ipv4,
            field: "version",
            value: v.into(),
        }),
        None => Err(DecodeError::Truncated {
            layer: Layer::Ipv4,
            field: "header",
            needed: 20,
            available: 0,
        }),
    }
}

fn decode_ethertype<'a>(
    mut et: u16,
    mut data: &'a [u8],
    p: &mut DecodedPacket<'a>,
) -> Result<(), DecodeError> {
    let mut tags = 0;
    while matches!(et, ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD) {
        tags += 1;
        if tags > MAX_VLAN_TAGS {
            return Err(DecodeError::Invalid {
                layer: Layer::Vlan,
                field: "tag count",
                value: tags as u32,
            });
        }
        let tag = VlanSlice::from_slice(data)?;
        p.vlan.push(tag.vlan_id());
        et = tag.ether_type();
        data = tag.payload();
    }
    p.ethertype = Some(et);
    p.l2_payload = data;
    match et {
        ethertype::IPV4 => {
            let ip = Ipv4Slice::from_slice(data)?;
            let fragment = ip.is_fragment().then(|| Fragment {
                id: ip.identification().into(),
                offset: ip.fragment_offset(),
                more: ip.more_fragments(),
            });
            p.ip = Some(IpInfo {
                src: ip.source().into(),
                dst: ip.destination().into(),
                ttl: ip.ttl(),
                protocol: ip.protocol(),
                fragment,
                truncated: ip.payload_truncated(),
            });
            p.l2_payload = &data[..ip.header_len() + ip.payload().len()];
            decode_transport(ip.protocol(), ip.payload(), fragment, p)
        }
        ethertype::IPV6 => {
            let ip = Ipv6Slice::from_slice(data)?;
            let fragment = ip.fragment().map(|f| Fragment {
                id: f.identification,
                offset: f.offset,
                more: f.more,
            });
            // A fragment header with offset 0 and no more fragments is an atomic fragment: not a fragment.
            let fragment = fragment.filter(|f| f.more || f.offset != 0);
            p.ip = Some(IpInfo {
                src: ip.source().into(),
                dst: ip.destination().into(),
                ttl: ip.hop_limit(),
                protocol: ip.next_header(),
                fragment,
                truncated: ip.payload_truncated(),
            });
            decode_transport(ip.next_header(), ip.payload(), fragment, p)
        }
        ethertype::ARP => {
            p.arp = Some(ArpSlice::from_slice(data)?);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn decode_transport<'a>(
    protocol: u8,
    data: &'a [u8],
    fragment: Option<Fragment>,
    p: &mut DecodedPacket<'a>,
) -> Result<(), DecodeError> {
    // Only the first fragment carries the transport header; we do not reassemble IP fragments.
    if fragment.is_some_and(|f| f.offset != 0) {
        p.transport = Transport::Other(protocol);
        return Ok(());
    }
    match protocol {
        proto::TCP => {
            let tcp = TcpSlice::from_slice(data)?;
            p.payload = tcp.payload();
            p.transport = Transport::Tcp(tcp);
        }
        proto::UDP => {
            let udp = UdpSlice::from_slice(data)?;
            p.payload = udp.payload();
            p.transport = Transport::Udp(udp);
        }
        proto::ICMP | proto::ICMPV6 => {
            crate::error::need(Layer::Icmp, "type and code", data, 2)?;
            p.transport = Transport::Icmp {
                icmp_type: data[0],
                code: data[1],
            };
        }
        other => p.transport = Transport::Other(other),
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    /// Ethernet + QinQ + IPv4 + TCP carrying a 12-byte Modbus request.
    pub(crate) fn modbus_frame() -> Vec<u8> {
        let mut f = vec![
            0x00, 0x1b, 0x1b, 0x11, 0x22, 0x33, // destination MAC
            0x00, 0x0c, 0x29, 0x44, 0x55, 0x66, // source MAC
            0x88, 0xa8, 0x00, 0x64, // S-tag, VLAN 100
            0x81, 0x00, 0x20, 0x0a, // C-tag, priority 1, VLAN 10
            0x08, 0x00, // IPv4
            0x45, 0x00, 0x00, 0x34, // version 4, IHL 5, total length 52
            0x00, 0x01, 0x40, 0x00, // id 1, don't fragment
            0x80, 0x06, 0x00, 0x00, // TTL 128, TCP, checksum
            192, 168, 1, 10, // source
            192, 168, 1, 20, // destination
            0xc3, 0x50, 0x01, 0xf6, // ports 50000 -> 502
            0x00, 0x00, 0x03, 0xe8, // sequence 1000
            0x00, 0x00, 0x07, 0xd0, // acknowledgment 2000
            0x50, 0x18, 0x04, 0x00, // data offset 5, PSH ACK, window 1024
            0x00, 0x00, 0x00, 0x00, // checksum, urgent
            0x00, 0x01, 0x00, 0x00, 0x00, 0x06, // MBAP: transaction 1, protocol 0, length 6
            0x01, 0x03, 0x00, 0x00, 0x00, 0x0a, // unit 1, read holding registers 0..10
        ];
        f.extend_from_slice(&[0, 0]); // trailing Ethernet padding is not payload
        f
    }

    #[test]
    fn full_stack() {
        let f = modbus_frame();
        let p = decode(LinkType::ETHERNET, &f);
        assert_eq!(p.error, None);
        assert_eq!(p.src_mac.unwrap().to_string(), "00:0c:29:44:55:66");
        assert_eq!(
            (p.vlan.count(), p.vlan.outer(), p.vlan.inner()),
            (2, Some(100), Some(10))
        );
        assert_eq!(p.ethertype, Some(ethertype::IPV4));
        let ip = p.ip.unwrap();
        assert_eq!(ip.src, IpAddr::V4(Ipv4Addr::new(192, 168, 1, 10)));
        assert_eq!((ip.ttl, ip.protocol, ip.fragment), (128, proto::TCP, None));
        assert_eq!((p.src_port(), p.dst_port()), (Some(50000), Some(502)));
        let tcp = p.tcp().unwrap();
        assert_eq!(
            (tcp.sequence(), tcp.flags().to_string()),
            (1000, "AP".to_string())
        );
        assert_eq!(p.payload.len(), 12);
        assert_eq!((p.ttl(), p.tcp_seq()), (Some(128), Some(1000)));
        assert_eq!(p.dst_ip(), Some(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20))));
        assert!(p.tcp_flags().unwrap().ack());
    }

    #[test]
    fn every_truncation_is_clean() {
        let f = modbus_frame();
        for cut in 0..f.len() {
            let p = decode(LinkType::ETHERNET, &f[..cut]);
            if cut < 14 {
                assert!(matches!(
                    p.error,
                    Some(DecodeError::Truncated {
                        layer: Layer::Ethernet,
                        ..
                    })
                ));
            }
            // Cut in the TCP header: IP still decoded.
            if (42..62).contains(&cut) {
                assert!(p.ip.is_some());
                assert_eq!(p.error.unwrap().layer(), Layer::Tcp);
            }
        }
    }

    #[test]
    fn raw_and_loopback() {
        let f = modbus_frame();
        let ip = &f[22..f.len() - 2];
        let p = decode(LinkType::RAW, ip);
        assert_eq!((p.error, p.payload.len()), (None, 12));
        assert!(p.src_mac.is_none());
        let mut null = vec![2, 0, 0, 0];
        null.extend_from_slice(ip);
        assert_eq!(decode(LinkType::NULL, &null).payload.len(), 12);
        let p = decode(LinkType(9999), ip);
        assert_eq!(p.error, Some(DecodeError::UnsupportedLinkType(9999)));
    }

    #[test]
    fn later_fragment_has_no_transport() {
        let mut f = modbus_frame();
        f[28] = 0x00; // clear DF
        f[29] = 0x10; // offset 16 units = 128 bytes
        let p = decode(LinkType::ETHERNET, &f);
        assert!(matches!(p.transport, Transport::Other(6)));
        assert_eq!(p.ip.unwrap().fragment.unwrap().offset, 128);
    }
}
