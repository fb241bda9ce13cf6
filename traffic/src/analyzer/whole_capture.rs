//! Whole-capture digests: a capture file in, all of its minute digests out.

use super::{Analyzer, AnalyzerConfig, MinuteDigest};

/// Every minute digest of a whole capture, in time order: the path a pcap
/// takes when it is uploaded instead of captured live (the portal's proof of
/// concept, `sensor run --pcap`).
pub fn digest_capture<R: std::io::Read>(
    input: R,
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    digest_reader(crate::capture::CaptureReader::new(input)?, cfg)
}

/// [`digest_capture`] of a capture already in memory, parsed in place.
pub fn digest_capture_bytes(
    bytes: &[u8],
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    digest_reader(crate::capture::CaptureReader::from_slice(bytes)?, cfg)
}

fn digest_reader<S: crate::capture::ByteSource>(
    mut reader: crate::capture::CaptureReader<S>,
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    let mut analyzer = Analyzer::new(cfg);
    let mut digests = Vec::new();
    while let Some(packet) = reader.next_packet() {
        analyzer.push_packet(&packet?);
        while let Some(d) = analyzer.drain_minute() {
            digests.push(d);
        }
    }
    digests.extend(analyzer.finish());
    Ok(digests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_becomes_minute_digests_covering_every_packet() {
        let bytes = include_bytes!("../../testdata/pcaps/iec104/iec104_090813_diverse.pcap");
        let digests = digest_capture(&bytes[..], AnalyzerConfig::default()).expect("valid capture");
        assert!(!digests.is_empty());
        assert!(
            digests
                .windows(2)
                .all(|w| w[0].minute_start < w[1].minute_start)
        );
        let mut reader = crate::capture::CaptureReader::new(&bytes[..]).expect("valid");
        let mut packets = 0u64;
        while let Some(p) = reader.next_packet() {
            p.expect("readable");
            packets += 1;
        }
        let digested: u64 = digests.iter().map(|d| d.counters.packets).sum();
        assert_eq!(digested, packets);
        // Parsed in place, the same capture gives the same digests.
        let in_place = digest_capture_bytes(bytes, AnalyzerConfig::default()).expect("valid");
        assert_eq!(
            serde_json::to_string(
                &in_place
                    .into_iter()
                    .map(|d| d.into_batch("s", 1, Default::default()))
                    .collect::<Vec<_>>()
            )
            .unwrap(),
            serde_json::to_string(
                &digests
                    .into_iter()
                    .map(|d| d.into_batch("s", 1, Default::default()))
                    .collect::<Vec<_>>()
            )
            .unwrap()
        );
    }

    #[test]
    fn a_file_that_is_not_a_capture_is_an_error() {
        assert!(digest_capture(&b"hello world"[..], AnalyzerConfig::default()).is_err());
        assert!(digest_capture_bytes(b"hello world", AnalyzerConfig::default()).is_err());
    }
}
