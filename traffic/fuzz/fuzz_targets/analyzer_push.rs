//! The analyzer on arbitrary frames. Input layout: a sequence of
//! [link type selector (1 byte), time step (1 byte), length (2 bytes BE), frame bytes].
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::analyzer::{Analyzer, AnalyzerConfig};
use traffic::capture::Timestamp;
use traffic::link::LinkType;

const LINKTYPES: [u32; 9] = [0, 1, 12, 101, 108, 113, 228, 229, 276];

fuzz_target!(|data: &[u8]| {
    let mut a = Analyzer::new(AnalyzerConfig::default());
    let mut rest = data;
    let mut secs = 1_700_000_000u64;
    while rest.len() >= 4 {
        let lt = LinkType(LINKTYPES[usize::from(rest[0]) % LINKTYPES.len()]);
        secs += u64::from(rest[1]);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]])).min(rest.len() - 4);
        let frame = &rest[4..4 + len];
        a.push(Timestamp::from_secs_nanos(secs, 0), lt, frame);
        let _ = a.drain_completed().count();
        rest = &rest[4 + len..];
    }
    let _ = a.finish();
});
