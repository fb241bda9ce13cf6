//! Beckhoff ADS command ids, ADS states, index groups and the UDP (port 48899)
//! service ids, from Beckhoff's public TwinCAT ADS documentation
//! ("ADS Specification", TC1000 "AMS/ADS", ADS return codes).

use crate::operation::OperationClass;

/// An AMS/ADS command id (AMS header `command_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command(pub u16);

impl Command {
    pub const READ_DEVICE_INFO: Self = Self(1);
    pub const READ: Self = Self(2);
    pub const WRITE: Self = Self(3);
    pub const READ_STATE: Self = Self(4);
    pub const WRITE_CONTROL: Self = Self(5);
    pub const ADD_DEVICE_NOTIFICATION: Self = Self(6);
    pub const DELETE_DEVICE_NOTIFICATION: Self = Self(7);
    pub const DEVICE_NOTIFICATION: Self = Self(8);
    pub const READ_WRITE: Self = Self(9);

    /// Name and class. Read/write is classed by its request (see `read_write_class`);
    /// here it is a read, which is what a reply on its own tells.
    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0 => ("invalid", Other),
            // Names the device and its version: what a scanner asks first.
            1 => ("read_device_info", Discovery),
            2 => ("read", Read),
            3 => ("write", Write),
            4 => ("read_state", Diagnostic),
            // Changes the ADS state (run, stop, config mode, reset ...).
            5 => ("write_control", Control),
            // Notifications are subscriptions to values: reads.
            6 => ("add_device_notification", Read),
            7 => ("delete_device_notification", Read),
            8 => ("device_notification", Read),
            9 => ("read_write", Read),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Index group of a SUM write (several writes in one request).
pub const IG_SUMUP_WRITE: u32 = 0xF081;

/// Class of a read/write request: a write when it only sends data (or is a SUM
/// write); otherwise a read (symbol handle look-ups send a name to read a handle).
pub fn read_write_class(index_group: u32, read_len: u32, write_len: u32) -> OperationClass {
    if index_group == IG_SUMUP_WRITE || (write_len > 0 && read_len == 0) {
        OperationClass::Write
    } else {
        OperationClass::Read
    }
}

/// Operation name of a write control request, by the ADS state it asks for.
pub fn write_control_name(ads_state: u16) -> &'static str {
    match ads_state {
        1 => "write_control_idle",
        2 => "write_control_reset",
        3 => "write_control_init",
        4 => "write_control_start",
        5 => "write_control_run",
        6 => "write_control_stop",
        7 => "write_control_save_config",
        8 => "write_control_load_config",
        9 => "write_control_power_failure",
        10 => "write_control_power_good",
        11 => "write_control_error",
        12 => "write_control_shutdown",
        13 => "write_control_suspend",
        14 => "write_control_resume",
        15 => "write_control_config",
        16 => "write_control_reconfig",
        _ => "write_control",
    }
}

/// Address space of a well-known index group (reserved ADS index groups and
/// the PLC process image); others are reported as `ig_0x...`.
pub fn index_group_name(ig: u32) -> Option<&'static str> {
    Some(match ig {
        0x4020 => "M",
        0x4021 => "MX",
        0x4025 => "M_size",
        0xF003 => "symbol_handle_by_name",
        0xF004 => "symbol_value_by_name",
        0xF005 => "symbol_value_by_handle",
        0xF006 => "symbol_release_handle",
        0xF007 => "symbol_info_by_name",
        0xF008 => "symbol_version",
        0xF009 => "symbol_info_by_name_ex",
        0xF00B => "symbol_upload",
        0xF00C => "symbol_upload_info",
        0xF00E => "symbol_datatype_upload",
        0xF00F => "symbol_upload_info2",
        0xF020 => "I",
        0xF021 => "IX",
        0xF025 => "I_size",
        0xF030 => "Q",
        0xF031 => "QX",
        0xF035 => "Q_size",
        0xF080 => "sum_read",
        0xF081 => "sum_write",
        0xF082 => "sum_read_write",
        0xF083 => "sum_read_ex",
        0xF084 => "sum_read_ex2",
        0xF085 => "sum_add_device_notification",
        0xF086 => "sum_delete_device_notification",
        _ => return None,
    })
}

/// Function code base of the UDP (48899) services, which have their own code space.
pub const UDP_BASE: u32 = 0x1_0000;
/// Function code base of AMS/TCP header commands other than an AMS packet.
pub const TCP_SYSTEM_BASE: u32 = 0x2_0000;

/// UDP service ids (without the 0x8000_0000 response bit).
pub fn udp_service_name_class(service: u32) -> (Option<&'static str>, OperationClass) {
    match service {
        // Broadcast "who is there": answered with host name, net id and versions.
        1 => (Some("discover"), OperationClass::Discovery),
        // Adds a route (with credentials) so the sender may talk ADS to the device.
        6 => (Some("add_route"), OperationClass::Session),
        _ => (None, OperationClass::Other),
    }
}

/// AMS/TCP header commands other than 0 (an AMS packet).
pub fn tcp_system_name(reserved: u16) -> Option<&'static str> {
    match reserved {
        0x1000 => Some("ams_port_connect"),
        0x1001 => Some("ams_router_notification"),
        _ => None,
    }
}

/// UDP tag ids.
pub mod tag {
    pub const STATUS: u16 = 1;
    pub const PASSWORD: u16 = 2;
    pub const TWINCAT_VERSION: u16 = 3;
    pub const HOST_NAME: u16 = 5;
    pub const NET_ID: u16 = 7;
    pub const ROUTE_NAME: u16 = 0x0C;
}
