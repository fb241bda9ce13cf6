//! TCP (flags, options) and UDP headers.

use crate::error::{DecodeError, Layer, be16, be32, need};
use std::fmt;

/// TCP header flag bits (the low byte of the flags field).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    pub fn fin(self) -> bool {
        self.has(Self::FIN)
    }
    pub fn syn(self) -> bool {
        self.has(Self::SYN)
    }
    pub fn rst(self) -> bool {
        self.has(Self::RST)
    }
    pub fn ack(self) -> bool {
        self.has(Self::ACK)
    }
}

impl fmt::Display for TcpFlags {
    /// Letters in Zeek's history style order: `S`YN `A`CK `F`IN `R`ST `P`SH `U`RG `E`CE `C`WR.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (bit, c) in [
            (Self::SYN, 'S'),
            (Self::ACK, 'A'),
            (Self::FIN, 'F'),
            (Self::RST, 'R'),
            (Self::PSH, 'P'),
            (Self::URG, 'U'),
            (Self::ECE, 'E'),
            (Self::CWR, 'C'),
        ] {
            if self.has(bit) {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for TcpFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TcpFlags({self})")
    }
}

/// A TCP header (with options) and its payload.
#[derive(Debug, Clone, Copy)]
pub struct TcpSlice<'a> {
    header: &'a [u8],
    payload: &'a [u8],
}

impl<'a> TcpSlice<'a> {
    pub const MIN_HEADER_LEN: usize = 20;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Tcp, "header", data, Self::MIN_HEADER_LEN)?;
        let doff = usize::from(data[12] >> 4) * 4;
        if doff < Self::MIN_HEADER_LEN {
            return Err(DecodeError::Invalid {
                layer: Layer::Tcp,
                field: "data offset",
                value: doff as u32,
            });
        }
        need(Layer::Tcp, "options", data, doff)?;
        Ok(TcpSlice {
            header: &data[..doff],
            payload: &data[doff..],
        })
    }

    pub fn source_port(&self) -> u16 {
        be16(self.header, 0)
    }
    pub fn destination_port(&self) -> u16 {
        be16(self.header, 2)
    }
    pub fn sequence(&self) -> u32 {
        be32(self.header, 4)
    }
    pub fn acknowledgment(&self) -> u32 {
        be32(self.header, 8)
    }
    pub fn header_len(&self) -> usize {
        self.header.len()
    }
    pub fn flags(&self) -> TcpFlags {
        TcpFlags(self.header[13])
    }
    pub fn window(&self) -> u16 {
        be16(self.header, 14)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.header, 16)
    }
    pub fn urgent_pointer(&self) -> u16 {
        be16(self.header, 18)
    }
    /// Raw option bytes.
    pub fn options_raw(&self) -> &'a [u8] {
        &self.header[Self::MIN_HEADER_LEN..]
    }
    /// Parsed options; a malformed option ends the iteration with an error.
    pub fn options(&self) -> TcpOptions<'a> {
        TcpOptions {
            rest: self.options_raw(),
        }
    }
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
}

/// One TCP option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    EndOfList,
    Nop,
    MaxSegmentSize(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(&'a [u8]),
    Timestamp { value: u32, echo: u32 },
    Other { kind: u8, data: &'a [u8] },
}

impl TcpOption<'_> {
    /// One-letter code used in TCP fingerprints (p0f style): M, W, S, K, T, N, E, or `?kind`.
    pub fn code(&self) -> char {
        match self {
            TcpOption::EndOfList => 'E',
            TcpOption::Nop => 'N',
            TcpOption::MaxSegmentSize(_) => 'M',
            TcpOption::WindowScale(_) => 'W',
            TcpOption::SackPermitted => 'S',
            TcpOption::Sack(_) => 'K',
            TcpOption::Timestamp { .. } => 'T',
            TcpOption::Other { .. } => '?',
        }
    }
}

/// Iterator over TCP options; never reads past the option bytes.
#[derive(Debug, Clone)]
pub struct TcpOptions<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = Result<TcpOption<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&kind, after) = self.rest.split_first()?;
        match kind {
            0 => {
                // End of list: what follows is padding.
                self.rest = &[];
                Some(Ok(TcpOption::EndOfList))
            }
            1 => {
                self.rest = after;
                Some(Ok(TcpOption::Nop))
            }
            _ => {
                let Some(&len) = after.first() else {
                    self.rest = &[];
                    return Some(Err(DecodeError::Truncated {
                        layer: Layer::Tcp,
                        field: "option length",
                        needed: 2,
                        available: 1,
                    }));
                };
                let len = usize::from(len);
                if len < 2 || len > self.rest.len() {
                    let available = self.rest.len();
                    self.rest = &[];
                    return Some(Err(if len < 2 {
                        DecodeError::Invalid {
                            layer: Layer::Tcp,
                            field: "option length",
                            value: len as u32,
                        }
                    } else {
                        DecodeError::Truncated {
                            layer: Layer::Tcp,
                            field: "option",
                            needed: len,
                            available,
                        }
                    }));
                }
                let data = &self.rest[2..len];
                self.rest = &self.rest[len..];
                Some(Ok(match (kind, data.len()) {
                    (2, 2) => TcpOption::MaxSegmentSize(be16(data, 0)),
                    (3, 1) => TcpOption::WindowScale(data[0]),
                    (4, 0) => TcpOption::SackPermitted,
                    (5, _) => TcpOption::Sack(data),
                    (8, 8) => TcpOption::Timestamp {
                        value: be32(data, 0),
                        echo: be32(data, 4),
                    },
                    _ => TcpOption::Other { kind, data },
                }))
            }
        }
    }
}

/// A UDP header and its payload, cut to the header's length field.
#[derive(Debug, Clone, Copy)]
pub struct UdpSlice<'a> {
    header: &'a [u8],
    payload: &'a [u8],
}

impl<'a> UdpSlice<'a> {
    pub const HEADER_LEN: usize = 8;

    pub fn from_slice(data: &'a [u8]) -> Result<Self, DecodeError> {
        need(Layer::Udp, "header", data, Self::HEADER_LEN)?;
        let len = usize::from(be16(data, 4));
        // A length below the header size (0 is used for IPv6 jumbograms) or past the
        // captured bytes is not trusted; take what was captured instead.
        let end = if (Self::HEADER_LEN..=data.len()).contains(&len) {
            len
        } else {
            data.len()
        };
        Ok(UdpSlice {
            header: &data[..Self::HEADER_LEN],
            payload: &data[Self::HEADER_LEN..end],
        })
    }

    pub fn source_port(&self) -> u16 {
        be16(self.header, 0)
    }
    pub fn destination_port(&self) -> u16 {
        be16(self.header, 2)
    }
    pub fn length(&self) -> u16 {
        be16(self.header, 4)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.header, 6)
    }
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYN: [u8; 40] = [
        0xc3, 0x50, // source port 50000
        0x01, 0xf6, // destination port 502 (Modbus)
        0x00, 0x00, 0x00, 0x64, // sequence 100
        0x00, 0x00, 0x00, 0x00, // acknowledgment 0
        0xa0, 0x02, // data offset 10 (40 bytes), flags SYN
        0xfa, 0xf0, // window 64240
        0x00, 0x00, 0x00, 0x00, // checksum, urgent pointer
        0x02, 0x04, 0x05, 0xb4, // MSS 1460
        0x04, 0x02, // SACK permitted
        0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // timestamps 1, 0
        0x01, // NOP
        0x03, 0x03, 0x07, // window scale 7
    ];

    #[test]
    fn tcp_syn_options() {
        let tcp = TcpSlice::from_slice(&SYN).unwrap();
        assert_eq!((tcp.source_port(), tcp.destination_port()), (50000, 502));
        assert_eq!(tcp.sequence(), 100);
        assert!(tcp.flags().syn() && !tcp.flags().ack());
        assert_eq!(tcp.flags().to_string(), "S");
        let opts: Vec<_> = tcp.options().map(Result::unwrap).collect();
        assert_eq!(
            opts,
            vec![
                TcpOption::MaxSegmentSize(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamp { value: 1, echo: 0 },
                TcpOption::Nop,
                TcpOption::WindowScale(7),
            ]
        );
        assert!(tcp.payload().is_empty());
        for cut in 0..SYN.len() {
            assert!(matches!(
                TcpSlice::from_slice(&SYN[..cut]),
                Err(DecodeError::Truncated {
                    layer: Layer::Tcp,
                    ..
                })
            ));
        }
    }

    #[test]
    fn tcp_bad_options_end_cleanly() {
        let bad = TcpOptions {
            rest: &[0x02, 0x09, 0x05],
        };
        let v: Vec<_> = bad.collect();
        assert_eq!(v.len(), 1);
        assert!(v[0].is_err());
        let zero = TcpOptions {
            rest: &[0x02, 0x00, 0x05, 0x05],
        };
        assert_eq!(zero.count(), 1);
    }

    #[test]
    fn udp_length_cuts_padding() {
        let d = [
            0x00, 0x44, 0x00, 0x43, // 68 -> 67 (DHCP)
            0x00, 0x0a, // length 10: 2 bytes of payload
            0x00, 0x00, // checksum
            0xaa, 0xbb, 0x00, 0x00, // payload then padding
        ];
        let udp = UdpSlice::from_slice(&d).unwrap();
        assert_eq!(udp.payload(), &[0xaa, 0xbb]);
        assert_eq!(udp.length(), 10);
    }
}
