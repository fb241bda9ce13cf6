//! What the batches said, accumulated per address and per conversation,
//! before anything is decided about devices. Kept apart from the decisions
//! (`assets`, `roles`) because those depend on the whole picture: a MAC
//! address turns out to be a router's only once it has carried many IP
//! addresses, and an asset's role only once its peers are known.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use traffic::ethernet::MacAddr;
use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::Batch;

/// Where an address was seen: the sensor that saw it and, when its frames
/// were 802.1Q-tagged, their VLAN (see [`zone_key`]). The same IP address
/// in two zones is two devices.
pub type Zone = String;

/// The zone of an address `sensor` saw on `vlan`: the sensor's id, or
/// `<sensor>/vlan<id>` when tagged. Plants reuse one subnet per line, each
/// on its own VLAN, so the VLAN is part of which device an address is.
/// Borrowed when untagged, as nearly every record is.
pub fn zone_key(sensor: &str, vlan: Option<u16>) -> Cow<'_, str> {
    match vlan {
        Some(v) => Cow::Owned(format!("{sensor}/vlan{v}")),
        None => Cow::Borrowed(sensor),
    }
}

/// The sensor and VLAN of a zone made by [`zone_key`]. Sensor ids are
/// `sen_<hex>` (no `/`), so the split is unambiguous.
pub fn sensor_and_vlan(zone: &str) -> (&str, Option<u16>) {
    if let Some((sensor, tail)) = zone.rsplit_once("/vlan")
        && let Ok(vlan) = tail.parse::<u16>()
        && (1..=4094).contains(&vlan)
        && !tail.starts_with(['0', '+'])
    {
        return (sensor, Some(vlan));
    }
    (zone, None)
}

/// One end of a conversation: an IP address in a zone, or a bare MAC for
/// layer-2 protocols (PROFINET DCP).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Endpoint {
    Ip(Zone, IpAddr),
    Mac(MacAddr),
}

/// A fact a device told about itself, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fact {
    pub source: String,
    pub attribute: String,
    pub value: String,
    pub first_seen_ms: i64,
}

/// When something was seen, and by which sensors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    pub sensors: BTreeSet<String>,
}

impl Seen {
    pub fn add(&mut self, first_ms: i64, last_ms: i64, sensor: &str) {
        self.first_ms = Some(self.first_ms.map_or(first_ms, |f| f.min(first_ms)));
        self.last_ms = Some(self.last_ms.map_or(last_ms, |l| l.max(last_ms)));
        if !self.sensors.contains(sensor) {
            self.sensors.insert(sensor.to_owned());
        }
    }

    pub fn merge(&mut self, other: &Seen) {
        if let (Some(f), Some(l)) = (other.first_ms, other.last_ms) {
            self.first_ms = Some(self.first_ms.map_or(f, |x| x.min(f)));
            self.last_ms = Some(self.last_ms.map_or(l, |x| x.max(l)));
        }
        self.sensors.extend(other.sensors.iter().cloned());
    }
}

/// An IP address in a zone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IpFacts {
    /// The Ethernet sources it sent from: one for a device on this segment,
    /// a router's for a device behind it.
    pub macs: BTreeSet<MacAddr>,
    pub seen: Seen,
    pub packets: u64,
    pub bytes: u64,
    /// 802.1Q VLAN ids of the tagged flows it took part in, in states
    /// stored before records carried their VLAN (their addresses were kept
    /// by sensor alone); read with the zone's own VLAN, which the zone key
    /// now holds (`report`), so nothing adds to it any more. Defaulted:
    /// older states have none.
    #[serde(default)]
    pub vlans: BTreeSet<u16>,
}

/// A MAC address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MacFacts {
    pub vendor: Option<String>,
    /// IP addresses ARP bound to this MAC: its own, even on a router.
    pub arp_ips: BTreeSet<(Zone, IpAddr)>,
    pub seen: Seen,
}

/// Operations of one protocol between two endpoints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub classes: BTreeMap<OperationClass, u64>,
    /// Operation names (function codes by name) with counts.
    pub operations: BTreeMap<String, u64>,
    /// Requests answered with an error.
    pub errors: u64,
    pub packets: u64,
    pub bytes: u64,
    pub seen: Seen,
    /// Operations per UTC hour of day.
    pub hourly: [u64; 24],
}

/// Key of a conversation: client, server, protocol.
pub type ConversationKey = (Endpoint, Endpoint, Protocol);

/// Everything accumulated from the batches so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observations {
    pub ips: BTreeMap<(Zone, IpAddr), IpFacts>,
    pub macs: BTreeMap<MacAddr, MacFacts>,
    pub facts_by_ip: BTreeMap<(Zone, IpAddr), BTreeSet<Fact>>,
    pub facts_by_mac: BTreeMap<MacAddr, BTreeSet<Fact>>,
    pub conversations: BTreeMap<ConversationKey, Conversation>,
    /// Requests sent to every station (a multicast or broadcast address),
    /// per sender and protocol: discovery, such as a PROFINET DCP identify
    /// of all stations. No device answers for the group, so these are no
    /// conversation; they tell what the sender speaks.
    pub group_requests: BTreeMap<(Endpoint, Protocol), u64>,
    /// Batches taken in, per sensor: the highest sequence.
    pub last_sequence: BTreeMap<String, u64>,
}

/// False for addresses that name no single device: unspecified, loopback,
/// multicast, broadcast, and IPv4 addresses ending in .255 (the directed
/// broadcast of the /24 networks plants use; a device numbered .255 in a
/// wider network is rare enough to lose).
pub fn is_device_ip(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_loopback()
                || v4.octets()[3] == 255)
        }
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast() || v6.is_loopback()),
    }
}

fn hour_of_day(ms: i64) -> usize {
    (ms.div_euclid(3_600_000).rem_euclid(24)) as usize
}

impl Observations {
    /// Takes in one minute of one sensor.
    pub fn observe(&mut self, batch: &Batch) {
        let sensor = batch.sensor_id.as_str();
        let zone = |vlan: Option<u16>| zone_key(sensor, vlan).into_owned();
        let last = self.last_sequence.entry(sensor.to_owned()).or_default();
        *last = (*last).max(batch.sequence);

        for h in &batch.hosts {
            if h.group {
                continue;
            }
            if let Some(mac) = h.mac.filter(MacAddr::is_unicast) {
                let m = self.macs.entry(mac).or_default();
                m.seen.add(h.first_seen_ms, h.last_seen_ms, sensor);
                if m.vendor.is_none() {
                    m.vendor.clone_from(&h.vendor);
                }
            }
            if let Some(ip) = h.ip.filter(is_device_ip) {
                let f = self.ips.entry((zone(h.vlan), ip)).or_default();
                f.seen.add(h.first_seen_ms, h.last_seen_ms, sensor);
                f.macs
                    .extend(h.macs.iter().copied().filter(MacAddr::is_unicast));
                f.packets += h.packets_sent + h.packets_received;
                f.bytes += h.bytes_sent + h.bytes_received;
            }
        }

        for i in &batch.identities {
            let fact = Fact {
                source: i.source.clone(),
                attribute: i.attribute.clone(),
                value: i.value.clone(),
                first_seen_ms: i.first_seen_ms,
            };
            let mac = i.mac.filter(MacAddr::is_unicast);
            let ip = i.ip.filter(is_device_ip);
            if let (Some(mac), Some(ip), "arp") = (mac, ip, i.source.as_str()) {
                self.macs
                    .entry(mac)
                    .or_default()
                    .arp_ips
                    .insert((zone(i.vlan), ip));
            }
            match (ip, mac) {
                (Some(ip), _) => {
                    self.facts_by_ip
                        .entry((zone(i.vlan), ip))
                        .or_default()
                        .insert(fact);
                }
                (None, Some(mac)) => {
                    self.facts_by_mac.entry(mac).or_default().insert(fact);
                }
                (None, None) => {}
            }
        }

        for o in &batch.operations {
            let endpoint = |ip: Option<IpAddr>, mac: Option<MacAddr>| match (ip, mac) {
                (Some(ip), _) if is_device_ip(&ip) => Some(Endpoint::Ip(zone(o.vlan), ip)),
                (None, Some(mac)) if mac.is_unicast() => Some(Endpoint::Mac(mac)),
                _ => None,
            };
            let client = endpoint(o.client_ip, o.client_mac);
            let server = endpoint(o.server_ip, o.server_mac);
            let to_group = match (o.server_ip, o.server_mac) {
                (Some(ip), _) => !is_device_ip(&ip),
                (None, Some(mac)) => !mac.is_unicast(),
                (None, None) => false,
            };
            if let (Some(client), None, true) = (&client, &server, to_group) {
                if o.direction != Direction::Response {
                    *self
                        .group_requests
                        .entry((client.clone(), o.protocol))
                        .or_default() += o.count;
                }
                continue;
            }
            let (Some(client), Some(server)) = (client, server) else {
                continue;
            };
            let c = self
                .conversations
                .entry((client, server, o.protocol))
                .or_default();
            // Requests say what the client did; responses repeat it.
            if o.direction != Direction::Response {
                *c.classes.entry(o.class).or_default() += o.count;
                *c.operations.entry(o.name.clone()).or_default() += o.count;
                c.hourly[hour_of_day(o.first_seen_ms)] += o.count;
            }
            if o.error_code.is_some() {
                c.errors += o.count;
            }
            c.seen.add(o.first_seen_ms, o.last_seen_ms, sensor);
        }

        for f in &batch.flows {
            let Some(protocol) = f.protocol else { continue };
            let zone = zone(f.vlan);
            let key = (
                Endpoint::Ip(zone.clone(), f.client_ip),
                Endpoint::Ip(zone, f.server_ip),
                protocol,
            );
            if let Some(c) = self.conversations.get_mut(&key) {
                c.packets += f.packets_to_server + f.packets_to_client;
                c.bytes += f.bytes_to_server + f.bytes_to_client;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_names_its_sensor_and_vlan_and_splits_back() {
        assert_eq!(zone_key("sen_01", None), "sen_01");
        assert_eq!(zone_key("sen_01", Some(10)), "sen_01/vlan10");
        assert_eq!(sensor_and_vlan("sen_01/vlan10"), ("sen_01", Some(10)));
        assert_eq!(sensor_and_vlan("sen_01/vlan4094"), ("sen_01", Some(4094)));
        assert_eq!(sensor_and_vlan("sen_01"), ("sen_01", None));
        // Nothing zone_key makes: taken as a sensor's id whole.
        for odd in [
            "sen_01/vlan0",
            "sen_01/vlan4095",
            "sen_01/vlan010",
            "sen_01/vlan+1",
            "x/vlan",
        ] {
            assert_eq!(sensor_and_vlan(odd), (odd, None), "{odd}");
        }
    }
}
