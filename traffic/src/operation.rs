//! What a dissector reports: operations (one per application message or
//! embedded service) and identity observations about a device.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Industrial protocols the sensor understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Modbus,
    Enip,
    Cip,
    S7comm,
    S7commPlus,
    Bacnet,
    Dnp3,
    Iec104,
    Fins,
    Melsec,
    OpcUa,
    ProfinetDcp,
    /// PROFINET IO: cyclic data, alarms, PTCP and the DCE/RPC context manager.
    ProfinetIo,
    /// Beckhoff ADS/AMS.
    Ads,
    /// IEEE C37.118 synchrophasor.
    C37118,
    /// IEC 61850 GOOSE.
    Goose,
    /// IEC 61850-9-2 Sampled Values ("sv", as Wireshark names it).
    #[serde(rename = "sv")]
    SampledValues,
    /// ISO 9506 MMS (IEC 61850-8-1 client/server) over ISO-on-TCP.
    Mms,
    /// CC-Link IE Field and CC-Link IE Control (EtherType 0x890F).
    CclinkIe,
}

impl Protocol {
    /// Every protocol, in declaration order.
    pub const ALL: [Self; 19] = [
        Self::Modbus,
        Self::Enip,
        Self::Cip,
        Self::S7comm,
        Self::S7commPlus,
        Self::Bacnet,
        Self::Dnp3,
        Self::Iec104,
        Self::Fins,
        Self::Melsec,
        Self::OpcUa,
        Self::ProfinetDcp,
        Self::ProfinetIo,
        Self::Ads,
        Self::C37118,
        Self::Goose,
        Self::SampledValues,
        Self::Mms,
        Self::CclinkIe,
    ];

    /// The name serde writes, e.g. "s7comm_plus", "opc_ua".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Modbus => "modbus",
            Self::Enip => "enip",
            Self::Cip => "cip",
            Self::S7comm => "s7comm",
            Self::S7commPlus => "s7comm_plus",
            Self::Bacnet => "bacnet",
            Self::Dnp3 => "dnp3",
            Self::Iec104 => "iec104",
            Self::Fins => "fins",
            Self::Melsec => "melsec",
            Self::OpcUa => "opc_ua",
            Self::ProfinetDcp => "profinet_dcp",
            Self::ProfinetIo => "profinet_io",
            Self::Ads => "ads",
            Self::C37118 => "c37118",
            Self::Goose => "goose",
            Self::SampledValues => "sv",
            Self::Mms => "mms",
            Self::CclinkIe => "cclink_ie",
        }
    }
}

/// What an operation does to the device, which is what detections care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationClass {
    Read,
    Write,
    /// Stop, run, reset, cold/warm start and the like.
    Control,
    /// Program (logic) upload or download.
    Program,
    Firmware,
    Diagnostic,
    Discovery,
    /// Connection, session and keep-alive management.
    Session,
    Other,
}

impl OperationClass {
    /// Every class, in declaration order.
    pub const ALL: [Self; 9] = [
        Self::Read,
        Self::Write,
        Self::Control,
        Self::Program,
        Self::Firmware,
        Self::Diagnostic,
        Self::Discovery,
        Self::Session,
        Self::Other,
    ];

    /// The name serde writes, e.g. "read", "diagnostic".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Control => "control",
            Self::Program => "program",
            Self::Firmware => "firmware",
            Self::Diagnostic => "diagnostic",
            Self::Discovery => "discovery",
            Self::Session => "session",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Request,
    Response,
    /// Unsolicited or direction-less messages (broadcasts, spontaneous data).
    Unknown,
}

impl Direction {
    /// Every direction, in declaration order.
    pub const ALL: [Self; 3] = [Self::Request, Self::Response, Self::Unknown];

    /// The name serde writes: "request", "response" or "unknown".
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
            Self::Unknown => "unknown",
        }
    }
}

/// A contiguous range of addresses, registers or objects an operation touches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AddressRange {
    /// The address space, e.g. "holding_register", "DB1", "D" (MELSEC device), "analog_input".
    pub space: Cow<'static, str>,
    pub start: u32,
    pub count: u32,
}

/// One application-level message (or one service embedded in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub protocol: Protocol,
    pub direction: Direction,
    /// The protocol's own function / service / type code.
    pub function_code: u32,
    /// A readable name, e.g. "read_holding_registers"; unknown codes get a name like "unknown_0x4b".
    pub name: Cow<'static, str>,
    pub class: OperationClass,
    /// Unit / slave / station / link address, where the protocol has one.
    pub unit: Option<u32>,
    pub ranges: Vec<AddressRange>,
    /// Exception, error or status code of a failed response.
    pub error_code: Option<u32>,
}

/// A fact about a device learned from the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityObservation {
    /// Which message taught us, e.g. "cip_list_identity", "dhcp", "profinet_dcp".
    pub source: Cow<'static, str>,
    /// Which attribute, e.g. "vendor", "product_name", "serial_number", "firmware", "hostname", "station_name".
    pub attribute: Cow<'static, str>,
    pub value: String,
}
