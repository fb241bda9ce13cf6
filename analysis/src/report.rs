//! The inventory as the portal and `sensor analyze --json` show it: assets
//! with their identity (each fact with its source), role and evidence;
//! edges per (client, server, protocol); zones. Field meanings:
//! docs/ANALYSIS.md.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::assets::{AssetId, Assets};
use crate::observations::{Observations, sensor_and_vlan};
use crate::roles::{Assessment, Behaviour, Role, assess};
use crate::texts::{Texts, t};
use crate::zones::ZonePlan;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactView {
    pub source: String,
    pub attribute: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetView {
    /// `mac:<mac>` or `ip:<zone>/<ip>`.
    pub id: String,
    pub macs: Vec<String>,
    /// `<ip>` with its zone.
    pub ips: Vec<ZonedIp>,
    pub oui_vendor: Option<String>,
    /// Names the device gave itself or was given (DHCP, NetBIOS, station names).
    pub names: Vec<String>,
    /// Product, vendor, serial and firmware facts the protocols reported.
    pub product: Option<String>,
    pub facts: Vec<FactView>,
    pub role: Role,
    /// True when a user set the role.
    pub role_overridden: bool,
    pub confidence: u8,
    /// The observations behind the role, in Japanese and English.
    pub evidence: Vec<Texts>,
    pub purdue_level: Option<u8>,
    pub protocols_served: Vec<&'static str>,
    pub protocols_used: Vec<&'static str>,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
    pub sensors: Vec<String>,
    /// The zones it sits in: its addresses' (`ips[].zone`), or, known by
    /// its MAC only, its sensors'.
    pub zones: Vec<String>,
}

/// An address the device used, in its zone, and when: a device whose
/// address changed (DHCP) keeps each one with its time span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ZonedIp {
    /// The customer's zone that covers it (`crate::zones`), else the
    /// sensor that saw it (`<sensor>/vlan<id>` on a VLAN).
    pub zone: String,
    /// The sensor that saw it and the VLAN of its frames: with the
    /// address, what tells devices apart.
    pub sensor: String,
    pub vlan: Option<u16>,
    pub ip: String,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
}

/// What users decided about assets, by asset id; the engine shows it
/// instead of its own assessment, and keeps its own in the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub roles: BTreeMap<String, Role>,
    pub purdue_levels: BTreeMap<String, u8>,
    /// The zones the customer defined.
    pub zones: ZonePlan,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeView {
    pub client: String,
    pub server: String,
    pub protocol: &'static str,
    /// Requests per operation class (read, write, control, program, …).
    pub classes: BTreeMap<&'static str, u64>,
    pub operations: BTreeMap<String, u64>,
    pub errors: u64,
    pub packets: u64,
    pub bytes: u64,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
    /// Requests per UTC hour of day, 0 to 23.
    pub hourly: [u64; 24],
    /// The two ends sit more than one Purdue level apart (an IT host
    /// talking straight to a controller).
    pub skips_levels: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneView {
    pub zone: String,
    pub assets: usize,
    /// A defined zone: the networks it covers. A sensor's zone: the IPv4
    /// /24 networks its addresses fall in.
    pub networks: Vec<String>,
    /// A defined zone: the VLANs it covers. A sensor's zone: the VLANs its
    /// addresses were seen on.
    pub vlans: Vec<u16>,
    /// Defined by the customer (else the automatic zone of a sensor).
    pub defined: bool,
    /// The sensor it is limited to (a defined zone) or is (an automatic one).
    pub sensor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub assets: Vec<AssetView>,
    pub edges: Vec<EdgeView>,
    pub zones: Vec<ZoneView>,
}

/// Attributes that name a device, as the dissectors report them.
fn is_name(attribute: &str) -> bool {
    attribute == "hostname" || (attribute.ends_with("name") && attribute != "product_name")
}

pub fn build(obs: &Observations, overrides: &Overrides) -> Report {
    let assets = crate::assets::resolve(obs);
    let edges = edges(obs, &assets);

    let mut behaviour: BTreeMap<AssetId, Behaviour> = BTreeMap::new();
    for (id, asset) in &assets.by_id {
        let b = behaviour.entry(id.clone()).or_default();
        b.routed_ips = asset.routed_ips;
        b.forwards_for_others = asset.forwards_for_others;
        b.has_ip = !asset.ips.is_empty();
    }
    for ((client, server, protocol), e) in &edges {
        let requests: u64 = e.classes.values().sum();
        let served = behaviour
            .entry(server.clone())
            .or_default()
            .served
            .entry(*protocol)
            .or_default();
        served.0 += requests;
        served.1.insert(client.clone());
        let used = behaviour
            .entry(client.clone())
            .or_default()
            .used
            .entry(*protocol)
            .or_default();
        used.0.insert(server.clone());
        for (class, n) in &e.classes {
            *used.1.entry(*class).or_default() += n;
        }
    }

    for ((sender, protocol), requests) in &obs.group_requests {
        *behaviour
            .entry(assets.owner(sender))
            .or_default()
            .asks_everyone
            .entry(*protocol)
            .or_default() += requests;
    }

    let mut zones = ZoneTally::new(&overrides.zones);
    let no_vlans = BTreeSet::new();
    let views = assets
        .by_id
        .iter()
        .map(|(id, a)| {
            let b = behaviour.get(id).cloned().unwrap_or_default();
            let Assessment {
                mut role,
                mut confidence,
                mut evidence,
            } = assess(&b);
            let key = id.to_string();
            let role_overridden = match overrides.roles.get(&key) {
                Some(chosen) if *chosen != role => {
                    evidence.insert(
                        0,
                        t(
                            format!(
                                "利用者が設定。通信からの推定は {}（確信度 {confidence}%）",
                                role.as_str()
                            ),
                            format!("set by a user; the traffic suggests {role:?} ({confidence}%)"),
                        ),
                    );
                    (role, confidence) = (*chosen, 100);
                    true
                }
                Some(_) => {
                    confidence = 100;
                    true
                }
                None => false,
            };
            let purdue_level = overrides
                .purdue_levels
                .get(&key)
                .copied()
                .or(role.purdue_level());
            // Each address's zone: the customer's that covers it, else its
            // sensor's; one per entry of `a.ips`, in its order.
            let ip_zones: Vec<String> = a
                .ips
                .iter()
                .map(|(seen_in, ip)| {
                    let (sensor, vlan) = sensor_and_vlan(seen_in);
                    let mut vlans = Cow::Borrowed(
                        obs.ips
                            .get(&(seen_in.clone(), *ip))
                            .map_or(&no_vlans, |f| &f.vlans),
                    );
                    if let Some(v) = vlan
                        && !vlans.contains(&v)
                    {
                        vlans.to_mut().insert(v);
                    }
                    let zone = match overrides.zones.zone_of(sensor, ip, &vlans) {
                        Some(rule) => rule.name.clone(),
                        None => seen_in.clone(),
                    };
                    zones.address(&zone, sensor, ip, &vlans);
                    zone
                })
                .collect();
            let mut asset_zones: BTreeSet<String> = ip_zones.iter().cloned().collect();
            // A device known only by its MAC sits in its sensors' zones.
            if a.ips.is_empty() {
                asset_zones.extend(a.seen.sensors.iter().map(|sensor| {
                    match overrides.zones.zone_of_sensor(sensor) {
                        Some(rule) => rule.name.clone(),
                        None => sensor.clone(),
                    }
                }));
            }
            for zone in &asset_zones {
                zones.asset(zone);
            }
            let asset_zones: Vec<String> = asset_zones.into_iter().collect();
            let fact = |attribute: &str| {
                a.facts
                    .iter()
                    .find(|f| f.attribute == attribute)
                    .map(|f| f.value.clone())
            };
            let names: BTreeSet<String> = a
                .facts
                .iter()
                .filter(|f| is_name(&f.attribute) && !f.value.is_empty())
                .map(|f| f.value.clone())
                .collect();
            AssetView {
                id: key,
                macs: a.macs.iter().map(ToString::to_string).collect(),
                ips: a
                    .ips
                    .iter()
                    .zip(ip_zones)
                    .map(|((seen_in, ip), zone)| {
                        let seen = obs.ips.get(&(seen_in.clone(), *ip)).map(|f| &f.seen);
                        let (sensor, vlan) = sensor_and_vlan(seen_in);
                        ZonedIp {
                            zone,
                            sensor: sensor.to_owned(),
                            vlan,
                            ip: ip.to_string(),
                            first_seen_ms: seen.and_then(|s| s.first_ms),
                            last_seen_ms: seen.and_then(|s| s.last_ms),
                        }
                    })
                    .collect(),
                oui_vendor: a.oui_vendor.clone(),
                names: names.into_iter().collect(),
                product: fact("product_name").or_else(|| fact("model")),
                facts: a
                    .facts
                    .iter()
                    .map(|f| FactView {
                        source: f.source.clone(),
                        attribute: f.attribute.clone(),
                        value: f.value.clone(),
                    })
                    .collect(),
                role,
                role_overridden,
                confidence,
                evidence,
                purdue_level,
                protocols_served: b.served.keys().map(|p| p.as_str()).collect(),
                protocols_used: b
                    .used
                    .keys()
                    .chain(b.asks_everyone.keys())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|p| p.as_str())
                    .collect(),
                first_seen_ms: a.seen.first_ms,
                last_seen_ms: a.seen.last_ms,
                sensors: a.seen.sensors.iter().cloned().collect(),
                zones: asset_zones,
            }
        })
        .collect();

    let views: Vec<AssetView> = views;
    let level_of: BTreeMap<&str, Option<u8>> = views
        .iter()
        .map(|a| (a.id.as_str(), a.purdue_level))
        .collect();
    let skips = |client: &AssetId, server: &AssetId| {
        let level = |id: &AssetId| level_of.get(id.to_string().as_str()).copied().flatten();
        matches!((level(client), level(server)), (Some(a), Some(b)) if a.abs_diff(b) > 1)
    };
    let edges: Vec<EdgeView> = edges
        .into_iter()
        .map(|((client, server, protocol), e)| EdgeView {
            skips_levels: skips(&client, &server),
            client: client.to_string(),
            server: server.to_string(),
            protocol: protocol.as_str(),
            classes: e.classes.iter().map(|(c, n)| (c.as_str(), *n)).collect(),
            operations: e.operations,
            errors: e.errors,
            packets: e.packets,
            bytes: e.bytes,
            first_seen_ms: e.seen.first_ms,
            last_seen_ms: e.seen.last_ms,
            hourly: e.hourly,
        })
        .collect();
    Report {
        assets: views,
        edges,
        zones: zones.views(),
    }
}

/// The zones as the assets fill them: every defined zone (even an empty
/// one, so the customer sees what it defined) and each sensor's zone that
/// holds an asset.
struct ZoneTally<'a> {
    plan: &'a ZonePlan,
    seen: BTreeMap<String, ZoneSeen>,
}

/// What the assets showed of one zone.
#[derive(Default)]
struct ZoneSeen {
    assets: usize,
    /// The IPv4 /24 networks of its addresses.
    networks: BTreeSet<String>,
    vlans: BTreeSet<u16>,
    /// The sensor of its first address.
    sensor: Option<String>,
}

impl<'a> ZoneTally<'a> {
    fn new(plan: &'a ZonePlan) -> Self {
        ZoneTally {
            plan,
            seen: BTreeMap::new(),
        }
    }

    fn address(&mut self, zone: &str, sensor: &str, ip: &std::net::IpAddr, vlans: &BTreeSet<u16>) {
        let entry = self.seen.entry(zone.to_owned()).or_default();
        if let std::net::IpAddr::V4(v4) = ip {
            let [x, y, z, _] = v4.octets();
            entry.networks.insert(format!("{x}.{y}.{z}.0/24"));
        }
        entry.vlans.extend(vlans.iter().copied());
        entry.sensor.get_or_insert_with(|| sensor.to_owned());
    }

    fn asset(&mut self, zone: &str) {
        self.seen.entry(zone.to_owned()).or_default().assets += 1;
    }

    fn views(mut self) -> Vec<ZoneView> {
        let mut views: Vec<ZoneView> = self
            .plan
            .rules
            .iter()
            .map(|rule| ZoneView {
                zone: rule.name.clone(),
                assets: self.seen.remove(&rule.name).map_or(0, |z| z.assets),
                networks: rule.networks.iter().map(ToString::to_string).collect(),
                vlans: rule.vlans.clone(),
                defined: true,
                sensor: rule.sensor.clone(),
            })
            .collect();
        views.extend(self.seen.into_iter().map(|(zone, seen)| ZoneView {
            sensor: seen.sensor.or_else(|| Some(zone.clone())),
            zone,
            assets: seen.assets,
            networks: seen.networks.into_iter().collect(),
            vlans: seen.vlans.into_iter().collect(),
            defined: false,
        }));
        views.sort_by(|a, b| (!a.defined, &a.zone).cmp(&(!b.defined, &b.zone)));
        views
    }
}

/// Conversations between assets: those of several addresses of one asset
/// (a device with two IP addresses) add up.
fn edges(
    obs: &Observations,
    assets: &Assets,
) -> BTreeMap<(AssetId, AssetId, traffic::operation::Protocol), crate::observations::Conversation> {
    let mut out: BTreeMap<_, crate::observations::Conversation> = BTreeMap::new();
    for ((client, server, protocol), c) in &obs.conversations {
        let e = out
            .entry((assets.owner(client), assets.owner(server), *protocol))
            .or_default();
        for (class, n) in &c.classes {
            *e.classes.entry(*class).or_default() += n;
        }
        for (name, n) in &c.operations {
            *e.operations.entry(name.clone()).or_default() += n;
        }
        e.errors += c.errors;
        e.packets += c.packets;
        e.bytes += c.bytes;
        e.seen.merge(&c.seen);
        for (h, n) in c.hourly.iter().enumerate() {
            e.hourly[h] += n;
        }
    }
    out
}
