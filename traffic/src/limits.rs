//! Upper bounds on what one uploaded batch may carry, field by field.
//!
//! The reference sensor stays far below them (identity values are cut at
//! [`crate::identity::MAX_VALUE_LEN`] characters, operation rows at
//! `AnalyzerConfig::max_operation_rows`), but the server reads batches from
//! the network and must not trust that: one 100 MiB "host name" would
//! otherwise be stored and held in memory. [`check`] names the first field
//! over its bound, in the schema's own terms (docs/SENSOR-API.md).

use crate::record::{Batch, MAX_RANGES_PER_OPERATION};

/// Most records of each kind in one minute.
pub const MAX_FLOWS: usize = 1_000_000;
pub const MAX_OPERATIONS: usize = 200_000;
pub const MAX_IDENTITIES: usize = 200_000;
pub const MAX_HOSTS: usize = 500_000;

/// Longest text, in bytes, per kind of field.
pub const MAX_SENSOR_ID_BYTES: usize = 64;
pub const MAX_NAME_BYTES: usize = 256;
pub const MAX_IDENTITY_VALUE_BYTES: usize = 1024;
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// Most entries in a list or map inside a record.
pub const MAX_MACS_PER_HOST: usize = 64;
pub const MAX_COUNTER_KEYS: usize = 4096;

/// The first field of a batch that is over its bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct LimitExceeded {
    /// The field's path in the schema, e.g. `identities[3].value`.
    pub field: String,
    pub problem: String,
}

fn too_many(field: impl Into<String>, len: usize, max: usize) -> LimitExceeded {
    LimitExceeded {
        field: field.into(),
        problem: format!("{len} entries, at most {max} are accepted"),
    }
}

fn text(field: impl FnOnce() -> String, value: &str, max: usize) -> Result<(), LimitExceeded> {
    if value.len() > max {
        return Err(LimitExceeded {
            field: field(),
            problem: format!("{} bytes long, at most {max} are accepted", value.len()),
        });
    }
    Ok(())
}

/// An 802.1Q VLAN id names a VLAN only from 1 to 4094 (0 is a priority
/// tag, 4095 reserved); the analysis keeps devices apart by it.
fn vlan(field: impl FnOnce() -> String, value: Option<u16>) -> Result<(), LimitExceeded> {
    match value {
        Some(v) if !(1..=4094).contains(&v) => Err(LimitExceeded {
            field: field(),
            problem: format!("{v} is not a VLAN id (1 to 4094)"),
        }),
        _ => Ok(()),
    }
}

fn count(field: &str, len: usize, max: usize) -> Result<(), LimitExceeded> {
    if len > max {
        return Err(too_many(field, len, max));
    }
    Ok(())
}

/// Checks every bounded field of `batch`; cheap next to decoding it.
pub fn check(batch: &Batch) -> Result<(), LimitExceeded> {
    text(|| "sensor_id".into(), &batch.sensor_id, MAX_SENSOR_ID_BYTES)?;
    count("flows", batch.flows.len(), MAX_FLOWS)?;
    count("operations", batch.operations.len(), MAX_OPERATIONS)?;
    count("identities", batch.identities.len(), MAX_IDENTITIES)?;
    count("hosts", batch.hosts.len(), MAX_HOSTS)?;
    for (i, f) in batch.flows.iter().enumerate() {
        vlan(|| format!("flows[{i}].vlan"), f.vlan)?;
    }
    for (i, o) in batch.operations.iter().enumerate() {
        text(|| format!("operations[{i}].name"), &o.name, MAX_NAME_BYTES)?;
        vlan(|| format!("operations[{i}].vlan"), o.vlan)?;
        if o.ranges.len() > MAX_RANGES_PER_OPERATION {
            return Err(too_many(
                format!("operations[{i}].ranges"),
                o.ranges.len(),
                MAX_RANGES_PER_OPERATION,
            ));
        }
    }
    for (i, id) in batch.identities.iter().enumerate() {
        text(
            || format!("identities[{i}].source"),
            &id.source,
            MAX_NAME_BYTES,
        )?;
        text(
            || format!("identities[{i}].attribute"),
            &id.attribute,
            MAX_NAME_BYTES,
        )?;
        text(
            || format!("identities[{i}].value"),
            &id.value,
            MAX_IDENTITY_VALUE_BYTES,
        )?;
        vlan(|| format!("identities[{i}].vlan"), id.vlan)?;
    }
    for (i, h) in batch.hosts.iter().enumerate() {
        if let Some(vendor) = &h.vendor {
            text(|| format!("hosts[{i}].vendor"), vendor, MAX_NAME_BYTES)?;
        }
        vlan(|| format!("hosts[{i}].vlan"), h.vlan)?;
        if h.macs.len() > MAX_MACS_PER_HOST {
            return Err(too_many(
                format!("hosts[{i}].macs"),
                h.macs.len(),
                MAX_MACS_PER_HOST,
            ));
        }
    }
    let counters = &batch.counters;
    for (name, map) in [
        ("counters.malformed", &counters.malformed),
        ("counters.operations", &counters.operations),
        ("counters.operation_classes", &counters.operation_classes),
    ] {
        count(name, map.len(), MAX_COUNTER_KEYS)?;
        for key in map.keys() {
            text(|| format!("{name} key"), key, MAX_NAME_BYTES)?;
        }
    }
    let health = &batch.health;
    if let Some(version) = &health.version {
        text(|| "health.version".into(), version, MAX_NAME_BYTES)?;
    }
    if let Some(error) = &health.last_error {
        text(|| "health.last_error".into(), error, MAX_MESSAGE_BYTES)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::IdentityRecord;

    fn batch() -> Batch {
        Batch::empty("sen_0123456789abcdef", 1, 1_700_000_040)
    }

    fn identity(value: String) -> IdentityRecord {
        IdentityRecord {
            vlan: None,
            mac: None,
            ip: None,
            source: "dhcp".into(),
            attribute: "hostname".into(),
            value,
            first_seen_ms: 0,
        }
    }

    #[test]
    fn a_batch_within_bounds_passes() {
        let mut b = batch();
        b.identities
            .push(identity("x".repeat(MAX_IDENTITY_VALUE_BYTES)));
        assert_eq!(check(&b), Ok(()));
    }

    #[test]
    fn an_oversized_value_is_named_by_its_path() {
        let mut b = batch();
        b.identities.push(identity("ok".into()));
        b.identities
            .push(identity("x".repeat(MAX_IDENTITY_VALUE_BYTES + 1)));
        let e = check(&b).unwrap_err();
        assert_eq!(e.field, "identities[1].value");
        assert_eq!(
            e.to_string(),
            "identities[1].value: 1025 bytes long, at most 1024 are accepted"
        );
    }

    #[test]
    fn long_health_text_and_many_counter_keys_are_refused() {
        let mut b = batch();
        b.health.last_error = Some("e".repeat(MAX_MESSAGE_BYTES + 1));
        assert_eq!(check(&b).unwrap_err().field, "health.last_error");
        let mut b = batch();
        for k in 0..=MAX_COUNTER_KEYS {
            b.counters.malformed.insert(format!("k{k}"), 1);
        }
        assert_eq!(check(&b).unwrap_err().field, "counters.malformed");
        let mut b = batch();
        b.sensor_id = "s".repeat(MAX_SENSOR_ID_BYTES + 1);
        assert_eq!(check(&b).unwrap_err().field, "sensor_id");
    }

    #[test]
    fn a_vlan_id_outside_1_to_4094_is_refused() {
        for good in [1, 4094] {
            let mut b = batch();
            b.identities.push(IdentityRecord {
                vlan: Some(good),
                ..identity("x".into())
            });
            assert_eq!(check(&b), Ok(()), "VLAN {good}");
        }
        for bad in [0, 4095, u16::MAX] {
            let mut b = batch();
            b.identities.push(identity("x".into()));
            b.identities.push(IdentityRecord {
                vlan: Some(bad),
                ..identity("x".into())
            });
            let e = check(&b).unwrap_err();
            assert_eq!(e.field, "identities[1].vlan");
            assert_eq!(e.problem, format!("{bad} is not a VLAN id (1 to 4094)"));
        }
    }
}
