//! Zones the customer defines, as the inventory shows them: an address's
//! zone is the most specific defined zone that covers it, else its
//! sensor's; identities never change with the zones.

use std::net::IpAddr;

use analysis::report::Overrides;
use analysis::zones::{ZonePlan, ZoneRule};
use analysis::{Inventory, Report};
use traffic::ethernet::MacAddr;
use traffic::record::{Batch, FlowRecord, HostRecord, Initiator, TransportKind};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn host(address: &str) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: None,
        ip: Some(ip(address)),
        group: false,
        vendor: None,
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

fn mac_only(last: u8) -> HostRecord {
    HostRecord {
        vlan: None,
        mac: Some(MacAddr([0x00, 0x0e, 0x8c, 0, 0, last])),
        ip: None,
        ..host("10.0.0.1")
    }
}

fn flow(client: &str, server: &str, vlan: Option<u16>) -> FlowRecord {
    FlowRecord {
        transport: TransportKind::Tcp,
        ip_protocol: 6,
        client_ip: ip(client),
        server_ip: ip(server),
        client_port: 50000,
        server_port: 502,
        client_mac: None,
        server_mac: None,
        vlan,
        initiator: Initiator::Syn,
        protocol: None,
        flow_start_ms: 1_764_000_000_000,
        first_seen_ms: 1_764_000_000_000,
        last_seen_ms: 1_764_000_001_000,
        packets_to_server: 2,
        packets_to_client: 1,
        bytes_to_server: 120,
        bytes_to_client: 60,
        payload_to_server: 0,
        payload_to_client: 0,
        tcp_flags_to_server: 0x02,
        tcp_flags_to_client: 0x14,
        started: true,
        ended: None,
        reassembly_gap_bytes: 0,
    }
}

/// Two sensors: line 1 with a cell network, a safety VLAN (its addresses
/// seen in tagged frames only) and a device known by its MAC only; line 2
/// reusing line 1's addresses.
fn plant() -> Inventory {
    let mut inventory = Inventory::default();
    let mut line1 = Batch::empty("sen_line1", 1, 1_764_000_000);
    let safety = |address| HostRecord {
        vlan: Some(30),
        ..host(address)
    };
    line1.hosts = ["10.0.1.5", "10.0.1.6", "10.0.9.7"]
        .into_iter()
        .map(host)
        .chain([safety("172.16.0.2"), safety("172.16.0.3"), mac_only(9)])
        .collect();
    line1.flows = vec![
        flow("10.0.1.5", "10.0.1.6", None),
        flow("172.16.0.2", "172.16.0.3", Some(30)),
    ];
    inventory.observe(&line1);
    let mut line2 = Batch::empty("sen_line2", 1, 1_764_000_000);
    line2.hosts = vec![host("10.0.1.5")];
    inventory.observe(&line2);
    inventory
}

fn with_zones(rules: Vec<ZoneRule>) -> Report {
    plant().report_with(&Overrides {
        zones: ZonePlan::new(rules).unwrap(),
        ..Overrides::default()
    })
}

fn zones_of(r: &Report, id: &str) -> Vec<String> {
    let asset = r.assets.iter().find(|a| a.id == id).expect(id);
    let mut of_addresses: Vec<String> = asset.ips.iter().map(|z| z.zone.clone()).collect();
    of_addresses.sort();
    of_addresses.dedup();
    if !asset.ips.is_empty() {
        assert_eq!(asset.zones, of_addresses, "{id}");
    }
    asset.zones.clone()
}

#[test]
fn without_defined_zones_each_sensor_and_each_vlan_it_sees_is_a_zone() {
    let r = plant().report();
    let names: Vec<&str> = r.zones.iter().map(|z| z.zone.as_str()).collect();
    assert_eq!(names, ["sen_line1", "sen_line1/vlan30", "sen_line2"]);
    let (line1, safety) = (&r.zones[0], &r.zones[1]);
    assert!(!line1.defined && !safety.defined);
    assert_eq!(line1.sensor.as_deref(), Some("sen_line1"));
    assert_eq!(line1.assets, 4);
    assert!(line1.vlans.is_empty());
    assert_eq!(line1.networks, ["10.0.1.0/24", "10.0.9.0/24"]);
    assert_eq!(safety.sensor.as_deref(), Some("sen_line1"));
    assert_eq!(safety.assets, 2);
    assert_eq!(safety.vlans, [30], "the VLAN it is");
    assert_eq!(safety.networks, ["172.16.0.0/24"]);
    assert_eq!(zones_of(&r, "ip:sen_line1/10.0.1.5"), ["sen_line1"]);
    assert_eq!(
        zones_of(&r, "ip:sen_line1/vlan30/172.16.0.2"),
        ["sen_line1/vlan30"]
    );
}

#[test]
fn addresses_take_the_most_specific_defined_zone() {
    let r = with_zones(vec![
        ZoneRule::parse("Plant", "10.0.0.0/8", "", None).unwrap(),
        ZoneRule::parse("Cell 1", "10.0.1.0/24", "", Some("sen_line1")).unwrap(),
        ZoneRule::parse("Safety", "", "30", None).unwrap(),
        ZoneRule::parse("Spare", "192.0.2.0/24", "", None).unwrap(),
    ]);
    assert_eq!(zones_of(&r, "ip:sen_line1/10.0.1.5"), ["Cell 1"]);
    assert_eq!(zones_of(&r, "ip:sen_line1/10.0.9.7"), ["Plant"]);
    // Line 2 reuses the address, outside the zone limited to line 1.
    assert_eq!(zones_of(&r, "ip:sen_line2/10.0.1.5"), ["Plant"]);
    assert_eq!(zones_of(&r, "ip:sen_line1/vlan30/172.16.0.2"), ["Safety"]);
    // No defined zone covers a device without an address: its sensor's.
    assert_eq!(zones_of(&r, "mac:00:0e:8c:00:00:09"), ["sen_line1"]);

    let zone = |name: &str| r.zones.iter().find(|z| z.zone == name).expect(name);
    assert_eq!(zone("Cell 1").assets, 2);
    assert_eq!(zone("Cell 1").networks, ["10.0.1.0/24"]);
    assert_eq!(zone("Cell 1").sensor.as_deref(), Some("sen_line1"));
    assert_eq!(zone("Plant").assets, 2);
    assert_eq!(zone("Safety").assets, 2);
    assert_eq!(zone("Safety").vlans, [30]);
    // A defined zone with nothing in it is still listed.
    assert_eq!(zone("Spare").assets, 0);
    assert!(zone("Spare").defined);
    assert_eq!(zone("sen_line1").assets, 1);
    assert!(!zone("sen_line1").defined);
    assert!(r.zones.iter().all(|z| z.zone != "sen_line2"));
    // Defined zones first, each group by name.
    let names: Vec<&str> = r.zones.iter().map(|z| z.zone.as_str()).collect();
    assert_eq!(names, ["Cell 1", "Plant", "Safety", "Spare", "sen_line1"]);
}

#[test]
fn a_zone_of_a_whole_sensor_renames_it_for_every_device_it_sees() {
    let r = with_zones(vec![
        ZoneRule::parse("Line 1", "", "", Some("sen_line1")).unwrap(),
        ZoneRule::parse("Cell 1", "10.0.1.0/24", "", None).unwrap(),
    ]);
    assert_eq!(zones_of(&r, "ip:sen_line1/10.0.9.7"), ["Line 1"]);
    assert_eq!(zones_of(&r, "mac:00:0e:8c:00:00:09"), ["Line 1"]);
    // The sensor's VLANs too: the zone is the whole sensor.
    assert_eq!(zones_of(&r, "ip:sen_line1/vlan30/172.16.0.2"), ["Line 1"]);
    assert_eq!(zones_of(&r, "ip:sen_line1/10.0.1.5"), ["Cell 1"]);
    assert_eq!(zones_of(&r, "ip:sen_line2/10.0.1.5"), ["Cell 1"]);
}

#[test]
fn zones_never_change_which_devices_there_are() {
    let before = plant().report();
    let after = with_zones(vec![ZoneRule::parse("All", "0.0.0.0/0", "", None).unwrap()]);
    let ids = |r: &Report| r.assets.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(before.edges.len(), after.edges.len());
    assert_eq!(zones_of(&after, "ip:sen_line2/10.0.1.5"), ["All"]);
    let sensors = |r: &Report| {
        r.assets
            .iter()
            .flat_map(|a| a.ips.iter().map(|z| z.sensor.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(sensors(&before), sensors(&after));
}
