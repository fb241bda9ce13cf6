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
    /// Seen at or after this instant (Unix milliseconds).
    #[serde(default)]
    pub seen_since_ms: Option<i64>,
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
    /// Defined: the networks it covers; a sensor's: the /24s seen.
    pub networks: Vec<String>,
    /// Defined: the VLANs it covers; a sensor's: the VLANs seen.
    pub vlans: Vec<u16>,
    /// The customer defined it (else it is a sensor's automatic zone).
    pub defined: bool,
    /// The sensor (public id) it is limited to, or whose zone it is.
    pub sensor: Option<String>,
}

/// How many assets have each role and each Purdue level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetCounts {
    pub by_role: Vec<(String, i64)>,
    /// `None`: no level (network devices, unknowns).
    pub by_level: Vec<(Option<i64>, i64)>,
}

/// What the asset table's filters offer: the values the tenant's assets have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFacets {
    pub roles: Vec<String>,
    pub protocols: Vec<String>,
    pub zones: Vec<String>,
}

/// One protocol's share of the tenant's communication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolUse {
    pub protocol: String,
    /// Client–server pairs speaking it.
    pub edges: i64,
    pub requests: i64,
    pub packets: i64,
    pub bytes: i64,
}

/// The tenant's traffic in one hour (UTC), from its stored minute batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficHour {
    /// Unix seconds at the start of the hour.
    pub hour_start: i64,
    pub packets: i64,
    pub bytes: i64,
    pub flow_records: i64,
}

/// Assets first seen in the week before the tenant's latest data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAssets {
    /// The latest instant any asset was seen (Unix ms); the week ends there.
    pub through_ms: Option<i64>,
    pub total: i64,
    /// The newest first, at most a few.
    pub newest: Vec<AssetRow>,
}

/// Rows of the asset table's pages.
pub const TABLE_PAGE: i64 = 50;

/// The asset table's query string (`/portal/assets?role=…`), which the CSV
/// export (`/portal/assets.csv`) takes too: every parameter is text as the
/// browser sends it, checked by [`AssetParams::to_query`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetParams {
    pub role: Option<String>,
    pub vendor: Option<String>,
    pub protocol: Option<String>,
    pub zone: Option<String>,
    /// A Purdue level, `0`–`5`.
    pub level: Option<String>,
    /// Seen since this UTC day, `YYYY-MM-DD`.
    pub seen: Option<String>,
    /// Searched text.
    pub q: Option<String>,
    /// A column's wire name ([`AssetSort::as_str`]).
    pub sort: Option<String>,
    /// `1` or `true`: descending.
    pub desc: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
}

/// A parameter's text when it says something.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl AssetParams {
    /// The parameters of a query string (`a=1&b=2`, with or without `?`);
    /// unknown names are ignored, the last of a repeated name wins.
    pub fn from_query_string(query: &str) -> AssetParams {
        let mut params = AssetParams::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = Some(percent_decode(value));
            match percent_decode(name).as_str() {
                "role" => params.role = value,
                "vendor" => params.vendor = value,
                "protocol" => params.protocol = value,
                "zone" => params.zone = value,
                "level" => params.level = value,
                "seen" => params.seen = value,
                "q" => params.q = value,
                "sort" => params.sort = value,
                "desc" => params.desc = value,
                "page" => params.page = value,
                _ => {}
            }
        }
        params
    }

    /// The parameters as a query string (without `?`), empty ones left out,
    /// in a fixed order so equal filters make equal links.
    pub fn to_query_string(&self) -> String {
        let fields = [
            ("role", &self.role),
            ("vendor", &self.vendor),
            ("protocol", &self.protocol),
            ("zone", &self.zone),
            ("level", &self.level),
            ("seen", &self.seen),
            ("q", &self.q),
            ("sort", &self.sort),
            ("desc", &self.desc),
            ("page", &self.page),
        ];
        fields
            .into_iter()
            .filter_map(|(name, v)| given(v).map(|v| format!("{name}={}", percent_encode(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The page asked for, from 1 (1 when none or nonsense was asked: a
    /// page number is navigation, not data worth refusing).
    pub fn page_number(&self) -> i64 {
        given(&self.page)
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    /// The store's query for a page of `limit` rows, or what is wrong with
    /// a parameter.
    pub fn to_query(&self, limit: i64) -> Result<AssetQuery, String> {
        let purdue_level = match given(&self.level) {
            None => None,
            Some(l) => Some(
                l.parse::<i64>()
                    .ok()
                    .filter(|l| (0..=5).contains(l))
                    .ok_or_else(|| format!("level must be a Purdue level 0–5, not {l:?}"))?,
            ),
        };
        let seen_since_ms = match given(&self.seen) {
            None => None,
            Some(day) => Some(
                chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc().timestamp_millis())
                    .ok_or_else(|| format!("seen must be a day as YYYY-MM-DD, not {day:?}"))?,
            ),
        };
        let sort = match given(&self.sort) {
            None => AssetSort::default(),
            Some(s) => AssetSort::parse(&s).ok_or_else(|| {
                let names: Vec<&str> = AssetSort::ALL.iter().map(|s| s.as_str()).collect();
                format!("sort must be one of {}, not {s:?}", names.join(", "))
            })?,
        };
        let limit = limit.max(1);
        Ok(AssetQuery {
            filter: AssetFilter {
                role: given(&self.role),
                vendor: given(&self.vendor),
                protocol: given(&self.protocol),
                zone: given(&self.zone),
                purdue_level,
                search: given(&self.q),
                seen_since_ms,
            },
            sort,
            descending: matches!(given(&self.desc).as_deref(), Some("1" | "true")),
            offset: (self.page_number() - 1).saturating_mul(limit),
            limit,
        })
    }
}

/// `text` for a URL's query: unreserved characters as they are, every
/// other byte of its UTF-8 as `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query string's value: `+` is a space, `%XX` a byte; a malformed
/// escape stays as written, bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => std::str::from_utf8(&[*hi, *lo])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

    #[test]
    fn a_query_string_round_trips_through_the_parameters() {
        let params = AssetParams {
            role: Some("controller".into()),
            vendor: Some("Siemens & Co".into()),
            q: Some("ライン 1=x".into()),
            seen: Some("2026-11-30".into()),
            desc: Some("1".into()),
            page: Some("3".into()),
            ..AssetParams::default()
        };
        let text = params.to_query_string();
        assert_eq!(
            text,
            "role=controller&vendor=Siemens%20%26%20Co&seen=2026-11-30&q=%E3%83%A9%E3%82%A4%E3%83%B3%201%3Dx&desc=1&page=3"
        );
        assert_eq!(AssetParams::from_query_string(&format!("?{text}")), params);
        // Forms send spaces as `+`; a broken escape stays as it was written.
        let form = AssetParams::from_query_string("q=a+b%2&vendor=%zz&unknown=1&q=c+d");
        assert_eq!(form.q.as_deref(), Some("c d"));
        assert_eq!(form.vendor.as_deref(), Some("%zz"));
        assert_eq!(percent_decode("%E3%83"), "\u{FFFD}");
    }

    #[test]
    fn parameters_become_a_checked_query() {
        let params = AssetParams::from_query_string(
            "role=+controller+&level=1&seen=2026-12-01&sort=last_seen&desc=true&page=2&zone=",
        );
        let q = params.to_query(50).unwrap();
        assert_eq!(q.filter.role.as_deref(), Some("controller"));
        assert_eq!(q.filter.zone, None);
        assert_eq!(q.filter.purdue_level, Some(1));
        assert_eq!(q.filter.seen_since_ms, Some(1_796_083_200_000));
        assert_eq!(
            (q.sort, q.descending, q.offset, q.limit),
            (AssetSort::LastSeen, true, 50, 50)
        );
        // Nonsense page numbers are page 1.
        for page in ["0", "-4", "x", ""] {
            let p = AssetParams {
                page: Some(page.into()),
                ..AssetParams::default()
            };
            assert_eq!(p.to_query(50).unwrap().offset, 0, "{page}");
        }
        for (bad, says) in [
            ("level=9", "level must be a Purdue level"),
            ("level=one", "level must be a Purdue level"),
            ("seen=2026-13-01", "seen must be a day"),
            ("sort=price", "sort must be one of id, role"),
        ] {
            let err = AssetParams::from_query_string(bad)
                .to_query(50)
                .unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
