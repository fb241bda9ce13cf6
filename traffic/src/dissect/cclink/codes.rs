//! CC-Link IE Field and CC-Link IE Control (EtherType 0x890F): frame types,
//! their names and classes, and transient command types; CC-Link IE TSN
//! link-management SLMP commands.
//!
//! The CLPA specifications are not public; the frame type codes, header
//! layouts and TSN command codes follow NTT Communications' Zeek parsers
//! (nttcom/zeek-parser-CCLinkField-CCLinkControl, -CCLinkTSNSLMP,
//! BSD-2-Clause), read for the facts only.

use crate::operation::OperationClass;

pub const ETHERTYPE: u16 = 0x890F;

/// The first byte of every frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameType(pub u8);

/// Which network a frame type belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Field,
    Control,
}

impl FrameType {
    pub const PERSUASION: Self = Self(0x10);
    pub const TRANSIENT2: Self = Self(0x25);
    pub const CYCLIC_DATA_RWW: Self = Self(0x82);
    pub const CYCLIC_DATA_RX: Self = Self(0x85);

    /// Name, class and network of a known frame type. Transmission control
    /// and synchronisation frames keep the ring / line running (session);
    /// cyclic frames carry the link devices: outputs the master sends (RWw,
    /// RY; Control: Out) are writes, inputs and shared link devices (RWr, RX;
    /// Control: In, W, B) reads; transient frames carry messages (SLMP and
    /// others), decoded further where the header says what they do.
    pub fn describe(self) -> Option<(&'static str, OperationClass, Network)> {
        use Network::{Control as C, Field as F};
        use OperationClass::*;
        Some(match self.0 {
            // CC-Link IE Field: transmission control.
            0x10 => ("persuasion", Session, F),
            0x11 => ("test_data", Session, F),
            0x12 => ("test_data_ack", Session, F),
            0x13 => ("setup", Session, F),
            0x14 => ("setup_ack", Session, F),
            0x15 => ("token_m", Session, F),
            0x1C => ("timer", Session, F),
            0x20 => ("my_status", Session, F),
            // Synchronisation.
            0x40 => ("measure", Session, F),
            0x41 => ("measure_ack", Session, F),
            0x42 => ("offset", Session, F),
            0x43 => ("update", Session, F),
            // Cyclic transmission.
            0x82 => ("cyclic_data_rww", Write, F),
            0x83 => ("cyclic_data_ry", Write, F),
            0x84 => ("cyclic_data_rwr", Read, F),
            0x85 => ("cyclic_data_rx", Read, F),
            // Transient transmission.
            0x22 => ("transient1", Other, F),
            0x23 => ("transient_ack", Other, F),
            0x25 => ("transient2", Other, F),
            0x26 => ("ip_transient", Other, F),
            0x28 => ("param_check", Session, F),
            0x29 => ("parameter", Write, F),
            // CC-Link IE Control: transmission control.
            0x00 => ("connect", Session, C),
            0x01 => ("connect_ack", Session, C),
            0x02 => ("scan", Session, C),
            0x03 => ("collect", Session, C),
            0x04 => ("select", Session, C),
            0x05 => ("launch", Session, C),
            0x06 => ("token", Session, C),
            0x24 => ("dummy", Session, C),
            0x2F => ("ntn_test", Session, C),
            // Cyclic transmission.
            0x80 => ("cyclic_data_w", Read, C),
            0x81 => ("cyclic_data_b", Read, C),
            0x8C => ("cyclic_data_out1", Write, C),
            0x8D => ("cyclic_data_out2", Write, C),
            0x8E => ("cyclic_data_in1", Read, C),
            0x8F => ("cyclic_data_in2", Read, C),
            _ => return None,
        })
    }
}

/// The command type of a transient2 frame (byte 35): what a message to a
/// station asks. `function_code` of such a frame is `0x2500 | type`.
pub fn transient2_command(ct: u8) -> Option<(&'static str, OperationClass)> {
    use OperationClass::*;
    Some(match ct {
        0x04 => ("transient_get_memory_access_info", Discovery),
        0x08 => ("transient_run", Control),
        0x09 => ("transient_stop", Control),
        0x10 => ("transient_read_memory", Read),
        0x12 => ("transient_write_memory", Write),
        0x20 => ("transient_message_transfer", Other),
        _ => return None,
    })
}

/// CC-Link IE TSN link-management SLMP (UDP 45238 / 45239): subheaders of a
/// request and a response.
pub const TSN_REQUEST: [u8; 2] = [0x68, 0x00];
pub const TSN_RESPONSE: [u8; 2] = [0xE8, 0x00];

/// Name and class of a TSN link-management command (command, subcommand):
/// the master distributes the network, master, slave and cyclic
/// configuration to the stations (writes); notifications report state.
pub fn tsn_command(command: u16, subcommand: u16) -> Option<(&'static str, OperationClass)> {
    use OperationClass::*;
    Some(match (command, subcommand) {
        (0x0E90, 0) => ("tsn_network_config_main", Write),
        (0x0E90, 1) => ("tsn_network_config_tslt", Write),
        (0x0E91, 0) => ("tsn_master_config", Write),
        (0x0E92, 0) => ("tsn_slave_config", Write),
        (0x0E93, 0) => ("tsn_cyclic_config_main", Write),
        (0x0E93, 1) => ("tsn_cyclic_config_trn_sub_payload", Write),
        (0x0E93, 2) => ("tsn_cyclic_config_rcv_sub_payload", Write),
        (0x0E93, 3) => ("tsn_cyclic_config_rcv_src_info", Write),
        (0x0E94, 0) => ("tsn_notification", Other),
        _ => return None,
    })
}
