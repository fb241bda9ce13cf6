//! `sensor inspect`: read a capture file through the analyzer and summarise it.
//!
//! Streaming: packets are read one at a time and each minute's digest is
//! folded into bounded summary tables as soon as the analyzer closes it, so
//! memory does not grow with the file's size (only with the number of
//! distinct addresses and services, up to the bounds below).

use crate::report::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use traffic::analyzer::{Analyzer, AnalyzerConfig, MinuteDigest};
use traffic::capture::{CaptureError, CaptureReader, Format};
use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass};
use traffic::record::{FlowRecord, HostRecord, IdentityRecord, OperationCount, TransportKind};

/// Bounds on the summary tables, so memory does not depend on the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most IP and most MAC addresses listed (each).
    pub hosts: usize,
    /// Most services (client IP → server IP:port) summarised.
    pub services: usize,
    /// Most distinct (protocol, function) rows summarised.
    pub functions: usize,
    /// Most identity facts listed.
    pub identities: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            hosts: 65_536,
            services: 100_000,
            functions: 10_000,
            identities: 10_000,
        }
    }
}

/// Most names, MACs or IPs listed per host.
const MAX_PER_HOST: usize = 16;

/// What to put in the report.
#[derive(Debug, Clone, Copy)]
pub struct InspectOptions {
    /// How many conversations and functions per protocol to list.
    pub top: usize,
    pub limits: Limits,
    pub analyzer: AnalyzerConfig,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            top: 10,
            limits: Limits::default(),
            analyzer: AnalyzerConfig::default(),
        }
    }
}

/// Why a file could not be inspected at all. The message names the file and the problem.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("{file}: cannot open: {source}")]
    Open {
        file: String,
        source: std::io::Error,
    },
    /// Not a capture file (or unreadable before the first packet).
    #[error("{file}: {reason}")]
    NotCapture {
        file: String,
        reason: String,
        source: CaptureError,
    },
    /// The file header was fine but not a single packet could be read.
    #[error("{file}: no packet could be read: {source}")]
    NoPackets { file: String, source: CaptureError },
}

/// Inspects the file at `path`; `-` reads standard input.
///
/// The file is read as a stream, not mapped: on Linux 6.18 mapping it (page
/// tables populated ahead of the reader, released behind it to keep memory
/// flat) measured slower than the kernel's copy into the reader's buffer.
pub fn inspect_path(path: &Path, opts: &InspectOptions) -> Result<Report, InspectError> {
    let name = path.display().to_string();
    if path.as_os_str() == "-" {
        return inspect(&name, std::io::stdin().lock(), opts);
    }
    let file = std::fs::File::open(path).map_err(|source| InspectError::Open {
        file: name.clone(),
        source,
    })?;
    inspect(&name, file, opts)
}

/// Inspects a capture read from `input`; `name` is how the report names it.
pub fn inspect<R: Read>(
    name: &str,
    input: R,
    opts: &InspectOptions,
) -> Result<Report, InspectError> {
    let mut reader = CaptureReader::new(input).map_err(|source| InspectError::NotCapture {
        file: name.to_owned(),
        reason: not_capture_reason(&source),
        source,
    })?;
    let format = match reader.format() {
        Format::Pcap => "pcap",
        Format::PcapNg => "pcapng",
    };
    let mut analyzer = Analyzer::new(opts.analyzer);
    let mut summary = Summary {
        limits: opts.limits,
        ..Summary::default()
    };
    let mut read_error = None;
    let mut packets = 0u64;
    let mut captured_bytes = 0u64;
    let mut first_ts = traffic::Timestamp(u64::MAX);
    let mut last_ts = traffic::Timestamp(0);
    let mut link_types = LinkTypeCounter::default();
    loop {
        let p = match reader.next_packet() {
            None => break,
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                read_error = Some(e);
                break;
            }
        };
        packets += 1;
        captured_bytes += p.data.len() as u64;
        first_ts = first_ts.min(p.timestamp);
        last_ts = last_ts.max(p.timestamp);
        link_types.add(p.linktype.0);
        analyzer.push_packet(&p);
        while let Some(digest) = analyzer.drain_minute() {
            summary.add(digest);
        }
    }
    let (first_ts, last_ts) = if packets > 0 {
        (Some(first_ts), Some(last_ts))
    } else {
        (None, None)
    };
    let at_byte = reader.position();
    if packets == 0
        && let Some(source) = read_error
    {
        return Err(InspectError::NoPackets {
            file: name.to_owned(),
            source,
        });
    }
    for digest in analyzer.finish() {
        summary.add(digest);
    }

    let totals = analyzer.totals();
    let hosts = analyzer.hosts();
    let flows = analyzer.flow_stats();
    let time = match (first_ts, last_ts) {
        (Some(a), Some(b)) => Some(TimeSpan {
            first_ms: a.millis(),
            last_ms: b.millis(),
            first: rfc3339_ms(a.millis()),
            last: rfc3339_ms(b.millis()),
            duration_s: (b.0 - a.0) as f64 / 1e9,
        }),
        _ => None,
    };
    let mut report = Report {
        report_version: REPORT_VERSION,
        file: name.to_owned(),
        format: format.to_owned(),
        file_bytes: at_byte,
        packets,
        bytes: totals.bytes,
        captured_bytes,
        time,
        link_types: link_types
            .into_counts()
            .map(|(linktype, packets)| LinkTypeCount {
                linktype,
                name: linktype_name(linktype),
                packets,
            })
            .collect(),
        traffic: TrafficCounts {
            snaplen_truncated: totals.snaplen_truncated,
            ..summary.traffic.clone()
        },
        hosts: Hosts::default(),
        conversations: Conversations {
            ethernet: hosts.mac_pair_count() as u64,
            ip: hosts.ip_pair_count() as u64,
            tcp: flows.created_tcp,
            udp: flows.created_udp,
            other: flows.created_other,
            ..Default::default()
        },
        operations: Operations::default(),
        identities: Vec::new(),
        identities_not_listed: summary.identities_not_listed,
        malformed: Malformed {
            packets: totals.malformed,
            by_name: summary.malformed.clone(),
        },
        dropped: summary.dropped.clone(),
        read_error: read_error.map(|e| ReadError {
            message: e.to_string(),
            after_packets: packets,
            at_byte,
        }),
    };
    summary.finish_into(&mut report, opts.top);
    let seen = (hosts.seen_ips().count() + hosts.seen_macs().count()) as u64;
    let listed = (report.hosts.ips.len() + report.hosts.macs.len()) as u64;
    report.hosts.not_listed = seen.saturating_sub(listed);
    Ok(report)
}

/// Packets per link type. A capture has one or a few, and consecutive packets
/// almost always share one, so the last one used is checked first.
#[derive(Debug, Default)]
struct LinkTypeCounter {
    counts: Vec<(u32, u64)>,
    last: usize,
}

impl LinkTypeCounter {
    #[inline]
    fn add(&mut self, linktype: u32) {
        if let Some((t, n)) = self.counts.get_mut(self.last)
            && *t == linktype
        {
            *n += 1;
            return;
        }
        match self.counts.iter().position(|(t, _)| *t == linktype) {
            Some(i) => self.last = i,
            None => {
                self.last = self.counts.len();
                self.counts.push((linktype, 0));
            }
        }
        self.counts[self.last].1 += 1;
    }

    /// (link type, packets), by link type.
    fn into_counts(mut self) -> impl Iterator<Item = (u32, u64)> {
        self.counts.sort_unstable();
        self.counts.into_iter()
    }
}

/// A one-line reason a file is not a capture.
fn not_capture_reason(e: &CaptureError) -> String {
    match e {
        CaptureError::UnknownFormat(_) => e.to_string(),
        CaptureError::Truncated {
            record: 0,
            available: 0,
            ..
        } => "not a pcap or pcapng file (empty)".to_owned(),
        CaptureError::Truncated { record: 0, .. } => {
            format!("not a pcap or pcapng file (too short: {e})")
        }
        CaptureError::Io(io) => format!("cannot read: {io}"),
        _ => format!("not a readable capture: {e}"),
    }
}

fn linktype_name(linktype: u32) -> String {
    match linktype {
        0 => "null".into(),
        1 => "ethernet".into(),
        12 | 101 => "raw".into(),
        108 => "loop".into(),
        113 => "linux_sll".into(),
        228 => "ipv4".into(),
        229 => "ipv6".into(),
        276 => "linux_sll2".into(),
        n => format!("linktype_{n}"),
    }
}

/// Attributes that name a device (host, station, product, model, application names).
fn is_name_attribute(attribute: &str) -> bool {
    matches!(attribute, "hostname" | "model") || attribute.ends_with("_name")
}

#[derive(Debug, Default, Clone)]
struct HostAgg {
    group: bool,
    vendor: Option<String>,
    macs: BTreeSet<MacAddr>,
    ttl: Option<u8>,
    names: BTreeSet<String>,
    packets_sent: u64,
    packets_received: u64,
    bytes_sent: u64,
    bytes_received: u64,
    first_seen_ms: i64,
    last_seen_ms: i64,
}

impl HostAgg {
    fn add(&mut self, h: &HostRecord) {
        let fresh = self.packets_sent + self.packets_received == 0;
        self.group = h.group;
        if h.vendor.is_some() {
            self.vendor.clone_from(&h.vendor);
        }
        for m in &h.macs {
            if self.macs.len() < MAX_PER_HOST {
                self.macs.insert(*m);
            }
        }
        if h.ttl.is_some() {
            self.ttl = h.ttl;
        }
        self.packets_sent += h.packets_sent;
        self.packets_received += h.packets_received;
        self.bytes_sent += h.bytes_sent;
        self.bytes_received += h.bytes_received;
        if fresh {
            self.first_seen_ms = h.first_seen_ms;
            self.last_seen_ms = h.last_seen_ms;
        } else {
            self.first_seen_ms = self.first_seen_ms.min(h.first_seen_ms);
            self.last_seen_ms = self.last_seen_ms.max(h.last_seen_ms);
        }
    }
    fn add_name(&mut self, name: &str) {
        if self.names.len() < MAX_PER_HOST {
            self.names.insert(name.to_owned());
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ServiceKey {
    transport: TransportKind,
    ip_protocol: u8,
    client_ip: IpAddr,
    server_ip: IpAddr,
    server_port: u16,
}

#[derive(Debug, Default, Clone)]
struct ServiceAgg {
    /// A record with packets arrived (the times are set).
    seen: bool,
    protocol: Option<String>,
    flows: u64,
    packets_to_server: u64,
    packets_to_client: u64,
    bytes_to_server: u64,
    bytes_to_client: u64,
    first_seen_ms: i64,
    last_seen_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct FunctionKey {
    protocol: String,
    function_code: u32,
    name: String,
    class: OperationClass,
}

#[derive(Debug, Default, Clone, Copy)]
struct FunctionAgg {
    count: u64,
    requests: u64,
    responses: u64,
    errors: u64,
}

/// (ip, mac, source, attribute, value).
type IdentityKey = (Option<IpAddr>, Option<MacAddr>, String, String, String);

/// Summary tables fed one minute digest at a time.
#[derive(Debug, Default)]
struct Summary {
    limits: Limits,
    traffic: TrafficCounts,
    ips: HashMap<IpAddr, HostAgg>,
    macs: HashMap<MacAddr, HostAgg>,
    services: HashMap<ServiceKey, ServiceAgg>,
    /// Flows of services past the bound.
    flows_not_listed: u64,
    functions: HashMap<FunctionKey, FunctionAgg>,
    /// Per protocol: total, requests, responses, errors, and per class.
    protocol_totals: BTreeMap<String, (FunctionAgg, BTreeMap<String, u64>)>,
    functions_not_listed: u64,
    /// Each fact once, with when it was first learned.
    identities: BTreeMap<IdentityKey, i64>,
    identities_not_listed: u64,
    malformed: BTreeMap<String, u64>,
    dropped: DroppedCounts,
}

impl Summary {
    fn add(&mut self, d: MinuteDigest) {
        let c = &d.counters;
        let t = &mut self.traffic;
        t.ipv4_packets += c.ipv4_packets;
        t.ipv6_packets += c.ipv6_packets;
        t.arp_packets += c.arp_packets;
        t.tcp_packets += c.tcp_packets;
        t.udp_packets += c.udp_packets;
        t.ip_fragments += c.ip_fragments;
        t.unsupported_link += c.unsupported_link;
        for (k, v) in &c.malformed {
            *self.malformed.entry(k.clone()).or_default() += v;
        }
        let dr = &c.dropped;
        let o = &mut self.dropped;
        o.flows_not_tracked += dr.flows_not_tracked;
        o.flows_evicted += dr.flows_evicted;
        o.reassembly_gaps += dr.reassembly_gaps;
        o.reassembly_overflow_bytes += dr.reassembly_overflow_bytes;
        o.hosts_not_tracked += dr.hosts_not_tracked;
        o.operations_not_tracked += dr.operations_not_tracked;

        for h in &d.hosts {
            self.add_host(h);
        }
        for f in &d.flows {
            self.add_flow(f);
        }
        for op in &d.operations {
            self.add_operation(op);
        }
        for id in &d.identities {
            self.add_identity(id);
        }
    }

    fn add_host(&mut self, h: &HostRecord) {
        let entry = match (h.ip, h.mac) {
            (Some(ip), _) => bounded_entry(&mut self.ips, ip, self.limits.hosts),
            (None, Some(mac)) => bounded_entry(&mut self.macs, mac, self.limits.hosts),
            (None, None) => None,
        };
        if let Some(e) = entry {
            e.add(h);
        }
    }

    fn add_flow(&mut self, f: &FlowRecord) {
        let key = ServiceKey {
            transport: f.transport,
            ip_protocol: f.ip_protocol,
            client_ip: f.client_ip,
            server_ip: f.server_ip,
            server_port: f.server_port,
        };
        let Some(s) = bounded_entry(&mut self.services, key, self.limits.services) else {
            if f.started {
                self.flows_not_listed += 1;
            }
            return;
        };
        if f.protocol.is_some() {
            s.protocol = f.protocol.map(|p| p.as_str().to_owned());
        }
        if f.started {
            s.flows += 1;
        }
        s.packets_to_server += f.packets_to_server;
        s.packets_to_client += f.packets_to_client;
        s.bytes_to_server += f.bytes_to_server;
        s.bytes_to_client += f.bytes_to_client;
        // Records that only report a flow's end carry no packets and no times.
        if f.packets_to_server + f.packets_to_client > 0 {
            if s.seen {
                s.first_seen_ms = s.first_seen_ms.min(f.first_seen_ms);
                s.last_seen_ms = s.last_seen_ms.max(f.last_seen_ms);
            } else {
                (s.first_seen_ms, s.last_seen_ms) = (f.first_seen_ms, f.last_seen_ms);
                s.seen = true;
            }
        }
    }

    fn add_operation(&mut self, op: &OperationCount) {
        let protocol = op.protocol.as_str().to_owned();
        let class = op.class.as_str();
        let mut agg = FunctionAgg {
            count: op.count,
            ..Default::default()
        };
        match op.direction {
            Direction::Request => agg.requests = op.count,
            Direction::Response => agg.responses = op.count,
            Direction::Unknown => {}
        }
        if op.error_code.is_some() {
            agg.errors = op.count;
        }
        let (total, classes) = self.protocol_totals.entry(protocol.clone()).or_default();
        merge_fn(total, agg);
        *classes.entry(class.to_owned()).or_default() += op.count;
        let key = FunctionKey {
            protocol,
            function_code: op.function_code,
            name: op.name.clone(),
            class: op.class,
        };
        match bounded_entry(&mut self.functions, key, self.limits.functions) {
            Some(f) => merge_fn(f, agg),
            None => self.functions_not_listed += op.count,
        }
    }

    fn add_identity(&mut self, id: &IdentityRecord) {
        // Empty values (a device answering with a blank field) say nothing.
        if id.value.trim().is_empty() {
            return;
        }
        let key = (
            id.ip,
            id.mac,
            id.source.clone(),
            id.attribute.clone(),
            id.value.clone(),
        );
        if is_name_attribute(&id.attribute) {
            if let Some(ip) = id.ip
                && let Some(h) = self.ips.get_mut(&ip)
            {
                h.add_name(&id.value);
            } else if let Some(mac) = id.mac
                && let Some(h) = self.macs.get_mut(&mac)
            {
                h.add_name(&id.value);
            }
        }
        if self.identities.contains_key(&key) {
            return;
        }
        if self.identities.len() >= self.limits.identities {
            self.identities_not_listed += 1;
            return;
        }
        self.identities.insert(key, id.first_seen_ms);
    }

    /// Sorts and bounds the tables into the report.
    fn finish_into(self, r: &mut Report, top: usize) {
        // Names a device revealed through its MAC only also name the IPs that used that MAC.
        let mut ips: Vec<_> = self.ips.into_iter().collect();
        ips.sort_by_key(|(ip, _)| *ip);
        let mut macs: Vec<_> = self.macs.into_iter().collect();
        macs.sort_by_key(|(mac, _)| *mac);
        let mac_index: HashMap<MacAddr, usize> =
            macs.iter().enumerate().map(|(i, (m, _))| (*m, i)).collect();
        let mut mac_ips: Vec<BTreeSet<IpAddr>> = vec![BTreeSet::new(); macs.len()];
        for (ip, h) in &ips {
            if h.group {
                continue;
            }
            for m in &h.macs {
                if let Some(&i) = mac_index.get(m)
                    && mac_ips[i].len() < MAX_PER_HOST
                {
                    mac_ips[i].insert(*ip);
                }
            }
        }
        r.hosts.ips = ips
            .iter()
            .map(|(ip, h)| {
                let mut names = h.names.clone();
                let mut vendors = Vec::with_capacity(h.macs.len());
                for m in &h.macs {
                    let mh = mac_index.get(m).map(|&i| &macs[i].1);
                    if let Some(mh) = mh
                        && !h.group
                        && mh.names.len() + names.len() <= MAX_PER_HOST
                    {
                        names.extend(mh.names.iter().cloned());
                    }
                    vendors.push(
                        mh.and_then(|mh| mh.vendor.clone())
                            .or_else(|| traffic::oui::vendor(*m).map(str::to_owned)),
                    );
                }
                IpHost {
                    ip: ip.to_string(),
                    group: h.group,
                    macs: h.macs.iter().map(|m| m.to_string()).collect(),
                    vendors,
                    ttl: h.ttl,
                    names: names.into_iter().collect(),
                    packets_sent: h.packets_sent,
                    packets_received: h.packets_received,
                    bytes_sent: h.bytes_sent,
                    bytes_received: h.bytes_received,
                    first_seen_ms: h.first_seen_ms,
                    last_seen_ms: h.last_seen_ms,
                }
            })
            .collect();
        r.hosts.macs = macs
            .iter()
            .zip(mac_ips)
            .map(|((mac, h), ips)| MacHost {
                mac: mac.to_string(),
                group: h.group,
                vendor: h.vendor.clone(),
                ips: ips.iter().map(|ip| ip.to_string()).collect(),
                names: h.names.iter().cloned().collect(),
                packets_sent: h.packets_sent,
                packets_received: h.packets_received,
                bytes_sent: h.bytes_sent,
                bytes_received: h.bytes_received,
                first_seen_ms: h.first_seen_ms,
                last_seen_ms: h.last_seen_ms,
            })
            .collect();

        r.conversations.services = self.services.len() as u64;
        r.conversations.flows_not_listed = self.flows_not_listed;
        let mut services: Vec<_> = self.services.into_iter().collect();
        services.sort_by(|(ka, a), (kb, b)| {
            let (ta, tb) = (
                a.bytes_to_server + a.bytes_to_client,
                b.bytes_to_server + b.bytes_to_client,
            );
            tb.cmp(&ta).then_with(|| ka.cmp(kb))
        });
        r.conversations.top = services
            .into_iter()
            .take(top)
            .map(|(k, s)| Conversation {
                transport: k.transport.as_str().to_owned(),
                ip_protocol: k.ip_protocol,
                client_ip: k.client_ip.to_string(),
                server_ip: k.server_ip.to_string(),
                server_port: k.server_port,
                protocol: s.protocol,
                flows: s.flows,
                packets_to_server: s.packets_to_server,
                packets_to_client: s.packets_to_client,
                bytes_to_server: s.bytes_to_server,
                bytes_to_client: s.bytes_to_client,
                bytes: s.bytes_to_server + s.bytes_to_client,
                first_seen_ms: s.first_seen_ms,
                last_seen_ms: s.last_seen_ms,
            })
            .collect();

        let mut per_protocol: BTreeMap<String, Vec<(FunctionKey, FunctionAgg)>> = BTreeMap::new();
        for (k, v) in self.functions {
            per_protocol
                .entry(k.protocol.clone())
                .or_default()
                .push((k, v));
        }
        let mut protocols = Vec::new();
        for (protocol, (total, by_class)) in self.protocol_totals {
            let mut fns = per_protocol.remove(&protocol).unwrap_or_default();
            fns.sort_by(|(ka, a), (kb, b)| b.count.cmp(&a.count).then_with(|| ka.cmp(kb)));
            for (class, n) in &by_class {
                *r.operations.by_class.entry(class.clone()).or_default() += n;
            }
            r.operations.total += total.count;
            protocols.push(ProtocolOperations {
                protocol,
                total: total.count,
                requests: total.requests,
                responses: total.responses,
                errors: total.errors,
                by_class,
                distinct_functions: fns.len() as u64,
                top_functions: fns
                    .into_iter()
                    .take(top)
                    .map(|(k, v)| FunctionCount {
                        function_code: k.function_code,
                        name: k.name,
                        class: k.class.as_str().to_owned(),
                        count: v.count,
                        requests: v.requests,
                        responses: v.responses,
                        errors: v.errors,
                    })
                    .collect(),
            });
        }
        protocols.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then_with(|| a.protocol.cmp(&b.protocol))
        });
        r.operations.protocols = protocols;
        r.operations.functions_not_listed = self.functions_not_listed;

        r.identities = self
            .identities
            .into_iter()
            .map(
                |((ip, mac, source, attribute, value), first_seen_ms)| Identity {
                    ip: ip.map(|i| i.to_string()),
                    mac: mac.map(|m| m.to_string()),
                    source,
                    attribute,
                    value,
                    first_seen_ms,
                },
            )
            .collect();
    }
}

fn merge_fn(into: &mut FunctionAgg, add: FunctionAgg) {
    into.count += add.count;
    into.requests += add.requests;
    into.responses += add.responses;
    into.errors += add.errors;
}

/// The entry for `k`, created while the map holds fewer than `max` entries.
fn bounded_entry<K: std::hash::Hash + Eq, V: Default>(
    map: &mut HashMap<K, V>,
    k: K,
    max: usize,
) -> Option<&mut V> {
    if map.len() >= max && !map.contains_key(&k) {
        return None;
    }
    Some(map.entry(k).or_default())
}

/// Milliseconds since the epoch as RFC 3339 UTC with milliseconds.
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_types_are_counted_whatever_the_order() {
        let mut c = LinkTypeCounter::default();
        for t in [1, 1, 113, 1, 0, 113, 113, 1] {
            c.add(t);
        }
        assert_eq!(
            c.into_counts().collect::<Vec<_>>(),
            [(0, 1), (1, 4), (113, 3)]
        );
        assert_eq!(LinkTypeCounter::default().into_counts().count(), 0);
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(rfc3339_ms(1_700_000_040_000), "2023-11-14T22:14:00.000Z");
        assert_eq!(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn empty_pcap_gives_an_empty_report() {
        let file: &[u8] = &[
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
            0,
        ];
        let r = inspect("empty.pcap", file, &InspectOptions::default()).unwrap();
        assert_eq!(r.packets, 0);
        assert_eq!(r.format, "pcap");
        assert!(r.time.is_none());
        assert!(r.read_error.is_none());
        assert!(r.hosts.ips.is_empty());
    }

    #[test]
    fn non_capture_input_is_an_error_naming_the_file() {
        let e = inspect(
            "notes.txt",
            &b"hello world\n"[..],
            &InspectOptions::default(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("notes.txt: not a pcap or pcapng file"),
            "{msg}"
        );
        let e = inspect("empty", &b""[..], &InspectOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "empty: not a pcap or pcapng file (empty)");
    }

    #[test]
    fn header_then_garbage_is_an_error_when_no_packet_was_read() {
        let mut file = vec![
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
            0,
        ];
        file.extend_from_slice(&[1, 2, 3]);
        let e = inspect("cut.pcap", &file[..], &InspectOptions::default()).unwrap_err();
        assert!(matches!(e, InspectError::NoPackets { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("cut.pcap: no packet could be read: pcap: record 1 truncated"),
            "{e}"
        );
    }
}
