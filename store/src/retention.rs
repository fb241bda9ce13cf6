//! Retention: a batch's minute rows (flows, operations, identities, hosts)
//! are the bulk of the database, and only the analysis reads them. Once a
//! batch is analysed and was stored longer ago than the retention period,
//! they are deleted; the batch's row stays (the minute's totals, and the
//! key that makes a late retry a duplicate), and so does everything the
//! analysis made of it (assets, edges, history). The operations the rows
//! counted move to `retention_totals`, so the portal's totals do not drop.
//!
//! Before they go, what the operation and flow rows said is added to the
//! hourly rollups (`operation_hours`, `flow_hours`: per hour, sensor,
//! VLAN, client, server, protocol and operation), which are kept: in the same
//! transaction that marks the batch purged, so each batch counts once.
//!
//! A batch is never purged before the analysis job took it in, however
//! old: nothing is lost that the inventory has not seen.

use sqlx::Row;

use crate::StoreError;
use crate::db::{Backend, Db, internal};

/// Batches one purge transaction takes at most: on SQLite it holds the
/// write lock, which ingestion waits for.
pub const BATCHES_PER_PURGE: i64 = 50;

const MINUTE_TABLES: [&str; 4] = [
    "flow_minutes",
    "operation_minutes",
    "identity_observations",
    "host_minutes",
];

#[derive(Clone)]
pub struct Retention {
    db: Db,
}

impl Retention {
    pub fn new(db: Db) -> Self {
        Retention { db }
    }

    /// Deletes the minute rows of up to [`BATCHES_PER_PURGE`] analysed
    /// batches stored before `stored_before` (Unix seconds), in one
    /// transaction; returns how many batches it purged (0: nothing left).
    pub async fn purge_some(&self, stored_before: i64) -> Result<usize, StoreError> {
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let keys = sqlx::query(
            "SELECT b.tenant_id, b.sensor_id, b.sequence FROM batches b \
             JOIN analysis_progress p ON p.tenant_id = b.tenant_id AND p.sensor_id = b.sensor_id \
             WHERE NOT b.details_purged AND b.received_at < $1 AND b.sequence <= p.analysed_sequence \
             ORDER BY b.received_at LIMIT $2",
        )
        .bind(stored_before)
        .bind(BATCHES_PER_PURGE)
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
        for key in &keys {
            let tenant_id: i64 = key.try_get("tenant_id").map_err(internal)?;
            let sensor_id: i64 = key.try_get("sensor_id").map_err(internal)?;
            let sequence: i64 = key.try_get("sequence").map_err(internal)?;
            let operations: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM operation_minutes \
                 WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3",
            )
            .bind(tenant_id)
            .bind(sensor_id)
            .bind(sequence)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
            sqlx::query(
                "INSERT INTO retention_totals (tenant_id, operations) VALUES ($1, $2) \
                 ON CONFLICT (tenant_id) DO UPDATE SET operations = retention_totals.operations + excluded.operations",
            )
            .bind(tenant_id)
            .bind(operations)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            let key = (tenant_id, sensor_id, sequence);
            let (least, greatest) = match self.db.backend() {
                Backend::Sqlite => ("MIN", "MAX"),
                Backend::Postgres => ("LEAST", "GREATEST"),
            };
            by_batch(&mut tx, &operation_rollup(least, greatest), key).await?;
            by_batch(&mut tx, &flow_rollup(least, greatest), key).await?;
            for table in MINUTE_TABLES {
                let sql = format!(
                    "DELETE FROM {table} WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3"
                );
                by_batch(&mut tx, &sql, key).await?;
            }
            by_batch(
                &mut tx,
                // A batch stored after its sensor's progress passed it was
                // never analysed: its kept upload goes with its rows.
                "UPDATE batches SET details_purged = TRUE, upload = NULL, upload_encoding = NULL \
                 WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3",
                key,
            )
            .await?;
        }
        tx.commit().await.map_err(internal)?;
        Ok(keys.len())
    }

    /// Purges until nothing older than `stored_before` is left; returns
    /// how many batches it purged.
    pub async fn purge(&self, stored_before: i64) -> Result<usize, StoreError> {
        let mut purged = 0;
        loop {
            match self.purge_some(stored_before).await? {
                0 => return Ok(purged),
                n => purged += n,
            }
        }
    }
}

/// Adds a batch's operation rows to `operation_hours`. `least` and
/// `greatest` are the dialect's two-argument MIN and MAX. (`WHERE` before
/// `ON CONFLICT` also keeps SQLite from reading the latter as a join.)
fn operation_rollup(least: &str, greatest: &str) -> String {
    format!(
        "INSERT INTO operation_hours (tenant_id, sensor_id, hour_start, client, server, server_port, \
         protocol, name, class, direction, vlan, count, errors, first_seen_ms, last_seen_ms) \
         SELECT tenant_id, sensor_id, (minute_start / 3600) * 3600, COALESCE(client_ip, client_mac, ''), \
         COALESCE(server_ip, server_mac, ''), COALESCE(server_port, -1), protocol, name, class, direction, \
         COALESCE(vlan, -1), \
         CAST(SUM(count) AS BIGINT), CAST(SUM(CASE WHEN error_code IS NULL THEN 0 ELSE count END) AS BIGINT), \
         MIN(first_seen_ms), MAX(last_seen_ms) FROM operation_minutes \
         WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3 \
         GROUP BY tenant_id, sensor_id, (minute_start / 3600) * 3600, COALESCE(client_ip, client_mac, ''), \
         COALESCE(server_ip, server_mac, ''), COALESCE(server_port, -1), protocol, name, class, direction, \
         COALESCE(vlan, -1) \
         ON CONFLICT (tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class, direction, vlan) \
         DO UPDATE SET count = operation_hours.count + excluded.count, \
         errors = operation_hours.errors + excluded.errors, \
         first_seen_ms = {least}(operation_hours.first_seen_ms, excluded.first_seen_ms), \
         last_seen_ms = {greatest}(operation_hours.last_seen_ms, excluded.last_seen_ms)"
    )
}

/// Adds a batch's flow rows to `flow_hours` (see [`operation_rollup`]).
fn flow_rollup(least: &str, greatest: &str) -> String {
    format!(
        "INSERT INTO flow_hours (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, \
         server_port, protocol, vlan, flow_records, packets, bytes, first_seen_ms, last_seen_ms) \
         SELECT tenant_id, sensor_id, (minute_start / 3600) * 3600, transport, client_ip, server_ip, \
         server_port, COALESCE(protocol, ''), COALESCE(vlan, -1), CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(packets_to_server + packets_to_client) AS BIGINT), \
         CAST(SUM(bytes_to_server + bytes_to_client) AS BIGINT), MIN(first_seen_ms), MAX(last_seen_ms) \
         FROM flow_minutes WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3 \
         GROUP BY tenant_id, sensor_id, (minute_start / 3600) * 3600, transport, client_ip, server_ip, \
         server_port, COALESCE(protocol, ''), COALESCE(vlan, -1) \
         ON CONFLICT (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol, vlan) \
         DO UPDATE SET flow_records = flow_hours.flow_records + excluded.flow_records, \
         packets = flow_hours.packets + excluded.packets, bytes = flow_hours.bytes + excluded.bytes, \
         first_seen_ms = {least}(flow_hours.first_seen_ms, excluded.first_seen_ms), \
         last_seen_ms = {greatest}(flow_hours.last_seen_ms, excluded.last_seen_ms)"
    )
}

/// Runs `sql` for one batch: `$1`, `$2`, `$3` are its tenant, sensor and
/// sequence.
async fn by_batch(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    (tenant_id, sensor_id, sequence): (i64, i64, i64),
) -> Result<(), StoreError> {
    sqlx::query(sql)
        .bind(tenant_id)
        .bind(sensor_id)
        .bind(sequence)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(())
}
