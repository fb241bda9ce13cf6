//! IEC 61850-9-2 Sampled Values, EtherType 0x88BA: the digitised currents
//! and voltages a merging unit publishes to protection relays and meters,
//! typically 4,000 or 4,800 ASDUs a second per stream.
//!
//! Spec: IEC 61850-9-2 §8 (frame: APPID, length, two reserved words, the
//! first carrying the simulate bit; savPdu: noASDU, seqASDU; ASDU: svID,
//! datSet, smpCnt, confRev, refrTm, smpSynch, smpRate, sample, smpMod) and
//! the UCA 9-2LE profile. One operation per ASDU, direction `unknown` (a
//! multicast publication answers no request), APPID → `unit`, the
//! operation named by smpSynch (see [`codes::name_class`]). Identities of
//! the publisher: `sv_id`, `sv_dataset`. A frame whose noASDU disagrees with
//! the ASDUs it carries, or whose header length runs past the frame, is
//! counted as malformed after its ASDUs are reported.

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{new_op, text};
use crate::dissect::{DissectOutput, PayloadContext};
use crate::operation::{Direction, IdentityObservation, Protocol};
use std::borrow::Cow;

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    if data.is_empty() {
        return 0;
    }
    let appid = data.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    // The stream's identity is the same in every ASDU of a frame almost
    // always: report each distinct one once.
    let mut last_identity: Option<(&[u8], &[u8])> = None;
    let parsed = parse_sv(data, |asdu| {
        let (name, class) = name_class(asdu.smp_synch);
        let mut op = new_op(
            Protocol::SampledValues,
            Direction::Unknown,
            asdu.smp_synch,
            Cow::Borrowed(name),
            class,
        );
        op.unit = appid.map(u32::from);
        out.operations.push(op);
        if last_identity != Some((asdu.sv_id, asdu.dat_set)) {
            last_identity = Some((asdu.sv_id, asdu.dat_set));
            for (attribute, value) in [("sv_id", asdu.sv_id), ("sv_dataset", asdu.dat_set)] {
                let value = text(value);
                if !value.is_empty() {
                    out.identities.push(IdentityObservation {
                        source: Cow::Borrowed("sv"),
                        attribute: Cow::Borrowed(attribute),
                        value,
                    });
                }
            }
        }
    });
    match parsed {
        Ok(frame) if frame.length_mismatch || frame.stated_asdus != frame.asdus => {
            out.malformed += 1
        }
        Ok(_) => {}
        Err(_) => out.malformed += 1,
    }
    data.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::OperationClass;

    fn run(data: &[u8]) -> DissectOutput {
        let ctx = PayloadContext::ethernet(ETHERTYPE);
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx, data, &mut out), data.len());
        out
    }

    #[test]
    fn one_operation_per_asdu_named_by_its_synchronisation() {
        let f = parser::tests::frame(&[
            parser::tests::asdu("MU01/LLN0$MS$smv1", 10, 2),
            parser::tests::asdu("MU01/LLN0$MS$smv1", 11, 0),
        ]);
        let out = run(&f);
        let ops: Vec<_> = out
            .operations
            .iter()
            .map(|o| {
                (
                    o.protocol,
                    o.function_code,
                    o.name.as_ref(),
                    o.class,
                    o.direction,
                    o.unit,
                )
            })
            .collect();
        assert_eq!(
            ops,
            vec![
                (
                    Protocol::SampledValues,
                    2,
                    "sv_global_sync",
                    OperationClass::Read,
                    Direction::Unknown,
                    Some(0x4000)
                ),
                (
                    Protocol::SampledValues,
                    0,
                    "sv_unsynchronised",
                    OperationClass::Read,
                    Direction::Unknown,
                    Some(0x4000)
                ),
            ]
        );
        // The stream is named once, not once per ASDU.
        assert_eq!(out.identity_pairs(), vec![("sv_id", "MU01/LLN0$MS$smv1")]);
        assert_eq!(out.malformed, 0);
        // Ethernet padding after the PDU is not an error.
        let mut padded = f.clone();
        padded.extend_from_slice(&[0; 20]);
        assert_eq!(run(&padded).malformed, 0);
    }

    #[test]
    fn truncated_miscounted_and_foreign_frames() {
        let f = parser::tests::frame(&[parser::tests::asdu("S", 1, 1)]);
        for n in 1..f.len() {
            let out = run(&f[..n]);
            assert_eq!((out.operations.len(), out.malformed), (0, 1), "cut at {n}");
        }
        // noASDU says 2 but one is there: reported, and counted.
        let mut miscounted = f.clone();
        let at = miscounted
            .windows(3)
            .position(|w| w == [TAG_NO_ASDU, 1, 1])
            .unwrap();
        miscounted[at + 2] = 2;
        let out = run(&miscounted);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // A GOOSE PDU under the SV EtherType.
        let mut goose = f.clone();
        goose[8] = 0x61;
        assert_eq!(run(&goose).malformed, 1);
        // A header length beyond the frame: what is there is read, and counted.
        let mut long = f.clone();
        long[3] = long[3].wrapping_add(10);
        let out = run(&long);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
    }
}
