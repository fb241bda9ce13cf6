//! What the map shows, apart from drawing: the parsed data with each node's
//! neighbours, the filters, the groups handed to the layout, the camera
//! (pan and zoom) and finding the node under the pointer. Plain Rust, so it
//! is tested natively; the canvas code (`draw.rs`) only reads it.

use maplayout::Point;
use model::map::MapData;

/// Roles in the legend's order, each with its colour.
pub const ROLE_COLOURS: [(&str, &str); 8] = [
    ("controller", "#d9480f"),
    ("hmi", "#1971c2"),
    ("engineering_workstation", "#9c36b5"),
    ("historian", "#2f9e44"),
    ("field_device", "#e8a400"),
    ("network_device", "#495057"),
    ("it_host", "#74b9c9"),
    ("unknown", "#adb5bd"),
];

/// The colour of a role's nodes; a role this build does not know is grey.
pub fn role_colour(role: &str) -> &'static str {
    ROLE_COLOURS
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("#adb5bd", |(_, c)| c)
}

/// Edges whose ends sit more than one Purdue level apart.
pub const SKIP_COLOUR: &str = "#e03131";
pub const EDGE_COLOUR: &str = "#8a94a6";

/// The highest Purdue level with a band of its own; higher ones share it.
const TOP_LEVEL: i64 = 5;

/// The map's data with what the page derives from it once.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub data: MapData,
    /// Each node's neighbours (either direction), sorted, once each.
    pub neighbours: Vec<Vec<u32>>,
    /// The values the filters offer, sorted.
    pub protocols: Vec<String>,
    pub zones: Vec<String>,
    pub roles: Vec<String>,
    pub levels: Vec<i64>,
}

impl Scene {
    /// Edges naming a node that is not there (the server never sends one)
    /// are dropped rather than trusted.
    pub fn new(mut data: MapData) -> Scene {
        let n = data.nodes.len();
        data.edges
            .retain(|e| (e.client as usize) < n && (e.server as usize) < n);
        let mut neighbours = vec![Vec::new(); n];
        for e in &data.edges {
            if e.client != e.server {
                neighbours[e.client as usize].push(e.server);
                neighbours[e.server as usize].push(e.client);
            }
        }
        for list in &mut neighbours {
            list.sort_unstable();
            list.dedup();
        }
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v
        };
        let protocols = sorted(data.edges.iter().map(|e| e.protocol.clone()).collect());
        let zones = sorted(data.nodes.iter().filter_map(|n| n.zone.clone()).collect());
        let roles = sorted(data.nodes.iter().map(|n| n.role.clone()).collect());
        let mut levels: Vec<i64> = data.nodes.iter().filter_map(|n| n.purdue_level).collect();
        levels.sort_unstable();
        levels.dedup();
        Scene {
            data,
            neighbours,
            protocols,
            zones,
            roles,
            levels,
        }
    }

    /// Each node's group number for the layout, by zone (in the zones'
    /// order, no zone last) or by Purdue level (the level, no level above
    /// the highest).
    pub fn groups(&self, by: GroupBy) -> Vec<u32> {
        self.data
            .nodes
            .iter()
            .map(|n| match by {
                GroupBy::Zone => {
                    let i = n
                        .zone
                        .as_ref()
                        .and_then(|z| self.zones.binary_search(z).ok())
                        .unwrap_or(self.zones.len());
                    u32::try_from(i).unwrap_or(u32::MAX)
                }
                GroupBy::Level => level_band(n.purdue_level),
            })
            .collect()
    }

    /// What a group number of [`Scene::groups`] stands for.
    pub fn group_name(&self, by: GroupBy, group: u32) -> GroupName<'_> {
        match by {
            GroupBy::Zone => self
                .zones
                .get(group as usize)
                .map_or(GroupName::NoZone, |z| GroupName::Zone(z)),
            GroupBy::Level if group as i64 > TOP_LEVEL => GroupName::NoLevel,
            GroupBy::Level => GroupName::Level(i64::from(group)),
        }
    }

    /// Which nodes and edges pass the filter. A node passes by its own
    /// facts and, when a protocol is chosen, by having an edge of it to
    /// another passing node; an edge passes when its protocol does and both
    /// its ends pass.
    pub fn visible(&self, f: &Filter) -> Visible {
        let nodes = &self.data.nodes;
        let mut shown: Vec<bool> = nodes
            .iter()
            .map(|n| {
                (f.role.is_empty() || n.role == f.role)
                    && (f.zone.is_empty() || n.zone.as_deref() == Some(f.zone.as_str()))
                    && match f.level.as_str() {
                        "" => true,
                        "none" => n.purdue_level.is_none(),
                        level => n.purdue_level.map(|l| l.to_string()).as_deref() == Some(level),
                    }
            })
            .collect();
        let protocol_ok = |p: &str| f.protocol.is_empty() || p == f.protocol;
        if !f.protocol.is_empty() {
            let mut touched = vec![false; nodes.len()];
            for e in &self.data.edges {
                let (a, b) = (e.client as usize, e.server as usize);
                if protocol_ok(&e.protocol) && shown[a] && shown[b] {
                    touched[a] = true;
                    touched[b] = true;
                }
            }
            shown = touched;
        }
        let edges: Vec<bool> = self
            .data
            .edges
            .iter()
            .map(|e| {
                protocol_ok(&e.protocol) && shown[e.client as usize] && shown[e.server as usize]
            })
            .collect();
        Visible {
            node_count: shown.iter().filter(|v| **v).count(),
            edge_count: edges.iter().filter(|v| **v).count(),
            nodes: shown,
            edges,
        }
    }
}

/// A Purdue level's band: the level itself (below 0 as 0, above 5 as 5);
/// no level gets the band above.
fn level_band(level: Option<i64>) -> u32 {
    match level {
        Some(l) => l.clamp(0, TOP_LEVEL) as u32,
        None => TOP_LEVEL as u32 + 1,
    }
}

/// How the map groups its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    /// Purdue levels as bands, level 0 at the bottom: the default, since it
    /// shows at once which talks skip a level.
    #[default]
    Level,
    /// Zones (subnets, VLANs, sensors) as clusters.
    Zone,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Level => "level",
            GroupBy::Zone => "zone",
        }
    }

    pub fn parse(s: &str) -> GroupBy {
        if s == "zone" {
            GroupBy::Zone
        } else {
            GroupBy::Level
        }
    }

    pub fn layout(self) -> maplayout::Grouping {
        match self {
            GroupBy::Level => maplayout::Grouping::Bands,
            GroupBy::Zone => maplayout::Grouping::Clusters,
        }
    }
}

/// What a group's frame is labelled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupName<'a> {
    Zone(&'a str),
    NoZone,
    Level(i64),
    NoLevel,
}

/// The filters' values; empty lets everything through. `level` is a level
/// number or `none`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub protocol: String,
    pub zone: String,
    pub role: String,
    pub level: String,
}

/// Which nodes and edges are drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    pub nodes: Vec<bool>,
    pub edges: Vec<bool>,
    pub node_count: usize,
    pub edge_count: usize,
}

/// Scales the camera allows: from a whole plant on a screen to a few nodes.
pub const MIN_SCALE: f64 = 0.02;
pub const MAX_SCALE: f64 = 8.0;

/// From layout units to CSS pixels of the canvas: `screen = world · scale +
/// offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub x: f64,
    pub y: f64,
    pub scale: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            x: 0.0,
            y: 0.0,
            scale: 1.0,
        }
    }
}

impl Camera {
    pub fn to_screen(&self, p: Point) -> (f64, f64) {
        (p.x * self.scale + self.x, p.y * self.scale + self.y)
    }

    pub fn to_world(&self, sx: f64, sy: f64) -> Point {
        Point {
            x: (sx - self.x) / self.scale,
            y: (sy - self.y) / self.scale,
        }
    }

    /// Zoomed by `factor` around the screen point `(sx, sy)`, which stays
    /// over the same place of the map; the scale stays within its bounds.
    pub fn zoom_at(self, sx: f64, sy: f64, factor: f64) -> Camera {
        if !(factor.is_finite() && sx.is_finite() && sy.is_finite()) || factor <= 0.0 {
            return self;
        }
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let anchor = self.to_world(sx, sy);
        Camera {
            x: sx - anchor.x * scale,
            y: sy - anchor.y * scale,
            scale,
        }
    }

    /// The camera showing every given point in a `width`×`height` canvas
    /// with a margin; the default camera when there is nothing to show.
    pub fn fit<'a>(points: impl Iterator<Item = &'a Point>, width: f64, height: f64) -> Camera {
        let (mut min, mut max) = (
            Point {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            Point {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
        );
        for p in points {
            min.x = min.x.min(p.x);
            min.y = min.y.min(p.y);
            max.x = max.x.max(p.x);
            max.y = max.y.max(p.y);
        }
        if !(min.x.is_finite() && max.x.is_finite()) || width <= 0.0 || height <= 0.0 {
            return Camera::default();
        }
        let margin = 40.0;
        let span_x = (max.x - min.x).max(1.0);
        let span_y = (max.y - min.y).max(1.0);
        let scale = ((width - 2.0 * margin).max(1.0) / span_x)
            .min((height - 2.0 * margin).max(1.0) / span_y)
            .clamp(MIN_SCALE, 2.0);
        Camera {
            x: width / 2.0 - (min.x + max.x) / 2.0 * scale,
            y: height / 2.0 - (min.y + max.y) / 2.0 * scale,
            scale,
        }
    }
}

/// A node's radius in CSS pixels at a scale: grows with zoom, within bounds
/// so a far view is still clickable and a near one not all circles.
pub fn node_radius(scale: f64) -> f64 {
    (6.0 * scale.sqrt()).clamp(3.0, 12.0)
}

/// The visible node under the screen point, if one is within its radius
/// plus a few pixels (the nearest wins).
pub fn hit(
    positions: &[Point],
    visible: &[bool],
    camera: &Camera,
    sx: f64,
    sy: f64,
) -> Option<usize> {
    let reach = node_radius(camera.scale) + 3.0;
    let mut best: Option<(usize, f64)> = None;
    for (i, p) in positions.iter().enumerate() {
        if !visible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let (x, y) = camera.to_screen(*p);
        let d = ((x - sx).powi(2) + (y - sy).powi(2)).sqrt();
        if d <= reach && best.is_none_or(|(_, b)| d < b) {
            best = Some((i, d));
        }
    }
    best.map(|(i, _)| i)
}

/// Where the first visible node inside the canvas is drawn (CSS pixels from
/// its top left), for tests that click a node.
pub fn first_on_screen(
    positions: &[Point],
    visible: &[bool],
    camera: &Camera,
    width: f64,
    height: f64,
) -> Option<(f64, f64)> {
    let margin = 12.0;
    positions
        .iter()
        .enumerate()
        .filter(|(i, _)| visible.get(*i).copied().unwrap_or(false))
        .map(|(_, p)| camera.to_screen(*p))
        .find(|&(x, y)| x >= margin && y >= margin && x <= width - margin && y <= height - margin)
}

/// The asset page of an id: every byte but the unreserved ones of RFC 3986
/// percent-encoded, so `:` and `/` of `ip:<zone>/<ip>` stay in one segment.
pub fn asset_href(id: &str) -> String {
    let mut out = String::from("/portal/assets/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::map::{MapEdge, MapNode};

    fn node(id: &str, role: &str, level: Option<i64>, zone: Option<&str>) -> MapNode {
        MapNode {
            id: id.into(),
            label: id.into(),
            role: role.into(),
            purdue_level: level,
            zone: zone.map(Into::into),
            vendor: None,
        }
    }

    fn edge(client: u32, server: u32, protocol: &str) -> MapEdge {
        MapEdge {
            client,
            server,
            protocol: protocol.into(),
            requests: 1,
            packets: 2,
            skips_levels: false,
        }
    }

    fn scene() -> Scene {
        Scene::new(MapData {
            nodes: vec![
                node("hmi", "hmi", Some(2), Some("z1")),
                node("plc", "controller", Some(1), Some("z1")),
                node("io", "field_device", Some(0), Some("z2")),
                node("router", "network_device", None, None),
            ],
            edges: vec![
                edge(0, 1, "modbus"),
                edge(1, 2, "profinet"),
                edge(0, 1, "s7comm"),
                edge(0, 9, "modbus"),
            ],
            truncated: false,
        })
    }

    #[test]
    fn edges_to_missing_nodes_are_dropped_and_neighbours_listed_once() {
        let s = scene();
        assert_eq!(s.data.edges.len(), 3);
        assert_eq!(s.neighbours[0], vec![1]);
        assert_eq!(s.neighbours[1], vec![0, 2]);
        assert_eq!(s.neighbours[3], Vec::<u32>::new());
        assert_eq!(s.protocols, ["modbus", "profinet", "s7comm"]);
        assert_eq!(s.zones, ["z1", "z2"]);
        assert_eq!(s.levels, [0, 1, 2]);
    }

    #[test]
    fn filters_narrow_nodes_and_edges() {
        let s = scene();
        let all = s.visible(&Filter::default());
        assert_eq!((all.node_count, all.edge_count), (4, 3));
        let modbus = s.visible(&Filter {
            protocol: "modbus".into(),
            ..Filter::default()
        });
        assert_eq!(modbus.nodes, [true, true, false, false]);
        assert_eq!(modbus.edges, [true, false, false]);
        let z1 = s.visible(&Filter {
            zone: "z1".into(),
            ..Filter::default()
        });
        assert_eq!(z1.nodes, [true, true, false, false]);
        assert_eq!(z1.edge_count, 2);
        let none = s.visible(&Filter {
            level: "none".into(),
            ..Filter::default()
        });
        assert_eq!(none.nodes, [false, false, false, true]);
        let level0 = s.visible(&Filter {
            level: "0".into(),
            role: "field_device".into(),
            ..Filter::default()
        });
        assert_eq!(level0.node_count, 1);
        // A protocol whose other end is filtered out shows nothing.
        let nothing = s.visible(&Filter {
            protocol: "profinet".into(),
            zone: "z1".into(),
            ..Filter::default()
        });
        assert_eq!((nothing.node_count, nothing.edge_count), (0, 0));
    }

    #[test]
    fn groups_by_zone_and_by_level() {
        let s = scene();
        assert_eq!(s.groups(GroupBy::Zone), [0, 0, 1, 2]);
        assert_eq!(s.group_name(GroupBy::Zone, 1), GroupName::Zone("z2"));
        assert_eq!(s.group_name(GroupBy::Zone, 2), GroupName::NoZone);
        assert_eq!(s.groups(GroupBy::Level), [2, 1, 0, 6]);
        assert_eq!(s.group_name(GroupBy::Level, 6), GroupName::NoLevel);
        assert_eq!(s.group_name(GroupBy::Level, 2), GroupName::Level(2));
        assert_eq!(level_band(Some(-3)), 0);
        assert_eq!(level_band(Some(99)), 5);
        assert_eq!(GroupBy::parse("zone"), GroupBy::Zone);
        assert_eq!(GroupBy::parse("<script>"), GroupBy::Level);
    }

    #[test]
    fn zooming_keeps_the_point_under_the_cursor() {
        let c = Camera {
            x: 10.0,
            y: -5.0,
            scale: 0.5,
        };
        let before = c.to_world(200.0, 150.0);
        let z = c.zoom_at(200.0, 150.0, 1.7);
        let after = z.to_world(200.0, 150.0);
        assert!((before.x - after.x).abs() < 1e-9 && (before.y - after.y).abs() < 1e-9);
        assert!((z.scale - 0.85).abs() < 1e-12);
        assert_eq!(c.zoom_at(0.0, 0.0, 1e9).scale, MAX_SCALE);
        assert_eq!(c.zoom_at(0.0, 0.0, 1e-9).scale, MIN_SCALE);
        assert_eq!(c.zoom_at(0.0, 0.0, f64::NAN), c);
        assert_eq!(c.zoom_at(f64::INFINITY, 0.0, 2.0), c);
    }

    #[test]
    fn fitting_shows_every_point_and_nothing_gives_the_default() {
        let points = [Point { x: -100.0, y: 50.0 }, Point { x: 300.0, y: 250.0 }];
        let c = Camera::fit(points.iter(), 800.0, 600.0);
        for p in &points {
            let (x, y) = c.to_screen(*p);
            assert!((0.0..=800.0).contains(&x) && (0.0..=600.0).contains(&y));
        }
        assert_eq!(Camera::fit([].iter(), 800.0, 600.0), Camera::default());
        assert_eq!(Camera::fit(points.iter(), 0.0, 600.0), Camera::default());
    }

    #[test]
    fn a_click_finds_the_nearest_visible_node() {
        let positions = [
            Point { x: 0.0, y: 0.0 },
            Point { x: 4.0, y: 0.0 },
            Point { x: 100.0, y: 0.0 },
        ];
        let c = Camera::default();
        assert_eq!(hit(&positions, &[true, true, true], &c, 3.0, 0.0), Some(1));
        assert_eq!(hit(&positions, &[true, false, true], &c, 3.0, 0.0), Some(0));
        assert_eq!(hit(&positions, &[true, true, true], &c, 50.0, 0.0), None);
        assert_eq!(hit(&positions, &[], &c, 0.0, 0.0), None);
        assert_eq!(
            first_on_screen(
                &positions,
                &[true, true, true],
                &Camera {
                    x: 50.0,
                    y: 50.0,
                    scale: 1.0
                },
                120.0,
                100.0
            ),
            Some((50.0, 50.0))
        );
        assert_eq!(
            first_on_screen(&positions, &[false, false, true], &c, 50.0, 50.0),
            None
        );
    }

    #[test]
    fn asset_links_encode_every_reserved_byte() {
        assert_eq!(
            asset_href("mac:00:1b:1b:23:eb:3b"),
            "/portal/assets/mac%3A00%3A1b%3A1b%3A23%3Aeb%3A3b"
        );
        assert_eq!(
            asset_href("ip:sen_1/10.0.0.1"),
            "/portal/assets/ip%3Asen_1%2F10.0.0.1"
        );
        assert_eq!(
            asset_href("a\"<b> é?#"),
            "/portal/assets/a%22%3Cb%3E%20%C3%A9%3F%23"
        );
    }

    #[test]
    fn unknown_roles_are_grey() {
        assert_eq!(role_colour("controller"), "#d9480f");
        assert_eq!(role_colour("');alert(1)//"), "#adb5bd");
    }
}
