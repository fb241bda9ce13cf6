//! Live capture on a real interface: captures replayed with tcpreplay into a
//! veth pair (in a namespace made by the test) arrive byte for byte, in order,
//! with nothing dropped, and decode as the file does.

#[path = "support/veth.rs"]
mod veth;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sensor::live::{LiveCapture, RingConfig};
use traffic::analyzer::{Analyzer, AnalyzerConfig};
use traffic::capture::CaptureReader;
use traffic::link::LinkType;

fn capture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../traffic/testdata/pcaps")
        .join(relative)
}

fn frames_of(path: &PathBuf) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = CaptureReader::new(bytes.as_slice()).unwrap();
    let mut frames = Vec::new();
    while let Some(p) = reader.next_packet() {
        let p = p.unwrap();
        assert_eq!(
            p.linktype,
            LinkType::ETHERNET,
            "tcpreplay sends Ethernet frames"
        );
        frames.push(p.data.to_vec());
    }
    frames
}

/// Captures on `interface` until `expected` frames arrived or 20 s passed.
fn capture_while(
    interface: &str,
    expected: usize,
    replay: impl FnOnce(),
) -> (Vec<Vec<u8>>, sensor::live::KernelStats, Analyzer) {
    let mut live = LiveCapture::open(interface, RingConfig::with_total_mib(8)).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let collector = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut frames = Vec::new();
            let mut analyzer = Analyzer::new(AnalyzerConfig::default());
            let deadline = Instant::now() + Duration::from_secs(20);
            while frames.len() < expected && Instant::now() < deadline {
                live.next_block(Duration::from_millis(100), |f| {
                    analyzer.push_with_len(f.timestamp, f.linktype, f.data, f.wire_len);
                    frames.push(f.data.to_vec());
                })
                .unwrap();
                if done.load(Ordering::Relaxed) && frames.len() >= expected {
                    break;
                }
            }
            // Anything beyond the expected frames would show here too.
            std::thread::sleep(Duration::from_millis(300));
            live.next_block(Duration::from_millis(200), |f| frames.push(f.data.to_vec()))
                .unwrap();
            (frames, live.stats().unwrap(), analyzer)
        })
    };
    replay();
    done.store(true, Ordering::Relaxed);
    collector.join().unwrap()
}

#[test]
fn replayed_frames_arrive_byte_for_byte_and_none_is_dropped() {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    for name in [
        "iec104/iec104_090813_diverse.pcap",
        "profinet/profinet_rt_dcp.pcap",
        "s7comm/s7comm_downloading_block_db1.pcap",
        "modbus/modbus_digitalbond_test_data_part2.pcap",
        "modbus/modbus_test_2.pcap",
    ] {
        let path = capture(name);
        let expected = frames_of(&path);
        let (got, stats, _) = capture_while(&veth.outer, expected.len(), || veth.replay(&path));
        assert_eq!(got.len(), expected.len(), "{name}: frame count");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(g, e, "{name}: frame {} differs", i + 1);
        }
        assert_eq!(stats.dropped, 0, "{name}: kernel drops");
        assert!(stats.received >= expected.len() as u64, "{name}: {stats:?}");
    }
}

/// Writes `frames` as a classic pcap (Ethernet).
fn write_pcap(path: &std::path::Path, frames: &[Vec<u8>]) {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_700_000_000 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn vlan_tags_the_kernel_takes_off_are_put_back() {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    // The same traffic on VLAN 100 (priority 5): Linux moves the tag out of
    // the frame on receive, and the capture must restore it as on the wire.
    let tagged: Vec<Vec<u8>> = frames_of(&capture("iec104/iec104_090813_diverse.pcap"))
        .into_iter()
        .map(|f| {
            let mut t = f[..12].to_vec();
            t.extend_from_slice(&[0x81, 0x00, 0xa0, 0x64]);
            t.extend_from_slice(&f[12..]);
            t
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vlan100.pcap");
    write_pcap(&path, &tagged);
    let (got, stats, _) = capture_while(&veth.outer, tagged.len(), || veth.replay(&path));
    assert_eq!(got.len(), tagged.len());
    for (i, (g, e)) in got.iter().zip(&tagged).enumerate() {
        assert_eq!(g, e, "frame {} differs", i + 1);
    }
    assert_eq!(stats.dropped, 0);
}

#[test]
fn a_live_capture_decodes_as_the_file_does() {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    let path = capture("s7comm/s7comm_downloading_block_db1.pcap");
    let expected = frames_of(&path);
    let (_, _, mut live) = capture_while(&veth.outer, expected.len(), || veth.replay(&path));
    let bytes = std::fs::read(&path).unwrap();
    let mut file = Analyzer::new(AnalyzerConfig::default());
    let mut reader = CaptureReader::new(bytes.as_slice()).unwrap();
    while let Some(p) = reader.next_packet() {
        file.push_packet(&p.unwrap());
    }
    // Minute boundaries differ (the file's clock against the wall clock), so
    // operations are compared summed over the whole capture.
    let operations = |digests: Vec<traffic::analyzer::MinuteDigest>| {
        let mut ops = std::collections::BTreeMap::<String, u64>::new();
        for o in digests.iter().flat_map(|d| d.operations.iter()) {
            *ops.entry(format!("{:?} {} {:?}", o.protocol, o.name, o.client_ip))
                .or_default() += o.count;
        }
        ops
    };
    let (live_totals, file_totals) = (live.totals(), file.totals());
    let (live_ops, file_ops) = (operations(live.finish()), operations(file.finish()));
    assert!(!file_ops.is_empty(), "the capture holds S7 operations");
    assert_eq!(live_ops, file_ops);
    assert_eq!(live_totals.packets, file_totals.packets);
}

#[test]
fn a_missing_interface_is_a_clear_error() {
    let e = LiveCapture::open("otlens-nope", RingConfig::default())
        .err()
        .expect("refused");
    assert_eq!(
        e.to_string(),
        "interface \"otlens-nope\": no such interface"
    );
}

/// The `nobody` account.
const NOBODY: u32 = 65534;

/// A temp dir owned by `nobody`, with a token file in it.
fn nobody_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "otls_test\n").unwrap();
    for path in [dir.path(), &token] {
        std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    (dir, token)
}

/// `sensor run --interface` as user `nobody`, with CAP_NET_RAW as its only
/// capability (as the systemd unit in docs/SENSOR.md grants it) or with none.
fn sensor_as_nobody(
    net_raw: bool,
    interface: &str,
    token: &std::path::Path,
) -> std::process::Command {
    let caps = if net_raw { "-all,+net_raw" } else { "-all" };
    let mut command = std::process::Command::new("setpriv");
    command
        .arg(format!("--reuid={NOBODY}"))
        .arg(format!("--regid={NOBODY}"))
        .arg("--clear-groups")
        .arg(format!("--inh-caps={caps}"))
        .arg(format!("--bounding-set={caps}"));
    if net_raw {
        command.arg(format!("--ambient-caps={caps}"));
    }
    command
        .arg(env!("CARGO_BIN_EXE_sensor"))
        .args(["run", "--interface", interface, "--sensor-id", "sen_test"])
        .arg("--token-file")
        .arg(token);
    command
}

#[test]
fn the_sensor_program_captures_unprivileged_until_sigterm_and_keeps_what_it_could_not_send() {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    let (dir, token) = nobody_dir();
    let spool = dir.path().join("spool");
    // Nothing listens there: every batch must stay in the spool.
    let unreachable = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let mut child = sensor_as_nobody(true, &veth.outer, &token)
        .args(["--ring-mib", "4", "--server", &unreachable])
        .arg("--spool")
        .arg(&spool)
        .args(["--drain-timeout", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The program logs as it goes: traffic starts once it says it captures.
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let mut stderr = String::new();
    while !stderr.contains("capturing on") {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("never started capturing: {stderr}"));
        stderr.push_str(&line);
        stderr.push('\n');
    }
    let path = capture("iec104/iec104_090813_diverse.pcap");
    let frames = frames_of(&path).len();
    veth.replay(&path);
    std::thread::sleep(Duration::from_millis(500));
    // The signal a service manager sends to stop the service.
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    reader.join().unwrap();
    stderr.extend(lines.try_iter().map(|l| l + "\n"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "left in spool: {stdout} {stderr}"
    );
    assert!(
        stdout.starts_with(&format!("{frames} packets, ")),
        "{stdout} {stderr}"
    );
    let spooled = std::fs::read_dir(&spool)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".batch")
        })
        .count();
    assert!(spooled >= 1, "batches kept in {}", spool.display());
}

#[test]
fn without_cap_net_raw_the_program_says_what_is_missing() {
    let Some(veth) = veth::Veth::create() else {
        return;
    };
    let (dir, token) = nobody_dir();
    let out = sensor_as_nobody(false, &veth.outer, &token)
        .args(["--server", "http://127.0.0.1:9"])
        .arg("--spool")
        .arg(dir.path().join("spool"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "interface \"{}\": capturing needs the CAP_NET_RAW capability",
            veth.outer
        )),
        "{stderr}"
    );
}
