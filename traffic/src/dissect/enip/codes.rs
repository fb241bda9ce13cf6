//! EtherNet/IP encapsulation commands and CIP service, class and status codes
//! (ODVA CIP Vol. 1 appendix A, Vol. 2 §2; Rockwell Logix publication 1756-PM020).

use crate::operation::OperationClass;

/// Encapsulation command (CIP Vol. 2 §2-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command(pub u16);

/// The highest command the specification defines or reserves for legacy
/// use (CIP Vol. 2, Table 2-3.2); above it the range is kept for the future.
pub const LAST_DEFINED_COMMAND: u16 = 0x00C7;

impl Command {
    pub const NOP: Self = Self(0x0000);
    pub const LIST_SERVICES: Self = Self(0x0004);
    pub const LIST_IDENTITY: Self = Self(0x0063);
    pub const LIST_INTERFACES: Self = Self(0x0064);
    pub const REGISTER_SESSION: Self = Self(0x0065);
    pub const UNREGISTER_SESSION: Self = Self(0x0066);
    pub const SEND_RR_DATA: Self = Self(0x006F);
    pub const SEND_UNIT_DATA: Self = Self(0x0070);
    pub const INDICATE_STATUS: Self = Self(0x0072);
    pub const CANCEL: Self = Self(0x0073);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0000 => "nop",
            0x0004 => "list_services",
            0x0063 => "list_identity",
            0x0064 => "list_interfaces",
            0x0065 => "register_session",
            0x0066 => "unregister_session",
            0x006F => "send_rr_data",
            0x0070 => "send_unit_data",
            0x0072 => "indicate_status",
            0x0073 => "cancel",
            _ => return None,
        })
    }

    pub fn class(self) -> OperationClass {
        match self.0 {
            0x0004 | 0x0063 | 0x0064 => OperationClass::Discovery,
            0x0000 | 0x0065 | 0x0066 | 0x0072 | 0x0073 => OperationClass::Session,
            _ => OperationClass::Other,
        }
    }
}

/// Common Packet Format item types (CIP Vol. 2 §2-6).
pub const CPF_NULL_ADDRESS: u16 = 0x0000;
pub const CPF_IDENTITY: u16 = 0x000C;
pub const CPF_CONNECTED_ADDRESS: u16 = 0x00A1;
pub const CPF_CONNECTED_DATA: u16 = 0x00B1;
pub const CPF_UNCONNECTED_DATA: u16 = 0x00B2;
pub const CPF_SEQUENCED_ADDRESS: u16 = 0x8002;

/// A CIP service code without the response bit (0x80).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceCode(pub u8);

impl ServiceCode {
    pub const GET_ATTRIBUTES_ALL: Self = Self(0x01);
    pub const SET_ATTRIBUTES_ALL: Self = Self(0x02);
    pub const GET_ATTRIBUTE_LIST: Self = Self(0x03);
    pub const SET_ATTRIBUTE_LIST: Self = Self(0x04);
    pub const RESET: Self = Self(0x05);
    pub const START: Self = Self(0x06);
    pub const STOP: Self = Self(0x07);
    pub const MULTIPLE_SERVICE_PACKET: Self = Self(0x0A);
    pub const GET_ATTRIBUTE_SINGLE: Self = Self(0x0E);
    pub const SET_ATTRIBUTE_SINGLE: Self = Self(0x10);
    /// Connection Manager (class 0x06) Unconnected Send.
    pub const UNCONNECTED_SEND: Self = Self(0x52);
}

pub const CLASS_CONNECTION_MANAGER: u32 = 0x06;
pub const CLASS_FILE: u32 = 0x37;
pub const CLASS_PCCC: u32 = 0x67;

/// Name and class of a service; object-specific codes (≥ 0x4B) depend on the class,
/// and with no class (responses) the Rockwell Logix meaning is assumed.
pub fn service(code: ServiceCode, class_id: Option<u32>) -> (Option<&'static str>, OperationClass) {
    use OperationClass::*;
    let common = match code.0 {
        0x01 => Some(("get_attributes_all", Read)),
        0x02 => Some(("set_attributes_all", Write)),
        0x03 => Some(("get_attribute_list", Read)),
        0x04 => Some(("set_attribute_list", Write)),
        0x05 => Some(("reset", Control)),
        0x06 => Some(("start", Control)),
        0x07 => Some(("stop", Control)),
        0x08 => Some(("create", Write)),
        0x09 => Some(("delete", Write)),
        0x0A => Some(("multiple_service_packet", Other)),
        0x0D => Some(("apply_attributes", Write)),
        0x0E => Some(("get_attribute_single", Read)),
        0x10 => Some(("set_attribute_single", Write)),
        0x11 => Some(("find_next_object_instance", Read)),
        0x14 => Some(("error_response", Other)),
        0x15 => Some(("restore", Write)),
        0x16 => Some(("save", Write)),
        0x17 => Some(("nop", Session)),
        0x18 => Some(("get_member", Read)),
        0x19 => Some(("set_member", Write)),
        0x1A => Some(("insert_member", Write)),
        0x1B => Some(("remove_member", Write)),
        0x1C => Some(("group_sync", Session)),
        _ => None,
    };
    if let Some((n, c)) = common {
        return (Some(n), c);
    }
    let specific = match (class_id, code.0) {
        (Some(CLASS_CONNECTION_MANAGER), 0x4E) => Some(("forward_close", Session)),
        (Some(CLASS_CONNECTION_MANAGER), 0x52) => Some(("unconnected_send", Other)),
        (Some(CLASS_CONNECTION_MANAGER), 0x54) => Some(("forward_open", Session)),
        (Some(CLASS_CONNECTION_MANAGER), 0x56) => Some(("get_connection_data", Read)),
        (Some(CLASS_CONNECTION_MANAGER), 0x57) => Some(("search_connection_data", Read)),
        (Some(CLASS_CONNECTION_MANAGER), 0x5A) => Some(("get_connection_owner", Read)),
        (Some(CLASS_CONNECTION_MANAGER), 0x5B) => Some(("large_forward_open", Session)),
        (Some(CLASS_FILE), 0x4B) => Some(("file_initiate_upload", Program)),
        (Some(CLASS_FILE), 0x4C) => Some(("file_initiate_download", Firmware)),
        (Some(CLASS_FILE), 0x4D) => Some(("file_initiate_partial_read", Read)),
        (Some(CLASS_FILE), 0x4E) => Some(("file_initiate_partial_write", Firmware)),
        (Some(CLASS_FILE), 0x4F) => Some(("file_upload_transfer", Program)),
        (Some(CLASS_FILE), 0x50) => Some(("file_download_transfer", Firmware)),
        (Some(CLASS_FILE), 0x51) => Some(("file_clear", Write)),
        // Rockwell Logix / PCCC services that tshark leaves unnamed.
        (_, 0x4B) => Some(("execute_pccc", Other)),
        (_, 0x4C) => Some(("read_tag", Read)),
        (_, 0x4D) => Some(("write_tag", Write)),
        (_, 0x4E) => Some(("read_modify_write_tag", Write)),
        (_, 0x4F) => Some(("rockwell_read_template", Read)),
        (_, 0x50) => Some(("rockwell_service_0x50", Other)),
        (_, 0x51) => Some(("rockwell_service_0x51", Other)),
        (_, 0x52) => Some(("read_tag_fragmented", Read)),
        (_, 0x53) => Some(("write_tag_fragmented", Write)),
        (_, 0x54) => Some(("forward_open", Session)),
        (_, 0x55) => Some(("get_instance_attribute_list", Read)),
        _ => None,
    };
    match specific {
        Some((n, c)) => (Some(n), c),
        None => (None, Other),
    }
}

/// Readable name of a CIP object class, used as the address space.
pub fn class_name(class_id: u32) -> Option<&'static str> {
    Some(match class_id {
        0x01 => "identity",
        0x02 => "message_router",
        0x03 => "devicenet",
        0x04 => "assembly",
        0x05 => "connection",
        0x06 => "connection_manager",
        0x07 => "register",
        0x0F => "parameter",
        0x37 => "file",
        0x43 => "time_sync",
        0x47 => "device_level_ring",
        0x48 => "qos",
        0x64 => "rockwell_0x64",
        0x67 => "pccc",
        0x69 => "rockwell_0x69",
        0x6B => "symbol",
        0x6C => "template",
        0x8B => "time_sync_rockwell",
        0xAC => "rockwell_0xac",
        0xF4 => "port",
        0xF5 => "tcp_ip_interface",
        0xF6 => "ethernet_link",
        _ => return None,
    })
}

/// CIP general status names (CIP Vol. 1 appendix B).
pub fn status_name(status: u8) -> Option<&'static str> {
    Some(match status {
        0x00 => "success",
        0x01 => "connection_failure",
        0x02 => "resource_unavailable",
        0x04 => "path_segment_error",
        0x05 => "path_destination_unknown",
        0x06 => "partial_transfer",
        0x08 => "service_not_supported",
        0x09 => "invalid_attribute_value",
        0x0C => "object_state_conflict",
        0x0E => "attribute_not_settable",
        0x0F => "privilege_violation",
        0x10 => "device_state_conflict",
        0x13 => "not_enough_data",
        0x14 => "attribute_not_supported",
        0x15 => "too_much_data",
        0x16 => "object_does_not_exist",
        0x1E => "embedded_service_error",
        _ => return None,
    })
}
