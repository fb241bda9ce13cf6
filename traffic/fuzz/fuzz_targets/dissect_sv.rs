//! The Sampled Values dissector on arbitrary payloads (layout: `traffic::dissect::harness`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::dissect::harness::dissect_input;
use traffic::operation::Protocol;

fuzz_target!(|data: &[u8]| {
    let _ = dissect_input(Protocol::SampledValues, data);
});
