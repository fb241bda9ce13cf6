//! Counters that layer-2 publishers carry frame after frame, followed per
//! sender. The dissectors see one frame at a time; what these counters mean
//! shows only between frames:
//!
//! * a GOOSE publisher raises its state number (stNum) by one for each new
//!   state (IEC 61850-8-1 §18.1). A stNum that skips ahead means states the
//!   subscribers never saw, or a forged frame pushing a state of its own
//!   (the classic GOOSE injection sends a higher stNum so that subscribers
//!   take it as news); one that goes back means a replay, or the genuine
//!   publisher again after such a frame. Each is an operation of its own,
//!   `goose_st_num_jump` or `goose_st_num_back`, added to the frame's
//!   publication. A restart (stNum 1, sqNum 0) is not one: a publisher
//!   begins there.
//! * a PROFINET IO provider's cycle counter advances by its send cycle
//!   (SendClockFactor × ReductionRatio, in units of 31.25 µs) with every
//!   frame, so the step between frames is the cycle time. Once three
//!   consecutive steps agree, it is reported as the provider's `cycle_time`
//!   for that FrameID; a lost frame doubles one step and confirms nothing.
//!
//! The first frame of a stream only sets its starting point. The table is
//! bounded: when full it starts over, which costs one frame per stream to
//! learn again and never a false event.

use crate::dissect::common::new_op;
use crate::dissect::{DissectOutput, PublisherCounter};
use crate::ethernet::MacAddr;
use crate::operation::{Direction, IdentityObservation, OperationClass, Protocol};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Streams followed at once (a substation has hundreds of GOOSE control
/// blocks, a PROFINET line a few per device).
pub const MAX_PUBLISHER_STREAMS: usize = 65_536;

/// GOOSE function codes of the events (publications are 0 and 1, `dissect::goose::codes`).
pub const GOOSE_ST_NUM_JUMP: u32 = 2;
pub const GOOSE_ST_NUM_BACK: u32 = 3;

/// Consecutive equal steps that confirm a cycle time.
const CYCLE_CONFIRMATIONS: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stream {
    Goose { appid: u16, control_block: u64 },
    Profinet { frame_id: u16 },
}

#[derive(Debug, Clone, Copy)]
enum Last {
    Goose {
        st_num: u32,
    },
    Cycle {
        counter: u16,
        step: u16,
        agreeing: u8,
        reported: u16,
    },
}

/// See the module documentation.
#[derive(Debug, Default)]
pub(super) struct Publishers {
    streams: FxHashMap<(MacAddr, Stream), Last>,
}

impl Publishers {
    /// Follows `counter`, sent by `sender`, and adds to `out` what it says.
    pub(super) fn observe(
        &mut self,
        sender: MacAddr,
        counter: PublisherCounter,
        out: &mut DissectOutput,
    ) {
        let stream = match counter {
            PublisherCounter::GooseState {
                appid,
                control_block,
                ..
            } => Stream::Goose {
                appid,
                control_block,
            },
            PublisherCounter::ProfinetCycle { frame_id, .. } => Stream::Profinet { frame_id },
        };
        if self.streams.len() >= MAX_PUBLISHER_STREAMS
            && !self.streams.contains_key(&(sender, stream))
        {
            self.streams.clear();
        }
        let last = self.streams.get(&(sender, stream)).copied();
        let next = match (counter, last) {
            (
                PublisherCounter::GooseState {
                    appid,
                    st_num,
                    sq_num,
                    ..
                },
                last,
            ) => {
                if let Some(Last::Goose { st_num: before }) = last {
                    goose_step(appid, before, st_num, sq_num, out);
                }
                Last::Goose { st_num }
            }
            (
                PublisherCounter::ProfinetCycle {
                    frame_id,
                    cycle_counter,
                },
                Some(Last::Cycle {
                    counter,
                    step,
                    agreeing,
                    reported,
                }),
            ) => {
                let delta = cycle_counter.wrapping_sub(counter);
                if delta == 0 {
                    // The same frame twice (mirrored from two ports): nothing learned.
                    return;
                }
                let agreeing = if delta == step {
                    agreeing.saturating_add(1)
                } else {
                    1
                };
                let mut reported = reported;
                if agreeing >= CYCLE_CONFIRMATIONS && delta != reported {
                    reported = delta;
                    out.identities.push(IdentityObservation {
                        source: Cow::Borrowed("profinet_io"),
                        attribute: Cow::Borrowed("cycle_time"),
                        value: format!(
                            "{} (FrameID 0x{frame_id:04X})",
                            cycle_time_text(u32::from(delta))
                        ),
                    });
                }
                Last::Cycle {
                    counter: cycle_counter,
                    step: delta,
                    agreeing,
                    reported,
                }
            }
            (PublisherCounter::ProfinetCycle { cycle_counter, .. }, _) => Last::Cycle {
                counter: cycle_counter,
                step: 0,
                agreeing: 0,
                reported: 0,
            },
        };
        self.streams.insert((sender, stream), next);
    }
}

/// Adds the event a GOOSE state number's step from `before` to `st_num` is, if any.
fn goose_step(appid: u16, before: u32, st_num: u32, sq_num: u32, out: &mut DissectOutput) {
    // stNum wraps from its largest value to 1 (0 is never sent).
    let next = if before == u32::MAX { 1 } else { before + 1 };
    let restart = st_num == 1 && sq_num == 0;
    if st_num == before || st_num == next || restart {
        return;
    }
    // Ahead by less than half the number space is ahead; the rest is behind.
    let ahead = st_num.wrapping_sub(before) < 1 << 31;
    let (code, name) = if ahead {
        (GOOSE_ST_NUM_JUMP, "goose_st_num_jump")
    } else {
        (GOOSE_ST_NUM_BACK, "goose_st_num_back")
    };
    let mut op = new_op(
        Protocol::Goose,
        Direction::Unknown,
        code,
        Cow::Borrowed(name),
        OperationClass::Write,
    );
    op.unit = Some(u32::from(appid));
    out.operations.push(op);
}

/// A cycle of `units` × 31.25 µs, as a person would write it: "1 ms", "250 µs", "31.25 µs".
pub fn cycle_time_text(units: u32) -> String {
    // In hundredths of a microsecond, so that 31.25 µs stays exact.
    let centi_us = u64::from(units) * 3125;
    let (whole, frac, unit) = if centi_us >= 100_000 {
        (centi_us / 100_000, centi_us % 100_000, "ms")
    } else {
        (centi_us / 100, (centi_us % 100) * 1000, "µs")
    };
    if frac == 0 {
        format!("{whole} {unit}")
    } else {
        let digits = format!("{frac:05}");
        format!("{whole}.{} {unit}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLISHER: MacAddr = MacAddr([0, 0, 0x23, 6, 0x30, 0xfe]);

    fn goose(p: &mut Publishers, sender: MacAddr, st_num: u32, sq_num: u32) -> Vec<String> {
        let mut out = DissectOutput::default();
        p.observe(
            sender,
            PublisherCounter::GooseState {
                appid: 0x3001,
                control_block: 7,
                st_num,
                sq_num,
            },
            &mut out,
        );
        out.operations.iter().map(|o| o.name.to_string()).collect()
    }

    #[test]
    fn goose_state_numbers_that_skip_or_go_back_are_events() {
        let mut p = Publishers::default();
        assert!(goose(&mut p, PUBLISHER, 5867, 0).is_empty());
        assert!(goose(&mut p, PUBLISHER, 5867, 1).is_empty());
        assert!(goose(&mut p, PUBLISHER, 5868, 0).is_empty());
        // A forged frame three states ahead, then the genuine publisher again.
        assert_eq!(goose(&mut p, PUBLISHER, 5871, 0), ["goose_st_num_jump"]);
        assert_eq!(goose(&mut p, PUBLISHER, 5869, 0), ["goose_st_num_back"]);
        assert!(goose(&mut p, PUBLISHER, 5870, 0).is_empty());
        // A restart begins again at 1.
        assert!(goose(&mut p, PUBLISHER, 1, 0).is_empty());
        assert!(goose(&mut p, PUBLISHER, 2, 0).is_empty());
        // Another sender of the same control block is followed apart: it
        // wraps from the largest value to 1, then skips.
        let other = MacAddr([0, 0, 0x23, 6, 0x30, 0xff]);
        assert!(goose(&mut p, other, u32::MAX, 0).is_empty());
        assert!(goose(&mut p, other, 1, 3).is_empty());
        assert!(goose(&mut p, PUBLISHER, 3, 0).is_empty());
        assert_eq!(goose(&mut p, other, 3, 0), ["goose_st_num_jump"]);
        // Skipping the largest value is a jump across the wrap.
        assert!(
            goose(&mut p, other, u32::MAX - 1, 0)
                .iter()
                .eq(["goose_st_num_back"])
        );
        assert_eq!(goose(&mut p, other, 1, 3), ["goose_st_num_jump"]);
    }

    #[test]
    fn a_full_table_starts_over_without_false_events() {
        let mut p = Publishers::default();
        for i in 0..MAX_PUBLISHER_STREAMS as u32 {
            let mac = MacAddr([2, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8, 0]);
            goose(&mut p, mac, 10, 0);
        }
        assert_eq!(p.streams.len(), MAX_PUBLISHER_STREAMS);
        assert!(goose(&mut p, PUBLISHER, 500, 0).is_empty());
        assert_eq!(p.streams.len(), 1);
        assert!(
            goose(&mut p, PUBLISHER, 900, 0)
                .iter()
                .eq(["goose_st_num_jump"])
        );
    }

    fn cycle(p: &mut Publishers, frame_id: u16, cycle_counter: u16) -> Vec<String> {
        let mut out = DissectOutput::default();
        p.observe(
            PUBLISHER,
            PublisherCounter::ProfinetCycle {
                frame_id,
                cycle_counter,
            },
            &mut out,
        );
        out.identities.iter().map(|i| i.value.clone()).collect()
    }

    #[test]
    fn the_cycle_time_is_reported_once_three_steps_agree() {
        let mut p = Publishers::default();
        // 1 ms = 32 units; the counter wraps at 65,536.
        let mut reported = Vec::new();
        for n in 0..6u16 {
            reported.extend(cycle(&mut p, 0x8001, 65_500u16.wrapping_add(n * 32)));
        }
        assert_eq!(reported, ["1 ms (FrameID 0x8001)"]);
        // A lost frame (one step of 64) and a duplicate confirm nothing new.
        assert!(cycle(&mut p, 0x8001, 65_500u16.wrapping_add(7 * 32)).is_empty());
        assert!(cycle(&mut p, 0x8001, 65_500u16.wrapping_add(7 * 32)).is_empty());
        assert!(cycle(&mut p, 0x8001, 65_500u16.wrapping_add(8 * 32)).is_empty());
        // The connection set up again at 4 ms.
        let mut at = 1000u16;
        let mut reported = Vec::new();
        for _ in 0..5 {
            reported.extend(cycle(&mut p, 0x8001, at));
            at = at.wrapping_add(128);
        }
        assert_eq!(reported, ["4 ms (FrameID 0x8001)"]);
        // Another FrameID of the same provider has its own cycle.
        let reported: Vec<String> = (0..5u16)
            .flat_map(|n| cycle(&mut p, 0x0100, n * 8))
            .collect();
        assert_eq!(reported, ["250 µs (FrameID 0x0100)"]);
    }

    #[test]
    fn cycle_times_read_as_written() {
        assert_eq!(cycle_time_text(1), "31.25 µs");
        assert_eq!(cycle_time_text(2), "62.5 µs");
        assert_eq!(cycle_time_text(8), "250 µs");
        assert_eq!(cycle_time_text(32), "1 ms");
        assert_eq!(cycle_time_text(48), "1.5 ms");
        assert_eq!(cycle_time_text(33), "1.03125 ms");
        assert_eq!(cycle_time_text(16_384), "512 ms");
        assert_eq!(cycle_time_text(65_535), "2047.96875 ms");
    }
}
