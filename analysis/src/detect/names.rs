//! Which asset an address is, in the inventory's id scheme, decided batch by
//! batch. The inventory decides from the whole of its observations (a MAC
//! turns out to be a router's only once it carried many addresses); the
//! detector cannot redo that every minute at the cost of the whole
//! inventory, so it keeps the part that names devices: an IP address is
//! the device of the MAC it was first sent from (`mac:…`) unless that MAC
//! carries [`ROUTER_MIN_IPS`] addresses or more; otherwise the address is
//! a device of its zone (`ip:<zone>/<ip>`, the zone being the sensor and
//! the VLAN, `observations::zone_key`), as the inventory names devices
//! behind a router. Where the inventory later decides otherwise (two MACs
//! claiming one address make it `ip:…` there), the alert keeps the name
//! the address had first.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use traffic::ethernet::MacAddr;
use traffic::record::Batch;

use super::alert::Party;
use crate::assets::ROUTER_MIN_IPS;
use crate::observations::{is_device_ip, zone_key};

/// An asset's identity as a map key: the address itself, compared in a
/// few bytes, where the id text (`mac:…`) would be compared character by
/// character (the detection bench found those comparisons dominating).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AssetKey {
    Mac(MacAddr),
    Ip(String, IpAddr),
}

impl AssetKey {
    /// The inventory's id: `mac:<mac>` or `ip:<zone>/<ip>`.
    pub fn id(&self) -> String {
        match self {
            AssetKey::Mac(mac) => format!("mac:{mac}"),
            AssetKey::Ip(zone, ip) => format!("ip:{zone}/{ip}"),
        }
    }
}

/// Addresses seen so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Names {
    /// Per zone, the MAC each IP address was first sent from: the device it
    /// names, even when another MAC later sends for it (a second NIC, a
    /// replacement, a spoofer), so baseline keys stay the same.
    pub first_mac: BTreeMap<String, BTreeMap<IpAddr, MacAddr>>,
    /// IP addresses each MAC sent for.
    pub mac_ips: BTreeMap<MacAddr, BTreeSet<(String, IpAddr)>>,
}

impl Names {
    pub fn observe(&mut self, batch: &Batch) {
        for h in &batch.hosts {
            let Some(ip) = h.ip.filter(|ip| !h.group && is_device_ip(ip)) else {
                continue;
            };
            let zone = zone_key(&batch.sensor_id, h.vlan);
            if let Some(first) = h.macs.iter().find(|m| m.is_unicast()) {
                let firsts = match self.first_mac.get_mut(&*zone) {
                    Some(f) => f,
                    None => self.first_mac.entry(zone.to_string()).or_default(),
                };
                firsts.entry(ip).or_insert(*first);
            }
            for mac in h.macs.iter().filter(|m| m.is_unicast()) {
                let ips = self.mac_ips.entry(*mac).or_default();
                // A router's set stops growing at the count that makes it
                // one; below that it holds a few pairs, searched in place.
                if ips.len() < ROUTER_MIN_IPS && !ips.iter().any(|(z, i)| *i == ip && *z == zone) {
                    ips.insert((zone.to_string(), ip));
                }
            }
        }
    }

    /// True when `mac` sends for so many addresses it is a layer-3 hop.
    pub fn is_router(&self, mac: &MacAddr) -> bool {
        self.mac_ips
            .get(mac)
            .is_some_and(|ips| ips.len() >= ROUTER_MIN_IPS)
    }

    /// The device owning an IP address in a zone, as a key.
    pub fn ip_key(&self, zone: &str, ip: IpAddr) -> AssetKey {
        let own = self
            .first_mac
            .get(zone)
            .and_then(|f| f.get(&ip))
            .copied()
            .filter(|mac| !self.is_router(mac));
        match own {
            Some(mac) => AssetKey::Mac(mac),
            None => AssetKey::Ip(zone.to_owned(), ip),
        }
    }

    /// The device at one end of an operation or flow, as a key: by IP
    /// address when it has one that names a device, else by MAC; None for
    /// group addresses.
    pub fn key(&self, zone: &str, ip: Option<IpAddr>, mac: Option<MacAddr>) -> Option<AssetKey> {
        match (ip, mac) {
            (Some(ip), _) if is_device_ip(&ip) => Some(self.ip_key(zone, ip)),
            (None, Some(mac)) if mac.is_unicast() => Some(AssetKey::Mac(mac)),
            _ => None,
        }
    }

    /// The device owning an IP address in a zone.
    pub fn ip_party(&self, zone: &str, ip: IpAddr) -> Party {
        let key = self.ip_key(zone, ip);
        let mac = match key {
            AssetKey::Mac(mac) => Some(mac),
            AssetKey::Ip(..) => None,
        };
        Party {
            asset: key.id(),
            ip: Some(ip),
            mac,
        }
    }

    /// The device of a layer-2 address.
    pub fn mac_party(&self, mac: MacAddr) -> Party {
        Party {
            asset: AssetKey::Mac(mac).id(),
            ip: None,
            mac: Some(mac),
        }
    }

    /// The device at one end of an operation or flow: by IP address when it
    /// has one that names a device, else by MAC; None for group addresses.
    pub fn party(&self, zone: &str, ip: Option<IpAddr>, mac: Option<MacAddr>) -> Option<Party> {
        match (ip, mac) {
            (Some(ip), _) if is_device_ip(&ip) => Some(self.ip_party(zone, ip)),
            (None, Some(mac)) if mac.is_unicast() => Some(self.mac_party(mac)),
            _ => None,
        }
    }
}

/// True when an address names a group (broadcast, multicast), not a device.
pub fn is_group(ip: Option<IpAddr>, mac: Option<MacAddr>) -> bool {
    match (ip, mac) {
        (Some(ip), _) => !is_device_ip(&ip),
        (None, Some(mac)) => !mac.is_unicast(),
        (None, None) => false,
    }
}
