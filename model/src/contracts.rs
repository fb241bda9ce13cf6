//! A tenant's recorded contract, kept as the form (`F`) it was entered with.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedContract<F> {
    pub tenant_id: i64,
    pub form: F,
    /// Who recorded it last, and when (Unix seconds).
    pub updated_by: String,
    pub updated_at: i64,
}
