//! Classic pcap reader on arbitrary bytes (seeded with pcap files): every record or a clean
//! error, never a panic; the streaming and in-place readers agree on everything.
#![no_main]

#[path = "../common/readers.rs"]
mod readers;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| readers::readers_agree(data));
