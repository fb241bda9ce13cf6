//! Which asset an address is, in the inventory's id scheme, decided batch by
//! batch. The inventory decides from the whole of its observations (a MAC
//! turns out to be a router's only once it carried many addresses); the
//! detector cannot redo that every minute at the cost of the whole
//! inventory, so it keeps the part that names devices: an IP address is
//! the device of the MAC it was first sent from (`mac:…`) unless that MAC
//! carries [`ROUTER_MIN_IPS`] addresses or more; otherwise the address is
//! a device of its zone (`ip:<zone>/<ip>`), as the inventory names devices
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
use crate::observations::is_device_ip;

/// Addresses seen so far, both ways.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Names {
    /// MACs each IP address (in its zone) was sent from.
    pub ip_macs: BTreeMap<(String, IpAddr), BTreeSet<MacAddr>>,
    /// The MAC each IP address was first sent from: the device it names,
    /// even when another MAC later sends for it (a second NIC, a
    /// replacement, a spoofer), so baseline keys stay the same.
    pub first_mac: BTreeMap<(String, IpAddr), MacAddr>,
    /// IP addresses each MAC sent for.
    pub mac_ips: BTreeMap<MacAddr, BTreeSet<(String, IpAddr)>>,
}

impl Names {
    pub fn observe(&mut self, batch: &Batch) {
        let zone = &batch.sensor_id;
        for h in &batch.hosts {
            let Some(ip) = h.ip.filter(|ip| !h.group && is_device_ip(ip)) else {
                continue;
            };
            if let Some(first) = h.macs.iter().find(|m| m.is_unicast()) {
                self.first_mac.entry((zone.clone(), ip)).or_insert(*first);
            }
            for mac in h.macs.iter().filter(|m| m.is_unicast()) {
                let macs = self.ip_macs.entry((zone.clone(), ip)).or_default();
                if !macs.contains(mac) {
                    macs.insert(*mac);
                }
                let ips = self.mac_ips.entry(*mac).or_default();
                if !ips.contains(&(zone.clone(), ip)) {
                    ips.insert((zone.clone(), ip));
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

    /// The device owning an IP address in a zone.
    pub fn ip_party(&self, zone: &str, ip: IpAddr) -> Party {
        let own = self
            .first_mac
            .get(&(zone.to_owned(), ip))
            .copied()
            .filter(|mac| !self.is_router(mac));
        match own {
            Some(mac) => Party {
                asset: format!("mac:{mac}"),
                ip: Some(ip),
                mac: Some(mac),
            },
            None => Party {
                asset: format!("ip:{zone}/{ip}"),
                ip: Some(ip),
                mac: None,
            },
        }
    }

    /// The device of a layer-2 address.
    pub fn mac_party(&self, mac: MacAddr) -> Party {
        Party {
            asset: format!("mac:{mac}"),
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
