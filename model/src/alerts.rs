//! Alerts as the portal lists and triages them: rows the analysis job
//! stored from the detector (docs/DETECTIONS.md), each with its state in
//! the customer's triage, who changed it, and the allow list.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Where an alert stands in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Nobody has looked yet.
    New,
    /// Someone is on it.
    Acknowledged,
    /// Dealt with; a repeat within the dedup window updates it and leaves
    /// it resolved, a later one opens a new alert.
    Resolved,
    /// Expected behaviour: an allow was made from it.
    Allowed,
}

impl AlertState {
    pub const ALL: [AlertState; 4] = [
        AlertState::New,
        AlertState::Acknowledged,
        AlertState::Resolved,
        AlertState::Allowed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AlertState::New => "new",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Resolved => "resolved",
            AlertState::Allowed => "allowed",
        }
    }

    /// The state of its wire name, or an error naming `field`.
    pub fn parse(field: &str, name: &str) -> Result<AlertState, Invalid> {
        AlertState::ALL
            .into_iter()
            .find(|s| s.as_str() == name.trim())
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    format!(
                        "an alert's state is new, acknowledged, resolved or allowed, not {name:?}"
                    ),
                )
            })
    }

    /// A state a person may set by hand (`allowed` comes with an allow).
    pub const fn settable(self) -> bool {
        !matches!(self, AlertState::Allowed)
    }
}

/// One alert as a list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRow {
    /// Increasing per tenant from 1.
    pub id: i64,
    /// The type's wire name (`program_download`, …).
    pub alert_type: String,
    /// `low`, `medium`, `high`, `critical`.
    pub severity: String,
    pub state: AlertState,
    /// The sensor (zone) whose batches showed it.
    pub sensor: String,
    pub client_id: Option<String>,
    pub server_id: Option<String>,
    pub protocol: Option<String>,
    pub subject: String,
    pub count: i64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub title_ja: String,
    pub title_en: String,
}

/// One page of alerts, newest first, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertPage {
    pub alerts: Vec<AlertRow>,
    pub total: i64,
}

/// Which alerts a list shows; every field narrows, `None` lets all through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertFilter {
    pub severity: Option<String>,
    pub alert_type: Option<String>,
    pub state: Option<String>,
    /// An asset id, at either end.
    pub asset: Option<String>,
    /// Last seen at or after this instant (Unix milliseconds).
    pub since_ms: Option<i64>,
    /// First seen before this instant (Unix milliseconds).
    pub until_ms: Option<i64>,
}

/// A page of a filtered list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertQuery {
    pub filter: AlertFilter,
    pub offset: i64,
    /// At most 500; 0 means the default page (100).
    pub limit: i64,
}

/// How many alerts the tenant has, by state and by severity (wire names,
/// every one listed, zeros included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCounts {
    pub by_state: Vec<(String, i64)>,
    pub by_severity: Vec<(String, i64)>,
    pub total: i64,
}

impl AlertCounts {
    /// Alerts in `state`.
    pub fn in_state(&self, state: AlertState) -> i64 {
        self.by_state
            .iter()
            .find(|(s, _)| s == state.as_str())
            .map_or(0, |(_, n)| *n)
    }
}

/// What someone did to an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertAction {
    /// `state`, `allow` or `revoke`.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub note: String,
    /// Username at the time.
    pub done_by: String,
    /// Unix seconds.
    pub done_at: i64,
}

/// One alert for its page: the row, the detector's whole view (evidence,
/// texts in both languages, technique) as JSON, and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDetail {
    pub row: AlertRow,
    pub view_json: String,
    pub actions: Vec<AlertAction>,
}

/// One allow, active or revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowRow {
    /// Increasing per tenant from 1.
    pub id: i64,
    pub alert_type: String,
    /// `edge`, `asset` or `zone`.
    pub scope: String,
    pub client_id: Option<String>,
    pub server_id: Option<String>,
    pub protocol: Option<String>,
    pub asset_id: Option<String>,
    pub zone: Option<String>,
    /// The alert it was made from.
    pub alert_id: Option<i64>,
    pub note: String,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<i64>,
}
