//! IEC 61850-8-1 GOOSE: the EtherType, goosePdu field tags and what an
//! operation is called.

use crate::operation::OperationClass;

pub const ETHERTYPE: u16 = 0x88B8;

/// `[APPLICATION 1] IMPLICIT SEQUENCE`: the goosePdu.
pub const TAG_GOOSE_PDU: u8 = 0x61;
/// Context-specific tags of the goosePdu fields (IEC 61850-8-1 §A.2).
pub const TAG_GOCB_REF: u8 = 0x80;
pub const TAG_TIME_ALLOWED_TO_LIVE: u8 = 0x81;
pub const TAG_DAT_SET: u8 = 0x82;
pub const TAG_GO_ID: u8 = 0x83;
pub const TAG_ST_NUM: u8 = 0x85;
pub const TAG_SQ_NUM: u8 = 0x86;
pub const TAG_SIMULATION: u8 = 0x87;

/// Function code of a publication that repeats the current state.
pub const RETRANSMISSION: u32 = 0;
/// Function code of the first publication of a new state (stNum changed, sqNum 0).
pub const STATE_CHANGE: u32 = 1;
/// Events the analyzer adds, following each control block's stNum
/// (`analyzer::publishers`): it skipped ahead, or went back.
pub const ST_NUM_JUMP: u32 = 2;
pub const ST_NUM_BACK: u32 = 3;

/// Name and class of a publication. A repeat carries the data set as it was:
/// cyclic data, like a read. A new state pushes changed values (trips,
/// interlocks, breaker positions) to every subscriber: a write.
/// The events write too: a state pushed to the subscribers out of turn.
pub fn name_class(code: u32) -> (&'static str, OperationClass) {
    match code {
        STATE_CHANGE => ("goose_state_change", OperationClass::Write),
        ST_NUM_JUMP => ("goose_st_num_jump", OperationClass::Write),
        ST_NUM_BACK => ("goose_st_num_back", OperationClass::Write),
        _ => ("goose_retransmission", OperationClass::Read),
    }
}
