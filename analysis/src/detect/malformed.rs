//! Malformed industrial messages and bursts of error answers, always on.
//!
//! - **Malformed**: the minute's counters hold malformed messages per
//!   industrial protocol. The records count them per sensor and protocol,
//!   not per host, so the alert names the sensor and protocol and no asset.
//! - **Error burst**: at least [`ERROR_BURST_MIN`] error answers on one
//!   edge in one minute (exception responses, failed requests): a client
//!   trying functions or addresses the device refuses — a function-code
//!   scan, a brute force, or a misconfigured poller.

use std::collections::BTreeMap;

use traffic::operation::{Direction, Protocol};
use traffic::record::Batch;

use super::alert::{AlertType, Finding, Party, Severity};
use super::names::Names;
use crate::observations::zone_key;

/// Error answers on one edge in one minute that make a burst.
pub const ERROR_BURST_MIN: u64 = 10;

pub fn detect(batch: &Batch, names: &Names, out: &mut Vec<Finding>) {
    let sensor = batch.sensor_id.as_str();
    let minute_ms = batch.minute_start.saturating_mul(1000);
    for (name, n) in &batch.counters.malformed {
        let Some(protocol) = Protocol::ALL.into_iter().find(|p| p.as_str() == name) else {
            // Link, IP and transport layers: damaged frames, not industrial messages.
            continue;
        };
        if *n == 0 {
            continue;
        }
        out.push(Finding {
            alert_type: AlertType::MalformedPackets,
            severity: Severity::Medium,
            sensor: batch.sensor_id.clone(),
            client: None,
            server: None,
            protocol: Some(protocol),
            subject: String::new(),
            operations: BTreeMap::from([("malformed".to_owned(), *n)]),
            first_seen_ms: minute_ms,
            last_seen_ms: minute_ms.saturating_add(59_999),
            batch: Some(super::batch_ref(batch)),
        });
    }

    struct Errors {
        client: Option<Party>,
        server: Option<Party>,
        total: u64,
        operations: BTreeMap<String, u64>,
        first_ms: i64,
        last_ms: i64,
    }
    let mut errors: BTreeMap<(Option<String>, Option<String>, Protocol), Errors> = BTreeMap::new();
    for op in &batch.operations {
        if op.error_code.is_none() || op.direction == Direction::Request {
            continue;
        }
        let zone = zone_key(sensor, op.vlan);
        let client = names.party(&zone, op.client_ip, op.client_mac);
        let server = names.party(&zone, op.server_ip, op.server_mac);
        let e = errors
            .entry((
                client.as_ref().map(|p| p.asset.clone()),
                server.as_ref().map(|p| p.asset.clone()),
                op.protocol,
            ))
            .or_insert_with(|| Errors {
                client,
                server,
                total: 0,
                operations: BTreeMap::new(),
                first_ms: op.first_seen_ms,
                last_ms: op.last_seen_ms,
            });
        e.total = e.total.saturating_add(op.count);
        {
            let n = e.operations.entry(op.name.clone()).or_default();
            *n = n.saturating_add(op.count);
        }
        e.first_ms = e.first_ms.min(op.first_seen_ms);
        e.last_ms = e.last_ms.max(op.last_seen_ms);
    }
    for ((_, _, protocol), e) in errors {
        if e.total < ERROR_BURST_MIN {
            continue;
        }
        out.push(Finding {
            alert_type: AlertType::ProtocolErrorBurst,
            severity: Severity::Medium,
            sensor: batch.sensor_id.clone(),
            client: e.client,
            server: e.server,
            protocol: Some(protocol),
            subject: String::new(),
            operations: e.operations,
            first_seen_ms: e.first_ms,
            last_seen_ms: e.last_ms,
            batch: Some(super::batch_ref(batch)),
        });
    }
}
