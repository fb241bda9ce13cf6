//! A role names itself once: `as_str()` is the name serde writes (the one
//! stored in the `assets` table and shown in the JSON), and `ALL` lists
//! every role exactly once.

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
