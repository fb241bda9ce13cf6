//! The allow list and forgetting closed alerts: what the server needs to
//! run one detector per tenant for ever.

use std::net::IpAddr;

use analysis::detect::{AlertType, Allow, AllowScope, Detector, ScopeKind};
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, OperationCount, TransportKind};

const T0: i64 = 1_764_000_000;

fn stop(sequence: u64, minute: i64, server: &str) -> Batch {
    let mut b = Batch::empty("sen_line1", sequence, minute);
    b.operations.push(OperationCount {
        vlan: None,
        transport: TransportKind::Tcp,
        client_ip: Some("10.0.0.5".parse::<IpAddr>().unwrap()),
        server_ip: Some(server.parse::<IpAddr>().unwrap()),
        server_port: Some(44818),
        client_mac: None,
        server_mac: None,
        protocol: Protocol::Cip,
        function_code: 0x07,
        name: "stop".into(),
        class: OperationClass::Control,
        unit: None,
        direction: Direction::Request,
        error_code: None,
        count: 1,
        first_seen_ms: minute * 1000 + 500,
        last_seen_ms: minute * 1000 + 500,
        ranges: vec![],
        ranges_truncated: false,
    });
    b
}

fn allow_of(d: &Detector, id: u64, scope: ScopeKind) -> Allow {
    Allow::for_alert(d.alert(id).unwrap(), scope).unwrap()
}

#[test]
fn an_allowed_repeat_does_not_alert_and_revoking_makes_it_alert_again() {
    let mut d = Detector::default();
    assert_eq!(d.observe(&stop(1, T0, "10.0.0.9")), [1]);
    let allow = allow_of(&d, 1, ScopeKind::Edge);
    assert_eq!(allow.alert_type, AlertType::PlcModeChange);
    d.set_allows(vec![allow]);
    // Within the dedup window, and after it: nothing.
    assert!(d.observe(&stop(2, T0 + 60, "10.0.0.9")).is_empty());
    assert!(d.observe(&stop(3, T0 + 7200, "10.0.0.9")).is_empty());
    assert_eq!(d.suppressed(), 2);
    assert_eq!(d.alert(1).unwrap().count, 1);
    // Another server is not on the allowed edge.
    assert_eq!(d.observe(&stop(4, T0 + 7260, "10.0.0.10")), [2]);
    // Revoked: the same behaviour alerts again, as a new alert (the one
    // allowed was dealt with), even within its old window.
    d.set_allows(Vec::new());
    assert_eq!(d.observe(&stop(5, T0 + 7320, "10.0.0.9")), [3]);
}

#[test]
fn an_asset_or_zone_allow_covers_every_edge_of_its_asset_or_sensor_for_its_type_only() {
    let mut d = Detector::default();
    d.observe(&stop(1, T0, "10.0.0.9"));
    let asset = allow_of(&d, 1, ScopeKind::Asset);
    assert!(matches!(&asset.scope, AllowScope::Asset { .. }));
    d.set_allows(vec![asset]);
    // The client 10.0.0.5 is allowed to stop any controller.
    assert!(d.observe(&stop(2, T0 + 60, "10.0.0.10")).is_empty());
    let zone = allow_of(&d, 1, ScopeKind::Zone);
    assert_eq!(
        zone.scope,
        AllowScope::Zone {
            zone: "sen_line1".into()
        }
    );
    let other_type = Allow {
        alert_type: AlertType::DeviceRestart,
        ..zone
    };
    d.set_allows(vec![other_type]);
    assert_eq!(d.observe(&stop(3, T0 + 120, "10.0.0.10")), [2]);
}

#[test]
fn forgetting_closed_alerts_keeps_ids_increasing_and_open_ones_updating() {
    let mut d = Detector::default(); // one hour window
    d.observe(&stop(1, T0, "10.0.0.9"));
    d.observe(&stop(2, T0 + 60, "10.0.0.10"));
    assert_eq!(d.forget_closed(), 0);
    // Two hours on, only the second edge goes on: the first is closed.
    d.observe(&stop(3, T0 + 1800, "10.0.0.10"));
    d.observe(&stop(4, T0 + 3600, "10.0.0.10"));
    d.observe(&stop(5, T0 + 5400, "10.0.0.10"));
    assert_eq!(d.forget_closed(), 1);
    assert_eq!(d.alerts().len(), 1);
    assert!(d.alert(1).is_none());
    assert_eq!(d.observe(&stop(6, T0 + 5460, "10.0.0.10")), [2]);
    assert_eq!(d.alert(2).unwrap().count, 5);
    // The first edge again: a new alert with the next id, not id 2.
    assert_eq!(d.observe(&stop(7, T0 + 5520, "10.0.0.9")), [3]);
    // And the state round trips with it.
    let mut bytes = Vec::new();
    ciborium::into_writer(&d, &mut bytes).unwrap();
    let mut back: Detector = ciborium::from_reader(bytes.as_slice()).unwrap();
    assert_eq!(back.observe(&stop(8, T0 + 5580, "10.0.0.11")), [4]);
}
