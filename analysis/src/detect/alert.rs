//! What an alert is: its type (with a stable wire name), severity, the
//! assets and edge it concerns, and the evidence behind it. The texts a
//! person reads (title, why it matters, what to check) are in
//! [`super::text`]; the JSON shown is [`AlertView`] (`view.rs`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use traffic::ethernet::MacAddr;
use traffic::operation::Protocol;

/// What happened. Always-on types alert also while a sensor is learning;
/// the others compare with the learned baseline (docs/DETECTIONS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertType {
    /// Stop, run, pause or another operating-mode command to a controller.
    PlcModeChange,
    /// Restart, reset or clear of a device.
    DeviceRestart,
    /// A command that rewrites a device's configuration (DNP3 initialize
    /// data, save or activate configuration).
    DeviceReconfigure,
    ProgramDownload,
    ProgramUpload,
    /// Blocks or logic inserted, deleted, erased or copied to ROM.
    LogicChange,
    FirmwareUpdate,
    ClockChange,
    /// PROFINET DCP Set: a station's name or IP address set, or a reset.
    ProfinetDcpSet,
    /// A GOOSE publisher's state number (stNum) that skipped ahead or went
    /// back: states its subscribers missed, or a forged publication.
    GooseStateJump,
    /// One address reaching many hosts or ports in a minute.
    NetworkScan,
    /// Industrial discovery requests to every station or to many devices.
    DiscoverySweep,
    /// Industrial messages the decoder could not parse.
    MalformedPackets,
    /// Many error answers on one edge in one minute.
    ProtocolErrorBurst,
    NewAsset,
    /// A client talking to a server it never talked to.
    NewEdge,
    /// A known pair of assets speaking another industrial protocol.
    NewProtocol,
    /// A class of operation (write, control, program, …) new on an edge.
    NewOperationClass,
    /// A function or service new on an edge, in a class already seen.
    NewFunction,
    NewRole,
    /// Remote access, file sharing or web traffic to a controller or field device.
    ItProtocolToOt,
    /// An edge between assets more than one Purdue level apart.
    PurdueLevelSkip,
    /// A new MAC address for a known IP address, or a new IP address on a known MAC.
    IpMacChange,
    /// An edge's requests in a minute at three times its learned average.
    TrafficSpike,
    /// A periodic edge silent for five minutes.
    PollingStopped,
}

impl AlertType {
    /// Every type, in declaration order.
    pub const ALL: [AlertType; 25] = [
        AlertType::PlcModeChange,
        AlertType::DeviceRestart,
        AlertType::DeviceReconfigure,
        AlertType::ProgramDownload,
        AlertType::ProgramUpload,
        AlertType::LogicChange,
        AlertType::FirmwareUpdate,
        AlertType::ClockChange,
        AlertType::ProfinetDcpSet,
        AlertType::GooseStateJump,
        AlertType::NetworkScan,
        AlertType::DiscoverySweep,
        AlertType::MalformedPackets,
        AlertType::ProtocolErrorBurst,
        AlertType::NewAsset,
        AlertType::NewEdge,
        AlertType::NewProtocol,
        AlertType::NewOperationClass,
        AlertType::NewFunction,
        AlertType::NewRole,
        AlertType::ItProtocolToOt,
        AlertType::PurdueLevelSkip,
        AlertType::IpMacChange,
        AlertType::TrafficSpike,
        AlertType::PollingStopped,
    ];

    /// The name serde writes (stored, exported and shown).
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertType::PlcModeChange => "plc_mode_change",
            AlertType::DeviceRestart => "device_restart",
            AlertType::DeviceReconfigure => "device_reconfigure",
            AlertType::ProgramDownload => "program_download",
            AlertType::ProgramUpload => "program_upload",
            AlertType::LogicChange => "logic_change",
            AlertType::FirmwareUpdate => "firmware_update",
            AlertType::ClockChange => "clock_change",
            AlertType::ProfinetDcpSet => "profinet_dcp_set",
            AlertType::GooseStateJump => "goose_state_jump",
            AlertType::NetworkScan => "network_scan",
            AlertType::DiscoverySweep => "discovery_sweep",
            AlertType::MalformedPackets => "malformed_packets",
            AlertType::ProtocolErrorBurst => "protocol_error_burst",
            AlertType::NewAsset => "new_asset",
            AlertType::NewEdge => "new_edge",
            AlertType::NewProtocol => "new_protocol",
            AlertType::NewOperationClass => "new_operation_class",
            AlertType::NewFunction => "new_function",
            AlertType::NewRole => "new_role",
            AlertType::ItProtocolToOt => "it_protocol_to_ot",
            AlertType::PurdueLevelSkip => "purdue_level_skip",
            AlertType::IpMacChange => "ip_mac_change",
            AlertType::TrafficSpike => "traffic_spike",
            AlertType::PollingStopped => "polling_stopped",
        }
    }

    /// The type of a wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<AlertType> {
        AlertType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// True for the types that alert also during learning: dangerous in
    /// themselves, whatever the baseline says.
    pub const fn always_on(self) -> bool {
        !matches!(
            self,
            AlertType::NewAsset
                | AlertType::NewEdge
                | AlertType::NewProtocol
                | AlertType::NewOperationClass
                | AlertType::NewFunction
                | AlertType::NewRole
                | AlertType::ItProtocolToOt
                | AlertType::PurdueLevelSkip
                | AlertType::IpMacChange
                | AlertType::TrafficSpike
                | AlertType::PollingStopped
        )
    }

    /// The MITRE ATT&CK for ICS technique the behaviour matches, where one
    /// does (ids and names as on attack.mitre.org; docs/DETECTIONS.md).
    pub const fn technique(self) -> Option<Technique> {
        let (id, name) = match self {
            AlertType::PlcModeChange => ("T0858", "Change Operating Mode"),
            AlertType::DeviceRestart => ("T0816", "Device Restart/Shutdown"),
            AlertType::DeviceReconfigure => ("T0836", "Modify Parameter"),
            AlertType::ProgramDownload => ("T0843", "Program Download"),
            AlertType::ProgramUpload => ("T0845", "Program Upload"),
            AlertType::LogicChange => ("T0889", "Modify Program"),
            AlertType::FirmwareUpdate => ("T0857", "System Firmware"),
            AlertType::ClockChange => ("T0855", "Unauthorized Command Message"),
            AlertType::ProfinetDcpSet => ("T0855", "Unauthorized Command Message"),
            AlertType::GooseStateJump => ("T0856", "Spoof Reporting Message"),
            AlertType::NetworkScan | AlertType::DiscoverySweep => {
                ("T0846", "Remote System Discovery")
            }
            AlertType::ItProtocolToOt => ("T0886", "Remote Services"),
            AlertType::IpMacChange => ("T0830", "Adversary-in-the-Middle"),
            AlertType::MalformedPackets
            | AlertType::ProtocolErrorBurst
            | AlertType::NewAsset
            | AlertType::NewEdge
            | AlertType::NewProtocol
            | AlertType::NewOperationClass
            | AlertType::NewFunction
            | AlertType::NewRole
            | AlertType::PurdueLevelSkip
            | AlertType::TrafficSpike
            | AlertType::PollingStopped => return None,
        };
        Some(Technique { id, name })
    }
}

/// How urgently someone should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The name serde writes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity of a wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A MITRE ATT&CK for ICS technique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Technique {
    pub id: &'static str,
    pub name: &'static str,
}

/// One end of what an alert is about: the asset (the inventory's id
/// scheme, `mac:…` or `ip:<zone>/<ip>`) with the addresses seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Party {
    pub asset: String,
    pub ip: Option<IpAddr>,
    pub mac: Option<MacAddr>,
}

impl Party {
    /// The address a person recognises: the IP address, else the MAC.
    pub fn label(&self) -> String {
        match (&self.ip, &self.mac) {
            (Some(ip), _) => ip.to_string(),
            (None, Some(mac)) => mac.to_string(),
            (None, None) => self.asset.clone(),
        }
    }
}

/// A minute batch an alert came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRef {
    pub sequence: u64,
    pub minute_start: i64,
}

/// Batches kept per alert: the first ones, which show how it began; the
/// total says how many there were.
pub const MAX_BATCHES_PER_ALERT: usize = 16;

/// One alert, updated in place by repeats within the dedup window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Increasing per detector, from 1.
    pub id: u64,
    #[serde(rename = "type")]
    pub alert_type: AlertType,
    pub severity: Severity,
    /// The sensor whose batches showed it.
    pub sensor: String,
    /// The requesting side (the sender, for alerts about one asset).
    pub client: Option<Party>,
    pub server: Option<Party>,
    pub protocol: Option<Protocol>,
    /// What is new or what was done, e.g. "write", "read_coils", "445/tcp",
    /// "hmi -> engineering_workstation"; empty when the type says it all.
    pub subject: String,
    /// Operations behind the alert, by name, with counts over all repeats.
    pub operations: BTreeMap<String, u64>,
    /// Times it was seen (one per batch, or per review).
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub batches: Vec<BatchRef>,
    pub batches_total: u64,
}

/// One occurrence, before dedup decides whether it opens an alert or
/// updates one.
#[derive(Debug, Clone)]
pub struct Finding {
    pub alert_type: AlertType,
    pub severity: Severity,
    pub sensor: String,
    pub client: Option<Party>,
    pub server: Option<Party>,
    pub protocol: Option<Protocol>,
    pub subject: String,
    pub operations: BTreeMap<String, u64>,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub batch: Option<BatchRef>,
}

impl Finding {
    /// The dedup key: the same type on the same assets (and protocol and
    /// subject) is the same alert.
    pub fn key(&self) -> String {
        let asset = |p: &Option<Party>| p.as_ref().map(|p| p.asset.clone()).unwrap_or_default();
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.alert_type.as_str(),
            self.sensor,
            asset(&self.client),
            asset(&self.server),
            self.protocol.map(Protocol::as_str).unwrap_or(""),
            self.subject
        )
    }
}

pub use crate::texts::Texts;

/// An edge as the inventory names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeRef {
    pub client: String,
    pub server: String,
    pub protocol: &'static str,
}

/// The alert as `sensor analyze --json` prints it and the server will store
/// and show it (docs/DETECTIONS.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    pub id: u64,
    #[serde(rename = "type")]
    pub alert_type: AlertType,
    pub severity: Severity,
    pub always_on: bool,
    pub sensor: String,
    /// The asset ids concerned, client first.
    pub assets: Vec<String>,
    pub client: Option<Party>,
    pub server: Option<Party>,
    pub edge: Option<EdgeRef>,
    pub protocol: Option<&'static str>,
    pub subject: String,
    pub technique: Option<Technique>,
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub evidence: Evidence,
    pub title: Texts,
    pub why: Texts,
    pub check: Texts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub operations: BTreeMap<String, u64>,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub batches: Vec<BatchRef>,
    pub batches_total: u64,
}
