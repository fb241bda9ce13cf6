//! PROFINET DCP codes (IEC 61158-6-10 §4.3 "DCP", PROFINET IO specification).

use crate::operation::OperationClass;

/// DCP service id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceId(pub u8);

impl ServiceId {
    pub const GET: Self = Self(3);
    pub const SET: Self = Self(4);
    pub const IDENTIFY: Self = Self(5);
    pub const HELLO: Self = Self(6);

    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        let (n, c) = match self.0 {
            3 => ("get", OperationClass::Read),
            4 => ("set", OperationClass::Write),
            5 => ("identify", OperationClass::Discovery),
            6 => ("hello", OperationClass::Discovery),
            _ => return (None, OperationClass::Other),
        };
        (Some(n), c)
    }
}

/// Frame ids that carry DCP.
pub const FRAME_HELLO: u16 = 0xFEFC;
pub const FRAME_GET_SET: u16 = 0xFEFD;
pub const FRAME_IDENTIFY_REQUEST: u16 = 0xFEFE;
pub const FRAME_IDENTIFY_RESPONSE: u16 = 0xFEFF;

pub fn is_dcp_frame(id: u16) -> bool {
    (FRAME_HELLO..=FRAME_IDENTIFY_RESPONSE).contains(&id)
}

/// Block options.
pub const OPTION_IP: u8 = 1;
pub const OPTION_DEVICE: u8 = 2;
pub const OPTION_CONTROL: u8 = 5;

/// Control suboptions that change the device's state (Set of these is control).
pub fn control_suboption_name(sub: u8) -> Option<&'static str> {
    Some(match sub {
        1 => "set_start_transaction",
        2 => "set_end_transaction",
        3 => "set_signal",
        5 => "set_factory_reset",
        6 => "set_reset_to_factory",
        _ => return None,
    })
}
