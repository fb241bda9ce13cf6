//! Storing an uploaded batch: one transaction per batch, keyed by (sensor,
//! sequence), so a retry is acknowledged without being stored twice and a
//! failure stores nothing.

use serde::Serialize;
use sqlx::{Any, Transaction};
use traffic::record::Batch;

use super::db::Db;
use super::now_secs;
use super::sensors::AuthenticatedSensor;

#[derive(Clone)]
pub struct Ingest {
    db: Db,
    /// SQLite takes one writer at a time; queueing batches here instead of
    /// in SQLite's busy handler keeps a burst of uploads from timing out
    /// with "database is locked". PostgreSQL writes concurrently.
    sqlite_writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// What happened to an accepted batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    /// False when the same (sensor, sequence) was already stored.
    pub stored: bool,
    pub flows: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// The batch is readable but holds values no storage column can hold.
    #[error("{0}")]
    Invalid(String),
    #[error("storage unavailable")]
    Unavailable,
}

fn unavailable(error: sqlx::Error) -> StoreError {
    tracing::error!(%error, "batch not stored");
    StoreError::Unavailable
}

/// A value bound into a multi-row insert.
enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
}

fn int(v: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(v)
        .map_err(|_| StoreError::Invalid(format!("{what}: {v} is larger than 2^63 - 1")))
}

/// An enum's wire name (`"modbus"`, `"read"`…), as the schema spells it.
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn opt_name<T: Serialize>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(name)
}

fn text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// Rows per INSERT: below SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table (28 columns).
const ROWS_PER_INSERT: usize = 500;

async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    backend: super::db::Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                // SQLite looks numbered parameters up by name, once per bind:
                // quadratic in a 14,000-parameter insert. `?` binds by position.
                match backend {
                    super::db::Backend::Sqlite => sql.push('?'),
                    super::db::Backend::Postgres => sql.push_str(&format!("${n}")),
                }
            }
            sql.push(')');
        }
        let mut query = sqlx::query::<Any>(&sql);
        for row in chunk {
            for v in row {
                query = match v {
                    Val::Int(x) => query.bind(*x),
                    Val::OptInt(x) => query.bind(*x),
                    Val::Text(x) => query.bind(x.clone()),
                    Val::OptText(x) => query.bind(x.clone()),
                    Val::Bool(x) => query.bind(*x),
                };
            }
        }
        query.execute(&mut **tx).await.map_err(unavailable)?;
    }
    Ok(())
}

const FLOW_COLUMNS: [&str; 28] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "transport",
    "ip_protocol",
    "client_ip",
    "server_ip",
    "client_port",
    "server_port",
    "client_mac",
    "server_mac",
    "vlan",
    "initiator",
    "protocol",
    "flow_start_ms",
    "first_seen_ms",
    "last_seen_ms",
    "packets_to_server",
    "packets_to_client",
    "bytes_to_server",
    "bytes_to_client",
    "payload_to_server",
    "payload_to_client",
    "tcp_flags_to_server",
    "tcp_flags_to_client",
    "started",
    "ended",
    "reassembly_gap_bytes",
];

const OPERATION_COLUMNS: [&str; 21] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "transport",
    "client_ip",
    "server_ip",
    "server_port",
    "client_mac",
    "server_mac",
    "protocol",
    "function_code",
    "name",
    "class",
    "unit",
    "direction",
    "error_code",
    "count",
    "first_seen_ms",
    "last_seen_ms",
    "ranges_json",
    "ranges_truncated",
];

const IDENTITY_COLUMNS: [&str; 9] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "mac",
    "ip",
    "source",
    "attribute",
    "value",
    "first_seen_ms",
];

const HOST_COLUMNS: [&str; 15] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "mac",
    "ip",
    "grp",
    "vendor",
    "macs_json",
    "ttl",
    "first_seen_ms",
    "last_seen_ms",
    "packets_sent",
    "packets_received",
    "bytes_sent",
    "bytes_received",
];

impl Ingest {
    pub fn new(db: Db) -> Self {
        let sqlite_writer = (db.backend() == super::db::Backend::Sqlite)
            .then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        Ingest { db, sqlite_writer }
    }

    pub async fn store(
        &self,
        sensor: &AuthenticatedSensor,
        batch: &Batch,
    ) -> Result<IngestOutcome, StoreError> {
        let sequence = int(batch.sequence, "sequence")?;
        if batch.minute_start % 60 != 0 {
            return Err(StoreError::Invalid(format!(
                "minute_start: {} is not the start of a minute",
                batch.minute_start
            )));
        }
        // Everything is converted before the transaction starts: a value that
        // cannot be stored refuses the whole batch, and nothing is half-written.
        let (t, s, m) = (sensor.tenant_id, sensor.id, batch.minute_start);
        let mut flows = Vec::with_capacity(batch.flows.len());
        for f in &batch.flows {
            flows.push(vec![
                Val::Int(t),
                Val::Int(s),
                Val::Int(m),
                Val::Text(name(&f.transport)),
                Val::Int(f.ip_protocol.into()),
                Val::Text(f.client_ip.to_string()),
                Val::Text(f.server_ip.to_string()),
                Val::Int(f.client_port.into()),
                Val::Int(f.server_port.into()),
                Val::OptText(text(&f.client_mac)),
                Val::OptText(text(&f.server_mac)),
                Val::OptInt(f.vlan.map(i64::from)),
                Val::Text(name(&f.initiator)),
                Val::OptText(opt_name(&f.protocol)),
                Val::Int(f.flow_start_ms),
                Val::Int(f.first_seen_ms),
                Val::Int(f.last_seen_ms),
                Val::Int(int(f.packets_to_server, "flows.packets_to_server")?),
                Val::Int(int(f.packets_to_client, "flows.packets_to_client")?),
                Val::Int(int(f.bytes_to_server, "flows.bytes_to_server")?),
                Val::Int(int(f.bytes_to_client, "flows.bytes_to_client")?),
                Val::Int(int(f.payload_to_server, "flows.payload_to_server")?),
                Val::Int(int(f.payload_to_client, "flows.payload_to_client")?),
                Val::Int(f.tcp_flags_to_server.into()),
                Val::Int(f.tcp_flags_to_client.into()),
                Val::Bool(f.started),
                Val::OptText(opt_name(&f.ended)),
                Val::Int(int(f.reassembly_gap_bytes, "flows.reassembly_gap_bytes")?),
            ]);
        }
        let mut operations = Vec::with_capacity(batch.operations.len());
        for o in &batch.operations {
            operations.push(vec![
                Val::Int(t),
                Val::Int(s),
                Val::Int(m),
                Val::Text(name(&o.transport)),
                Val::OptText(text(&o.client_ip)),
                Val::OptText(text(&o.server_ip)),
                Val::OptInt(o.server_port.map(i64::from)),
                Val::OptText(text(&o.client_mac)),
                Val::OptText(text(&o.server_mac)),
                Val::Text(name(&o.protocol)),
                Val::Int(o.function_code.into()),
                Val::Text(o.name.clone()),
                Val::Text(name(&o.class)),
                Val::OptInt(o.unit.map(i64::from)),
                Val::Text(name(&o.direction)),
                Val::OptInt(o.error_code.map(i64::from)),
                Val::Int(int(o.count, "operations.count")?),
                Val::Int(o.first_seen_ms),
                Val::Int(o.last_seen_ms),
                Val::Text(serde_json::to_string(&o.ranges).unwrap_or_else(|_| "[]".into())),
                Val::Bool(o.ranges_truncated),
            ]);
        }
        let identities: Vec<Vec<Val>> = batch
            .identities
            .iter()
            .map(|i| {
                vec![
                    Val::Int(t),
                    Val::Int(s),
                    Val::Int(m),
                    Val::OptText(text(&i.mac)),
                    Val::OptText(text(&i.ip)),
                    Val::Text(i.source.clone()),
                    Val::Text(i.attribute.clone()),
                    Val::Text(i.value.clone()),
                    Val::Int(i.first_seen_ms),
                ]
            })
            .collect();
        let mut hosts = Vec::with_capacity(batch.hosts.len());
        for h in &batch.hosts {
            hosts.push(vec![
                Val::Int(t),
                Val::Int(s),
                Val::Int(m),
                Val::OptText(text(&h.mac)),
                Val::OptText(text(&h.ip)),
                Val::Bool(h.group),
                Val::OptText(h.vendor.clone()),
                Val::Text(serde_json::to_string(&h.macs).unwrap_or_else(|_| "[]".into())),
                Val::OptInt(h.ttl.map(i64::from)),
                Val::Int(h.first_seen_ms),
                Val::Int(h.last_seen_ms),
                Val::Int(int(h.packets_sent, "hosts.packets_sent")?),
                Val::Int(int(h.packets_received, "hosts.packets_received")?),
                Val::Int(int(h.bytes_sent, "hosts.bytes_sent")?),
                Val::Int(int(h.bytes_received, "hosts.bytes_received")?),
            ]);
        }
        let packets = int(batch.counters.packets, "counters.packets")?;
        let bytes = int(batch.counters.bytes, "counters.bytes")?;
        let health = &batch.health;
        let opt = |v: Option<u64>, what: &str| v.map(|v| int(v, what)).transpose();
        let dropped = opt(health.capture_dropped_total, "health.capture_dropped_total")?;
        let backlog = opt(health.spool_backlog, "health.spool_backlog")?;
        let lag = opt(health.lag_s, "health.lag_s")?;
        let counters_json = serde_json::to_string(&batch.counters).unwrap_or_default();
        let health_json = serde_json::to_string(&batch.health).unwrap_or_default();
        let now = now_secs();

        let _writer = match &self.sqlite_writer {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let mut tx = self.db.pool().begin().await.map_err(unavailable)?;
        let claimed = sqlx::query(
            "INSERT INTO batches (sensor_id, sequence, tenant_id, minute_start, received_at, flows, operations, identities, hosts, packets, bytes, counters_json, health_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (sensor_id, sequence) DO NOTHING",
        )
        .bind(s)
        .bind(sequence)
        .bind(t)
        .bind(m)
        .bind(now)
        .bind(flows.len() as i64)
        .bind(operations.len() as i64)
        .bind(identities.len() as i64)
        .bind(hosts.len() as i64)
        .bind(packets)
        .bind(bytes)
        .bind(counters_json)
        .bind(health_json)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await.map_err(unavailable)?;
            return Ok(IngestOutcome {
                stored: false,
                flows: batch.flows.len(),
            });
        }
        let flow_count = flows.len();
        let backend = self.db.backend();
        insert_rows(&mut tx, backend, "flow_minutes", &FLOW_COLUMNS, flows).await?;
        insert_rows(
            &mut tx,
            backend,
            "operation_minutes",
            &OPERATION_COLUMNS,
            operations,
        )
        .await?;
        insert_rows(
            &mut tx,
            backend,
            "identity_observations",
            &IDENTITY_COLUMNS,
            identities,
        )
        .await?;
        insert_rows(&mut tx, backend, "host_minutes", &HOST_COLUMNS, hosts).await?;
        sqlx::query(
            "UPDATE sensors SET last_upload_at = $1, \
             last_minute = CASE WHEN last_minute IS NULL OR last_minute < $2 THEN $2 ELSE last_minute END, \
             last_sequence = $3, batches = batches + 1, packets_total = packets_total + $4, \
             capture_dropped_total = $5, spool_backlog = $6, lag_s = $7, version = $8, last_error = $9 \
             WHERE id = $10",
        )
        .bind(now)
        .bind(m)
        .bind(sequence)
        .bind(packets)
        .bind(dropped)
        .bind(backlog)
        .bind(lag)
        .bind(health.version.clone())
        .bind(health.last_error.clone())
        .bind(s)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(IngestOutcome {
            stored: true,
            flows: flow_count,
        })
    }
}

/// What a tenant has stored, for the portal overview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredTotals {
    pub batches: i64,
    pub flow_records: i64,
    pub operations: i64,
}

impl Ingest {
    pub async fn totals(&self, tenant_id: i64) -> Result<StoredTotals, crate::error::AppError> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT COUNT(*) AS batches, CAST(COALESCE(SUM(flows), 0) AS BIGINT) AS flows, \
             (SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM operation_minutes WHERE tenant_id = $1) AS operations \
             FROM batches WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(self.db.pool())
        .await
        .map_err(super::db::internal)?;
        let get = |c: &str| row.try_get::<i64, _>(c).map_err(super::db::internal);
        Ok(StoredTotals {
            batches: get("batches")?,
            flow_records: get("flows")?,
            operations: get("operations")?,
        })
    }
}
