//! Zones a customer defines: a name, the networks and VLANs it covers and,
//! when two sites reuse the same addresses, the sensor that sees it.
//!
//! An address belongs to the most specific defined zone that covers it —
//! the longest matching network prefix; a VLAN is less specific than any
//! network, and a zone of a sensor with neither (everything that sensor
//! sees: a sensor's zone renamed) least — and, when none does, to its
//! automatic zone: the sensor that saw it. Zones only label and group; an asset's identity
//! (`ip:<sensor>/<ip>`) stays with the sensor, so redefining zones never
//! splits or merges assets, and the customer's decisions about them stay.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Zones a tenant may define.
pub const MAX_ZONES: usize = 256;
/// Networks and VLANs one zone may list, each.
pub const MAX_ENTRIES: usize = 64;
/// Characters in a zone's name.
pub const MAX_NAME_CHARS: usize = 64;

/// An IP network: an address and a prefix length (`10.1.2.0/24`,
/// `fd00::/64`; a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(*ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(*ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or network such as 10.0.1.0/24"))?;
        let longest = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => longest,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= longest)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {longest}"))?,
        };
        let network = Network { address, prefix };
        // Written with host bits set, it is almost always a typing mistake
        // (10.0.1.5/16 meaning 10.0.1.0/24?): said, not guessed.
        if network.first() != address {
            return Err(format!(
                "{text:?} has host bits set: the network is {}/{prefix}",
                network.first()
            ));
        }
        Ok(network)
    }
}

impl Network {
    /// The network's first address.
    fn first(&self) -> IpAddr {
        match self.address {
            IpAddr::V4(a) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V4((u32::from(a) & mask).into())
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                IpAddr::V6((u128::from(a) & mask).into())
            }
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl Serialize for Network {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Network, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One zone as the customer defined it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRule {
    pub name: String,
    #[serde(default)]
    pub networks: Vec<Network>,
    /// 802.1Q VLAN ids: an address seen in a tagged frame of one of these.
    #[serde(default)]
    pub vlans: Vec<u16>,
    /// Only addresses this sensor saw (its public id); `None`: any sensor.
    #[serde(default)]
    pub sensor: Option<String>,
}

impl ZoneRule {
    /// A rule from what a user typed: networks and VLAN ids separated by
    /// commas, spaces or new lines. Every problem is named.
    pub fn parse(
        name: &str,
        networks: &str,
        vlans: &str,
        sensor: Option<&str>,
    ) -> Result<ZoneRule, String> {
        let items = |text: &str| {
            text.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let mut networks = items(networks)
            .iter()
            .map(|n| n.parse::<Network>())
            .collect::<Result<Vec<_>, _>>()?;
        let mut vlans = items(vlans)
            .iter()
            .map(|v| {
                v.parse::<u16>()
                    .ok()
                    .filter(|v| (1..=4094).contains(v))
                    .ok_or_else(|| format!("{v:?} is not a VLAN id (1 to 4094)"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        networks.sort_unstable();
        networks.dedup();
        vlans.sort_unstable();
        vlans.dedup();
        let rule = ZoneRule {
            name: name.trim().to_owned(),
            networks,
            vlans,
            sensor: sensor
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        };
        rule.check()?;
        Ok(rule)
    }

    /// The limits every rule keeps, however it was made (typed in the
    /// portal, or read from a file by `sensor analyze --zones`).
    pub fn check(&self) -> Result<(), String> {
        let name = &self.name;
        if name.trim().is_empty() {
            return Err("a zone needs a name".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "a zone's name has at most {MAX_NAME_CHARS} characters"
            ));
        }
        if name.chars().any(char::is_control) || name.contains(',') {
            return Err("a zone's name may not hold commas or control characters".into());
        }
        if self.networks.is_empty() && self.vlans.is_empty() && self.sensor.is_none() {
            return Err(format!(
                "zone {name:?} covers no network, no VLAN and no sensor"
            ));
        }
        if self.networks.len() > MAX_ENTRIES || self.vlans.len() > MAX_ENTRIES {
            return Err(format!(
                "a zone lists at most {MAX_ENTRIES} networks and {MAX_ENTRIES} VLANs"
            ));
        }
        if let Some(v) = self.vlans.iter().find(|v| !(1..=4094).contains(*v)) {
            return Err(format!("{v} is not a VLAN id (1 to 4094)"));
        }
        Ok(())
    }

    /// A zone of everything one sensor sees.
    fn whole_sensor(&self) -> bool {
        self.networks.is_empty() && self.vlans.is_empty() && self.sensor.is_some()
    }

    /// How specifically the rule covers an address seen by `sensor` on
    /// `vlans`: the longest matching prefix (2 + its length), 1 for a
    /// VLAN, 0 for the whole sensor, `None` when it does not cover it.
    fn covers(&self, sensor: &str, ip: &IpAddr, vlans: &BTreeSet<u16>) -> Option<u16> {
        if self.sensor.as_deref().is_some_and(|s| s != sensor) {
            return None;
        }
        if self.whole_sensor() {
            return Some(0);
        }
        let by_network = self
            .networks
            .iter()
            .filter(|n| n.contains(ip))
            .map(|n| 2 + u16::from(n.prefix()))
            .max();
        let by_vlan = self.vlans.iter().any(|v| vlans.contains(v)).then_some(1);
        by_network.or(by_vlan)
    }
}

/// A tenant's defined zones, in the order the customer keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZonePlan {
    pub rules: Vec<ZoneRule>,
}

impl ZonePlan {
    /// A plan of `rules`, refused when a rule breaks the limits, two share
    /// a name or there are too many.
    pub fn new(rules: Vec<ZoneRule>) -> Result<ZonePlan, String> {
        if rules.len() > MAX_ZONES {
            return Err(format!("a tenant defines at most {MAX_ZONES} zones"));
        }
        for rule in &rules {
            rule.check()?;
        }
        let mut names: Vec<String> = rules.iter().map(|r| r.name.to_lowercase()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("two zones are named {:?}", pair[0]));
        }
        Ok(ZonePlan { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The defined zone of an address `sensor` saw on `vlans` (most
    /// specific first, then the earlier rule), `None` when no rule covers it.
    pub fn zone_of(&self, sensor: &str, ip: &IpAddr, vlans: &BTreeSet<u16>) -> Option<&ZoneRule> {
        let mut best: Option<(u16, &ZoneRule)> = None;
        for rule in &self.rules {
            if let Some(score) = rule.covers(sensor, ip, vlans)
                && best.is_none_or(|(b, _)| score > b)
            {
                best = Some((score, rule));
            }
        }
        best.map(|(_, rule)| rule)
    }

    /// The zone of a device `sensor` saw without an IP address: the zone
    /// of that whole sensor, if one is defined.
    pub fn zone_of_sensor(&self, sensor: &str) -> Option<&ZoneRule> {
        self.rules
            .iter()
            .find(|r| r.whole_sensor() && r.sensor.as_deref() == Some(sensor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn rule(name: &str, networks: &str, vlans: &str, sensor: Option<&str>) -> ZoneRule {
        ZoneRule::parse(name, networks, vlans, sensor).unwrap()
    }

    #[test]
    fn networks_parse_and_contain_their_addresses() {
        let n: Network = "10.1.2.0/24".parse().unwrap();
        assert!(n.contains(&ip("10.1.2.200")));
        assert!(!n.contains(&ip("10.1.3.1")));
        assert!(!n.contains(&ip("fd00::1")));
        let host: Network = "192.168.1.40".parse().unwrap();
        assert_eq!(host.to_string(), "192.168.1.40/32");
        assert!(host.contains(&ip("192.168.1.40")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(&ip("203.0.113.9")));
        let v6: Network = "fd00:1::/64".parse().unwrap();
        assert!(v6.contains(&ip("fd00:1::abcd")));
        assert!(!v6.contains(&ip("fd00:2::1")));
    }

    #[test]
    fn a_mistyped_network_is_refused_with_the_reason() {
        for (text, says) in [
            ("10.1.2.0/33", "prefix length must be 0 to 32"),
            ("10.1.2/24", "not an IP address"),
            ("10.1.2.5/24", "host bits set: the network is 10.1.2.0/24"),
            ("plant", "not an IP address"),
            ("fd00::/129", "0 to 128"),
        ] {
            let error = text.parse::<Network>().unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn a_rule_is_parsed_from_what_a_user_typed() {
        let r = rule(
            " Line 1 ",
            "10.0.2.0/24, 10.0.1.0/24\n10.0.1.0/24",
            "20 10",
            Some(" "),
        );
        assert_eq!(r.name, "Line 1");
        let networks: Vec<String> = r.networks.iter().map(ToString::to_string).collect();
        assert_eq!(networks, ["10.0.1.0/24", "10.0.2.0/24"]);
        assert_eq!(r.vlans, [10, 20]);
        assert_eq!(r.sensor, None);
        for (name, networks, vlans, says) in [
            ("", "10.0.0.0/8", "", "needs a name"),
            ("a,b", "10.0.0.0/8", "", "commas"),
            ("x\u{7}", "10.0.0.0/8", "", "control"),
            ("empty", " ", "", "covers no network, no VLAN and no sensor"),
            ("vlan", "", "4095", "not a VLAN id"),
            ("vlan", "", "0", "not a VLAN id"),
        ] {
            let error = ZoneRule::parse(name, networks, vlans, None).unwrap_err();
            assert!(error.contains(says), "{name:?}: {error}");
        }
        let long = "z".repeat(MAX_NAME_CHARS + 1);
        assert!(ZoneRule::parse(&long, "10.0.0.0/8", "", None).is_err());
        let many: String = (0..=MAX_ENTRIES)
            .map(|i| format!("10.{i}.0.0/16 "))
            .collect();
        assert!(ZoneRule::parse("many", &many, "", None).is_err());
    }

    #[test]
    fn the_most_specific_zone_wins_then_the_first() {
        let plan = ZonePlan::new(vec![
            rule("Plant", "10.0.0.0/8", "", None),
            rule("Cell 3", "10.0.3.0/24", "", None),
            rule("Also cell 3", "10.0.3.0/24", "", None),
            rule("Safety VLAN", "", "30", None),
        ])
        .unwrap();
        let zone = |addr: &str, vlans: &[u16]| {
            plan.zone_of("sen_a", &ip(addr), &vlans.iter().copied().collect())
                .map(|r| r.name.as_str())
        };
        assert_eq!(zone("10.0.3.7", &[]), Some("Cell 3"));
        assert_eq!(zone("10.9.9.9", &[]), Some("Plant"));
        // A network says more than a VLAN.
        assert_eq!(zone("10.9.9.9", &[30]), Some("Plant"));
        assert_eq!(zone("172.16.0.4", &[30]), Some("Safety VLAN"));
        assert_eq!(zone("172.16.0.4", &[31]), None);
    }

    #[test]
    fn a_zone_of_one_sensor_leaves_the_same_addresses_elsewhere_alone() {
        let plan = ZonePlan::new(vec![
            rule("Site A cell", "192.168.0.0/24", "", Some("sen_a")),
            rule("Site B cell", "192.168.0.0/24", "", Some("sen_b")),
        ])
        .unwrap();
        let zone = |sensor: &str| {
            plan.zone_of(sensor, &ip("192.168.0.10"), &BTreeSet::new())
                .map(|r| r.name.as_str())
        };
        assert_eq!(zone("sen_a"), Some("Site A cell"));
        assert_eq!(zone("sen_b"), Some("Site B cell"));
        assert_eq!(zone("sen_c"), None);
    }

    #[test]
    fn a_zone_of_a_whole_sensor_takes_what_no_other_zone_does() {
        let plan = ZonePlan::new(vec![
            rule("Line 1", "", "", Some("sen_a")),
            rule("Line 1 safety", "", "30", Some("sen_a")),
            rule("Line 1 cell 2", "10.0.2.0/24", "", None),
        ])
        .unwrap();
        let zone = |addr: &str, vlans: &[u16]| {
            plan.zone_of("sen_a", &ip(addr), &vlans.iter().copied().collect())
                .map(|r| r.name.as_str())
        };
        assert_eq!(zone("10.0.9.9", &[]), Some("Line 1"));
        assert_eq!(zone("10.0.9.9", &[30]), Some("Line 1 safety"));
        assert_eq!(zone("10.0.2.9", &[30]), Some("Line 1 cell 2"));
        assert_eq!(
            plan.zone_of("sen_b", &ip("10.0.9.9"), &BTreeSet::new()),
            None
        );
        assert_eq!(
            plan.zone_of_sensor("sen_a").map(|r| r.name.as_str()),
            Some("Line 1")
        );
        assert_eq!(plan.zone_of_sensor("sen_b"), None);
    }

    #[test]
    fn a_plan_refuses_two_zones_of_one_name_and_too_many_zones() {
        let error = ZonePlan::new(vec![
            rule("Line 1", "10.0.1.0/24", "", None),
            rule("line 1", "10.0.2.0/24", "", None),
        ])
        .unwrap_err();
        assert!(error.contains("two zones are named"), "{error}");
        let many = (0..=MAX_ZONES)
            .map(|i| rule(&format!("z{i}"), "10.0.0.0/8", "", None))
            .collect();
        assert!(ZonePlan::new(many).is_err());
    }

    #[test]
    fn a_plan_round_trips_through_json() {
        let plan = ZonePlan::new(vec![rule(
            "Line 1",
            "10.0.1.0/24 fd00::/64",
            "7",
            Some("sen_a"),
        )])
        .unwrap();
        let json = serde_json::to_string(&plan).unwrap();
        assert!(json.contains("\"10.0.1.0/24\""), "{json}");
        assert_eq!(serde_json::from_str::<ZonePlan>(&json).unwrap(), plan);
        assert!(
            serde_json::from_str::<ZonePlan>(
                r#"{"rules":[{"name":"x","networks":["10.0.1.5/24"]}]}"#
            )
            .is_err()
        );
    }
}
