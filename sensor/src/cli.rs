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
    let written = if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(render_text(&report).as_bytes())
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
