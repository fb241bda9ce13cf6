//! Host tables: every MAC and IP address seen, with per-minute activity, and
//! the lifetime sets of addresses and address pairs (Wireshark's "endpoints"
//! and "conversations" at the Ethernet and IP layers).
//!
//! Bounded: entries idle for [`HostConfig::idle_secs`] are dropped at each
//! minute drain, and no table grows past its limit (extra addresses are
//! counted in `not_tracked`).
//!
//! Cost: packets of a tracked flow do not touch these tables one by one. The
//! analyzer registers a flow's addresses when the flow starts or its MACs / TTL
//! change ([`HostTable::register`]) and hands the flow's counters over once a
//! minute ([`HostTable::absorb_flow`]); only frames outside any flow (ARP,
//! layer-2 protocols, later IP fragments) are counted per frame.

use crate::capture::Timestamp;
use crate::ethernet::MacAddr;
use crate::record::HostRecord;
use rustc_hash::{FxHashMap, FxHashSet};
use std::hash::Hash;
use std::net::IpAddr;

/// Host table limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostConfig {
    /// Most MAC and most IP entries kept (each).
    pub max_hosts: usize,
    /// An address not seen for this long (packet time) is forgotten.
    pub idle_secs: u64,
    /// Most entries in each lifetime set (addresses, address pairs).
    pub max_seen: usize,
    /// Source MACs remembered per IP address per minute.
    pub max_macs_per_ip: usize,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            max_hosts: 65_536,
            idle_secs: 3_600,
            max_seen: 1_000_000,
            max_macs_per_ip: 4,
        }
    }
}

/// Activity of one address in the current minute.
#[derive(Debug, Clone, Copy, Default)]
struct Activity {
    first: Timestamp,
    last: Timestamp,
    packets_sent: u64,
    packets_received: u64,
    bytes_sent: u64,
    bytes_received: u64,
}

impl Activity {
    fn active(&self) -> bool {
        self.packets_sent + self.packets_received > 0
    }
    fn touch(&mut self, now: Timestamp) {
        self.touch_range(now, now);
    }
    fn touch_range(&mut self, first: Timestamp, last: Timestamp) {
        if !self.active() {
            self.first = first;
        } else {
            self.first = self.first.min(first);
        }
        self.last = self.last.max(last);
    }
}

#[derive(Debug, Clone, Default)]
struct HostEntry {
    last_seen: Timestamp,
    minute: Activity,
    /// IP entries: last TTL / hop limit sent with.
    ttl: Option<u8>,
    /// IP entries: source MACs used this minute.
    macs: Vec<MacAddr>,
}

/// Every address seen, with bounded memory.
#[derive(Debug, Default)]
pub struct HostTable {
    config: HostConfig,
    macs: FxHashMap<MacAddr, HostEntry>,
    /// By address and VLAN (0 untagged): one address on two VLANs is two
    /// devices.
    ips: FxHashMap<(IpAddr, u16), HostEntry>,
    seen_macs: FxHashSet<MacAddr>,
    seen_ips: FxHashSet<IpAddr>,
    mac_pairs: FxHashSet<(MacAddr, MacAddr)>,
    ip_pairs: FxHashSet<(IpAddr, IpAddr)>,
    /// The pair inserted last: consecutive packets usually share it, which saves a set probe.
    last_mac_pair: Option<(MacAddr, MacAddr)>,
    last_ip_pair: Option<(IpAddr, IpAddr)>,
    not_tracked: u64,
}

fn bounded_insert<T: Hash + Eq>(set: &mut FxHashSet<T>, v: T, max: usize) {
    if set.len() < max {
        set.insert(v);
    }
}

/// Sorted pair, so (a, b) and (b, a) are one conversation.
fn pair<T: Ord>(a: T, b: T) -> (T, T) {
    if a <= b { (a, b) } else { (b, a) }
}

impl HostTable {
    pub fn new(config: HostConfig) -> Self {
        HostTable {
            config,
            ..Default::default()
        }
    }

    /// The entry for `k`, created if there is room; `is_new` tells the caller to
    /// record the address in the lifetime set (existing entries are already there).
    fn entry<'t, K: Hash + Eq + Copy>(
        map: &'t mut FxHashMap<K, HostEntry>,
        max: usize,
        not_tracked: &mut u64,
        k: K,
    ) -> (Option<&'t mut HostEntry>, bool) {
        let len = map.len();
        match map.entry(k) {
            std::collections::hash_map::Entry::Occupied(o) => (Some(o.into_mut()), false),
            std::collections::hash_map::Entry::Vacant(_) if len >= max => {
                *not_tracked += 1;
                (None, true)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                (Some(v.insert(HostEntry::default())), true)
            }
        }
    }

    /// Counts an Ethernet frame from `src` to `dst` (`dst` absent for cooked captures).
    pub fn observe_macs(&mut self, src: MacAddr, dst: Option<MacAddr>, now: Timestamp, bytes: u64) {
        let max = self.config.max_hosts;
        let max_seen = self.config.max_seen;
        let (e, new) = Self::entry(&mut self.macs, max, &mut self.not_tracked, src);
        if let Some(e) = e {
            e.last_seen = now;
            e.minute.touch(now);
            e.minute.packets_sent += 1;
            e.minute.bytes_sent += bytes;
        }
        if new {
            bounded_insert(&mut self.seen_macs, src, max_seen);
        }
        if let Some(dst) = dst {
            let (e, new) = Self::entry(&mut self.macs, max, &mut self.not_tracked, dst);
            if let Some(e) = e {
                e.last_seen = now;
                e.minute.touch(now);
                e.minute.packets_received += 1;
                e.minute.bytes_received += bytes;
            }
            if new {
                bounded_insert(&mut self.seen_macs, dst, max_seen);
            }
            let p = pair(src, dst);
            if self.last_mac_pair != Some(p) {
                self.last_mac_pair = Some(p);
                bounded_insert(&mut self.mac_pairs, p, max_seen);
            }
        }
    }

    /// Counts an IP packet on `vlan`.
    #[allow(clippy::too_many_arguments)] // one packet's fields, on the per-frame path
    pub fn observe_ips(
        &mut self,
        src: IpAddr,
        dst: IpAddr,
        vlan: Option<u16>,
        ttl: u8,
        src_mac: Option<MacAddr>,
        now: Timestamp,
        bytes: u64,
    ) {
        let max = self.config.max_hosts;
        let max_seen = self.config.max_seen;
        let max_macs = self.config.max_macs_per_ip;
        let vlan = vlan.unwrap_or(0);
        let (e, new) = Self::entry(&mut self.ips, max, &mut self.not_tracked, (src, vlan));
        if let Some(e) = e {
            e.last_seen = now;
            e.minute.touch(now);
            e.minute.packets_sent += 1;
            e.minute.bytes_sent += bytes;
            e.ttl = Some(ttl);
            if let Some(m) = src_mac
                && !e.macs.contains(&m)
                && e.macs.len() < max_macs
            {
                e.macs.push(m);
            }
        }
        if new {
            bounded_insert(&mut self.seen_ips, src, max_seen);
        }
        let (e, new) = Self::entry(&mut self.ips, max, &mut self.not_tracked, (dst, vlan));
        if let Some(e) = e {
            e.last_seen = now;
            e.minute.touch(now);
            e.minute.packets_received += 1;
            e.minute.bytes_received += bytes;
        }
        if new {
            bounded_insert(&mut self.seen_ips, dst, max_seen);
        }
        let p = pair(src, dst);
        if self.last_ip_pair != Some(p) {
            self.last_ip_pair = Some(p);
            bounded_insert(&mut self.ip_pairs, p, max_seen);
        }
    }

    /// Registers the addresses of a flow's packet without counting it: the flow
    /// counts its packets and hands the minute's totals over in [`HostTable::absorb_flow`].
    /// Called when a flow starts or its link-layer addresses or TTL change.
    #[allow(clippy::too_many_arguments)] // one packet's fields
    pub fn register(
        &mut self,
        vlan: Option<u16>,
        src: IpAddr,
        dst: IpAddr,
        ttl: u8,
        src_mac: Option<MacAddr>,
        dst_mac: Option<MacAddr>,
        now: Timestamp,
    ) {
        let max = self.config.max_hosts;
        let max_seen = self.config.max_seen;
        if let Some(sm) = src_mac {
            for mac in [Some(sm), dst_mac].into_iter().flatten() {
                let (e, new) = Self::entry(&mut self.macs, max, &mut self.not_tracked, mac);
                if let Some(e) = e {
                    e.last_seen = e.last_seen.max(now);
                }
                if new {
                    bounded_insert(&mut self.seen_macs, mac, max_seen);
                }
            }
            if let Some(dm) = dst_mac {
                bounded_insert(&mut self.mac_pairs, pair(sm, dm), max_seen);
            }
        }
        let vlan = vlan.unwrap_or(0);
        let (e, new) = Self::entry(&mut self.ips, max, &mut self.not_tracked, (src, vlan));
        if let Some(e) = e {
            e.last_seen = e.last_seen.max(now);
            e.ttl = Some(ttl);
        }
        if new {
            bounded_insert(&mut self.seen_ips, src, max_seen);
        }
        let (e, new) = Self::entry(&mut self.ips, max, &mut self.not_tracked, (dst, vlan));
        if let Some(e) = e {
            e.last_seen = e.last_seen.max(now);
        }
        if new {
            bounded_insert(&mut self.seen_ips, dst, max_seen);
        }
        bounded_insert(&mut self.ip_pairs, pair(src, dst), max_seen);
    }

    /// Adds a flow's traffic not yet handed over this minute to its hosts' minute activity.
    pub fn absorb_flow(&mut self, f: &mut crate::flow::Flow) {
        let max = self.config.max_hosts;
        let max_macs = self.config.max_macs_per_ip;
        let (first, last) = (f.minute_first, f.minute_last);
        for side in [crate::flow::Side::A, crate::flow::Side::B] {
            let c = f.minute[side.index()].minus(&f.host_absorbed[side.index()]);
            if c.packets == 0 {
                continue;
            }
            let vlan = f.key.vlan().unwrap_or(0);
            let (src, _) = f.key.endpoint(side);
            let (dst, _) = f.key.endpoint(side.other());
            let (src_mac, dst_mac) = f.l2[side.index()].map_or((None, None), |(s, d, _)| (s, d));
            if let (Some(e), _) =
                Self::entry(&mut self.ips, max, &mut self.not_tracked, (src, vlan))
            {
                e.last_seen = e.last_seen.max(last);
                e.minute.touch_range(first, last);
                e.minute.packets_sent += c.packets;
                e.minute.bytes_sent += c.bytes;
                if let Some(m) = src_mac
                    && !e.macs.contains(&m)
                    && e.macs.len() < max_macs
                {
                    e.macs.push(m);
                }
            }
            if let (Some(e), _) =
                Self::entry(&mut self.ips, max, &mut self.not_tracked, (dst, vlan))
            {
                e.last_seen = e.last_seen.max(last);
                e.minute.touch_range(first, last);
                e.minute.packets_received += c.packets;
                e.minute.bytes_received += c.bytes;
            }
            if let Some(m) = src_mac
                && let (Some(e), _) = Self::entry(&mut self.macs, max, &mut self.not_tracked, m)
            {
                e.last_seen = e.last_seen.max(last);
                e.minute.touch_range(first, last);
                e.minute.packets_sent += c.packets;
                e.minute.bytes_sent += c.bytes;
            }
            if let Some(m) = dst_mac
                && let (Some(e), _) = Self::entry(&mut self.macs, max, &mut self.not_tracked, m)
            {
                e.last_seen = e.last_seen.max(last);
                e.minute.touch_range(first, last);
                e.minute.packets_received += c.packets;
                e.minute.bytes_received += c.bytes;
            }
        }
        f.host_absorbed = f.minute;
    }

    /// IP addresses that sent packets this minute, with their VLAN and
    /// last TTL (for OS hints).
    pub fn active_ip_ttls(
        &self,
    ) -> impl Iterator<Item = (IpAddr, Option<u16>, u8, Option<MacAddr>)> + '_ {
        self.ips.iter().filter_map(|(&(ip, vlan), e)| {
            (e.minute.packets_sent > 0)
                .then_some(e.ttl.map(|t| {
                    let vlan = (vlan != 0).then_some(vlan);
                    (ip, vlan, t, (e.macs.len() == 1).then(|| e.macs[0]))
                }))
                .flatten()
        })
    }

    /// Host records for the minute; resets minute activity and forgets idle entries.
    pub fn take_minute_records(&mut self, now: Timestamp) -> Vec<HostRecord> {
        let mut out = Vec::new();
        for (mac, e) in self.macs.iter_mut() {
            if e.minute.active() {
                out.push(HostRecord {
                    mac: Some(*mac),
                    ip: None,
                    vlan: None,
                    group: mac.is_multicast(),
                    vendor: crate::oui::vendor(*mac).map(str::to_owned),
                    macs: Vec::new(),
                    ttl: None,
                    first_seen_ms: e.minute.first.millis(),
                    last_seen_ms: e.minute.last.millis(),
                    packets_sent: e.minute.packets_sent,
                    packets_received: e.minute.packets_received,
                    bytes_sent: e.minute.bytes_sent,
                    bytes_received: e.minute.bytes_received,
                });
                e.minute = Activity::default();
            }
        }
        for (&(ip, vlan), e) in self.ips.iter_mut() {
            if e.minute.active() {
                let group = match ip {
                    IpAddr::V4(v) => v.is_multicast() || v.is_broadcast() || v.octets()[3] == 255,
                    IpAddr::V6(v) => v.is_multicast(),
                };
                out.push(HostRecord {
                    mac: None,
                    ip: Some(ip),
                    vlan: (vlan != 0).then_some(vlan),
                    group,
                    vendor: None,
                    macs: std::mem::take(&mut e.macs),
                    ttl: e.ttl,
                    first_seen_ms: e.minute.first.millis(),
                    last_seen_ms: e.minute.last.millis(),
                    packets_sent: e.minute.packets_sent,
                    packets_received: e.minute.packets_received,
                    bytes_sent: e.minute.bytes_sent,
                    bytes_received: e.minute.bytes_received,
                });
                e.minute = Activity::default();
            }
        }
        let idle = self.config.idle_secs;
        let now_s = now.secs();
        self.macs
            .retain(|_, e| now_s.saturating_sub(e.last_seen.secs()) <= idle);
        self.ips
            .retain(|_, e| now_s.saturating_sub(e.last_seen.secs()) <= idle);
        out.sort_by_key(|h| (h.mac, h.ip, h.vlan));
        out
    }

    /// Every MAC address seen since the start (bounded by `max_seen`).
    pub fn seen_macs(&self) -> impl Iterator<Item = &MacAddr> {
        self.seen_macs.iter()
    }
    /// Every IP address seen since the start (bounded by `max_seen`).
    pub fn seen_ips(&self) -> impl Iterator<Item = &IpAddr> {
        self.seen_ips.iter()
    }
    /// Distinct MAC address pairs that exchanged frames.
    pub fn mac_pair_count(&self) -> usize {
        self.mac_pairs.len()
    }
    /// Distinct IP address pairs that exchanged packets.
    pub fn ip_pair_count(&self) -> usize {
        self.ip_pairs.len()
    }
    /// Of those, the IPv6 pairs (tshark's `conv,ipv6`).
    pub fn ipv6_pair_count(&self) -> usize {
        self.ip_pairs.iter().filter(|(a, _)| a.is_ipv6()).count()
    }
    /// Addresses not tracked because a table was full.
    pub fn not_tracked(&self) -> u64 {
        self.not_tracked
    }
}
