//! What the customer portal shows of a tenant.

use serde::{Deserialize, Serialize};

/// A tenant's figures at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOverview {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub user_count: usize,
    pub sensor_count: usize,
    /// Minute batches stored from this tenant's sensors and uploads.
    pub batches: i64,
    pub flow_records: i64,
    pub operations: i64,
}

/// What the last capture upload did, as the server's redirect back to the
/// portal says it in the query string (`uploaded=3&flows=120[&cut=…]`, or
/// `upload_error=…`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UploadOutcome {
    #[default]
    Nothing,
    Failed(String),
    Stored {
        minutes: String,
        flows: String,
        /// Why the file was read only up to a point.
        cut: Option<String>,
    },
}

impl UploadOutcome {
    pub fn from_query_string(query: &str) -> UploadOutcome {
        let (mut error, mut minutes, mut flows, mut cut) = (None, None, None, None);
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = crate::inventory::percent_decode(value);
            match crate::inventory::percent_decode(name).as_str() {
                "upload_error" => error = Some(value),
                "uploaded" => minutes = Some(value),
                "flows" => flows = Some(value),
                "cut" => cut = Some(value),
                _ => {}
            }
        }
        match (error, minutes) {
            (Some(e), _) => UploadOutcome::Failed(e),
            (None, Some(minutes)) => UploadOutcome::Stored {
                minutes,
                flows: flows.unwrap_or_default(),
                cut,
            },
            (None, None) => UploadOutcome::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_outcome_from_the_redirect() {
        assert_eq!(UploadOutcome::from_query_string(""), UploadOutcome::Nothing);
        assert_eq!(
            UploadOutcome::from_query_string("?uploaded=3&flows=120"),
            UploadOutcome::Stored {
                minutes: "3".into(),
                flows: "120".into(),
                cut: None
            }
        );
        assert_eq!(
            UploadOutcome::from_query_string("uploaded=1&flows=2&cut=record%2042%20cut"),
            UploadOutcome::Stored {
                minutes: "1".into(),
                flows: "2".into(),
                cut: Some("record 42 cut".into())
            }
        );
        assert_eq!(
            UploadOutcome::from_query_string("upload_error=%3Cb%3Enot%20a%20capture"),
            UploadOutcome::Failed("<b>not a capture".into())
        );
    }
}
