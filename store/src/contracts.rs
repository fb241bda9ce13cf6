//! Recorded customer contracts: one per tenant, stored as the form it was
//! entered with, so the admin can edit it again exactly as typed.

use sqlx::Row;

use crate::StoreError;
use crate::db::{Db, internal};
use crate::now_secs;
use model::contracts::RecordedContract;
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Clone)]
pub struct Contracts {
    db: Db,
}

impl Contracts {
    pub fn new(db: Db) -> Self {
        Contracts { db }
    }

    pub async fn get<F: DeserializeOwned>(
        &self,
        tenant_id: i64,
    ) -> Result<Option<RecordedContract<F>>, StoreError> {
        let row = sqlx::query(
            "SELECT c.form_json, c.updated_at, u.username FROM contracts c JOIN users u ON u.id = c.updated_by WHERE c.tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.try_get("form_json").map_err(internal)?;
        let form: F = serde_json::from_str(&json).map_err(|e| {
            tracing::error!(tenant_id, error = %e, "unreadable recorded contract");
            StoreError::Internal
        })?;
        Ok(Some(RecordedContract {
            tenant_id,
            form,
            updated_by: row.try_get("username").map_err(internal)?,
            updated_at: row.try_get("updated_at").map_err(internal)?,
        }))
    }

    /// Records (or replaces) the tenant's contract in one statement.
    pub async fn save<F: Serialize + DeserializeOwned>(
        &self,
        tenant_id: i64,
        form: &F,
        by: i64,
    ) -> Result<RecordedContract<F>, StoreError> {
        let json = serde_json::to_string(form).map_err(|e| {
            tracing::error!(error = %e, "contract form not serialisable");
            StoreError::Internal
        })?;
        sqlx::query(
            "INSERT INTO contracts (tenant_id, form_json, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id) DO UPDATE SET form_json = excluded.form_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(json)
        .bind(by)
        .bind(now_secs())
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        self.get(tenant_id).await?.ok_or(StoreError::Internal)
    }
}
