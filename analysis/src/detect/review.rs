//! What the inventory's report says changed since learning: an asset's role
//! (an HMI that started programming controllers, an office PC that started
//! polling them; [`is_change`]) and edges between assets more than one
//! Purdue level apart. These need the whole inventory (roles depend on every
//! peer), so they run on the report rather than on a batch.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use traffic::operation::Protocol;

use super::alert::{AlertType, Finding, Party, Severity};
use crate::report::Report;
use crate::roles::Role;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// Each asset's role as last seen while its sensor learned.
    pub roles: BTreeMap<String, Role>,
    /// Level-skipping edges seen while learning: (client, server, protocol).
    pub skipping: BTreeSet<(String, String, String)>,
}

fn party(id: &str) -> Party {
    Party {
        asset: id.to_owned(),
        ip: None,
        mac: None,
    }
}

impl ReviewState {
    pub fn review(
        &mut self,
        report: &Report,
        learning: impl Fn(&str) -> bool,
        now_ms: i64,
        out: &mut Vec<Finding>,
    ) {
        let mut sensor_of: BTreeMap<&str, &str> = BTreeMap::new();
        for a in &report.assets {
            // An asset seen by several sensors learns while any of them does.
            let sensor = a.sensors.first().map(String::as_str).unwrap_or("");
            sensor_of.insert(a.id.as_str(), sensor);
            let still_learning = a.sensors.iter().any(|s| learning(s));
            let with_ip = |mut p: Party| {
                p.ip = a.ips.first().and_then(|z| z.ip.parse().ok());
                p.mac = a.macs.first().and_then(|m| m.parse().ok());
                p
            };
            match self.roles.get(&a.id) {
                _ if still_learning => {
                    self.roles.insert(a.id.clone(), a.role);
                }
                // A device first seen after learning: its first role is no
                // change (the new asset alert covers it).
                None => {
                    self.roles.insert(a.id.clone(), a.role);
                }
                Some(&before) if is_change(before, a.role) => {
                    out.push(Finding {
                        alert_type: AlertType::NewRole,
                        severity: Severity::Medium,
                        sensor: sensor.to_owned(),
                        client: Some(with_ip(party(&a.id))),
                        server: None,
                        protocol: None,
                        subject: format!("{} -> {}", before.as_str(), a.role.as_str()),
                        operations: BTreeMap::new(),
                        first_seen_ms: now_ms,
                        last_seen_ms: now_ms,
                        batch: None,
                    });
                }
                Some(_) => {}
            }
        }
        for e in report.edges.iter().filter(|e| e.skips_levels) {
            let key = (e.client.clone(), e.server.clone(), e.protocol.to_owned());
            let sensor = sensor_of.get(e.client.as_str()).copied().unwrap_or("");
            if learning(sensor) {
                self.skipping.insert(key);
                continue;
            }
            if self.skipping.contains(&key) {
                continue;
            }
            out.push(Finding {
                alert_type: AlertType::PurdueLevelSkip,
                severity: Severity::Medium,
                sensor: sensor.to_owned(),
                client: Some(party(&e.client)),
                server: Some(party(&e.server)),
                protocol: Protocol::ALL.into_iter().find(|p| p.as_str() == e.protocol),
                subject: String::new(),
                operations: e.operations.clone(),
                first_seen_ms: e.first_seen_ms.unwrap_or(now_ms),
                last_seen_ms: e.last_seen_ms.unwrap_or(now_ms),
                batch: None,
            });
        }
    }
}

/// A role change worth an alert: an asset that started to act on
/// controllers — it now programs or starts and stops them (engineering
/// workstation), or a host that did not poll them now does (HMI). A device
/// that now answers requests (controller, field device) only revealed what
/// it is, and its new conversations alert as new edges; becoming quieter
/// (IT host, unknown) takes nothing over.
fn is_change(before: Role, after: Role) -> bool {
    match after {
        Role::EngineeringWorkstation => before != after,
        Role::Hmi => matches!(before, Role::ItHost | Role::Unknown | Role::Historian),
        _ => false,
    }
}
