//! The communication map as the portal draws it: every asset of a tenant as a
//! node and every edge between two of them, in the fewest bytes that say what
//! the map shows (edges name their ends by position in `nodes`).

use serde::{Deserialize, Serialize};

/// Nodes the map carries at most; beyond it `truncated` is set.
pub const MAX_MAP_NODES: usize = 5_000;
/// Edges the map carries at most (the busiest); beyond it `truncated` is set.
pub const MAX_MAP_EDGES: usize = 25_000;

/// A tenant's map: `GET /portal/map.json` sends it as JSON, which the map
/// page's own code parses (so its deserialiser is not in the main WASM file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapData {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    /// Some assets or edges were left out (more than the limits above).
    pub truncated: bool,
}

/// One asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapNode {
    /// `mac:<mac>` or `ip:<zone>/<ip>`, the asset page's key.
    pub id: String,
    /// Its first name, else its first IP address, else its id.
    pub label: String,
    /// The role's wire name (`controller`, `hmi`, …).
    pub role: String,
    pub purdue_level: Option<i64>,
    /// Its first zone.
    pub zone: Option<String>,
    pub vendor: Option<String>,
}

/// Who talks to whom over which protocol; `client` and `server` index `nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapEdge {
    pub client: u32,
    pub server: u32,
    pub protocol: String,
    pub requests: i64,
    pub packets: i64,
    /// The ends sit more than one Purdue level apart.
    pub skips_levels: bool,
}

/// The label a node shows: first name, first IP address, or the id.
pub fn node_label(id: &str, names: &[String], ips: &[String]) -> String {
    names
        .iter()
        .chain(ips)
        .find(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_the_first_name_then_the_first_address_then_the_id() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            node_label("mac:x", &s(&["plc-1"]), &s(&["10.0.0.1"])),
            "plc-1"
        );
        assert_eq!(
            node_label("mac:x", &s(&[" "]), &s(&["10.0.0.1"])),
            "10.0.0.1"
        );
        assert_eq!(node_label("mac:x", &[], &[]), "mac:x");
    }
}
