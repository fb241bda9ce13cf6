//! MELSEC communication protocol (MC protocol / SLMP) commands and device codes
//! (Mitsubishi SH-080008 "MELSEC Communication Protocol Reference Manual",
//! SH-080956 "SLMP Reference Manual").

use crate::operation::OperationClass;

/// An SLMP / MC protocol command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command(pub u16);

impl Command {
    pub const BATCH_READ: Self = Self(0x0401);
    pub const BATCH_WRITE: Self = Self(0x1401);
    pub const RANDOM_READ: Self = Self(0x0403);
    pub const RANDOM_WRITE: Self = Self(0x1402);
    pub const READ_CPU_MODEL: Self = Self(0x0101);
    pub const REMOTE_RUN: Self = Self(0x1001);
    pub const REMOTE_STOP: Self = Self(0x1002);

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            0x0101 => ("read_cpu_model", Discovery),
            0x0401 => ("batch_read", Read),
            0x1401 => ("batch_write", Write),
            0x0403 => ("random_read", Read),
            0x1402 => ("random_write", Write),
            0x0406 => ("batch_read_multiple_blocks", Read),
            0x1406 => ("batch_write_multiple_blocks", Write),
            0x0801 => ("monitor_register", Read),
            0x0802 => ("monitor", Read),
            0x0613 => ("buffer_memory_read", Read),
            0x1613 => ("buffer_memory_write", Write),
            0x0601 => ("intelligent_module_read", Read),
            0x1601 => ("intelligent_module_write", Write),
            // CC-Link IE Field Basic (UDP 61450): the master's cyclic
            // request, which carries the outputs (RWw, RY) of every slave
            // station; each slave answers with its inputs (RWr, RX).
            0x0E70 => ("cclink_ief_basic_cyclic_data", Write),
            0x1001 => ("remote_run", Control),
            0x1002 => ("remote_stop", Control),
            0x1003 => ("remote_pause", Control),
            0x1005 => ("remote_latch_clear", Control),
            0x1006 => ("remote_reset", Control),
            0x0619 => ("loopback_test", Diagnostic),
            0x1617 => ("clear_error", Control),
            0x1630 => ("remote_unlock", Session),
            0x1631 => ("remote_lock", Session),
            0x1810 => ("read_directory", Read),
            0x1811 => ("search_directory", Read),
            0x1820 => ("new_file", Program),
            0x1822 => ("delete_file", Program),
            0x1824 => ("copy_file", Program),
            0x1825 => ("change_file_attribute", Program),
            0x1826 => ("change_file_date", Program),
            0x1827 => ("open_file", Program),
            0x1828 => ("read_file", Program),
            0x1829 => ("write_file", Program),
            0x182A => ("close_file", Program),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Device code → device name (binary codes of the Q/L and iQ-R series).
pub fn device_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x9C => "X",
        0x9D => "Y",
        0x90 => "M",
        0x91 => "SM",
        0x92 => "L",
        0x93 => "F",
        0x94 => "V",
        0x98 => "S",
        0xA0 => "B",
        0xA1 => "SB",
        0xA8 => "D",
        0xA9 => "SD",
        0xAF => "R",
        0xB0 => "ZR",
        0xB4 => "W",
        0xB5 => "SW",
        0xC0 => "TC",
        0xC1 => "TS",
        0xC2 => "TN",
        0xC3 => "CC",
        0xC4 => "CS",
        0xC5 => "CN",
        0xC6 => "SC",
        0xC7 => "SS",
        0xC8 => "SN",
        0xCC => "Z",
        0xDC => "DX",
        0xDD => "DY",
        _ => return None,
    })
}

/// Function code base of MELSOFT (GX Works engineering) messages.
pub const MELSOFT_BASE: u32 = 0x1_0000;
