//! The wire-visible enums name themselves once: `as_str()` is the name serde
//! writes, and `ALL` lists every variant exactly once, in declaration order.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{FlowEnd, Initiator, TransportKind};

/// Checks one enum against serde. serde's error for an unknown name lists every
/// variant's name, which catches a variant missing from `ALL`.
fn check<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + Debug + Serialize + DeserializeOwned,
{
    for (i, &v) in all.iter().enumerate() {
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::Value::String(as_str(v).to_owned()),
            "{v:?}"
        );
        assert_eq!(
            serde_json::from_value::<T>(as_str(v).into()).unwrap(),
            v,
            "{v:?}"
        );
        assert!(!all[..i].contains(&v), "{v:?} is twice in ALL");
    }
    let err = serde_json::from_str::<T>(r#""~""#).unwrap_err().to_string();
    let expected = err
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("unexpected serde error: {err}"))
        .1;
    let serde_names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let ours: Vec<&str> = all.iter().map(|&v| as_str(v)).collect();
    assert_eq!(ours, serde_names, "ALL is not every variant in order");
}

#[test]
fn every_variant_is_in_all_and_as_str_is_the_serde_name() {
    check(&Protocol::ALL, Protocol::as_str);
    check(&OperationClass::ALL, OperationClass::as_str);
    check(&Direction::ALL, Direction::as_str);
    check(&TransportKind::ALL, TransportKind::as_str);
    check(&Initiator::ALL, Initiator::as_str);
    check(&FlowEnd::ALL, FlowEnd::as_str);
}
