//! Command-line interface: the argument types and [`run`], which does the
//! work and returns the exit code, so tests drive it without a process.

use crate::inspect::{InspectOptions, inspect_path};
use crate::text::render_text;
use clap::{Args, Parser, Subcommand};
use std::io::{ErrorKind, Write};
use std::path::PathBuf;

/// OT Lens sensor.
#[derive(Debug, Parser)]
#[command(
    name = "sensor",
    version,
    about = "OT Lens sensor: decodes industrial network traffic"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a pcap or pcapng file and print what it holds: hosts, conversations,
    /// industrial operations, identities, malformed packets.
    Inspect(InspectArgs),
    /// Decode traffic and upload a digest per minute to the OT Lens server,
    /// spooling to disk while the server is unreachable.
    Run(RunArgs),
    /// Run the server's analysis over capture files and print the inventory:
    /// assets with roles and evidence, edges, zones, and the alerts of the
    /// detection engine (JSON: docs/ANALYSIS.md, docs/DETECTIONS.md).
    Analyze(AnalyzeArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Capture files (pcap or pcapng), read in order; `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON document instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Each file is a zone of its own (captures of separate networks); by
    /// default all files are one network.
    #[arg(long)]
    pub zone_per_file: bool,
    /// Captures of normal operation to learn the baseline from, read before
    /// FILE...; detection on FILE... then compares with it. Takes every file
    /// after it, so put FILE... first. Without it, the first seven days of
    /// batch time are learning: a shorter capture gives only the always-on
    /// alerts.
    #[arg(long = "learn", value_name = "FILE", num_args = 1..)]
    pub learn: Vec<PathBuf>,
    /// Zones defined as the portal defines them, a JSON file:
    /// `{"rules": [{"name", "networks": [CIDR…], "vlans": [id…], "sensor"}]}`
    /// (`sensor` names a file with --zone-per-file, else `capture`).
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// Do not tell devices apart by 802.1Q VLAN: for a mirror port that
    /// tags one direction of a link only (by default the same address on
    /// two VLANs is two devices).
    #[arg(long)]
    pub ignore_vlans: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Server base URL, e.g. https://otlens.example.com
    #[arg(long, env = "OTLENS_SERVER")]
    pub server: String,
    /// File holding the sensor's token (shown once when the sensor was registered).
    #[arg(long, env = "OTLENS_TOKEN_FILE")]
    pub token_file: PathBuf,
    /// The sensor's id as registered (sen_…).
    #[arg(long, env = "OTLENS_SENSOR_ID")]
    pub sensor_id: String,
    /// Capture live from this network interface (e.g. the mirror port's NIC).
    #[arg(
        long,
        value_name = "IF",
        env = "OTLENS_INTERFACE",
        required_unless_present = "pcap",
        conflicts_with = "pcap"
    )]
    pub interface: Option<String>,
    /// Receive ring size for live capture, in MiB: frames wait here while the
    /// sensor is busy; only a full ring makes the kernel drop (and count) them.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub ring_mib: u32,
    /// Replay this capture file instead of capturing live.
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Replay at this multiple of the capture's own timing (default: as fast as possible).
    #[arg(long, value_name = "N", conflicts_with = "max")]
    pub speed: Option<f64>,
    /// Replay as fast as possible (the default).
    #[arg(long)]
    pub max: bool,
    /// Spool directory (batches wait here until acknowledged).
    #[arg(long, default_value = "spool", env = "OTLENS_SPOOL_DIR")]
    pub spool: PathBuf,
    /// Spool bound in MiB; past it the oldest batches are dropped and counted.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub spool_max_mib: u64,
    /// After the capture ends (end of file, or SIGTERM/SIGINT for live
    /// capture), wait at most this many seconds for uploads; a second signal
    /// exits at once. Unsent batches stay in the spool for the next start.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub drain_timeout: u64,
    /// Do not tell devices apart by 802.1Q VLAN: for a mirror port that
    /// tags one direction of a link only (by default the same address on
    /// two VLANs is two devices).
    #[arg(long, env = "OTLENS_IGNORE_VLANS")]
    pub ignore_vlans: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Capture file (pcap or pcapng); `-` reads standard input.
    pub file: PathBuf,
    /// Print one JSON document (shape: sensor/README.md) instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// How many conversations and functions per protocol to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// Runs a parsed command, writing the result to `out` and diagnostics to `err`.
/// Returns the process exit code: 0 on success (also when reading stopped at a
/// damaged record after some packets, which is reported as a warning), 1 when
/// the file could not be inspected.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match cli.command {
        Command::Inspect(args) => run_inspect(&args, out, err),
        Command::Run(args) => run_sensor(&args, out, err),
        Command::Analyze(args) => run_analyze(&args, out, err),
    }
}

fn run_analyze(args: &AnalyzeArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let files: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    let learn: Vec<&std::path::Path> = args.learn.iter().map(PathBuf::as_path).collect();
    let zones = match &args.zones {
        None => analysis::zones::ZonePlan::default(),
        Some(path) => match crate::analyze::read_zones(path) {
            Ok(plan) => plan,
            Err(e) => {
                let _ = writeln!(err, "sensor: {e}");
                return 1;
            }
        },
    };
    let analyzer = traffic::AnalyzerConfig {
        vlans_apart: !args.ignore_vlans,
        ..Default::default()
    };
    let analysis =
        match crate::analyze::analyze_zoned(&learn, &files, args.zone_per_file, &zones, analyzer) {
            Ok(a) => a,
            Err(e) => {
                let _ = writeln!(err, "sensor: {e}");
                return 1;
            }
        };
    for (file, packets, why) in &analysis.stopped {
        let _ = writeln!(
            err,
            "sensor: warning: {file}: reading stopped after {packets} packets: {why}"
        );
    }
    let text = || {
        crate::analyze::render_text(&analysis.report)
            + &crate::analyze::render_alerts(&analysis.alerts)
    };
    emit(out, err, args.json, &analysis.json(), text)
}

fn run_sensor(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let token = match std::fs::read_to_string(&args.token_file) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_owned(),
        Ok(_) => {
            let _ = writeln!(
                err,
                "sensor: {}: the token file is empty",
                args.token_file.display()
            );
            return 2;
        }
        Err(e) => {
            let _ = writeln!(err, "sensor: {}: {e}", args.token_file.display());
            return 2;
        }
    };
    let source = match (&args.interface, &args.pcap) {
        (Some(name), _) => crate::run::Source::Interface {
            name: name.clone(),
            ring: crate::live::RingConfig::with_total_mib(args.ring_mib),
        },
        (None, Some(path)) => {
            let pace = match args.speed {
                Some(s) if s.is_finite() && s > 0.0 => crate::run::Pace::Speed(s),
                Some(s) => {
                    let _ = writeln!(err, "sensor: --speed {s}: must be a positive number");
                    return 2;
                }
                None => crate::run::Pace::Max,
            };
            crate::run::Source::Pcap {
                path: path.clone(),
                pace,
            }
        }
        (None, None) => {
            let _ = writeln!(err, "sensor: give --interface IF or --pcap FILE");
            return 2;
        }
    };
    let cfg = crate::run::RunConfig {
        server: args.server.clone(),
        token,
        sensor_id: args.sensor_id.clone(),
        source,
        spool_dir: args.spool.clone(),
        spool_max_bytes: args.spool_max_mib.saturating_mul(1024 * 1024),
        drain_timeout: std::time::Duration::from_secs(args.drain_timeout),
        analyzer: traffic::AnalyzerConfig {
            vlans_apart: !args.ignore_vlans,
            ..Default::default()
        },
    };
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // The first signal ends the capture and lets the uploads drain; a
        // second one, while draining, exits at once (the spool keeps the rest).
        let registered = signal_hook::flag::register_conditional_shutdown(signal, 1, stop.clone())
            .and_then(|_| signal_hook::flag::register(signal, stop.clone()));
        if let Err(e) = registered {
            let _ = writeln!(err, "sensor: cannot handle signal {signal}: {e}");
            return 1;
        }
    }
    let worker = {
        let log = log.clone();
        std::thread::spawn(move || crate::run::run(&cfg, stop, log))
    };
    // A service runs for months: its log goes out as it happens, not at exit.
    loop {
        let finished = worker.is_finished();
        let lines = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
        for line in lines {
            let _ = writeln!(err, "sensor: {line}");
        }
        let _ = err.flush();
        if finished {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let Ok(result) = worker.join() else {
        let _ = writeln!(err, "sensor: internal error: the capture thread panicked");
        return 1;
    };
    match result {
        Ok(s) => {
            let _ = writeln!(
                out,
                "{} packets, {} minute batches: {} uploaded, {} refused, {} still spooled, {} dropped (spool full)",
                s.packets, s.batches, s.uploaded, s.rejected, s.left_in_spool, s.spool_dropped
            );
            if s.left_in_spool > 0 { 3 } else { 0 }
        }
        Err(e) => {
            let _ = writeln!(err, "sensor: {e}");
            1
        }
    }
}

fn run_inspect(args: &InspectArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let opts = InspectOptions {
        top: args.top,
        ..InspectOptions::default()
    };
    let report = match inspect_path(&args.file, &opts) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "sensor: {e}");
            return 1;
        }
    };
    if let Some(e) = &report.read_error {
        let _ = writeln!(
            err,
            "sensor: warning: {}: reading stopped after {} packets: {}",
            report.file, e.after_packets, e.message
        );
    }
    let text = || render_text(&report);
    emit(out, err, args.json, &report, text)
}

/// Writes `value` as pretty JSON, or the text `text` makes; the exit code.
fn emit<T: serde::Serialize>(
    out: &mut dyn Write,
    err: &mut dyn Write,
    json: bool,
    value: &T,
    text: impl FnOnce() -> String,
) -> i32 {
    let written = if json {
        serde_json::to_writer_pretty(&mut *out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(text().as_bytes())
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => 0,
        // The reader went away (e.g. `| head`): nothing more to say.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "sensor: writing output: {e}");
            1
        }
    }
}
