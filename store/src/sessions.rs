//! Server-side sessions. The cookie holds a random token; the database holds
//! only its SHA-256, so a leaked table cannot be replayed as cookies.

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::StoreError;
use crate::db::{Db, internal};
use crate::now_secs;
use model::{Role, SessionUser};

/// Absolute session lifetime: one working week.
pub const SESSION_LIFETIME_SECS: i64 = 7 * 24 * 3600;

#[derive(Clone, Debug)]
pub struct Sessions {
    db: Db,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    pub fn new(db: Db) -> Self {
        Sessions { db }
    }

    pub async fn create(&self, user: &SessionUser) -> Result<String, StoreError> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let now = now_secs();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(user.user_id)
        .bind(user.tenant_id)
        .bind(now)
        .bind(now + SESSION_LIFETIME_SECS)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(token)
    }

    pub async fn lookup(&self, token: &str) -> Result<Option<SessionUser>, StoreError> {
        // Tokens are 64 hex characters; anything else cannot be ours.
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.tenant_id, t.name AS tenant_name \
             FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN tenants t ON t.id = u.tenant_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now_secs())
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        row.map(|row| session_user_from_row(&row)).transpose()
    }

    pub async fn delete(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(())
    }

    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_secs())
            .execute(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(done.rows_affected())
    }
}

pub(crate) fn session_user_from_row(row: &sqlx::any::AnyRow) -> Result<SessionUser, StoreError> {
    let role: String = row.try_get("role").map_err(internal)?;
    Ok(SessionUser {
        user_id: row.try_get("id").map_err(internal)?,
        username: row.try_get("username").map_err(internal)?,
        display_name: row.try_get("display_name").map_err(internal)?,
        role: Role::parse(&role).ok_or_else(|| {
            tracing::error!(role, "unknown role stored in the database");
            StoreError::Internal
        })?,
        tenant_id: row.try_get("tenant_id").map_err(internal)?,
        tenant_name: row.try_get("tenant_name").map_err(internal)?,
    })
}
