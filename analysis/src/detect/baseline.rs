//! The learned baseline and what departs from it. While a sensor learns,
//! what its batches show goes into the baseline; afterwards each batch is
//! compared with it:
//!
//! - **new asset**: a MAC or IP address never seen (an IP address on a
//!   known MAC is an IP/MAC change instead);
//! - **new edge**: two assets talking over an industrial protocol that
//!   never talked while learning (in either direction: a sensor that joins
//!   a conversation mid-way may see it the other way round);
//! - **new protocol**: a known pair speaking another industrial protocol;
//! - **new operation class**: a class of operation (write, control,
//!   program, …) new on an edge — the first write where only reads were seen;
//! - **new function**: operation names new on an edge, in a known class
//!   (one alert per edge, the names in its operations);
//! - **IT protocol to OT**: remote access, file sharing or web traffic
//!   (the ports in [`it_service`]) to an asset that serves an industrial
//!   protocol, between addresses that did not do so while learning;
//! - **IP/MAC change**: a known IP address sent from a new MAC, or a known
//!   MAC sending for a new IP address (not for routers' MACs).
//!
//! Requests that an always-on detection alerts on ([`super::commands`])
//! are not alerted again as new classes or functions.
//!
//! The baseline stays as learned: a departure alerts for as long as it
//! goes on (one alert, updated, while it repeats within the dedup window)
//! until someone allows it (the triage of issue #15, later work).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, TransportKind};

use super::alert::{AlertType, Finding, Party, Severity};
use super::names::{AssetKey, Names, is_group};
use crate::observations::{is_device_ip, zone_key};

/// Remote access, file sharing and web services, by port: the IT protocols
/// that have no business reaching a controller unless they always did.
pub fn it_service(transport: TransportKind, port: u16) -> Option<&'static str> {
    Some(match (transport, port) {
        (TransportKind::Tcp, 21) => "ftp",
        (TransportKind::Tcp, 22) => "ssh",
        (TransportKind::Tcp, 23) => "telnet",
        (TransportKind::Tcp, 80 | 8080) => "http",
        (TransportKind::Tcp, 443) => "https",
        (TransportKind::Tcp, 135) => "msrpc",
        (TransportKind::Tcp, 139 | 445) => "smb",
        (TransportKind::Tcp, 3389) => "rdp",
        (TransportKind::Tcp, 5900) => "vnc",
        (TransportKind::Tcp, 5985 | 5986) => "winrm",
        (TransportKind::Udp, 69) => "tftp",
        _ => return None,
    })
}

/// What one edge did while learning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Learned {
    pub classes: BTreeSet<OperationClass>,
    pub functions: BTreeSet<String>,
}

/// What was learned, and the assets known to serve industrial protocols.
/// Keyed by [`AssetKey`] and by zone first, so a lookup compares addresses,
/// not id text, and builds no key string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub macs: BTreeSet<MacAddr>,
    /// Per zone, the IP addresses, and the MACs each was sent from.
    pub ips: BTreeMap<String, BTreeSet<IpAddr>>,
    pub ip_macs: BTreeMap<String, BTreeSet<(IpAddr, MacAddr)>>,
    /// MACs that sent for some IP address while learning.
    pub macs_with_ip: BTreeSet<MacAddr>,
    pub pairs: BTreeSet<(AssetKey, AssetKey)>,
    pub edges: BTreeMap<(AssetKey, AssetKey, Protocol), Learned>,
    /// (client, server, service) of IT traffic to OT assets.
    pub it_to_ot: BTreeSet<(AssetKey, AssetKey, String)>,
    /// Assets that answered an industrial protocol (learned or since):
    /// controllers, field devices, IEDs.
    pub ot_assets: BTreeSet<AssetKey>,
}

impl Baseline {
    /// Learns from `batch` while `learning`, else compares it with what was
    /// learned.
    pub fn observe(
        &mut self,
        batch: &Batch,
        names: &Names,
        learning: bool,
        out: &mut Vec<Finding>,
    ) {
        let sensor = batch.sensor_id.as_str();
        let batch_ref = Some(super::batch_ref(batch));
        let finding =
            |alert_type, severity, client, server, protocol, subject: String, first, last| {
                Finding {
                    alert_type,
                    severity,
                    sensor: batch.sensor_id.clone(),
                    client,
                    server,
                    protocol,
                    subject,
                    operations: BTreeMap::new(),
                    first_seen_ms: first,
                    last_seen_ms: last,
                    batch: batch_ref,
                }
            };

        // Servers of industrial protocols are OT assets, learning or not.
        for op in &batch.operations {
            if op.direction == Direction::Request || is_group(op.server_ip, op.server_mac) {
                continue;
            }
            let zone = zone_key(sensor, op.vlan);
            if let Some(server) = names.key(&zone, op.server_ip, op.server_mac)
                && !self.ot_assets.contains(&server)
            {
                self.ot_assets.insert(server);
            }
        }

        // Addresses.
        for h in batch.hosts.iter().filter(|h| !h.group) {
            if let Some(mac) = h.mac.filter(MacAddr::is_unicast) {
                if !self.macs.contains(&mac) {
                    if learning {
                        self.macs.insert(mac);
                    } else {
                        out.push(finding(
                            AlertType::NewAsset,
                            Severity::Medium,
                            Some(names.mac_party(mac)),
                            None,
                            None,
                            String::new(),
                            h.first_seen_ms,
                            h.last_seen_ms,
                        ));
                    }
                }
                continue;
            }
            let Some(ip) = h.ip.filter(is_device_ip) else {
                continue;
            };
            let zone = zone_key(sensor, h.vlan);
            let macs = || h.macs.iter().copied().filter(MacAddr::is_unicast);
            if learning {
                if !self.ips.get(&*zone).is_some_and(|ips| ips.contains(&ip)) {
                    self.ips.entry(zone.to_string()).or_default().insert(ip);
                }
                for mac in macs() {
                    if !self
                        .ip_macs
                        .get(&*zone)
                        .is_some_and(|p| p.contains(&(ip, mac)))
                    {
                        self.ip_macs
                            .entry(zone.to_string())
                            .or_default()
                            .insert((ip, mac));
                    }
                    self.macs_with_ip.insert(mac);
                }
                continue;
            }
            let known_ip = self.ips.get(&*zone).is_some_and(|ips| ips.contains(&ip));
            for mac in macs() {
                let known_pair = self
                    .ip_macs
                    .get(&*zone)
                    .is_some_and(|p| p.contains(&(ip, mac)));
                if known_pair || names.is_router(&mac) {
                    continue;
                }
                let subject = if known_ip {
                    format!("{ip} now from {mac}")
                } else if self.macs_with_ip.contains(&mac) {
                    format!("{mac} now also {ip}")
                } else {
                    continue;
                };
                out.push(finding(
                    AlertType::IpMacChange,
                    Severity::High,
                    Some(Party {
                        asset: AssetKey::Mac(mac).id(),
                        ip: Some(ip),
                        mac: Some(mac),
                    }),
                    None,
                    None,
                    subject,
                    h.first_seen_ms,
                    h.last_seen_ms,
                ));
            }
            // A new address of a new MAC is that MAC's new asset, above; a
            // new address behind a router (sent only from routers' MACs) is
            // one here. An address that only received says nothing yet of
            // whose it is: it counts when it sends.
            let behind_router = macs().next().is_some() && macs().all(|m| names.is_router(&m));
            if !known_ip && behind_router {
                out.push(finding(
                    AlertType::NewAsset,
                    Severity::Medium,
                    Some(Party {
                        asset: names.ip_key(&zone, ip).id(),
                        ip: Some(ip),
                        mac: None,
                    }),
                    None,
                    None,
                    String::new(),
                    h.first_seen_ms,
                    h.last_seen_ms,
                ));
            }
        }

        // Industrial conversations.
        struct Seen {
            client: Option<Party>,
            server: Option<Party>,
            operations: BTreeMap<String, u64>,
            first: i64,
            last: i64,
        }
        let mut by_kind: BTreeMap<(AlertType, AssetKey, AssetKey, Protocol, String), Seen> =
            BTreeMap::new();
        for op in &batch.operations {
            if op.direction == Direction::Response {
                continue;
            }
            let zone = zone_key(sensor, op.vlan);
            let (Some(c), Some(s)) = (
                names.key(&zone, op.client_ip, op.client_mac),
                names.key(&zone, op.server_ip, op.server_mac),
            ) else {
                continue;
            };
            let p = op.protocol;
            if learning {
                if !self.pairs.contains(&(c.clone(), s.clone())) {
                    self.pairs.insert((c.clone(), s.clone()));
                }
                let learned = self.edges.entry((c, s, p)).or_default();
                learned.classes.insert(op.class);
                if !learned.functions.contains(op.name.as_str()) {
                    learned.functions.insert(op.name.clone());
                }
                continue;
            }
            // A command that alerts always (a restart, a download) alerts
            // once, as what it is, not again as something new.
            let always = super::commands::classify(op).is_some();
            // A pair learned the other way round is no new communication:
            // a sensor that joins a conversation mid-way (a restart) takes
            // the first sender as client when the port does not tell, and
            // peer protocols (BACnet) ask both ways.
            let pair_known = self.pairs.contains(&(c.clone(), s.clone()))
                || self.pairs.contains(&(s.clone(), c.clone()));
            let exact = self.edges.get(&(c.clone(), s.clone(), p));
            let reverse = exact.is_none() && self.edges.contains_key(&(s.clone(), c.clone(), p));
            let (alert_type, subject) = match exact {
                _ if !pair_known => (AlertType::NewEdge, String::new()),
                None if !reverse => (AlertType::NewProtocol, String::new()),
                // Seen only the other way round, who asks is unclear: the
                // classes and functions learned are the other side's.
                None => continue,
                Some(_) if always => continue,
                Some(learned) if !learned.classes.contains(&op.class) => {
                    (AlertType::NewOperationClass, op.class.as_str().to_owned())
                }
                // One alert per edge, listing the new functions: a client
                // trying many (a function-code scan) is one thing to look at.
                Some(learned) if !learned.functions.contains(op.name.as_str()) => {
                    (AlertType::NewFunction, String::new())
                }
                Some(_) => continue,
            };
            let seen = by_kind
                .entry((alert_type, c, s, p, subject))
                .or_insert_with(|| Seen {
                    client: names.party(&zone, op.client_ip, op.client_mac),
                    server: names.party(&zone, op.server_ip, op.server_mac),
                    operations: BTreeMap::new(),
                    first: op.first_seen_ms,
                    last: op.last_seen_ms,
                });
            {
                let n = seen.operations.entry(op.name.clone()).or_default();
                *n = n.saturating_add(op.count);
            }
            seen.first = seen.first.min(op.first_seen_ms);
            seen.last = seen.last.max(op.last_seen_ms);
        }
        for ((alert_type, _, _, protocol, subject), seen) in by_kind {
            let severity = match alert_type {
                AlertType::NewEdge | AlertType::NewProtocol => Severity::Medium,
                AlertType::NewOperationClass => match subject.as_str() {
                    "write" | "control" | "program" | "firmware" => Severity::High,
                    _ => Severity::Medium,
                },
                _ => Severity::Low,
            };
            let mut f = finding(
                alert_type,
                severity,
                seen.client,
                seen.server,
                Some(protocol),
                subject,
                seen.first,
                seen.last,
            );
            f.operations = seen.operations;
            out.push(f);
        }

        // IT protocols to OT assets.
        let mut it: BTreeMap<(AssetKey, AssetKey, &'static str), Finding> = BTreeMap::new();
        for fl in &batch.flows {
            if fl.protocol.is_some() {
                continue;
            }
            let Some(service) = it_service(fl.transport, fl.server_port) else {
                continue;
            };
            if !is_device_ip(&fl.client_ip) || !is_device_ip(&fl.server_ip) {
                continue;
            }
            let zone = zone_key(sensor, fl.vlan);
            let server = names.ip_key(&zone, fl.server_ip);
            if !self.ot_assets.contains(&server) {
                continue;
            }
            let client = names.ip_key(&zone, fl.client_ip);
            let key = (client, server, service.to_owned());
            if learning {
                self.it_to_ot.insert(key);
                continue;
            }
            if self.it_to_ot.contains(&key) {
                continue;
            }
            let f = it.entry((key.0, key.1, service)).or_insert_with(|| {
                finding(
                    AlertType::ItProtocolToOt,
                    Severity::High,
                    Some(names.ip_party(&zone, fl.client_ip)),
                    Some(names.ip_party(&zone, fl.server_ip)),
                    None,
                    service.to_owned(),
                    fl.first_seen_ms,
                    fl.last_seen_ms,
                )
            });
            {
                let n = f.operations.entry(format!("{service}_flows")).or_default();
                *n = n.saturating_add(1);
            }
            f.first_seen_ms = f.first_seen_ms.min(fl.first_seen_ms);
            f.last_seen_ms = f.last_seen_ms.max(fl.last_seen_ms);
        }
        out.extend(it.into_values());
    }
}
