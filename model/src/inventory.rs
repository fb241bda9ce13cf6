//! The asset inventory as the portal lists it: rows the analysis job
//! materialised from `analysis::Report` (docs/ANALYSIS.md), with what a
//! table sorts and filters on, and each asset's full JSON for its page.

use serde::{Deserialize, Serialize};

/// One asset as a table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRow {
    /// `mac:<mac>` or `ip:<zone>/<ip>`.
    pub id: String,
    /// The role's wire name (`controller`, `hmi`, …).
    pub role: String,
    pub purdue_level: Option<i64>,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub names: Vec<String>,
    pub ips: Vec<String>,
    pub macs: Vec<String>,
    /// Industrial protocols it served or used.
    pub protocols: Vec<String>,
    pub zones: Vec<String>,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
    pub confidence: i64,
}

/// One page of assets and how many match the filter in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetPage {
    pub assets: Vec<AssetRow>,
    pub total: i64,
}

/// One asset for its page: the row and the engine's whole view of it
/// (facts, evidence, sensors) as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetDetail {
    pub row: AssetRow,
    pub json: String,
}

/// Which assets a table shows; every field narrows, `None` lets all through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFilter {
    pub role: Option<String>,
    /// Part of the vendor's name, any case.
    pub vendor: Option<String>,
    /// A protocol's wire name, served or used.
    pub protocol: Option<String>,
    pub zone: Option<String>,
    pub purdue_level: Option<i64>,
    /// Part of the id, a name, an address, the vendor or the product, any case.
    pub search: Option<String>,
}

/// A column assets are sorted by (then by id, so pages never overlap).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetSort {
    #[default]
    Id,
    Role,
    PurdueLevel,
    Vendor,
    FirstSeen,
    LastSeen,
    Confidence,
}

impl AssetSort {
    /// Every column, in declaration order.
    pub const ALL: [AssetSort; 7] = [
        AssetSort::Id,
        AssetSort::Role,
        AssetSort::PurdueLevel,
        AssetSort::Vendor,
        AssetSort::FirstSeen,
        AssetSort::LastSeen,
        AssetSort::Confidence,
    ];

    /// The column's wire name, the one serde reads and writes.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetSort::Id => "id",
            AssetSort::Role => "role",
            AssetSort::PurdueLevel => "purdue_level",
            AssetSort::Vendor => "vendor",
            AssetSort::FirstSeen => "first_seen",
            AssetSort::LastSeen => "last_seen",
            AssetSort::Confidence => "confidence",
        }
    }

    /// The column named `name`, if any.
    pub fn parse(name: &str) -> Option<AssetSort> {
        AssetSort::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A filter, a sort and a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetQuery {
    pub filter: AssetFilter,
    pub sort: AssetSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

impl Default for AssetQuery {
    fn default() -> Self {
        AssetQuery {
            filter: AssetFilter::default(),
            sort: AssetSort::Id,
            descending: false,
            offset: 0,
            limit: 50,
        }
    }
}

/// Who talks to whom over which protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeRow {
    pub client: String,
    pub server: String,
    pub protocol: String,
    pub requests: i64,
    pub errors: i64,
    pub packets: i64,
    pub bytes: i64,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
    pub skips_levels: bool,
    /// The engine's whole view of the edge (classes, operations, hourly).
    pub json: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRow {
    pub zone: String,
    pub assets: i64,
    pub networks: Vec<String>,
}

/// How many assets have each role and each Purdue level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetCounts {
    pub by_role: Vec<(String, i64)>,
    /// `None`: no level (network devices, unknowns).
    pub by_level: Vec<(Option<i64>, i64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sort_is_in_all_and_as_str_is_the_serde_name() {
        for (i, sort) in AssetSort::ALL.iter().enumerate() {
            assert_eq!(
                serde_json::to_value(sort).unwrap(),
                serde_json::Value::String(sort.as_str().to_owned())
            );
            assert_eq!(
                serde_json::from_value::<AssetSort>(sort.as_str().into()).unwrap(),
                *sort
            );
            assert_eq!(AssetSort::parse(sort.as_str()), Some(*sort));
            assert!(!AssetSort::ALL[..i].contains(sort), "{sort:?} is twice");
        }
        // serde's error for an unknown name lists every variant it knows.
        let err = serde_json::from_str::<AssetSort>(r#""~""#)
            .unwrap_err()
            .to_string();
        for sort in AssetSort::ALL {
            assert!(err.contains(&format!("`{}`", sort.as_str())), "{err}");
        }
        assert_eq!(
            err.matches('`').count(),
            2 * AssetSort::ALL.len() + 2,
            "{err}"
        );
        assert_eq!(AssetSort::parse("price"), None);
    }
}
