//! Typed settings from flags and environment variables. A bad value stops
//! start-up with one line naming the setting.

use std::net::SocketAddr;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "OT Lens server: web portal, server functions, sensor ingestion"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Create the first operator admin on a database that has none.
    /// The password is read from OTLENS_ADMIN_PASSWORD or, if unset, from standard input.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Operator admin")]
        display_name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "OTLENS_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// sqlite:PATH (default, created if missing) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://otlens.db", value_parser = parse_database_url)]
    pub database_url: String,

    /// Seed a demo tenant and demo users, printing their credentials at start.
    #[arg(long, env = "OTLENS_DEMO", default_value = "false", num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub demo: bool,

    /// Fixed password for all demo users (for automated tests); random when unset.
    #[arg(long, env = "OTLENS_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,

    /// With --demo: a folder of capture files (searched recursively) fed
    /// through decoding and storage into the demo tenant at its first start,
    /// so its portal shows traffic. start.sh passes the repo's test captures.
    #[arg(long, env = "OTLENS_DEMO_CAPTURES")]
    pub demo_captures: Option<std::path::PathBuf>,

    /// Days a batch's minute rows (flows, operations, identities, hosts)
    /// are kept once analysed; the batch's totals and everything the
    /// analysis made of it stay. 0 keeps them for ever.
    #[arg(long, env = "OTLENS_RETENTION_DAYS", default_value = "30")]
    pub retention_days: u32,

    /// Days each sensor learns its network before the baseline detections
    /// (new assets, edges, functions, …) alert, in the batches' own time
    /// from its first batch (docs/DETECTIONS.md). 7 unless set; with
    /// --demo-captures 0, so the demo's short captures show baseline
    /// alerts too.
    #[arg(long, env = "OTLENS_LEARNING_DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub learning_days: Option<u32>,

    /// Let alert receivers (syslog, webhooks) be at private or local
    /// addresses: for an installation on the plant's own network. Off, the
    /// server sends only to public addresses, so no tenant can aim it at
    /// the server itself or its neighbours (docs/EXPORT.md).
    #[arg(long, env = "OTLENS_EXPORT_PRIVATE_RECEIVERS", default_value = "false", num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub export_private_receivers: bool,

    /// Milliseconds before an undelivered alert is tried again; the wait
    /// doubles with each failure, up to an hour.
    #[arg(long, env = "OTLENS_EXPORT_RETRY_MS", default_value = "5000", value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub export_retry_ms: u64,

    /// Run the analysis job in this instance (on by default). Off for an
    /// instance that only serves and ingests while another analyses (on
    /// PostgreSQL, instances share the work), or to time ingestion alone.
    #[arg(long, env = "OTLENS_ANALYSIS", default_value = "true", num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub analysis: bool,

    /// Log filter, e.g. info, debug, or server=debug,sqlx=warn.
    #[arg(long, env = "OTLENS_LOG", default_value = "info")]
    pub log_level: String,

    /// Log line format.
    #[arg(long, env = "OTLENS_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "OTLENS_COOKIE_SECURE", default_value = "false", num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub cookie_secure: bool,

    /// Folder of the compiled site (WASM, CSS, assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

fn parse_database_url(value: &str) -> Result<String, String> {
    let v = value.trim();
    if let Some(path) = v.strip_prefix("sqlite:") {
        if path.trim_start_matches('/').is_empty() && !path.contains(":memory:") {
            return Err("a sqlite URL needs a file path, e.g. sqlite://otlens.db".into());
        }
        Ok(v.to_owned())
    } else if v.starts_with("postgres://") || v.starts_with("postgresql://") {
        Ok(v.to_owned())
    } else {
        Err("must start with sqlite: or postgres://".into())
    }
}

impl Settings {
    /// Settings for tests: a free port on loopback and the given database.
    pub fn for_tests(database_url: &str) -> Settings {
        Settings {
            listen: "127.0.0.1:0".parse().expect("a valid literal address"),
            database_url: database_url.to_owned(),
            demo: false,
            demo_password: None,
            demo_captures: None,
            retention_days: 30,
            learning_days: None,
            // The tests' receivers listen on loopback, and come back fast.
            export_private_receivers: true,
            export_retry_ms: 200,
            analysis: true,
            log_level: "warn".into(),
            log_format: LogFormat::Text,
            cookie_secure: false,
            site_root: "target/site".into(),
        }
    }
}

/// The learning period when none is set.
pub const DEFAULT_LEARNING_DAYS: u32 = 7;

impl Settings {
    /// The learning period in days: as set, else 0 for a demo fed with
    /// captures (minutes long: a week of learning would hide every
    /// baseline detection), else [`DEFAULT_LEARNING_DAYS`].
    pub fn learning_days(&self) -> u32 {
        match self.learning_days {
            Some(days) => days,
            None if self.demo && self.demo_captures.is_some() => 0,
            None => DEFAULT_LEARNING_DAYS,
        }
    }

    /// The detector's settings: the learning period, the default dedup
    /// window.
    pub fn detection(&self) -> store::analysis::DetectConfig {
        store::analysis::DetectConfig {
            learning_secs: i64::from(self.learning_days()) * 24 * 3600,
            ..store::analysis::DetectConfig::default()
        }
    }
}

impl Settings {
    /// The alert sender's settings.
    pub fn export(&self) -> crate::alert_export::SenderConfig {
        crate::alert_export::SenderConfig {
            retry_base: std::time::Duration::from_millis(self.export_retry_ms),
            private_allowed: self.export_private_receivers,
            ..crate::alert_export::SenderConfig::default()
        }
    }
}

/// Parses flags and environment, or exits with one line naming what is wrong.
pub fn parse_or_exit() -> Cli {
    match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            let rendered = e.to_string();
            let first = rendered.lines().next().unwrap_or("invalid settings");
            eprintln!(
                "{first} (see --help; every flag also reads its OTLENS_* environment variable)"
            );
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_are_sqlite_on_loopback_port_3000() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.settings.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.settings.database_url, "sqlite://otlens.db");
        assert!(!cli.settings.demo);
    }

    #[test]
    fn a_bad_database_url_names_the_setting() {
        let err = parse(&["--database-url", "mysql://x"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--database-url"), "{err}");
        assert!(err.contains("sqlite: or postgres://"), "{err}");
    }

    #[test]
    fn a_bad_listen_address_names_the_setting() {
        let err = parse(&["--listen", "localhost:http"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--listen"), "{err}");
    }

    #[test]
    fn the_learning_period_is_a_week_unless_set_and_none_in_a_demo_with_captures() {
        let days = |args: &[&str]| parse(args).unwrap().settings.learning_days();
        assert_eq!(days(&[]), 7);
        assert_eq!(days(&["--learning-days", "2"]), 2);
        assert_eq!(days(&["--demo", "--demo-captures", "x"]), 0);
        assert_eq!(
            days(&["--demo", "--demo-captures", "x", "--learning-days", "1"]),
            1
        );
        assert_eq!(days(&["--demo"]), 7);
        let err = parse(&["--learning-days", "4000"]).unwrap_err().to_string();
        assert!(err.contains("--learning-days"), "{err}");
        let learning = parse(&["--learning-days", "1"])
            .unwrap()
            .settings
            .detection();
        assert_eq!(learning.learning_secs, 86_400);
    }

    #[test]
    fn a_bad_boolean_is_refused_not_read_as_true() {
        let err = parse(&["--demo", "maybe"]).unwrap_err().to_string();
        assert!(err.contains("--demo"), "{err}");
        assert!(parse(&["--demo"]).unwrap().settings.demo);
        assert!(!parse(&["--demo", "false"]).unwrap().settings.demo);
    }
}
