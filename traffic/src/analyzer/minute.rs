//! Minute digests: what the analyzer accumulates for the current minute
//! (operation rows per edge, identity facts, counters, ended flows), and how a
//! minute is closed into a [`MinuteDigest`].

use super::Analyzer;
use crate::capture::Timestamp;
use crate::dissect::{self, Carrier, DissectOutput, PayloadContext};
use crate::error::Layer;
use crate::ethernet::MacAddr;
use crate::flow::{Flow, Side};
use crate::host::HostTable;
use crate::identity::{self, Fact};
use crate::operation::{AddressRange, Direction, Operation, OperationClass, Protocol};
use crate::reassembly::ReassemblyConfig;
use crate::record::{
    Batch, Counters, FlowEnd, FlowRecord, Health, HostRecord, IdentityRecord,
    MAX_RANGES_PER_OPERATION, OperationCount, SCHEMA_VERSION, TransportKind,
};
use rustc_hash::{FxHashMap, FxHasher};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;

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

/// An operation row's key. The edge is an index into the minute's edge table so
/// that comparing keys (on every operation) compares integers, not addresses.
#[derive(Debug, Clone)]
pub(super) struct OpKey {
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
pub(super) struct OpAgg {
    count: u64,
    first: Timestamp,
    last: Timestamp,
    ranges: Vec<AddressRange>,
    ranges_truncated: bool,
}

/// Where an operation happened: the edge part of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Edge {
    pub(super) transport: TransportKind,
    pub(super) client_ip: Option<IpAddr>,
    pub(super) server_ip: Option<IpAddr>,
    pub(super) server_port: Option<u16>,
    pub(super) client_mac: Option<MacAddr>,
    pub(super) server_mac: Option<MacAddr>,
    /// The VLAN of its frames (see `VlanTags::vlan_id`).
    pub(super) vlan: Option<u16>,
}

/// Per-minute counters kept as plain integers on the hot path.
#[derive(Debug, Clone, Default)]
pub(super) struct MinuteCounters {
    pub(super) c: Counters,
    pub(super) malformed_layer: [u64; Layer::ALL.len()],
    pub(super) malformed_protocol: FxHashMap<Protocol, u64>,
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

impl Analyzer {
    /// Closes minutes before `ts` and runs periodic expiry.
    pub(super) fn advance(&mut self, ts: Timestamp) {
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
        self.absorb_leftovers();
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
        for (ip, vlan, ttl, mac) in ttls {
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
                        vlan,
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
                vlan: e.vlan,
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
                a.vlan,
                a.protocol,
                a.function_code,
                &a.name,
            )
                .cmp(&(
                    b.client_ip,
                    b.server_ip,
                    b.server_port,
                    b.vlan,
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
            *mc.c.malformed.entry(p.as_str().to_owned()).or_default() += n;
        }
        for (p, n) in mc.operations.into_counts() {
            mc.c.operations.insert(p.as_str().to_owned(), n);
        }
        for (class, n) in mc.operation_classes.into_counts() {
            mc.c.operation_classes.insert(class.as_str().to_owned(), n);
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
    pub(super) fn remember_fact(&mut self, f: Fact, now: Timestamp) {
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
                vlan: f.vlan,
                source: f.source.into_owned(),
                attribute: f.attribute.into_owned(),
                value: f.value,
                first_seen_ms: now.millis(),
            });
        }
    }

    pub(super) fn edge_id(&mut self, edge: Edge) -> u32 {
        if let Some(&i) = self.edge_index.get(&edge) {
            return i;
        }
        let i = self.edges.len() as u32;
        self.edges.push(edge);
        self.edge_index.insert(edge, i);
        i
    }

    /// Moves the dissectors' output into the minute's aggregates.
    pub(super) fn absorb_output(
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
        let vlan = self.edges.get(edge as usize).and_then(|e| e.vlan);
        for id in out.identities.drain(..) {
            self.remember_fact(
                Fact {
                    mac: sender_mac,
                    ip: sender_ip,
                    vlan,
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

/// Records of flows that ended this minute, what their last stream bytes
/// decoded to, and the reassembly memory ledger (bytes held in all TCP
/// stream buffers), which ending a flow gives back.
#[derive(Debug, Default)]
pub(super) struct Ended {
    records: Vec<FlowRecord>,
    pub(super) buffered: u64,
    reassembly: ReassemblyConfig,
    /// Dissected from segments that waited behind a hole when their flow
    /// ended, for the analyzer to count ([`Analyzer::absorb_leftovers`])
    /// after the packet or the minute that ended the flow: at most one
    /// flow's reassembly bounds at a time, however many flows end so.
    leftovers: Vec<Leftover>,
}

/// What one side of an ended flow still had to say.
#[derive(Debug)]
struct Leftover {
    edge: Edge,
    protocol: Protocol,
    sender_mac: Option<MacAddr>,
    sender_ip: IpAddr,
    at: Timestamp,
    out: DissectOutput,
    holes: u64,
}

impl Ended {
    pub(super) fn new(reassembly: ReassemblyConfig) -> Self {
        Ended {
            reassembly,
            ..Ended::default()
        }
    }

    pub(super) fn has_leftovers(&self) -> bool {
        !self.leftovers.is_empty()
    }

    /// Records the end of `f` and hands its last traffic to the host table.
    /// Segments still waiting behind a hole will never see it filled: they
    /// are dissected now, so data after a loss is not dropped.
    pub(super) fn end(&mut self, hosts: &mut HostTable, mut f: Flow, why: FlowEnd) {
        hosts.absorb_flow(&mut f);
        if let Some(st) = &f.streams {
            self.buffered = self.buffered.saturating_sub(st.buffered() as u64);
        }
        self.dissect_behind_holes(&mut f);
        self.records.push(end_record(&mut f, why));
    }

    fn dissect_behind_holes(&mut self, f: &mut Flow) {
        let (Some(protocol), Some(streams)) = (f.protocol, f.streams.as_deref_mut()) else {
            return;
        };
        if !streams.wait_behind_a_hole() {
            return;
        }
        let (client, server) = (f.client, f.client.other());
        let edge = Edge {
            transport: f.key.transport(),
            client_ip: Some(f.key.endpoint(client).0),
            server_ip: Some(f.key.endpoint(server).0),
            server_port: Some(f.key.endpoint(server).1),
            client_mac: None,
            server_mac: None,
            vlan: f.key.vlan(),
        };
        let undecided_iso = protocol == Protocol::S7comm && !f.iso_decided;
        let mut found_mms = false;
        for side in [Side::A, Side::B] {
            let stream = &mut streams.dirs[side.index()];
            if !stream.waits_behind_a_hole() {
                continue;
            }
            let (sender, receiver) = (f.key.endpoint(side), f.key.endpoint(side.other()));
            let ctx = PayloadContext {
                carrier: Carrier::TcpStream,
                src_port: sender.1,
                dst_port: receiver.1,
                to_server: side == client,
            };
            let mut out = DissectOutput::default();
            let holes = stream.stats().gaps;
            stream.flush(&self.reassembly, &mut |data: &[u8]| {
                dissect::dissect(protocol, &ctx, data, &mut out).bytes
            });
            // Port 102 is told by content, as on the packet path: MMS found
            // only behind a hole names its malformed counts and the flow.
            let protocol = match out.operations.first().map(|o| o.protocol) {
                Some(Protocol::Mms) if undecided_iso => {
                    found_mms = true;
                    Protocol::Mms
                }
                _ => protocol,
            };
            self.leftovers.push(Leftover {
                edge,
                protocol,
                sender_mac: f.macs[side.index()],
                sender_ip: sender.0,
                at: f.last_seen,
                out,
                holes: stream.stats().gaps - holes,
            });
        }
        if found_mms {
            f.protocol = Some(Protocol::Mms);
        }
    }
}

impl Analyzer {
    /// Counts what the segments behind holes of ended flows decoded to, in
    /// the current minute.
    pub(super) fn absorb_leftovers(&mut self) {
        for l in std::mem::take(&mut self.ended.leftovers) {
            self.counters.c.dropped.reassembly_gaps += l.holes;
            let edge = self.edge_id(l.edge);
            let scratch = std::mem::replace(&mut self.scratch_out, l.out);
            self.absorb_output(edge, l.protocol, l.sender_mac, Some(l.sender_ip), l.at);
            self.scratch_out = scratch;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::AnalyzerConfig;
    use crate::analyzer::test_frames::{CLIENT, SERVER, at, tcp_frame};
    use crate::link::LinkType;
    use std::net::Ipv4Addr;

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
            vlan: None,
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
}
