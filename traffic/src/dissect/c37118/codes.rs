//! IEEE C37.118.2-2011 frame types and command codes.

use crate::operation::OperationClass;

/// Frame type (bits 6-4 of the second SYNC byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameType(pub u8);

impl FrameType {
    pub const DATA: Self = Self(0);
    pub const HEADER: Self = Self(1);
    pub const CONFIG1: Self = Self(2);
    pub const CONFIG2: Self = Self(3);
    pub const COMMAND: Self = Self(4);
    pub const CONFIG3: Self = Self(5);

    /// Name and class of a frame sent by a data source (PMU / PDC).
    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        use OperationClass::*;
        let (n, c) = match self.0 {
            // Cyclic measurements flowing to the data collector.
            0 => ("data_frame", Read),
            // Header and configuration frames describe the source: what the
            // config requests discover.
            1 => ("header_frame", Discovery),
            2 => ("config1_frame", Discovery),
            3 => ("config2_frame", Discovery),
            4 => ("command_frame", Other),
            5 => ("config3_frame", Discovery),
            _ => return (None, Other),
        };
        (Some(n), c)
    }
}

/// Function code base of command frames: `COMMAND_BASE | CMD`, so commands do not
/// collide with the frame types used as codes of the other frames.
pub const COMMAND_BASE: u32 = 0x1_0000;

/// Command word of a command frame.
pub fn command_name_class(cmd: u16) -> (Option<&'static str>, OperationClass) {
    use OperationClass::*;
    let (n, c) = match cmd {
        // Starting / stopping the data stream changes what the device does.
        1 => ("turn_off_transmission", Control),
        2 => ("turn_on_transmission", Control),
        3 => ("send_header", Discovery),
        4 => ("send_config1", Discovery),
        5 => ("send_config2", Discovery),
        6 => ("send_config3", Discovery),
        8 => ("extended_frame", Other),
        _ => return (None, Other),
    };
    (Some(n), c)
}
