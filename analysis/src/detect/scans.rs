//! Network scans and industrial discovery sweeps, always on.
//!
//! - A **network scan**: one address opening flows to at least
//!   [`SCAN_MIN_HOSTS`] device addresses, or to at least [`SCAN_MIN_PORTS`]
//!   ports of one address, within one minute (TCP, UDP or ICMP; flows
//!   that started in the minute). ARP sweeps are not seen: the records
//!   count ARP packets per minute, not who asked for whom.
//!   Only probes count ([`is_probe`]): a poller's flows carry requests and
//!   answers.
//! - A **discovery sweep**: industrial discovery requests (PROFINET DCP
//!   identify, BACnet Who-Is, EtherNet/IP List Identity, Modbus device
//!   identification, …) sent to at least [`SWEEP_MIN_DEVICES`] devices, or
//!   [`SWEEP_MIN_GROUP_REQUESTS`] times to every station (a broadcast or
//!   multicast address), by one sender in one minute.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, TransportKind};

use super::alert::{AlertType, Finding, Party, Severity};
use super::names::{Names, is_group};
use crate::observations::{is_device_ip, zone_key};

/// Distinct hosts one source reaches in a minute that make a scan. Plants'
/// pollers talk to a few dozen controllers at most, but they keep their
/// connections open: flows *started* in one minute to this many hosts are
/// a sweep, not polling.
pub const SCAN_MIN_HOSTS: usize = 16;
/// Distinct ports of one host one source tries in a minute that make a scan.
pub const SCAN_MIN_PORTS: usize = 16;
/// Distinct devices one client sends discovery requests to in a minute
/// that make a sweep.
pub const SWEEP_MIN_DEVICES: usize = 4;

/// Broadcast or multicast discovery requests from one sender in a minute
/// that make a sweep. One at a time is routine: a PROFINET device checks
/// that its name is free, a building controller sends Who-Is, an
/// engineering tool lists the stations once. The records do not say
/// whether a DCP Identify names one station or asks for all, so the count
/// is what tells a sweep.
pub const SWEEP_MIN_GROUP_REQUESTS: u64 = 3;

/// A flow that tried a host rather than talked to it: a ping, a request
/// nobody answered, or a TCP connection that carried no data either way
/// (a SYN answered by RST or SYN-ACK). A poller's flows carry requests and
/// answers, so they do not count, even in a sensor's first minute, when
/// every flow is new.
fn is_probe(f: &traffic::record::FlowRecord) -> bool {
    f.transport == TransportKind::Icmp
        || f.packets_to_client == 0
        || (f.transport == TransportKind::Tcp
            && f.payload_to_server == 0
            && f.payload_to_client == 0)
}

pub fn detect(batch: &Batch, names: &Names, out: &mut Vec<Finding>) {
    let sensor = batch.sensor_id.as_str();
    let batch_ref = Some(super::batch_ref(batch));

    // Scans: per source, hosts and per-host ports tried.
    #[derive(Default)]
    struct Tries {
        hosts: BTreeSet<IpAddr>,
        ports: BTreeMap<IpAddr, BTreeSet<(TransportKind, u16)>>,
        first_ms: i64,
        last_ms: i64,
    }
    // By source address and VLAN: one address on two VLANs is two devices.
    let mut tries: BTreeMap<(Option<u16>, IpAddr), Tries> = BTreeMap::new();
    for f in &batch.flows {
        if !f.started || !is_device_ip(&f.server_ip) || !is_device_ip(&f.client_ip) {
            continue;
        }
        if !is_probe(f) {
            continue;
        }
        let t = tries.entry((f.vlan, f.client_ip)).or_insert_with(|| Tries {
            first_ms: f.first_seen_ms,
            last_ms: f.last_seen_ms,
            ..Tries::default()
        });
        t.hosts.insert(f.server_ip);
        t.ports
            .entry(f.server_ip)
            .or_default()
            .insert((f.transport, f.server_port));
        t.first_ms = t.first_ms.min(f.first_seen_ms);
        t.last_ms = t.last_ms.max(f.last_seen_ms);
    }
    for ((vlan, source), t) in tries {
        let zone = zone_key(sensor, vlan);
        let widest = t
            .ports
            .iter()
            .max_by_key(|(_, p)| p.len())
            .map(|(ip, p)| (*ip, p.len()));
        let ports = widest.map_or(0, |(_, n)| n);
        let server = if t.hosts.len() >= SCAN_MIN_HOSTS {
            None
        } else {
            match widest {
                Some((ip, n)) if n >= SCAN_MIN_PORTS => Some(names.ip_party(&zone, ip)),
                _ => continue,
            }
        };
        out.push(Finding {
            alert_type: AlertType::NetworkScan,
            severity: Severity::High,
            sensor: batch.sensor_id.clone(),
            client: Some(names.ip_party(&zone, source)),
            server,
            protocol: None,
            subject: String::new(),
            // Not operations but what was tried, summed over the minutes.
            operations: BTreeMap::from([
                ("hosts_tried".to_owned(), t.hosts.len() as u64),
                ("most_ports_on_one_host".to_owned(), ports as u64),
            ]),
            first_seen_ms: t.first_ms,
            last_seen_ms: t.last_ms,
            batch: batch_ref,
        });
    }

    // Discovery: per (client, protocol), requests to every station and the
    // devices asked one by one.
    #[derive(Default)]
    struct Asked {
        client: Option<Party>,
        to_group: u64,
        devices: BTreeSet<String>,
        operations: BTreeMap<String, u64>,
        first_ms: i64,
        last_ms: i64,
    }
    let mut asked: BTreeMap<(String, Protocol), Asked> = BTreeMap::new();
    for op in &batch.operations {
        if op.direction == Direction::Response || op.class != OperationClass::Discovery {
            continue;
        }
        let zone = zone_key(sensor, op.vlan);
        let Some(client) = names.party(&zone, op.client_ip, op.client_mac) else {
            continue;
        };
        let a = asked
            .entry((client.asset.clone(), op.protocol))
            .or_insert_with(|| Asked {
                first_ms: op.first_seen_ms,
                last_ms: op.last_seen_ms,
                ..Asked::default()
            });
        if is_group(op.server_ip, op.server_mac) {
            a.to_group = a.to_group.saturating_add(op.count);
        } else if let Some(server) = names.party(&zone, op.server_ip, op.server_mac) {
            a.devices.insert(server.asset);
        }
        a.client = Some(client);
        {
            let n = a.operations.entry(op.name.clone()).or_default();
            *n = n.saturating_add(op.count);
        }
        a.first_ms = a.first_ms.min(op.first_seen_ms);
        a.last_ms = a.last_ms.max(op.last_seen_ms);
    }
    for ((_, protocol), a) in asked {
        let severity = if a.devices.len() >= SWEEP_MIN_DEVICES {
            Severity::Medium
        } else if a.to_group >= SWEEP_MIN_GROUP_REQUESTS {
            // Asking everyone at once is what discovery is for, and many
            // tools and devices do it: worth knowing, rarely urgent.
            Severity::Low
        } else {
            continue;
        };
        out.push(Finding {
            alert_type: AlertType::DiscoverySweep,
            severity,
            sensor: batch.sensor_id.clone(),
            client: a.client,
            server: None,
            protocol: Some(protocol),
            subject: String::new(),
            operations: a.operations,
            first_seen_ms: a.first_ms,
            last_seen_ms: a.last_ms,
            batch: batch_ref,
        });
    }
}
