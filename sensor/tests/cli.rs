//! The `sensor` binary and `sensor::run`: exit codes, messages, JSON output.

use clap::Parser;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn pcap(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../traffic/testdata/pcaps"
    ))
    .join(rel)
}

fn sensor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sensor"))
}

/// Runs `sensor::run` in-process: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let cli =
        sensor::Cli::try_parse_from(std::iter::once("sensor").chain(args.iter().copied())).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = sensor::run(cli, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn binary_json_output_parses_and_matches_the_library() {
    let file = pcap("modbus/modbus_test_2.pcap");
    let out = sensor()
        .args(["inspect", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["report_version"], 1);
    assert_eq!(v["format"], "pcap");
    assert_eq!(v["packets"], 4901);
    assert_eq!(v["conversations"]["tcp"], 122);
    assert_eq!(v["operations"]["protocols"][0]["protocol"], "modbus");
    assert_eq!(v["operations"]["by_class"]["read"], 3975);
    assert!(
        v["time"]["first"]
            .as_str()
            .unwrap()
            .starts_with("2017-06-09T07:58:06")
    );
    // The typed report reads back.
    let typed: sensor::Report = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(typed.packets, 4901);
    assert!(out.stderr.is_empty());
}

#[test]
fn binary_reads_standard_input() {
    let bytes = std::fs::read(pcap("bacnet/bacnet_iti_test.pcap")).unwrap();
    let mut child = sensor()
        .args(["inspect", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["file"], "-");
    assert_eq!(v["packets"], 26);
}

#[test]
fn binary_text_report_lists_hosts_and_operations() {
    let out = sensor()
        .arg("inspect")
        .arg(pcap("modbus/modbus_test_2.pcap"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Packets   4901 (343182 bytes on the wire)"),
        "{text}"
    );
    assert!(
        text.contains("192.168.0.20  00:90:e8:4c:83:db  MOXA"),
        "{text}"
    );
    assert!(
        text.contains("192.168.0.21  ->  192.168.0.20:502  tcp        modbus"),
        "{text}"
    );
    assert!(
        text.contains("read_input_registers       4  read    3889"),
        "{text}"
    );
}

#[test]
fn not_a_capture_exits_1_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "these are not packets\n").unwrap();
    let out = sensor().arg("inspect").arg(&notes).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "sensor: {}: not a pcap or pcapng file (magic 0x74686573)\n",
            notes.display()
        )
    );

    let (code, out, err) = run(&["inspect", "--json", notes.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err.lines().count(), 1);

    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, "").unwrap();
    let (code, _, err) = run(&["inspect", empty.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.ends_with("empty.pcap: not a pcap or pcapng file (empty)\n"),
        "{err}"
    );

    let missing = dir.path().join("missing.pcap");
    let (code, _, err) = run(&["inspect", missing.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("missing.pcap: cannot open: "), "{err}");
}

#[test]
fn truncated_capture_warns_and_exits_0() {
    let file = pcap("melsec/melsec_melsoft_129_clean.pcap");
    let out = sensor()
        .args(["inspect", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["packets"], 2041);
    let msg = v["read_error"]["message"].as_str().unwrap();
    assert!(msg.contains("record 2042 truncated"), "{msg}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("sensor: warning: "), "{err}");
    assert!(err.contains("record 2042 truncated"), "{err}");
    assert_eq!(err.lines().count(), 1);

    let (code, text, _) = run(&["inspect", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        text.contains("WARNING   reading stopped after 2041 packets"),
        "{text}"
    );
}

#[test]
fn pcap_cut_after_some_packets_is_a_warning_not_an_error() {
    let bytes = std::fs::read(pcap("dnp3/dnp3_zeek_dnp3.pcap")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, out, err) = run(&["inspect", "--json", cut.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["packets"].as_u64().unwrap() > 0);
    assert!(
        v["read_error"]["message"]
            .as_str()
            .unwrap()
            .contains("truncated")
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = sensor().arg("inspect").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sensor().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn analyze_prints_the_inventory_of_several_captures() {
    let s7 = pcap("s7comm/s7comm_downloading_block_db1.pcap");
    let melsec = pcap("melsec/melsec_melsoft_129_clean.pcap");
    let (code, out, err) = run(&[
        "analyze",
        "--json",
        s7.to_str().unwrap(),
        melsec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    // The MELSEC capture ends in a cut record: a warning, not a failure.
    assert!(err.contains("reading stopped after"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let role_of = |ip: &str| {
        v["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["ips"].as_array().unwrap().iter().any(|z| z["ip"] == ip))
            .map(|a| a["role"].as_str().unwrap().to_owned())
    };
    assert_eq!(role_of("192.168.1.40").as_deref(), Some("controller"));
    assert_eq!(
        role_of("192.168.1.10").as_deref(),
        Some("engineering_workstation")
    );
    assert_eq!(role_of("192.168.3.18").as_deref(), Some("controller"));
    assert_eq!(v["zones"][0]["zone"], "capture");
    let edges = v["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["protocol"] == "s7comm" && e["classes"]["program"].as_u64() > Some(0))
    );

    let (code, text, _) = run(&["analyze", s7.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(text.contains("because: answers s7comm requests"), "{text}");

    let (code, _, err) = run(&["analyze", "/no/such/file.pcap"]);
    assert_eq!(code, 1);
    assert!(err.contains("/no/such/file.pcap: cannot open"), "{err}");
}

#[test]
fn analyze_labels_the_inventory_with_the_zones_of_a_file() {
    let s7 = pcap("s7comm/s7comm_downloading_block_db1.pcap");
    let melsec = pcap("melsec/melsec_melsoft_129_clean.pcap");
    let dir = tempfile::tempdir().unwrap();
    let zones = dir.path().join("zones.json");
    std::fs::write(
        &zones,
        r#"{"rules": [{"name": "S7 cell", "networks": ["192.168.1.0/24"]},
                      {"name": "MELSEC line", "networks": ["192.168.3.0/24"], "sensor": "capture"}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(&[
        "analyze",
        "--json",
        "--zones",
        zones.to_str().unwrap(),
        s7.to_str().unwrap(),
        melsec.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let zones_of = |ip: &str| {
        v["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["ips"].as_array().unwrap().iter().any(|z| z["ip"] == ip))
            .map(|a| a["zones"].clone())
            .unwrap()
    };
    assert_eq!(zones_of("192.168.1.40"), serde_json::json!(["S7 cell"]));
    assert_eq!(zones_of("192.168.3.18"), serde_json::json!(["MELSEC line"]));
    let listed: Vec<(&str, bool)> = v["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| (z["zone"].as_str().unwrap(), z["defined"].as_bool().unwrap()))
        .collect();
    assert_eq!(listed[..2], [("MELSEC line", true), ("S7 cell", true)]);

    // A plan the portal would refuse is refused here, saying why.
    for (plan, says) in [
        (
            r#"{"rules": [{"name": "x", "networks": ["10.0.0.5/8"]}]}"#,
            "host bits set",
        ),
        (
            r#"{"rules": [{"name": "a", "vlans": [5]}, {"name": "A", "vlans": [6]}]}"#,
            "two zones",
        ),
        (r#"{"rules": [{"name": "empty"}]}"#, "covers no network"),
        ("not json", "not a zone plan"),
    ] {
        std::fs::write(&zones, plan).unwrap();
        let (code, _, err) = run(&[
            "analyze",
            "--zones",
            zones.to_str().unwrap(),
            s7.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{plan}");
        assert!(err.contains(says), "{plan}: {err}");
    }
}

#[test]
fn analyze_prints_always_on_alerts_without_learning_captures() {
    let s7 = pcap("s7comm/s7comm_downloading_block_db1.pcap");
    let (code, out, err) = run(&["analyze", "--json", s7.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The inventory's fields are still there, the alerts beside them.
    assert!(v["assets"].as_array().unwrap().len() >= 2);
    let types: Vec<&str> = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["program_download", "logic_change"]);
    let download = &v["alerts"][0];
    assert_eq!(download["technique"]["id"], "T0843");
    assert_eq!(download["edge"]["protocol"], "s7comm");
    assert_eq!(download["evidence"]["operations"]["download_block"], 3);
    assert!(
        download["title"]["ja"]
            .as_str()
            .unwrap()
            .contains("192.168.1.10")
    );

    let (code, text, _) = run(&["analyze", s7.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(text.contains("Alerts: 2"), "{text}");
    assert!(text.contains("[high] program_download"), "{text}");
}

#[test]
fn analyze_learns_from_the_learn_captures_then_detects_on_the_others() {
    let normal = pcap("s7comm/s7comm_clean.pcap");
    let download = pcap("s7comm/s7comm_downloading_block_db1.pcap");
    // FILE... first; --learn takes the files after it.
    let (code, out, err) = run(&[
        "analyze",
        "--json",
        download.to_str().unwrap(),
        "--learn",
        normal.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut types: Vec<&str> = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    types.sort();
    // The download capture's two devices and their edge were never seen
    // in the learning capture; the download alerts as what it is.
    assert_eq!(
        types,
        [
            "logic_change",
            "new_asset",
            "new_asset",
            "new_edge",
            "program_download"
        ]
    );
    let always: Vec<bool> = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["always_on"].as_bool().unwrap())
        .collect();
    assert_eq!(always.iter().filter(|a| **a).count(), 2);

    // Learning the very capture it then reads: only the always-on alerts.
    let (code, out, _) = run(&[
        "analyze",
        "--json",
        download.to_str().unwrap(),
        "--learn",
        download.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["always_on"] == true),
        "{out}"
    );
}

/// The protocols with no public capture to copy (IEC 61850-9-2 Sampled
/// Values, a PROFINET IO alarm, BACnet over 802.2 LLC) in a capture written
/// here: `inspect` names them and their identities like any other.
#[test]
fn inspect_shows_sampled_values_profinet_io_and_bacnet_over_ethernet() {
    let ethernet = |dst: [u8; 6], src: [u8; 6], kind: [u8; 2], payload: &[u8]| {
        [&dst[..], &src, &kind, payload].concat()
    };
    let tlv = |tag: u8, v: &[u8]| [&[tag, v.len() as u8][..], v].concat();
    let asdu = [
        tlv(0x80, b"MU01/LLN0$MS$smv1"),
        tlv(0x82, &[0, 1]),
        tlv(0x83, &[0, 0, 0, 1]),
        tlv(0x85, &[2]),
        tlv(0x87, &[0; 16]),
    ]
    .concat();
    let sav = tlv(
        0x60,
        &[tlv(0x80, &[1]), tlv(0xA2, &tlv(0x30, &asdu))].concat(),
    );
    let mut sv = vec![0x40, 0x00];
    sv.extend_from_slice(&((8 + sav.len()) as u16).to_be_bytes());
    sv.extend_from_slice(&[0; 4]);
    sv.extend_from_slice(&sav);
    let mut alarm = vec![0xFC, 0x01, 0, 1, 0, 2, 0x11, 0, 0, 1, 0xFF, 0xFF, 0, 28];
    alarm.extend_from_slice(&[0x00, 0x01, 0x00, 0x18, 0x01, 0x00, 0x00, 0x01]);
    alarm.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 1]);
    alarm.extend_from_slice(&[0; 12]);
    let who_is = [
        0x82, 0x82, 0x03, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08,
    ];
    let (unit, plc) = ([0, 0x1b, 0x1b, 0, 0, 1], [0, 0x1b, 0x1b, 0, 0, 2]);
    let frames = [
        ethernet([0x01, 0x0c, 0xcd, 0x04, 0, 1], unit, [0x88, 0xBA], &sv),
        ethernet(plc, unit, [0x88, 0x92], &alarm),
        ethernet([0xff; 6], plc, (who_is.len() as u16).to_be_bytes(), &who_is),
    ];
    // Classic pcap: magic, version 2.4, zone, accuracy, snap length, Ethernet.
    let mut file = Vec::new();
    for word in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        file.extend_from_slice(&word.to_le_bytes());
    }
    for (i, f) in frames.iter().enumerate() {
        for word in [1_700_000_000 + i as u32, 0, f.len() as u32, f.len() as u32] {
            file.extend_from_slice(&word.to_le_bytes());
        }
        file.extend_from_slice(f);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layer2.pcap");
    std::fs::write(&path, &file).unwrap();
    let (code, out, err) = run(&["inspect", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["packets"], 3, "{out}");
    let protocols: Vec<&str> = v["operations"]["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["protocol"].as_str().unwrap())
        .collect();
    for p in ["sv", "profinet_io", "bacnet"] {
        assert!(protocols.contains(&p), "{p} in {protocols:?}");
    }
    assert!(
        out.contains("MU01/LLN0$MS$smv1"),
        "the stream's svID: {out}"
    );
    assert!(out.contains("alarm_diagnosis"), "{out}");
    assert!(out.contains("who_is"), "{out}");
}

/// `rel`'s frames (Ethernet) with their times in microseconds.
fn frames_with_times(rel: &str) -> Vec<(i64, Vec<u8>)> {
    let bytes = std::fs::read(pcap(rel)).unwrap();
    let mut reader = traffic::capture::CaptureReader::new(bytes.as_slice()).unwrap();
    let mut frames = Vec::new();
    while let Some(p) = reader.next_packet() {
        let p = p.unwrap();
        assert_eq!(p.linktype, traffic::link::LinkType::ETHERNET);
        frames.push((p.timestamp.millis() * 1000, p.data.to_vec()));
    }
    frames
}

/// Writes a classic pcap (Ethernet, microseconds).
fn write_pcap(path: &std::path::Path, frames: &[(i64, Vec<u8>)]) {
    let mut out = Vec::new();
    for word in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for (micros, f) in frames {
        let (secs, micros) = (micros / 1_000_000, micros % 1_000_000);
        for word in [secs as u32, micros as u32, f.len() as u32, f.len() as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(f);
    }
    std::fs::write(path, out).unwrap();
}

/// `frame` tagged with `vlan`; with `other_nics`, its unicast MAC
/// addresses changed in their device part (another line's machines of the
/// same vendor).
fn on_vlan(frame: &[u8], vlan: u16, other_nics: bool) -> Vec<u8> {
    let mut f = frame[..12].to_vec();
    if other_nics {
        for mac in [0, 6] {
            if f[mac] & 1 == 0 {
                f[mac + 5] ^= 0x5a;
            }
        }
    }
    f.extend_from_slice(&[0x81, 0x00]);
    f.extend_from_slice(&vlan.to_be_bytes());
    f.extend_from_slice(&frame[12..]);
    f
}

/// The Modbus capture's master and slave, copied onto two lines' VLANs
/// with the same addresses: two masters and two slaves, each with its
/// VLAN; the same machines (same MACs) on two VLANs stay one asset each.
#[test]
fn analyze_tells_apart_two_lines_reusing_addresses_on_two_vlans() {
    let frames = frames_with_times("modbus/modbus_test_2.pcap");
    let dir = tempfile::tempdir().unwrap();
    let analyze = |name: &str, other_nics: bool, flags: &[&str]| {
        let lines: Vec<(i64, Vec<u8>)> = frames
            .iter()
            .flat_map(|(t, f)| {
                [
                    (*t, on_vlan(f, 10, false)),
                    (*t, on_vlan(f, 20, other_nics)),
                ]
            })
            .collect();
        let path = dir.path().join(name);
        write_pcap(&path, &lines);
        let args = [&["analyze", "--json", path.to_str().unwrap()], flags].concat();
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    // (id, role, ip, vlan) of each address of each asset, sorted.
    let addresses = |v: &serde_json::Value| {
        let mut out: Vec<(String, String, String, Option<u64>)> = Vec::new();
        for a in v["assets"].as_array().unwrap() {
            for z in a["ips"].as_array().unwrap() {
                out.push((
                    a["id"].as_str().unwrap().to_owned(),
                    a["role"].as_str().unwrap().to_owned(),
                    z["ip"].as_str().unwrap().to_owned(),
                    z["vlan"].as_u64(),
                ));
            }
        }
        out.sort_by(|a, b| (&a.1, &a.2, a.3).cmp(&(&b.1, &b.2, b.3)));
        out
    };

    /// (role, ip, vlan) of each address found.
    fn roles(found: &[(String, String, String, Option<u64>)]) -> Vec<(&str, &str, Option<u64>)> {
        found
            .iter()
            .map(|(_, role, ip, vlan)| (role.as_str(), ip.as_str(), *vlan))
            .collect()
    }

    let v = analyze("two-lines.pcap", true, &[]);
    let found = addresses(&v);
    assert_eq!(
        roles(&found),
        [
            ("controller", "192.168.0.20", Some(10)),
            ("controller", "192.168.0.20", Some(20)),
            ("hmi", "192.168.0.21", Some(10)),
            ("hmi", "192.168.0.21", Some(20)),
        ]
    );
    assert_eq!(v["assets"].as_array().unwrap().len(), 4);
    assert_ne!(found[0].0, found[1].0, "two controllers");
    assert_eq!(v["edges"].as_array().unwrap().len(), 2, "one edge per line");
    let zones: Vec<&str> = v["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["zone"].as_str().unwrap())
        .collect();
    assert_eq!(zones, ["capture/vlan10", "capture/vlan20"]);

    // One machine on a trunk, in both VLANs: one asset, an address in each.
    let v = analyze("one-line-trunked.pcap", false, &[]);
    let found = addresses(&v);
    assert_eq!(v["assets"].as_array().unwrap().len(), 2);
    assert_eq!(found.len(), 4);
    assert_eq!(found[0].0, found[1].0, "one controller, two addresses");

    // Told to ignore VLANs (a mirror tagging one direction only): the tags
    // are not looked at, so the copies are one line's traffic.
    let v = analyze("ignored.pcap", false, &["--ignore-vlans"]);
    assert_eq!(
        roles(&addresses(&v)),
        [
            ("controller", "192.168.0.20", None),
            ("hmi", "192.168.0.21", None)
        ]
    );
    assert_eq!(v["zones"][0]["zone"], "capture");
}
