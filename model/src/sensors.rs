//! Sensors as the admin registers them and the customer watches them.

use serde::{Deserialize, Serialize};

/// What the sensor reported about itself with its last batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorHealth {
    /// Unix seconds of the last accepted batch.
    pub last_upload_at: Option<i64>,
    /// Newest minute covered (Unix seconds, a multiple of 60).
    pub last_minute: Option<i64>,
    pub last_sequence: Option<i64>,
    pub batches: i64,
    pub packets_total: i64,
    pub capture_dropped_total: Option<i64>,
    pub spool_backlog: Option<i64>,
    pub lag_s: Option<i64>,
    pub version: Option<String>,
    pub last_error: Option<String>,
    /// The highest sequence the analysis job has taken in.
    #[serde(default)]
    pub analysed_sequence: Option<i64>,
    /// The minute of that batch (Unix seconds): analysed through.
    #[serde(default)]
    pub analysed_minute: Option<i64>,
    /// Batches stored above it and not yet analysed: the analysis lag.
    #[serde(default)]
    pub analysis_pending: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorSummary {
    pub id: i64,
    /// The identifier a sensor puts in its batches (`sen_…`).
    pub public_id: String,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub name: String,
    pub created_at: i64,
    pub revoked: bool,
    pub health: SensorHealth,
}

/// A sensor's new secret: shown once, stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorToken {
    pub sensor: SensorSummary,
    pub token: String,
}
