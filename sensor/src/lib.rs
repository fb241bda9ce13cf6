//! The OT Lens sensor program.
//!
//! - [`inspect`]: `sensor inspect FILE`, a capture file read through the
//!   `traffic` analyzer into a [`report::Report`].
//! - [`text`]: that report as an aligned text report.
//! - [`run`]: `sensor run`, minute digests spooled ([`spool`]) and uploaded
//!   ([`upload`]) to the server.
//! - [`live`]: capture from a network interface (AF_PACKET, TPACKET_V3 ring).
//! - [`cli`]: the command line and [`cli::run`], which `main` calls.
// Only `live` (the AF_PACKET ring) needs unsafe code, and says why at each use.
#![deny(unsafe_code)]

pub mod analyze;
pub mod cli;
pub mod inspect;
pub mod live;
pub mod report;
pub mod run;
pub mod spool;
pub mod text;
pub mod upload;

pub use cli::{Cli, run};
pub use inspect::{InspectError, InspectOptions, inspect, inspect_path};
pub use report::{REPORT_VERSION, Report};
pub use text::render_text;
