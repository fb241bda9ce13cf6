//! Never panic: arbitrary bytes into every decoder, every truncation of every
//! test packet, and writer → reader round trips for both capture formats.

mod common;

use common::*;
use proptest::prelude::*;
use traffic::analyzer::{Analyzer, AnalyzerConfig};
use traffic::capture::{
    ByteSource, CaptureError, CaptureReader, PcapNgReader, PcapReader, Timestamp,
};
use traffic::ethernet::MacAddr;
use traffic::link::LinkType;
use traffic::packet::decode;

const LINKTYPES: [LinkType; 9] = [
    LinkType::NULL,
    LinkType::ETHERNET,
    LinkType::RAW_DLT12,
    LinkType::RAW,
    LinkType::LOOP,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
];

/// Reads every packet, returning the packets' bytes and the final error.
///
/// Reads twice, through a [`std::io::Read`] and from the slice in place, and
/// checks that both readers agree on every packet and on the error.
fn read_all(bytes: &[u8]) -> (Vec<Vec<u8>>, Option<CaptureError>) {
    /// (timestamp, wire length, bytes) of each packet.
    type Packets = Vec<(Timestamp, u32, Vec<u8>)>;
    fn drain<S: ByteSource>(
        reader: Result<CaptureReader<S>, CaptureError>,
    ) -> (Packets, Option<CaptureError>, u64) {
        let mut out = Vec::new();
        let mut err = None;
        let mut position = 0;
        match reader {
            Ok(mut r) => {
                while let Some(item) = r.next_packet() {
                    match item {
                        Ok(p) => out.push((p.timestamp, p.original_len, p.data.to_vec())),
                        Err(e) => err = Some(e),
                    }
                }
                position = r.position();
            }
            Err(e) => err = Some(e),
        }
        (out, err, position)
    }
    let (streamed, err, streamed_at) = drain(CaptureReader::new(bytes));
    let (in_place, in_place_err, in_place_at) = drain(CaptureReader::from_slice(bytes));
    assert_eq!(streamed, in_place, "readers disagree on packets");
    assert_eq!(
        err.as_ref().map(ToString::to_string),
        in_place_err.as_ref().map(ToString::to_string),
        "readers disagree on the error"
    );
    assert_eq!(streamed_at, in_place_at, "readers disagree on the position");
    (streamed.into_iter().map(|(_, _, d)| d).collect(), err)
}

/// A classic pcap file in either byte order and timestamp resolution.
fn write_pcap(big_endian: bool, nanos: bool, packets: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut f = Vec::new();
    f.extend(w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    f.extend(w16(2));
    f.extend(w16(4));
    f.extend(w32(0));
    f.extend(w32(0));
    f.extend(w32(65535));
    f.extend(w32(1));
    for (s, frac, data) in packets {
        f.extend(w32(*s));
        f.extend(w32(*frac));
        f.extend(w32(data.len() as u32));
        f.extend(w32(data.len() as u32));
        f.extend(data);
    }
    f
}

/// A pcapng file with one section of the given byte order, one Ethernet interface, EPBs.
fn write_pcapng(big_endian: bool, packets: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let block = |t: u32, body: &[u8]| {
        let len = 12 + body.len() as u32;
        let mut b = w32(t).to_vec();
        b.extend(w32(len));
        b.extend(body);
        b.extend(w32(len));
        b
    };
    let mut shb = w32(0x1a2b_3c4d).to_vec();
    shb.extend(if big_endian {
        [0, 1, 0, 0]
    } else {
        [1, 0, 0, 0]
    });
    shb.extend([0xff; 8]);
    let mut f = block(0x0a0d_0d0a, &shb);
    let mut idb = if big_endian {
        vec![0, 1, 0, 0]
    } else {
        vec![1, 0, 0, 0]
    };
    idb.extend(w32(0));
    f.extend(block(1, &idb));
    for (ts, data) in packets {
        let mut b = w32(0).to_vec();
        b.extend(w32((ts >> 32) as u32));
        b.extend(w32(*ts as u32));
        b.extend(w32(data.len() as u32));
        b.extend(w32(data.len() as u32));
        b.extend(data);
        b.resize(b.len().div_ceil(4) * 4, 0);
        f.extend(block(6, &b));
    }
    f
}

/// Real frames from the test captures (every 8th), to mutate.
fn sample_frames() -> &'static [(LinkType, Vec<u8>)] {
    static FRAMES: std::sync::OnceLock<Vec<(LinkType, Vec<u8>)>> = std::sync::OnceLock::new();
    FRAMES.get_or_init(|| {
        let mut out = Vec::new();
        for file in capture_files() {
            let bytes = std::fs::read(pcap_dir().join(&file)).unwrap();
            let mut r = CaptureReader::new(&bytes[..]).unwrap();
            let mut i = 0;
            while let Some(Ok(p)) = r.next_packet() {
                if i % 8 == 0 {
                    out.push((p.linktype, p.data.to_vec()));
                }
                i += 1;
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Real frames with a few bytes changed reach deep into the decoders and dissectors.
    #[test]
    fn mutated_real_frames_never_panic(picks in proptest::collection::vec((any::<prop::sample::Index>(), proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6), any::<prop::sample::Index>()), 1..24)) {
        let frames = sample_frames();
        let mut a = Analyzer::new(AnalyzerConfig::default());
        for (i, (pick, edits, cut)) in picks.iter().enumerate() {
            let (lt, f) = &frames[pick.index(frames.len())];
            let mut f = f.clone();
            for (pos, b) in edits {
                let at = pos.index(f.len().max(1));
                if let Some(x) = f.get_mut(at) {
                    *x = *b;
                }
            }
            f.truncate(cut.index(f.len() + 1).max(f.len() / 2));
            a.push(Timestamp::from_secs_nanos(i as u64, 0), *lt, &f);
        }
        let digests = a.finish();
        prop_assert_eq!(digests.iter().map(|d| d.counters.packets).sum::<u64>(), picks.len() as u64);
    }

    #[test]
    fn decode_never_panics(lt in 0usize..LINKTYPES.len(), data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let p = decode(LINKTYPES[lt], &data);
        prop_assert!(p.payload.len() <= data.len());
    }

    #[test]
    fn analyzer_never_panics(frames in proptest::collection::vec((0u64..200, 0usize..LINKTYPES.len(), proptest::collection::vec(any::<u8>(), 0..120)), 1..20)) {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        for (secs, lt, data) in &frames {
            a.push(Timestamp::from_secs_nanos(*secs, 0), LINKTYPES[*lt], data);
        }
        let digests = a.finish();
        let n: u64 = digests.iter().map(|d| d.counters.packets).sum();
        prop_assert_eq!(n, frames.len() as u64);
    }

    #[test]
    fn readers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300), magic in 0usize..3) {
        // Start from a valid header sometimes so the record parsers get exercised.
        let mut bytes = match magic {
            0 => write_pcap(false, false, &[]),
            1 => write_pcapng(true, &[]),
            _ => Vec::new(),
        };
        bytes.extend(&data);
        let _ = read_all(&bytes);
    }

    #[test]
    fn pcap_round_trip(big in any::<bool>(), nanos in any::<bool>(), pkts in proptest::collection::vec((any::<u32>(), 0u32..999_999, proptest::collection::vec(any::<u8>(), 0..80)), 0..8)) {
        let f = write_pcap(big, nanos, &pkts);
        let mut r = PcapReader::new(&f[..]).unwrap();
        for (s, frac, data) in &pkts {
            let p = r.next_packet().unwrap().unwrap();
            prop_assert_eq!(p.data, &data[..]);
            let ns = if nanos { u64::from(*frac) } else { u64::from(*frac) * 1000 };
            prop_assert_eq!(p.timestamp, Timestamp::from_secs_nanos(u64::from(*s), ns));
        }
        prop_assert!(r.next_packet().is_none());
    }

    #[test]
    fn pcapng_round_trip(big in any::<bool>(), pkts in proptest::collection::vec((0u64..(1u64 << 52), proptest::collection::vec(any::<u8>(), 0..80)), 0..8)) {
        let f = write_pcapng(big, &pkts);
        let mut r = PcapNgReader::new(&f[..]).unwrap();
        for (ts, data) in &pkts {
            let p = r.next_packet().unwrap().unwrap();
            prop_assert_eq!(p.data, &data[..]);
            // Default resolution is microseconds.
            prop_assert_eq!(p.timestamp, Timestamp(ts * 1000));
        }
        prop_assert!(r.next_packet().is_none());
    }

    #[test]
    fn mac_text_round_trip(b in any::<[u8; 6]>()) {
        let m = MacAddr(b);
        prop_assert_eq!(m.to_string().parse::<MacAddr>().unwrap(), m);
    }
}

/// Every prefix of every packet in every test capture decodes without panicking,
/// and (for a sample of packets) goes through the whole analyzer.
#[test]
fn every_truncation_of_every_test_packet() {
    let mut analyzer = Analyzer::new(AnalyzerConfig::default());
    let mut decoded = 0u64;
    for file in capture_files() {
        let bytes = std::fs::read(pcap_dir().join(&file)).unwrap();
        let mut r = CaptureReader::new(&bytes[..]).unwrap();
        let mut i = 0u64;
        while let Some(Ok(p)) = r.next_packet() {
            for cut in 0..=p.data.len() {
                let d = decode(p.linktype, &p.data[..cut]);
                assert!(d.payload.len() <= cut);
                decoded += 1;
                if i.is_multiple_of(16) {
                    analyzer.push(p.timestamp, p.linktype, &p.data[..cut]);
                }
            }
            i += 1;
        }
    }
    assert!(decoded > 1_000_000);
    let _ = analyzer.finish();
}

/// Every truncation of the small captures reads cleanly: the packets before the
/// cut, then a truncation error unless the cut falls on a record boundary.
#[test]
fn every_truncation_of_small_captures() {
    for file in [
        "enip/enip_test.pcap",
        "profinet/profinet_rt_dcp.pcap",
        "bacnet/bacnet_iti_test.pcap",
    ] {
        let bytes = std::fs::read(pcap_dir().join(file)).unwrap();
        let (all, err) = read_all(&bytes);
        assert!(err.is_none());
        for cut in 0..bytes.len() {
            let (got, err) = read_all(&bytes[..cut]);
            assert!(got.len() <= all.len());
            assert_eq!(&got[..], &all[..got.len()], "{file} cut at {cut}");
            if got.len() < all.len() && cut > 24 {
                let boundary = err.is_none();
                if !boundary {
                    assert!(
                        matches!(err, Some(CaptureError::Truncated { .. })),
                        "{file} cut at {cut}: {err:?}"
                    );
                }
            }
        }
    }
}

/// The known-truncated MELSEC capture: 2041 whole packets, then a clear error for the last.
#[test]
fn melsec_truncated_final_record() {
    let bytes = std::fs::read(pcap_dir().join("melsec/melsec_melsoft_129_clean.pcap")).unwrap();
    let (packets, err) = read_all(&bytes);
    assert_eq!(packets.len(), 2041);
    match err {
        Some(CaptureError::Truncated {
            record: 2042,
            field: "packet data",
            needed: 157,
            available: 95,
            ..
        }) => {}
        other => panic!("unexpected: {other:?}"),
    }
}
