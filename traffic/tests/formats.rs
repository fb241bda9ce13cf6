//! Readers and link decoders on real traffic in other formats and link types:
//! each variant in testdata/formats must give the same results as its Ethernet
//! pcap original.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;
use traffic::capture::{CaptureReader, Format, Timestamp};
use traffic::link::LinkType;

fn formats_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/formats")
}

fn packets(path: &Path) -> (Format, Vec<(Timestamp, LinkType, Vec<u8>)>) {
    let bytes = std::fs::read(path).unwrap();
    let mut r = CaptureReader::new(&bytes[..]).unwrap();
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        out.push((p.timestamp, p.linktype, p.data.to_vec()));
    }
    (r.format(), out)
}

#[test]
fn same_packets_in_every_container() {
    for (variant, original, format) in [
        ("enip_test.pcapng", "enip/enip_test.pcap", Format::PcapNg),
        (
            "profinet_rt_dcp.pcapng",
            "profinet/profinet_rt_dcp.pcap",
            Format::PcapNg,
        ),
        (
            "fins_omron_test.nsec.pcap",
            "fins/fins_omron_test.pcap",
            Format::Pcap,
        ),
        ("enip_test.be.pcap", "enip/enip_test.pcap", Format::Pcap),
        (
            "s7comm_downloading_block_db1.be.pcap",
            "s7comm/s7comm_downloading_block_db1.pcap",
            Format::Pcap,
        ),
    ] {
        let (f, got) = packets(&formats_dir().join(variant));
        let (_, want) = packets(&pcap_dir().join(original));
        assert_eq!(f, format, "{variant}");
        assert_eq!(got, want, "{variant}");
        // The owning iterator yields the same packets.
        let bytes = std::fs::read(formats_dir().join(variant)).unwrap();
        let owned: Vec<_> = CaptureReader::new(&bytes[..])
            .unwrap()
            .owned_packets()
            .map(|p| {
                let p = p.unwrap();
                (p.timestamp, p.linktype, p.data)
            })
            .collect();
        assert_eq!(owned, want, "{variant}");
    }
}

#[test]
fn same_flows_on_every_link_type() {
    for original in [
        "enip/enip_test.pcap",
        "s7comm/s7comm_downloading_block_db1.pcap",
    ] {
        let base = Path::new(original)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let want = run_capture(original);
        let want_ips: BTreeSet<_> = want.analyzer.hosts().seen_ips().copied().collect();
        let want_ops = operation_histogram(&want.digests);
        for (suffix, linktype) in [
            ("raw", LinkType::RAW),
            ("null", LinkType::NULL),
            ("sll", LinkType::LINUX_SLL),
            ("sll2", LinkType::LINUX_SLL2),
        ] {
            let rel = format!("../formats/{base}.{suffix}.pcap");
            let (_, pk) = packets(&pcap_dir().join(&rel));
            assert!(pk.iter().all(|p| p.1 == linktype), "{rel}");
            let got = run_capture(&rel);
            assert_eq!(got.packets, want.packets, "{rel}");
            assert_eq!(
                got.analyzer.flow_stats(),
                want.analyzer.flow_stats(),
                "{rel}"
            );
            let ips: BTreeSet<_> = got.analyzer.hosts().seen_ips().copied().collect();
            assert_eq!(ips, want_ips, "{rel}");
            assert_eq!(operation_histogram(&got.digests), want_ops, "{rel}");
            assert_eq!(got.analyzer.totals().malformed, 0, "{rel}");
            // Cooked captures keep the sender's MAC; raw IP and loopback have none.
            let macs = got.analyzer.hosts().seen_macs().count();
            if suffix.starts_with("sll") {
                assert!(macs > 0, "{rel}");
            } else {
                assert_eq!(macs, 0, "{rel}");
            }
        }
    }
}
