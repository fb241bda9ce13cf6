//! Profiling aid: runs one [`Analyzer`] over a capture held in memory, so the
//! time printed is decoding and analysis alone, without file reads.
//!
//! `cargo run --release -p traffic --example analyze_file -- FILE [--no-dissect] [--passes N]`
//!
//! With `--passes N` the file is analysed N times (a fresh analyzer each time)
//! and the fastest pass is printed, which filters out a busy machine's noise.

use std::time::Instant;
use traffic::analyzer::{Analyzer, AnalyzerConfig};
use traffic::capture::CaptureReader;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: analyze_file FILE [--no-dissect] [--passes N]");
        std::process::exit(2);
    };
    let dissect = !args.iter().any(|a| a == "--no-dissect");
    let passes: u32 = args
        .iter()
        .position(|a| a == "--passes")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mut best = f64::MAX;
    let (mut packets, mut minutes) = (0u64, 0usize);
    for _ in 0..passes.max(1) {
        let start = Instant::now();
        (packets, minutes) = match analyze(&bytes, dissect) {
            Ok(counts) => counts,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{packets} packets, {minutes} minute digests, {:.3} s, {:.1} MB/s of file, {:.0} ns/packet",
        best,
        bytes.len() as f64 / best / 1e6,
        best * 1e9 / packets as f64
    );
}

/// One pass: (packets, minute digests).
fn analyze(bytes: &[u8], dissect: bool) -> Result<(u64, usize), traffic::capture::CaptureError> {
    let mut reader = CaptureReader::from_slice(bytes)?;
    let mut analyzer = Analyzer::new(AnalyzerConfig {
        dissect,
        ..AnalyzerConfig::default()
    });
    let (mut packets, mut minutes) = (0u64, 0usize);
    while let Some(Ok(p)) = reader.next_packet() {
        analyzer.push_packet(&p);
        packets += 1;
        while analyzer.drain_minute().is_some() {
            minutes += 1;
        }
    }
    minutes += analyzer.finish().len();
    Ok((packets, minutes))
}
