//! The analysis job's storage side: one step takes a tenant's unanalysed
//! batches through `analysis::Inventory` and commits the engine's state,
//! each sensor's progress and the materialised inventory (`assets`, `edges`,
//! `zones`) in one transaction, so every batch is analysed exactly once,
//! across restarts and server instances.
//!
//! - Order: each sensor's batches in ascending sequence above its progress.
//!   A missing sequence is waited for up to [`GAP_WAIT_SECS`] (a retry or a
//!   concurrent upload still to commit), then skipped (a batch the sensor's
//!   full spool dropped). A batch stored after its sensor's progress passed
//!   it is kept but not analysed.
//! - Locking: PostgreSQL takes the tenant's `analysis_state` row with
//!   `FOR UPDATE SKIP LOCKED`, so two instances never analyse one tenant at
//!   once (the second moves on); SQLite writes from the first statement of
//!   the transaction, so steps and ingestion's writer queue up in SQLite.
//! - Memory: the last state of each tenant stays cached with its version
//!   and is read from the database again only when another instance has
//!   moved the version on (or a step failed before committing).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use ::analysis::Inventory;
use ::analysis::report::Report;
use sqlx::AnyConnection;
use sqlx::Row;
use tokio::sync::Notify;

use crate::StoreError;
use crate::batches::{RebuildError, rebuild};
use crate::db::{Backend, Db, internal};
use crate::now_secs;

/// How long a batch after a missing sequence waits for it (seconds since
/// it was stored): a sensor retries until acknowledged, and two capture
/// uploads in the portal may commit out of order, so a gap usually fills
/// within moments; one that does not (a batch the sensor's full spool
/// dropped) is skipped after this.
pub const GAP_WAIT_SECS: i64 = 120;

/// Batches one step takes in at most: a step holds the tenant's lock (and
/// on SQLite the database's write lock) while it runs, so it stays short.
pub const BATCHES_PER_STEP: i64 = 32;

#[derive(Clone)]
pub struct Analysis {
    db: Db,
    /// Woken by every stored batch (`Ingest` holds the same one).
    wake: Arc<Notify>,
    /// Tenant → (state version, inventory at that version).
    cache: Arc<Mutex<HashMap<i64, (i64, Inventory)>>>,
    /// The tenant the last step analysed: the next step starts after it,
    /// so a tenant with a steady stream of batches never starves another.
    last_tenant: Arc<AtomicI64>,
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// No tenant has unanalysed batches (or every such tenant is being
    /// analysed by another instance).
    Idle,
    /// `batches` batches of the tenant analysed and committed.
    Analysed { tenant_id: i64, batches: usize },
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Rebuild(#[from] RebuildError),
    #[error("tenant {tenant_id}: the stored analysis state cannot be read: {problem}")]
    State { tenant_id: i64, problem: String },
}

fn db_error(error: sqlx::Error) -> AnalysisError {
    AnalysisError::Store(internal(error))
}

/// Tenants with a sensor that has stored batches above its progress.
const PENDING_TENANTS: &str = "SELECT DISTINCT s.tenant_id FROM sensors s \
     LEFT JOIN analysis_progress p ON p.tenant_id = s.tenant_id AND p.sensor_id = s.id \
     WHERE EXISTS (SELECT 1 FROM batches b WHERE b.tenant_id = s.tenant_id AND b.sensor_id = s.id \
         AND b.sequence > COALESCE(p.analysed_sequence, 0)) \
     ORDER BY s.tenant_id";

impl Analysis {
    pub fn new(db: Db, wake: Arc<Notify>) -> Self {
        Analysis {
            db,
            wake,
            cache: Default::default(),
            last_tenant: Default::default(),
        }
    }

    /// Resolves when a batch was stored since the last call (or is stored).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Tenants with unanalysed batches, in id order.
    pub async fn pending_tenants(&self) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar(PENDING_TENANTS)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)
    }

    /// The batch stored under (tenant, sensor, sequence), rebuilt from its
    /// rows (`batches::rebuild`).
    pub async fn rebuild_batch(
        &self,
        tenant_id: i64,
        sensor_id: i64,
        sequence: i64,
    ) -> Result<Option<traffic::record::Batch>, RebuildError> {
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        rebuild(&mut conn, tenant_id, sensor_id, sequence).await
    }

    /// Analyses up to [`BATCHES_PER_STEP`] batches of the next tenant (round
    /// robin) with pending batches that no other instance is analysing. A tenant whose
    /// step fails (a row that cannot be read) does not hold up the others:
    /// its error is returned only when no other tenant had work.
    pub async fn step(&self) -> Result<Step, AnalysisError> {
        let mut failed = None;
        let mut tenants = self.pending_tenants().await?;
        // Round robin: the tenants after the last one analysed first.
        let last = self.last_tenant.load(Ordering::Relaxed);
        let after = tenants.partition_point(|t| *t <= last);
        tenants.rotate_left(after);
        for tenant_id in tenants {
            match self.step_tenant(tenant_id).await {
                Ok(Some(step)) => {
                    self.last_tenant.store(tenant_id, Ordering::Relaxed);
                    return Ok(step);
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(tenant_id, %error, "analysis step failed");
                    failed.get_or_insert(error);
                }
            }
        }
        failed.map_or(Ok(Step::Idle), Err)
    }

    /// One step for one tenant; `None` when another instance holds it or
    /// nothing of it is pending.
    pub async fn step_tenant(&self, tenant_id: i64) -> Result<Option<Step>, AnalysisError> {
        let pool = self.db.pool();
        sqlx::query(
            "INSERT INTO analysis_state (tenant_id, version) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
        let mut tx = pool.begin().await.map_err(db_error)?;
        let locked = match self.db.backend() {
            Backend::Postgres => sqlx::query(
                "SELECT version FROM analysis_state WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED",
            )
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?,
            Backend::Sqlite => {
                // A write first: the transaction holds SQLite's write lock
                // from here, so nothing changes under it.
                sqlx::query(
                    "UPDATE analysis_state SET updated_at = updated_at WHERE tenant_id = $1",
                )
                .bind(tenant_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                sqlx::query("SELECT version FROM analysis_state WHERE tenant_id = $1")
                    .bind(tenant_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?
            }
        };
        let Some(locked) = locked else {
            return Ok(None);
        };
        let version: i64 = locked.try_get("version").map_err(db_error)?;

        let rows = sqlx::query(
            "SELECT b.sensor_id, b.sequence, b.minute_start, b.received_at, \
             COALESCE(p.analysed_sequence, 0) AS analysed FROM batches b \
             LEFT JOIN analysis_progress p ON p.tenant_id = b.tenant_id AND p.sensor_id = b.sensor_id \
             WHERE b.tenant_id = $1 AND b.sequence > COALESCE(p.analysed_sequence, 0) \
             ORDER BY b.sensor_id, b.sequence LIMIT $2",
        )
        .bind(tenant_id)
        .bind(BATCHES_PER_STEP)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut pending = Vec::with_capacity(rows.len());
        for row in &rows {
            let get = |c: &str| row.try_get::<i64, _>(c).map_err(db_error);
            pending.push(Pending {
                sensor_id: get("sensor_id")?,
                sequence: get("sequence")?,
                minute: get("minute_start")?,
                received_at: get("received_at")?,
                analysed: get("analysed")?,
            });
        }
        let ready = ready(&pending, now_secs());
        if ready.is_empty() {
            // Analysed by another instance between the look and the lock,
            // or waiting for a missing batch.
            return Ok(None);
        }

        let mut inventory = self.state(&mut tx, tenant_id, version).await?;
        // Per sensor, the last batch taken in: (sensor, sequence, minute).
        let mut progress: Vec<(i64, i64, i64)> = Vec::new();
        for p in &ready {
            let batch = rebuild(&mut tx, tenant_id, p.sensor_id, p.sequence)
                .await?
                .ok_or(StoreError::Internal)?;
            inventory.observe(&batch);
            match progress.last_mut() {
                Some(last) if last.0 == p.sensor_id => *last = (p.sensor_id, p.sequence, p.minute),
                _ => progress.push((p.sensor_id, p.sequence, p.minute)),
            }
        }

        let mut state = Vec::new();
        ciborium::into_writer(&inventory, &mut state).map_err(|e| AnalysisError::State {
            tenant_id,
            problem: e.to_string(),
        })?;
        let next = version + 1;
        sqlx::query(
            "UPDATE analysis_state SET version = $1, state = $2, updated_at = $3 WHERE tenant_id = $4",
        )
        .bind(next)
        .bind(state)
        .bind(now_secs())
        .bind(tenant_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for (sensor_id, sequence, minute) in &progress {
            sqlx::query(
                "INSERT INTO analysis_progress (tenant_id, sensor_id, analysed_sequence, analysed_minute) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, sensor_id) DO UPDATE \
                 SET analysed_sequence = excluded.analysed_sequence, analysed_minute = excluded.analysed_minute",
            )
            .bind(tenant_id)
            .bind(*sensor_id)
            .bind(*sequence)
            .bind(*minute)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        materialise(&mut tx, tenant_id, &inventory.report()).await?;
        tx.commit().await.map_err(db_error)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(tenant_id, (next, inventory));
        }
        Ok(Some(Step::Analysed {
            tenant_id,
            batches: ready.len(),
        }))
    }

    /// The tenant's inventory at `version`: the cached one when it is that
    /// version (taken out: a step that fails leaves nothing stale behind),
    /// else the stored one.
    async fn state(
        &self,
        conn: &mut AnyConnection,
        tenant_id: i64,
        version: i64,
    ) -> Result<Inventory, AnalysisError> {
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|mut cache| cache.remove(&tenant_id));
        if let Some((v, inventory)) = cached
            && v == version
        {
            return Ok(inventory);
        }
        let state: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT state FROM analysis_state WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(&mut *conn)
                .await
                .map_err(db_error)?;
        match state {
            None => Ok(Inventory::default()),
            Some(bytes) => {
                ciborium::from_reader(bytes.as_slice()).map_err(|e| AnalysisError::State {
                    tenant_id,
                    problem: e.to_string(),
                })
            }
        }
    }
}

/// A stored batch above its sensor's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    sensor_id: i64,
    sequence: i64,
    minute: i64,
    received_at: i64,
    /// The sensor's progress: the highest sequence analysed.
    analysed: i64,
}

/// The batches a step takes in, of `pending` (by sensor, then sequence):
/// each sensor's in order up to a missing sequence, past it only once the
/// batch after the gap has waited [`GAP_WAIT_SECS`].
fn ready(pending: &[Pending], now: i64) -> Vec<Pending> {
    let mut ready = Vec::with_capacity(pending.len());
    let mut next: Option<(i64, i64)> = None;
    let mut waiting: Option<i64> = None;
    for p in pending {
        if waiting == Some(p.sensor_id) {
            continue;
        }
        let expected = match next {
            Some((sensor, n)) if sensor == p.sensor_id => n,
            _ => p.analysed + 1,
        };
        if p.sequence != expected && now - p.received_at < GAP_WAIT_SECS {
            waiting = Some(p.sensor_id);
            continue;
        }
        ready.push(*p);
        next = Some((p.sensor_id, p.sequence + 1));
    }
    ready
}

/// A list as a column that one LIKE can search for a member: `,a,b,`.
fn wrapped<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from(",");
    for i in items {
        out.push_str(i);
        out.push(',');
    }
    out
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Replaces the tenant's materialised inventory with `report`.
async fn materialise(
    conn: &mut AnyConnection,
    tenant_id: i64,
    report: &Report,
) -> Result<(), AnalysisError> {
    for table in ["assets", "edges", "zones"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
            .bind(tenant_id)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    for a in &report.assets {
        let ips: Vec<&str> = a.ips.iter().map(|z| z.ip.as_str()).collect();
        let mut zones: Vec<&str> = a.ips.iter().map(|z| z.zone.as_str()).collect();
        if zones.is_empty() {
            zones = a.sensors.iter().map(String::as_str).collect();
        }
        zones.sort_unstable();
        zones.dedup();
        let mut protocols: Vec<&str> = a
            .protocols_served
            .iter()
            .chain(&a.protocols_used)
            .copied()
            .collect();
        protocols.sort_unstable();
        protocols.dedup();
        let role = a.role.as_str();
        let search = [a.id.as_str(), role]
            .into_iter()
            .chain(a.names.iter().map(String::as_str))
            .chain(ips.iter().copied())
            .chain(a.macs.iter().map(String::as_str))
            .chain(a.oui_vendor.as_deref())
            .chain(a.product.as_deref())
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        sqlx::query(
            "INSERT INTO assets (tenant_id, asset_id, role, purdue_level, vendor, product, names, ips, macs, \
             protocols, zones, first_seen_ms, last_seen_ms, confidence, search, asset_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(tenant_id)
        .bind(a.id.as_str())
        .bind(role)
        .bind(a.purdue_level.map(i64::from))
        .bind(a.oui_vendor.as_deref())
        .bind(a.product.as_deref())
        .bind(json(&a.names))
        .bind(json(&ips))
        .bind(json(&a.macs))
        .bind(wrapped(protocols))
        .bind(wrapped(zones))
        .bind(a.first_seen_ms)
        .bind(a.last_seen_ms)
        .bind(i64::from(a.confidence))
        .bind(search)
        .bind(json(a))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    for e in &report.edges {
        let requests: u64 = e.classes.values().sum();
        sqlx::query(
            "INSERT INTO edges (tenant_id, client_id, server_id, protocol, requests, errors, packets, bytes, \
             first_seen_ms, last_seen_ms, skips_levels, edge_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant_id)
        .bind(e.client.as_str())
        .bind(e.server.as_str())
        .bind(e.protocol)
        .bind(saturating(requests))
        .bind(saturating(e.errors))
        .bind(saturating(e.packets))
        .bind(saturating(e.bytes))
        .bind(e.first_seen_ms)
        .bind(e.last_seen_ms)
        .bind(e.skips_levels)
        .bind(json(e))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    for z in &report.zones {
        sqlx::query(
            "INSERT INTO zones (tenant_id, zone, assets, networks_json) VALUES ($1, $2, $3, $4)",
        )
        .bind(tenant_id)
        .bind(z.zone.as_str())
        .bind(i64::try_from(z.assets).unwrap_or(i64::MAX))
        .bind(json(&z.networks))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// A counter as a BIGINT column: past 2^63 - 1 it stays at the maximum.
fn saturating(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(sensor_id: i64, sequence: i64, received_at: i64, analysed: i64) -> Pending {
        Pending {
            sensor_id,
            sequence,
            minute: sequence * 60,
            received_at,
            analysed,
        }
    }

    fn sequences(ready: &[Pending]) -> Vec<(i64, i64)> {
        ready.iter().map(|p| (p.sensor_id, p.sequence)).collect()
    }

    #[test]
    fn a_sensor_waits_at_a_fresh_gap_and_skips_an_old_one() {
        let now = 10_000;
        let pending = [
            p(1, 3, now, 2),
            p(1, 4, now, 2),
            p(1, 6, now, 2),
            p(1, 7, now, 2),
            p(2, 9, now, 7),
            p(3, 5, now - GAP_WAIT_SECS, 3),
            p(3, 6, now, 3),
            p(3, 8, now - 1, 3),
        ];
        assert_eq!(
            sequences(&ready(&pending, now)),
            [(1, 3), (1, 4), (3, 5), (3, 6)]
        );
        assert_eq!(
            sequences(&ready(&pending, now + GAP_WAIT_SECS)),
            [
                (1, 3),
                (1, 4),
                (1, 6),
                (1, 7),
                (2, 9),
                (3, 5),
                (3, 6),
                (3, 8)
            ]
        );
    }
}
