//! Writes fuzz corpora seeded from real captures:
//! `cargo run -p traffic --example fuzz_seeds -- CAPTURES_DIR CORPUS_DIR`.
//!
//! - `pcap_reader/`, `pcapng_reader/`: every capture file as it is;
//! - `analyzer_push/`: each capture's first frames in that target's framing;
//! - `dissect_<protocol>/`: each industrial payload (one segment or datagram)
//!   with its ports and direction, in the layout of `traffic::dissect::harness`.
//!
//! Names are content hashes, so running it twice adds nothing.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use traffic::capture::CaptureReader;
use traffic::dissect::{Carrier, PayloadContext, classify, harness};
use traffic::operation::Protocol;
use traffic::packet::{Transport, decode};

/// Seeds kept per dissector: enough variety, small enough to start fast.
const MAX_SEEDS: usize = 300;

fn target_of(p: Protocol) -> &'static str {
    match p {
        Protocol::Modbus => "dissect_modbus",
        Protocol::Enip | Protocol::Cip => "dissect_enip",
        Protocol::S7comm | Protocol::S7commPlus => "dissect_s7comm",
        Protocol::Bacnet => "dissect_bacnet",
        Protocol::Dnp3 => "dissect_dnp3",
        Protocol::Iec104 => "dissect_iec104",
        Protocol::Fins => "dissect_fins",
        Protocol::Melsec => "dissect_melsec",
        Protocol::OpcUa => "dissect_opcua",
        Protocol::ProfinetDcp => "dissect_profinet",
        Protocol::ProfinetIo => "dissect_profinet_io",
        Protocol::Ads => "dissect_ads",
        Protocol::C37118 => "dissect_c37118",
        Protocol::Goose => "dissect_goose",
        Protocol::SampledValues => "dissect_sv",
        Protocol::Mms => "dissect_mms",
        Protocol::CclinkIe => "dissect_cclink",
    }
}

fn captures(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            captures(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e == "pcap" || e == "pcapng")
        {
            found.push(path);
        }
    }
    Ok(())
}

struct Corpus {
    root: PathBuf,
    seen: HashSet<(String, u64)>,
    per_target: std::collections::HashMap<String, usize>,
}

impl Corpus {
    fn add(&mut self, target: &str, bytes: &[u8]) -> std::io::Result<()> {
        let count = self.per_target.entry(target.to_owned()).or_default();
        if *count >= MAX_SEEDS {
            return Ok(());
        }
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        let key = h.finish();
        if !self.seen.insert((target.to_owned(), key)) {
            return Ok(());
        }
        *count += 1;
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("seed-{key:016x}")), bytes)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, captures_dir, corpus_dir] = args.as_slice() else {
        return Err("usage: fuzz_seeds CAPTURES_DIR CORPUS_DIR".into());
    };
    let mut files = Vec::new();
    captures(Path::new(captures_dir), &mut files)?;
    files.sort();
    let mut corpus = Corpus {
        root: PathBuf::from(corpus_dir),
        seen: HashSet::new(),
        per_target: Default::default(),
    };
    for file in &files {
        let bytes = std::fs::read(file)?;
        corpus.add("pcap_reader", &bytes)?;
        corpus.add("pcapng_reader", &bytes)?;
        let Ok(mut reader) = CaptureReader::new(bytes.as_slice()) else {
            continue;
        };
        let mut framed = Vec::new();
        let mut frames = 0;
        while let Some(Ok(packet)) = reader.next_packet() {
            if frames < 64 {
                // analyzer_push: [link type index, time step, length (BE), frame].
                const LINKTYPES: [u32; 9] = [0, 1, 12, 101, 108, 113, 228, 229, 276];
                if let Some(i) = LINKTYPES.iter().position(|&l| l == packet.linktype.0) {
                    let len = packet.data.len().min(usize::from(u16::MAX));
                    framed.push(i as u8);
                    framed.push(1);
                    framed.extend_from_slice(&(len as u16).to_be_bytes());
                    framed.extend_from_slice(&packet.data[..len]);
                    frames += 1;
                }
            }
            let d = decode(packet.linktype, packet.data);
            let (carrier, src_port, dst_port, payload) = match d.transport {
                Transport::Tcp(t) => (
                    Carrier::TcpStream,
                    t.source_port(),
                    t.destination_port(),
                    d.payload,
                ),
                Transport::Udp(u) => (
                    Carrier::UdpDatagram,
                    u.source_port(),
                    u.destination_port(),
                    d.payload,
                ),
                // PROFINET, GOOSE, SV and CC-Link IE (the harness replays them
                // as carrier 2).
                _ if matches!(d.ethertype, Some(0x8892 | 0x88B8 | 0x88BA | 0x890F)) => (
                    Carrier::Ethernet {
                        ethertype: d.ethertype.unwrap_or_default(),
                    },
                    0,
                    0,
                    d.l2_payload,
                ),
                _ => continue,
            };
            if payload.is_empty() {
                continue;
            }
            // The well-known side usually has the lower port; a guess is
            // enough for a seed.
            let ctx = PayloadContext {
                carrier,
                src_port,
                dst_port,
                to_server: dst_port <= src_port,
            };
            if let Some(protocol) = classify(&ctx, payload) {
                let seed = harness::encode(&ctx, payload);
                corpus.add(target_of(protocol), &seed)?;
                // Port 102 is classified S7comm until a TSDU says otherwise;
                // segments that are no S7comm (no protocol id 0x32 / 0x72
                // after a 7-byte TPKT + COTP DT head) also seed MMS.
                if protocol == Protocol::S7comm && !matches!(payload.get(7), Some(0x32 | 0x72)) {
                    corpus.add(target_of(Protocol::Mms), &seed)?;
                }
            }
        }
        if !framed.is_empty() {
            corpus.add("analyzer_push", &framed)?;
        }
    }
    let mut counts: Vec<_> = corpus.per_target.into_iter().collect();
    counts.sort();
    for (target, n) in counts {
        println!("{target}: {n} seeds");
    }
    Ok(())
}
