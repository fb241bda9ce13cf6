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
//! - Reading: a step reads and decodes its batches (their kept uploads,
//!   `store/src/batches.rs`) before it takes the lock, then checks under the
//!   lock that no other instance moved the sensors' progress meanwhile.
//! - Locking: PostgreSQL takes the tenant's `analysis_state` row with
//!   `FOR UPDATE SKIP LOCKED`, so two instances never analyse one tenant at
//!   once (the second moves on); SQLite writes from the first statement of
//!   the transaction, so steps and ingestion's writer queue up in SQLite.
//! - Memory: the last state of each tenant stays cached with its version
//!   and is read from the database again only when another instance has
//!   moved the version on (or a step failed before committing). With it
//!   stays a digest of every materialised row, so a step writes only the
//!   assets, edges and zones that changed; without it (a restart, another
//!   instance's step, a failed step) the tenant's tables are written whole.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use ::analysis::Inventory;
/// The detector's settings, for the server's.
pub use ::analysis::detect::Config as DetectConfig;
use ::analysis::detect::Detector;
use ::analysis::report::{Overrides, Report};
pub use ::analysis::zones::{ZonePlan, ZoneRule};
use sqlx::AnyConnection;
use sqlx::Row;
use tokio::sync::Notify;

use crate::StoreError;
use crate::batches::{RebuildError, load, rebuild};
use crate::db::{Db, internal};
use crate::now_secs;
use crate::tenant_lock::{self, Wait};

/// How long a batch after a missing sequence waits for it (seconds since
/// it was stored): a sensor retries until acknowledged, and two capture
/// uploads in the portal may commit out of order, so a gap usually fills
/// within moments; one that does not (a batch the sensor's full spool
/// dropped) is skipped after this.
pub const GAP_WAIT_SECS: i64 = 120;

/// Batches one step takes in at most. Each step also costs time in
/// proportion to the tenant's inventory (its report, its state and the rows
/// that changed are written), so a backlog goes faster in larger steps
/// (docs/BENCHMARKS.md); a step holds the tenant's lock (and on SQLite the
/// database's write lock) from after its batches are read to its commit,
/// so it stays bounded.
pub const BATCHES_PER_STEP: i64 = 256;

/// Records (flows, operations, identities, hosts) one step takes in at most
/// past its first batch: they are all decoded in memory at once.
pub const RECORDS_PER_STEP: i64 = 256_000;

#[derive(Clone)]
pub struct Analysis {
    db: Db,
    /// Woken by every stored batch (`Ingest` holds the same one).
    wake: Arc<Notify>,
    /// Tenant → its state and what its tables hold, at one state version.
    cache: Arc<Mutex<HashMap<i64, Cached>>>,
    /// The tenant the last step analysed: the next step starts after it,
    /// so a tenant with a steady stream of batches never starves another.
    last_tenant: Arc<AtomicI64>,
    /// The detector's settings (learning period, dedup window); applied to
    /// a stored detector too, so a changed setting takes effect at once.
    detect: DetectConfig,
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
            detect: DetectConfig::default(),
        }
    }

    /// The same, detecting with `config`.
    pub fn with_detection(mut self, config: DetectConfig) -> Self {
        self.detect = config;
        self
    }

    /// The detector's settings.
    pub fn detection(&self) -> DetectConfig {
        self.detect
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
        // The batches are read and decoded before the lock is taken: on
        // SQLite the lock is the database's write lock, which uploads wait
        // for. Stored batches never change, so nothing read goes stale
        // except which of them are still to do, checked under the lock.
        let ready = within(
            ready(&self.pending(tenant_id).await?, now_secs()),
            RECORDS_PER_STEP,
        );
        if ready.is_empty() {
            // Waiting for a missing batch, or analysed meanwhile.
            return Ok(None);
        }
        let mut batches = Vec::with_capacity(ready.len());
        for run in ready.chunk_by(|a, b| a.sensor_id == b.sensor_id) {
            let sequences: Vec<i64> = run.iter().map(|p| p.sequence).collect();
            batches.extend(load(self.db.pool(), tenant_id, run[0].sensor_id, &sequences).await?);
        }

        let mut tx = self.begin_with_state_row(tenant_id).await?;
        let Some(version) = self.lock(&mut tx, tenant_id, Wait::SkipLocked).await? else {
            return Ok(None);
        };
        if !progress_is(&mut tx, tenant_id, &ready).await? {
            // Another instance analysed some of them between the look and
            // the lock.
            return Ok(None);
        }

        let (mut inventory, mut detector, written) =
            self.state(&mut tx, tenant_id, version).await?;
        // Allows made since the last step apply from this one.
        detector.set_allows(crate::alerts::active_allows(&mut tx, tenant_id).await?);
        // Per sensor, the last batch taken in: (sensor, sequence, minute).
        let mut progress: Vec<(i64, i64, i64)> = Vec::new();
        let mut changed = Vec::new();
        for (p, batch) in ready.iter().zip(&batches) {
            inventory.observe(batch);
            changed.extend(detector.observe(batch));
            match progress.last_mut() {
                Some(last) if last.0 == p.sensor_id => *last = (p.sensor_id, p.sequence, p.minute),
                _ => progress.push((p.sensor_id, p.sequence, p.minute)),
            }
        }
        drop(batches);
        let overrides = overrides(&mut tx, tenant_id).await?;
        let report = inventory.report_with(&overrides);
        // The review compares the engine's own assessment, as `sensor
        // analyze` does: a customer's decision about a role is not a
        // change in the traffic.
        if overrides.roles.is_empty() && overrides.purdue_levels.is_empty() {
            changed.extend(detector.review(&report));
        } else {
            changed.extend(detector.review(&inventory.report()));
        }
        changed.sort_unstable();
        changed.dedup();
        let alerts: Vec<_> = changed
            .iter()
            .filter_map(|id| detector.alert(*id))
            .collect();
        crate::alerts::upsert(&mut tx, tenant_id, &alerts, now_secs()).await?;
        crate::exports::enqueue(&mut tx, tenant_id, &alerts, now_secs().saturating_mul(1000))
            .await?;
        // Stored now: what no finding can update any more leaves the state.
        detector.forget_closed();

        let unwritable = |problem| AnalysisError::State { tenant_id, problem };
        let state = to_cbor(&inventory).map_err(unwritable)?;
        let detect_state = to_cbor(&detector).map_err(unwritable)?;
        let next = version + 1;
        sqlx::query(
            "UPDATE analysis_state SET version = $1, state = $2, detect_state = $3, updated_at = $4 \
             WHERE tenant_id = $5",
        )
        .bind(next)
        .bind(state)
        .bind(detect_state)
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
        // Taken in: their kept uploads are not needed any more.
        for run in ready.chunk_by(|a, b| a.sensor_id == b.sensor_id) {
            sqlx::query(
                "UPDATE batches SET upload = NULL, upload_encoding = NULL \
                 WHERE tenant_id = $1 AND sensor_id = $2 AND sequence BETWEEN $3 AND $4",
            )
            .bind(tenant_id)
            .bind(run[0].sensor_id)
            .bind(run[0].sequence)
            .bind(run[run.len() - 1].sequence)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        let written = materialise(&mut tx, tenant_id, &report, written).await?;
        tx.commit().await.map_err(db_error)?;
        self.keep(tenant_id, next, inventory, detector, written);
        Ok(Some(Step::Analysed {
            tenant_id,
            batches: ready.len(),
        }))
    }

    /// The tenant's stored batches above their sensors' progress, by sensor
    /// then sequence, at most [`BATCHES_PER_STEP`].
    async fn pending(&self, tenant_id: i64) -> Result<Vec<Pending>, AnalysisError> {
        let rows = sqlx::query(
            "SELECT b.sensor_id, b.sequence, b.minute_start, b.received_at, \
             b.flows + b.operations + b.identities + b.hosts AS records, \
             COALESCE(p.analysed_sequence, 0) AS analysed FROM batches b \
             LEFT JOIN analysis_progress p ON p.tenant_id = b.tenant_id AND p.sensor_id = b.sensor_id \
             WHERE b.tenant_id = $1 AND b.sequence > COALESCE(p.analysed_sequence, 0) \
             ORDER BY b.sensor_id, b.sequence LIMIT $2",
        )
        .bind(tenant_id)
        .bind(BATCHES_PER_STEP)
        .fetch_all(self.db.pool())
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
                records: get("records")?,
                analysed: get("analysed")?,
            });
        }
        Ok(pending)
    }

    /// Records a customer's decision about one of its assets — its role, its
    /// Purdue level, or `None` for either to leave it to the engine — and
    /// shows it at once: the tenant's inventory is materialised again in the
    /// same transaction. `NotFound` for an asset the tenant does not have.
    pub async fn set_override(
        &self,
        tenant_id: i64,
        asset_id: &str,
        decision: AssetDecision,
        set_by: &str,
    ) -> Result<(), AnalysisError> {
        let mut tx = self.db.pool().begin().await.map_err(db_error)?;
        // Waits for a step in progress: the decision must land on its result.
        let Some(version) = self.lock(&mut tx, tenant_id, Wait::Block).await? else {
            return Err(StoreError::NotFound.into());
        };
        let known =
            sqlx::query("SELECT 1 AS one FROM assets WHERE tenant_id = $1 AND asset_id = $2")
                .bind(tenant_id)
                .bind(asset_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if known.is_none() {
            return Err(StoreError::NotFound.into());
        }
        if decision.role.is_none() && decision.purdue_level.is_none() {
            sqlx::query("DELETE FROM asset_overrides WHERE tenant_id = $1 AND asset_id = $2")
                .bind(tenant_id)
                .bind(asset_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        } else {
            sqlx::query(
                "INSERT INTO asset_overrides (tenant_id, asset_id, role, purdue_level, set_by, set_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, asset_id) DO UPDATE \
                 SET role = excluded.role, purdue_level = excluded.purdue_level, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
            )
            .bind(tenant_id)
            .bind(asset_id)
            .bind(decision.role.map(|r| r.as_str()))
            .bind(decision.purdue_level.map(i64::from))
            .bind(set_by)
            .bind(now_secs())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        self.show_decisions(tx, tenant_id, version).await
    }

    /// Materialises the tenant's inventory again with its decisions as
    /// they now stand in `tx` (locked at `version`), and commits.
    async fn show_decisions(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        tenant_id: i64,
        version: i64,
    ) -> Result<(), AnalysisError> {
        let (inventory, detector, written) = self.state(&mut tx, tenant_id, version).await?;
        let overrides = overrides(&mut tx, tenant_id).await?;
        let report = inventory.report_with(&overrides);
        let written = materialise(&mut tx, tenant_id, &report, written).await?;
        // A new version although the engine's state is the same: another
        // instance's memory of what the tables hold is stale now.
        let next = version + 1;
        sqlx::query("UPDATE analysis_state SET version = $1 WHERE tenant_id = $2")
            .bind(next)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        self.keep(tenant_id, next, inventory, detector, written);
        Ok(())
    }

    /// The zones the tenant defined (empty when none).
    pub async fn zone_plan(&self, tenant_id: i64) -> Result<ZonePlan, StoreError> {
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        zone_plan(&mut conn, tenant_id).await.map_err(|error| {
            tracing::error!(%error, tenant_id, "the zone plan could not be read");
            StoreError::Internal
        })
    }

    /// Defines a zone, or replaces the one named `replacing`, and shows
    /// it at once (the inventory is materialised again in the same
    /// transaction). `NotFound` when `replacing` names no defined zone;
    /// `Invalid` when the plan would hold two zones of one name or too many.
    pub async fn save_zone(
        &self,
        tenant_id: i64,
        replacing: Option<&str>,
        rule: ZoneRule,
        set_by: &str,
    ) -> Result<(), AnalysisError> {
        self.change_zones(tenant_id, set_by, |plan| {
            match replacing {
                Some(name) => {
                    let slot = plan
                        .iter_mut()
                        .find(|r| r.name == name)
                        .ok_or(StoreError::NotFound)?;
                    *slot = rule;
                }
                None => plan.push(rule),
            }
            Ok(())
        })
        .await
    }

    /// Removes a defined zone; its addresses go back to other zones or
    /// their sensors'. `NotFound` when no zone of that name is defined.
    pub async fn delete_zone(
        &self,
        tenant_id: i64,
        name: &str,
        set_by: &str,
    ) -> Result<(), AnalysisError> {
        self.change_zones(tenant_id, set_by, |plan| {
            let before = plan.len();
            plan.retain(|r| r.name != name);
            if plan.len() == before {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }

    async fn change_zones(
        &self,
        tenant_id: i64,
        set_by: &str,
        change: impl FnOnce(&mut Vec<ZoneRule>) -> Result<(), StoreError>,
    ) -> Result<(), AnalysisError> {
        // A tenant no batch has reached yet may define its zones first.
        let mut tx = self.begin_with_state_row(tenant_id).await?;
        let Some(version) = self.lock(&mut tx, tenant_id, Wait::Block).await? else {
            return Err(StoreError::NotFound.into());
        };
        let mut rules = zone_plan(&mut tx, tenant_id).await?.rules;
        change(&mut rules)?;
        let plan = ZonePlan::new(rules).map_err(|problem| StoreError::invalid("name", problem))?;
        sqlx::query(
            "INSERT INTO zone_plans (tenant_id, plan_json, set_by, set_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id) DO UPDATE SET plan_json = excluded.plan_json, \
             set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(tenant_id)
        .bind(json(&plan))
        .bind(set_by)
        .bind(now_secs())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        self.show_decisions(tx, tenant_id, version).await
    }

    /// The tenant's decisions about its assets, by asset id.
    pub async fn decisions(&self, tenant_id: i64) -> Result<Vec<StoredDecision>, StoreError> {
        self.decisions_where(tenant_id, None).await
    }

    /// The tenant's decision about one asset, if any.
    pub async fn decision(
        &self,
        tenant_id: i64,
        asset_id: &str,
    ) -> Result<Option<StoredDecision>, StoreError> {
        Ok(self.decisions_where(tenant_id, Some(asset_id)).await?.pop())
    }

    async fn decisions_where(
        &self,
        tenant_id: i64,
        asset_id: Option<&str>,
    ) -> Result<Vec<StoredDecision>, StoreError> {
        let condition = if asset_id.is_some() {
            "AND asset_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT asset_id, role, purdue_level, set_by, set_at FROM asset_overrides \
             WHERE tenant_id = $1 {condition} ORDER BY asset_id"
        );
        let mut query = sqlx::query(&sql).bind(tenant_id);
        if let Some(asset_id) = asset_id {
            query = query.bind(asset_id);
        }
        let rows = query.fetch_all(self.db.pool()).await.map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(StoredDecision {
                    asset_id: r.try_get("asset_id").map_err(internal)?,
                    role: r.try_get("role").map_err(internal)?,
                    purdue_level: r.try_get("purdue_level").map_err(internal)?,
                    set_by: r.try_get("set_by").map_err(internal)?,
                    set_at: r.try_get("set_at").map_err(internal)?,
                })
            })
            .collect()
    }

    /// A transaction for one of the tenant's changes, after making sure
    /// the tenant has the state row its lock is taken on.
    async fn begin_with_state_row(
        &self,
        tenant_id: i64,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, AnalysisError> {
        let pool = self.db.pool();
        sqlx::query(
            "INSERT INTO analysis_state (tenant_id, version) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
        pool.begin().await.map_err(db_error)
    }

    /// Takes the tenant's analysis lock in `tx` and returns its state
    /// version; `None` when another instance holds it and `wait` says not
    /// to wait (PostgreSQL), or the tenant has no state row.
    async fn lock(
        &self,
        tx: &mut AnyConnection,
        tenant_id: i64,
        wait: Wait,
    ) -> Result<Option<i64>, AnalysisError> {
        Ok(tenant_lock::lock(self.db.backend(), tx, tenant_id, wait).await?)
    }

    /// Remembers the tenant's state and tables as committed at `version`.
    fn keep(
        &self,
        tenant_id: i64,
        version: i64,
        inventory: Inventory,
        detector: Detector,
        written: Written,
    ) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(
                tenant_id,
                Cached {
                    version,
                    inventory,
                    detector,
                    written,
                },
            );
        }
    }

    /// The tenant's inventory at `version`, with what its tables hold: the
    /// cached ones when they are that version (taken out: a step that
    /// fails leaves nothing stale behind), else the stored state and
    /// nothing known of the tables (they are then written whole).
    async fn state(
        &self,
        conn: &mut AnyConnection,
        tenant_id: i64,
        version: i64,
    ) -> Result<(Inventory, Detector, Option<Written>), AnalysisError> {
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|mut cache| cache.remove(&tenant_id));
        if let Some(cached) = cached
            && cached.version == version
        {
            return Ok((cached.inventory, cached.detector, Some(cached.written)));
        }
        let row =
            sqlx::query("SELECT state, detect_state FROM analysis_state WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(&mut *conn)
                .await
                .map_err(db_error)?;
        let state: Option<Vec<u8>> = row.try_get("state").map_err(db_error)?;
        let detect_state: Option<Vec<u8>> = row.try_get("detect_state").map_err(db_error)?;
        let inventory = match state {
            None => Inventory::default(),
            Some(bytes) => {
                from_cbor(&bytes).map_err(|problem| AnalysisError::State { tenant_id, problem })?
            }
        };
        // A tenant analysed before detections existed starts its detector
        // (and its sensors' learning period) with the next batch.
        let mut detector = match detect_state {
            None => Detector::new(self.detect),
            Some(bytes) => {
                from_cbor::<Detector>(&bytes).map_err(|problem| AnalysisError::State {
                    tenant_id,
                    problem: format!("detector: {problem}"),
                })?
            }
        };
        detector.set_config(self.detect);
        Ok((inventory, detector, None))
    }
}

/// A tenant's engine state and what its materialised tables hold, both as
/// of one state version.
struct Cached {
    version: i64,
    inventory: Inventory,
    detector: Detector,
    written: Written,
}

fn from_cbor<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    ciborium::from_reader(bytes).map_err(|e| e.to_string())
}

fn to_cbor<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// A digest of every row the tenant's tables hold, by key: a step writes
/// only the rows whose digest changed and deletes the ones that are gone,
/// instead of rewriting thousands of unchanged assets and edges.
#[derive(Default)]
struct Written {
    assets: HashMap<String, u64>,
    edges: HashMap<(String, String, String), u64>,
    zones: HashMap<String, u64>,
}

/// A row's digest (in memory only, so the hasher need not be stable
/// across builds).
fn digest(json: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut hasher);
    hasher.finish()
}

/// Every role's wire name, in the engine's order (forms list them so).
pub fn role_names() -> Vec<&'static str> {
    ::analysis::Role::ALL.iter().map(|r| r.as_str()).collect()
}

/// A customer's decision about an asset; `None` leaves it to the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssetDecision {
    pub role: Option<::analysis::Role>,
    pub purdue_level: Option<u8>,
}

impl AssetDecision {
    /// A decision from a form's text: a role's wire name and a level 0–5,
    /// blank for "as the traffic says".
    pub fn parse(role: &str, purdue_level: &str) -> Result<AssetDecision, model::Invalid> {
        let role = match role.trim() {
            "" => None,
            name => Some(
                ::analysis::Role::ALL
                    .into_iter()
                    .find(|r| r.as_str() == name)
                    .ok_or_else(|| {
                        model::Invalid::new("role", format!("no role is called {name:?}"))
                    })?,
            ),
        };
        let purdue_level = match purdue_level.trim() {
            "" => None,
            level => Some(
                level
                    .parse::<u8>()
                    .ok()
                    .filter(|l| *l <= 5)
                    .ok_or_else(|| {
                        model::Invalid::new(
                            "purdue_level",
                            format!("a Purdue level is 0–5, not {level:?}"),
                        )
                    })?,
            ),
        };
        Ok(AssetDecision { role, purdue_level })
    }
}

/// A decision as stored, with who made it and when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub asset_id: String,
    pub role: Option<String>,
    pub purdue_level: Option<i64>,
    pub set_by: String,
    pub set_at: i64,
}

/// The tenant's decisions as the engine takes them. A role name this
/// version does not know (written by a newer one) is left to the engine.
async fn overrides(conn: &mut AnyConnection, tenant_id: i64) -> Result<Overrides, AnalysisError> {
    let rows = sqlx::query(
        "SELECT asset_id, role, purdue_level FROM asset_overrides WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut overrides = Overrides {
        zones: zone_plan(conn, tenant_id).await?,
        ..Overrides::default()
    };
    for row in &rows {
        let asset_id: String = row.try_get("asset_id").map_err(db_error)?;
        let role: Option<String> = row.try_get("role").map_err(db_error)?;
        let level: Option<i64> = row.try_get("purdue_level").map_err(db_error)?;
        if let Some(role) = role.as_deref().and_then(|name| {
            ::analysis::Role::ALL
                .into_iter()
                .find(|r| r.as_str() == name)
        }) {
            overrides.roles.insert(asset_id.clone(), role);
        }
        if let Some(level) = level.and_then(|l| u8::try_from(l).ok()) {
            overrides.purdue_levels.insert(asset_id, level);
        }
    }
    Ok(overrides)
}

/// The tenant's defined zones as stored.
async fn zone_plan(conn: &mut AnyConnection, tenant_id: i64) -> Result<ZonePlan, AnalysisError> {
    let row = sqlx::query("SELECT plan_json FROM zone_plans WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
    let Some(row) = row else {
        return Ok(ZonePlan::default());
    };
    let text: String = row.try_get("plan_json").map_err(db_error)?;
    serde_json::from_str(&text).map_err(|e| AnalysisError::State {
        tenant_id,
        problem: format!("zone plan: {e}"),
    })
}

/// True when each sensor of `ready` is still at the progress it was read
/// at (`ready` holds each sensor's batches from the one after it).
async fn progress_is(
    conn: &mut AnyConnection,
    tenant_id: i64,
    ready: &[Pending],
) -> Result<bool, AnalysisError> {
    let rows = sqlx::query(
        "SELECT sensor_id, analysed_sequence FROM analysis_progress WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut now = HashMap::with_capacity(rows.len());
    for row in &rows {
        let sensor: i64 = row.try_get("sensor_id").map_err(db_error)?;
        let sequence: i64 = row.try_get("analysed_sequence").map_err(db_error)?;
        now.insert(sensor, sequence);
    }
    Ok(ready
        .iter()
        .all(|p| now.get(&p.sensor_id).copied().unwrap_or(0) == p.analysed))
}

/// A stored batch above its sensor's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    sensor_id: i64,
    sequence: i64,
    minute: i64,
    received_at: i64,
    /// Its flow, operation, identity and host records.
    records: i64,
    /// The sensor's progress: the highest sequence analysed.
    analysed: i64,
}

/// The first of `ready` whose records add up to at most `records`, and
/// always the first batch (however large, it must be analysed).
fn within(mut ready: Vec<Pending>, records: i64) -> Vec<Pending> {
    let mut total = 0i64;
    let taken = ready
        .iter()
        .take_while(|p| {
            total = total.saturating_add(p.records);
            total <= records
        })
        .count();
    ready.truncate(taken.max(1));
    ready
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

/// Makes the tenant's materialised inventory `report`: with `before`
/// (what the tables hold), only rows that changed are written and rows
/// that are gone deleted; without it, the tables are written whole.
/// Returns what they hold now.
async fn materialise(
    conn: &mut AnyConnection,
    tenant_id: i64,
    report: &Report,
    before: Option<Written>,
) -> Result<Written, AnalysisError> {
    let whole = before.is_none();
    let mut before = before.unwrap_or_default();
    if whole {
        for table in ["assets", "edges", "zones"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(tenant_id)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
        }
    }
    let mut now = Written::default();

    for a in &report.assets {
        let asset_json = json(a);
        let d = digest(&asset_json);
        now.assets.insert(a.id.clone(), d);
        match before.assets.remove(&a.id) {
            Some(old) if old == d => continue,
            Some(_) => {
                delete_row(conn, "assets", "asset_id = $2", tenant_id, &[a.id.as_str()]).await?
            }
            None => {}
        }
        insert_asset(conn, tenant_id, a, &asset_json).await?;
    }
    for id in before.assets.keys() {
        delete_row(conn, "assets", "asset_id = $2", tenant_id, &[id.as_str()]).await?;
    }

    for e in &report.edges {
        let edge_json = json(e);
        let d = digest(&edge_json);
        let key = (e.client.clone(), e.server.clone(), e.protocol.to_owned());
        let old = before.edges.remove(&key);
        now.edges.insert(key, d);
        match old {
            Some(old) if old == d => continue,
            Some(_) => {
                delete_row(
                    conn,
                    "edges",
                    "client_id = $2 AND server_id = $3 AND protocol = $4",
                    tenant_id,
                    &[e.client.as_str(), e.server.as_str(), e.protocol],
                )
                .await?
            }
            None => {}
        }
        insert_edge(conn, tenant_id, e, &edge_json).await?;
    }
    for (client, server, protocol) in before.edges.keys() {
        delete_row(
            conn,
            "edges",
            "client_id = $2 AND server_id = $3 AND protocol = $4",
            tenant_id,
            &[client.as_str(), server.as_str(), protocol.as_str()],
        )
        .await?;
    }

    for z in &report.zones {
        let networks = json(&z.networks);
        let vlans = json(&z.vlans);
        let sensor = z.sensor.as_deref();
        let d = digest(&format!(
            "{}\n{}\n{networks}\n{vlans}\n{}\n{sensor:?}",
            z.zone, z.assets, z.defined
        ));
        now.zones.insert(z.zone.clone(), d);
        match before.zones.remove(&z.zone) {
            Some(old) if old == d => continue,
            Some(_) => {
                delete_row(conn, "zones", "zone = $2", tenant_id, &[z.zone.as_str()]).await?
            }
            None => {}
        }
        sqlx::query(
            "INSERT INTO zones (tenant_id, zone, assets, networks_json, vlans_json, defined, sensor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant_id)
        .bind(z.zone.as_str())
        .bind(i64::try_from(z.assets).unwrap_or(i64::MAX))
        .bind(networks)
        .bind(vlans)
        .bind(i64::from(z.defined))
        .bind(sensor)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    }
    for zone in before.zones.keys() {
        delete_row(conn, "zones", "zone = $2", tenant_id, &[zone.as_str()]).await?;
    }
    Ok(now)
}

/// Deletes the tenant's row of `table` where `condition` (on `$2`…) holds.
async fn delete_row(
    conn: &mut AnyConnection,
    table: &str,
    condition: &str,
    tenant_id: i64,
    keys: &[&str],
) -> Result<(), AnalysisError> {
    let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND {condition}");
    let mut query = sqlx::query(&sql).bind(tenant_id);
    for key in keys {
        query = query.bind(*key);
    }
    query.execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

async fn insert_asset(
    conn: &mut AnyConnection,
    tenant_id: i64,
    a: &::analysis::report::AssetView,
    asset_json: &str,
) -> Result<(), AnalysisError> {
    let ips: Vec<&str> = a.ips.iter().map(|z| z.ip.as_str()).collect();
    let zones = a.zones.iter().map(String::as_str);
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
    .bind(asset_json)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn insert_edge(
    conn: &mut AnyConnection,
    tenant_id: i64,
    e: &::analysis::report::EdgeView,
    edge_json: &str,
) -> Result<(), AnalysisError> {
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
    .bind(edge_json)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
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
            records: 1000,
            analysed,
        }
    }

    #[test]
    fn a_step_takes_batches_up_to_its_records_and_always_one() {
        let pending: Vec<Pending> = (1..=5).map(|n| p(1, n, 0, 0)).collect();
        assert_eq!(within(pending.clone(), 3000).len(), 3);
        assert_eq!(within(pending.clone(), 2999).len(), 2);
        assert_eq!(within(pending.clone(), 1_000_000).len(), 5);
        // A batch larger than a whole step is taken alone.
        assert_eq!(sequences(&within(pending.clone(), 10)), [(1, 1)]);
        assert!(within(Vec::new(), 10).is_empty());
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
