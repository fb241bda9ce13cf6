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

/// A whole capture's minute digests, and the damaged or cut record reading
/// stopped at, if the file does not end cleanly (a capture stopped while it
/// was being written ends in half a record).
#[derive(Debug)]
pub struct WholeCapture {
    pub minutes: Vec<MinuteDigest>,
    /// Why reading stopped before the end of the file; every packet before
    /// it is in `minutes`.
    pub cut: Option<crate::capture::CaptureError>,
}

/// The minute digests of a capture already in memory, parsed in place, up to
/// its first damaged record: an upload keeps what it could read and says
/// where it stopped. An error only when the file is no capture at all.
pub fn digest_capture_bytes(
    bytes: &[u8],
    cfg: AnalyzerConfig,
) -> Result<WholeCapture, crate::capture::CaptureError> {
    Ok(digest_until_cut(
        crate::capture::CaptureReader::from_slice(bytes)?,
        cfg,
    ))
}

fn digest_reader<S: crate::capture::ByteSource>(
    reader: crate::capture::CaptureReader<S>,
    cfg: AnalyzerConfig,
) -> Result<Vec<MinuteDigest>, crate::capture::CaptureError> {
    let whole = digest_until_cut(reader, cfg);
    match whole.cut {
        Some(e) => Err(e),
        None => Ok(whole.minutes),
    }
}

fn digest_until_cut<S: crate::capture::ByteSource>(
    mut reader: crate::capture::CaptureReader<S>,
    cfg: AnalyzerConfig,
) -> WholeCapture {
    let mut analyzer = Analyzer::new(cfg);
    let mut minutes = Vec::new();
    let mut cut = None;
    while let Some(packet) = reader.next_packet() {
        match packet {
            Ok(packet) => analyzer.push_packet(&packet),
            Err(e) => {
                cut = Some(e);
                break;
            }
        }
        while let Some(d) = analyzer.drain_minute() {
            minutes.push(d);
        }
    }
    minutes.extend(analyzer.finish());
    WholeCapture { minutes, cut }
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
        assert!(in_place.cut.is_none());
        assert_eq!(
            serde_json::to_string(
                &in_place
                    .minutes
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

    #[test]
    fn a_capture_cut_in_a_record_keeps_every_packet_before_the_cut() {
        let bytes = include_bytes!("../../testdata/pcaps/iec104/iec104_090813_diverse.pcap");
        let whole = digest_capture_bytes(bytes, AnalyzerConfig::default()).expect("valid");
        assert!(whole.cut.is_none());
        let packets =
            |minutes: &[MinuteDigest]| -> u64 { minutes.iter().map(|m| m.counters.packets).sum() };
        // The last record loses its final byte, as when capturing stopped mid-write.
        let cut = digest_capture_bytes(&bytes[..bytes.len() - 1], AnalyzerConfig::default())
            .expect("the header is intact");
        let why = cut.cut.expect("the cut is reported").to_string();
        assert!(why.contains("truncated"), "{why}");
        assert_eq!(packets(&cut.minutes), packets(&whole.minutes) - 1);
        assert!(digest_capture(&bytes[..bytes.len() - 1], AnalyzerConfig::default()).is_err());
        assert!(digest_capture_bytes(b"not a capture", AnalyzerConfig::default()).is_err());
    }
}
