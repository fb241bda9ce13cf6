//! Counters that layer-2 publishers carry frame after frame, followed
//! across frames. The dissectors see one frame at a time; what these
//! counters mean shows only between frames:
//!
//! * a GOOSE control block's state number (stNum) goes up by one for each
//!   new state (IEC 61850-8-1 §18.1). A stNum that skips ahead means states
//!   nobody here saw, or a forged frame pushing a state of its own (the
//!   classic GOOSE injection sends a higher stNum so that subscribers take
//!   it as news); one that goes back means a replay, or the genuine
//!   publisher again after such a frame. Each is an operation of its own,
//!   `goose_st_num_jump` or `goose_st_num_back`, added to the frame's
//!   publication and so carrying the sender's MAC. A control block is
//!   followed by its APPID and gocbRef, not by the sender's MAC:
//!   subscribers do not check the sender, so neither does this, and a
//!   forgery from another MAC is seen as well. Simulated frames (the
//!   simulation flag of test sets) are a stream of their own.
//!
//!   Not events: a restart (stNum back to 0 or 1); the first frame after a
//!   silence longer than twice the frame's timeAllowedToLive (60 s when it
//!   does not say), which only sets where the stream stands again (an IED
//!   out of service, a mirror port changed); and a late copy of the state
//!   just left, up to [`LATE_COPY_NS`] after the change (two capture paths
//!   of a redundant network merged).
//! * a PROFINET IO provider's cycle counter advances by its send cycle
//!   (SendClockFactor × ReductionRatio, in units of 31.25 µs) with every
//!   frame, so the step between frames is the cycle time. Once three
//!   consecutive steps agree, it is reported as the provider's
//!   `cycle_time` for that FrameID; a lost frame doubles one step and
//!   confirms nothing. Followed per sender and FrameID.
//!
//! The first frame of a stream only sets where it starts. The table is
//! bounded: when full, streams silent for a minute make room, and a new
//! stream that finds none is not followed, so a flood of made-up control
//! blocks cannot wipe the state of the real ones.

use crate::capture::Timestamp;
use crate::dissect::goose::{
    self,
    codes::{ST_NUM_BACK, ST_NUM_JUMP},
};
use crate::dissect::{DissectOutput, PublisherCounter};
use crate::ethernet::MacAddr;
use crate::operation::IdentityObservation;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Streams followed at once (a substation has hundreds of GOOSE control
/// blocks, a PROFINET line a few per device).
pub const MAX_PUBLISHER_STREAMS: usize = 65_536;

/// How long after a state change a copy of the state before it is taken
/// as late (merged capture paths) rather than as a step back.
pub const LATE_COPY_NS: u64 = 2_000_000_000;

/// Silence after which a GOOSE stream starts over, when its frames do not
/// say their time allowed to live; also how long a silent stream keeps its
/// place in a full table.
const DEFAULT_SILENCE_NS: u64 = 60_000_000_000;

/// Consecutive equal steps that confirm a cycle time.
const CYCLE_CONFIRMATIONS: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Stream {
    Goose {
        appid: u16,
        control_block: u64,
        simulation: bool,
    },
    Profinet {
        sender: MacAddr,
        frame_id: u16,
    },
}

#[derive(Debug, Clone, Copy)]
enum State {
    Goose {
        st_num: u32,
        /// The state before the current one, and when it changed.
        left: Option<(u32, u64)>,
        /// Silence after which the stream starts over, in nanoseconds.
        silence_ns: u64,
    },
    Cycle {
        counter: u16,
        step: u16,
        agreeing: u8,
        reported: u16,
    },
}

#[derive(Debug, Clone, Copy)]
struct Last {
    state: State,
    seen_ns: u64,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub(super) struct Publishers {
    streams: FxHashMap<Stream, Last>,
    /// When a full table was last searched for silent streams.
    last_sweep_ns: u64,
}

impl Publishers {
    /// Follows `counter`, sent by `sender` at `now`, and adds to `out` what it says.
    pub(super) fn observe(
        &mut self,
        sender: MacAddr,
        counter: PublisherCounter,
        now: Timestamp,
        out: &mut DissectOutput,
    ) {
        let now_ns = now.0;
        let stream = match counter {
            PublisherCounter::GooseState {
                appid,
                control_block,
                simulation,
                ..
            } => Stream::Goose {
                appid,
                control_block,
                simulation,
            },
            PublisherCounter::ProfinetCycle { frame_id, .. } => {
                Stream::Profinet { sender, frame_id }
            }
        };
        let last = self.streams.get(&stream).copied();
        if last.is_none() && !self.make_room(now_ns) {
            return;
        }
        let state = match counter {
            PublisherCounter::GooseState {
                appid,
                st_num,
                time_allowed_to_live_ms,
                ..
            } => goose_state(appid, st_num, time_allowed_to_live_ms, last, now_ns, out),
            PublisherCounter::ProfinetCycle {
                frame_id,
                cycle_counter,
            } => cycle_state(frame_id, cycle_counter, last.map(|l| l.state), out),
        };
        // None: a frame that teaches nothing and moves nothing.
        if let Some(state) = state {
            self.streams.insert(
                stream,
                Last {
                    state,
                    seen_ns: now_ns,
                },
            );
        }
    }

    /// True when a new stream may be added: the table has room, or
    /// streams silent for a minute could be dropped to make some. A full
    /// table is searched at most once a second, so a flood of new streams
    /// costs no more than that.
    fn make_room(&mut self, now_ns: u64) -> bool {
        if self.streams.len() < MAX_PUBLISHER_STREAMS {
            return true;
        }
        if now_ns.saturating_sub(self.last_sweep_ns) < 1_000_000_000 {
            return false;
        }
        self.last_sweep_ns = now_ns;
        self.streams
            .retain(|_, last| now_ns.saturating_sub(last.seen_ns) <= DEFAULT_SILENCE_NS);
        self.streams.len() < MAX_PUBLISHER_STREAMS
    }
}

/// A control block's state after a frame with `st_num`, adding the event
/// it is to `out`; `None` for a late copy, which changes nothing.
fn goose_state(
    appid: u16,
    st_num: u32,
    time_allowed_to_live_ms: u32,
    last: Option<Last>,
    now_ns: u64,
    out: &mut DissectOutput,
) -> Option<State> {
    let silence_ns = match time_allowed_to_live_ms {
        0 => DEFAULT_SILENCE_NS,
        ms => u64::from(ms) * 2_000_000,
    };
    let left = match last {
        Some(Last {
            state:
                State::Goose {
                    st_num: before,
                    left,
                    silence_ns: allowed,
                },
            seen_ns,
        }) if now_ns.saturating_sub(seen_ns) <= allowed => {
            match goose_step(before, left, st_num, now_ns) {
                Step::Same => left,
                Step::LateCopy => return None,
                Step::Next | Step::Restart => Some((before, now_ns)),
                Step::Event(code) => {
                    out.operations.push(goose::operation(code, appid));
                    Some((before, now_ns))
                }
            }
        }
        // New, or silent for too long: it starts here.
        _ => None,
    };
    Some(State::Goose {
        st_num,
        left,
        silence_ns,
    })
}

/// A provider's cycle state after a frame with `cycle_counter`, reporting
/// the cycle time to `out` once confirmed; `None` for the same frame twice.
fn cycle_state(
    frame_id: u16,
    cycle_counter: u16,
    last: Option<State>,
    out: &mut DissectOutput,
) -> Option<State> {
    let Some(State::Cycle {
        counter,
        step,
        agreeing,
        reported,
    }) = last
    else {
        return Some(State::Cycle {
            counter: cycle_counter,
            step: 0,
            agreeing: 0,
            reported: 0,
        });
    };
    let delta = cycle_counter.wrapping_sub(counter);
    if delta == 0 {
        // Mirrored from two ports: nothing learned.
        return None;
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
    Some(State::Cycle {
        counter: cycle_counter,
        step: delta,
        agreeing,
        reported,
    })
}

/// What a control block's stNum did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same,
    Next,
    Restart,
    /// The state just left, shortly after leaving it: ignored.
    LateCopy,
    /// `ST_NUM_JUMP` or `ST_NUM_BACK`.
    Event(u32),
}

fn goose_step(before: u32, left: Option<(u32, u64)>, st_num: u32, now_ns: u64) -> Step {
    // stNum wraps from its largest value to 1 (0 is never sent).
    let next = if before == u32::MAX { 1 } else { before + 1 };
    if st_num == before {
        return Step::Same;
    }
    if st_num == next {
        return Step::Next;
    }
    if st_num <= 1 {
        return Step::Restart;
    }
    if let Some((previous, changed_ns)) = left
        && st_num == previous
        && now_ns.saturating_sub(changed_ns) <= LATE_COPY_NS
    {
        return Step::LateCopy;
    }
    // Ahead by less than half the number space is ahead; the rest is behind.
    if st_num.wrapping_sub(before) < 1 << 31 {
        Step::Event(ST_NUM_JUMP)
    } else {
        Step::Event(ST_NUM_BACK)
    }
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
    const MS: u64 = 1_000_000;

    /// A GOOSE frame of control block 7 at `at_ms`, with a time allowed to live of 2 s.
    fn goose_at(
        p: &mut Publishers,
        sender: MacAddr,
        at_ms: u64,
        st_num: u32,
        sq_num: u32,
    ) -> Vec<String> {
        let mut out = DissectOutput::default();
        p.observe(
            sender,
            PublisherCounter::GooseState {
                appid: 0x3001,
                control_block: 7,
                simulation: false,
                st_num,
                sq_num,
                time_allowed_to_live_ms: 2000,
            },
            Timestamp(at_ms * MS),
            &mut out,
        );
        out.operations.iter().map(|o| o.name.to_string()).collect()
    }

    #[test]
    fn goose_state_numbers_that_skip_or_go_back_are_events() {
        let mut p = Publishers::default();
        let mut ms = 0;
        let mut g = |st, sq| {
            ms += 500;
            goose_at(&mut p, PUBLISHER, ms, st, sq)
        };
        assert!(g(5867, 0).is_empty());
        assert!(g(5867, 1).is_empty());
        assert!(g(5868, 0).is_empty());
        // A forged frame three states ahead, then the genuine publisher
        // again: first a late copy of the state it left (ignored), then
        // its next state, behind the forged one.
        assert_eq!(g(5871, 0), ["goose_st_num_jump"]);
        assert!(g(5868, 1).is_empty());
        assert_eq!(g(5869, 0), ["goose_st_num_back"]);
        assert!(g(5870, 0).is_empty());
        // A restart begins again at 1 (or 0), whatever its sqNum.
        assert!(g(1, 2).is_empty());
        assert!(g(2, 0).is_empty());
        assert!(g(0, 0).is_empty());
        assert!(g(1, 0).is_empty());
        // The wrap from the largest value to 1.
        assert_eq!(g(u32::MAX, 0), ["goose_st_num_back"]);
        assert!(g(1, 3).is_empty());
        // From near the largest value to 2 is ahead, across the wrap (1
        // itself would be a restart).
        assert_eq!(g(u32::MAX - 2, 0), ["goose_st_num_back"]);
        assert_eq!(g(2, 3), ["goose_st_num_jump"]);
    }

    #[test]
    fn a_forgery_from_another_mac_is_seen_and_named_by_its_sender() {
        let mut p = Publishers::default();
        let attacker = MacAddr([2, 0, 0, 0, 0, 0x66]);
        assert!(goose_at(&mut p, PUBLISHER, 0, 10, 0).is_empty());
        assert_eq!(goose_at(&mut p, attacker, 10, 50, 0), ["goose_st_num_jump"]);
        // The genuine publisher's repeat, long after: a step back.
        assert_eq!(
            goose_at(&mut p, PUBLISHER, 3000, 10, 5),
            ["goose_st_num_back"]
        );
    }

    #[test]
    fn a_late_copy_is_no_event_but_an_old_state_later_is() {
        let mut p = Publishers::default();
        assert!(goose_at(&mut p, PUBLISHER, 0, 10, 4).is_empty());
        assert!(goose_at(&mut p, PUBLISHER, 100, 11, 0).is_empty());
        // The other capture path's copy of state 10, 1 ms later.
        assert!(goose_at(&mut p, PUBLISHER, 101, 10, 4).is_empty());
        assert!(goose_at(&mut p, PUBLISHER, 102, 11, 0).is_empty());
        // State 10 again 3 s after the change: a replay.
        assert_eq!(
            goose_at(&mut p, PUBLISHER, 3100, 10, 4),
            ["goose_st_num_back"]
        );
    }

    #[test]
    fn after_a_silence_longer_than_twice_the_time_allowed_to_live_the_stream_starts_over() {
        let mut p = Publishers::default();
        assert!(goose_at(&mut p, PUBLISHER, 0, 10, 0).is_empty());
        // 4 s is the limit: still the same stream.
        assert_eq!(
            goose_at(&mut p, PUBLISHER, 4000, 20, 0),
            ["goose_st_num_jump"]
        );
        // 4.001 s of silence: an IED back in service, no event.
        assert!(goose_at(&mut p, PUBLISHER, 8001, 90, 0).is_empty());
        assert!(goose_at(&mut p, PUBLISHER, 8002, 91, 0).is_empty());
    }

    #[test]
    fn simulated_frames_are_a_stream_of_their_own() {
        let mut p = Publishers::default();
        let mut sim = |st| {
            let mut out = DissectOutput::default();
            p.observe(
                PUBLISHER,
                PublisherCounter::GooseState {
                    appid: 0x3001,
                    control_block: 7,
                    simulation: true,
                    st_num: st,
                    sq_num: 0,
                    time_allowed_to_live_ms: 2000,
                },
                Timestamp(5 * MS),
                &mut out,
            );
            out.operations.len()
        };
        assert_eq!(sim(900), 0);
        assert_eq!(sim(901), 0);
        assert!(goose_at(&mut p, PUBLISHER, 0, 10, 0).is_empty());
        assert!(goose_at(&mut p, PUBLISHER, 6, 11, 0).is_empty());
    }

    #[test]
    fn a_flood_of_made_up_control_blocks_cannot_wipe_the_real_ones() {
        let mut p = Publishers::default();
        assert!(goose_at(&mut p, PUBLISHER, 0, 10, 0).is_empty());
        let flood = MacAddr([2, 0, 0, 0, 0, 0x66]);
        for i in 0..MAX_PUBLISHER_STREAMS as u64 + 10 {
            let mut out = DissectOutput::default();
            p.observe(
                flood,
                PublisherCounter::GooseState {
                    appid: 1,
                    control_block: 1_000 + i,
                    simulation: false,
                    st_num: 5,
                    sq_num: 0,
                    time_allowed_to_live_ms: 60_000,
                },
                Timestamp(MS),
                &mut out,
            );
        }
        assert_eq!(p.streams.len(), MAX_PUBLISHER_STREAMS);
        // The real control block kept its state: a forged stNum still jumps.
        assert_eq!(goose_at(&mut p, flood, 2, 99, 0), ["goose_st_num_jump"]);
        // A minute later the silent made-up streams make room again.
        assert!(goose_at(&mut p, PUBLISHER, 1500, 100, 0).is_empty());
        let mut out = DissectOutput::default();
        p.observe(
            PUBLISHER,
            PublisherCounter::ProfinetCycle {
                frame_id: 0x8001,
                cycle_counter: 0,
            },
            Timestamp(2 * DEFAULT_SILENCE_NS),
            &mut out,
        );
        assert!(p.streams.len() < 10, "{}", p.streams.len());
    }

    fn cycle(p: &mut Publishers, frame_id: u16, cycle_counter: u16) -> Vec<String> {
        let mut out = DissectOutput::default();
        p.observe(
            PUBLISHER,
            PublisherCounter::ProfinetCycle {
                frame_id,
                cycle_counter,
            },
            Timestamp(0),
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
