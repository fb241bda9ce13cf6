//! Modbus function codes (Modbus Application Protocol Specification V1.1b3, §6).

use crate::operation::OperationClass;

/// A Modbus function code with the exception bit (0x80) removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionCode(pub u8);

impl FunctionCode {
    pub const READ_COILS: Self = Self(0x01);
    pub const READ_DISCRETE_INPUTS: Self = Self(0x02);
    pub const READ_HOLDING_REGISTERS: Self = Self(0x03);
    pub const READ_INPUT_REGISTERS: Self = Self(0x04);
    pub const WRITE_SINGLE_COIL: Self = Self(0x05);
    pub const WRITE_SINGLE_REGISTER: Self = Self(0x06);
    pub const READ_EXCEPTION_STATUS: Self = Self(0x07);
    pub const DIAGNOSTICS: Self = Self(0x08);
    pub const GET_COMM_EVENT_COUNTER: Self = Self(0x0B);
    pub const GET_COMM_EVENT_LOG: Self = Self(0x0C);
    pub const WRITE_MULTIPLE_COILS: Self = Self(0x0F);
    pub const WRITE_MULTIPLE_REGISTERS: Self = Self(0x10);
    pub const REPORT_SERVER_ID: Self = Self(0x11);
    pub const READ_FILE_RECORD: Self = Self(0x14);
    pub const WRITE_FILE_RECORD: Self = Self(0x15);
    pub const MASK_WRITE_REGISTER: Self = Self(0x16);
    pub const READ_WRITE_MULTIPLE_REGISTERS: Self = Self(0x17);
    pub const READ_FIFO_QUEUE: Self = Self(0x18);
    pub const ENCAPSULATED_INTERFACE_TRANSPORT: Self = Self(0x2B);
    /// Schneider Electric UMAS (Unity) — vendor function used for programming and control.
    pub const SCHNEIDER_UMAS: Self = Self(0x5A);
    /// Modicon 584/984 programming functions (vendor specific).
    pub const MODICON_PROGRAM_7D: Self = Self(0x7D);
    pub const MODICON_PROGRAM_7E: Self = Self(0x7E);

    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x01 => "read_coils",
            0x02 => "read_discrete_inputs",
            0x03 => "read_holding_registers",
            0x04 => "read_input_registers",
            0x05 => "write_single_coil",
            0x06 => "write_single_register",
            0x07 => "read_exception_status",
            0x08 => "diagnostics",
            0x0B => "get_comm_event_counter",
            0x0C => "get_comm_event_log",
            0x0F => "write_multiple_coils",
            0x10 => "write_multiple_registers",
            0x11 => "report_server_id",
            0x14 => "read_file_record",
            0x15 => "write_file_record",
            0x16 => "mask_write_register",
            0x17 => "read_write_multiple_registers",
            0x18 => "read_fifo_queue",
            0x2B => "encapsulated_interface_transport",
            0x5A => "schneider_umas",
            0x7D | 0x7E => "modicon_program",
            _ => return None,
        })
    }

    pub fn class(self) -> OperationClass {
        match self.0 {
            0x01..=0x04 | 0x14 | 0x18 => OperationClass::Read,
            0x05 | 0x06 | 0x0F | 0x10 | 0x15 | 0x16 | 0x17 => OperationClass::Write,
            0x07 | 0x08 | 0x0B | 0x0C | 0x11 => OperationClass::Diagnostic,
            0x7D | 0x7E => OperationClass::Program,
            _ => OperationClass::Other,
        }
    }

    /// The address space the function touches, for the common read/write functions.
    pub fn space(self) -> Option<&'static str> {
        Some(match self.0 {
            0x01 | 0x05 | 0x0F => "coil",
            0x02 => "discrete_input",
            0x03 | 0x06 | 0x10 | 0x16 | 0x17 | 0x18 => "holding_register",
            0x04 => "input_register",
            _ => return None,
        })
    }
}

/// MEI type of function 0x2B.
pub const MEI_READ_DEVICE_ID: u8 = 0x0E;
pub const MEI_CANOPEN: u8 = 0x0D;

/// Exception codes (§7).
pub fn exception_name(code: u8) -> Option<&'static str> {
    Some(match code {
        1 => "illegal_function",
        2 => "illegal_data_address",
        3 => "illegal_data_value",
        4 => "server_device_failure",
        5 => "acknowledge",
        6 => "server_device_busy",
        8 => "memory_parity_error",
        0x0A => "gateway_path_unavailable",
        0x0B => "gateway_target_failed_to_respond",
        _ => return None,
    })
}

/// Read Device Identification object ids (§6.21) → identity attribute.
pub fn device_id_attribute(object_id: u8) -> Option<&'static str> {
    Some(match object_id {
        0 => "vendor",
        1 => "product_code",
        2 => "firmware",
        3 => "vendor_url",
        4 => "product_name",
        5 => "model_name",
        6 => "user_application_name",
        _ => return None,
    })
}

/// Schneider UMAS sub-function → (name, class). Sub-function is the byte after the session id.
pub fn umas_function(code: u8) -> (&'static str, OperationClass) {
    match code {
        0x01 => ("umas_init_comm", OperationClass::Session),
        0x02 => ("umas_read_id", OperationClass::Discovery),
        0x03 => ("umas_read_project_info", OperationClass::Read),
        0x04 => ("umas_read_plc_info", OperationClass::Read),
        0x06 => ("umas_read_card_info", OperationClass::Read),
        0x0A => ("umas_repeat", OperationClass::Session),
        0x10 => ("umas_take_plc_reservation", OperationClass::Session),
        0x11 => ("umas_release_plc_reservation", OperationClass::Session),
        0x12 => ("umas_keep_alive", OperationClass::Session),
        0x20 => ("umas_read_memory_block", OperationClass::Read),
        0x22 => ("umas_read_variables", OperationClass::Read),
        0x23 => ("umas_write_variables", OperationClass::Write),
        0x24 => ("umas_read_coils_registers", OperationClass::Read),
        0x25 => ("umas_write_coils_registers", OperationClass::Write),
        0x30 => ("umas_initialize_upload", OperationClass::Program),
        0x31 => ("umas_upload_block", OperationClass::Program),
        0x32 => ("umas_end_strategy_upload", OperationClass::Program),
        0x33 => ("umas_initialize_download", OperationClass::Program),
        0x34 => ("umas_download_block", OperationClass::Program),
        0x35 => ("umas_end_strategy_download", OperationClass::Program),
        0x39 => ("umas_read_ethernet_master_data", OperationClass::Read),
        0x40 => ("umas_start_plc", OperationClass::Control),
        0x41 => ("umas_stop_plc", OperationClass::Control),
        0x50 => ("umas_monitor_plc", OperationClass::Diagnostic),
        0x58 => ("umas_check_plc", OperationClass::Diagnostic),
        0x70 => ("umas_read_io_object", OperationClass::Read),
        0x71 => ("umas_write_io_object", OperationClass::Write),
        0x73 => ("umas_get_status_module", OperationClass::Diagnostic),
        _ => ("schneider_umas", OperationClass::Other),
    }
}
