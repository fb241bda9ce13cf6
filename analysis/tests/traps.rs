//! The cases where counting addresses gives the wrong devices: routers,
//! broadcast, the same address in two zones, one device seen by two
//! sensors, an address that changes.

use std::net::IpAddr;

use analysis::{Inventory, Role};
use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, HostRecord, OperationCount, TransportKind};

fn mac(last: u8) -> MacAddr {
    MacAddr([0x00, 0x1b, 0x1b, 0x00, 0x00, last])
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn mac_host(m: MacAddr) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: Some(m),
        ip: None,
        group: m.is_multicast(),
        vendor: Some("Siemens AG".into()),
        macs: vec![],
        ttl: None,
        first_seen_ms: 1_764_000_000_000,
        last_seen_ms: 1_764_000_030_000,
        packets_sent: 10,
        packets_received: 10,
        bytes_sent: 1000,
        bytes_received: 1000,
    }
}

fn ip_host(address: &str, from: &[MacAddr], group: bool) -> HostRecord {
    HostRecord {
        mac: None,
        ip: Some(ip(address)),
        group,
        vendor: None,
        macs: from.to_vec(),
        ..mac_host(mac(0))
    }
}

/// An operation between two stations seen at layer 2 only.
fn layer2(
    client: MacAddr,
    server: MacAddr,
    protocol: Protocol,
    name: &str,
    class: OperationClass,
    direction: Direction,
    count: u64,
) -> OperationCount {
    OperationCount {
        transport: TransportKind::Ethernet,
        client_ip: None,
        server_ip: None,
        server_port: None,
        client_mac: Some(client),
        server_mac: Some(server),
        protocol,
        function_code: 0,
        name: name.into(),
        class,
        direction,
        count,
        ..modbus_read("10.0.0.1", "10.0.0.2")
    }
}

fn modbus_read(client: &str, server: &str) -> OperationCount {
    OperationCount {
        vlan: None,
        transport: TransportKind::Tcp,
        client_ip: Some(ip(client)),
        server_ip: Some(ip(server)),
        server_port: Some(502),
        client_mac: None,
        server_mac: None,
        protocol: Protocol::Modbus,
        function_code: 3,
        name: "read_holding_registers".into(),
        class: OperationClass::Read,
        unit: Some(1),
        direction: Direction::Request,
        error_code: None,
        count: 60,
        first_seen_ms: 1_764_000_000_000,
        last_seen_ms: 1_764_000_059_000,
        ranges: vec![],
        ranges_truncated: false,
    }
}

fn batch(sensor: &str, hosts: Vec<HostRecord>, operations: Vec<OperationCount>) -> Batch {
    Batch {
        hosts,
        operations,
        ..Batch::empty(sensor, 1, 1_764_000_000)
    }
}

#[test]
fn a_router_is_one_asset_and_each_address_behind_it_another() {
    let router = mac(1);
    let mut hosts = vec![mac_host(router)];
    let behind = ["10.2.0.5", "10.2.0.6", "10.2.0.7", "10.3.0.9", "10.4.1.1"];
    for a in behind {
        hosts.push(ip_host(a, &[router], false));
    }
    let mut inventory = Inventory::default();
    inventory.observe(&batch("sen_a", hosts, vec![]));
    let r = inventory.report();
    assert_eq!(r.assets.len(), 1 + behind.len());
    let hop = r
        .assets
        .iter()
        .find(|a| a.id == format!("mac:{router}"))
        .unwrap();
    assert_eq!(hop.role, Role::NetworkDevice);
    assert!(hop.ips.is_empty());
    for a in behind {
        let asset = r
            .assets
            .iter()
            .find(|x| x.ips.iter().any(|z| z.ip == a))
            .unwrap();
        assert_eq!(asset.id, format!("ip:sen_a/{a}"));
        assert!(asset.macs.is_empty(), "the router's MAC is not {a}'s");
    }
}

#[test]
fn broadcast_and_multicast_addresses_are_not_assets() {
    let device = mac(2);
    let hosts = vec![
        mac_host(device),
        mac_host(MacAddr::BROADCAST),
        mac_host(MacAddr([0x01, 0x0e, 0xcf, 0, 0, 0])),
        ip_host("192.168.0.10", &[device], false),
        ip_host("255.255.255.255", &[], true),
        ip_host("224.0.0.251", &[], true),
        ip_host("192.168.0.255", &[], false),
        ip_host("0.0.0.0", &[device], false),
    ];
    let mut inventory = Inventory::default();
    inventory.observe(&batch("sen_a", hosts, vec![]));
    let r = inventory.report();
    assert_eq!(r.assets.len(), 1, "{:#?}", r.assets);
    assert_eq!(r.assets[0].ips.len(), 1);
}

#[test]
fn the_same_address_in_two_zones_is_two_assets() {
    let mut inventory = Inventory::default();
    for sensor in ["sen_line1", "sen_line2"] {
        inventory.observe(&batch(
            sensor,
            vec![ip_host("192.168.1.10", &[], false)],
            vec![modbus_read("192.168.1.20", "192.168.1.10")],
        ));
    }
    let r = inventory.report();
    let plcs: Vec<_> = r
        .assets
        .iter()
        .filter(|a| a.role == Role::Controller)
        .collect();
    assert_eq!(plcs.len(), 2);
    assert_ne!(plcs[0].id, plcs[1].id);
    assert_eq!(r.zones.len(), 2);
    assert_eq!(r.edges.len(), 2, "one edge per zone");
}

/// Two lines built alike, each on its own VLAN, mirrored to one sensor
/// on a trunk: the same addresses are four devices, not two devices each
/// with two MACs (which would be an address conflict, one `ip:` asset).
#[test]
fn the_same_address_on_two_vlans_of_one_sensor_is_two_assets() {
    let tagged = |vlan: u16, mut h: HostRecord| {
        h.vlan = Some(vlan);
        h
    };
    let mut inventory = Inventory::default();
    let mut hosts = Vec::new();
    let mut operations = Vec::new();
    for (vlan, plc, hmi) in [(10, mac(10), mac(11)), (20, mac(20), mac(21))] {
        hosts.extend([
            tagged(vlan, mac_host(plc)),
            tagged(vlan, mac_host(hmi)),
            tagged(vlan, ip_host("192.168.1.10", &[plc], false)),
            tagged(vlan, ip_host("192.168.1.20", &[hmi], false)),
            // Behind a router: known by its address only.
            tagged(vlan, ip_host("10.9.0.5", &[], false)),
        ]);
        operations.extend([
            OperationCount {
                vlan: Some(vlan),
                ..modbus_read("192.168.1.20", "192.168.1.10")
            },
            OperationCount {
                vlan: Some(vlan),
                ..modbus_read("10.9.0.5", "192.168.1.10")
            },
        ]);
    }
    inventory.observe(&batch("sen_a", hosts, operations));
    let r = inventory.report();
    let plcs: Vec<_> = r
        .assets
        .iter()
        .filter(|a| a.role == Role::Controller)
        .collect();
    assert_eq!(plcs.len(), 2, "{:#?}", r.assets);
    for (plc, vlan, m) in [(plcs[0], 10, mac(10)), (plcs[1], 20, mac(20))] {
        assert_eq!(plc.id, format!("mac:{m}"));
        assert_eq!(plc.macs, [m.to_string()]);
        assert_eq!(plc.ips.len(), 1);
        assert_eq!(plc.ips[0].ip, "192.168.1.10");
        assert_eq!(
            (plc.ips[0].sensor.as_str(), plc.ips[0].vlan),
            ("sen_a", Some(vlan))
        );
        assert_eq!(plc.zones, [format!("sen_a/vlan{vlan}")]);
    }
    let routed: Vec<&str> = r
        .assets
        .iter()
        .filter(|a| a.ips.iter().any(|z| z.ip == "10.9.0.5"))
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(
        routed,
        ["ip:sen_a/vlan10/10.9.0.5", "ip:sen_a/vlan20/10.9.0.5"]
    );
    assert_eq!(r.assets.len(), 6, "two PLCs, two HMIs, two routed clients");
    assert_eq!(r.edges.len(), 4, "two edges per line");
    let zones: Vec<&str> = r.zones.iter().map(|z| z.zone.as_str()).collect();
    assert_eq!(zones, ["sen_a/vlan10", "sen_a/vlan20"]);
    assert!(r.zones.iter().all(|z| z.sensor.as_deref() == Some("sen_a")));
}

#[test]
fn two_sensors_seeing_one_device_make_one_asset() {
    let plc = mac(3);
    let mut inventory = Inventory::default();
    for sensor in ["sen_core", "sen_cell"] {
        inventory.observe(&batch(
            sensor,
            vec![mac_host(plc), ip_host("10.0.0.3", &[plc], false)],
            vec![],
        ));
    }
    let r = inventory.report();
    let assets: Vec<_> = r
        .assets
        .iter()
        .filter(|a| a.macs == [plc.to_string()])
        .collect();
    assert_eq!(assets.len(), 1);
    assert_eq!(assets[0].sensors, ["sen_cell", "sen_core"]);
}

#[test]
fn an_address_change_keeps_the_asset_and_both_addresses() {
    let hmi = mac(4);
    let mut inventory = Inventory::default();
    inventory.observe(&batch(
        "sen_a",
        vec![mac_host(hmi), ip_host("10.0.0.50", &[hmi], false)],
        vec![],
    ));
    inventory.observe(&Batch {
        sequence: 2,
        minute_start: 1_764_000_060,
        ..batch(
            "sen_a",
            vec![mac_host(hmi), ip_host("10.0.0.77", &[hmi], false)],
            vec![],
        )
    });
    let r = inventory.report();
    assert_eq!(r.assets.len(), 1);
    let ips: Vec<&str> = r.assets[0].ips.iter().map(|z| z.ip.as_str()).collect();
    assert_eq!(ips, ["10.0.0.50", "10.0.0.77"]);
}

#[test]
fn an_it_host_talking_no_industrial_protocol_is_told_apart() {
    let pc = mac(5);
    let mut inventory = Inventory::default();
    inventory.observe(&batch(
        "sen_a",
        vec![mac_host(pc), ip_host("10.9.0.5", &[pc], false)],
        vec![],
    ));
    let r = inventory.report();
    assert_eq!(r.assets[0].role, Role::ItHost);
    assert_eq!(r.assets[0].purdue_level, Some(4));
}

#[test]
fn an_address_change_keeps_when_each_address_was_used() {
    let hmi = mac(6);
    let mut inventory = Inventory::default();
    let mut first = ip_host("10.0.0.50", &[hmi], false);
    (first.first_seen_ms, first.last_seen_ms) = (1_000, 2_000);
    let mut second = ip_host("10.0.0.77", &[hmi], false);
    (second.first_seen_ms, second.last_seen_ms) = (3_000, 4_000);
    inventory.observe(&batch("sen_a", vec![mac_host(hmi), first, second], vec![]));
    let r = inventory.report();
    let spans: Vec<_> = r.assets[0]
        .ips
        .iter()
        .map(|z| (z.ip.as_str(), z.first_seen_ms, z.last_seen_ms))
        .collect();
    assert_eq!(
        spans,
        [
            ("10.0.0.50", Some(1_000), Some(2_000)),
            ("10.0.0.77", Some(3_000), Some(4_000))
        ]
    );
}

#[test]
fn a_users_role_and_level_win_and_the_traffic_stays_in_the_evidence() {
    let mut inventory = Inventory::default();
    inventory.observe(&batch(
        "sen_a",
        vec![],
        vec![modbus_read("10.0.0.20", "10.0.0.10")],
    ));
    let r = inventory.report();
    let client = r
        .assets
        .iter()
        .find(|a| a.role == Role::Hmi)
        .unwrap()
        .id
        .clone();
    assert!(!r.edges[0].skips_levels, "HMI (2) to controller (1)");

    let mut overrides = analysis::Overrides::default();
    overrides.roles.insert(client.clone(), Role::ItHost);
    let r = inventory.report_with(&overrides);
    let a = r.assets.iter().find(|a| a.id == client).unwrap();
    assert_eq!(a.role, Role::ItHost);
    assert!(a.role_overridden);
    assert_eq!(a.purdue_level, Some(4));
    assert!(
        a.evidence[0]
            .en
            .starts_with("set by a user; the traffic suggests Hmi"),
        "{:?}",
        a.evidence
    );
    assert!(
        a.evidence[0]
            .ja
            .starts_with("利用者が設定。通信からの推定は hmi"),
        "{:?}",
        a.evidence
    );
    assert!(
        r.edges[0].skips_levels,
        "an IT host talking straight to a controller"
    );

    overrides.roles.clear();
    overrides.purdue_levels.insert(client.clone(), 3);
    let r = inventory.report_with(&overrides);
    let a = r.assets.iter().find(|a| a.id == client).unwrap();
    assert_eq!(
        (a.role, a.purdue_level, a.role_overridden),
        (Role::Hmi, Some(3), false)
    );
    assert!(r.edges[0].skips_levels);
}

fn dcp_to_all(from: MacAddr, direction: Direction) -> OperationCount {
    OperationCount {
        transport: TransportKind::Ethernet,
        client_ip: None,
        server_ip: None,
        server_port: None,
        client_mac: Some(from),
        server_mac: Some(MacAddr([0x01, 0x0e, 0xcf, 0, 0, 0])),
        protocol: Protocol::ProfinetDcp,
        function_code: 5,
        name: "identify".into(),
        class: OperationClass::Discovery,
        unit: None,
        direction,
        count: 3,
        ..modbus_read("10.0.0.1", "10.0.0.2")
    }
}

#[test]
fn a_request_to_every_station_is_no_edge_but_tells_what_its_sender_speaks() {
    let plc = mac(3);
    let hmi = mac(4);
    let mut inventory = Inventory::default();
    inventory.observe(&batch(
        "sen_a",
        vec![
            mac_host(plc),
            mac_host(hmi),
            ip_host("10.0.0.2", &[plc], false),
            ip_host("10.0.0.1", &[hmi], false),
        ],
        vec![
            modbus_read("10.0.0.1", "10.0.0.2"),
            dcp_to_all(plc, Direction::Request),
            // Not a request: a reply sent to a group counts for no one.
            dcp_to_all(hmi, Direction::Response),
        ],
    ));
    let r = inventory.report();
    assert_eq!(
        r.edges.len(),
        1,
        "only the Modbus conversation: {:?}",
        r.edges
    );
    let plc_view = r
        .assets
        .iter()
        .find(|a| a.id == format!("mac:{plc}"))
        .unwrap();
    assert_eq!(plc_view.role, Role::Controller);
    assert_eq!(plc_view.protocols_used, ["profinet_dcp"]);
    assert!(
        plc_view
            .evidence
            .iter()
            .any(|e| e.en == "also asks every station on its network: profinet_dcp (3)"),
        "{:?}",
        plc_view.evidence
    );
    let hmi_view = r
        .assets
        .iter()
        .find(|a| a.id == format!("mac:{hmi}"))
        .unwrap();
    assert_eq!(hmi_view.protocols_used, ["modbus"]);
    assert!(
        hmi_view
            .evidence
            .iter()
            .all(|e| !e.en.contains("every station"))
    );
}

/// One request of `protocol` from `client` to `server`.
fn request(
    client: &str,
    server: &str,
    protocol: Protocol,
    port: u16,
    name: &'static str,
    class: OperationClass,
) -> OperationCount {
    OperationCount {
        vlan: None,
        server_port: Some(port),
        protocol,
        name: name.into(),
        class,
        count: 1,
        ..modbus_read(client, server)
    }
}

fn role_of(r: &analysis::Report, address: &str) -> Role {
    r.assets
        .iter()
        .find(|a| a.ips.iter().any(|z| z.ip == address))
        .unwrap()
        .role
}

#[test]
fn an_ads_server_is_a_controller_a_pmu_a_field_device_and_its_pdc_no_engineer() {
    let mut inventory = Inventory::default();
    inventory.observe(&batch(
        "sen_a",
        vec![],
        vec![
            request(
                "10.0.0.9",
                "10.0.0.5",
                Protocol::Ads,
                48898,
                "read_state",
                OperationClass::Diagnostic,
            ),
            // The PDC turns the PMU's stream on and asks for its configuration.
            request(
                "10.0.1.9",
                "10.0.1.5",
                Protocol::C37118,
                4712,
                "turn_on_transmission",
                OperationClass::Control,
            ),
            request(
                "10.0.1.9",
                "10.0.1.5",
                Protocol::C37118,
                4712,
                "send_config2",
                OperationClass::Discovery,
            ),
        ],
    ));
    let r = inventory.report();
    assert_eq!(role_of(&r, "10.0.0.5"), Role::Controller);
    assert_eq!(role_of(&r, "10.0.1.5"), Role::FieldDevice);
    // Turning a data stream on is routine for a data concentrator, not engineering.
    assert_eq!(role_of(&r, "10.0.1.9"), Role::Historian);
}

#[test]
fn a_goose_publisher_is_an_ied() {
    let ied = mac(7);
    let publication = layer2(
        ied,
        MacAddr([0x01, 0x0c, 0xcd, 0x01, 0x00, 0x00]),
        Protocol::Goose,
        "goose_retransmission",
        OperationClass::Read,
        Direction::Unknown,
        26,
    );
    let mut inventory = Inventory::default();
    inventory.observe(&batch("sen_a", vec![mac_host(ied)], vec![publication]));
    let r = inventory.report();
    let a = r
        .assets
        .iter()
        .find(|a| a.id == format!("mac:{ied}"))
        .unwrap();
    assert_eq!(a.role, Role::Controller, "{:?}", a.evidence);
    assert!(
        a.evidence.iter().any(|e| e.en.contains("GOOSE (26)")),
        "{:?}",
        a.evidence
    );
}

#[test]
fn a_sampled_values_publisher_is_a_merging_unit() {
    let merging_unit = mac(8);
    let samples = OperationCount {
        vlan: None,
        function_code: 2,
        ..layer2(
            merging_unit,
            MacAddr([0x01, 0x0c, 0xcd, 0x04, 0x00, 0x01]),
            Protocol::SampledValues,
            "sv_global_sync",
            OperationClass::Read,
            Direction::Unknown,
            240_000,
        )
    };
    let mut inventory = Inventory::default();
    inventory.observe(&batch("sen_a", vec![mac_host(merging_unit)], vec![samples]));
    let r = inventory.report();
    let a = r
        .assets
        .iter()
        .find(|a| a.id == format!("mac:{merging_unit}"))
        .unwrap();
    assert_eq!(a.role, Role::FieldDevice, "{:?}", a.evidence);
    assert!(
        a.evidence
            .iter()
            .any(|e| e.en.contains("Sampled Values (240000)")),
        "{:?}",
        a.evidence
    );
    // The multicast group it publishes to is no asset.
    assert!(!r.assets.iter().any(|a| a.id.contains("01:0c:cd")));
}

#[test]
fn a_profinet_io_controller_and_its_device() {
    let (plc, device) = (mac(9), mac(10));
    let l2 = |client, server, name: &str, class, direction, count| {
        layer2(
            client,
            server,
            Protocol::ProfinetIo,
            name,
            class,
            direction,
            count,
        )
    };
    let ops = vec![
        // Cyclic data both ways: on its own it tells neither side.
        l2(
            plc,
            device,
            "rt_cyclic_data",
            OperationClass::Read,
            Direction::Unknown,
            60_000,
        ),
        l2(
            device,
            plc,
            "rt_cyclic_data",
            OperationClass::Read,
            Direction::Unknown,
            60_000,
        ),
        // The device's pull alarm (a response: the device serves it), the
        // RTA acknowledgements both sides send, and the controller's AlarmAck.
        l2(
            plc,
            device,
            "alarm_pull",
            OperationClass::Diagnostic,
            Direction::Response,
            1,
        ),
        l2(
            device,
            plc,
            "rta_ack",
            OperationClass::Other,
            Direction::Unknown,
            1,
        ),
        l2(
            plc,
            device,
            "alarm_ack",
            OperationClass::Session,
            Direction::Request,
            1,
        ),
        l2(
            device,
            plc,
            "rta_ack",
            OperationClass::Other,
            Direction::Unknown,
            1,
        ),
        // The device's ApplicationReady to the controller.
        l2(
            device,
            plc,
            "application_ready",
            OperationClass::Other,
            Direction::Request,
            1,
        ),
    ];
    let mut inventory = Inventory::default();
    inventory.observe(&batch("sen_a", vec![mac_host(plc), mac_host(device)], ops));
    let r = inventory.report();
    let role = |m: MacAddr| {
        let a = r
            .assets
            .iter()
            .find(|a| a.id == format!("mac:{m}"))
            .unwrap();
        (
            a.role,
            a.evidence
                .iter()
                .map(|e| e.en.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    let (plc_role, why) = role(plc);
    assert_eq!(plc_role, Role::Controller, "{why}");
    assert!(why.contains("an IO controller"), "{why}");
    let (device_role, why) = role(device);
    assert_eq!(device_role, Role::FieldDevice, "{why}");
    assert!(why.contains("an IO device"), "{why}");
}
