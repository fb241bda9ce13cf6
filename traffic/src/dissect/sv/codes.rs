//! IEC 61850-9-2 Sampled Values: the EtherType, savPdu and ASDU field tags,
//! and what an operation is called.

use crate::operation::OperationClass;

pub const ETHERTYPE: u16 = 0x88BA;

/// `[APPLICATION 0] IMPLICIT SEQUENCE`: the savPdu.
pub const TAG_SAV_PDU: u8 = 0x60;
/// savPdu fields (IEC 61850-9-2 §8.5, table 14).
pub const TAG_NO_ASDU: u8 = 0x80;
pub const TAG_SEQ_ASDU: u8 = 0xA2;
/// Each ASDU of seqASDU is a universal SEQUENCE.
pub const TAG_ASDU: u8 = 0x30;
/// ASDU fields.
pub const TAG_SV_ID: u8 = 0x80;
pub const TAG_DAT_SET: u8 = 0x81;
pub const TAG_SMP_CNT: u8 = 0x82;
pub const TAG_CONF_REV: u8 = 0x83;
pub const TAG_SMP_SYNCH: u8 = 0x85;
pub const TAG_SMP_RATE: u8 = 0x86;
pub const TAG_SAMPLE: u8 = 0x87;

/// Bit of the first reserved word that marks a simulated stream (Edition 2).
pub const SIMULATE_BIT: u16 = 0x8000;

/// smpSynch values: not synchronised, to a local clock, to a global one
/// (GPS, PTP grandmaster); Edition 2.1 uses 5-254 to name the clock source.
pub const SYNCH_NONE: u32 = 0;
pub const SYNCH_LOCAL: u32 = 1;
pub const SYNCH_GLOBAL: u32 = 2;

/// Name and class of one ASDU, by how its samples are synchronised (the
/// function code is smpSynch). Every ASDU is measured values published
/// cyclically: a read. A merging unit that loses its time source keeps
/// publishing, but protection that compares its samples with another
/// unit's can no longer trust them, so losing synchronisation is told
/// apart by name.
pub fn name_class(smp_synch: u32) -> (&'static str, OperationClass) {
    let name = match smp_synch {
        SYNCH_NONE => "sv_unsynchronised",
        SYNCH_LOCAL => "sv_local_sync",
        SYNCH_GLOBAL => "sv_global_sync",
        _ => "sv_source_sync",
    };
    (name, OperationClass::Read)
}
