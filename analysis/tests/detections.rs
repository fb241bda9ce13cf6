//! Detections over the repository's real captures (always on, and learning
//! on one half to detect on the other), and over hand-built batches for
//! what no capture holds (PROFINET DCP Set, scans, dedup windows, the
//! learning period, state kept between batches).

mod support;

use std::net::IpAddr;

use analysis::detect::{AlertView, Config, Detector, Severity};
use support::*;
use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, FlowRecord, HostRecord, Initiator, OperationCount, TransportKind};

fn one<'a>(alerts: &'a [AlertView], t: &str) -> &'a AlertView {
    let found = of_type(alerts, t);
    assert_eq!(found.len(), 1, "{t}: {:#?}", types(alerts));
    found[0]
}

// ---- Always on, over real captures ----

#[test]
fn an_s7_block_download_is_a_program_download_and_a_logic_change_with_its_evidence() {
    let alerts = always_on("s7comm/s7comm_downloading_block_db1.pcap");
    assert_eq!(types(&alerts), ["logic_change", "program_download"]);
    let a = one(&alerts, "program_download");
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.technique.map(|t| t.id), Some("T0843"));
    assert_eq!(a.assets, ["mac:90:e6:ba:84:5e:41", "mac:00:1b:1b:23:eb:3b"]);
    let edge = a.edge.as_ref().unwrap();
    assert_eq!(edge.protocol, "s7comm");
    assert_eq!(a.evidence.operations["download_block"], 3);
    assert_eq!(a.evidence.operations["request_download"], 1);
    assert_eq!(a.evidence.operations["download_ended"], 1);
    // Batch 1 is the minute of 09:59, with no S7 request in it.
    assert_eq!(a.evidence.batches.len(), 1);
    assert_eq!(a.evidence.batches[0].sequence, 2);
    // 2014-08-20 09:59:59.992 to 10:00:05.989: the operations fall within.
    assert!(a.first_seen_ms >= 1_408_528_799_992 && a.last_seen_ms <= 1_408_528_805_989);
    assert!(a.first_seen_ms <= a.last_seen_ms);
    assert!(a.title.ja.contains("192.168.1.10") && a.title.en.contains("192.168.1.40"));
    assert!(!a.why.ja.is_empty() && !a.check.ja.is_empty() && !a.check.en.is_empty());
    let logic = one(&alerts, "logic_change");
    assert_eq!(logic.evidence.operations["pi_insert_block"], 1);
    assert_eq!(logic.technique.map(|t| t.id), Some("T0889"));
    let json = serde_json::to_value(a).unwrap();
    assert_eq!(json["type"], "program_download");
    assert_eq!(json["technique"]["name"], "Program Download");
}

#[test]
fn a_cip_stop_is_a_critical_operating_mode_change() {
    let alerts = always_on("enip/enip_cip_stop_plc.pcap");
    assert_eq!(types(&alerts), ["plc_mode_change"]);
    let a = &alerts[0];
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.technique.map(|t| t.id), Some("T0858"));
    assert_eq!(a.evidence.operations["stop"], 1);
    assert_eq!(a.client.as_ref().unwrap().ip, Some(ip("192.168.1.69")));
    assert_eq!(a.server.as_ref().unwrap().ip, Some(ip("192.168.1.30")));
}

#[test]
fn the_cip_time_change_attempt_is_a_clock_change() {
    let alerts = always_on("enip/enip_quickdraw_CL5000_ChangeTimeAttempt.pcap");
    assert_eq!(types(&alerts), ["clock_change"]);
    assert_eq!(alerts[0].evidence.operations["set_attribute_list"], 1);
    assert_eq!(alerts[0].severity, Severity::Medium);
}

#[test]
fn dnp3_restarts_and_stop_application_alert_always() {
    let alerts = always_on("dnp3/dnp3_cold_restart.pcap");
    assert_eq!(types(&alerts), ["device_restart"]);
    assert_eq!(alerts[0].technique.map(|t| t.id), Some("T0816"));
    assert_eq!(alerts[0].evidence.operations["cold_restart"], 1);

    let alerts = always_on("dnp3/dnp3_digitalbond_test_data_part1.pcap");
    assert_eq!(types(&alerts), ["device_restart", "plc_mode_change"]);
    let restart = one(&alerts, "device_restart");
    assert_eq!(restart.evidence.operations["cold_restart"], 2);
    assert_eq!(restart.evidence.operations["warm_restart"], 2);
    // The capture spans three hours: the restarts fall in three minutes
    // within one hour of each other, so they are one alert seen three times.
    assert_eq!(restart.count, 3);
    assert_eq!(
        one(&alerts, "plc_mode_change").evidence.operations["stop_application"],
        4
    );
}

#[test]
fn a_dnp3_file_write_is_a_program_download() {
    let alerts = always_on("dnp3/dnp3_file_write.pcap");
    assert_eq!(types(&alerts), ["program_download"]);
    assert_eq!(alerts[0].evidence.operations["open_file"], 1);
    assert_eq!(alerts[0].evidence.operations["close_file"], 1);
}

#[test]
fn bacnet_reinitialize_device_alerts_once_per_device_and_no_scan() {
    let alerts = always_on("bacnet/bacnet_icsnpp_example.pcap");
    let restarts = of_type(&alerts, "device_restart");
    let servers: std::collections::BTreeSet<&str> = restarts
        .iter()
        .map(|a| a.edge.as_ref().unwrap().server.as_str())
        .collect();
    assert_eq!(servers.len(), restarts.len(), "one alert per device");
    // tshark counts 120 ReinitializeDevice requests (sensor inspect agrees).
    let requests: u64 = restarts
        .iter()
        .map(|a| a.evidence.operations["reinitialize_device"])
        .sum();
    assert_eq!(requests, 120);
    assert!(
        restarts
            .iter()
            .all(|a| a.client.as_ref().unwrap().ip == Some(ip("172.20.32.250")))
    );
    // The poller at .200 reads 38 devices in its first minute and sends
    // Who-Is once a minute: neither is a scan.
    assert_eq!(
        types(&alerts)
            .into_iter()
            .filter(|t| *t != "device_restart")
            .collect::<Vec<_>>(),
        ["malformed_packets"]
    );
}

#[test]
fn a_modbus_function_code_scan_is_an_error_burst_and_tries_program_functions() {
    let alerts = always_on("modbus/modbus_digitalbond_test_data_part2.pcap");
    assert_eq!(
        types(&alerts),
        [
            "malformed_packets",
            "program_download",
            "protocol_error_burst"
        ]
    );
    let burst = one(&alerts, "protocol_error_burst");
    assert!(
        burst.evidence.operations.len() > 100,
        "{:?}",
        burst.evidence
    );
    assert_eq!(
        one(&alerts, "program_download").evidence.operations["modicon_program"],
        2
    );
    let malformed = one(&alerts, "malformed_packets");
    assert_eq!(malformed.protocol, Some("modbus"));
    assert!(malformed.assets.is_empty());
}

#[test]
fn malformed_opc_ua_messages_alert() {
    let alerts = always_on("opcua/opcua_ap_method.pcap");
    assert_eq!(types(&alerts), ["malformed_packets"]);
    assert_eq!(alerts[0].protocol, Some("opc_ua"));
    assert_eq!(alerts[0].evidence.operations["malformed"], 2);
}

#[test]
fn an_mms_stop_changes_the_operating_mode() {
    // MMS shares ISO-on-TCP port 102 with S7comm; the MMS start and stop
    // requests are one operating-mode finding (ATT&CK T0858). The server's
    // replies are broken at the transport (TPKT lengths that leave no room
    // for COTP; tshark shows them as data): malformed MMS, 6 units.
    let alerts = always_on("iec61850/iec61850_mms_stop_request.pcap");
    assert_eq!(types(&alerts), ["malformed_packets", "plc_mode_change"]);
    let mode = one(&alerts, "plc_mode_change");
    assert_eq!(mode.protocol, Some("mms"));
    assert_eq!(mode.evidence.operations["stop"], 1);
    assert_eq!(mode.evidence.operations["start"], 1);
    assert_eq!(one(&alerts, "malformed_packets").protocol, Some("mms"));
    assert_eq!(
        one(&alerts, "malformed_packets").evidence.operations["malformed"],
        6
    );
}

#[test]
fn captures_of_normal_operation_raise_no_always_on_alert() {
    for name in [
        "ads/ads_beckhoff_addroute.pcapng",
        "bacnet/bacnet_iti_test.pcap",
        "c37118/c37118_1pmu_tcp.pcap",
        "cclink/cclink_ie_field_basic_nttcom.pcap",
        "cclink/cclink_ie_field_control_nttcom.pcap",
        "cclink/cclink_ie_tsn_slmp_nttcom.pcap",
        "enip/enip_test.pcap",
        "fins/fins_omron_test.pcap",
        "iec104/iec104_090813_diverse.pcap",
        "iec61850/iec61850_mms_goose_sample.pcap",
        "melsec/melsec_melsoft_129_clean.pcap",
        "modbus/modbus_test_2.pcap",
        "profinet/profinet_rt_dcp.pcap",
        "s7comm/s7comm_clean.pcap",
    ] {
        assert_eq!(types(&always_on(name)), Vec::<&str>::new(), "{name}");
    }
}

// ---- Baseline, over real captures: learn on the first half ----

#[test]
fn learning_the_first_half_of_normal_captures_leaves_only_what_the_second_half_really_adds() {
    for name in [
        "ads/ads_beckhoff_addroute.pcapng",
        "bacnet/bacnet_iti_test.pcap",
        "cclink/cclink_ie_field_basic_nttcom.pcap",
        "cclink/cclink_ie_field_control_nttcom.pcap",
        "cclink/cclink_ie_tsn_slmp_nttcom.pcap",
        "fins/fins_omron_test.pcap",
        "melsec/melsec_melsoft_129_clean.pcap",
        "modbus/modbus_test_2.pcap",
    ] {
        assert_eq!(types(&learn_half(name)), Vec::<&str>::new(), "{name}");
    }
    // The PDC turns the PMU's stream off only at the end.
    let alerts = learn_half("c37118/c37118_1pmu_tcp.pcap");
    assert_eq!(types(&alerts), ["new_function"]);
    assert_eq!(
        alerts[0].evidence.operations.keys().collect::<Vec<_>>(),
        ["turn_off_transmission"]
    );
    // 192.168.0.21 sends two packets from a second Dell MAC near the end.
    let alerts = learn_half("s7comm/s7comm_clean.pcap");
    assert_eq!(types(&alerts), ["ip_mac_change", "new_asset"]);
    assert_eq!(
        one(&alerts, "ip_mac_change").subject,
        "192.168.0.21 now from b0:83:fe:75:35:74"
    );
    // 00:1b:21:0a:e8:eb sends for 172.16.201.8, later for 172.16.201.6.
    // The MMS client's connection to 172.16.201.7 carries only keep-alive
    // probes in the first half; its first MMS PDU (an informationReport)
    // comes in the second.
    let alerts = learn_half("iec61850/iec61850_mms_goose_sample.pcap");
    assert_eq!(types(&alerts), ["ip_mac_change", "new_asset", "new_edge"]);
    let edge = one(&alerts, "new_edge");
    assert_eq!(
        edge.title.en,
        "New communication 172.16.0.101 → 172.16.201.7 (mms)"
    );
    assert_eq!(edge.evidence.operations["information_report"], 1);
    assert_eq!(
        one(&alerts, "ip_mac_change").subject,
        "00:1b:21:0a:e8:eb now also 172.16.201.6"
    );
    // Four stations first speak in the second half.
    let alerts = learn_half("profinet/profinet_rt_dcp.pcap");
    assert_eq!(types(&alerts), ["new_asset"; 4]);
}

#[test]
fn engineering_actions_in_the_second_half_alert_as_such_and_not_twice_as_new() {
    let alerts = learn_half("s7comm/s7comm_downloading_block_db1.pcap");
    assert_eq!(types(&alerts), ["logic_change", "program_download"]);
    // The function-code scan: new functions in one alert, the scanner now
    // acts as an engineering workstation (it tried program functions).
    let alerts = learn_half("modbus/modbus_digitalbond_test_data_part2.pcap");
    assert_eq!(
        types(&alerts),
        [
            "malformed_packets",
            "new_function",
            "new_role",
            "program_download",
            "protocol_error_burst"
        ]
    );
    assert_eq!(
        one(&alerts, "new_role").subject,
        "hmi -> engineering_workstation"
    );
}

#[test]
fn what_was_learned_does_not_alert_again() {
    for name in CAPTURES {
        let batches = batches(name);
        let alerts = detect(&batches, &batches, Config::default());
        assert!(
            alerts.iter().all(|a| a.always_on),
            "{name}: {:?}",
            types(&alerts)
        );
    }
}

#[test]
fn with_nothing_learned_a_pdc_polling_a_pmu_skips_purdue_levels() {
    let config = Config {
        learning_secs: 0,
        ..Config::default()
    };
    let alerts = detect(&[], &batches("c37118/c37118_1pmu_tcp.pcap"), config);
    let skip = one(&alerts, "purdue_level_skip");
    // A PDC (historian, level 3) reads a PMU (field device, level 0).
    assert_eq!(skip.edge.as_ref().unwrap().protocol, "c37118");
    assert!(of_type(&alerts, "new_edge").len() == 1);
    assert!(of_type(&alerts, "new_asset").len() >= 2);
}

// ---- Hand-built batches ----

const T0: i64 = 1_764_000_000; // a multiple of 60

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn mac(s: &str) -> MacAddr {
    s.parse().unwrap()
}

fn op(
    client: &str,
    server: &str,
    protocol: Protocol,
    name: &str,
    class: OperationClass,
) -> OperationCount {
    OperationCount {
        vlan: None,
        transport: TransportKind::Tcp,
        client_ip: Some(ip(client)),
        server_ip: Some(ip(server)),
        server_port: Some(502),
        client_mac: None,
        server_mac: None,
        protocol,
        function_code: 0,
        name: name.into(),
        class,
        unit: None,
        direction: Direction::Request,
        error_code: None,
        count: 1,
        first_seen_ms: 0,
        last_seen_ms: 0,
        ranges: vec![],
        ranges_truncated: false,
    }
}

fn host_ip(addr: &str, from: &str) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: None,
        ip: Some(ip(addr)),
        group: false,
        vendor: None,
        macs: vec![mac(from)],
        ttl: None,
        first_seen_ms: 0,
        last_seen_ms: 0,
        packets_sent: 1,
        packets_received: 1,
        bytes_sent: 60,
        bytes_received: 60,
    }
}

fn host_mac(m: &str) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: Some(mac(m)),
        ip: None,
        macs: vec![],
        ..host_ip("10.0.0.1", m)
    }
}

fn flow(client: &str, server: &str, port: u16, payload: bool) -> FlowRecord {
    FlowRecord {
        transport: TransportKind::Tcp,
        ip_protocol: 6,
        client_ip: ip(client),
        server_ip: ip(server),
        client_port: 50000,
        server_port: port,
        client_mac: None,
        server_mac: None,
        vlan: None,
        initiator: Initiator::Syn,
        protocol: None,
        flow_start_ms: 0,
        first_seen_ms: 0,
        last_seen_ms: 0,
        packets_to_server: 2,
        packets_to_client: 1,
        bytes_to_server: 120,
        bytes_to_client: 60,
        payload_to_server: if payload { 100 } else { 0 },
        payload_to_client: if payload { 100 } else { 0 },
        tcp_flags_to_server: 0x02,
        tcp_flags_to_client: 0x14,
        started: true,
        ended: None,
        reassembly_gap_bytes: 0,
    }
}

/// A batch at `minute` (seconds) with its times set inside the minute.
fn batch(sequence: u64, minute: i64, f: impl FnOnce(&mut Batch)) -> Batch {
    let mut b = Batch::empty(SENSOR, sequence, minute);
    f(&mut b);
    let ms = minute * 1000 + 500;
    for o in &mut b.operations {
        (o.first_seen_ms, o.last_seen_ms) = (ms, ms);
    }
    for h in &mut b.hosts {
        (h.first_seen_ms, h.last_seen_ms) = (ms, ms);
    }
    for fl in &mut b.flows {
        (fl.first_seen_ms, fl.last_seen_ms, fl.flow_start_ms) = (ms, ms, ms);
    }
    b
}

fn dcp(name: &str, class: OperationClass) -> OperationCount {
    OperationCount {
        vlan: None,
        transport: TransportKind::Ethernet,
        client_ip: None,
        server_ip: None,
        server_port: None,
        client_mac: Some(mac("00:0e:8c:00:00:01")),
        server_mac: Some(mac("00:1b:1b:00:00:02")),
        ..op("10.0.0.1", "10.0.0.2", Protocol::ProfinetDcp, name, class)
    }
}

/// A GOOSE event the sensor added for a publisher (to its multicast group).
fn goose_event(name: &str, count: u64) -> OperationCount {
    OperationCount {
        vlan: None,
        transport: TransportKind::Ethernet,
        client_ip: None,
        server_ip: None,
        server_port: None,
        client_mac: Some(mac("00:00:23:06:30:fe")),
        server_mac: Some(mac("01:0c:cd:01:00:01")),
        function_code: if name == "goose_st_num_jump" { 2 } else { 3 },
        unit: Some(0x3001),
        direction: Direction::Unknown,
        count,
        ..op(
            "10.0.0.1",
            "10.0.0.2",
            Protocol::Goose,
            name,
            OperationClass::Write,
        )
    }
}

#[test]
fn a_goose_state_number_that_jumps_alerts_also_while_learning() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.operations.push(goose_event("goose_retransmission", 40));
        b.operations.push(goose_event("goose_st_num_jump", 1));
        b.operations.push(goose_event("goose_st_num_back", 1));
    }));
    let views = d.views();
    // The publications themselves are no alert; the jump and the return
    // are one, about the publisher.
    assert_eq!(types(&views), ["goose_state_jump"]);
    let a = &views[0];
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.technique.map(|t| t.id), Some("T0856"));
    assert_eq!(a.evidence.operations["goose_st_num_jump"], 1);
    assert_eq!(a.evidence.operations["goose_st_num_back"], 1);
    assert_eq!(
        a.client.as_ref().unwrap().mac,
        Some(mac("00:00:23:06:30:fe"))
    );
    assert!(a.title.ja.contains("00:00:23:06:30:fe") && a.title.en.contains("stNum"));
}

#[test]
fn profinet_dcp_set_alerts_by_what_it_does() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.operations.push(dcp("set", OperationClass::Write));
        b.operations
            .push(dcp("set_signal", OperationClass::Control));
        b.operations
            .push(dcp("identify", OperationClass::Discovery));
    }));
    let views = d.views();
    assert_eq!(types(&views), ["profinet_dcp_set"]);
    // Set and signal on one edge in one minute: one alert, the worse severity.
    assert_eq!(views[0].severity, Severity::High);
    assert_eq!(
        views[0].assets,
        ["mac:00:0e:8c:00:00:01", "mac:00:1b:1b:00:00:02"]
    );

    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.operations
            .push(dcp("set_reset_to_factory", OperationClass::Control))
    }));
    assert_eq!(d.views()[0].severity, Severity::Critical);

    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.operations
            .push(dcp("set_signal", OperationClass::Control))
    }));
    assert_eq!(d.views()[0].severity, Severity::Low);
}

fn stop(sequence: u64, minute: i64) -> Batch {
    batch(sequence, minute, |b| {
        b.operations.push(op(
            "10.0.0.5",
            "10.0.0.9",
            Protocol::Cip,
            "stop",
            OperationClass::Control,
        ))
    })
}

#[test]
fn repeats_within_the_window_update_one_alert_and_a_later_one_opens_another() {
    let mut d = Detector::default(); // one hour window
    assert_eq!(d.observe(&stop(1, T0)), [1]);
    assert_eq!(d.observe(&stop(2, T0 + 600)), [1]);
    // The window slides from the last time it was seen: 50 minutes apart,
    // four times over, is still one alert.
    for i in 0..4 {
        assert_eq!(
            d.observe(&stop(3 + i, T0 + 600 + 3000 * (i as i64 + 1))),
            [1]
        );
    }
    let a = &d.views()[0];
    assert_eq!((a.count, a.evidence.batches_total), (6, 6));
    assert_eq!(a.evidence.operations["stop"], 6);
    assert_eq!(a.first_seen_ms, T0 * 1000 + 500);
    // More than an hour after it was last seen: a new alert.
    let last = T0 + 600 + 3000 * 4;
    assert_eq!(d.observe(&stop(7, last + 3601 + 60)), [2]);
    assert_eq!(d.alerts().len(), 2);
    // Another server is another alert, even within the window.
    let other = batch(8, last + 3700, |b| {
        b.operations.push(op(
            "10.0.0.5",
            "10.0.0.10",
            Protocol::Cip,
            "stop",
            OperationClass::Control,
        ))
    });
    assert_eq!(d.observe(&other), [3]);
}

#[test]
fn a_short_window_splits_what_a_long_one_keeps_together() {
    let config = Config {
        dedup_window_secs: 60,
        ..Config::default()
    };
    let mut d = Detector::new(config);
    d.observe(&stop(1, T0));
    d.observe(&stop(2, T0 + 60));
    d.observe(&stop(3, T0 + 600));
    assert_eq!(d.alerts().len(), 2);
    assert_eq!(d.alerts()[0].count, 2);
}

fn poll(sequence: u64, minute: i64, client: &str, name: &str, class: OperationClass) -> Batch {
    batch(sequence, minute, |b| {
        b.hosts.push(host_ip(client, "00:00:00:00:00:0c"));
        b.hosts.push(host_ip("10.0.0.9", "00:00:00:00:00:09"));
        b.hosts.push(host_mac("00:00:00:00:00:0c"));
        b.hosts.push(host_mac("00:00:00:00:00:09"));
        b.operations
            .push(op(client, "10.0.0.9", Protocol::Modbus, name, class));
        let mut answer = op(client, "10.0.0.9", Protocol::Modbus, name, class);
        answer.direction = Direction::Response;
        b.operations.push(answer);
    })
}

#[test]
fn baseline_alerts_start_when_seven_days_of_batch_time_have_passed() {
    let mut d = Detector::default();
    d.observe(&poll(
        1,
        T0,
        "10.0.0.5",
        "read_holding_registers",
        OperationClass::Read,
    ));
    // Still learning a minute before the seven days end: a write is learned.
    let almost = T0 + 7 * 86_400 - 60;
    d.observe(&poll(
        2,
        almost,
        "10.0.0.5",
        "write_single_register",
        OperationClass::Write,
    ));
    assert!(d.alerts().is_empty());
    assert!(d.is_learning(SENSOR, almost) && !d.is_learning(SENSOR, almost + 60));
    // After it, reads and the learned write are normal ...
    d.observe(&poll(
        3,
        almost + 60,
        "10.0.0.5",
        "read_holding_registers",
        OperationClass::Read,
    ));
    d.observe(&poll(
        4,
        almost + 120,
        "10.0.0.5",
        "write_single_register",
        OperationClass::Write,
    ));
    assert!(d.alerts().is_empty(), "{:?}", d.alerts());
    // ... a new function of a known class is new, and so is a first
    // control where only reads and writes were seen.
    d.observe(&poll(
        5,
        almost + 180,
        "10.0.0.5",
        "read_coils",
        OperationClass::Read,
    ));
    d.observe(&poll(
        6,
        almost + 240,
        "10.0.0.5",
        "diagnostics_restart",
        OperationClass::Control,
    ));
    let views = d.views();
    assert_eq!(types(&views), ["new_function", "new_operation_class"]);
    let class = one(&views, "new_operation_class");
    assert_eq!(class.subject, "control");
    assert_eq!(class.severity, Severity::High);
    assert_eq!(
        class.assets,
        ["mac:00:00:00:00:00:0c", "mac:00:00:00:00:00:09"]
    );
}

#[test]
fn the_first_write_on_a_read_only_edge_is_a_new_operation_class() {
    let mut d = Detector::default();
    d.observe(&poll(
        1,
        T0,
        "10.0.0.5",
        "read_holding_registers",
        OperationClass::Read,
    ));
    d.end_learning();
    d.observe(&poll(
        2,
        T0 + 60,
        "10.0.0.5",
        "write_multiple_registers",
        OperationClass::Write,
    ));
    d.observe(&poll(
        3,
        T0 + 120,
        "10.0.0.5",
        "write_multiple_registers",
        OperationClass::Write,
    ));
    let views = d.views();
    assert_eq!(types(&views), ["new_operation_class"]);
    assert_eq!(views[0].subject, "write");
    assert_eq!(views[0].count, 2);
    assert_eq!(views[0].evidence.operations["write_multiple_registers"], 2);
}

#[test]
fn a_new_client_is_a_new_asset_and_a_new_edge() {
    let mut d = Detector::default();
    d.observe(&poll(
        1,
        T0,
        "10.0.0.5",
        "read_holding_registers",
        OperationClass::Read,
    ));
    d.end_learning();
    d.observe(&batch(2, T0 + 60, |b| {
        b.hosts.push(host_ip("10.0.0.66", "00:00:00:00:00:66"));
        b.hosts.push(host_mac("00:00:00:00:00:66"));
        b.operations.push(op(
            "10.0.0.66",
            "10.0.0.9",
            Protocol::Modbus,
            "read_holding_registers",
            OperationClass::Read,
        ));
        b.operations.push(op(
            "10.0.0.66",
            "10.0.0.9",
            Protocol::S7comm,
            "read_var",
            OperationClass::Read,
        ));
    }));
    let views = d.views();
    assert_eq!(types(&views), ["new_asset", "new_edge", "new_edge"]);
    assert_eq!(one(&views, "new_asset").assets, ["mac:00:00:00:00:00:66"]);
}

#[test]
fn a_known_ip_from_another_mac_and_a_known_mac_with_another_ip_are_ip_mac_changes() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.hosts.push(host_ip("10.0.0.5", "00:00:00:00:00:05"));
        b.hosts.push(host_mac("00:00:00:00:00:05"));
        b.hosts.push(host_mac("00:00:00:00:00:07"));
        b.hosts.push(host_ip("10.0.0.7", "00:00:00:00:00:07"));
    }));
    d.end_learning();
    d.observe(&batch(2, T0 + 60, |b| {
        // Someone else answers for 10.0.0.5 (ARP spoofing looks like this).
        b.hosts.push(host_ip("10.0.0.5", "00:00:00:00:00:07"));
    }));
    d.observe(&batch(3, T0 + 120, |b| {
        b.hosts.push(host_ip("10.0.0.8", "00:00:00:00:00:05"));
    }));
    let views = d.views();
    assert_eq!(types(&views), ["ip_mac_change", "ip_mac_change"]);
    assert_eq!(views[0].subject, "10.0.0.5 now from 00:00:00:00:00:07");
    assert_eq!(views[1].subject, "00:00:00:00:00:05 now also 10.0.0.8");
    assert_eq!(views[0].technique.map(|t| t.id), Some("T0830"));
}

#[test]
fn remote_access_to_a_controller_alerts_unless_it_was_learned() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        let mut answer = op(
            "10.0.0.5",
            "10.0.0.9",
            Protocol::Modbus,
            "read_coils",
            OperationClass::Read,
        );
        answer.direction = Direction::Response;
        b.operations.push(answer);
        // The engineering PC always browses the controller's web page.
        b.flows.push(flow("10.0.0.5", "10.0.0.9", 80, true));
    }));
    d.end_learning();
    d.observe(&batch(2, T0 + 60, |b| {
        b.flows.push(flow("10.0.0.5", "10.0.0.9", 80, true));
        b.flows.push(flow("10.0.0.77", "10.0.0.9", 3389, true));
        // Not a controller: no alert.
        b.flows.push(flow("10.0.0.77", "10.0.0.5", 445, true));
    }));
    let views = d.views();
    assert_eq!(types(&views), ["it_protocol_to_ot"]);
    assert_eq!(views[0].subject, "rdp");
    assert_eq!(views[0].client.as_ref().unwrap().ip, Some(ip("10.0.0.77")));
}

#[test]
fn a_syn_sweep_is_a_scan_and_a_poller_is_not() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        for i in 1..=20 {
            b.flows
                .push(flow("10.0.0.66", &format!("10.0.1.{i}"), 502, false));
        }
        for i in 1..=30 {
            b.flows
                .push(flow("10.0.0.5", &format!("10.0.2.{i}"), 502, true));
        }
    }));
    let views = d.views();
    assert_eq!(types(&views), ["network_scan"]);
    assert_eq!(views[0].client.as_ref().unwrap().ip, Some(ip("10.0.0.66")));
    assert_eq!(views[0].evidence.operations["hosts_tried"], 20);
    assert_eq!(views[0].technique.map(|t| t.id), Some("T0846"));

    // Many ports of one host.
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        for port in 1..=16 {
            b.flows.push(flow("10.0.0.66", "10.0.0.9", port, false));
        }
    }));
    let views = d.views();
    assert_eq!(types(&views), ["network_scan"]);
    assert_eq!(views[0].server.as_ref().unwrap().ip, Some(ip("10.0.0.9")));
    assert_eq!(views[0].evidence.operations["most_ports_on_one_host"], 16);
}

#[test]
fn discovery_of_many_devices_is_a_sweep_and_one_broadcast_is_not() {
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        for i in 1..=5 {
            b.operations.push(op(
                "10.0.0.66",
                &format!("10.0.1.{i}"),
                Protocol::Enip,
                "list_identity",
                OperationClass::Discovery,
            ));
        }
        b.operations.push(op(
            "10.0.0.5",
            "10.0.0.255",
            Protocol::Bacnet,
            "who_is",
            OperationClass::Discovery,
        ));
    }));
    let views = d.views();
    assert_eq!(types(&views), ["discovery_sweep"]);
    assert_eq!(views[0].severity, Severity::Medium);
    assert_eq!(views[0].evidence.operations["list_identity"], 5);
}

#[test]
fn the_state_kept_between_batches_gives_the_same_alerts() {
    let all = batches("modbus/modbus_digitalbond_test_data_part2.pcap");
    let (learn, rest) = all.split_at(1);
    let mut straight = Detector::default();
    learn.iter().for_each(|b| {
        straight.observe(b);
    });
    straight.end_learning();
    let mut resumed = Detector::default();
    learn.iter().for_each(|b| {
        resumed.observe(b);
    });
    resumed.end_learning();
    // Stored as the server stores the inventory (CBOR, tuple map keys).
    let mut bytes = Vec::new();
    ciborium::into_writer(&resumed, &mut bytes).unwrap();
    let mut resumed: Detector = ciborium::from_reader(bytes.as_slice()).unwrap();
    for b in rest {
        straight.observe(b);
        resumed.observe(b);
    }
    assert_eq!(straight, resumed);
    assert!(!straight.alerts().is_empty());
}

#[test]
fn hostile_batches_do_not_panic() {
    let mut d = Detector::new(Config {
        learning_secs: i64::MAX,
        dedup_window_secs: i64::MAX,
    });
    for (i, minute) in [i64::MIN, -60, 0, i64::MAX].into_iter().enumerate() {
        d.observe(&batch(i as u64, 0, |b| {
            b.minute_start = minute;
            b.sensor_id = String::new();
            let mut o = op(
                "0.0.0.0",
                "255.255.255.255",
                Protocol::Cip,
                "",
                OperationClass::Control,
            );
            o.count = u64::MAX;
            o.first_seen_ms = i64::MAX;
            o.last_seen_ms = i64::MIN;
            b.operations.push(o.clone());
            o.name = "stop".into();
            o.client_ip = Some(ip("10.0.0.1"));
            o.server_ip = Some(ip("10.0.0.2"));
            b.operations.push(o.clone());
            b.operations.push(o);
            b.counters.malformed.insert("modbus".into(), u64::MAX);
            b.counters.malformed.insert("".into(), 1);
        }));
    }
    d.end_learning();
    d.observe(&Batch::empty("", u64::MAX, i64::MAX));
    d.review(&analysis::Inventory::default().report());
    let _ = d.views();
}

#[test]
fn a_new_address_behind_a_router_is_a_new_asset_of_its_own() {
    let router = "00:00:00:00:00:01";
    let mut d = Detector::default();
    d.observe(&batch(1, T0, |b| {
        b.hosts.push(host_mac(router));
        for i in 1..=4 {
            b.hosts.push(host_ip(&format!("172.16.0.{i}"), router));
        }
    }));
    d.end_learning();
    d.observe(&batch(2, T0 + 60, |b| {
        b.hosts.push(host_ip("172.16.0.1", router));
        b.hosts.push(host_ip("172.16.0.9", router));
        // An address that only received: nothing to say yet.
        let mut quiet = host_ip("10.9.9.9", router);
        quiet.macs.clear();
        b.hosts.push(quiet);
    }));
    let views = d.views();
    assert_eq!(types(&views), ["new_asset"]);
    assert_eq!(views[0].assets, ["ip:sen_test/172.16.0.9"]);
}

fn polls(sequence: u64, minute: i64, count: u64) -> Batch {
    let mut b = poll(
        sequence,
        minute,
        "10.0.0.5",
        "read_holding_registers",
        OperationClass::Read,
    );
    for o in &mut b.operations {
        o.count = count;
    }
    b
}

fn quiet(sequence: u64, minute: i64) -> Batch {
    batch(sequence, minute, |b| {
        b.hosts.push(host_mac("00:00:00:00:00:0c"))
    })
}

#[test]
fn a_poll_that_triples_is_a_spike_and_one_that_stops_is_reported_once() {
    let mut d = Detector::default();
    for i in 0..20 {
        d.observe(&polls(i as u64 + 1, T0 + 60 * i, 60));
    }
    d.end_learning();
    d.observe(&polls(21, T0 + 60 * 20, 100));
    assert!(d.alerts().is_empty(), "{:?}", d.alerts());
    d.observe(&polls(22, T0 + 60 * 21, 180));
    let views = d.views();
    assert_eq!(types(&views), ["traffic_spike"]);
    assert_eq!(views[0].subject, "learned average 60/min");
    assert_eq!(views[0].evidence.operations["read_holding_registers"], 180);
    // Silent from minute 22: the fifth quiet minute on, one alert updated.
    for i in 22..30 {
        d.observe(&quiet(i as u64 + 1, T0 + 60 * i));
    }
    let views = d.views();
    let stopped = one(&views, "polling_stopped");
    assert_eq!(stopped.subject, "active in 20 of 20 learned minutes");
    // Minutes 26 to 29 are 300 s or more after minute 21.
    assert_eq!(stopped.count, 4);
    assert_eq!(stopped.first_seen_ms, (T0 + 60 * 21) * 1000);
    // Polling again: no more repeats.
    d.observe(&polls(31, T0 + 60 * 30, 60));
    d.observe(&quiet(32, T0 + 60 * 31));
    assert_eq!(one(&d.views(), "polling_stopped").count, 4);
}

#[test]
fn an_edge_active_now_and_then_is_not_periodic_and_a_short_history_judges_nothing() {
    let mut d = Detector::default();
    for i in 0..40 {
        let b = if i % 2 == 0 {
            polls(i as u64 + 1, T0 + 60 * i, 60)
        } else {
            quiet(i as u64 + 1, T0 + 60 * i)
        };
        d.observe(&b);
    }
    d.end_learning();
    for i in 40..60 {
        d.observe(&quiet(i as u64 + 1, T0 + 60 * i));
    }
    assert!(d.alerts().is_empty(), "{:?}", d.alerts());

    // Five learned minutes: not enough history for a spike.
    let mut d = Detector::default();
    for i in 0..5 {
        d.observe(&polls(i as u64 + 1, T0 + 60 * i, 10));
    }
    d.end_learning();
    d.observe(&polls(6, T0 + 300, 1_000));
    assert!(d.alerts().is_empty(), "{:?}", d.alerts());
}
