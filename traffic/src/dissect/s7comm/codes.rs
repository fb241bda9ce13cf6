//! S7comm (protocol id 0x32) and S7comm-plus (0x72) codes. There is no public
//! Siemens spec; names follow the community reverse engineering (Wireshark's
//! s7comm/s7comm_plus dissectors, "The Siemens S7 Communication" by T. Wiens and
//! the Snap7 documentation).

use crate::operation::OperationClass;

/// ROSCTR: message type of the S7 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rosctr(pub u8);

impl Rosctr {
    pub const JOB: Self = Self(1);
    pub const ACK: Self = Self(2);
    pub const ACK_DATA: Self = Self(3);
    pub const USERDATA: Self = Self(7);
}

/// Job / Ack_Data parameter function code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    pub const CPU_SERVICES: Self = Self(0x00);
    pub const READ_VAR: Self = Self(0x04);
    pub const WRITE_VAR: Self = Self(0x05);
    pub const REQUEST_DOWNLOAD: Self = Self(0x1A);
    pub const DOWNLOAD_BLOCK: Self = Self(0x1B);
    pub const DOWNLOAD_ENDED: Self = Self(0x1C);
    pub const START_UPLOAD: Self = Self(0x1D);
    pub const UPLOAD: Self = Self(0x1E);
    pub const END_UPLOAD: Self = Self(0x1F);
    pub const PI_SERVICE: Self = Self(0x28);
    pub const PLC_STOP: Self = Self(0x29);
    pub const SETUP_COMMUNICATION: Self = Self(0xF0);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x00 => "cpu_services",
            0x04 => "read_var",
            0x05 => "write_var",
            0x1A => "request_download",
            0x1B => "download_block",
            0x1C => "download_ended",
            0x1D => "start_upload",
            0x1E => "upload",
            0x1F => "end_upload",
            0x28 => "pi_service",
            0x29 => "plc_stop",
            0xF0 => "setup_communication",
            _ => return None,
        })
    }

    pub fn class(self) -> OperationClass {
        match self.0 {
            0x04 => OperationClass::Read,
            0x05 => OperationClass::Write,
            0x1A..=0x1F => OperationClass::Program,
            0x28 | 0x29 => OperationClass::Control,
            0xF0 => OperationClass::Session,
            _ => OperationClass::Other,
        }
    }
}

/// Userdata function group (low nibble of the type/group byte).
pub fn userdata_group_name(group: u8) -> &'static str {
    match group {
        0x0 => "mode_transition",
        0x1 => "programmer_commands",
        0x2 => "cyclic_data",
        0x3 => "block_functions",
        0x4 => "cpu_functions",
        0x5 => "security",
        0x6 => "pbc_bsend_brecv",
        0x7 => "time_functions",
        0xF => "nc_programming",
        _ => "userdata",
    }
}

/// Name and class of a userdata group/sub-function pair.
pub fn userdata_function(group: u8, sub: u8) -> (Option<&'static str>, OperationClass) {
    use OperationClass::*;
    let (n, c) = match (group, sub) {
        (0x1, 0x01) => ("request_diag_data", Diagnostic),
        (0x1, 0x02) => ("variable_table", Read),
        (0x1, 0x0C) => ("erase", Program),
        (0x1, 0x0E) => ("forces", Write),
        (0x1, _) => ("programmer_commands", Diagnostic),
        (0x2, 0x01) => ("cyclic_memory", Read),
        (0x2, 0x04) => ("cyclic_unsubscribe", Session),
        (0x2, _) => ("cyclic_data", Read),
        (0x3, 0x01) => ("list_blocks", Read),
        (0x3, 0x02) => ("list_blocks_of_type", Read),
        (0x3, 0x03) => ("get_block_info", Read),
        (0x3, _) => ("block_functions", Read),
        (0x4, 0x01) => ("read_szl", Diagnostic),
        (0x4, 0x02) => ("message_service", Session),
        (0x4, 0x03) => ("diagnostic_message", Diagnostic),
        (0x4, 0x05) => ("alarm8_indication", Diagnostic),
        (0x4, 0x0B) => ("alarm_ack", Write),
        (0x4, 0x13) => ("alarm_query", Read),
        (0x4, _) => ("cpu_functions", Diagnostic),
        (0x5, 0x01) => ("plc_password", Session),
        (0x5, 0x02) => ("clean_session", Session),
        (0x5, _) => ("security", Session),
        (0x7, 0x01) => ("read_clock", Read),
        (0x7, 0x02) => ("set_clock", Write),
        (0x7, 0x03) => ("read_clock_following", Read),
        (0x7, 0x04) => ("set_clock_utc", Write),
        (0x7, _) => ("time_functions", Other),
        (0x0, _) => ("mode_transition", Diagnostic),
        (0x6, _) => ("pbc_bsend_brecv", Other),
        (0xF, _) => ("nc_programming", Program),
        _ => return (None, Other),
    };
    (Some(n), c)
}

/// Memory area of a read/write var item (0x84 is a data block, named per DB number).
pub fn area_name(area: u8) -> Option<&'static str> {
    Some(match area {
        0x03 => "system_info",
        0x05 => "system_flags",
        0x06 => "analog_inputs_200",
        0x07 => "analog_outputs_200",
        0x1C => "C",
        0x1D => "T",
        0x1E => "IEC_counters",
        0x1F => "IEC_timers",
        0x80 => "P",
        0x81 => "I",
        0x82 => "Q",
        0x83 => "M",
        0x84 => "DB",
        0x85 => "DI",
        0x86 => "L",
        0x87 => "V",
        _ => return None,
    })
}

/// Block type from the two ASCII digits of a block file name ("_0A00001P" → DB).
pub fn block_type_name(code: &[u8]) -> &'static str {
    match code {
        b"08" => "OB",
        b"0A" => "DB",
        b"0B" => "SDB",
        b"0C" => "FC",
        b"0D" => "SFC",
        b"0E" => "FB",
        b"0F" => "SFB",
        _ => "block",
    }
}

/// PI service names (program invocation) and a readable operation name.
pub fn pi_service_name(service: &[u8]) -> &'static str {
    match service {
        b"_INSE" => "pi_insert_block",
        b"_DELE" => "pi_delete_block",
        b"P_PROGRAM" => "pi_program_run",
        b"_MODU" => "pi_copy_ram_to_rom",
        b"_GARB" => "pi_compress_memory",
        b"_N_LOGIN_" => "pi_login",
        b"_N_LOGOUT" => "pi_logout",
        b"_N_CANCEL" => "pi_cancel",
        _ => "pi_service",
    }
}

/// S7comm-plus opcode (first byte after the header).
pub fn plus_opcode_name(op: u8) -> &'static str {
    match op {
        0x31 => "request",
        0x32 => "response",
        0x33 => "notification",
        0x02 => "response2",
        _ => "unknown_opcode",
    }
}

/// S7comm-plus function code → name and class.
pub fn plus_function(function: u16) -> (Option<&'static str>, OperationClass) {
    use OperationClass::*;
    let (n, c) = match function {
        0x04BB => ("explore", Read),
        0x04CA => ("create_object", Session),
        0x04D4 => ("delete_object", Session),
        0x04F2 => ("set_variable", Write),
        0x04FC => ("get_variable", Read),
        0x0524 => ("get_link", Read),
        0x0542 => ("set_multi_variables", Write),
        0x054C => ("get_multi_variables", Read),
        0x0556 => ("begin_sequence", Program),
        0x0560 => ("end_sequence", Program),
        0x056B => ("invoke", Control),
        0x0586 => ("get_var_substreamed", Read),
        _ => return (None, Other),
    };
    (Some(n), c)
}

/// SZL 0x0011 (module identification) record index → identity attribute.
pub fn szl_module_id_attribute(index: u16) -> Option<&'static str> {
    Some(match index {
        1 => "order_number",
        6 => "hardware_order_number",
        7 => "firmware",
        _ => return None,
    })
}

/// SZL 0x001C (component identification) record index → identity attribute.
pub fn szl_component_attribute(index: u16) -> Option<&'static str> {
    Some(match index {
        1 => "station_name",
        2 => "module_name",
        3 => "plant_id",
        4 => "copyright",
        5 => "serial_number",
        7 => "module_type",
        8 => "memory_card_serial",
        0x0B => "location",
        _ => return None,
    })
}
