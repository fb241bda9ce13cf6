//! The sensor registry: tokens (stored as SHA-256), rotation, revocation,
//! and the health columns each accepted batch updates.

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use std::sync::Arc;

use crate::StoreError;
use crate::db::{Db, internal, is_unique_violation};
use crate::now_secs;
use crate::throttle::Throttle;
use model::sensors::{SensorHealth, SensorSummary, SensorToken};

/// A sensor whose token was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedSensor {
    pub id: i64,
    pub tenant_id: i64,
    pub public_id: String,
}

#[derive(Clone)]
pub struct Sensors {
    db: Db,
    /// Wrong tokens per client address: past the limit, that address gets
    /// "too many attempts" until the window passes, even with a right token.
    guesses: Arc<Throttle>,
}

/// Wrong sensor tokens one address may send in the throttle's window.
pub const TOKEN_GUESSES_PER_ADDRESS: u32 = 30;

/// Prefix that makes a leaked token recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "otls_";

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

const COLUMNS: &str = "s.id, s.public_id, s.tenant_id, t.name AS tenant_name, s.name, s.created_at, s.revoked_at, \
    s.last_upload_at, s.last_minute, s.last_sequence, s.batches, s.packets_total, s.capture_dropped_total, \
    s.spool_backlog, s.lag_s, s.version, s.last_error, \
    p.analysed_sequence, p.analysed_minute, \
    (SELECT CAST(COUNT(*) AS BIGINT) FROM batches b WHERE b.tenant_id = s.tenant_id AND b.sensor_id = s.id \
        AND b.sequence > COALESCE(p.analysed_sequence, 0)) AS analysis_pending";

/// The sensors table with its tenant and analysis progress (`s`, `t`, `p`).
const FROM: &str = "sensors s JOIN tenants t ON t.id = s.tenant_id \
    LEFT JOIN analysis_progress p ON p.tenant_id = s.tenant_id AND p.sensor_id = s.id";

fn summary(row: &AnyRow) -> Result<SensorSummary, StoreError> {
    let revoked_at: Option<i64> = row.try_get("revoked_at").map_err(internal)?;
    Ok(SensorSummary {
        id: row.try_get("id").map_err(internal)?,
        public_id: row.try_get("public_id").map_err(internal)?,
        tenant_id: row.try_get("tenant_id").map_err(internal)?,
        tenant_name: row.try_get("tenant_name").map_err(internal)?,
        name: row.try_get("name").map_err(internal)?,
        created_at: row.try_get("created_at").map_err(internal)?,
        revoked: revoked_at.is_some(),
        health: SensorHealth {
            last_upload_at: row.try_get("last_upload_at").map_err(internal)?,
            last_minute: row.try_get("last_minute").map_err(internal)?,
            last_sequence: row.try_get("last_sequence").map_err(internal)?,
            batches: row.try_get("batches").map_err(internal)?,
            packets_total: row.try_get("packets_total").map_err(internal)?,
            capture_dropped_total: row.try_get("capture_dropped_total").map_err(internal)?,
            spool_backlog: row.try_get("spool_backlog").map_err(internal)?,
            lag_s: row.try_get("lag_s").map_err(internal)?,
            version: row.try_get("version").map_err(internal)?,
            last_error: row.try_get("last_error").map_err(internal)?,
            analysed_sequence: row.try_get("analysed_sequence").map_err(internal)?,
            analysed_minute: row.try_get("analysed_minute").map_err(internal)?,
            analysis_pending: row.try_get("analysis_pending").map_err(internal)?,
        },
    })
}

impl Sensors {
    pub fn new(db: Db) -> Self {
        Sensors {
            db,
            guesses: Arc::new(Throttle::default()),
        }
    }

    /// Seconds a throttled address waits at most.
    pub fn guess_window_secs(&self) -> i64 {
        self.guesses.window_secs()
    }

    pub async fn get(&self, id: i64) -> Result<SensorSummary, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .ok_or(StoreError::NotFound)?;
        summary(&row)
    }

    /// All sensors, or one tenant's.
    pub async fn list(&self, tenant: Option<i64>) -> Result<Vec<SensorSummary>, StoreError> {
        let rows = match tenant {
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM {FROM} ORDER BY s.id"))
                    .fetch_all(self.db.pool())
                    .await
            }
            Some(tenant_id) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM {FROM} WHERE s.tenant_id = $1 ORDER BY s.id"
                ))
                .bind(tenant_id)
                .fetch_all(self.db.pool())
                .await
            }
        }
        .map_err(internal)?;
        rows.iter().map(summary).collect()
    }

    pub async fn create(&self, tenant_id: i64, name: &str) -> Result<SensorToken, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid("name", "must be 1 to 100 characters"));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_hex(32));
        let public_id = format!("sen_{}", random_hex(8));
        let row = sqlx::query(
            "INSERT INTO sensors (public_id, tenant_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&public_id)
        .bind(tenant_id)
        .bind(name)
        .bind(token_hash(&token))
        .bind(now_secs())
        .fetch_one(self.db.pool())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::invalid("name", "this tenant already has a sensor with this name")
            } else {
                internal(e)
            }
        })?;
        let id: i64 = row.try_get("id").map_err(internal)?;
        Ok(SensorToken {
            sensor: self.get(id).await?,
            token,
        })
    }

    /// A new token; the old one stops working at once.
    pub async fn rotate(&self, id: i64) -> Result<SensorToken, StoreError> {
        let token = format!("{TOKEN_PREFIX}{}", random_hex(32));
        let done =
            sqlx::query("UPDATE sensors SET token_hash = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(token_hash(&token))
                .bind(id)
                .execute(self.db.pool())
                .await
                .map_err(internal)?;
        if done.rows_affected() == 0 {
            // Unknown, or revoked: a revoked sensor stays revoked.
            let sensor = self.get(id).await?;
            if sensor.revoked {
                return Err(StoreError::invalid("sensor_id", "the sensor is revoked"));
            }
        }
        Ok(SensorToken {
            sensor: self.get(id).await?,
            token,
        })
    }

    pub async fn revoke(&self, id: i64) -> Result<SensorSummary, StoreError> {
        sqlx::query("UPDATE sensors SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_secs())
            .bind(id)
            .execute(self.db.pool())
            .await
            .map_err(internal)?;
        self.get(id).await
    }

    /// The active sensor a token sent from `address` belongs to; `Throttled`
    /// once the address has sent too many wrong tokens.
    pub async fn authenticate(
        &self,
        token: &str,
        address: &str,
    ) -> Result<Option<AuthenticatedSensor>, StoreError> {
        let key = format!("sensor-token:{address}");
        let now = now_secs();
        if self
            .guesses
            .is_key_blocked(&key, TOKEN_GUESSES_PER_ADDRESS, now)
        {
            return Err(StoreError::Throttled);
        }
        let found = self.sensor_of_token(token).await?;
        if found.is_none() {
            self.guesses.record_key_failure(&key, now);
            tracing::warn!(address, "unknown or revoked sensor token");
        }
        Ok(found)
    }

    async fn sensor_of_token(
        &self,
        token: &str,
    ) -> Result<Option<AuthenticatedSensor>, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT id, tenant_id, public_id FROM sensors WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        row.map(|r| {
            Ok(AuthenticatedSensor {
                id: r.try_get("id").map_err(internal)?,
                tenant_id: r.try_get("tenant_id").map_err(internal)?,
                public_id: r.try_get("public_id").map_err(internal)?,
            })
        })
        .transpose()
    }
}

impl Sensors {
    /// The tenant's stand-in sensor for capture files uploaded in the portal:
    /// created on first use, with a token nobody knows (uploads go through
    /// the session, not a token).
    pub async fn upload_sensor(&self, tenant_id: i64) -> Result<AuthenticatedSensor, StoreError> {
        const NAME: &str = "PCAP upload";
        let find = || async {
            sqlx::query("SELECT id, public_id FROM sensors WHERE tenant_id = $1 AND name = $2")
                .bind(tenant_id)
                .bind(NAME)
                .fetch_optional(self.db.pool())
                .await
                .map_err(internal)
        };
        let row = match find().await? {
            Some(row) => row,
            None => {
                // A concurrent first upload may win the unique (tenant, name) race.
                match self.create(tenant_id, NAME).await {
                    Ok(_) | Err(StoreError::Invalid(_)) => {}
                    Err(e) => return Err(e),
                }
                find().await?.ok_or(StoreError::Internal)?
            }
        };
        Ok(AuthenticatedSensor {
            id: row.try_get("id").map_err(internal)?,
            tenant_id,
            public_id: row.try_get("public_id").map_err(internal)?,
        })
    }

    /// Reserves `count` consecutive sequence numbers of a sensor and returns
    /// the first. One atomic UPDATE: uploads running at the same time, on one
    /// server instance or several, each get their own range.
    pub async fn reserve_sequences(&self, sensor_id: i64, count: u64) -> Result<u64, StoreError> {
        let count = i64::try_from(count)
            .map_err(|_| StoreError::invalid("count", "too many minutes in one upload"))?;
        let row = sqlx::query(
            "UPDATE sensors SET reserved_sequence = reserved_sequence + $1 WHERE id = $2 RETURNING reserved_sequence",
        )
        .bind(count)
        .bind(sensor_id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        let last: i64 = row.try_get("reserved_sequence").map_err(internal)?;
        Ok((last - count + 1) as u64)
    }
}
