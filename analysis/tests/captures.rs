//! The inventory of the repository's real captures: the devices they are
//! known to hold, with the roles and identities the wire tells.

use analysis::report::{AssetView, Report};
use analysis::{Inventory, Role};
use traffic::record::Health;
use traffic::{Analyzer, AnalyzerConfig, CaptureReader};

fn inventory_of(path: &str) -> Report {
    let full = format!(
        "{}/../traffic/testdata/pcaps/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let mut reader = CaptureReader::from_slice(&bytes).unwrap();
    let mut analyzer = Analyzer::new(AnalyzerConfig::default());
    let mut inventory = Inventory::default();
    let mut sequence = 0;
    let mut take = |minute: traffic::analyzer::MinuteDigest| {
        sequence += 1;
        inventory.observe(&minute.into_batch("sen_test", sequence, Health::default()));
    };
    // Some captures end in a cut record: what came before it counts.
    while let Some(Ok(packet)) = reader.next_packet() {
        analyzer.push_packet(&packet);
        while let Some(minute) = analyzer.drain_minute() {
            take(minute);
        }
    }
    analyzer.finish().into_iter().for_each(take);
    inventory.report()
}

fn with_ip<'a>(report: &'a Report, ip: &str) -> &'a AssetView {
    report
        .assets
        .iter()
        .find(|a| a.ips.iter().any(|z| z.ip == ip))
        .unwrap_or_else(|| panic!("no asset with {ip}"))
}

fn role_of(report: &Report, ip: &str) -> Role {
    with_ip(report, ip).role
}

#[test]
fn the_s7_plc_and_the_workstation_that_downloads_a_block_to_it() {
    let r = inventory_of("s7comm/s7comm_downloading_block_db1.pcap");
    let plc = with_ip(&r, "192.168.1.40");
    assert_eq!(plc.role, Role::Controller);
    assert_eq!(plc.purdue_level, Some(1));
    assert_eq!(plc.oui_vendor.as_deref(), Some("Siemens AG"));
    assert_eq!(plc.protocols_served, ["s7comm"]);
    let ews = with_ip(&r, "192.168.1.10");
    assert_eq!(ews.role, Role::EngineeringWorkstation);
    assert!(
        ews.evidence
            .iter()
            .any(|e| e.en.contains("program transfers")),
        "{:?}",
        ews.evidence
    );
    let edge = &r.edges[0];
    assert_eq!(
        (edge.client.as_str(), edge.server.as_str()),
        (ews.id.as_str(), plc.id.as_str())
    );
    assert_eq!(edge.protocol, "s7comm");
    assert!(edge.classes["program"] > 0);
    assert_eq!(
        edge.hourly.iter().sum::<u64>(),
        edge.classes.values().sum::<u64>()
    );
}

#[test]
fn the_modbus_master_polls_its_slave() {
    let r = inventory_of("modbus/modbus_test_2.pcap");
    assert_eq!(role_of(&r, "192.168.0.20"), Role::Controller);
    let master = with_ip(&r, "192.168.0.21");
    assert_eq!(master.role, Role::Hmi);
    assert_eq!(master.protocols_used, ["modbus"]);
    let r = inventory_of("modbus/modbus_digitalbond_test_data_part2.pcap");
    let controllers = r
        .assets
        .iter()
        .filter(|a| a.role == Role::Controller)
        .count();
    assert!(controllers >= 1, "slaves found: {controllers}");
    assert!(r.edges.iter().all(|e| e.protocol == "modbus"));
}

#[test]
fn the_cip_controller_tells_its_identity() {
    let r = inventory_of("enip/enip_test.pcap");
    let plc = with_ip(&r, "10.1.1.164");
    assert_eq!(plc.role, Role::Controller);
    assert_eq!(plc.product.as_deref(), Some("1756-ENBT/A"));
    let fact = |attribute: &str| {
        plc.facts
            .iter()
            .find(|f| f.attribute == attribute)
            .map(|f| (f.source.as_str(), f.value.as_str()))
    };
    assert_eq!(
        fact("serial_number"),
        Some(("cip_list_identity", "0x00524d8e"))
    );
    assert_eq!(fact("firmware"), Some(("cip_list_identity", "4.3")));
    assert_eq!(fact("vendor_id"), Some(("cip_list_identity", "1")));
    // Only listing identities: browsing, as engineering software does.
    assert_eq!(role_of(&r, "10.1.1.167"), Role::EngineeringWorkstation);
}

#[test]
fn the_omron_and_mitsubishi_controllers() {
    let r = inventory_of("fins/fins_omron_test.pcap");
    let plc = with_ip(&r, "10.1.1.164");
    assert_eq!(plc.role, Role::Controller);
    assert_eq!(plc.protocols_served, ["fins"]);
    assert_eq!(plc.product.as_deref(), Some("CP1L-EL20DR-D"));

    // Captured on a PC routing between two segments: its MAC carries both
    // addresses, each of which has a MAC of its own.
    let r = inventory_of("melsec/melsec_melsoft_129_clean.pcap");
    let plc = with_ip(&r, "192.168.3.18");
    assert_eq!(plc.role, Role::Controller);
    assert_eq!(plc.macs, ["38:e0:8e:e0:4e:07"]);
    assert_eq!(plc.protocols_served, ["melsec"]);
    let hop = r
        .assets
        .iter()
        .find(|a| a.macs == ["74:86:7a:07:28:94"])
        .unwrap();
    assert_eq!(hop.role, Role::NetworkDevice);
    assert!(
        hop.ips.is_empty(),
        "the router's MAC does not take the addresses it forwards"
    );
}

#[test]
fn bacnet_devices_with_names_and_the_workstation_that_polls_them() {
    let r = inventory_of("bacnet/bacnet_icsnpp_example.pcap");
    let device = with_ip(&r, "172.20.32.100");
    assert_eq!(device.role, Role::Controller);
    assert_eq!(device.protocols_served, ["bacnet"]);
    assert!(
        device.names.contains(&"PLC_93".to_owned()),
        "{:?}",
        device.names
    );
    let poller = with_ip(&r, "172.20.32.200");
    assert_eq!(poller.role, Role::Hmi);
    assert!(
        poller.evidence[0].en.starts_with("polls 38 controller(s)"),
        "{:?}",
        poller.evidence
    );
    // Every device sits behind one simulator MAC: a hop, and one asset per address.
    let distinct: std::collections::BTreeSet<&str> = r
        .assets
        .iter()
        .flat_map(|a| a.ips.iter().map(|z| z.ip.as_str()))
        .collect();
    let with_ips = r.assets.iter().filter(|a| !a.ips.is_empty()).count();
    assert_eq!(with_ips, distinct.len(), "one asset per address");
    assert!(r.assets.iter().any(|a| a.role == Role::NetworkDevice));
}

#[test]
fn profinet_stations_that_only_ask_everyone_say_so() {
    // Eleven Siemens stations each send a DCP identify to the PROFINET
    // multicast address; none answers in this capture.
    let r = inventory_of("profinet/profinet_rt_dcp.pcap");
    assert_eq!(r.assets.len(), 11, "the multicast address is no asset");
    assert!(r.assets.iter().all(|a| !a.id.contains("01:0e:cf")));
    assert!(r.edges.is_empty(), "a request to everyone is no edge");
    for a in &r.assets {
        assert_eq!(a.protocols_used, ["profinet_dcp"], "{}", a.id);
        assert_eq!(a.role, Role::Unknown, "{}", a.id);
        assert!(
            a.evidence
                .iter()
                .any(|e| e.en.starts_with("only asks every station")
                    && e.en.contains("profinet_dcp (")),
            "{}: {:?}",
            a.id,
            a.evidence
        );
    }
}

/// The server keeps a tenant's inventory between batches as CBOR: a state
/// read back must be the same inventory and go on the same way.
#[test]
fn an_inventory_survives_cbor_and_goes_on_the_same() {
    let full = format!(
        "{}/../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&full).unwrap();
    let batches: Vec<_> =
        traffic::analyzer::digest_capture(bytes.as_slice(), AnalyzerConfig::default())
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, d)| d.into_batch("sen_test", i as u64 + 1, Health::default()))
            .collect();
    assert!(!batches.is_empty());
    let mut whole = Inventory::default();
    let mut resumed = Inventory::default();
    for b in &batches {
        whole.observe(b);
        let mut cbor = Vec::new();
        ciborium::into_writer(&resumed, &mut cbor).unwrap();
        let mut back: Inventory = ciborium::from_reader(cbor.as_slice()).unwrap();
        assert_eq!(back, resumed);
        back.observe(b);
        resumed = back;
    }
    assert_eq!(resumed, whole);
    assert_eq!(resumed.report(), whole.report());
    assert!(!whole.report().assets.is_empty());
}

#[test]
fn the_iec61850_ieds_serve_mms_and_the_station_computer_polls_them() {
    let r = inventory_of("iec61850/iec61850_mms_goose_sample.pcap");
    // The IEDs on port 102 send MMS reports and answer the client's reads.
    for ied in ["172.16.201.2", "172.16.201.4", "172.16.202.5"] {
        let a = with_ip(&r, ied);
        assert_eq!(a.role, Role::Controller, "{ied}: {:?}", a.evidence);
        assert!(a.protocols_served.contains(&"mms"), "{ied}");
    }
}

#[test]
fn cclink_ie_field_basic_master_and_slave() {
    let r = inventory_of("cclink/cclink_ie_field_basic_nttcom.pcap");
    // 172.16.134.128 broadcasts the cyclic requests (every slave's outputs);
    // 172.16.134.129 answers with its inputs.
    let master = with_ip(&r, "172.16.134.128");
    assert_eq!(master.role, Role::Controller, "{:?}", master.evidence);
    assert!(
        master
            .evidence
            .iter()
            .any(|e| e.en.contains("master station"))
    );
    let slave = with_ip(&r, "172.16.134.129");
    assert_eq!(slave.role, Role::FieldDevice, "{:?}", slave.evidence);
    assert_eq!(slave.purdue_level, Some(0));
}

#[test]
fn every_role_is_explained_in_japanese_and_english() {
    let dir = format!("{}/../traffic/testdata/pcaps", env!("CARGO_MANIFEST_DIR"));
    let mut explained = 0;
    for protocol in std::fs::read_dir(&dir).unwrap() {
        let protocol = protocol.unwrap().path();
        if !protocol.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&protocol).unwrap() {
            let file = file.unwrap().path();
            let rel = file
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            for a in &inventory_of(&rel).assets {
                assert!(!a.evidence.is_empty(), "{rel}: {} has no evidence", a.id);
                for e in &a.evidence {
                    // Japanese text, not the English copied.
                    assert!(
                        e.ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                            || ('\u{4e00}'..='\u{9fff}').contains(&c)),
                        "{rel}: {e:?}"
                    );
                    assert!(!e.en.is_empty() && e.en.is_ascii(), "{rel}: {e:?}");
                    explained += 1;
                }
            }
        }
    }
    assert!(explained > 100, "{explained}");
}
