//! pcapng files: section header, interface description, enhanced, simple and
//! (obsolete) packet blocks; several interfaces and sections, both byte orders,
//! `if_tsresol` and `if_tsoffset`. Other blocks are skipped.

use super::source::{ByteSource, ReadSource};
use super::{CaptureError, Format, MAX_RECORD_LEN, Packet, Timestamp};
use crate::link::LinkType;
use std::io::Read;

/// Section header block type; the same in both byte orders.
pub(crate) const SHB_TYPE: u32 = 0x0a0d_0d0a;
const IDB_TYPE: u32 = 1;
const PB_TYPE: u32 = 2;
const SPB_TYPE: u32 = 3;
const EPB_TYPE: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
const OPT_END: u16 = 0;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_TSOFFSET: u16 = 14;
/// Bound on interfaces per section so a crafted file cannot make us allocate much.
const MAX_INTERFACES: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: LinkType,
    snaplen: u32,
    /// `if_tsresol` byte: high bit clear = 10^-n seconds, set = 2^-n seconds.
    tsresol: u8,
    /// `if_tsoffset`: seconds added to every timestamp.
    tsoffset: i64,
}

/// Streaming reader of a pcapng file.
#[derive(Debug)]
pub struct PcapNgReader<S> {
    src: S,
    big_endian: bool,
    interfaces: Vec<Interface>,
    /// Number of the next block (1-based; the first section header is block 1).
    record: u64,
    done: bool,
    /// Timestamp of the last packet, given to simple packet blocks (which carry none).
    last_ts: Timestamp,
}

/// Where a packet block's data lies within the block and how to label it.
struct PacketMeta {
    ts: Timestamp,
    linktype: LinkType,
    interface: u32,
    original_len: u32,
    data_at: usize,
    caplen: usize,
    /// Simple packet blocks have no timestamp; the previous packet's is used.
    from_simple_block: bool,
}

impl<R: Read> PcapNgReader<ReadSource<R>> {
    /// Reads and checks the first section header.
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        Self::from_source(ReadSource::new(reader))
    }
}

impl<S: ByteSource> PcapNgReader<S> {
    pub(crate) fn from_source(src: S) -> Result<Self, CaptureError> {
        let mut r = PcapNgReader {
            src,
            big_endian: false,
            interfaces: Vec::new(),
            record: 1,
            done: false,
            last_ts: Timestamp(0),
        };
        let have = r.src.fill(12)?;
        if have < 12 {
            return Err(r.truncated("section header", 12, have));
        }
        let h = r.src.peek(4);
        if u32::from_le_bytes([h[0], h[1], h[2], h[3]]) != SHB_TYPE {
            return Err(r.invalid(
                "first block type",
                u64::from(u32::from_le_bytes([h[0], h[1], h[2], h[3]])),
            ));
        }
        Ok(r)
    }

    /// Link type of interface `id` in the current section.
    pub fn interface_linktype(&self, id: u32) -> Option<LinkType> {
        self.interfaces.get(id as usize).map(|i| i.linktype)
    }
    pub fn interface_count(&self) -> usize {
        self.interfaces.len()
    }
    pub fn position(&self) -> u64 {
        self.src.position()
    }

    /// The next packet, an error (after which the reader is finished), or `None` at the end.
    #[allow(clippy::should_implement_trait)] // packets borrow the reader, which Iterator cannot express
    pub fn next_packet(&mut self) -> Option<Result<Packet<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        loop {
            match self.next_block() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some((len, Some(mut meta)))) => {
                    self.record += 1;
                    if meta.from_simple_block {
                        meta.ts = self.last_ts;
                    }
                    self.last_ts = meta.ts;
                    let block = self.src.take(len);
                    return Some(Ok(Packet {
                        timestamp: meta.ts,
                        linktype: meta.linktype,
                        interface: meta.interface,
                        original_len: meta.original_len,
                        data: &block[meta.data_at..meta.data_at + meta.caplen],
                    }));
                }
                Ok(Some((len, None))) => {
                    self.record += 1;
                    self.src.consume(len);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }

    fn u16_at(&self, d: &[u8], at: usize) -> u16 {
        let b = [d[at], d[at + 1]];
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    fn u32_at(&self, d: &[u8], at: usize) -> u32 {
        let b = [d[at], d[at + 1], d[at + 2], d[at + 3]];
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// Makes the next block available. Returns its length and, for packet blocks,
    /// where the packet is; `None` at a clean end of file.
    fn next_block(&mut self) -> Result<Option<(usize, Option<PacketMeta>)>, CaptureError> {
        let have = self.src.fill(12)?;
        if have == 0 {
            return Ok(None);
        }
        if have < 8 {
            return Err(self.truncated("block header", 8, have));
        }
        let head = self.src.peek(8);
        let raw_type = [head[0], head[1], head[2], head[3]];
        if u32::from_le_bytes(raw_type) == SHB_TYPE {
            // A new section sets its own byte order and forgets earlier interfaces.
            if have < 12 {
                return Err(self.truncated("byte-order magic", 12, have));
            }
            let m = self.src.peek(12);
            let magic = [m[8], m[9], m[10], m[11]];
            self.big_endian = if u32::from_le_bytes(magic) == BYTE_ORDER_MAGIC {
                false
            } else if u32::from_be_bytes(magic) == BYTE_ORDER_MAGIC {
                true
            } else {
                return Err(self.invalid("byte-order magic", u64::from(u32::from_le_bytes(magic))));
            };
            self.interfaces.clear();
        }
        let head = self.src.peek(8);
        let block_type = self.u32_at(head, 0);
        let len = self.u32_at(head, 4) as usize;
        if !(12..=MAX_RECORD_LEN).contains(&len) {
            return Err(self.invalid("block total length", len as u64));
        }
        let have = self.src.fill(len)?;
        if have < len {
            return Err(self.truncated("block body", len, have));
        }
        let block = self.src.peek(len);
        let trailer = self.u32_at(block, len - 4) as usize;
        if trailer != len {
            return Err(self.invalid("trailing block total length", trailer as u64));
        }
        let body = &block[8..len - 4];
        let meta = match block_type {
            SHB_TYPE => None,
            IDB_TYPE => {
                let iface = self.parse_idb(body)?;
                if self.interfaces.len() >= MAX_INTERFACES {
                    return Err(self.invalid("interface count", self.interfaces.len() as u64));
                }
                self.interfaces.push(iface);
                None
            }
            EPB_TYPE => {
                if body.len() < 20 {
                    return Err(self.truncated("enhanced packet block fields", 20, body.len()));
                }
                let id = self.u32_at(body, 0);
                let ts = (u64::from(self.u32_at(body, 4)) << 32) | u64::from(self.u32_at(body, 8));
                let caplen = self.u32_at(body, 12) as usize;
                let orig = self.u32_at(body, 16);
                if caplen > body.len() - 20 {
                    return Err(self.truncated("enhanced packet data", caplen, body.len() - 20));
                }
                let iface = self.interface(id)?;
                Some(PacketMeta {
                    ts: convert_ts(ts, iface),
                    linktype: iface.linktype,
                    interface: id,
                    original_len: orig,
                    data_at: 8 + 20,
                    caplen,
                    from_simple_block: false,
                })
            }
            PB_TYPE => {
                if body.len() < 20 {
                    return Err(self.truncated("packet block fields", 20, body.len()));
                }
                let id = u32::from(self.u16_at(body, 0));
                let ts = (u64::from(self.u32_at(body, 4)) << 32) | u64::from(self.u32_at(body, 8));
                let caplen = self.u32_at(body, 12) as usize;
                let orig = self.u32_at(body, 16);
                if caplen > body.len() - 20 {
                    return Err(self.truncated("packet block data", caplen, body.len() - 20));
                }
                let iface = self.interface(id)?;
                Some(PacketMeta {
                    ts: convert_ts(ts, iface),
                    linktype: iface.linktype,
                    interface: id,
                    original_len: orig,
                    data_at: 8 + 20,
                    caplen,
                    from_simple_block: false,
                })
            }
            SPB_TYPE => {
                if body.len() < 4 {
                    return Err(self.truncated("simple packet block length", 4, body.len()));
                }
                let orig = self.u32_at(body, 0);
                let iface = self.interface(0)?;
                // The simple block has no captured length: it is the original length cut to
                // the snap length, and never more than the block holds.
                let mut caplen = (orig as usize).min(body.len() - 4);
                if iface.snaplen != 0 {
                    caplen = caplen.min(iface.snaplen as usize);
                }
                Some(PacketMeta {
                    ts: Timestamp(0),
                    linktype: iface.linktype,
                    interface: 0,
                    original_len: orig,
                    data_at: 8 + 4,
                    caplen,
                    from_simple_block: true,
                })
            }
            _ => None,
        };
        Ok(Some((len, meta)))
    }

    fn parse_idb(&self, body: &[u8]) -> Result<Interface, CaptureError> {
        if body.len() < 8 {
            return Err(self.truncated("interface description fields", 8, body.len()));
        }
        let mut iface = Interface {
            linktype: LinkType(u32::from(self.u16_at(body, 0))),
            snaplen: self.u32_at(body, 4),
            tsresol: 6,
            tsoffset: 0,
        };
        let mut opts = &body[8..];
        while opts.len() >= 4 {
            let code = self.u16_at(opts, 0);
            let olen = usize::from(self.u16_at(opts, 2));
            if code == OPT_END {
                break;
            }
            let padded = (olen + 3) & !3;
            if opts.len() < 4 + padded {
                return Err(self.truncated("interface option", 4 + padded, opts.len()));
            }
            let value = &opts[4..4 + olen];
            match (code, olen) {
                (OPT_IF_TSRESOL, 1) => iface.tsresol = value[0],
                (OPT_IF_TSOFFSET, 8) => {
                    let hi = self.u32_at(value, 0);
                    let lo = self.u32_at(value, 4);
                    let v = if self.big_endian {
                        (u64::from(hi) << 32) | u64::from(lo)
                    } else {
                        (u64::from(self.u32_at(value, 4)) << 32) | u64::from(self.u32_at(value, 0))
                    };
                    iface.tsoffset = v as i64;
                }
                _ => {}
            }
            opts = &opts[4 + padded..];
        }
        Ok(iface)
    }

    fn interface(&self, id: u32) -> Result<Interface, CaptureError> {
        self.interfaces
            .get(id as usize)
            .copied()
            .ok_or_else(|| self.invalid("interface id", u64::from(id)))
    }

    fn truncated(&self, field: &'static str, needed: usize, available: usize) -> CaptureError {
        CaptureError::Truncated {
            format: Format::PcapNg,
            record: self.record,
            field,
            needed,
            available,
        }
    }

    fn invalid(&self, field: &'static str, value: u64) -> CaptureError {
        CaptureError::Invalid {
            format: Format::PcapNg,
            record: self.record,
            field,
            value,
        }
    }
}

/// Converts a timestamp in interface units to nanoseconds since the epoch.
fn convert_ts(units: u64, iface: Interface) -> Timestamp {
    let n = u32::from(iface.tsresol & 0x7f);
    let nanos: u128 = if iface.tsresol & 0x80 != 0 {
        // Binary fraction: units / 2^n seconds.
        if n >= 127 {
            0
        } else {
            (u128::from(units) * 1_000_000_000) >> n
        }
    } else if n <= 9 {
        u128::from(units) * 10u128.pow(9 - n)
    } else if n <= 38 {
        u128::from(units) / 10u128.pow(n - 9)
    } else {
        0
    };
    let offset = i128::from(iface.tsoffset) * 1_000_000_000;
    let total = (nanos as i128)
        .saturating_add(offset)
        .clamp(0, i128::from(u64::MAX));
    Timestamp(total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le_block(block_type: u32, body: &[u8]) -> Vec<u8> {
        let len = (12 + body.len()) as u32;
        let mut b = block_type.to_le_bytes().to_vec();
        b.extend_from_slice(&len.to_le_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&len.to_le_bytes());
        b
    }

    /// SHB, two IDBs (Ethernet µs; raw IP with ns resolution), an EPB on each, an SPB, and an NRB to skip.
    fn sample() -> Vec<u8> {
        let mut f = le_block(
            SHB_TYPE,
            &[
                0x4d, 0x3c, 0x2b, 0x1a, // byte-order magic (little endian)
                0x01, 0x00, 0x00, 0x00, // version 1.0
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // section length unknown
            ],
        );
        f.extend(le_block(
            IDB_TYPE,
            &[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00],
        )); // Ethernet, snaplen 65536
        f.extend(le_block(
            IDB_TYPE,
            &[
                0x65, 0x00, 0x00, 0x00, // link type 101, reserved
                0x00, 0x00, 0x00, 0x00, // snaplen 0 (unlimited)
                0x09, 0x00, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, // if_tsresol = 9 (ns), padded
                0x00, 0x00, 0x00, 0x00, // opt_endofopt
            ],
        ));
        f.extend(le_block(
            EPB_TYPE,
            &[
                0x00, 0x00, 0x00, 0x00, // interface 0
                0x00, 0x00, 0x00, 0x00, // timestamp high
                0x40, 0x42, 0x0f, 0x00, // timestamp low: 1_000_000 µs
                0x03, 0x00, 0x00, 0x00, // captured length 3
                0x3c, 0x00, 0x00, 0x00, // original length 60
                0xaa, 0xbb, 0xcc, 0x00, // data, padded
            ],
        ));
        f.extend(le_block(
            EPB_TYPE,
            &[
                0x01, 0x00, 0x00, 0x00, // interface 1
                0x00, 0x00, 0x00, 0x00, // timestamp high
                0x05, 0x00, 0x00, 0x00, // timestamp low: 5 ns
                0x01, 0x00, 0x00, 0x00, // captured length 1
                0x01, 0x00, 0x00, 0x00, // original length 1
                0x45, 0x00, 0x00, 0x00, // data, padded
            ],
        ));
        f.extend(le_block(4, &[0x00, 0x00, 0x00, 0x00])); // name resolution block: skipped
        f.extend(le_block(
            SPB_TYPE,
            &[0x02, 0x00, 0x00, 0x00, 0x11, 0x22, 0x00, 0x00],
        )); // SPB, 2 bytes
        f
    }

    #[test]
    fn reads_blocks() {
        let f = sample();
        let mut r = PcapNgReader::new(&f[..]).unwrap();
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(
            (p.linktype, p.interface, p.data),
            (LinkType::ETHERNET, 0, &[0xaa, 0xbb, 0xcc][..])
        );
        assert_eq!(
            (p.timestamp, p.original_len),
            (Timestamp(1_000_000_000), 60)
        );
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(
            (p.linktype, p.interface, p.timestamp),
            (LinkType::RAW, 1, Timestamp(5))
        );
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(p.data, &[0x11, 0x22]);
        assert_eq!(
            p.timestamp,
            Timestamp(5),
            "simple block takes the previous timestamp"
        );
        assert!(r.next_packet().is_none());
        assert_eq!(r.interface_count(), 2);
    }

    #[test]
    fn big_endian_section() {
        let be_block = |t: u32, body: &[u8]| {
            let len = (12 + body.len()) as u32;
            let mut b = t.to_be_bytes().to_vec();
            b.extend_from_slice(&len.to_be_bytes());
            b.extend_from_slice(body);
            b.extend_from_slice(&len.to_be_bytes());
            b
        };
        let mut f = be_block(
            SHB_TYPE,
            &[
                0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ],
        );
        // Ethernet; if_tsresol 0x83 = 2^-3 s; if_tsoffset 10 s.
        f.extend(be_block(
            IDB_TYPE,
            &[
                0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0x83, 0, 0, 0, 0, 14, 0, 8, 0, 0, 0, 0, 0, 0,
                0, 10,
            ],
        ));
        // 12 units of 1/8 s = 1.5 s, plus 10 s offset.
        f.extend(be_block(
            EPB_TYPE,
            &[
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1, 7, 0, 0, 0,
            ],
        ));
        let mut r = PcapNgReader::new(&f[..]).unwrap();
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(
            (p.timestamp, p.data),
            (Timestamp(11_500_000_000), &[7u8][..])
        );
    }

    #[test]
    fn truncated_and_bad_blocks() {
        let f = sample();
        for n in 0..f.len() {
            if let Ok(mut r) = PcapNgReader::new(&f[..n]) {
                let mut last = None;
                while let Some(x) = r.next_packet() {
                    last = Some(x.map(|p| p.data.len()));
                }
                if n < f.len() && n % 4 != 0 {
                    assert!(
                        matches!(last, Some(Err(CaptureError::Truncated { .. }))),
                        "cut at {n}"
                    );
                }
            }
        }
        // EPB naming an interface that was never described.
        let mut g = sample()[..28].to_vec();
        g.extend(le_block(
            EPB_TYPE,
            &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        let mut r = PcapNgReader::new(&g[..]).unwrap();
        assert!(matches!(
            r.next_packet(),
            Some(Err(CaptureError::Invalid {
                field: "interface id",
                ..
            }))
        ));
    }
}
