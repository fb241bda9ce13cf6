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
