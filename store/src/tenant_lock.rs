//! A tenant's analysis lock: its `analysis_state` row, held for the rest of
//! a transaction. Analysis steps take it (and skip a tenant another
//! instance holds); a customer's decision, allow or revoke takes it too, and
//! waits, so it lands between steps and the next step sees it.

use sqlx::{AnyConnection, Row};

use crate::StoreError;
use crate::db::{Backend, internal};

/// Takes the tenant's analysis lock in `tx` and returns its state version;
/// `None` when another instance holds it and `wait` says not to wait
/// (PostgreSQL), or the tenant has no state row. Triage that must not race
/// a step (an allow) takes it too.
pub async fn lock(
    backend: Backend,
    tx: &mut AnyConnection,
    tenant_id: i64,
    wait: Wait,
) -> Result<Option<i64>, StoreError> {
    let locked = match backend {
        Backend::Postgres => {
            let sql = match wait {
                Wait::SkipLocked => {
                    "SELECT version FROM analysis_state WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED"
                }
                Wait::Block => "SELECT version FROM analysis_state WHERE tenant_id = $1 FOR UPDATE",
            };
            sqlx::query(sql)
                .bind(tenant_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?
        }
        Backend::Sqlite => {
            // A write first: the transaction holds SQLite's write lock
            // from here, so nothing changes under it.
            sqlx::query("UPDATE analysis_state SET updated_at = updated_at WHERE tenant_id = $1")
                .bind(tenant_id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            sqlx::query("SELECT version FROM analysis_state WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?
        }
    };
    locked
        .map(|row| row.try_get::<i64, _>("version").map_err(internal))
        .transpose()
}

/// Whether taking a tenant's lock waits for the instance holding it.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    /// Move on (a step: another instance is analysing that tenant).
    SkipLocked,
    /// Wait (a user's decision must not be lost to a concurrent step).
    Block,
}
