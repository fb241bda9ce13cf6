//! Decoding errors shared by every packet layer.

use std::fmt;

/// The protocol layer a decoding error (or a malformed-packet counter) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// BSD loopback / null encapsulation (link types 0 and 108).
    Loopback,
    /// Linux cooked capture v1 (link type 113).
    Sll,
    /// Linux cooked capture v2 (link type 276).
    Sll2,
    Ethernet,
    /// 802.1Q / 802.1ad tag.
    Vlan,
    Arp,
    Ipv4,
    Ipv6,
    /// An IPv6 extension header.
    Ipv6Ext,
    Tcp,
    Udp,
    Icmp,
    /// A link type we do not decode.
    Link,
}

impl Layer {
    /// Every layer, in counter order.
    pub const ALL: [Layer; 13] = [
        Layer::Loopback,
        Layer::Sll,
        Layer::Sll2,
        Layer::Ethernet,
        Layer::Vlan,
        Layer::Arp,
        Layer::Ipv4,
        Layer::Ipv6,
        Layer::Ipv6Ext,
        Layer::Tcp,
        Layer::Udp,
        Layer::Icmp,
        Layer::Link,
    ];

    /// Stable lower-case name used in counters and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Loopback => "loopback",
            Layer::Sll => "sll",
            Layer::Sll2 => "sll2",
            Layer::Ethernet => "ethernet",
            Layer::Vlan => "vlan",
            Layer::Arp => "arp",
            Layer::Ipv4 => "ipv4",
            Layer::Ipv6 => "ipv6",
            Layer::Ipv6Ext => "ipv6_ext",
            Layer::Tcp => "tcp",
            Layer::Udp => "udp",
            Layer::Icmp => "icmp",
            Layer::Link => "link",
        }
    }

    /// Index into per-layer counter arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a frame could not be decoded completely.
///
/// A frame that fails at an inner layer still yields everything decoded
/// above it (see [`crate::packet::DecodedPacket::error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes ended before a field did.
    #[error("{layer}: {field} needs {needed} bytes, only {available} available")]
    Truncated {
        layer: Layer,
        field: &'static str,
        needed: usize,
        available: usize,
    },
    /// A field holds a value the layer cannot have.
    #[error("{layer}: invalid {field} ({value:#x})")]
    Invalid {
        layer: Layer,
        field: &'static str,
        value: u32,
    },
    /// The capture's link type is not one we decode.
    #[error("unsupported link type {0}")]
    UnsupportedLinkType(u32),
}

impl DecodeError {
    /// The layer the error belongs to, for malformed counters.
    pub fn layer(&self) -> Layer {
        match self {
            DecodeError::Truncated { layer, .. } | DecodeError::Invalid { layer, .. } => *layer,
            DecodeError::UnsupportedLinkType(_) => Layer::Link,
        }
    }
}

/// Checks that `data` holds at least `needed` bytes for `field`.
#[inline]
pub(crate) fn need(
    layer: Layer,
    field: &'static str,
    data: &[u8],
    needed: usize,
) -> Result<(), DecodeError> {
    if data.len() < needed {
        Err(DecodeError::Truncated {
            layer,
            field,
            needed,
            available: data.len(),
        })
    } else {
        Ok(())
    }
}

/// Big-endian reads at offsets the caller has already bounds-checked.
#[inline]
pub(crate) fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([d[at], d[at + 1]])
}

#[inline]
pub(crate) fn be32(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}
