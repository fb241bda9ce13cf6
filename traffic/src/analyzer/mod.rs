//! The engine: frames in, per-minute digests out.
//!
//! ```
//! use traffic::analyzer::{Analyzer, AnalyzerConfig};
//! use traffic::capture::{CaptureReader, Timestamp};
//! # let file: Vec<u8> = [0xd4u8, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0].to_vec();
//! let mut reader = CaptureReader::new(&file[..]).unwrap();
//! let mut analyzer = Analyzer::new(AnalyzerConfig::default());
//! while let Some(Ok(p)) = reader.next_packet() {
//!     analyzer.push_packet(&p);
//!     for digest in analyzer.drain_completed() {
//!         let _batch = digest.into_batch("sensor-1", 0, Default::default());
//!     }
//! }
//! let last_minutes = analyzer.finish();
//! assert!(last_minutes.is_empty());
//! ```
//!
//! Minutes follow packet timestamps (UTC minute boundaries). A packet older
//! than the current minute is counted in the current minute; a jump forward
//! closes the current minute (idle minutes produce no digest). For live
//! capture, [`Analyzer::tick`] closes a minute when no packet arrives.
//!
//! The engine's jobs, one file each:
//!
//! - `packet_path`: one frame through decoding, the flow table, reassembly and
//!   the dissectors ([`Analyzer::push`] and friends);
//! - `minute`: what a minute accumulates and how it is closed into a
//!   [`MinuteDigest`] ([`Analyzer::tick`], [`Analyzer::finish`]);
//! - `publishers`: counters layer-2 publishers carry from frame to frame
//!   (GOOSE state numbers that skip, PROFINET IO cycle times);
//! - `whole_capture`: every digest of a capture file at once ([`digest_capture`]).

mod minute;
mod packet_path;
mod publishers;
#[cfg(test)]
mod test_frames;
mod whole_capture;

pub use minute::MinuteDigest;
pub use publishers::{LATE_COPY_NS, MAX_PUBLISHER_STREAMS, cycle_time_text};
pub use whole_capture::{WholeCapture, digest_capture, digest_capture_bytes};

use self::minute::{Edge, Ended, MinuteCounters, OpAgg, OpKey};
use crate::capture::Timestamp;
use crate::dissect::DissectOutput;
use crate::flow::{FlowConfig, FlowStats, FlowTable};
use crate::host::{HostConfig, HostTable};
use crate::identity::Fact;
use crate::reassembly::ReassemblyConfig;
use crate::record::IdentityRecord;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;

/// Engine settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzerConfig {
    pub flow: FlowConfig,
    pub reassembly: ReassemblyConfig,
    pub hosts: HostConfig,
    /// Distinct operation rows kept per minute; further kinds are counted as dropped.
    pub max_operation_rows: usize,
    /// Identity facts remembered so each is reported once; the memory is cleared when full.
    pub max_remembered_facts: usize,
    /// Run the industrial protocol dissectors (off: flows and hosts only).
    pub dissect: bool,
    /// How often (packet-time seconds) idle flows are expired.
    pub expiry_interval_secs: u64,
    /// Bytes all TCP reassembly buffers together may hold; past it, the stream
    /// that grew drops its buffers (counted in `reassembly_overflow_bytes`).
    pub max_reassembly_bytes: u64,
    /// Keep flows, operations, facts and IP addresses apart by 802.1Q VLAN
    /// (the same address on two VLANs is two devices). Off for a mirror
    /// that tags one direction of a link and not the other, where every
    /// conversation would be split in two; every record is then untagged.
    pub vlans_apart: bool,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            flow: FlowConfig::default(),
            reassembly: ReassemblyConfig::default(),
            hosts: HostConfig::default(),
            max_operation_rows: 100_000,
            max_remembered_facts: 1_000_000,
            dissect: true,
            expiry_interval_secs: 10,
            max_reassembly_bytes: 64 * 1024 * 1024,
            vlans_apart: true,
        }
    }
}

/// Lifetime totals since the analyzer was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub packets: u64,
    pub bytes: u64,
    /// Frames with a decoding error at some layer (snap-length cuts excluded).
    pub malformed: u64,
    /// Frames cut short by the capture's snap length.
    pub snaplen_truncated: u64,
    pub operations: u64,
    pub identities: u64,
    pub minutes: u64,
}

/// The engine. See the module documentation.
#[derive(Debug)]
pub struct Analyzer {
    cfg: AnalyzerConfig,
    flows: FlowTable,
    hosts: HostTable,
    minute: Option<u64>,
    latest: Timestamp,
    last_expiry_secs: u64,
    counters: MinuteCounters,
    /// Edges that carried operations this minute, with an index by value.
    edges: Vec<Edge>,
    edge_index: FxHashMap<Edge, u32>,
    /// Operation rows of the minute, in first-seen order, with an index by key.
    ops: Vec<(OpKey, OpAgg)>,
    op_index: FxHashMap<OpKey, u32>,
    /// Rows used most recently, with a hash of their key: polling repeats the
    /// same few operations, and comparing hashes held here is cheaper than a
    /// map lookup or reaching into `ops` for every candidate.
    recent_ops: [(u64, u32); 4],
    identities: Vec<IdentityRecord>,
    remembered: FxHashSet<u64>,
    ended: Ended,
    completed: VecDeque<MinuteDigest>,
    scratch_out: DissectOutput,
    scratch_facts: Vec<Fact>,
    publishers: publishers::Publishers,
    totals: Totals,
    flow_counters: FlowDrops,
}

#[derive(Debug, Clone, Copy, Default)]
struct FlowDrops {
    reported_not_tracked: u64,
    reported_evicted: u64,
}

impl Analyzer {
    pub fn new(cfg: AnalyzerConfig) -> Self {
        Analyzer {
            cfg,
            flows: FlowTable::new(cfg.flow),
            hosts: HostTable::new(cfg.hosts),
            minute: None,
            latest: Timestamp(0),
            last_expiry_secs: 0,
            counters: MinuteCounters::default(),
            edges: Vec::new(),
            edge_index: FxHashMap::default(),
            ops: Vec::new(),
            op_index: FxHashMap::default(),
            recent_ops: [(0, u32::MAX); 4],
            identities: Vec::new(),
            remembered: FxHashSet::default(),
            ended: Ended::new(cfg.reassembly),
            completed: VecDeque::new(),
            scratch_out: DissectOutput::default(),
            scratch_facts: Vec::new(),
            publishers: publishers::Publishers::default(),
            totals: Totals::default(),
            flow_counters: FlowDrops::default(),
        }
    }

    /// Lifetime totals.
    pub fn totals(&self) -> Totals {
        self.totals
    }
    /// Lifetime flow counts (created, expired, evicted, not tracked).
    pub fn flow_stats(&self) -> FlowStats {
        self.flows.stats()
    }
    /// The host tables (addresses and address pairs seen).
    pub fn hosts(&self) -> &HostTable {
        &self.hosts
    }
    /// Flows currently tracked.
    pub fn active_flows(&self) -> usize {
        self.flows.len()
    }
}
