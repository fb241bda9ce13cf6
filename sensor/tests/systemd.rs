//! The systemd units shipped in `sensor/systemd/` are the ones docs/SENSOR.md
//! shows, and systemd accepts them without a warning.

use std::path::Path;
use std::process::Command;

const UNITS: [&str; 2] = ["otlens-sensor.service", "otlens-sensor-replay@.service"];

fn unit(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("systemd")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_guide_shows_the_shipped_units_verbatim() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/SENSOR.md"))
            .unwrap();
    for name in UNITS {
        assert!(
            guide.contains(&unit(name)),
            "docs/SENSOR.md differs from sensor/systemd/{name}"
        );
    }
}

#[test]
fn systemd_accepts_the_units_without_a_warning() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("OTLENS_REQUIRE_LIVE_TEST").as_deref() != Ok("1"),
            "systemd-analyze is missing"
        );
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in UNITS {
        // The installed path does not exist here: point at the binary under test.
        let text = unit(name).replace("/usr/local/bin/otlens-sensor", env!("CARGO_BIN_EXE_sensor"));
        // A template is verified through an instance of it.
        let file = dir.path().join(name.replace("@.", "@line2-0001.pcap."));
        std::fs::write(&file, text).unwrap();
        files.push(file);
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(&files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.trim(), "", "systemd warns about the units");
}
