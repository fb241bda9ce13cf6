//! A veth pair whose inner end lives in a network namespace made for one
//! test: frames replayed into the inner end (with `tcpreplay`) arrive on the
//! outer end, where the sensor captures, and nothing else is on the wire.
//!
//! Needs root (namespaces, links) plus `ip` and `tcpreplay` (scripts/setup.sh
//! installs both). Without root the test is skipped with a message, unless
//! `OTLENS_REQUIRE_LIVE_TEST=1` (set by scripts/test.sh) makes that a failure.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Veth {
    pub namespace: String,
    /// The end the sensor captures on, in the test's own namespace.
    pub outer: String,
    inner: String,
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

impl Veth {
    /// Creates the pair, or returns `None` (test skipped) where that cannot be done.
    pub fn create() -> Option<Veth> {
        let required = std::env::var("OTLENS_REQUIRE_LIVE_TEST").as_deref() == Ok("1");
        if !is_root() {
            assert!(
                !required,
                "live-capture tests need root (network namespaces); OTLENS_REQUIRE_LIVE_TEST=1"
            );
            eprintln!("skipped: live-capture tests need root (network namespaces)");
            return None;
        }
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tag = format!("{}{n}", std::process::id() % 100_000);
        let veth = Veth {
            namespace: format!("otlens-{tag}"),
            outer: format!("otlo{tag}"),
            inner: format!("otli{tag}"),
        };
        let setup = || -> Result<(), String> {
            run("ip", &["netns", "add", &veth.namespace])?;
            run(
                "ip",
                &[
                    "link",
                    "add",
                    &veth.outer,
                    "mtu",
                    "9000",
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &veth.inner,
                    "netns",
                    &veth.namespace,
                ],
            )?;
            // No addresses and no IPv6 autoconfiguration: the only frames on
            // the pair are the replayed ones.
            std::fs::write(
                format!("/proc/sys/net/ipv6/conf/{}/disable_ipv6", veth.outer),
                "1",
            )
            .map_err(|e| format!("disabling IPv6 on {}: {e}", veth.outer))?;
            run(
                "ip",
                &[
                    "netns",
                    "exec",
                    &veth.namespace,
                    "sysctl",
                    "-qw",
                    &format!("net.ipv6.conf.{}.disable_ipv6=1", veth.inner),
                ],
            )?;
            run(
                "ip",
                &[
                    "-n",
                    &veth.namespace,
                    "link",
                    "set",
                    &veth.inner,
                    "mtu",
                    "9000",
                    "up",
                ],
            )?;
            run("ip", &["link", "set", &veth.outer, "up"])?;
            Ok(())
        };
        if let Err(e) = setup() {
            panic!("setting up the test network: {e}");
        }
        Some(veth)
    }

    /// Sends every frame of `capture` into the pair, as fast as tcpreplay can
    /// without outrunning a 100 Mbit/s mirror port.
    pub fn replay(&self, capture: &Path) {
        let capture = capture.to_str().expect("utf-8 path");
        if let Err(e) = run(
            "ip",
            &[
                "netns",
                "exec",
                &self.namespace,
                "tcpreplay",
                "-q",
                "--mbps=100",
                "-i",
                &self.inner,
                capture,
            ],
        ) {
            panic!("replaying {capture}: {e}");
        }
    }
}

impl Drop for Veth {
    fn drop(&mut self) {
        // Deleting the namespace deletes the inner end, and with it the pair.
        let _ = run("ip", &["netns", "del", &self.namespace]);
    }
}
