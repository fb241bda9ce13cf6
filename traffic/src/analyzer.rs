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

use crate::capture::{Packet, Timestamp};
use crate::dissect::{self, Carrier, DissectOutput, PayloadContext};
use crate::error::{DecodeError, Layer};
use crate::ethernet::{MacAddr, ethertype};
use crate::flow::{Flow, FlowConfig, FlowKey, FlowStats, FlowTable, Side};
use crate::host::{HostConfig, HostTable};
use crate::identity::{self, Fact};
use crate::link::LinkType;
use crate::operation::{AddressRange, Direction, Operation, OperationClass, Protocol};
use crate::packet::{DecodedPacket, Transport, decode_fresh};
use crate::reassembly::{ReassemblyConfig, TcpStreams};
use crate::record::{
    Batch, Counters, FlowEnd, FlowRecord, Health, HostRecord, IdentityRecord,
    MAX_RANGES_PER_OPERATION, OperationCount, SCHEMA_VERSION, TransportKind,
};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

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
        }
    }
}

/// Everything observed in one minute; [`MinuteDigest::into_batch`] makes the upload record.
#[derive(Debug, Clone, PartialEq)]
pub struct MinuteDigest {
    /// Start of the minute, seconds since the epoch.
    pub minute_start: i64,
    pub flows: Vec<FlowRecord>,
    pub operations: Vec<OperationCount>,
    pub identities: Vec<IdentityRecord>,
    pub hosts: Vec<HostRecord>,
    pub counters: Counters,
}

impl MinuteDigest {
    /// A minute in which nothing was seen (live capture still reports it).
    pub fn empty(minute_start: i64) -> Self {
        MinuteDigest {
            minute_start,
            flows: Vec::new(),
            operations: Vec::new(),
            identities: Vec::new(),
            hosts: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Wraps the digest in a versioned upload record.
    pub fn into_batch(self, sensor_id: &str, sequence: u64, health: Health) -> Batch {
        Batch {
            schema_version: SCHEMA_VERSION,
            sensor_id: sensor_id.to_owned(),
            sequence,
            minute_start: self.minute_start,
            flows: self.flows,
            operations: self.operations,
            identities: self.identities,
            hosts: self.hosts,
            counters: self.counters,
            health,
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

/// An operation row's key. The edge is an index into the minute's edge table so
/// that comparing keys (on every operation) compares integers, not addresses.
#[derive(Debug, Clone)]
struct OpKey {
    edge: u32,
    function_code: u32,
    protocol: Protocol,
    direction: Direction,
    class: OperationClass,
    unit: Option<u32>,
    error_code: Option<u32>,
    name: Cow<'static, str>,
}

/// Cheap fields first, the name last; equal keys compare every field.
impl PartialEq for OpKey {
    fn eq(&self, o: &Self) -> bool {
        self.edge == o.edge
            && self.function_code == o.function_code
            && self.protocol == o.protocol
            && self.direction == o.direction
            && self.class == o.class
            && self.unit == o.unit
            && self.error_code == o.error_code
            && same_text(&self.name, &o.name)
    }
}

/// String equality that first checks for the same static text: names are
/// mostly `&'static str` constants, so the bytes rarely need comparing.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

impl Eq for OpKey {}

/// Hashes every field but the name: the name follows from protocol and function code
/// almost always, so hashing the string would cost time for no spread. Equality
/// still compares it, so Hash stays consistent with Eq.
impl Hash for OpKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(u64::from(self.edge) << 32 | u64::from(self.function_code));
        (
            self.protocol,
            self.direction,
            self.class,
            self.unit,
            self.error_code,
        )
            .hash(h);
    }
}

#[derive(Debug, Clone)]
struct OpAgg {
    count: u64,
    first: Timestamp,
    last: Timestamp,
    ranges: Vec<AddressRange>,
    ranges_truncated: bool,
}

/// Where an operation happened: the edge part of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Edge {
    transport: TransportKind,
    client_ip: Option<IpAddr>,
    server_ip: Option<IpAddr>,
    server_port: Option<u16>,
    client_mac: Option<MacAddr>,
    server_mac: Option<MacAddr>,
}

/// Per-minute counters kept as plain integers on the hot path.
#[derive(Debug, Clone, Default)]
struct MinuteCounters {
    c: Counters,
    malformed_layer: [u64; Layer::ALL.len()],
    malformed_protocol: FxHashMap<Protocol, u64>,
    operations: EnumCounts<Protocol>,
    operation_classes: EnumCounts<OperationClass>,
}

/// Counts per value of a small fieldless enum, in an array indexed by discriminant
/// (no hashing per operation); values past the array fall back to a map.
#[derive(Debug, Clone)]
struct EnumCounts<T> {
    slots: [(Option<T>, u64); 32],
    overflow: FxHashMap<T, u64>,
}

impl<T> Default for EnumCounts<T> {
    fn default() -> Self {
        EnumCounts {
            slots: std::array::from_fn(|_| (None, 0)),
            overflow: FxHashMap::default(),
        }
    }
}

impl<T: Copy + Eq + Hash> EnumCounts<T> {
    #[inline]
    fn add(&mut self, v: T, index: usize) {
        match self.slots.get_mut(index) {
            Some((slot, n)) => {
                *slot = Some(v);
                *n += 1;
            }
            None => *self.overflow.entry(v).or_default() += 1,
        }
    }

    fn into_counts(self) -> impl Iterator<Item = (T, u64)> {
        self.slots
            .into_iter()
            .filter_map(|(v, n)| v.map(|v| (v, n)))
            .chain(self.overflow)
    }
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
            ended: Ended::default(),
            completed: VecDeque::new(),
            scratch_out: DissectOutput::default(),
            scratch_facts: Vec::new(),
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

    /// Processes a packet from a capture reader (uses its wire length for byte counts).
    pub fn push_packet(&mut self, p: &Packet<'_>) {
        self.push_with_len(
            p.timestamp,
            p.linktype,
            p.data,
            p.original_len.max(p.data.len() as u32),
        );
    }

    /// Processes one frame; byte counts use the captured length.
    pub fn push(&mut self, ts: Timestamp, linktype: LinkType, frame: &[u8]) {
        self.push_with_len(ts, linktype, frame, frame.len() as u32);
    }

    /// Processes one frame whose length on the wire was `wire_len`.
    pub fn push_with_len(
        &mut self,
        ts: Timestamp,
        linktype: LinkType,
        frame: &[u8],
        wire_len: u32,
    ) {
        self.advance(ts);
        let now = ts.max(self.latest);
        self.latest = now;
        let bytes = u64::from(wire_len);
        let c = &mut self.counters.c;
        c.packets += 1;
        c.bytes += bytes;
        self.totals.packets += 1;
        self.totals.bytes += bytes;

        let mut p = DecodedPacket::default();
        decode_fresh(linktype, frame, &mut p);
        if let Some(err) = p.error {
            self.count_error(err, frame.len() < wire_len as usize);
        }
        if let Some(ip) = &p.ip {
            let c = &mut self.counters.c;
            if ip.src.is_ipv4() {
                c.ipv4_packets += 1;
            } else {
                c.ipv6_packets += 1;
            }
            if ip.fragment.is_some() {
                c.ip_fragments += 1;
            }
        }
        if let Some(arp) = p.arp {
            self.counters.c.arp_packets += 1;
            if let Some((mac, ip)) = arp.sender_mac_ipv4()
                && !ip.is_unspecified()
            {
                self.remember_fact(
                    Fact {
                        mac: Some(mac),
                        ip: Some(IpAddr::V4(ip)),
                        source: "arp".into(),
                        attribute: "ip_address".into(),
                        value: ip.to_string(),
                    },
                    now,
                );
            }
        }
        // Packets of a tracked flow reach the host table through the flow (see
        // `HostTable::absorb_flow`); every other frame is counted here.
        let by_flow = match p.transport {
            Transport::Tcp(_) | Transport::Udp(_) => self.transport_packet(&p, now, bytes),
            Transport::Icmp { .. } | Transport::Other(_) => match &p.ip {
                Some(ip) if ip.fragment.is_none_or(|f| f.offset == 0) => {
                    self.other_ip_packet(&p, ip.protocol, now, bytes)
                }
                _ => false,
            },
            Transport::None => {
                if p.ip.is_none()
                    && let Some(et) = p.ethertype
                    && !matches!(et, ethertype::ARP | ethertype::IPV4 | ethertype::IPV6)
                {
                    self.ethernet_payload(&p, et, now);
                }
                false
            }
        };
        if !by_flow {
            if let Some(src) = p.src_mac {
                self.hosts.observe_macs(src, p.dst_mac, now, bytes);
            }
            if let Some(ip) = &p.ip {
                self.hosts
                    .observe_ips(ip.src, ip.dst, ip.ttl, p.src_mac, now, bytes);
            }
        }
    }

    fn count_error(&mut self, err: DecodeError, snaplen_cut: bool) {
        match err {
            DecodeError::UnsupportedLinkType(_) => self.counters.c.unsupported_link += 1,
            // A frame the capture cut short is not the sender's fault.
            DecodeError::Truncated { .. } if snaplen_cut => self.totals.snaplen_truncated += 1,
            e => {
                self.counters.malformed_layer[e.layer().index()] += 1;
                self.totals.malformed += 1;
            }
        }
    }

    /// Closes minutes before `ts` and runs periodic expiry.
    fn advance(&mut self, ts: Timestamp) {
        let m = ts.minute();
        match self.minute {
            None => self.minute = Some(m),
            Some(cur) if m > cur => {
                self.close_minute(None);
                self.minute = Some(m);
            }
            _ => {}
        }
        let secs = ts.secs();
        if secs >= self.last_expiry_secs + self.cfg.expiry_interval_secs {
            self.last_expiry_secs = secs;
            self.expire(ts);
        }
    }

    /// Start (seconds since the epoch) of the minute being accumulated, if any.
    pub fn current_minute_start(&self) -> Option<i64> {
        self.minute.map(|m| m as i64 * 60)
    }

    /// For live capture: closes the current minute if `now` is past it.
    pub fn tick(&mut self, now: Timestamp) {
        if let Some(cur) = self.minute
            && now.minute() > cur
        {
            self.latest = self.latest.max(now);
            self.close_minute(None);
            self.minute = Some(now.minute());
        }
    }

    /// Digests of minutes that are over, oldest first.
    ///
    /// Called after every packet, so it is a plain pop loop: a `VecDeque::drain`
    /// costs a guard and its drop even when nothing is queued.
    #[inline]
    pub fn drain_completed(&mut self) -> impl Iterator<Item = MinuteDigest> + '_ {
        std::iter::from_fn(move || self.completed.pop_front())
    }

    /// The oldest finished minute, if any.
    pub fn drain_minute(&mut self) -> Option<MinuteDigest> {
        self.completed.pop_front()
    }

    /// Ends the capture: closes the current minute with every flow ended, and
    /// returns all digests not yet drained.
    pub fn finish(&mut self) -> Vec<MinuteDigest> {
        if self.minute.is_some() {
            self.close_minute(Some(FlowEnd::CaptureEnd));
            self.minute = None;
        }
        self.completed.drain(..).collect()
    }

    fn expire(&mut self, now: Timestamp) {
        let (ended, hosts) = (&mut self.ended, &mut self.hosts);
        self.flows
            .expire(now, &mut |f: Flow, why| ended.end(hosts, f, why));
    }

    fn close_minute(&mut self, end_all: Option<FlowEnd>) {
        let Some(minute) = self.minute else { return };
        let now = self.latest;
        self.expire(now);
        if let Some(why) = end_all {
            for f in self.flows.drain() {
                self.ended.end(&mut self.hosts, f, why);
            }
        }
        let mut flows = std::mem::take(&mut self.ended.records);
        if end_all.is_none() {
            for f in self.flows.iter_mut() {
                if f.active_this_minute() {
                    self.hosts.absorb_flow(f);
                    let ended = (f.closed() && !f.end_reported).then(|| {
                        f.end_reported = true;
                        if f.rst { FlowEnd::Rst } else { FlowEnd::Fin }
                    });
                    flows.push(f.take_minute_record(ended));
                }
            }
        }
        flows.sort_by(|a, b| {
            (
                a.first_seen_ms,
                a.client_ip,
                a.client_port,
                a.server_ip,
                a.server_port,
                a.ip_protocol,
            )
                .cmp(&(
                    b.first_seen_ms,
                    b.client_ip,
                    b.client_port,
                    b.server_ip,
                    b.server_port,
                    b.ip_protocol,
                ))
        });

        // Passive OS hints from the TTL of every address that sent this minute.
        let ttls: Vec<_> = self.hosts.active_ip_ttls().collect();
        for (ip, ttl, mac) in ttls {
            if is_group_ip(ip) {
                continue;
            }
            let init = identity::initial_ttl(ttl);
            for (attribute, value) in [
                ("initial_ttl", init.to_string()),
                ("os_hint", identity::os_hint_from_ttl(init).to_owned()),
            ] {
                self.remember_fact(
                    Fact {
                        mac,
                        ip: Some(ip),
                        source: "ttl".into(),
                        attribute: attribute.into(),
                        value,
                    },
                    now,
                );
            }
        }
        let hosts = self.hosts.take_minute_records(now);

        self.op_index.clear();
        self.recent_ops = [(0, u32::MAX); 4];
        self.edge_index.clear();
        let edges = std::mem::take(&mut self.edges);
        let mut operations: Vec<OperationCount> = self
            .ops
            .drain(..)
            // Every row's edge was registered this minute; `get` only guards the invariant.
            .filter_map(|(k, a)| edges.get(k.edge as usize).map(|e| (k, a, *e)))
            .map(|(k, a, e)| OperationCount {
                transport: e.transport,
                client_ip: e.client_ip,
                server_ip: e.server_ip,
                server_port: e.server_port,
                client_mac: e.client_mac,
                server_mac: e.server_mac,
                protocol: k.protocol,
                function_code: k.function_code,
                name: k.name.into_owned(),
                class: k.class,
                unit: k.unit,
                direction: k.direction,
                error_code: k.error_code,
                count: a.count,
                first_seen_ms: a.first.millis(),
                last_seen_ms: a.last.millis(),
                ranges: a.ranges,
                ranges_truncated: a.ranges_truncated,
            })
            .collect();
        operations.sort_by(|a, b| {
            (
                a.client_ip,
                a.server_ip,
                a.server_port,
                a.protocol,
                a.function_code,
                &a.name,
            )
                .cmp(&(
                    b.client_ip,
                    b.server_ip,
                    b.server_port,
                    b.protocol,
                    b.function_code,
                    &b.name,
                ))
        });

        let mut mc = std::mem::take(&mut self.counters);
        for layer in Layer::ALL {
            let n = mc.malformed_layer[layer.index()];
            if n > 0 {
                mc.c.malformed.insert(layer.as_str().to_owned(), n);
            }
        }
        for (p, n) in mc.malformed_protocol {
            *mc.c.malformed.entry(protocol_name(p)).or_default() += n;
        }
        for (p, n) in mc.operations.into_counts() {
            mc.c.operations.insert(protocol_name(p), n);
        }
        for (class, n) in mc.operation_classes.into_counts() {
            mc.c.operation_classes
                .insert(snake_case(&format!("{class:?}")), n);
        }
        let fs = self.flows.stats();
        mc.c.dropped.flows_not_tracked = fs.not_tracked - self.flow_counters.reported_not_tracked;
        mc.c.dropped.flows_evicted = fs.evicted - self.flow_counters.reported_evicted;
        self.flow_counters.reported_not_tracked = fs.not_tracked;
        self.flow_counters.reported_evicted = fs.evicted;
        self.totals.minutes += 1;
        self.completed.push_back(MinuteDigest {
            minute_start: (minute * 60) as i64,
            flows,
            operations,
            identities: std::mem::take(&mut self.identities),
            hosts,
            counters: mc.c,
        });
    }

    /// Records a fact unless it was already reported.
    fn remember_fact(&mut self, f: Fact, now: Timestamp) {
        let mut h = FxHasher::default();
        f.hash(&mut h);
        let key = h.finish();
        if self.remembered.len() >= self.cfg.max_remembered_facts {
            self.remembered.clear();
        }
        if self.remembered.insert(key) {
            self.totals.identities += 1;
            self.identities.push(IdentityRecord {
                mac: f.mac,
                ip: f.ip,
                source: f.source.into_owned(),
                attribute: f.attribute.into_owned(),
                value: f.value,
                first_seen_ms: now.millis(),
            });
        }
    }

    fn other_ip_packet(
        &mut self,
        p: &DecodedPacket<'_>,
        protocol: u8,
        now: Timestamp,
        bytes: u64,
    ) -> bool {
        let Some(ip) = &p.ip else { return false };
        let (key, side) = FlowKey::new(protocol, &ip.src, 0, &ip.dst, 0);
        let (ended, hosts) = (&mut self.ended, &mut self.hosts);
        let Some(f) = self.flows.get_or_insert_with(
            key,
            now,
            || Flow::new(key, side, now, None),
            &mut |f: Flow, why| ended.end(hosts, f, why),
        ) else {
            return false;
        };
        f.update(side, now, bytes, 0, 0);
        note_l2(f, side, p, &mut self.hosts, now);
        true
    }

    fn transport_packet(&mut self, p: &DecodedPacket<'_>, now: Timestamp, bytes: u64) -> bool {
        // Borrowed, not copied: see `FlowKey` on copies of freshly written addresses.
        let Some(ip) = &p.ip else { return false };
        let (Some(sport), Some(dport)) = (p.src_port(), p.dst_port()) else {
            return false;
        };
        let tcp = p.tcp().copied();
        let flags = tcp.map_or(0, |t| t.flags().0);
        let c = &mut self.counters.c;
        if tcp.is_some() {
            c.tcp_packets += 1;
        } else {
            c.udp_packets += 1;
        }
        let (key, side) = FlowKey::new(ip.protocol, &ip.src, sport, &ip.dst, dport);
        let syn_only = flags & 0x12 == 0x02;

        // A fresh SYN on a finished connection, or with a new initial sequence number, starts a new flow.
        if syn_only
            && let Some(t) = tcp
            && let Some(f) = self.flows.get_mut(&key)
            && (f.closed() || f.syn_seq[side.index()].is_some_and(|s| s != t.sequence()))
            && let Some(old) = self.flows.remove(&key)
        {
            self.ended.end(&mut self.hosts, old, FlowEnd::Reused);
        }
        // SYN fingerprints, before borrowing the flow.
        if let Some(t) = tcp
            && t.flags().syn()
        {
            let (sig, hint) = identity::tcp_fingerprint(&t, ip.ttl);
            let source = if t.flags().ack() {
                "tcp_synack"
            } else {
                "tcp_syn"
            };
            let mac = p.src_mac;
            self.remember_fact(
                Fact {
                    mac,
                    ip: Some(ip.src),
                    source: source.into(),
                    attribute: "tcp_fingerprint".into(),
                    value: sig,
                },
                now,
            );
            if let Some(h) = hint {
                self.remember_fact(
                    Fact {
                        mac,
                        ip: Some(ip.src),
                        source: source.into(),
                        attribute: "os_hint".into(),
                        value: h.to_owned(),
                    },
                    now,
                );
            }
        }
        if tcp.is_none() && identity::is_identity_port(sport, dport) && !p.payload.is_empty() {
            let mut facts = std::mem::take(&mut self.scratch_facts);
            identity::udp_facts(p.src_mac, ip.src, sport, dport, p.payload, &mut facts);
            for f in facts.drain(..) {
                self.remember_fact(f, now);
            }
            self.scratch_facts = facts;
        }

        let (ended, hosts) = (&mut self.ended, &mut self.hosts);
        let Some(f) = self.flows.get_or_insert_with(
            key,
            now,
            || Flow::new(key, side, now, Some(flags).filter(|_| tcp.is_some())),
            &mut |f: Flow, why| ended.end(hosts, f, why),
        ) else {
            return false;
        };
        f.update(side, now, bytes, p.payload.len() as u64, flags);
        note_l2(f, side, p, &mut self.hosts, now);
        if let Some(t) = tcp
            && syn_only
        {
            f.syn_seq[side.index()] = Some(t.sequence());
        }
        if !self.cfg.dissect {
            return true;
        }
        let ctx = PayloadContext {
            carrier: if tcp.is_some() {
                Carrier::TcpStream
            } else {
                Carrier::UdpDatagram
            },
            src_port: sport,
            dst_port: dport,
            to_server: f.to_server(side),
        };
        if !f.classified && !p.payload.is_empty() {
            f.classified = true;
            f.protocol = dissect::classify(&ctx, p.payload);
            if f.protocol.is_some() && tcp.is_some() {
                f.streams = Some(Box::default());
            }
        }
        let Some(protocol) = f.protocol else {
            return true;
        };
        let out = &mut self.scratch_out;
        match (tcp, f.streams.as_deref_mut()) {
            (Some(t), Some(streams)) => {
                let (gaps, overflow) = (streams.gaps(), streams.overflow_bytes());
                let held = streams.buffered() as u64;
                feed_tcp(
                    &self.cfg.reassembly,
                    streams,
                    side,
                    &t,
                    protocol,
                    &ctx,
                    p.payload,
                    out,
                );
                // Global bound: past the budget, the stream that grew gives up its buffers.
                let ledger = &mut self.ended.buffered;
                *ledger = (*ledger + streams.buffered() as u64).saturating_sub(held);
                if *ledger > self.cfg.max_reassembly_bytes {
                    *ledger = ledger.saturating_sub(streams.buffered() as u64);
                    streams.clear();
                }
                let dropped = &mut self.counters.c.dropped;
                dropped.reassembly_gaps += streams.gaps() - gaps;
                dropped.reassembly_overflow_bytes += streams.overflow_bytes() - overflow;
            }
            (None, _) if !p.payload.is_empty() => {
                dissect::dissect(protocol, &ctx, p.payload, out);
            }
            _ => {}
        }
        if self.scratch_out.operations.is_empty()
            && self.scratch_out.identities.is_empty()
            && self.scratch_out.malformed == 0
        {
            return true;
        }
        // The flow remembers its edge index for the current minute, saving a lookup per operation.
        let minute = self.minute.unwrap_or(0);
        let cached = f.op_edge.filter(|(m, _)| *m == minute).map(|(_, id)| id);
        let (client, server) = (f.client, f.client.other());
        let edge = match cached {
            Some(id) => id,
            None => {
                let id = self.edge_id(Edge {
                    transport: key.transport(),
                    client_ip: Some(key.endpoint(client).0),
                    server_ip: Some(key.endpoint(server).0),
                    server_port: Some(key.endpoint(server).1),
                    client_mac: None,
                    server_mac: None,
                });
                if let Some(f) = self.flows.get_mut(&key) {
                    f.op_edge = Some((minute, id));
                }
                id
            }
        };
        self.absorb_output(edge, protocol, p.src_mac, Some(ip.src), now);
        true
    }

    fn ethernet_payload(&mut self, p: &DecodedPacket<'_>, et: u16, now: Timestamp) {
        if !self.cfg.dissect || p.l2_payload.is_empty() {
            return;
        }
        let ctx = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: et },
            src_port: 0,
            dst_port: 0,
            to_server: true,
        };
        let Some(protocol) = dissect::classify(&ctx, p.l2_payload) else {
            return;
        };
        dissect::dissect(protocol, &ctx, p.l2_payload, &mut self.scratch_out);
        // Layer 2 has no connection: the requester is the client, the sender of a response the server.
        let ops_dir = self.scratch_out.operations.first().map(|o| o.direction);
        let (client_mac, server_mac) = match ops_dir {
            Some(Direction::Response) => (p.dst_mac, p.src_mac),
            _ => (p.src_mac, p.dst_mac),
        };
        let edge = self.edge_id(Edge {
            transport: TransportKind::Ethernet,
            client_ip: None,
            server_ip: None,
            server_port: None,
            client_mac,
            server_mac,
        });
        self.absorb_output(edge, protocol, p.src_mac, None, now);
    }

    /// Moves the dissectors' output into the minute's aggregates.
    /// The minute's index of an edge, registering it if new.
    fn edge_id(&mut self, edge: Edge) -> u32 {
        if let Some(&i) = self.edge_index.get(&edge) {
            return i;
        }
        let i = self.edges.len() as u32;
        self.edges.push(edge);
        self.edge_index.insert(edge, i);
        i
    }

    fn absorb_output(
        &mut self,
        edge: u32,
        protocol: Protocol,
        sender_mac: Option<MacAddr>,
        sender_ip: Option<IpAddr>,
        now: Timestamp,
    ) {
        let mut out = std::mem::take(&mut self.scratch_out);
        for op in out.operations.drain(..) {
            self.count_operation(edge, op, now);
        }
        for id in out.identities.drain(..) {
            self.remember_fact(
                Fact {
                    mac: sender_mac,
                    ip: sender_ip,
                    source: id.source,
                    attribute: id.attribute,
                    value: id.value,
                },
                now,
            );
        }
        if out.malformed > 0 {
            *self
                .counters
                .malformed_protocol
                .entry(protocol)
                .or_default() += u64::from(out.malformed);
            out.malformed = 0;
        }
        self.scratch_out = out;
    }

    fn count_operation(&mut self, edge: u32, op: Operation, now: Timestamp) {
        self.counters
            .operations
            .add(op.protocol, op.protocol as usize);
        self.counters
            .operation_classes
            .add(op.class, op.class as usize);
        self.totals.operations += 1;
        let key = OpKey {
            edge,
            protocol: op.protocol,
            function_code: op.function_code,
            name: op.name,
            class: op.class,
            unit: op.unit,
            direction: op.direction,
            error_code: op.error_code,
        };
        let sig = {
            let mut h = FxHasher::default();
            key.hash(&mut h);
            h.finish()
        };
        let recent = self
            .recent_ops
            .iter()
            .filter(|(h, _)| *h == sig)
            .map(|&(_, i)| i)
            .find(|&i| self.ops.get(i as usize).is_some_and(|(k, _)| *k == key));
        let idx = match recent {
            Some(i) => i,
            None => match self.op_index.get(&key) {
                Some(&i) => i,
                None if self.ops.len() >= self.cfg.max_operation_rows => {
                    self.counters.c.dropped.operations_not_tracked += 1;
                    return;
                }
                None => {
                    let i = self.ops.len() as u32;
                    self.op_index.insert(key.clone(), i);
                    self.ops.push((
                        key,
                        OpAgg {
                            count: 0,
                            first: now,
                            last: now,
                            ranges: Vec::new(),
                            ranges_truncated: false,
                        },
                    ));
                    i
                }
            },
        };
        if self.recent_ops[0].1 != idx {
            self.recent_ops.rotate_right(1);
            self.recent_ops[0] = (sig, idx);
        }
        let agg = &mut self.ops[idx as usize].1;
        agg.count += 1;
        agg.last = agg.last.max(now);
        for r in op.ranges {
            let known = agg
                .ranges
                .iter()
                .any(|k| k.start == r.start && k.count == r.count && same_text(&k.space, &r.space));
            if known {
                continue;
            }
            if agg.ranges.len() < MAX_RANGES_PER_OPERATION {
                agg.ranges.push(r);
            } else {
                agg.ranges_truncated = true;
            }
        }
    }
}

/// Remembers the sender's MAC and the VLAN on a flow.
/// and registers the packet's addresses with the host table when they differ from
/// the last packet of the same sender (always on a flow's first packet).
fn note_l2(f: &mut Flow, side: Side, p: &DecodedPacket<'_>, hosts: &mut HostTable, now: Timestamp) {
    if let Some(m) = p.src_mac {
        f.macs[side.index()] = Some(m);
    }
    if let Some(ip) = &p.ip {
        let sig = Some((p.src_mac, p.dst_mac, ip.ttl));
        if f.l2[side.index()] != sig {
            // Traffic so far went with the old addresses: count it before switching.
            if f.l2[side.index()].is_some() {
                hosts.absorb_flow(f);
            }
            f.l2[side.index()] = sig;
            hosts.register(ip.src, ip.dst, ip.ttl, p.src_mac, p.dst_mac, now);
        }
    }
    if let Some(v) = p.vlan.inner() {
        f.vlan = Some(v);
    }
}

/// Feeds a TCP segment to the reassembler and the dissector.
#[allow(clippy::too_many_arguments)] // a hot-path helper taking disjoint borrows of the analyzer
fn feed_tcp(
    cfg: &ReassemblyConfig,
    streams: &mut TcpStreams,
    side: Side,
    tcp: &crate::transport::TcpSlice<'_>,
    protocol: Protocol,
    ctx: &PayloadContext,
    payload: &[u8],
    out: &mut DissectOutput,
) {
    let flags = tcp.flags();
    let mut sink = |data: &[u8]| dissect::dissect(protocol, ctx, data, out).bytes;
    streams.dirs[side.index()].segment(cfg, tcp.sequence(), flags.syn(), payload, &mut sink);
    if flags.ack() {
        // Our ACK tells the reassembler of the other direction what the peer really sent.
        streams.dirs[side.other().index()].acknowledged(cfg, tcp.acknowledgment());
    }
}

/// Records of flows that ended this minute, and the reassembly memory ledger
/// (bytes held in all TCP stream buffers), which ending a flow gives back.
#[derive(Debug, Default)]
struct Ended {
    records: Vec<FlowRecord>,
    buffered: u64,
}

impl Ended {
    /// Records the end of `f` and hands its last traffic to the host table.
    fn end(&mut self, hosts: &mut HostTable, mut f: Flow, why: FlowEnd) {
        hosts.absorb_flow(&mut f);
        if let Some(st) = &f.streams {
            self.buffered = self.buffered.saturating_sub(st.buffered() as u64);
        }
        self.records.push(end_record(&mut f, why));
    }
}

fn end_record(f: &mut Flow, why: FlowEnd) -> FlowRecord {
    let why = match why {
        // A connection that closed properly and then went quiet ended by FIN/RST, not by timeout.
        FlowEnd::IdleTimeout if f.closed() && !f.end_reported => {
            if f.rst {
                FlowEnd::Rst
            } else {
                FlowEnd::Fin
            }
        }
        w => w,
    };
    f.end_reported = true;
    f.take_minute_record(Some(why))
}

fn is_group_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            v.is_multicast() || v.is_broadcast() || v.is_unspecified() || v.octets()[3] == 255
        }
        IpAddr::V6(v) => v.is_multicast() || v.is_unspecified(),
    }
}

/// The protocol's serde name (snake_case of the variant), without a serializer round trip.
pub fn protocol_name(p: Protocol) -> String {
    snake_case(&format!("{p:?}"))
}

/// `CamelCase` to `snake_case`, as serde's `rename_all = "snake_case"` does.
fn snake_case(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len() + 2);
    for (i, ch) in debug.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Initiator;
    use std::net::Ipv4Addr;

    const CLIENT: [u8; 4] = [10, 0, 0, 1];
    const SERVER: [u8; 4] = [10, 0, 0, 2];

    /// Ethernet + IPv4 + TCP frame from `src` to `dst`.
    #[allow(clippy::too_many_arguments)]
    fn tcp_frame(
        src: [u8; 4],
        dst: [u8; 4],
        sport: u16,
        dport: u16,
        flags: u8,
        seq: u32,
        ttl: u8,
        payload: &[u8],
    ) -> Vec<u8> {
        let mut f = vec![];
        f.extend_from_slice(&[0x00, 0x1b, 0x1b, 0, 0, dst[3]]); // destination MAC (Siemens OUI)
        f.extend_from_slice(&[0x00, 0x1b, 0x1b, 0, 0, src[3]]); // source MAC
        f.extend_from_slice(&[0x08, 0x00]); // IPv4
        let total = (20 + 20 + payload.len()) as u16;
        f.extend_from_slice(&[0x45, 0x00]); // version, IHL, DSCP
        f.extend_from_slice(&total.to_be_bytes()); // total length
        f.extend_from_slice(&[0, 0, 0x40, 0, ttl, 6, 0, 0]); // id, DF, TTL, TCP, checksum
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes()); // sequence
        f.extend_from_slice(&0u32.to_be_bytes()); // acknowledgment (unused here)
        f.extend_from_slice(&[0x50, flags, 0x10, 0x00, 0, 0, 0, 0]); // offset 5, flags, window, checksum, urgent
        f.extend_from_slice(payload);
        f
    }

    fn at(secs: u64) -> Timestamp {
        Timestamp::from_secs_nanos(1_700_000_000 + secs, 0)
    }

    #[test]
    fn minutes_follow_packet_time() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        // 1_700_000_000 is 20 s into a minute.
        let f = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 1, 64, b"");
        a.push(at(0), LinkType::ETHERNET, &f);
        a.push(at(45), LinkType::ETHERNET, &f);
        assert_eq!(a.drain_completed().count(), 1);
        a.push(at(30), LinkType::ETHERNET, &f); // late packet: counted in the current minute
        let d = a.finish();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].minute_start, 1_700_000_040);
        assert_eq!(d[0].counters.packets, 2);
        assert_eq!(a.totals().packets, 3);
    }

    #[test]
    fn tcp_connection_lifecycle() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let push = |a: &mut Analyzer, s: u64, f: Vec<u8>| a.push(at(s), LinkType::ETHERNET, &f);
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b""),
        ); // SYN
        push(
            &mut a,
            0,
            tcp_frame(SERVER, CLIENT, 502, 40000, 0x12, 900, 64, b""),
        ); // SYN-ACK
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 101, 128, b"abcd"),
        ); // data
        push(
            &mut a,
            2,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x11, 105, 128, b""),
        ); // FIN
        push(
            &mut a,
            2,
            tcp_frame(SERVER, CLIENT, 502, 40000, 0x11, 901, 64, b""),
        ); // FIN
        // Same ports again with a new ISN: a new connection.
        push(
            &mut a,
            3,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 5000, 128, b""),
        );
        let d = a.finish();
        let flows: Vec<_> = d.iter().flat_map(|d| d.flows.iter()).collect();
        assert_eq!(flows.len(), 2);
        let first = flows
            .iter()
            .find(|f| f.ended == Some(FlowEnd::Reused))
            .unwrap();
        assert_eq!(first.client_ip, IpAddr::V4(Ipv4Addr::from(CLIENT)));
        assert_eq!((first.server_port, first.initiator), (502, Initiator::Syn));
        assert_eq!((first.packets_to_server, first.packets_to_client), (3, 2));
        assert_eq!(first.payload_to_server, 4);
        assert_eq!(first.tcp_flags_to_server, 0x02 | 0x18 | 0x11);
        assert!(first.started);
        assert_eq!(a.flow_stats().created_tcp, 2);
        // OS hints: TTL 128 client, TTL 64 server, each reported once.
        let ids: Vec<_> = d.iter().flat_map(|d| d.identities.iter()).collect();
        let hint = |ip: [u8; 4], source: &str| {
            ids.iter()
                .filter(|i| {
                    i.ip == Some(IpAddr::V4(Ipv4Addr::from(ip)))
                        && i.source == source
                        && i.attribute == "os_hint"
                })
                .map(|i| i.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(hint(CLIENT, "ttl"), vec!["windows"]);
        assert_eq!(hint(SERVER, "ttl"), vec!["linux_unix_like"]);
        assert_eq!(hint(CLIENT, "tcp_syn"), vec!["embedded_stack"]);
        // Hosts carry the vendor from the OUI table.
        let h = d[0].hosts.iter().find(|h| h.mac.is_some()).unwrap();
        assert_eq!(h.vendor.as_deref(), Some("Siemens AG"));
    }

    #[test]
    fn malformed_counted_per_layer_but_not_snaplen_cuts() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let f = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 1, 64, b"");
        // IP says 40 bytes, but the TCP header is cut: malformed at TCP... unless the capture cut it.
        let mut bad = f[..44].to_vec();
        bad[16..18].copy_from_slice(&30u16.to_be_bytes()); // IP total length 30
        a.push(at(0), LinkType::ETHERNET, &bad);
        a.push_with_len(at(0), LinkType::ETHERNET, &f[..44], f.len() as u32);
        a.push(at(0), LinkType(147), &f);
        let d = a.finish();
        assert_eq!(d[0].counters.malformed.get("tcp"), Some(&1));
        assert_eq!(d[0].counters.unsupported_link, 1);
        assert_eq!(a.totals().snaplen_truncated, 1);
    }

    #[test]
    fn operations_aggregate_per_edge_and_kind() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        a.minute = Some(at(0).minute());
        let edge = a.edge_id(Edge {
            transport: TransportKind::Tcp,
            client_ip: Some(IpAddr::V4(Ipv4Addr::from(CLIENT))),
            server_ip: Some(IpAddr::V4(Ipv4Addr::from(SERVER))),
            server_port: Some(502),
            client_mac: None,
            server_mac: None,
        });
        let op = |start: u32| Operation {
            protocol: Protocol::Modbus,
            direction: Direction::Request,
            function_code: 3,
            name: Cow::Borrowed("read_holding_registers"),
            class: OperationClass::Read,
            unit: Some(1),
            ranges: vec![AddressRange {
                space: Cow::Borrowed("holding_register"),
                start,
                count: 10,
            }],
            error_code: None,
        };
        for i in 0..20 {
            a.count_operation(edge, op(i % 18), at(u64::from(i)));
        }
        let mut write = op(0);
        write.function_code = 16;
        write.class = OperationClass::Write;
        a.count_operation(edge, write, at(5));
        let d = a.finish();
        let ops = &d[0].operations;
        assert_eq!(ops.len(), 2);
        let read = ops.iter().find(|o| o.function_code == 3).unwrap();
        assert_eq!(read.count, 20);
        assert_eq!(read.ranges.len(), MAX_RANGES_PER_OPERATION);
        assert!(read.ranges_truncated);
        assert_eq!(d[0].counters.operations.get("modbus"), Some(&21));
        assert_eq!(d[0].counters.operation_classes.get("read"), Some(&20));
        assert_eq!(d[0].counters.operation_classes.get("write"), Some(&1));
    }

    #[test]
    fn tick_closes_idle_minutes() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let f = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 1, 64, b"");
        a.push(at(0), LinkType::ETHERNET, &f);
        a.tick(at(10));
        assert!(a.drain_minute().is_none());
        a.tick(at(100));
        let d = a.drain_minute().unwrap();
        assert_eq!((d.minute_start, d.counters.packets), (1_699_999_980, 1));
        assert!(a.finish().iter().all(|d| d.counters.packets == 0));
    }

    #[test]
    fn arp_and_dhcp_identities() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let arp = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 0x08,
            0x06, // Ethernet, ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, // Ethernet/IPv4 reply
            0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 10, 0, 0, 7, // sender MAC, IP
            0, 0, 0, 0, 0, 0, 10, 0, 0, 1, // target
        ];
        a.push(at(0), LinkType::ETHERNET, &arp);
        a.push(at(1), LinkType::ETHERNET, &arp); // same fact: reported once
        let mut dhcp = vec![0u8; 240];
        dhcp[0] = 1; // BOOTREQUEST
        dhcp[1] = 1; // Ethernet
        dhcp[2] = 6;
        dhcp[28..34].copy_from_slice(&[0x00, 0x80, 0xf4, 0x01, 0x02, 0x03]); // chaddr
        dhcp[236..240].copy_from_slice(&[99, 130, 83, 99]); // magic cookie
        dhcp.extend_from_slice(&[12, 4, b'p', b'l', b'c', b'7', 255]); // host name, end
        let mut frame = vec![
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 0x08, 0x00,
        ];
        let total = (20 + 8 + dhcp.len()) as u16;
        frame.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0,
            0,
            64,
            17,
            0,
            0,
        ]);
        frame.extend_from_slice(&[0, 0, 0, 0, 255, 255, 255, 255]); // 0.0.0.0 -> broadcast
        let ulen = (8 + dhcp.len()) as u16;
        frame.extend_from_slice(&[0, 68, 0, 67, (ulen >> 8) as u8, ulen as u8, 0, 0]); // UDP 68 -> 67
        frame.extend_from_slice(&dhcp);
        a.push(at(2), LinkType::ETHERNET, &frame);
        let d = a.finish();
        let ids = &d[0].identities;
        let arp_facts: Vec<_> = ids.iter().filter(|i| i.source == "arp").collect();
        assert_eq!(arp_facts.len(), 1);
        assert_eq!(arp_facts[0].value, "10.0.0.7");
        let host = ids.iter().find(|i| i.source == "dhcp").unwrap();
        assert_eq!(
            (host.attribute.as_str(), host.value.as_str()),
            ("hostname", "plc7")
        );
        assert_eq!(host.mac.unwrap().to_string(), "00:80:f4:01:02:03");
        // 255.255.255.255 is a group address: no OS hint for it, and 0.0.0.0 gets none either.
        assert!(ids.iter().all(|i| i.source != "ttl"));
    }

    #[test]
    fn ipv6_udp_flow_and_mdns_name() {
        let mdns = [
            0x00, 0x00, 0x84, 0x00, // id, flags: response, authoritative
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // one answer
            0x03, b'h', b'm', b'i', 0x05, b'l', b'o', b'c', b'a', b'l', 0x00, // hmi.local
            0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00,
            0x10, // AAAA, IN, TTL 120, rdlen 16
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07, // fe80::7
        ];
        let mut f = vec![
            0x33, 0x33, 0x00, 0x00, 0x00, 0xfb, // destination: IPv6 multicast MAC
            0x00, 0x0c, 0x29, 0x00, 0x00, 0x07, // source
            0x86, 0xdd, // IPv6
            0x60, 0x00, 0x00, 0x00, // version 6
        ];
        f.extend_from_slice(&((8 + mdns.len()) as u16).to_be_bytes()); // payload length
        f.extend_from_slice(&[17, 255]); // next header UDP, hop limit 255
        f.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07]); // fe80::7
        f.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb]); // ff02::fb
        f.extend_from_slice(&[0x14, 0xe9, 0x14, 0xe9]); // 5353 -> 5353
        f.extend_from_slice(&((8 + mdns.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0]); // checksum
        f.extend_from_slice(&mdns);
        let mut a = Analyzer::new(AnalyzerConfig::default());
        a.push(at(0), LinkType::ETHERNET, &f);
        let d = a.finish();
        assert_eq!(d[0].counters.ipv6_packets, 1);
        assert_eq!(d[0].flows.len(), 1);
        assert_eq!(d[0].flows[0].server_port, 5353);
        let name = d[0].identities.iter().find(|i| i.source == "mdns").unwrap();
        assert_eq!(name.value, "hmi.local");
        assert_eq!(name.ip, Some("fe80::7".parse().unwrap()));
        assert_eq!(name.mac.unwrap().to_string(), "00:0c:29:00:00:07");
        let group = d[0]
            .hosts
            .iter()
            .find(|h| h.ip == Some("ff02::fb".parse().unwrap()))
            .unwrap();
        assert!(group.group);
    }

    #[test]
    fn full_flow_table_still_counts_hosts() {
        let mut cfg = AnalyzerConfig::default();
        cfg.flow.max_flows = 4;
        let mut a = Analyzer::new(cfg);
        for port in 0..20u16 {
            let f = tcp_frame(CLIENT, SERVER, 40000 + port, 502, 0x02, 1, 64, b""); // SYN scan
            a.push(at(1), LinkType::ETHERNET, &f);
        }
        assert_eq!(a.active_flows(), 4);
        let d = a.finish();
        assert_eq!(d[0].counters.dropped.flows_not_tracked, 16);
        assert_eq!(d[0].flows.len(), 4);
        let client = d[0]
            .hosts
            .iter()
            .find(|h| h.ip == Some(IpAddr::V4(Ipv4Addr::from(CLIENT))))
            .unwrap();
        assert_eq!(client.packets_sent, 20);
    }

    #[test]
    fn protocol_names_match_serde() {
        assert_eq!(protocol_name(Protocol::S7commPlus), "s7comm_plus");
        assert_eq!(protocol_name(Protocol::OpcUa), "opc_ua");
        assert_eq!(protocol_name(Protocol::ProfinetDcp), "profinet_dcp");
    }
}

/// Every minute digest of a whole capture, in time order: the path a pcap
/// takes when it is uploaded instead of captured live (the portal's proof of
/// concept, `sensor run --pcap`).
pub fn digest_capture<R: std::io::Read>(
    input: R,
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    digest_reader(crate::capture::CaptureReader::new(input)?, cfg)
}

/// [`digest_capture`] of a capture already in memory, parsed in place.
pub fn digest_capture_bytes(
    bytes: &[u8],
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    digest_reader(crate::capture::CaptureReader::from_slice(bytes)?, cfg)
}

fn digest_reader<S: crate::capture::ByteSource>(
    mut reader: crate::capture::CaptureReader<S>,
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    let mut analyzer = Analyzer::new(cfg);
    let mut digests = Vec::new();
    while let Some(packet) = reader.next_packet() {
        analyzer.push_packet(&packet?);
        while let Some(d) = analyzer.drain_minute() {
            digests.push(d);
        }
    }
    digests.extend(analyzer.finish());
    Ok(digests)
}

#[cfg(test)]
mod digest_capture_tests {
    use super::*;

    #[test]
    fn a_capture_becomes_minute_digests_covering_every_packet() {
        let bytes = include_bytes!("../testdata/pcaps/iec104/iec104_090813_diverse.pcap");
        let digests = digest_capture(&bytes[..], AnalyzerConfig::default()).expect("valid capture");
        assert!(!digests.is_empty());
        assert!(
            digests
                .windows(2)
                .all(|w| w[0].minute_start < w[1].minute_start)
        );
        let mut reader = crate::capture::CaptureReader::new(&bytes[..]).expect("valid");
        let mut packets = 0u64;
        while let Some(p) = reader.next_packet() {
            p.expect("readable");
            packets += 1;
        }
        let digested: u64 = digests.iter().map(|d| d.counters.packets).sum();
        assert_eq!(digested, packets);
        // Parsed in place, the same capture gives the same digests.
        let in_place = digest_capture_bytes(bytes, AnalyzerConfig::default()).expect("valid");
        assert_eq!(
            serde_json::to_string(
                &in_place
                    .into_iter()
                    .map(|d| d.into_batch("s", 1, Default::default()))
                    .collect::<Vec<_>>()
            )
            .unwrap(),
            serde_json::to_string(
                &digests
                    .into_iter()
                    .map(|d| d.into_batch("s", 1, Default::default()))
                    .collect::<Vec<_>>()
            )
            .unwrap()
        );
    }

    #[test]
    fn a_file_that_is_not_a_capture_is_an_error() {
        assert!(digest_capture(&b"hello world"[..], AnalyzerConfig::default()).is_err());
        assert!(digest_capture_bytes(b"hello world", AnalyzerConfig::default()).is_err());
    }
}
