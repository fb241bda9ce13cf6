//! OT Lens traffic decoding: capture readers, flows, industrial protocol
//! dissectors and the records a sensor uploads. No I/O beyond reading bytes.
//!
//! The pipeline, one module per stage:
//!
//! - [`capture`]: pcap / pcapng readers over any `std::io::Read`.
//! - [`packet`] (with [`link`], [`ethernet`], [`ip`], [`transport`]): one frame
//!   decoded into borrowed views, down to the TCP/UDP payload.
//! - [`flow`], [`host`]: the flow table (canonical 5-tuple, per-minute counters,
//!   idle expiry) and the MAC / IP host tables.
//! - [`reassembly`]: per-direction TCP reassembly feeding [`dissect`].
//! - [`identity`], [`oui`]: device facts learned at the packet layer.
//! - [`analyzer`]: the engine tying them together into per-minute digests.
//! - [`record`]: the versioned upload schema ([`record::Batch`]), with the
//!   per-field bounds a server enforces in [`limits`].
//! - `upload` (feature `upload`): a batch's wire form, zstd-compressed CBOR
//!   or JSON, decoded and checked as the server receives it.
//!
//! ```
//! use traffic::{Analyzer, AnalyzerConfig, CaptureReader};
//!
//! // A pcap file header with no packets, standing in for a capture file.
//! let file: &[u8] = &[
//!     0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
//! ];
//! let mut reader = CaptureReader::new(file)?;
//! let mut analyzer = Analyzer::new(AnalyzerConfig::default());
//! let mut sequence = 0;
//! while let Some(packet) = reader.next_packet() {
//!     analyzer.push_packet(&packet?);
//!     while let Some(minute) = analyzer.drain_minute() {
//!         let batch = minute.into_batch("sensor-1", sequence, Default::default());
//!         sequence += 1;
//!         let _ = batch; // spool and upload
//!     }
//! }
//! for minute in analyzer.finish() {
//!     let _ = minute.into_batch("sensor-1", sequence, Default::default());
//!     sequence += 1;
//! }
//! # Ok::<(), traffic::capture::CaptureError>(())
//! ```
#![forbid(unsafe_code)]

pub mod analyzer;
pub mod capture;
pub mod dissect;
pub mod error;
pub mod ethernet;
pub mod flow;
pub mod host;
pub mod identity;
pub mod ip;
pub mod limits;
pub mod link;
pub mod operation;
pub mod oui;
pub mod packet;
pub mod reassembly;
pub mod record;
pub mod transport;
#[cfg(feature = "upload")]
pub mod upload;

pub use analyzer::{Analyzer, AnalyzerConfig, MinuteDigest};
pub use capture::{CaptureError, CaptureReader, Packet, Timestamp};
pub use link::LinkType;
pub use packet::{DecodedPacket, decode};
pub use record::{Batch, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION};
