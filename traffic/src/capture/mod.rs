//! Capture file readers: classic pcap and pcapng, as streaming readers over
//! any [`std::io::Read`].
//!
//! Readers hand out [`Packet`]s that borrow an internal buffer, so reading
//! allocates nothing per packet. They never panic: a damaged or truncated file
//! yields a [`CaptureError`] naming the record and field, after every complete
//! record before it has been returned.
//!
//! ```
//! use traffic::capture::CaptureReader;
//! # let bytes: Vec<u8> = [
//! #     0xd4u8, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
//! # ].to_vec();
//! let mut reader = CaptureReader::new(&bytes[..]).unwrap();
//! while let Some(item) = reader.next_packet() {
//!     match item {
//!         Ok(packet) => println!("{} bytes at {:?}", packet.data.len(), packet.timestamp),
//!         Err(e) => eprintln!("{e}"),
//!     }
//! }
//! ```

mod pcap;
mod pcapng;
mod source;

pub use pcap::PcapReader;
pub use pcapng::PcapNgReader;
pub use source::{ByteSource, ReadSource, SliceSource};

use crate::link::LinkType;
use std::io::Read;

/// Nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn from_secs_nanos(secs: u64, nanos: u64) -> Self {
        Timestamp(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
    }
    pub fn secs(self) -> u64 {
        self.0 / 1_000_000_000
    }
    pub fn subsec_nanos(self) -> u32 {
        (self.0 % 1_000_000_000) as u32
    }
    /// Milliseconds since the epoch, as records carry it.
    pub fn millis(self) -> i64 {
        (self.0 / 1_000_000) as i64
    }
    /// Index of the UTC minute this instant falls in (seconds / 60).
    pub fn minute(self) -> u64 {
        self.secs() / 60
    }
}

/// One captured frame, borrowing the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    pub timestamp: Timestamp,
    pub linktype: LinkType,
    /// Interface index (pcapng); 0 for classic pcap.
    pub interface: u32,
    /// Length of the frame on the wire; `data` may be shorter (snap length).
    pub original_len: u32,
    pub data: &'a [u8],
}

/// A packet that owns its bytes, for handing to another thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPacket {
    pub timestamp: Timestamp,
    pub linktype: LinkType,
    pub interface: u32,
    pub original_len: u32,
    pub data: Vec<u8>,
}

impl OwnedPacket {
    /// Borrows it back as a [`Packet`].
    pub fn as_packet(&self) -> Packet<'_> {
        Packet {
            timestamp: self.timestamp,
            linktype: self.linktype,
            interface: self.interface,
            original_len: self.original_len,
            data: &self.data,
        }
    }
}

impl Packet<'_> {
    pub fn to_owned_packet(&self) -> OwnedPacket {
        OwnedPacket {
            timestamp: self.timestamp,
            linktype: self.linktype,
            interface: self.interface,
            original_len: self.original_len,
            data: self.data.to_vec(),
        }
    }
}

/// An [`Iterator`] of owned packets (one allocation per packet; the borrowing
/// [`CaptureReader::next_packet`] allocates none).
#[derive(Debug)]
pub struct OwnedPackets<S>(CaptureReader<S>);

impl<S: ByteSource> Iterator for OwnedPackets<S> {
    type Item = Result<OwnedPacket, CaptureError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next_packet().map(|r| r.map(|p| p.to_owned_packet()))
    }
}

/// Which file format a reader is parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Pcap => "pcap",
            Format::PcapNg => "pcapng",
        })
    }
}

/// Errors while reading a capture file.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("reading capture: {0}")]
    Io(#[from] std::io::Error),
    /// The first four bytes are neither pcap nor pcapng magic.
    #[error("not a pcap or pcapng file (magic {0:#010x})")]
    UnknownFormat(u32),
    /// The file ended inside a record. `record` counts from 1 (the file header is record 0).
    #[error(
        "{format}: record {record} truncated in {field}: need {needed} bytes, file has {available}"
    )]
    Truncated {
        format: Format,
        record: u64,
        field: &'static str,
        needed: usize,
        available: usize,
    },
    /// A field holds an impossible value; reading cannot continue past it.
    #[error("{format}: record {record} has invalid {field} ({value})")]
    Invalid {
        format: Format,
        record: u64,
        field: &'static str,
        value: u64,
    },
}

/// Largest record we accept; anything bigger is taken as corruption rather than allocated.
pub const MAX_RECORD_LEN: usize = 64 * 1024 * 1024;

/// A reader for either format, chosen from the file's magic number.
#[derive(Debug)]
pub enum CaptureReader<S> {
    Pcap(PcapReader<S>),
    PcapNg(PcapNgReader<S>),
}

impl<R: Read> CaptureReader<ReadSource<R>> {
    /// Reads the file header from `reader` and picks the format.
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        Self::from_source(ReadSource::new(reader))
    }
}

impl<'a> CaptureReader<SliceSource<'a>> {
    /// A reader over a capture already in memory (for example a mapped file):
    /// packets borrow `bytes` directly, nothing is copied.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self, CaptureError> {
        Self::from_source(SliceSource::new(bytes))
    }
}

impl<S: ByteSource> CaptureReader<S> {
    fn from_source(mut src: S) -> Result<Self, CaptureError> {
        let have = src.fill(4)?;
        if have < 4 {
            return Err(CaptureError::Truncated {
                format: Format::Pcap,
                record: 0,
                field: "magic number",
                needed: 4,
                available: have,
            });
        }
        let b = src.peek(4);
        let magic = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        match magic {
            pcapng::SHB_TYPE => Ok(CaptureReader::PcapNg(PcapNgReader::from_source(src)?)),
            m if pcap::is_magic(m) => Ok(CaptureReader::Pcap(PcapReader::from_source(src)?)),
            m => Err(CaptureError::UnknownFormat(u32::from_be_bytes(
                m.to_le_bytes(),
            ))),
        }
    }

    /// The next packet, an error (after which the reader is finished), or `None` at the end.
    #[allow(clippy::should_implement_trait)] // packets borrow the reader, which Iterator cannot express
    pub fn next_packet(&mut self) -> Option<Result<Packet<'_>, CaptureError>> {
        match self {
            CaptureReader::Pcap(r) => r.next_packet(),
            CaptureReader::PcapNg(r) => r.next_packet(),
        }
    }

    /// Turns the reader into an iterator of owned packets.
    pub fn owned_packets(self) -> OwnedPackets<S> {
        OwnedPackets(self)
    }

    pub fn format(&self) -> Format {
        match self {
            CaptureReader::Pcap(_) => Format::Pcap,
            CaptureReader::PcapNg(_) => Format::PcapNg,
        }
    }

    /// Bytes of the file consumed so far.
    pub fn position(&self) -> u64 {
        match self {
            CaptureReader::Pcap(r) => r.position(),
            CaptureReader::PcapNg(r) => r.position(),
        }
    }
}
