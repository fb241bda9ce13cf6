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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Request,
    Response,
    /// Unsolicited or direction-less messages (broadcasts, spontaneous data).
    Unknown,
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
