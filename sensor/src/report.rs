//! The inspection report: what `sensor inspect --json` prints.
//!
//! The shape is stable within [`REPORT_VERSION`]: fields may be added, none is
//! removed or changes meaning without a version bump. Addresses are strings
//! (`"10.0.0.1"`, `"00:1b:1b:00:00:01"`), times are milliseconds since the
//! Unix epoch (UTC) with an RFC 3339 copy for people, byte counts are frame
//! bytes on the wire (link header included) unless a field says otherwise.
//! Protocol, class and transport names are the upload schema's snake_case
//! names (`"modbus"`, `"read"`, `"tcp"`). See `sensor/README.md` for an example.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the report shape, carried in [`Report::report_version`].
pub const REPORT_VERSION: u32 = 1;

/// Everything `sensor inspect` learned from one capture file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub report_version: u32,
    /// The file as named on the command line (`"-"` for standard input).
    pub file: String,
    /// `"pcap"` or `"pcapng"`.
    pub format: String,
    /// Bytes of the file read (all of it, unless reading stopped at an error).
    pub file_bytes: u64,
    /// Packets read.
    pub packets: u64,
    /// Frame bytes on the wire (original lengths).
    pub bytes: u64,
    /// Frame bytes present in the file (less than `bytes` when a snap length cut frames).
    pub captured_bytes: u64,
    /// First and last packet time; absent when the capture holds no packet.
    pub time: Option<TimeSpan>,
    /// Packets per link type.
    pub link_types: Vec<LinkTypeCount>,
    /// Packet counts per network / transport protocol.
    pub traffic: TrafficCounts,
    pub hosts: Hosts,
    pub conversations: Conversations,
    pub operations: Operations,
    /// Facts devices revealed about themselves (host names, vendors, products,
    /// firmware, OS hints, ...), each once, sorted by address.
    pub identities: Vec<Identity>,
    /// Identity facts beyond the report's bound (not listed).
    pub identities_not_listed: u64,
    pub malformed: Malformed,
    /// Things the analyzer had to drop (bounded tables, reassembly limits).
    pub dropped: DroppedCounts,
    /// Why reading stopped before the end of the file, if it did. The report
    /// covers every packet before the error.
    pub read_error: Option<ReadError>,
}

/// Time of the first and last packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSpan {
    pub first_ms: i64,
    pub last_ms: i64,
    /// `first_ms` as RFC 3339 UTC, e.g. `"2009-04-21T08:36:07.123Z"`.
    pub first: String,
    pub last: String,
    /// `last_ms - first_ms` in seconds.
    pub duration_s: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTypeCount {
    /// The pcap LINKTYPE_ number.
    pub linktype: u32,
    /// A short name (`"ethernet"`, `"raw"`, `"linux_sll"`, ...; `"linktype_N"` when unknown).
    pub name: String,
    pub packets: u64,
}

/// Packet counts per protocol below the industrial layer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficCounts {
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub arp_packets: u64,
    pub tcp_packets: u64,
    pub udp_packets: u64,
    /// IP fragments (not reassembled).
    pub ip_fragments: u64,
    /// Frames of a link type the decoder does not understand.
    pub unsupported_link: u64,
    /// Frames cut short by the capture's snap length (not counted as malformed).
    pub snaplen_truncated: u64,
}

/// Every address seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hosts {
    /// IP addresses, sorted.
    pub ips: Vec<IpHost>,
    /// Ethernet addresses, sorted.
    pub macs: Vec<MacHost>,
    /// Addresses the analyzer saw that are not listed (beyond the report's or the analyzer's bounds).
    pub not_listed: u64,
}

/// One IP address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpHost {
    pub ip: String,
    /// Broadcast or multicast (not a device).
    pub group: bool,
    /// Ethernet source addresses it sent from (several: a router in between, or a conflict).
    pub macs: Vec<String>,
    /// `vendors[i]` is the IEEE OUI registry organisation of `macs[i]` (null when
    /// locally administered or unknown).
    pub vendors: Vec<Option<String>>,
    /// TTL / hop limit of its last packet.
    pub ttl: Option<u8>,
    /// Names it revealed (host name, station name, product name, model, ...),
    /// and names its MAC address revealed at layer 2.
    pub names: Vec<String>,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
}

/// One Ethernet address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MacHost {
    pub mac: String,
    /// Broadcast or multicast.
    pub group: bool,
    /// IEEE OUI registry organisation (absent when locally administered or unknown).
    pub vendor: Option<String>,
    /// IP addresses that sent from it.
    pub ips: Vec<String>,
    /// Names revealed in messages without an IP address (e.g. PROFINET DCP);
    /// names sent over IP belong to the IP host (`IpHost::names`).
    pub names: Vec<String>,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
}

/// Who talked to whom.
///
/// The counts are Wireshark's conversation counts: distinct MAC pairs,
/// distinct IP pairs, and TCP / UDP / other-IP flows (5-tuples; a flow idle
/// past its timeout, or a reused TCP 5-tuple, starts a new one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversations {
    pub ethernet: u64,
    pub ip: u64,
    pub tcp: u64,
    pub udp: u64,
    pub other: u64,
    /// Distinct services (client IP → server IP:port over a transport).
    pub services: u64,
    /// Flows of services beyond the report's bound (in no service; `services` counts listed ones).
    pub flows_not_listed: u64,
    /// The services with the most bytes, largest first.
    pub top: Vec<Conversation>,
}

/// Traffic between a client and a server's service, over all the flows (client ports) between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// `"tcp"`, `"udp"`, `"icmp"` or `"other"`.
    pub transport: String,
    pub ip_protocol: u8,
    pub client_ip: String,
    pub server_ip: String,
    /// 0 for protocols without ports.
    pub server_port: u16,
    /// Industrial protocol recognised on it, if any.
    pub protocol: Option<String>,
    /// Flows (connections) it is made of.
    pub flows: u64,
    pub packets_to_server: u64,
    pub packets_to_client: u64,
    pub bytes_to_server: u64,
    pub bytes_to_client: u64,
    /// `bytes_to_server + bytes_to_client`.
    pub bytes: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
}

/// Industrial operations (one per application message or embedded service).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operations {
    pub total: u64,
    /// Per class over every protocol (`"read"`, `"write"`, `"control"`, `"program"`, ...).
    pub by_class: BTreeMap<String, u64>,
    /// Per protocol, most operations first.
    pub protocols: Vec<ProtocolOperations>,
    /// Operations of (protocol, function) kinds beyond the report's bound: counted in
    /// `total` and the per-protocol totals, in no function row.
    pub functions_not_listed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtocolOperations {
    pub protocol: String,
    pub total: u64,
    pub requests: u64,
    pub responses: u64,
    /// Failed responses (with an exception / error code).
    pub errors: u64,
    pub by_class: BTreeMap<String, u64>,
    /// Distinct functions seen.
    pub distinct_functions: u64,
    /// The most frequent functions, most first.
    pub top_functions: Vec<FunctionCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCount {
    /// The protocol's own function / service code.
    pub function_code: u32,
    /// e.g. `"read_holding_registers"`.
    pub name: String,
    pub class: String,
    pub count: u64,
    pub requests: u64,
    pub responses: u64,
    pub errors: u64,
}

/// One fact about a device.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identity {
    pub ip: Option<String>,
    pub mac: Option<String>,
    /// Which message taught it, e.g. `"cip_list_identity"`, `"dhcp"`, `"ttl"`.
    pub source: String,
    /// e.g. `"vendor"`, `"product_name"`, `"hostname"`, `"os_hint"`.
    pub attribute: String,
    pub value: String,
    pub first_seen_ms: i64,
}

/// Packets and messages that did not decode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Malformed {
    /// Frames with a decoding error at some packet layer.
    pub packets: u64,
    /// Per packet layer (`"ipv4"`, `"tcp"`, ...) and per industrial protocol (`"modbus"`, ...).
    pub by_name: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedCounts {
    pub flows_not_tracked: u64,
    pub flows_evicted: u64,
    pub reassembly_gaps: u64,
    pub reassembly_overflow_bytes: u64,
    pub hosts_not_tracked: u64,
    pub operations_not_tracked: u64,
}

/// Reading stopped here; everything before it is in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadError {
    /// The reader's message, e.g. `"pcap: record 2042 truncated in packet data: need 96 bytes, file has 40"`.
    pub message: String,
    /// Packets read before it.
    pub after_packets: u64,
    /// File offset of the first byte not read.
    pub at_byte: u64,
}
