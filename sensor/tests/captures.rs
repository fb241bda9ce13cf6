//! `sensor inspect` over the test captures in traffic/testdata/pcaps, checked
//! against what tshark 4.0.17 reports for them (tshark-facts.json).

use sensor::inspect::Limits;
use sensor::report::Report;
use sensor::{InspectError, InspectOptions, inspect, inspect_path};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn pcap_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../traffic/testdata/pcaps"
    ))
}

fn facts() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(pcap_dir().join("tshark-facts.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["pcaps"].as_array().unwrap().clone()
}

fn fact(file: &str) -> serde_json::Value {
    facts()
        .into_iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("no tshark facts for {file}"))
}

/// Everything listed: no top-N cut.
fn all() -> InspectOptions {
    InspectOptions {
        top: usize::MAX,
        ..InspectOptions::default()
    }
}

fn report(file: &str) -> Report {
    inspect_path(&pcap_dir().join(file), &all()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn string_set(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Packet count, host sets and conversation counts equal tshark's; the listed
/// services add up to the same TCP / UDP flow counts.
fn check_against_tshark(file: &str) {
    let f = fact(file);
    let r = report(file);
    let n = |k: &str| f[k].as_u64().unwrap();
    assert_eq!(r.packets, n("packets"), "{file}: packets");
    let macs: BTreeSet<String> = r.hosts.macs.iter().map(|h| h.mac.clone()).collect();
    assert_eq!(
        macs,
        string_set(&f["eth_host_list"]),
        "{file}: Ethernet hosts"
    );
    let ips: BTreeSet<String> = r.hosts.ips.iter().map(|h| h.ip.clone()).collect();
    assert_eq!(ips, string_set(&f["ip_host_list"]), "{file}: IP hosts");
    let c = &r.conversations;
    assert_eq!(
        c.ethernet,
        n("eth_conversations"),
        "{file}: Ethernet conversations"
    );
    assert_eq!(c.ip, n("ip_conversations"), "{file}: IP conversations");
    assert_eq!(c.tcp, n("tcp_conversations"), "{file}: TCP conversations");
    assert_eq!(c.udp, n("udp_conversations"), "{file}: UDP conversations");
    // The per-service summary is built from the minute digests, apart from the
    // counts above: its flows must add up to the same numbers.
    let flows = |t: &str| -> u64 {
        c.top
            .iter()
            .filter(|s| s.transport == t)
            .map(|s| s.flows)
            .sum()
    };
    assert_eq!(
        flows("tcp"),
        n("tcp_conversations"),
        "{file}: TCP flows in services"
    );
    assert_eq!(
        flows("udp"),
        n("udp_conversations"),
        "{file}: UDP flows in services"
    );
    assert_eq!(
        c.top.len() as u64,
        c.services,
        "{file}: every service listed"
    );
    // Bytes: the services carry every TCP / UDP byte the hosts sent.
    let host_bytes: u64 = r.hosts.ips.iter().map(|h| h.bytes_sent).sum();
    let service_bytes: u64 = c.top.iter().map(|s| s.bytes).sum();
    assert!(
        service_bytes <= host_bytes,
        "{file}: {service_bytes} > {host_bytes}"
    );
}

#[test]
fn modbus_captures_match_tshark() {
    check_against_tshark("modbus/modbus_test_2.pcap");
    check_against_tshark("modbus/modbus_digitalbond_test_data_part2.pcap");
}

#[test]
fn bacnet_captures_match_tshark() {
    // 41 IP hosts (one a broadcast address), 91 UDP conversations.
    check_against_tshark("bacnet/bacnet_icsnpp_example.pcap");
    check_against_tshark("bacnet/bacnet_iti_test.pcap");
}

#[test]
fn other_captures_match_tshark() {
    for file in [
        "dnp3/dnp3_zeek_dnp3.pcap",
        "enip/enip_quickdraw_CL5000_ChangeTimeAttempt.pcap",
        "fins/fins_omron_test.pcap",
        "iec104/iec104_090813_diverse.pcap",
        "s7comm/s7comm_downloading_block_db1.pcap",
        "profinet/profinet_rt_dcp.pcap",
        "melsec/melsec_melsoft_129_clean.pcap",
    ] {
        check_against_tshark(file);
    }
}

#[test]
fn modbus_operations_by_class_and_function_match_tshark() {
    let r = report("modbus/modbus_test_2.pcap");
    assert_eq!(r.operations.protocols.len(), 1);
    let m = &r.operations.protocols[0];
    assert_eq!(m.protocol, "modbus");
    // tshark: modbus.func_code 4 (Read Input Registers) 3889, 3 (Read Holding Registers) 86;
    // requests to port 502: 2339 + 43, responses from it: 1550 + 43.
    assert_eq!(m.total, 3975);
    assert_eq!(m.requests, 2339 + 43);
    assert_eq!(m.responses, 1550 + 43);
    assert_eq!(m.by_class, BTreeMap::from([("read".to_owned(), 3975)]));
    assert_eq!(r.operations.total, 3975);
    assert_eq!(r.operations.by_class, m.by_class);
    let functions: Vec<(u32, &str, &str, u64)> = m
        .top_functions
        .iter()
        .map(|f| (f.function_code, f.name.as_str(), f.class.as_str(), f.count))
        .collect();
    assert_eq!(
        functions,
        vec![
            (4, "read_input_registers", "read", 3889),
            (3, "read_holding_registers", "read", 86),
        ]
    );
    let top = &r.conversations.top[0];
    assert_eq!(top.protocol.as_deref(), Some("modbus"));
    assert_eq!((top.server_port, top.flows), (502, 122));
}

#[test]
fn modbus_fuzzing_capture_counts_every_class_and_the_exceptions() {
    let r = report("modbus/modbus_digitalbond_test_data_part2.pcap");
    let m = r
        .operations
        .protocols
        .iter()
        .find(|p| p.protocol == "modbus")
        .expect("modbus operations");
    // Every function code 0..=127 is tried once (request and response).
    assert!(m.distinct_functions >= 128, "{}", m.distinct_functions);
    for class in ["read", "write", "diagnostic"] {
        assert!(
            m.by_class.get(class).copied().unwrap_or(0) > 0,
            "{class}: {:?}",
            m.by_class
        );
    }
    // tshark: 104 + 18 + 8 exception responses.
    assert_eq!(m.errors, 130);
    assert_eq!(m.by_class.values().sum::<u64>(), m.total);
}

#[test]
fn top_limits_the_lists() {
    let opts = InspectOptions {
        top: 3,
        ..InspectOptions::default()
    };
    let r = inspect_path(&pcap_dir().join("bacnet/bacnet_icsnpp_example.pcap"), &opts).unwrap();
    assert_eq!(r.conversations.top.len(), 3);
    assert_eq!(r.conversations.services, 91);
    let bytes: Vec<u64> = r.conversations.top.iter().map(|c| c.bytes).collect();
    assert!(
        bytes.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {bytes:?}"
    );
    assert!(
        r.operations
            .protocols
            .iter()
            .all(|p| p.top_functions.len() <= 3)
    );
}

#[test]
fn truncated_melsec_capture_reports_the_truncation_and_keeps_earlier_packets() {
    let r = report("melsec/melsec_melsoft_129_clean.pcap");
    assert_eq!(r.packets, 2041);
    let e = r.read_error.expect("the file is cut inside record 2042");
    assert!(e.message.contains("record 2042 truncated"), "{}", e.message);
    assert_eq!(e.after_packets, 2041);
    assert!(e.at_byte < 331_776);
}

#[test]
fn identities_name_devices() {
    // CIP ListIdentity, BACnet ReadProperty and FINS controller data name the devices.
    for (file, name) in [
        ("enip/enip_test.pcap", "1756-ENBT/A"),
        ("bacnet/bacnet_iti_test.pcap", "MS-NAE4510-2"),
        ("fins/fins_omron_test.pcap", "CP1L-EL20DR-D"),
    ] {
        let r = report(file);
        assert!(
            r.identities.iter().any(|i| i.value == name),
            "{file}: {:?}",
            r.identities
        );
        let named = r
            .hosts
            .ips
            .iter()
            .any(|h| h.names.iter().any(|n| n == name));
        assert!(named, "{file}: a host is named {name}: {:?}", r.hosts.ips);
        assert!(r.identities.iter().all(|i| !i.value.trim().is_empty()));
    }
}

#[test]
fn every_prefix_of_a_capture_is_a_report_or_a_clean_error() {
    let bytes = std::fs::read(pcap_dir().join("s7comm/s7comm_downloading_block_db1.pcap")).unwrap();
    let full = inspect("full", &bytes[..], &all()).unwrap();
    let mut last_packets = 0;
    for cut in (0..bytes.len()).step_by(7) {
        match inspect("cut", &bytes[..cut], &all()) {
            Ok(r) => {
                assert!(r.packets >= last_packets && r.packets <= full.packets);
                last_packets = r.packets;
                // Cut inside a record: the report says so.
                if r.read_error.is_none() {
                    assert_eq!(r.file_bytes, cut as u64);
                }
            }
            Err(InspectError::NotCapture { .. } | InspectError::NoPackets { .. }) => {
                assert_eq!(last_packets, 0, "errors only before the first packet");
            }
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn damaged_bytes_never_panic() {
    // Flip bytes all over a capture (header included): every run ends in a report or an error.
    let bytes = std::fs::read(pcap_dir().join("enip/enip_test.pcap")).unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..8 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % b.len();
            b[at] = (seed >> 32) as u8;
        }
        let _ = inspect("fuzzed", &b[..], &all()).map(|r| sensor::render_text(&r));
    }
}

/// The same packets as pcapng: a minimal writer (SHB, one IDB, EPBs with microsecond times).
fn to_pcapng(pcap: &[u8]) -> Vec<u8> {
    fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
        let len = (12 + body.len()) as u32;
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(&len.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0A0D_0D0A, &shb);
    let mut reader = traffic::CaptureReader::new(pcap).unwrap();
    let mut linktype = None;
    while let Some(Ok(p)) = reader.next_packet() {
        if linktype.is_none() {
            let mut idb = Vec::new();
            idb.extend_from_slice(&(p.linktype.0 as u16).to_le_bytes());
            idb.extend_from_slice(&0u16.to_le_bytes());
            idb.extend_from_slice(&65_535u32.to_le_bytes());
            block(&mut out, 1, &idb);
            linktype = Some(p.linktype);
        }
        let micros = p.timestamp.0 / 1_000;
        let mut epb = Vec::new();
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((micros >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(micros as u32).to_le_bytes());
        epb.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
        epb.extend_from_slice(&p.original_len.to_le_bytes());
        epb.extend_from_slice(p.data);
        epb.resize(epb.len().next_multiple_of(4), 0);
        block(&mut out, 6, &epb);
    }
    out
}

#[test]
fn pcapng_gives_the_same_report_as_pcap() {
    for file in ["enip/enip_test.pcap", "dnp3/dnp3_zeek_dnp3.pcap"] {
        let pcap = std::fs::read(pcap_dir().join(file)).unwrap();
        let ng = to_pcapng(&pcap);
        let a = inspect("x", &pcap[..], &all()).unwrap();
        let mut b = inspect("x", &ng[..], &all()).unwrap();
        assert_eq!((a.format.as_str(), b.format.as_str()), ("pcap", "pcapng"));
        assert_eq!(b.file_bytes, ng.len() as u64);
        b.format = a.format.clone();
        b.file_bytes = a.file_bytes;
        assert_eq!(a, b, "{file}");
    }
}

#[test]
fn bounded_tables_count_what_they_leave_out() {
    let file = pcap_dir().join("bacnet/bacnet_icsnpp_example.pcap");
    let full = inspect_path(&file, &all()).unwrap();
    let opts = InspectOptions {
        limits: Limits {
            hosts: 5,
            services: 4,
            functions: 1,
            identities: 3,
        },
        ..all()
    };
    let r = inspect_path(&file, &opts).unwrap();
    assert_eq!(r.packets, full.packets);
    // 41 IP and 2 MAC addresses: 5 IPs and both MACs listed.
    assert_eq!((r.hosts.ips.len(), r.hosts.macs.len()), (5, 2));
    assert_eq!(r.hosts.not_listed, 36);
    assert_eq!(full.hosts.not_listed, 0);
    // 91 UDP flows, one per service: 4 listed, 87 left out.
    assert_eq!(r.conversations.services, 4);
    assert_eq!(r.conversations.udp, 91);
    let listed: u64 = r.conversations.top.iter().map(|s| s.flows).sum();
    assert_eq!(listed + r.conversations.flows_not_listed, 91);
    // Operations: totals stay exact; one function row, the rest counted apart.
    assert_eq!(r.operations.total, full.operations.total);
    assert_eq!(r.operations.by_class, full.operations.by_class);
    let rows: u64 = r
        .operations
        .protocols
        .iter()
        .flat_map(|p| &p.top_functions)
        .map(|f| f.count)
        .sum();
    assert_eq!(rows + r.operations.functions_not_listed, r.operations.total);
    assert!(r.operations.functions_not_listed > 0);
    assert_eq!(r.identities.len(), 3);
    assert_eq!(
        r.identities.len() as u64 + r.identities_not_listed,
        full.identities.len() as u64
    );
}

fn protocol<'a>(r: &'a Report, name: &str) -> &'a sensor::report::ProtocolOperations {
    r.operations
        .protocols
        .iter()
        .find(|p| p.protocol == name)
        .unwrap_or_else(|| panic!("no {name} operations: {:?}", r.operations.protocols))
}

fn has_identity(r: &Report, ip: &str, attribute: &str, value: &str) -> bool {
    r.identities
        .iter()
        .any(|i| i.ip.as_deref() == Some(ip) && i.attribute == attribute && i.value == value)
}

#[test]
fn c37118_frames_and_the_pmu_station_name() {
    let file = "c37118/c37118_1pmu_tcp.pcap";
    check_against_tshark(file);
    let r = report(file);
    let s = protocol(&r, "c37118");
    // tshark synphasor.frtype: 252 data + 1 CFG-2 from the PMU, 3 commands to it.
    assert_eq!((s.total, s.requests, s.responses), (256, 3, 253));
    assert_eq!(
        s.by_class,
        BTreeMap::from([
            ("read".to_owned(), 252),
            ("discovery".to_owned(), 2),
            ("control".to_owned(), 2),
        ])
    );
    // The PMU (the side on port 4712) names itself in its configuration frame.
    let pmu = &r.conversations.top[0].server_ip;
    assert!(
        has_identity(&r, pmu, "station_name", "Blue PMU"),
        "{:?}",
        r.identities
    );
    assert!(has_identity(&r, pmu, "pmu_idcode", "241"));
}

#[test]
fn ads_commands_and_identities() {
    let r = report("ads/ads_beckhoff_addroute.pcapng");
    let s = protocol(&r, "ads");
    // tshark ams.cmdid: 130 AMS packets (66 requests, 64 responses); plus the 6
    // UDP discovery / add-route datagrams tshark leaves undecoded.
    assert_eq!((s.total, s.requests, s.responses), (136, 69, 67));
    assert_eq!(s.errors, 9);
    let plc = "192.168.1.8";
    assert!(
        has_identity(&r, plc, "product_name", "PLC Server"),
        "{:?}",
        r.identities
    );
    assert!(has_identity(&r, plc, "hostname", "CX_0D7560"));
    assert!(has_identity(&r, plc, "ams_net_id", "5.13.117.96.1.1"));
    assert!(has_identity(
        &r,
        "192.168.1.199",
        "route_name",
        "SHENHUAJ6-PC"
    ));
}

#[test]
fn goose_publications_and_their_publishers() {
    let r = report("iec61850/iec61850_mms_goose_sample.pcap");
    let g = protocol(&r, "goose");
    // tshark: 34 GOOSE frames; 8 are the first publication of a new stNum.
    assert_eq!(g.total, 34);
    assert_eq!(
        g.by_class,
        BTreeMap::from([("read".to_owned(), 26), ("write".to_owned(), 8)])
    );
    let publisher = "00:00:23:06:30:fe";
    assert!(
        r.identities
            .iter()
            .any(|i| i.mac.as_deref() == Some(publisher)
                && i.attribute == "goose_gocb_ref"
                && i.value == "AA1C1Q01A1LD0/LLN0$GO$gcb_A"),
        "{:?}",
        r.identities
    );
}

#[test]
fn mms_stop_request_is_mms_and_not_malformed_s7comm() {
    let r = report("iec61850/iec61850_mms_stop_request.pcap");
    let m = protocol(&r, "mms");
    // tshark: mms.confirmedServiceRequest start ×1, stop ×1; we add the
    // initiate and conclude requests.
    assert_eq!((m.total, m.requests, m.responses), (4, 4, 0));
    assert_eq!(
        m.by_class,
        BTreeMap::from([("control".to_owned(), 2), ("session".to_owned(), 2)])
    );
    assert!(
        m.top_functions
            .iter()
            .any(|f| f.name == "stop" && f.function_code == 41)
    );
    // The connection is MMS, named so from its first MMS PDU on; the
    // server's broken replies (TPKT too short for COTP) are malformed MMS,
    // the one before the first MMS PDU included.
    assert_eq!(r.conversations.top[0].protocol.as_deref(), Some("mms"));
    assert_eq!(r.malformed.by_name.get("mms"), Some(&6));
    assert_eq!(r.malformed.by_name.get("s7comm"), None);
    assert!(
        r.operations
            .protocols
            .iter()
            .all(|p| p.protocol != "s7comm")
    );
}

#[test]
fn mms_reads_and_reports_of_the_iec61850_sample() {
    let r = report("iec61850/iec61850_mms_goose_sample.pcap");
    let m = protocol(&r, "mms");
    // 8 PDUs tshark decodes as MMS (initiate, GVAA, error, read, conclude,
    // each way) and 28 informationReports on connections opened before the
    // capture began.
    assert_eq!(m.total, 36);
    assert_eq!(m.errors, 1);
    assert_eq!(
        m.by_class,
        BTreeMap::from([
            ("read".to_owned(), 31),
            ("session".to_owned(), 4),
            ("other".to_owned(), 1)
        ])
    );
}

#[test]
fn cclink_ie_frames_cyclic_exchange_and_tsn_configuration() {
    let r = report("cclink/cclink_ie_field_control_nttcom.pcap");
    let c = protocol(&r, "cclink_ie");
    // 500 CC-Link IE Field frames on EtherType 0x890F (tshark: 500 `data`),
    // 22 frame types.
    assert_eq!((c.total, c.distinct_functions), (500, 22));
    assert_eq!(
        c.by_class,
        BTreeMap::from([
            ("session".to_owned(), 300),
            ("other".to_owned(), 94),
            ("write".to_owned(), 65),
            ("read".to_owned(), 41),
        ])
    );
    let r = report("cclink/cclink_ie_field_basic_nttcom.pcap");
    let c = protocol(&r, "cclink_ie");
    assert_eq!((c.total, c.requests, c.responses), (444, 222, 222));
    assert!(
        c.top_functions
            .iter()
            .any(|f| f.name == "ief_basic_cyclic_request" && f.function_code == 0x0E70)
    );
    assert!(
        r.operations
            .protocols
            .iter()
            .all(|p| p.protocol != "melsec")
    );
    let r = report("cclink/cclink_ie_tsn_slmp_nttcom.pcap");
    let c = protocol(&r, "cclink_ie");
    assert_eq!((c.total, c.requests, c.responses), (7156, 6262, 894));
}
