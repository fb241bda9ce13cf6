//! Omron FINS command codes (Omron W227 "FINS Commands Reference Manual",
//! W342 section 5 for FINS/TCP).

use crate::operation::OperationClass;

/// A FINS command code: MRC (main request code) << 8 | SRC (sub request code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandCode(pub u16);

impl CommandCode {
    pub const MEMORY_AREA_READ: Self = Self(0x0101);
    pub const MEMORY_AREA_WRITE: Self = Self(0x0102);
    pub const MEMORY_AREA_FILL: Self = Self(0x0103);
    pub const MULTIPLE_MEMORY_AREA_READ: Self = Self(0x0104);
    pub const MEMORY_AREA_TRANSFER: Self = Self(0x0105);
    pub const RUN: Self = Self(0x0401);
    pub const STOP: Self = Self(0x0402);
    pub const CONTROLLER_DATA_READ: Self = Self(0x0501);

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0x0101 => ("memory_area_read", Read),
            0x0102 => ("memory_area_write", Write),
            0x0103 => ("memory_area_fill", Write),
            0x0104 => ("multiple_memory_area_read", Read),
            0x0105 => ("memory_area_transfer", Write),
            0x0201 => ("parameter_area_read", Read),
            0x0202 => ("parameter_area_write", Write),
            0x0203 => ("parameter_area_clear", Write),
            0x0220 => ("data_link_table_read", Read),
            0x0221 => ("data_link_table_write", Write),
            0x0304 => ("program_area_protect", Program),
            0x0305 => ("program_area_protect_clear", Program),
            0x0306 => ("program_area_read", Program),
            0x0307 => ("program_area_write", Program),
            0x0308 => ("program_area_clear", Program),
            0x0401 => ("run", Control),
            0x0402 => ("stop", Control),
            0x0501 => ("controller_data_read", Discovery),
            0x0502 => ("connection_data_read", Read),
            0x0601 => ("controller_status_read", Diagnostic),
            0x0602 => ("network_status_read", Diagnostic),
            0x0603 => ("data_link_status_read", Diagnostic),
            0x0620 => ("cycle_time_read", Diagnostic),
            0x0701 => ("clock_read", Read),
            0x0702 => ("clock_write", Write),
            0x0801 => ("loop_back_test", Diagnostic),
            0x0802 => ("broadcast_test_results_read", Diagnostic),
            0x0803 => ("broadcast_test_data_send", Diagnostic),
            0x0920 => ("message_read_clear", Diagnostic),
            0x0C01 => ("access_right_acquire", Session),
            0x0C02 => ("access_right_forced_acquire", Session),
            0x0C03 => ("access_right_release", Session),
            0x2101 => ("error_clear", Control),
            0x2102 => ("error_log_read", Diagnostic),
            0x2103 => ("error_log_clear", Write),
            0x2140 => ("fins_write_access_log_read", Diagnostic),
            0x2141 => ("fins_write_access_log_clear", Write),
            0x2201 => ("file_name_read", Read),
            0x2202 => ("single_file_read", Read),
            0x2203 => ("single_file_write", Write),
            0x2204 => ("file_memory_format", Write),
            0x2205 => ("file_delete", Write),
            0x2207 => ("file_copy", Write),
            0x2208 => ("file_name_change", Write),
            0x220A => ("memory_area_file_transfer", Write),
            0x220B => ("parameter_area_file_transfer", Write),
            0x220C => ("program_area_file_transfer", Program),
            0x2215 => ("directory_create_delete", Write),
            0x2301 => ("forced_set_reset", Control),
            0x2302 => ("forced_set_reset_cancel", Control),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Memory area codes (CS/CJ series) → address space.
pub fn area_name(code: u8) -> Option<&'static str> {
    Some(match code {
        0x30 | 0xB0 | 0x70 | 0xF0 => "CIO",
        0x31 | 0xB1 => "W",
        0x32 | 0xB2 => "H",
        0x33 | 0xB3 => "A",
        0x02 | 0x82 => "D",
        0x09 | 0x89 => "T",
        0x06 | 0x46 | 0x86 => "DR",
        0x07 => "clock_pulses",
        0xBC => "task_flags",
        0x98 | 0x0A => "E",
        0x20..=0x2C | 0xA0..=0xAC | 0x60..=0x6C | 0xE0..=0xEC => "E",
        _ => return None,
    })
}

/// FINS/TCP header commands.
pub fn tcp_command_name(cmd: u32) -> Option<&'static str> {
    Some(match cmd {
        0 => "fins_tcp_node_address_request",
        1 => "fins_tcp_node_address_response",
        2 => "fins_tcp_frame",
        3 => "fins_tcp_frame_error",
        6 => "fins_tcp_connection_confirmation",
        _ => return None,
    })
}
