//! pcapng reader on arbitrary bytes: every block or a clean error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::capture::PcapNgReader;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut r) = PcapNgReader::new(data) {
        while let Some(item) = r.next_packet() {
            if let Ok(p) = item {
                let _ = traffic::packet::decode(p.linktype, p.data);
            }
        }
    }
});
