//! The flow table: one entry per canonical 5-tuple, with lifetime and
//! current-minute counters per direction.
//!
//! Memory is bounded two ways: idle flows expire (timeouts in [`FlowConfig`],
//! chosen per state), and the table never holds more than
//! [`FlowConfig::max_flows`] entries — when full, expiry runs with halved
//! timeouts and, if that frees nothing, the new flow is counted but not tracked.

use crate::capture::Timestamp;
use crate::ethernet::MacAddr;
use crate::operation::Protocol;
use crate::reassembly::TcpStreams;
use crate::record::{FlowEnd, FlowRecord, Initiator, TransportKind};
use rustc_hash::FxHashMap;
use std::net::IpAddr;

/// Flow table limits and idle timeouts (seconds of packet time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowConfig {
    /// Established TCP connection with no packet for this long expires. 600 s: OT
    /// pollers talk every few seconds, so ten silent minutes means the connection is gone.
    pub tcp_idle_secs: u64,
    /// After RST or FIN from both sides: late retransmissions and ACKs still belong
    /// to the old connection for this long.
    pub tcp_closed_secs: u64,
    /// UDP has no end marker. 300 s keeps slow request/response exchanges
    /// (BACnet COV, DNP3 over UDP) as one flow.
    pub udp_idle_secs: u64,
    /// ICMP and other IP protocols.
    pub other_idle_secs: u64,
    /// Hard bound on tracked flows.
    pub max_flows: usize,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            tcp_idle_secs: 600,
            tcp_closed_secs: 30,
            udp_idle_secs: 300,
            other_idle_secs: 120,
            max_flows: 262_144,
        }
    }
}

/// Canonical 5-tuple: the (address, port) pair that sorts lower is side A.
///
/// Addresses are held as 128-bit words (an IPv4 address as its 32-bit value)
/// with a family flag, not as `IpAddr`, so the key is built from the decoded
/// packet's addresses without copying them whole: a freshly decoded
/// `IpAddr::V4` is written as a tag byte and four address bytes, and copying
/// it with 16-byte loads waits for those narrower stores to reach the cache
/// (`perf annotate` put about half the samples of the analyzer's packet
/// function on three such copies of just-written values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowKey {
    a_addr: u128,
    b_addr: u128,
    a_port: u16,
    b_port: u16,
    /// The innermost 802.1Q VLAN id, 0 when untagged: the same addresses
    /// and ports in two VLANs are two conversations between other devices
    /// (plants reuse one subnet per line), as Suricata tracks them by
    /// default. Held in the key's padding, so the key grows no larger.
    vlan: u16,
    pub protocol: u8,
    /// Bit 0: side A is IPv6; bit 1: side B is IPv6.
    families: u8,
}

/// An address as (is IPv6, value): ordered like `IpAddr` (every IPv4
/// address before every IPv6 one, then by value).
#[inline(always)]
fn addr_word(ip: &IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(v) => (false, u128::from(u32::from(*v))),
        IpAddr::V6(v) => (true, u128::from(*v)),
    }
}

fn word_addr(v6: bool, word: u128) -> IpAddr {
    if v6 {
        IpAddr::V6(word.into())
    } else {
        // Only IPv4 values (below 2^32) are stored without the IPv6 flag.
        IpAddr::V4((word as u32).into())
    }
}

/// Folds an address word into a u64 for hashing (IPv6 halves are XORed).
#[inline(always)]
fn hash_word(v6: bool, word: u128) -> u64 {
    if v6 {
        (word as u64) ^ ((word >> 64) as u64) ^ (1 << 63)
    } else {
        word as u64
    }
}

/// Three word writes instead of a dozen field writes: the flow lookup is on every packet.
impl std::hash::Hash for FlowKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(hash_word(self.families & 1 != 0, self.a_addr));
        h.write_u64(hash_word(self.families & 2 != 0, self.b_addr));
        h.write_u64(
            u64::from(self.vlan) << 40
                | u64::from(self.protocol) << 32
                | u64::from(self.a_port) << 16
                | u64::from(self.b_port),
        );
    }
}

/// Ordered as (protocol, A address, A port, B address, B port, VLAN),
/// addresses as `IpAddr` orders them.
impl Ord for FlowKey {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        let a = |k: &FlowKey| (k.protocol, k.families & 1, k.a_addr, k.a_port);
        let b = |k: &FlowKey| (k.families & 2, k.b_addr, k.b_port, k.vlan);
        a(self).cmp(&a(o)).then_with(|| b(self).cmp(&b(o)))
    }
}

impl PartialOrd for FlowKey {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

/// Which endpoint of a [`FlowKey`] sent a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    A,
    B,
}

impl Side {
    pub fn index(self) -> usize {
        match self {
            Side::A => 0,
            Side::B => 1,
        }
    }
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }
}

impl FlowKey {
    /// The canonical key of an untagged packet and which side sent it.
    #[inline(always)]
    pub fn new(
        protocol: u8,
        src: &IpAddr,
        src_port: u16,
        dst: &IpAddr,
        dst_port: u16,
    ) -> (FlowKey, Side) {
        Self::tagged(protocol, src, src_port, dst, dst_port, None)
    }

    /// The canonical key of a packet on `vlan` (as
    /// [`crate::packet::VlanTags::vlan_id`] gives it) and which side sent it.
    #[inline(always)]
    pub fn tagged(
        protocol: u8,
        src: &IpAddr,
        src_port: u16,
        dst: &IpAddr,
        dst_port: u16,
        vlan: Option<u16>,
    ) -> (FlowKey, Side) {
        let vlan = vlan.unwrap_or(0);
        let (src_v6, src_word) = addr_word(src);
        let (dst_v6, dst_word) = addr_word(dst);
        // Same order as comparing (IpAddr, port) tuples; IPv4 pairs, nearly every
        // packet, compare as one integer each.
        let src_first = if !src_v6 && !dst_v6 {
            (src_word << 16 | u128::from(src_port)) <= (dst_word << 16 | u128::from(dst_port))
        } else {
            (src_v6, src_word, src_port) <= (dst_v6, dst_word, dst_port)
        };
        let families = |a: bool, b: bool| u8::from(a) | u8::from(b) << 1;
        if src_first {
            (
                FlowKey {
                    a_addr: src_word,
                    b_addr: dst_word,
                    a_port: src_port,
                    b_port: dst_port,
                    vlan,
                    protocol,
                    families: families(src_v6, dst_v6),
                },
                Side::A,
            )
        } else {
            (
                FlowKey {
                    a_addr: dst_word,
                    b_addr: src_word,
                    a_port: dst_port,
                    b_port: src_port,
                    vlan,
                    protocol,
                    families: families(dst_v6, src_v6),
                },
                Side::B,
            )
        }
    }

    /// The VLAN the conversation is on, if tagged.
    pub fn vlan(&self) -> Option<u16> {
        (self.vlan != 0).then_some(self.vlan)
    }

    pub fn endpoint(&self, side: Side) -> (IpAddr, u16) {
        match side {
            Side::A => (word_addr(self.families & 1 != 0, self.a_addr), self.a_port),
            Side::B => (word_addr(self.families & 2 != 0, self.b_addr), self.b_port),
        }
    }

    pub fn transport(&self) -> TransportKind {
        match self.protocol {
            crate::ip::proto::TCP => TransportKind::Tcp,
            crate::ip::proto::UDP => TransportKind::Udp,
            crate::ip::proto::ICMP | crate::ip::proto::ICMPV6 => TransportKind::Icmp,
            _ => TransportKind::Other,
        }
    }
}

/// Counters for one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirCounters {
    pub packets: u64,
    pub bytes: u64,
    pub payload: u64,
    pub tcp_flags: u8,
}

impl DirCounters {
    /// Packet and byte counts of `self` beyond `earlier` (flags are not subtracted).
    pub fn minus(&self, earlier: &DirCounters) -> DirCounters {
        DirCounters {
            packets: self.packets.saturating_sub(earlier.packets),
            bytes: self.bytes.saturating_sub(earlier.bytes),
            payload: self.payload.saturating_sub(earlier.payload),
            tcp_flags: self.tcp_flags,
        }
    }

    fn add(&mut self, bytes: u64, payload: u64, flags: u8) {
        self.packets += 1;
        self.bytes += bytes;
        self.payload += payload;
        self.tcp_flags |= flags;
    }
}

/// Well-known industrial and IT service ports, used to pick the server of a flow joined mid-way.
pub fn is_service_port(port: u16) -> bool {
    port < 1024
        || matches!(
            port,
            1911 | 1962
                | 2222
                | 2404
                | 4000
                | 4840
                | 4911
                | 5006
                | 5007
                | 5094
                | 5353
                | 5355
                | 9600
                | 18245
                | 20000
                | 34962..=34964 | 44818 | 47808
        )
}

/// Source MAC, destination MAC and TTL of a sender's packets.
pub type L2Signature = (Option<MacAddr>, Option<MacAddr>, u8);

/// One tracked flow.
#[derive(Debug)]
pub struct Flow {
    pub key: FlowKey,
    pub client: Side,
    pub initiator: Initiator,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// Lifetime counters, indexed by [`Side::index`] of the sender.
    pub total: [DirCounters; 2],
    /// Counters since the last minute drain.
    pub minute: [DirCounters; 2],
    pub minute_first: Timestamp,
    pub minute_last: Timestamp,
    /// The flow began after the last drain.
    pub started_this_minute: bool,
    pub macs: [Option<MacAddr>; 2],
    /// Per sender: (source MAC, destination MAC, TTL) of its last packet. A change
    /// (or a new flow) makes the analyzer register the addresses with the host table;
    /// otherwise the flow's counters reach the host table once per minute.
    pub l2: [Option<L2Signature>; 2],
    /// The part of `minute` already handed to the host table.
    pub host_absorbed: [DirCounters; 2],
    pub fin: [bool; 2],
    pub rst: bool,
    /// Sequence number of each side's SYN, or of its first segment when the
    /// flow was first seen mid-stream: a SYN with another number is a new
    /// connection (a retransmitted SYN repeats it), as in tshark.
    pub base_seq: [Option<u32>; 2],
    /// Industrial protocol, once classified.
    pub protocol: Option<Protocol>,
    /// Classification has been attempted (it runs once, on the first payload).
    pub classified: bool,
    /// Per-direction TCP reassembly, allocated only for flows with a protocol to dissect.
    pub streams: Option<Box<TcpStreams>>,
    /// Reassembly gap bytes already reported in earlier minutes.
    pub gap_bytes_reported: u64,
    /// The end (FIN/RST) has been reported in a record.
    pub end_reported: bool,
    /// (minute, index) of this flow in the analyzer's per-minute edge table.
    pub op_edge: Option<(u64, u32)>,
    /// Port 102 (S7comm or MMS): the S7comm dissector has decoded an S7 PDU,
    /// so the flow stays S7comm.
    pub iso_decided: bool,
    /// Port 102: (minute, count) of malformed ISO-on-TCP units counted as
    /// S7comm before any PDU said which protocol the flow speaks; moved to
    /// MMS if an MMS PDU comes in the same minute.
    pub iso_undecided_malformed: Option<(u64, u32)>,
}

impl Flow {
    /// Creates a flow from its first packet.
    pub fn new(key: FlowKey, sender: Side, now: Timestamp, tcp_flags: Option<u8>) -> Flow {
        let (src_port, dst_port) = (key.endpoint(sender).1, key.endpoint(sender.other()).1);
        let (client, initiator) = match tcp_flags {
            Some(f) if f & 0x12 == 0x02 => (sender, Initiator::Syn),
            Some(f) if f & 0x12 == 0x12 => (sender.other(), Initiator::SynAck),
            _ => {
                let (s, d) = (is_service_port(src_port), is_service_port(dst_port));
                if s && !d {
                    (sender.other(), Initiator::ServicePort)
                } else if d && !s {
                    (sender, Initiator::ServicePort)
                } else {
                    (sender, Initiator::FirstPacket)
                }
            }
        };
        Flow {
            key,
            client,
            initiator,
            first_seen: now,
            last_seen: now,
            total: Default::default(),
            minute: Default::default(),
            minute_first: now,
            minute_last: now,
            started_this_minute: true,
            macs: [None; 2],
            l2: [None; 2],
            host_absorbed: Default::default(),
            fin: [false; 2],
            rst: false,
            base_seq: [None; 2],
            protocol: None,
            classified: false,
            streams: None,
            gap_bytes_reported: 0,
            end_reported: false,
            op_edge: None,
            iso_decided: false,
            iso_undecided_malformed: None,
        }
    }

    /// Counts a packet from `sender`.
    pub fn update(
        &mut self,
        sender: Side,
        now: Timestamp,
        bytes: u64,
        payload: u64,
        tcp_flags: u8,
    ) {
        let i = sender.index();
        if self.minute[0].packets == 0 && self.minute[1].packets == 0 {
            self.minute_first = now;
        }
        self.last_seen = self.last_seen.max(now);
        self.minute_last = self.minute_last.max(now);
        self.total[i].add(bytes, payload, tcp_flags);
        self.minute[i].add(bytes, payload, tcp_flags);
        if tcp_flags & 0x12 == 0x02 {
            // A SYN kept on this flow (a retry of the same attempt) opens it
            // again, and its next close is reported again.
            self.fin = [false; 2];
            self.rst = false;
            self.end_reported = false;
        }
        if tcp_flags & 0x01 != 0 {
            self.fin[i] = true;
        }
        if tcp_flags & 0x04 != 0 {
            self.rst = true;
        }
    }

    /// TCP connection is over (RST, or FIN both ways).
    pub fn closed(&self) -> bool {
        self.rst || (self.fin[0] && self.fin[1])
    }

    /// Whether the sender of a packet is this flow's client.
    pub fn to_server(&self, sender: Side) -> bool {
        sender == self.client
    }

    /// Idle timeout in seconds for the flow's current state.
    pub fn timeout_secs(&self, cfg: &FlowConfig) -> u64 {
        match self.key.protocol {
            crate::ip::proto::TCP if self.closed() => cfg.tcp_closed_secs,
            crate::ip::proto::TCP => cfg.tcp_idle_secs,
            crate::ip::proto::UDP => cfg.udp_idle_secs,
            _ => cfg.other_idle_secs,
        }
    }

    /// True when packets arrived since the last drain.
    pub fn active_this_minute(&self) -> bool {
        self.minute[0].packets + self.minute[1].packets > 0
    }

    /// The minute's summary, and resets the minute counters.
    pub fn take_minute_record(&mut self, ended: Option<FlowEnd>) -> FlowRecord {
        let c = self.client;
        let s = c.other();
        let (client_ip, client_port) = self.key.endpoint(c);
        let (server_ip, server_port) = self.key.endpoint(s);
        let gap_total = self.streams.as_ref().map_or(0, |st| st.gap_bytes());
        let rec = FlowRecord {
            transport: self.key.transport(),
            ip_protocol: self.key.protocol,
            client_ip,
            server_ip,
            client_port,
            server_port,
            client_mac: self.macs[c.index()],
            server_mac: self.macs[s.index()],
            vlan: self.key.vlan(),
            initiator: self.initiator,
            protocol: self.protocol,
            flow_start_ms: self.first_seen.millis(),
            first_seen_ms: self.minute_first.millis(),
            last_seen_ms: self.minute_last.millis(),
            packets_to_server: self.minute[c.index()].packets,
            packets_to_client: self.minute[s.index()].packets,
            bytes_to_server: self.minute[c.index()].bytes,
            bytes_to_client: self.minute[s.index()].bytes,
            payload_to_server: self.minute[c.index()].payload,
            payload_to_client: self.minute[s.index()].payload,
            tcp_flags_to_server: self.minute[c.index()].tcp_flags,
            tcp_flags_to_client: self.minute[s.index()].tcp_flags,
            started: self.started_this_minute,
            ended,
            reassembly_gap_bytes: gap_total - self.gap_bytes_reported.min(gap_total),
        };
        self.gap_bytes_reported = gap_total;
        self.minute = Default::default();
        self.host_absorbed = Default::default();
        self.started_this_minute = false;
        rec
    }
}

/// Lifetime counts of flows, for statistics and accuracy checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowStats {
    pub created_tcp: u64,
    pub created_udp: u64,
    pub created_other: u64,
    pub expired: u64,
    pub evicted: u64,
    pub not_tracked: u64,
}

/// The flow table.
///
/// Flows live in one dense vector and a hash index maps each key to its slot,
/// so probing touches small index entries rather than whole flows. The slot of
/// the key looked up last is remembered: consecutive packets (a request and
/// its response, a burst of segments) mostly belong to the same flow, and one
/// key comparison is cheaper than hashing.
#[derive(Debug)]
pub struct FlowTable {
    index: FxHashMap<FlowKey, u32>,
    flows: Vec<Flow>,
    last: Option<(FlowKey, u32)>,
    config: FlowConfig,
    stats: FlowStats,
}

impl FlowTable {
    pub fn new(config: FlowConfig) -> Self {
        FlowTable {
            index: FxHashMap::default(),
            flows: Vec::new(),
            last: None,
            config,
            stats: FlowStats::default(),
        }
    }

    pub fn config(&self) -> &FlowConfig {
        &self.config
    }
    pub fn stats(&self) -> FlowStats {
        self.stats
    }
    pub fn len(&self) -> usize {
        self.flows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// The slot of `key`, if tracked.
    #[inline]
    fn slot(&mut self, key: &FlowKey) -> Option<usize> {
        if let Some((k, i)) = &self.last
            && k == key
        {
            return Some(*i as usize);
        }
        let i = *self.index.get(key)?;
        self.last = Some((*key, i));
        Some(i as usize)
    }

    #[inline]
    pub fn get_mut(&mut self, key: &FlowKey) -> Option<&mut Flow> {
        let i = self.slot(key)?;
        self.flows.get_mut(i)
    }

    pub fn remove(&mut self, key: &FlowKey) -> Option<Flow> {
        let i = self.index.remove(key)? as usize;
        self.last = None;
        let flow = self.flows.swap_remove(i);
        // The last flow moved into the freed slot.
        if let Some(moved) = self.flows.get(i) {
            self.index.insert(moved.key, i as u32);
        }
        Some(flow)
    }

    /// Adds a flow known to be absent, counting it.
    fn push(&mut self, flow: Flow) -> usize {
        match flow.key.protocol {
            crate::ip::proto::TCP => self.stats.created_tcp += 1,
            crate::ip::proto::UDP => self.stats.created_udp += 1,
            _ => self.stats.created_other += 1,
        }
        let i = self.flows.len();
        self.index.insert(flow.key, i as u32);
        self.last = Some((flow.key, i as u32));
        self.flows.push(flow);
        i
    }

    /// Makes room for one more flow when the table is full: expires flows with
    /// halved timeouts (handing them to `on_end`). False when nothing could go.
    fn make_room(&mut self, now: Timestamp, on_end: &mut impl FnMut(Flow, FlowEnd)) -> bool {
        if self.flows.len() < self.config.max_flows {
            return true;
        }
        let before = self.flows.len();
        self.expire_with(now, 2, on_end);
        self.stats.evicted += (before - self.flows.len()) as u64;
        if self.flows.len() >= self.config.max_flows {
            self.stats.not_tracked += 1;
            return false;
        }
        true
    }

    /// Inserts a new flow. When the table is full, `on_end` receives the flows
    /// expired early to make room; returns false when the flow could not be tracked.
    pub fn insert(
        &mut self,
        flow: Flow,
        now: Timestamp,
        on_end: &mut impl FnMut(Flow, FlowEnd),
    ) -> bool {
        if let Some(i) = self.slot(&flow.key) {
            self.flows[i] = flow;
            return true;
        }
        if !self.make_room(now, on_end) {
            return false;
        }
        self.push(flow);
        true
    }

    /// The flow for `key`, created by `make` if absent. `None` when the table is
    /// full and nothing could be evicted.
    #[inline]
    pub fn get_or_insert_with(
        &mut self,
        key: FlowKey,
        now: Timestamp,
        make: impl FnOnce() -> Flow,
        on_end: &mut impl FnMut(Flow, FlowEnd),
    ) -> Option<&mut Flow> {
        let i = match self.slot(&key) {
            Some(i) => i,
            None => {
                if !self.make_room(now, on_end) {
                    return None;
                }
                self.push(make())
            }
        };
        self.flows.get_mut(i)
    }

    /// Removes flows idle past their timeout, handing each to `on_end`.
    pub fn expire(&mut self, now: Timestamp, on_end: &mut impl FnMut(Flow, FlowEnd)) {
        let before = self.flows.len();
        self.expire_with(now, 1, on_end);
        self.stats.expired += (before - self.flows.len()) as u64;
    }

    fn expire_with(
        &mut self,
        now: Timestamp,
        divisor: u64,
        on_end: &mut impl FnMut(Flow, FlowEnd),
    ) {
        let cfg = self.config;
        let now_s = now.secs();
        let why = if divisor > 1 {
            FlowEnd::Evicted
        } else {
            FlowEnd::IdleTimeout
        };
        let idle =
            |f: &Flow| now_s.saturating_sub(f.last_seen.secs()) > f.timeout_secs(&cfg) / divisor;
        if !self.flows.iter().any(idle) {
            return;
        }
        self.last = None;
        // Keep the survivors in order, then rebuild the index once.
        let mut kept = Vec::with_capacity(self.flows.len());
        for f in self.flows.drain(..) {
            if idle(&f) {
                on_end(f, why);
            } else {
                kept.push(f);
            }
        }
        self.flows = kept;
        self.index.clear();
        for (i, f) in self.flows.iter().enumerate() {
            self.index.insert(f.key, i as u32);
        }
    }

    /// Iterates over all flows mutably (for the minute drain).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Flow> {
        self.flows.iter_mut()
    }

    /// Removes every flow (at the end of a capture).
    pub fn drain(&mut self) -> impl Iterator<Item = Flow> + '_ {
        self.index.clear();
        self.last = None;
        self.flows.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(last: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, last))
    }

    proptest::proptest! {
        /// The integer shortcut for IPv4 orders endpoints exactly as comparing
        /// (address, port) tuples does, for every mix of address families.
        #[test]
        fn side_a_is_the_lower_endpoint(
            a in proptest::prelude::any::<(bool, u32, u128, u16)>(),
            b in proptest::prelude::any::<(bool, u32, u128, u16)>(),
        ) {
            let addr = |(v4, x4, x6, _): (bool, u32, u128, u16)| {
                if v4 { IpAddr::from(x4.to_be_bytes()) } else { IpAddr::from(x6.to_be_bytes()) }
            };
            let (src, dst) = ((addr(a), a.3), (addr(b), b.3));
            let (k, side) = FlowKey::new(6, &src.0, src.1, &dst.0, dst.1);
            let want = if src <= dst { Side::A } else { Side::B };
            proptest::prop_assert_eq!(side, want);
            proptest::prop_assert!(k.endpoint(Side::A) <= k.endpoint(Side::B));
            proptest::prop_assert_eq!(k.endpoint(side), src);
            // Equal addresses must still be ordered by port.
            let (_, same) = FlowKey::new(6, &src.0, src.1, &src.0, src.1.wrapping_add(1));
            proptest::prop_assert_eq!(same, if src.1 < src.1.wrapping_add(1) { Side::A } else { Side::B });
        }
    }

    proptest::proptest! {
        /// Keys order as the (protocol, address, port, address, port) tuples
        /// they stand for, addresses ordered as `IpAddr` orders them (small
        /// IPv6 values included, which sort after every IPv4 address).
        #[test]
        fn keys_order_as_their_tuples(
            x in (0u8..3, any_addr(), proptest::prelude::any::<u16>(), any_addr(), proptest::prelude::any::<u16>()),
            y in (0u8..3, any_addr(), proptest::prelude::any::<u16>(), any_addr(), proptest::prelude::any::<u16>()),
        ) {
            let key = |(p, a, pa, b, pb): (u8, IpAddr, u16, IpAddr, u16)| {
                let (k, _) = FlowKey::new(p, &a, pa, &b, pb);
                let (a, b) = (k.endpoint(Side::A), k.endpoint(Side::B));
                (k, (p, a.0, a.1, b.0, b.1))
            };
            let ((kx, tx), (ky, ty)) = (key(x), key(y));
            proptest::prop_assert_eq!(kx.cmp(&ky), tx.cmp(&ty));
            proptest::prop_assert_eq!(kx == ky, tx == ty);
        }
    }

    /// IPv4 or IPv6 addresses of any magnitude.
    fn any_addr() -> impl proptest::strategy::Strategy<Value = IpAddr> {
        use proptest::strategy::Strategy;
        (proptest::prelude::any::<(bool, u128)>(), 0u32..128).prop_map(|((v4, v), shift)| {
            let v = v >> shift;
            if v4 {
                IpAddr::from((v as u32).to_be_bytes())
            } else {
                IpAddr::from(v.to_be_bytes())
            }
        })
    }

    #[test]
    fn key_is_canonical() {
        let (k1, s1) = FlowKey::new(6, &ip(2), 50000, &ip(1), 502);
        let (k2, s2) = FlowKey::new(6, &ip(1), 502, &ip(2), 50000);
        assert_eq!(k1, k2);
        assert_eq!((s1, s2), (Side::B, Side::A));
    }

    #[test]
    fn initiator_rules() {
        let (k, s) = FlowKey::new(6, &ip(2), 50000, &ip(1), 502);
        let f = Flow::new(k, s, Timestamp(0), Some(0x02));
        assert_eq!((f.client, f.initiator), (s, Initiator::Syn));
        let f = Flow::new(k, s, Timestamp(0), Some(0x12));
        assert_eq!((f.client, f.initiator), (s.other(), Initiator::SynAck));
        // Mid-stream response from the Modbus server: the port tells.
        let (k, s) = FlowKey::new(6, &ip(1), 502, &ip(2), 50000);
        let f = Flow::new(k, s, Timestamp(0), Some(0x18));
        assert_eq!((f.client, f.initiator), (s.other(), Initiator::ServicePort));
    }

    #[test]
    fn expiry_and_bound() {
        let cfg = FlowConfig {
            max_flows: 2,
            ..FlowConfig::default()
        };
        let mut t = FlowTable::new(cfg);
        let mut ended = vec![];
        let mut on_end = |f: Flow, why| ended.push((f.key.a_port, why));
        for (secs, port) in [(0, 1000u16), (300, 1001)] {
            let (k, s) = FlowKey::new(17, &ip(1), port, &ip(2), 53);
            let now = Timestamp::from_secs_nanos(secs, 0);
            assert!(t.insert(Flow::new(k, s, now, None), now, &mut on_end));
        }
        // Full; at t=400 the first flow (idle 400 s > 300/2) is evicted to make room.
        let (k, s) = FlowKey::new(17, &ip(1), 1002, &ip(2), 53);
        let now = Timestamp::from_secs_nanos(400, 0);
        assert!(t.insert(Flow::new(k, s, now, None), now, &mut on_end));
        // Full and nothing old enough: not tracked.
        let (k, s) = FlowKey::new(17, &ip(1), 1003, &ip(2), 53);
        assert!(!t.insert(Flow::new(k, s, now, None), now, &mut on_end));
        t.expire(Timestamp::from_secs_nanos(1000, 0), &mut on_end);
        assert!(t.is_empty());
        assert_eq!(ended[0], (1000, FlowEnd::Evicted));
        assert_eq!(t.stats().not_tracked, 1);
    }

    /// The table against a plain map: after any sequence of lookups, inserts,
    /// removals and expiries it holds the same flows, each found under its own
    /// key (so the moved slots and the remembered last slot stay right).
    #[derive(Debug, Clone)]
    enum Op {
        Touch(u8, u64),
        Remove(u8),
        Expire(u64),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            6 => (0u8..12, 0u64..2000).prop_map(|(p, t)| Op::Touch(p, t)),
            2 => (0u8..12).prop_map(Op::Remove),
            1 => (0u64..4000).prop_map(Op::Expire),
        ]
    }

    proptest::proptest! {
        #[test]
        fn table_matches_a_plain_map(ops in proptest::collection::vec(op(), 1..80)) {
            let mut t = FlowTable::new(FlowConfig { max_flows: 8, ..FlowConfig::default() });
            let mut model: std::collections::BTreeMap<u16, u64> = Default::default();
            let mut now = 0u64;
            let key = |p: u8| FlowKey::new(17, &ip(1), 1000 + u16::from(p), &ip(2), 53);
            for op in ops {
                let mut gone = Vec::new();
                match op {
                    Op::Touch(p, dt) => {
                        now += dt;
                        let ts = Timestamp::from_secs_nanos(now, 0);
                        let (k, side) = key(p);
                        let tracked = t.get_or_insert_with(k, ts, || Flow::new(k, side, ts, None), &mut |f: Flow, _| gone.push(f.key.a_port));
                        if let Some(f) = tracked {
                            proptest::prop_assert_eq!(f.key, k);
                            f.update(side, ts, 1, 0, 0);
                            model.insert(k.a_port, now);
                        }
                    }
                    Op::Remove(p) => {
                        let (k, _) = key(p);
                        let removed = t.remove(&k).map(|f| f.key);
                        proptest::prop_assert_eq!(removed, model.remove(&k.a_port).map(|_| k));
                    }
                    Op::Expire(dt) => {
                        now += dt;
                        t.expire(Timestamp::from_secs_nanos(now, 0), &mut |f: Flow, _| gone.push(f.key.a_port));
                    }
                }
                for port in gone {
                    proptest::prop_assert!(model.remove(&port).is_some(), "ended a flow not in the model");
                }
                // Whatever expiry ended, every remaining flow is found under its key.
                proptest::prop_assert_eq!(t.len(), model.len());
                for (&port, &last) in &model {
                    let (k, _) = FlowKey::new(17, &ip(1), port, &ip(2), 53);
                    let f = t.get_mut(&k);
                    proptest::prop_assert!(f.is_some(), "flow {} lost", port);
                    let f = f.unwrap();
                    proptest::prop_assert_eq!(f.key, k);
                    proptest::prop_assert_eq!(f.last_seen.secs(), last);
                }
            }
        }
    }
}
