//! IEC 61850 GOOSE (Generic Object Oriented Substation Event), EtherType 0x88B8.
//!
//! Spec: IEC 61850-8-1 §18 and annex A (GOOSE frame: APPID, length, reserved;
//! BER-encoded goosePdu: gocbRef, timeAllowedToLive, datSet, goID, t, stNum,
//! sqNum, simulation, confRev, ndsCom, numDatSetEntries, allData).
//! One operation per publication, direction `unknown` (a multicast publish
//! answers no request), APPID → `unit`. A publisher raises stNum and restarts
//! sqNum at 0 when its data set changes, so without keeping state between
//! frames a publication with sqNum 0 is the event: `goose_state_change`
//! (function code 1); repeats are `goose_retransmission` (0). The data values
//! are not decoded. Identities of the publisher: `goose_gocb_ref`,
//! `goose_dataset`, `goose_id`. The stNum and sqNum go to the analyzer as a
//! [`PublisherCounter`], which reports a stNum that skips or goes back
//! (`analyzer::publishers`).

pub mod codes;
pub mod parser;

use self::codes::*;
use self::parser::*;
use crate::dissect::common::{new_op, text};
use crate::dissect::{DissectOutput, PayloadContext, PublisherCounter};
use crate::operation::{Direction, IdentityObservation, Operation, Protocol};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};

pub fn dissect(ctx: &PayloadContext, data: &[u8], out: &mut DissectOutput) -> usize {
    let _ = ctx;
    if data.is_empty() {
        return 0;
    }
    let g = match parse_goose(data) {
        Ok(g) => g,
        Err(_) => {
            out.malformed += 1;
            return data.len();
        }
    };
    let code = if g.sq_num == Some(0) {
        STATE_CHANGE
    } else {
        RETRANSMISSION
    };
    let op = operation(code, g.appid);
    for (attribute, value) in [
        ("goose_gocb_ref", g.gocb_ref),
        ("goose_dataset", g.dat_set),
        ("goose_id", g.go_id),
    ] {
        let value = text(value);
        if !value.is_empty() {
            out.identities.push(IdentityObservation {
                source: Cow::Borrowed("goose"),
                attribute: Cow::Borrowed(attribute),
                value,
            });
        }
    }
    if g.length_mismatch {
        out.malformed += 1;
    }
    out.operations.push(op);
    data.len()
}

/// A GOOSE operation of `code` (named by `codes::name_class`) for the
/// control block `appid`: a publication, or an event the analyzer adds.
pub fn operation(code: u32, appid: u16) -> Operation {
    let (name, class) = name_class(code);
    let mut op = new_op(
        Protocol::Goose,
        Direction::Unknown,
        code,
        Cow::Borrowed(name),
        class,
    );
    op.unit = Some(u32::from(appid));
    op
}

/// The frame's control block and state numbers, for the analyzer to follow.
pub fn publisher_counter(data: &[u8]) -> Option<PublisherCounter> {
    let g = parse_goose(data).ok()?;
    let mut h = rustc_hash::FxHasher::default();
    g.gocb_ref.hash(&mut h);
    Some(PublisherCounter::GooseState {
        appid: g.appid,
        control_block: h.finish(),
        simulation: g.simulation,
        st_num: g.st_num?,
        sq_num: g.sq_num?,
        time_allowed_to_live_ms: g.time_allowed_to_live_ms.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::OperationClass;

    fn ctx() -> PayloadContext {
        PayloadContext::ethernet(ETHERTYPE)
    }

    fn run(data: &[u8]) -> DissectOutput {
        let mut out = DissectOutput::default();
        assert_eq!(dissect(&ctx(), data, &mut out), data.len());
        out
    }

    #[test]
    fn a_state_change_and_a_retransmission() {
        let change = parser::tests::state_change();
        let out = run(&change);
        let op = &out.operations[0];
        assert_eq!(
            (
                op.function_code,
                op.name.as_ref(),
                op.class,
                op.direction,
                op.unit
            ),
            (
                STATE_CHANGE,
                "goose_state_change",
                OperationClass::Write,
                Direction::Unknown,
                Some(0x3001)
            )
        );
        assert!(matches!(
            publisher_counter(&change),
            Some(PublisherCounter::GooseState {
                appid: 0x3001,
                simulation: false,
                st_num: 5867,
                sq_num: 0,
                time_allowed_to_live_ms: 2000,
                ..
            })
        ));
        let ids = out.identity_pairs();
        assert_eq!(
            ids,
            vec![
                ("goose_gocb_ref", "IED1LD0/LLN0$GO$gcb1"),
                ("goose_dataset", "IED1LD0/LLN0$DS1"),
                ("goose_id", "G1"),
            ]
        );
        // The same state repeated (sqNum 1).
        let mut repeat = change.clone();
        let sq = repeat
            .windows(3)
            .position(|w| w == [0x86, 0x01, 0x00])
            .unwrap();
        repeat[sq + 2] = 1;
        let op = &run(&repeat).operations[0];
        assert_eq!(
            (op.function_code, op.name.as_ref(), op.class),
            (RETRANSMISSION, "goose_retransmission", OperationClass::Read)
        );
        // Ethernet padding after the PDU is not an error.
        let mut padded = change.clone();
        padded.extend_from_slice(&[0; 20]);
        assert_eq!(run(&padded).malformed, 0);
    }

    #[test]
    fn truncated_and_malformed_frames() {
        let f = parser::tests::state_change();
        // Cut inside the PDU: counted, no operation.
        for n in 1..f.len() {
            let out = run(&f[..n]);
            assert_eq!((out.operations.len(), out.malformed), (0, 1), "cut at {n}");
        }
        // Not a goosePdu tag.
        let mut bad = f.clone();
        bad[8] = 0x62;
        assert_eq!(run(&bad).malformed, 1);
        // A header length beyond the frame: whatever is there is decoded, and counted.
        let mut long = f.clone();
        long[3] = long[3].wrapping_add(10);
        let out = run(&long);
        assert_eq!((out.operations.len(), out.malformed), (1, 1));
        // A PDU without its stNum.
        let st = f.windows(2).position(|w| w == [0x85, 0x02]).unwrap();
        let mut wide = f.clone();
        wide[st] = 0x81; // now timeAllowedToLive, a field not read
        assert_eq!(run(&wide).malformed, 1);
    }
}
