//! The PROFINET IO dissectors on arbitrary payloads (layout:
//! `traffic::dissect::harness`): real-time frames when the carrier is
//! Ethernet, DCE/RPC when it is UDP.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::dissect::harness::dissect_input;
use traffic::operation::Protocol;

fuzz_target!(|data: &[u8]| {
    let _ = dissect_input(Protocol::ProfinetIo, data);
});
