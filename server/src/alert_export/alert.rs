//! The alert as a receiver is told it: the stored row's fields and what
//! its view (`analysis::detect::AlertView`, stored as JSON) says of the
//! parties, the technique and the reasons.

use serde_json::Value;
use store::exports::Due;

/// What a CEF line or a webhook body carries of one alert.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedAlert {
    pub tenant_id: i64,
    pub alert_id: i64,
    pub alert_type: String,
    pub severity: String,
    pub title_en: String,
    pub sensor: String,
    pub subject: String,
    pub protocol: Option<String>,
    pub count: u64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub client: Party,
    pub server: Party,
    /// ATT&CK for ICS technique id and name, when one applies.
    pub technique: Option<(String, String)>,
    /// Why it matters, in English.
    pub why_en: String,
    /// The whole view, as the portal's alert page has it.
    pub view: Value,
}

/// One end of the alert, as far as the view knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub asset: Option<String>,
    pub ip: Option<String>,
    pub mac: Option<String>,
}

impl ExportedAlert {
    /// The alert of a claimed delivery. A view that is not JSON (it always
    /// is, as the analysis step writes it) gives the row's fields alone.
    pub fn from_due(due: &Due) -> ExportedAlert {
        let view: Value = serde_json::from_str(&due.view_json).unwrap_or(Value::Null);
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let party = |key: &str| Party {
            asset: text(&view[key]["asset"]),
            ip: text(&view[key]["ip"]),
            mac: text(&view[key]["mac"]),
        };
        let technique = match (
            text(&view["technique"]["id"]),
            text(&view["technique"]["name"]),
        ) {
            (Some(id), Some(name)) => Some((id, name)),
            (Some(id), None) => Some((id, String::new())),
            _ => None,
        };
        ExportedAlert {
            tenant_id: due.tenant_id,
            alert_id: due.alert_id,
            alert_type: due.alert_type.clone(),
            severity: due.severity.clone(),
            title_en: due.title_en.clone(),
            sensor: text(&view["sensor"]).unwrap_or_default(),
            subject: text(&view["subject"]).unwrap_or_default(),
            protocol: text(&view["protocol"]),
            count: view["count"].as_u64().unwrap_or(1),
            first_seen_ms: view["first_seen_ms"].as_i64().unwrap_or(0),
            last_seen_ms: view["last_seen_ms"].as_i64().unwrap_or(0),
            client: party("client"),
            server: party("server"),
            technique,
            why_en: text(&view["why"]["en"]).unwrap_or_default(),
            view,
        }
    }
}
