//! Classic pcap reader on arbitrary bytes: every record or a clean error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::capture::PcapReader;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut r) = PcapReader::new(data) {
        while let Some(item) = r.next_packet() {
            if let Ok(p) = item {
                let _ = traffic::packet::decode(p.linktype, p.data);
            }
        }
    }
});
