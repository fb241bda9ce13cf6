//! Shared by the capture-reader fuzz targets: reads a whole input through a
//! reader, decoding every packet, and returns what it saw so the streaming and
//! the in-place readers can be compared.

use traffic::capture::{ByteSource, CaptureError, CaptureReader};

/// (timestamp, wire length, bytes) of every packet, the error text, the end position.
pub type Read = (Vec<(u64, u32, Vec<u8>)>, Option<String>, u64);

pub fn read_all<S: ByteSource>(reader: Result<CaptureReader<S>, CaptureError>) -> Read {
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

/// Both readers over `data`: they must agree on every packet, the error and the position.
pub fn readers_agree(data: &[u8]) {
    let streamed = read_all(CaptureReader::new(data));
    let in_place = read_all(CaptureReader::from_slice(data));
    assert_eq!(streamed, in_place);
}
