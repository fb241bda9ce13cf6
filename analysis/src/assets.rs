//! Which addresses are one device. Decided from the whole of the
//! observations, because the answer changes as they grow:
//!
//! - A MAC address is one device wherever it is seen (two sensors of one
//!   tenant seeing it make one asset).
//! - An IP address belongs to the MAC it is sent from — unless that MAC
//!   carries many IP addresses, which makes it a router's: then each IP
//!   behind it is a device of its own, and the router is one asset with the
//!   addresses ARP binds to it.
//! - An IP address with no single owning MAC is a device of its zone: the
//!   same IP address in two zones is two devices.
//! - Broadcast and multicast addresses are never devices
//!   ([`crate::observations::is_device_ip`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use traffic::ethernet::MacAddr;

use crate::observations::{Endpoint, Fact, Observations, Seen, Zone};

/// A MAC address sending for at least this many IP addresses that ARP does
/// not bind to it is a router (or another layer-3 hop); so is one that
/// sends for two addresses other MACs own.
pub const ROUTER_MIN_IPS: usize = 4;

/// An asset's identity: its MAC, or an IP address in a zone when no MAC
/// can be told for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssetId {
    Mac(MacAddr),
    Ip(Zone, IpAddr),
}

impl fmt::Display for AssetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetId::Mac(mac) => write!(f, "mac:{mac}"),
            AssetId::Ip(zone, ip) => write!(f, "ip:{zone}/{ip}"),
        }
    }
}

/// A device, with everything the addresses it owns were seen doing or saying.
#[derive(Debug, Clone, Default)]
pub struct Asset {
    pub macs: BTreeSet<MacAddr>,
    pub ips: BTreeSet<(Zone, IpAddr)>,
    /// The MAC's registered organisation (IEEE OUI).
    pub oui_vendor: Option<String>,
    pub facts: BTreeSet<Fact>,
    pub seen: Seen,
    /// IP addresses it sent for that are not its own (a router's).
    pub routed_ips: usize,
    /// Judged a layer-3 hop: it sends for addresses other devices own.
    pub forwards_for_others: bool,
}

/// The devices, and which asset each address belongs to.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub by_id: BTreeMap<AssetId, Asset>,
    owner_of_ip: BTreeMap<(Zone, IpAddr), AssetId>,
}

impl Assets {
    /// The asset a conversation's endpoint belongs to.
    pub fn owner(&self, endpoint: &Endpoint) -> AssetId {
        match endpoint {
            Endpoint::Mac(mac) => AssetId::Mac(*mac),
            Endpoint::Ip(zone, ip) => self
                .owner_of_ip
                .get(&(zone.clone(), *ip))
                .cloned()
                .unwrap_or_else(|| AssetId::Ip(zone.clone(), *ip)),
        }
    }
}

pub fn resolve(obs: &Observations) -> Assets {
    let mut arp_owner: BTreeMap<&(Zone, IpAddr), MacAddr> = BTreeMap::new();
    for (mac, facts) in &obs.macs {
        for ip in &facts.arp_ips {
            arp_owner.insert(ip, *mac);
        }
    }
    // IP addresses each MAC sent for that ARP does not give it.
    let mut routed: BTreeMap<MacAddr, usize> = BTreeMap::new();
    for (key, facts) in &obs.ips {
        for mac in &facts.macs {
            if arp_owner.get(key) != Some(mac) {
                *routed.entry(*mac).or_default() += 1;
            }
        }
    }
    // A MAC that sends for one IP address only is that device's own. When an
    // address was also sent from other MACs, those forwarded it: two such
    // addresses make a MAC a layer-3 hop even on a small network (a capture
    // taken on a PC routing between two segments).
    let exclusive = |ip_macs: &BTreeSet<MacAddr>| {
        let mut own = ip_macs
            .iter()
            .filter(|m| routed.get(m).copied().unwrap_or(0) <= 1);
        match (own.next(), own.next()) {
            (Some(mac), None) => Some(*mac),
            _ => None,
        }
    };
    let mut forwarded: BTreeMap<MacAddr, usize> = BTreeMap::new();
    for facts in obs.ips.values() {
        if let Some(own) = exclusive(&facts.macs) {
            for mac in facts.macs.iter().filter(|m| **m != own) {
                *forwarded.entry(*mac).or_default() += 1;
            }
        }
    }
    let is_router = |mac: &MacAddr| {
        routed.get(mac).copied().unwrap_or(0) >= ROUTER_MIN_IPS
            || forwarded.get(mac).copied().unwrap_or(0) >= 2
    };

    let mut assets = Assets::default();
    for (mac, facts) in &obs.macs {
        let asset = assets.by_id.entry(AssetId::Mac(*mac)).or_default();
        asset.macs.insert(*mac);
        asset.oui_vendor.clone_from(&facts.vendor);
        asset.seen.merge(&facts.seen);
        if is_router(mac) {
            asset.routed_ips = routed[mac];
            asset.forwards_for_others = true;
        }
    }
    for (key, facts) in &obs.ips {
        let owner = match arp_owner.get(key) {
            Some(mac) => AssetId::Mac(*mac),
            None => {
                let mut own = facts.macs.iter().filter(|m| !is_router(m));
                match (own.next(), own.next()) {
                    (Some(mac), None) => AssetId::Mac(*mac),
                    // No MAC of its own, or several that also send for
                    // other addresses (a conflict): the address alone, in
                    // its zone.
                    (Some(_), Some(_)) => match exclusive(&facts.macs) {
                        Some(mac) => AssetId::Mac(mac),
                        None => AssetId::Ip(key.0.clone(), key.1),
                    },
                    (None, _) => AssetId::Ip(key.0.clone(), key.1),
                }
            }
        };
        let asset = assets.by_id.entry(owner.clone()).or_default();
        asset.ips.insert(key.clone());
        asset.seen.merge(&facts.seen);
        if let AssetId::Mac(mac) = owner {
            asset.macs.insert(mac);
        }
        assets.owner_of_ip.insert(key.clone(), owner);
    }
    for (key, facts) in &obs.facts_by_ip {
        let owner = assets.owner(&Endpoint::Ip(key.0.clone(), key.1));
        let asset = assets.by_id.entry(owner.clone()).or_default();
        if let AssetId::Ip(..) = owner {
            asset.ips.insert(key.clone());
        }
        asset.facts.extend(facts.iter().cloned());
    }
    for (mac, facts) in &obs.facts_by_mac {
        let asset = assets.by_id.entry(AssetId::Mac(*mac)).or_default();
        asset.macs.insert(*mac);
        asset.facts.extend(facts.iter().cloned());
    }
    // Conversation ends never seen as hosts still are devices.
    for (client, server, _) in obs.conversations.keys() {
        for end in [client, server] {
            let owner = assets.owner(end);
            let asset = assets.by_id.entry(owner.clone()).or_default();
            match (end, &owner) {
                (Endpoint::Ip(zone, ip), _) => {
                    asset.ips.insert((zone.clone(), *ip));
                }
                (Endpoint::Mac(mac), _) => {
                    asset.macs.insert(*mac);
                }
            }
        }
    }
    assets
}
