//! DNP3 codes (IEEE Std 1815-2012: clause 9 link layer, clause 8 transport,
//! clause 4.2 / 7 application layer function codes and IIN bits).

use crate::operation::OperationClass;

/// Application layer function code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    pub const CONFIRM: Self = Self(0);
    pub const READ: Self = Self(1);
    pub const WRITE: Self = Self(2);
    pub const SELECT: Self = Self(3);
    pub const OPERATE: Self = Self(4);
    pub const DIRECT_OPERATE: Self = Self(5);
    pub const COLD_RESTART: Self = Self(13);
    pub const WARM_RESTART: Self = Self(14);
    pub const STOP_APPLICATION: Self = Self(18);
    pub const RESPONSE: Self = Self(129);
    pub const UNSOLICITED_RESPONSE: Self = Self(130);
    pub const AUTHENTICATION_RESPONSE: Self = Self(131);

    pub fn is_response(self) -> bool {
        self.0 >= 129
    }

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0 => ("confirm", Session),
            1 => ("read", Read),
            2 => ("write", Write),
            3 => ("select", Control),
            4 => ("operate", Control),
            5 => ("direct_operate", Control),
            6 => ("direct_operate_no_ack", Control),
            7 => ("immediate_freeze", Control),
            8 => ("immediate_freeze_no_ack", Control),
            9 => ("freeze_clear", Control),
            10 => ("freeze_clear_no_ack", Control),
            11 => ("freeze_at_time", Control),
            12 => ("freeze_at_time_no_ack", Control),
            13 => ("cold_restart", Control),
            14 => ("warm_restart", Control),
            15 => ("initialize_data", Write),
            16 => ("initialize_application", Control),
            17 => ("start_application", Control),
            18 => ("stop_application", Control),
            19 => ("save_configuration", Write),
            20 => ("enable_unsolicited", Session),
            21 => ("disable_unsolicited", Session),
            22 => ("assign_class", Write),
            23 => ("delay_measure", Session),
            24 => ("record_current_time", Write),
            25 => ("open_file", Program),
            26 => ("close_file", Program),
            27 => ("delete_file", Program),
            28 => ("get_file_info", Read),
            29 => ("authenticate_file", Program),
            30 => ("abort_file", Program),
            31 => ("activate_config", Program),
            32 => ("authentication_request", Session),
            33 => ("authentication_request_no_ack", Session),
            129 => ("response", Other),
            130 => ("unsolicited_response", Read),
            131 => ("authentication_response", Session),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Link layer primary function codes that carry user data.
pub const LINK_CONFIRMED_USER_DATA: u8 = 3;
pub const LINK_UNCONFIRMED_USER_DATA: u8 = 4;

/// IIN2 bits that report an error (function not supported, object unknown,
/// parameter error, event buffer overflow, already executing, configuration corrupt).
pub const IIN2_ERROR_MASK: u8 = 0x3F;

/// Address space of an object group.
pub fn group_space(group: u8) -> &'static str {
    match group {
        1..=4 => "binary_input",
        10..=13 => "binary_output",
        20..=23 => "counter",
        30..=34 => "analog_input",
        40..=43 => "analog_output",
        50..=52 => "time",
        60 => "class_data",
        70 => "file",
        80 => "internal_indications",
        110..=113 => "octet_string",
        120 => "authentication",
        _ => "object",
    }
}

/// Group 0 (device attributes) variations that identify the outstation.
pub fn device_attribute(variation: u8) -> Option<&'static str> {
    Some(match variation {
        242 => "firmware",
        243 => "hardware_version",
        245 => "location",
        246 => "user_assigned_id",
        247 => "device_name",
        248 => "serial_number",
        250 => "product_name",
        252 => "vendor",
        _ => return None,
    })
}
