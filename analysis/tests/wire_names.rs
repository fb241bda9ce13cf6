//! A role, an alert type and a severity each name themselves once:
//! `as_str()` is the name serde writes (the one stored and shown in the
//! JSON), and `ALL` lists each exactly once.

use analysis::Role;

#[test]
fn every_role_is_in_all_and_as_str_is_the_serde_name() {
    for (i, role) in Role::ALL.iter().enumerate() {
        assert_eq!(
            serde_json::to_value(role).unwrap(),
            serde_json::Value::String(role.as_str().to_owned()),
            "{role:?}"
        );
        assert!(!Role::ALL[..i].contains(role), "{role:?} is twice in ALL");
    }
    // A new role fails to compile here until it is listed.
    let listed = |role: Role| match role {
        Role::Controller
        | Role::Hmi
        | Role::EngineeringWorkstation
        | Role::Historian
        | Role::FieldDevice
        | Role::NetworkDevice
        | Role::ItHost
        | Role::Unknown => Role::ALL.contains(&role),
    };
    assert!(Role::ALL.into_iter().all(listed));
    assert_eq!(Role::ALL.len(), 8);
}

/// An alert type and a severity name themselves the same way: `as_str()` is
/// what serde writes (stored, exported to SIEMs, shown), `ALL` lists each once.
#[test]
fn every_alert_type_and_severity_is_in_all_and_as_str_is_the_serde_name() {
    use analysis::detect::{AlertType, Severity};
    for (i, t) in AlertType::ALL.iter().enumerate() {
        assert_eq!(
            serde_json::to_value(t).unwrap(),
            serde_json::Value::String(t.as_str().to_owned()),
            "{t:?}"
        );
        assert!(!AlertType::ALL[..i].contains(t), "{t:?} is twice in ALL");
        let back: AlertType = serde_json::from_value(serde_json::json!(t.as_str())).unwrap();
        assert_eq!(back, *t);
    }
    // A new type fails to compile here until it is listed.
    let listed = |t: AlertType| match t {
        AlertType::PlcModeChange
        | AlertType::DeviceRestart
        | AlertType::DeviceReconfigure
        | AlertType::ProgramDownload
        | AlertType::ProgramUpload
        | AlertType::LogicChange
        | AlertType::FirmwareUpdate
        | AlertType::ClockChange
        | AlertType::ProfinetDcpSet
        | AlertType::GooseStateJump
        | AlertType::NetworkScan
        | AlertType::DiscoverySweep
        | AlertType::MalformedPackets
        | AlertType::ProtocolErrorBurst
        | AlertType::NewAsset
        | AlertType::NewEdge
        | AlertType::NewProtocol
        | AlertType::NewOperationClass
        | AlertType::NewFunction
        | AlertType::NewRole
        | AlertType::ItProtocolToOt
        | AlertType::PurdueLevelSkip
        | AlertType::IpMacChange
        | AlertType::TrafficSpike
        | AlertType::PollingStopped => AlertType::ALL.contains(&t),
    };
    assert!(AlertType::ALL.into_iter().all(listed));
    assert_eq!(AlertType::ALL.len(), 25);

    for (i, s) in Severity::ALL.iter().enumerate() {
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::Value::String(s.as_str().to_owned())
        );
        // Listed lowest first, so the order of ALL is the order of urgency.
        assert!(Severity::ALL[..i].iter().all(|lower| lower < s));
    }
    let listed = |s: Severity| match s {
        Severity::Low | Severity::Medium | Severity::High | Severity::Critical => {
            Severity::ALL.contains(&s)
        }
    };
    assert!(Severity::ALL.into_iter().all(listed));
}
