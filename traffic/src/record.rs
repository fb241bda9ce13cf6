//! The upload record schema shared by the sensor and the server.
//!
//! A sensor uploads one [`Batch`] per minute of traffic. Batches carry
//! metadata only: who talked to whom, how much, with which industrial
//! operations (as counts), and what devices said about themselves — never
//! the process values inside the messages.
//!
//! Compatibility: [`SCHEMA_VERSION`] changes when a field changes meaning or
//! is removed, or gains values an older reader cannot read (new protocol
//! names), so that an older server refuses a newer sensor's batch by its
//! version instead of calling it malformed. New optional fields may be added
//! within a version; readers ignore fields they do not know and fill missing
//! optional ones with defaults. A server reads every version from
//! [`OLDEST_SCHEMA_VERSION`] on: an older batch means what it always meant.
//!
//! Versions: 1, the first; 2 (session 14), the protocol names `sv`
//! (IEC 61850-9-2 Sampled Values) and `profinet_io`, and BACnet seen over
//! Ethernet (`bacnet` on an `ethernet` edge).

use crate::ethernet::MacAddr;
use crate::operation::{AddressRange, Direction, OperationClass, Protocol};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Version of this schema carried in every batch.
pub const SCHEMA_VERSION: u16 = 2;

/// The oldest version a server still reads.
pub const OLDEST_SCHEMA_VERSION: u16 = 1;

/// One minute of one sensor's observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Always [`SCHEMA_VERSION`] when written by this crate.
    pub schema_version: u16,
    /// The sensor's identifier, as registered on the server.
    pub sensor_id: String,
    /// Per-sensor counter, increasing by one per batch; with `sensor_id` it makes
    /// uploads idempotent (a re-sent batch has the same sequence).
    pub sequence: u64,
    /// Start of the UTC minute the batch covers, in seconds since the Unix epoch
    /// (a multiple of 60). Derived from packet timestamps, not the upload time.
    pub minute_start: i64,
    /// Every flow that carried at least one packet during the minute, plus flows
    /// that ended in it (possibly with zero packets, to report the end).
    pub flows: Vec<FlowRecord>,
    /// Industrial operations, counted per edge and operation kind.
    pub operations: Vec<OperationCount>,
    /// Facts devices revealed about themselves, each reported in the minute it was
    /// first learned (the sensor remembers up to a bound what it has reported; after
    /// a restart, facts are reported again).
    pub identities: Vec<IdentityRecord>,
    /// Every MAC and IP address that appeared in the minute.
    pub hosts: Vec<HostRecord>,
    /// Traffic and error totals for the minute.
    pub counters: Counters,
    /// The sensor's own state at upload time.
    #[serde(default)]
    pub health: Health,
}

impl Batch {
    /// A batch of the current schema with nothing observed in it.
    pub fn empty(sensor_id: &str, sequence: u64, minute_start: i64) -> Batch {
        Batch {
            schema_version: SCHEMA_VERSION,
            sensor_id: sensor_id.to_owned(),
            sequence,
            minute_start,
            flows: vec![],
            operations: vec![],
            identities: vec![],
            hosts: vec![],
            counters: Counters::default(),
            health: Health::default(),
        }
    }
}

/// Transport a flow or operation travelled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    Tcp,
    Udp,
    Icmp,
    /// Layer 2 only (e.g. PROFINET DCP): no IP addresses.
    Ethernet,
    /// Another IP protocol; see `ip_protocol`.
    Other,
}

impl TransportKind {
    /// Every transport, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Tcp,
        Self::Udp,
        Self::Icmp,
        Self::Ethernet,
        Self::Other,
    ];

    /// The name serde writes, e.g. "tcp", "ethernet".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Icmp => "icmp",
            Self::Ethernet => "ethernet",
            Self::Other => "other",
        }
    }
}

/// How the sensor decided which side of a flow is the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiator {
    /// The client sent the TCP SYN.
    Syn,
    /// Only the SYN-ACK was seen; its receiver is the client.
    SynAck,
    /// The flow was joined mid-way; the side using a well-known service port is the server.
    ServicePort,
    /// The sender of the first packet seen is taken as the client.
    FirstPacket,
}

impl Initiator {
    /// Every way of choosing the client, in declaration order.
    pub const ALL: [Self; 4] = [
        Self::Syn,
        Self::SynAck,
        Self::ServicePort,
        Self::FirstPacket,
    ];

    /// The name serde writes, e.g. "syn_ack", "first_packet".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Syn => "syn",
            Self::SynAck => "syn_ack",
            Self::ServicePort => "service_port",
            Self::FirstPacket => "first_packet",
        }
    }
}

/// Why a flow ended during this minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowEnd {
    /// Both sides sent FIN.
    Fin,
    Rst,
    /// No packet within the idle timeout for its state (see `flow::FlowConfig`).
    IdleTimeout,
    /// A new TCP connection reused the same addresses and ports.
    Reused,
    /// The flow table was full and this flow was the longest idle.
    Evicted,
    /// The capture ended (file input only).
    CaptureEnd,
}

impl FlowEnd {
    /// Every reason a flow ends, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::Fin,
        Self::Rst,
        Self::IdleTimeout,
        Self::Reused,
        Self::Evicted,
        Self::CaptureEnd,
    ];

    /// The name serde writes, e.g. "idle_timeout", "capture_end".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fin => "fin",
            Self::Rst => "rst",
            Self::IdleTimeout => "idle_timeout",
            Self::Reused => "reused",
            Self::Evicted => "evicted",
            Self::CaptureEnd => "capture_end",
        }
    }
}

/// One flow's activity during the minute. "Client" and "server" follow [`Initiator`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRecord {
    pub transport: TransportKind,
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...).
    pub ip_protocol: u8,
    pub client_ip: IpAddr,
    pub server_ip: IpAddr,
    /// 0 for protocols without ports.
    pub client_port: u16,
    pub server_port: u16,
    /// The Ethernet source address last seen on client packets, if the link has one.
    #[serde(default)]
    pub client_mac: Option<MacAddr>,
    #[serde(default)]
    pub server_mac: Option<MacAddr>,
    /// Innermost 802.1Q VLAN id, if tagged.
    #[serde(default)]
    pub vlan: Option<u16>,
    pub initiator: Initiator,
    /// Industrial protocol recognised on the flow, if any.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// When the flow began (possibly in an earlier minute), ms since the epoch.
    pub flow_start_ms: i64,
    /// First and last packet of the flow within this minute, ms since the epoch.
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub packets_to_server: u64,
    pub packets_to_client: u64,
    /// Frame bytes on the wire (link header included), per direction.
    pub bytes_to_server: u64,
    pub bytes_to_client: u64,
    /// Transport payload bytes per direction.
    pub payload_to_server: u64,
    pub payload_to_client: u64,
    /// TCP flags seen in the minute, ORed, as the header bits (FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 ...).
    #[serde(default)]
    pub tcp_flags_to_server: u8,
    #[serde(default)]
    pub tcp_flags_to_client: u8,
    /// True when the flow's first packet fell in this minute.
    pub started: bool,
    /// Set when the flow ended in this minute. A flow that expires after a silent
    /// minute gets a record with zero packets that only reports the end.
    #[serde(default)]
    pub ended: Option<FlowEnd>,
    /// TCP bytes the reassembler had to skip because segments were missing from the capture.
    #[serde(default)]
    pub reassembly_gap_bytes: u64,
}

/// The count of one kind of industrial operation on one edge during the minute.
///
/// The key is every field except `count`, the timestamps and `ranges`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationCount {
    pub transport: TransportKind,
    /// IP addresses of the flow's client and server (absent for layer-2 protocols).
    #[serde(default)]
    pub client_ip: Option<IpAddr>,
    #[serde(default)]
    pub server_ip: Option<IpAddr>,
    #[serde(default)]
    pub server_port: Option<u16>,
    /// MAC addresses, for layer-2 protocols (and as extra evidence otherwise).
    #[serde(default)]
    pub client_mac: Option<MacAddr>,
    #[serde(default)]
    pub server_mac: Option<MacAddr>,
    /// 802.1Q VLAN id (1–4094) of the frames, if tagged: the same
    /// addresses on two VLANs are two pairs of devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    pub protocol: Protocol,
    /// The protocol's own function / service code.
    pub function_code: u32,
    /// Readable operation name, e.g. "read_holding_registers".
    pub name: String,
    pub class: OperationClass,
    /// Unit / slave / station address, where the protocol has one.
    #[serde(default)]
    pub unit: Option<u32>,
    pub direction: Direction,
    /// Exception / error code of failed responses (each code counted apart).
    #[serde(default)]
    pub error_code: Option<u32>,
    /// Number of such operations in the minute.
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Distinct address ranges touched (at most [`MAX_RANGES_PER_OPERATION`]; `ranges_truncated` says when more were seen).
    #[serde(default)]
    pub ranges: Vec<AddressRange>,
    #[serde(default)]
    pub ranges_truncated: bool,
}

/// Cap on distinct ranges kept per operation row.
pub const MAX_RANGES_PER_OPERATION: usize = 16;

/// A fact a device revealed about itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityRecord {
    /// The device the fact is about: the sender of the message, unless the message names another address.
    #[serde(default)]
    pub mac: Option<MacAddr>,
    #[serde(default)]
    pub ip: Option<IpAddr>,
    /// 802.1Q VLAN id (1–4094) of the frame that told it, if tagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    /// Which message taught us, e.g. "dhcp", "cip_list_identity", "ttl", "oui".
    pub source: String,
    /// Which attribute, e.g. "hostname", "vendor", "os_hint".
    pub attribute: String,
    pub value: String,
    pub first_seen_ms: i64,
}

/// An address seen during the minute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostRecord {
    /// Exactly one of `mac` / `ip` is set: a host record describes one address.
    #[serde(default)]
    pub mac: Option<MacAddr>,
    #[serde(default)]
    pub ip: Option<IpAddr>,
    /// For an IP: the 802.1Q VLAN id (1–4094) it was seen on, if tagged;
    /// one record per VLAN, as the same address on two VLANs is two
    /// devices. None for a MAC (a MAC names one device on any VLAN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    /// Broadcast or multicast address (not a device).
    pub group: bool,
    /// For a MAC: the IEEE registry's organisation for its OUI (None when locally administered or unknown).
    #[serde(default)]
    pub vendor: Option<String>,
    /// For an IP: the Ethernet source addresses it sent from this minute (several means a router in between or a conflict).
    #[serde(default)]
    pub macs: Vec<MacAddr>,
    /// For an IP: TTL / hop limit of its last packet.
    #[serde(default)]
    pub ttl: Option<u8>,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub packets_sent: u64,
    pub packets_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Totals for the minute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Frames seen.
    pub packets: u64,
    /// Frame bytes on the wire.
    pub bytes: u64,
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub arp_packets: u64,
    pub tcp_packets: u64,
    pub udp_packets: u64,
    /// Frames whose link type we do not decode.
    pub unsupported_link: u64,
    /// IP fragments (not reassembled; later fragments count for hosts but not for flows).
    pub ip_fragments: u64,
    /// Malformed packets per layer ("ipv4", "tcp", ...) and malformed messages per
    /// industrial protocol ("modbus", ...), by name.
    pub malformed: BTreeMap<String, u64>,
    /// Industrial operations per protocol.
    pub operations: BTreeMap<String, u64>,
    /// Industrial operations per class ("read", "write", "control", ...).
    #[serde(default)]
    pub operation_classes: BTreeMap<String, u64>,
    /// Things the sensor could not keep up with or had to drop.
    pub dropped: Dropped,
}

/// Losses inside the sensor, as opposed to malformed traffic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    /// New flows not tracked because the flow table was full even after expiry.
    pub flows_not_tracked: u64,
    /// Flows evicted early to make room.
    pub flows_evicted: u64,
    /// Gaps in TCP streams (segments missing from the capture).
    pub reassembly_gaps: u64,
    /// TCP bytes dropped because a stream buffered more than its bound.
    pub reassembly_overflow_bytes: u64,
    /// Addresses not tracked because the host table was full.
    pub hosts_not_tracked: u64,
    /// Operation rows merged away because the minute held more distinct rows than the bound.
    pub operations_not_tracked: u64,
    /// Packets the capture layer dropped (filled in by the sensor from libpcap stats).
    #[serde(default)]
    pub capture: u64,
}

/// The sensor's own state, filled in by the sensor program.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Sensor software version.
    #[serde(default)]
    pub version: Option<String>,
    /// Seconds since the sensor process started.
    #[serde(default)]
    pub uptime_s: Option<u64>,
    /// Packets dropped by the kernel / NIC since start, as libpcap reports.
    #[serde(default)]
    pub capture_dropped_total: Option<u64>,
    /// Batches waiting in the spool, not yet acknowledged by the server.
    #[serde(default)]
    pub spool_backlog: Option<u64>,
    /// Batches the sensor dropped, oldest first, because its spool was full
    /// (since the spool was created).
    #[serde(default)]
    pub spool_dropped_total: Option<u64>,
    /// Seconds between the end of this minute and the upload attempt.
    #[serde(default)]
    pub lag_s: Option<u64>,
    /// Last error the sensor met, if any, for display.
    #[serde(default)]
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_json_round_trip() {
        let b = Batch {
            schema_version: SCHEMA_VERSION,
            sensor_id: "s-1".into(),
            sequence: 7,
            minute_start: 1_700_000_040,
            flows: vec![],
            operations: vec![],
            identities: vec![IdentityRecord {
                vlan: None,
                mac: Some("00:1b:1b:00:00:01".parse().unwrap()),
                ip: None,
                source: "oui".into(),
                attribute: "vendor".into(),
                value: "Siemens AG".into(),
                first_seen_ms: 1_700_000_040_000,
            }],
            hosts: vec![],
            counters: Counters::default(),
            health: Health::default(),
        };
        let s = serde_json::to_string(&b).unwrap();
        assert!(s.contains("\"mac\":\"00:1b:1b:00:00:01\""));
        let back: Batch = serde_json::from_str(&s).unwrap();
        assert_eq!(back, b);
    }
}
