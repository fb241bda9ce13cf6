//! Classic pcap reader on arbitrary bytes: every record or a clean error, never a panic; the
//! streaming reader and the in-place (mapped file) reader agree on everything.
#![no_main]

use libfuzzer_sys::fuzz_target;
use traffic::capture::{ByteSource, CaptureError, CaptureReader};

type Read = (Vec<(u64, u32, Vec<u8>)>, Option<String>, u64);

fn read_all<S: ByteSource>(reader: Result<CaptureReader<S>, CaptureError>) -> Read {
    let mut r = match reader {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Some(e.to_string()), 0),
    };
    let mut packets = Vec::new();
    let mut error = None;
    while let Some(item) = r.next_packet() {
        match item {
            Ok(p) => {
                let _ = traffic::packet::decode(p.linktype, p.data);
                packets.push((p.timestamp.0, p.original_len, p.data.to_vec()));
            }
            Err(e) => error = Some(e.to_string()),
        }
    }
    (packets, error, r.position())
}

fuzz_target!(|data: &[u8]| {
    let streamed = read_all(CaptureReader::new(data));
    let in_place = read_all(CaptureReader::from_slice(data));
    assert_eq!(streamed, in_place);
});
