//! Classic libpcap files: both byte orders, microsecond and nanosecond timestamps.

use super::source::{ByteSource, ReadSource};
use super::{CaptureError, Format, MAX_RECORD_LEN, Packet, Timestamp};
use crate::link::LinkType;
use std::io::Read;

const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

/// Whether a little-endian read of the first four bytes is a pcap magic in either byte order.
pub(crate) fn is_magic(le: u32) -> bool {
    matches!(le, MAGIC_MICROS | MAGIC_NANOS)
        || matches!(le.swap_bytes(), MAGIC_MICROS | MAGIC_NANOS)
}

/// Streaming reader of a classic pcap file.
#[derive(Debug)]
pub struct PcapReader<S> {
    src: S,
    big_endian: bool,
    nanos: bool,
    linktype: LinkType,
    snaplen: u32,
    version: (u16, u16),
    /// Number of the next record (1-based).
    record: u64,
    done: bool,
}

impl<R: Read> PcapReader<ReadSource<R>> {
    /// Reads and checks the file header.
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        Self::from_source(ReadSource::new(reader))
    }
}

impl<S: ByteSource> PcapReader<S> {
    pub(crate) fn from_source(mut src: S) -> Result<Self, CaptureError> {
        let have = src.fill(FILE_HEADER_LEN)?;
        if have < FILE_HEADER_LEN {
            return Err(CaptureError::Truncated {
                format: Format::Pcap,
                record: 0,
                field: "file header",
                needed: FILE_HEADER_LEN,
                available: have,
            });
        }
        let h = src.take(FILE_HEADER_LEN);
        let le = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
        let (big_endian, magic) = if matches!(le, MAGIC_MICROS | MAGIC_NANOS) {
            (false, le)
        } else if matches!(le.swap_bytes(), MAGIC_MICROS | MAGIC_NANOS) {
            (true, le.swap_bytes())
        } else {
            return Err(CaptureError::UnknownFormat(u32::from_be_bytes([
                h[0], h[1], h[2], h[3],
            ])));
        };
        let u16_at = |at: usize| {
            let b = [h[at], h[at + 1]];
            if big_endian {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        };
        let u32_at = |at: usize| {
            let b = [h[at], h[at + 1], h[at + 2], h[at + 3]];
            if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let version = (u16_at(4), u16_at(6));
        let snaplen = u32_at(16);
        // The upper bits carry FCS-length flags, not the link type.
        let linktype = LinkType(u32_at(20) & 0xffff);
        Ok(PcapReader {
            src,
            big_endian,
            nanos: magic == MAGIC_NANOS,
            linktype,
            snaplen,
            version,
            record: 1,
            done: false,
        })
    }

    pub fn linktype(&self) -> LinkType {
        self.linktype
    }
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }
    /// Whether timestamps have nanosecond (rather than microsecond) resolution.
    pub fn nanosecond(&self) -> bool {
        self.nanos
    }
    pub fn big_endian(&self) -> bool {
        self.big_endian
    }
    pub fn version(&self) -> (u16, u16) {
        self.version
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
        match self.read_record() {
            Ok(Some(len_and_meta)) => {
                let (ts, caplen, orig) = len_and_meta;
                self.record += 1;
                Some(Ok(Packet {
                    timestamp: ts,
                    linktype: self.linktype,
                    interface: 0,
                    original_len: orig,
                    data: self.src.take(caplen),
                }))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Reads a record header and makes its data available; `None` at a clean end of file.
    fn read_record(&mut self) -> Result<Option<(Timestamp, usize, u32)>, CaptureError> {
        let have = self.src.fill(RECORD_HEADER_LEN)?;
        if have == 0 {
            return Ok(None);
        }
        if have < RECORD_HEADER_LEN {
            return Err(self.truncated("record header", RECORD_HEADER_LEN, have));
        }
        let h = self.src.peek(RECORD_HEADER_LEN);
        let be = self.big_endian;
        let u32_at = |at: usize| {
            let b = [h[at], h[at + 1], h[at + 2], h[at + 3]];
            if be {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let (secs, frac, caplen, orig) = (u32_at(0), u32_at(4), u32_at(8), u32_at(12));
        let caplen = caplen as usize;
        if caplen > MAX_RECORD_LEN {
            return Err(CaptureError::Invalid {
                format: Format::Pcap,
                record: self.record,
                field: "captured length",
                value: caplen as u64,
            });
        }
        let nanos = if self.nanos {
            u64::from(frac)
        } else {
            u64::from(frac) * 1000
        };
        let ts = Timestamp::from_secs_nanos(secs.into(), nanos);
        let have = self.src.fill(RECORD_HEADER_LEN + caplen)?;
        if have < RECORD_HEADER_LEN + caplen {
            return Err(self.truncated("packet data", caplen, have - RECORD_HEADER_LEN));
        }
        self.src.consume(RECORD_HEADER_LEN);
        Ok(Some((ts, caplen, orig)))
    }

    fn truncated(&self, field: &'static str, needed: usize, available: usize) -> CaptureError {
        CaptureError::Truncated {
            format: Format::Pcap,
            record: self.record,
            field,
            needed,
            available,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian microsecond pcap with two Ethernet records.
    pub(crate) fn two_records() -> Vec<u8> {
        let mut f = vec![
            0xd4, 0xc3, 0xb2, 0xa1, // magic, little endian, microseconds
            0x02, 0x00, 0x04, 0x00, // version 2.4
            0x00, 0x00, 0x00, 0x00, // thiszone
            0x00, 0x00, 0x00, 0x00, // sigfigs
            0xff, 0xff, 0x00, 0x00, // snaplen 65535
            0x01, 0x00, 0x00, 0x00, // link type Ethernet
        ];
        f.extend_from_slice(&[
            0x10, 0x00, 0x00, 0x00, // seconds 16
            0x40, 0x42, 0x0f,
            0x00, // microseconds 1_000_000: out of range, carried into the next second
            0x03, 0x00, 0x00, 0x00, // captured length 3
            0x40, 0x00, 0x00, 0x00, // original length 64
            0xaa, 0xbb, 0xcc, // data
        ]);
        f.extend_from_slice(&[
            0x11, 0x00, 0x00, 0x00, // seconds 17
            0x05, 0x00, 0x00, 0x00, // microseconds 5
            0x02, 0x00, 0x00, 0x00, // captured length 2
            0x02, 0x00, 0x00, 0x00, // original length 2
            0x01, 0x02, // data
        ]);
        f
    }

    #[test]
    fn reads_records() {
        let f = two_records();
        let mut r = PcapReader::new(&f[..]).unwrap();
        assert_eq!(
            (r.linktype(), r.snaplen(), r.nanosecond()),
            (LinkType::ETHERNET, 65535, false)
        );
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!((p.data, p.original_len), (&[0xaa, 0xbb, 0xcc][..], 64));
        // Out-of-range microseconds are carried over rather than rejected.
        assert_eq!(p.timestamp, Timestamp::from_secs_nanos(17, 0));
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(p.timestamp, Timestamp::from_secs_nanos(17, 5_000));
        assert!(r.next_packet().is_none());
    }

    #[test]
    fn big_endian_nanos() {
        let mut f = vec![
            0xa1, 0xb2, 0x3c, 0x4d, // magic, big endian, nanoseconds
            0x00, 0x02, 0x00, 0x04, // version 2.4
            0, 0, 0, 0, 0, 0, 0, 0, // thiszone, sigfigs
            0x00, 0x00, 0x10, 0x00, // snaplen 4096
            0x00, 0x00, 0x00, 0x65, // link type 101 raw IP
        ];
        f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 1, 0x45]);
        let mut r = PcapReader::new(&f[..]).unwrap();
        assert!(r.big_endian() && r.nanosecond());
        assert_eq!(r.linktype(), LinkType::RAW);
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(p.timestamp, Timestamp(1_000_000_007));
    }

    #[test]
    fn truncation_reports_record_and_need() {
        let f = two_records();
        let cut = &f[..f.len() - 1];
        let mut r = PcapReader::new(cut).unwrap();
        assert!(r.next_packet().unwrap().is_ok());
        match r.next_packet().unwrap() {
            Err(CaptureError::Truncated {
                record: 2,
                field: "packet data",
                needed: 2,
                available: 1,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(r.next_packet().is_none());
        // Every truncation point: a clean end or a clean error, never a panic.
        for n in 0..f.len() {
            if let Ok(mut r) = PcapReader::new(&f[..n]) {
                while let Some(x) = r.next_packet() {
                    let _ = x.map(|p| p.data.len());
                }
            }
        }
    }

    #[test]
    fn absurd_length_is_invalid() {
        let mut f = two_records()[..24].to_vec();
        f.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]);
        let mut r = PcapReader::new(&f[..]).unwrap();
        assert!(matches!(
            r.next_packet(),
            Some(Err(CaptureError::Invalid { record: 1, .. }))
        ));
    }
}
