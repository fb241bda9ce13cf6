//! BACnet codes (ANSI/ASHRAE 135-2020: annex J BVLC, clause 6 NPDU, clause 20-21 APDU).

use crate::operation::OperationClass;

/// BVLC function (annex J.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BvlcFunction(pub u8);

impl BvlcFunction {
    pub const RESULT: Self = Self(0x00);
    pub const FORWARDED_NPDU: Self = Self(0x04);
    pub const DISTRIBUTE_BROADCAST: Self = Self(0x09);
    pub const ORIGINAL_UNICAST_NPDU: Self = Self(0x0A);
    pub const ORIGINAL_BROADCAST_NPDU: Self = Self(0x0B);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x00 => "bvlc_result",
            0x01 => "write_broadcast_distribution_table",
            0x02 => "read_broadcast_distribution_table",
            0x03 => "read_broadcast_distribution_table_ack",
            0x04 => "forwarded_npdu",
            0x05 => "register_foreign_device",
            0x06 => "read_foreign_device_table",
            0x07 => "read_foreign_device_table_ack",
            0x08 => "delete_foreign_device_table_entry",
            0x09 => "distribute_broadcast_to_network",
            0x0A => "original_unicast_npdu",
            0x0B => "original_broadcast_npdu",
            0x0C => "secure_bvll",
            _ => return None,
        })
    }

    /// Whether an NPDU follows the BVLC header (and where: Forwarded-NPDU has a 6-byte address first).
    pub fn npdu_offset(self) -> Option<usize> {
        match self.0 {
            0x04 => Some(6),
            0x09..=0x0B => Some(0),
            _ => None,
        }
    }

    pub fn class(self) -> OperationClass {
        match self.0 {
            0x01 | 0x08 => OperationClass::Write,
            0x02 | 0x03 | 0x06 | 0x07 => OperationClass::Read,
            _ => OperationClass::Session,
        }
    }
}

/// APDU types (clause 20.1).
pub const PDU_CONFIRMED_REQUEST: u8 = 0;
pub const PDU_UNCONFIRMED_REQUEST: u8 = 1;
pub const PDU_SIMPLE_ACK: u8 = 2;
pub const PDU_COMPLEX_ACK: u8 = 3;
pub const PDU_SEGMENT_ACK: u8 = 4;
pub const PDU_ERROR: u8 = 5;
pub const PDU_REJECT: u8 = 6;
pub const PDU_ABORT: u8 = 7;

pub fn pdu_type_name(t: u8) -> &'static str {
    match t {
        0 => "confirmed_request",
        1 => "unconfirmed_request",
        2 => "simple_ack",
        3 => "complex_ack",
        4 => "segment_ack",
        5 => "error",
        6 => "reject",
        7 => "abort",
        _ => "unknown_pdu_type",
    }
}

/// Confirmed service choice (clause 21, BACnetConfirmedServiceChoice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConfirmedService(pub u8);

impl ConfirmedService {
    pub const READ_PROPERTY: Self = Self(12);
    pub const READ_PROPERTY_MULTIPLE: Self = Self(14);
    pub const WRITE_PROPERTY: Self = Self(15);
    pub const WRITE_PROPERTY_MULTIPLE: Self = Self(16);
    pub const DEVICE_COMMUNICATION_CONTROL: Self = Self(17);
    pub const REINITIALIZE_DEVICE: Self = Self(20);
    pub const READ_RANGE: Self = Self(26);

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0 => ("acknowledge_alarm", Write),
            1 => ("confirmed_cov_notification", Other),
            2 => ("confirmed_event_notification", Other),
            3 => ("get_alarm_summary", Read),
            4 => ("get_enrollment_summary", Read),
            5 => ("subscribe_cov", Read),
            6 => ("atomic_read_file", Read),
            7 => ("atomic_write_file", Write),
            8 => ("add_list_element", Write),
            9 => ("remove_list_element", Write),
            10 => ("create_object", Write),
            11 => ("delete_object", Write),
            12 => ("read_property", Read),
            13 => ("read_property_conditional", Read),
            14 => ("read_property_multiple", Read),
            15 => ("write_property", Write),
            16 => ("write_property_multiple", Write),
            17 => ("device_communication_control", Control),
            18 => ("confirmed_private_transfer", Other),
            19 => ("confirmed_text_message", Other),
            20 => ("reinitialize_device", Control),
            21 => ("vt_open", Session),
            22 => ("vt_close", Session),
            23 => ("vt_data", Session),
            24 => ("authenticate", Session),
            25 => ("request_key", Session),
            26 => ("read_range", Read),
            27 => ("life_safety_operation", Control),
            28 => ("subscribe_cov_property", Read),
            29 => ("get_event_information", Read),
            30 => ("subscribe_cov_property_multiple", Read),
            31 => ("confirmed_cov_notification_multiple", Other),
            32 => ("confirmed_audit_notification", Other),
            33 => ("audit_log_query", Read),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Unconfirmed service choice (BACnetUnconfirmedServiceChoice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnconfirmedService(pub u8);

impl UnconfirmedService {
    pub const I_AM: Self = Self(0);
    pub const I_HAVE: Self = Self(1);
    pub const WHO_HAS: Self = Self(7);
    pub const WHO_IS: Self = Self(8);

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0 => ("i_am", Discovery),
            1 => ("i_have", Discovery),
            2 => ("unconfirmed_cov_notification", Other),
            3 => ("unconfirmed_event_notification", Other),
            4 => ("unconfirmed_private_transfer", Other),
            5 => ("unconfirmed_text_message", Other),
            6 => ("time_synchronization", Write),
            7 => ("who_has", Discovery),
            8 => ("who_is", Discovery),
            9 => ("utc_time_synchronization", Write),
            10 => ("write_group", Write),
            11 => ("unconfirmed_cov_notification_multiple", Other),
            12 => ("unconfirmed_audit_notification", Other),
            13 => ("who_am_i", Discovery),
            14 => ("you_are", Discovery),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Object type names for address ranges (BACnetObjectType).
pub fn object_type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0 => "analog_input",
        1 => "analog_output",
        2 => "analog_value",
        3 => "binary_input",
        4 => "binary_output",
        5 => "binary_value",
        6 => "calendar",
        7 => "command",
        8 => "device",
        9 => "event_enrollment",
        10 => "file",
        11 => "group",
        12 => "loop",
        13 => "multi_state_input",
        14 => "multi_state_output",
        15 => "notification_class",
        16 => "program",
        17 => "schedule",
        19 => "multi_state_value",
        20 => "trend_log",
        _ => return None,
    })
}

pub const OBJECT_DEVICE: u16 = 8;

/// Device properties whose values identify the device.
pub fn identity_property(p: u32) -> Option<&'static str> {
    Some(match p {
        121 => "vendor",
        120 => "vendor_id",
        44 => "firmware",
        12 => "application_software_version",
        70 => "model_name",
        77 => "object_name",
        58 => "location",
        28 => "description",
        _ => return None,
    })
}

/// Network layer message types (clause 6.2.4).
pub fn network_message_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0x00 => "who_is_router_to_network",
        0x01 => "i_am_router_to_network",
        0x02 => "i_could_be_router_to_network",
        0x03 => "reject_message_to_network",
        0x04 => "router_busy_to_network",
        0x05 => "router_available_to_network",
        0x06 => "initialize_routing_table",
        0x07 => "initialize_routing_table_ack",
        0x08 => "establish_connection_to_network",
        0x09 => "disconnect_connection_to_network",
        0x12 => "what_is_network_number",
        0x13 => "network_number_is",
        _ => return None,
    })
}
