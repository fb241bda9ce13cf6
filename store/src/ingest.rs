//! Storing an uploaded batch, keyed by (sensor, sequence), so a retry is
//! acknowledged without being stored twice and a failure stores nothing.
//! A batch is acknowledged only once its transaction has committed.
//!
//! - SQLite: one writer task takes the batches queued while it was busy and
//!   commits them together (group commit): one WAL sync for many batches,
//!   with `synchronous = FULL` so an acknowledged batch survives a power cut.
//! - PostgreSQL: one transaction per batch, rows sent with `COPY … FROM STDIN`
//!   (far less parsing than a multi-row INSERT); concurrent batches commit in
//!   parallel.

use sqlx::{Sqlite, Transaction};
use tokio::sync::{mpsc, oneshot};
use traffic::record::Batch;
use traffic::upload::Encoding;

use crate::db::Db;
use crate::now_secs;
use crate::sensors::AuthenticatedSensor;

#[derive(Clone)]
pub struct Ingest {
    db: Db,
    /// The SQLite writer task's queue, started on first use.
    sqlite_queue: std::sync::Arc<std::sync::OnceLock<mpsc::Sender<Job>>>,
    /// Told of every newly stored batch: the analysis job waits on it.
    stored: std::sync::Arc<tokio::sync::Notify>,
}

/// What happened to an accepted batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    /// False when the same (sensor, sequence) was already stored with the
    /// same content: a retry, acknowledged again.
    pub stored: bool,
    pub flows: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IngestError {
    /// The batch is readable but holds values no storage column can hold.
    #[error("{0}")]
    Invalid(String),
    /// The sequence is stored already with other content: the sensor lost
    /// its state, or someone else holds its token.
    #[error(
        "sequence {sequence} is already stored with different content; a sensor must never reuse a sequence number"
    )]
    Conflict { sequence: u64 },
    #[error("storage unavailable")]
    Unavailable,
}

/// How a batch's (sensor, sequence) key was claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    Stored,
    /// Stored before with the same content (or content stored without a
    /// fingerprint): a retry.
    Duplicate,
    Conflict,
}

impl Claim {
    /// What was claimed when the insert found the key taken.
    fn of_existing(stored_digest: Option<i64>, digest: Option<i64>) -> Claim {
        match (stored_digest, digest) {
            (Some(a), Some(b)) if a != b => Claim::Conflict,
            _ => Claim::Duplicate,
        }
    }
}

fn unavailable(error: sqlx::Error) -> IngestError {
    tracing::error!(%error, "batch not stored");
    IngestError::Unavailable
}

/// A value bound into a multi-row insert or written into a COPY stream.
enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    /// An enum's wire name (`"modbus"`, `"read"`…, its `as_str()`):
    /// static text, no allocation per row.
    Name(&'static str),
    OptName(Option<&'static str>),
    Bool(bool),
}

/// Rows of one table, stored flat: `columns` values per row, one allocation
/// for the whole table rather than one per row.
struct Rows {
    columns: usize,
    values: Vec<Val>,
}

impl Rows {
    fn with_capacity(columns: usize, rows: usize) -> Rows {
        Rows {
            columns,
            values: Vec::with_capacity(columns * rows),
        }
    }

    fn push(&mut self, row: impl IntoIterator<Item = Val>) {
        let before = self.values.len();
        self.values.extend(row);
        debug_assert_eq!(self.values.len() - before, self.columns);
    }

    fn len(&self) -> usize {
        self.values.len() / self.columns
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn iter(&self) -> std::slice::Chunks<'_, Val> {
        self.values.chunks(self.columns)
    }
}

fn int(v: u64, what: &str) -> Result<i64, IngestError> {
    i64::try_from(v)
        .map_err(|_| IngestError::Invalid(format!("{what}: {v} is larger than 2^63 - 1")))
}

fn text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// One batch converted to rows, ready to be written.
struct Prepared {
    tenant_id: i64,
    sensor_id: i64,
    sequence: i64,
    minute_start: i64,
    flows: Rows,
    operations: Rows,
    identities: Rows,
    hosts: Rows,
    packets: i64,
    bytes: i64,
    dropped: Option<i64>,
    backlog: Option<i64>,
    lag: Option<i64>,
    counters_json: String,
    health_json: String,
    version: Option<String>,
    last_error: Option<String>,
    digest: Option<i64>,
    /// The batch's wire form, kept for the analysis (`batches.upload`).
    upload: Vec<u8>,
    upload_encoding: &'static str,
}

/// A batch's bytes as they were received, and how they are encoded
/// (`traffic::upload`): kept with the batch until it is analysed.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub bytes: &'a [u8],
    pub encoding: Encoding,
}

impl Prepared {
    fn rows(&self) -> usize {
        self.flows.len() + self.operations.len() + self.identities.len() + self.hosts.len()
    }
}

/// A batch waiting for the SQLite writer, and where its outcome goes.
struct Job {
    batch: Prepared,
    reply: oneshot::Sender<Result<Claim, IngestError>>,
}

/// Limits of one group commit: bounded so a burst never makes one
/// transaction (and the wait of its first batch) grow without end.
const GROUP_BATCHES: usize = 64;
const GROUP_ROWS: usize = 100_000;

const INSERT_BATCH: &str = "INSERT INTO batches (sensor_id, sequence, tenant_id, minute_start, received_at, flows, operations, identities, hosts, packets, bytes, counters_json, health_json, content_digest, upload, upload_encoding) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (tenant_id, sensor_id, sequence) DO NOTHING";

const STORED_DIGEST: &str =
    "SELECT content_digest FROM batches WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3";

/// Totals always add up; the health columns follow the newest sequence
/// only, so an old batch arriving late (a spool drained out of order) never
/// turns `last_sequence` or the sensor's reported state back. In an UPDATE
/// every expression reads the row as it was, on both engines.
const UPDATE_SENSOR: &str = "UPDATE sensors SET \
     last_upload_at = $1, \
     last_minute = CASE WHEN last_minute IS NULL OR last_minute < $2 THEN $2 ELSE last_minute END, \
     batches = batches + 1, packets_total = packets_total + $4, \
     capture_dropped_total = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $5 ELSE capture_dropped_total END, \
     spool_backlog = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $6 ELSE spool_backlog END, \
     lag_s = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $7 ELSE lag_s END, \
     version = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $8 ELSE version END, \
     last_error = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $9 ELSE last_error END, \
     last_sequence = CASE WHEN last_sequence IS NULL OR last_sequence < $3 THEN $3 ELSE last_sequence END \
     WHERE id = $10";

/// Binds INSERT_BATCH's parameters (the same for both engines' query types).
macro_rules! bind_batch {
    ($query:expr, $p:expr, $now:expr) => {
        $query
            .bind($p.sensor_id)
            .bind($p.sequence)
            .bind($p.tenant_id)
            .bind($p.minute_start)
            .bind($now)
            .bind($p.flows.len() as i64)
            .bind($p.operations.len() as i64)
            .bind($p.identities.len() as i64)
            .bind($p.hosts.len() as i64)
            .bind($p.packets)
            .bind($p.bytes)
            .bind($p.counters_json.as_str())
            .bind($p.health_json.as_str())
            .bind($p.digest)
            .bind($p.upload.as_slice())
            .bind($p.upload_encoding)
    };
}

/// Binds UPDATE_SENSOR's parameters.
macro_rules! bind_sensor {
    ($query:expr, $p:expr, $now:expr) => {
        $query
            .bind($now)
            .bind($p.minute_start)
            .bind($p.sequence)
            .bind($p.packets)
            .bind($p.dropped)
            .bind($p.backlog)
            .bind($p.lag)
            .bind($p.version.as_deref())
            .bind($p.last_error.as_deref())
            .bind($p.sensor_id)
    };
}

/// Rows per INSERT: below SQLite's 32,766 bound parameters for the widest
/// table (29 columns).
const ROWS_PER_INSERT: usize = 500;

/// Multi-row INSERTs with `?` placeholders (SQLite looks numbered parameters
/// up by name, once per bind: quadratic in a 14,000-parameter insert).
async fn insert_rows(
    tx: &mut Transaction<'static, Sqlite>,
    table: &str,
    columns: &[&str],
    rows: &Rows,
) -> Result<(), sqlx::Error> {
    debug_assert_eq!(columns.len(), rows.columns);
    for chunk in rows.values.chunks(ROWS_PER_INSERT * rows.columns) {
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            vec![row.as_str(); chunk.len() / rows.columns].join(", ")
        );
        let mut query = sqlx::query::<Sqlite>(&sql);
        for v in chunk {
            query = match v {
                Val::Int(x) => query.bind(*x),
                Val::OptInt(x) => query.bind(*x),
                Val::Text(x) => query.bind(x.as_str()),
                Val::OptText(x) => query.bind(x.as_deref()),
                Val::Name(x) => query.bind(*x),
                Val::OptName(x) => query.bind(*x),
                Val::Bool(x) => query.bind(*x),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Appends `text` to a COPY text-format stream, escaped.
fn copy_text(out: &mut Vec<u8>, text: &str) {
    for b in text.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// Rows in PostgreSQL's COPY text format: tab-separated, `\N` for NULL.
fn copy_stream(rows: &Rows) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(rows.len() * 256);
    for row in rows.iter() {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            let _ = match v {
                Val::Int(x) | Val::OptInt(Some(x)) => write!(out, "{x}"),
                Val::Text(x) | Val::OptText(Some(x)) => {
                    copy_text(&mut out, x);
                    Ok(())
                }
                Val::Name(x) | Val::OptName(Some(x)) => {
                    copy_text(&mut out, x);
                    Ok(())
                }
                Val::OptInt(None) | Val::OptText(None) | Val::OptName(None) => {
                    out.write_all(b"\\N")
                }
                Val::Bool(x) => out.write_all(if *x { b"t" } else { b"f" }),
            };
        }
        out.push(b'\n');
    }
    out
}

async fn copy_rows(
    conn: &mut sqlx::PgConnection,
    table: &str,
    columns: &[&str],
    rows: &Rows,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut copy = conn.copy_in_raw(&sql).await?;
    copy.send(copy_stream(rows)).await?;
    copy.finish().await?;
    Ok(())
}

/// Writes one batch inside `tx`, unless its key is taken.
async fn write_sqlite(
    tx: &mut Transaction<'static, Sqlite>,
    p: &Prepared,
    now: i64,
) -> Result<Claim, sqlx::Error> {
    let claimed = bind_batch!(sqlx::query::<Sqlite>(INSERT_BATCH), p, now)
        .execute(&mut **tx)
        .await?;
    if claimed.rows_affected() == 0 {
        let stored: Option<i64> = sqlx::query_scalar::<Sqlite, Option<i64>>(STORED_DIGEST)
            .bind(p.tenant_id)
            .bind(p.sensor_id)
            .bind(p.sequence)
            .fetch_one(&mut **tx)
            .await?;
        return Ok(Claim::of_existing(stored, p.digest));
    }
    insert_rows(tx, "flow_minutes", &FLOW_COLUMNS, &p.flows).await?;
    insert_rows(tx, "operation_minutes", &OPERATION_COLUMNS, &p.operations).await?;
    insert_rows(
        tx,
        "identity_observations",
        &IDENTITY_COLUMNS,
        &p.identities,
    )
    .await?;
    insert_rows(tx, "host_minutes", &HOST_COLUMNS, &p.hosts).await?;
    bind_sensor!(sqlx::query::<Sqlite>(UPDATE_SENSOR), p, now)
        .execute(&mut **tx)
        .await?;
    Ok(Claim::Stored)
}

/// Commits `group` in one SQLite transaction.
async fn commit_group(
    writer: &sqlx::SqlitePool,
    group: &[&Prepared],
) -> Result<Vec<Claim>, sqlx::Error> {
    let now = now_secs();
    let mut tx = writer.begin().await?;
    let mut stored = Vec::with_capacity(group.len());
    for p in group {
        stored.push(write_sqlite(&mut tx, p, now).await?);
    }
    tx.commit().await?;
    Ok(stored)
}

/// The SQLite writer: everything queued while a group was being written goes
/// into the next group.
async fn sqlite_writer(db: sqlx::SqlitePool, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut rows = first.batch.rows();
        let mut group = vec![first];
        while group.len() < GROUP_BATCHES && rows < GROUP_ROWS {
            let Ok(job) = jobs.try_recv() else { break };
            rows += job.batch.rows();
            group.push(job);
        }
        let batches: Vec<&Prepared> = group.iter().map(|j| &j.batch).collect();
        match commit_group(&db, &batches).await {
            Ok(stored) => {
                for (job, stored) in group.into_iter().zip(stored) {
                    let _ = job.reply.send(Ok(stored));
                }
            }
            Err(error) => {
                // One bad batch must not fail the others: each alone.
                tracing::warn!(%error, batches = group.len(), "group commit failed; storing one by one");
                for job in group {
                    let result = commit_group(&db, &[&job.batch])
                        .await
                        .map(|s| s[0])
                        .map_err(unavailable);
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

pub(crate) const FLOW_COLUMNS: [&str; 29] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "sequence",
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

pub(crate) const OPERATION_COLUMNS: [&str; 23] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "sequence",
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
    "vlan",
];

pub(crate) const IDENTITY_COLUMNS: [&str; 11] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "sequence",
    "mac",
    "ip",
    "source",
    "attribute",
    "value",
    "first_seen_ms",
    "vlan",
];

pub(crate) const HOST_COLUMNS: [&str; 17] = [
    "tenant_id",
    "sensor_id",
    "minute_start",
    "sequence",
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
    "vlan",
];

impl Ingest {
    pub fn new(db: Db, stored: std::sync::Arc<tokio::sync::Notify>) -> Self {
        Ingest {
            db,
            sqlite_queue: Default::default(),
            stored,
        }
    }

    /// Stores `batch` once under (sensor, sequence). `digest` fingerprints
    /// its content (None when there is nothing to compare, as for portal
    /// uploads): a replay of a stored sequence with another digest is
    /// refused as a conflict. The batch is encoded for the analysis
    /// (`traffic::upload::encode`); [`Ingest::store_received`] keeps the
    /// bytes a sensor sent instead.
    pub async fn store(
        &self,
        sensor: &AuthenticatedSensor,
        batch: &Batch,
        digest: Option<i64>,
    ) -> Result<IngestOutcome, IngestError> {
        let upload = traffic::upload::encode(batch);
        self.store_prepared(
            prepare(sensor, batch, digest, upload, Encoding::Cbor)?,
            batch,
        )
        .await
    }

    /// [`Ingest::store`] for a batch decoded from `received`: those bytes
    /// are what the analysis reads back.
    pub async fn store_received(
        &self,
        sensor: &AuthenticatedSensor,
        batch: &Batch,
        digest: i64,
        received: Received<'_>,
    ) -> Result<IngestOutcome, IngestError> {
        let upload = received.bytes.to_vec();
        let prepared = prepare(sensor, batch, Some(digest), upload, received.encoding)?;
        self.store_prepared(prepared, batch).await
    }

    async fn store_prepared(
        &self,
        prepared: Prepared,
        batch: &Batch,
    ) -> Result<IngestOutcome, IngestError> {
        let flows = batch.flows.len();
        let claim = match (self.db.pg_pool(), self.db.sqlite_writer()) {
            (Some(pg), _) => store_postgres(pg, &prepared).await.map_err(unavailable)?,
            (None, None) => return Err(IngestError::Unavailable),
            (None, Some(writer)) => {
                let queue = self.sqlite_queue.get_or_init(|| {
                    let (tx, rx) = mpsc::channel(1024);
                    tokio::spawn(sqlite_writer(writer.clone(), rx));
                    tx
                });
                let (reply, outcome) = oneshot::channel();
                let job = Job {
                    batch: prepared,
                    reply,
                };
                if queue.send(job).await.is_err() {
                    tracing::error!("the SQLite writer has stopped");
                    return Err(IngestError::Unavailable);
                }
                outcome.await.map_err(|_| IngestError::Unavailable)??
            }
        };
        match claim {
            Claim::Stored => {
                // After the commit: the job finds the batch when it wakes.
                self.stored.notify_one();
                Ok(IngestOutcome {
                    stored: true,
                    flows,
                })
            }
            Claim::Duplicate => Ok(IngestOutcome {
                stored: false,
                flows,
            }),
            Claim::Conflict => {
                tracing::warn!(
                    sensor = batch.sensor_id,
                    sequence = batch.sequence,
                    "a stored sequence was sent again with different content"
                );
                Err(IngestError::Conflict {
                    sequence: batch.sequence,
                })
            }
        }
    }
}

async fn store_postgres(pg: &sqlx::PgPool, p: &Prepared) -> Result<Claim, sqlx::Error> {
    let now = now_secs();
    let mut tx = pg.begin().await?;
    let claimed = bind_batch!(sqlx::query(INSERT_BATCH), p, now)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() == 0 {
        let stored: Option<i64> = sqlx::query_scalar(STORED_DIGEST)
            .bind(p.tenant_id)
            .bind(p.sensor_id)
            .bind(p.sequence)
            .fetch_one(&mut *tx)
            .await?;
        tx.rollback().await?;
        return Ok(Claim::of_existing(stored, p.digest));
    }
    copy_rows(&mut tx, "flow_minutes", &FLOW_COLUMNS, &p.flows).await?;
    copy_rows(
        &mut tx,
        "operation_minutes",
        &OPERATION_COLUMNS,
        &p.operations,
    )
    .await?;
    copy_rows(
        &mut tx,
        "identity_observations",
        &IDENTITY_COLUMNS,
        &p.identities,
    )
    .await?;
    copy_rows(&mut tx, "host_minutes", &HOST_COLUMNS, &p.hosts).await?;
    bind_sensor!(sqlx::query(UPDATE_SENSOR), p, now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Claim::Stored)
}

/// Converts a batch to rows. Everything is converted before any write: a
/// value that cannot be stored refuses the whole batch, and nothing is
/// half-written.
fn prepare(
    sensor: &AuthenticatedSensor,
    batch: &Batch,
    digest: Option<i64>,
    upload: Vec<u8>,
    upload_encoding: Encoding,
) -> Result<Prepared, IngestError> {
    if batch.sequence == 0 {
        return Err(IngestError::Invalid(
            "sequence: must be 1 or more (docs/SENSOR-API.md)".into(),
        ));
    }
    let sequence = int(batch.sequence, "sequence")?;
    if batch.minute_start % 60 != 0 {
        return Err(IngestError::Invalid(format!(
            "minute_start: {} is not the start of a minute",
            batch.minute_start
        )));
    }
    let (t, s, m) = (sensor.tenant_id, sensor.id, batch.minute_start);
    let mut flows = Rows::with_capacity(FLOW_COLUMNS.len(), batch.flows.len());
    for f in &batch.flows {
        flows.push([
            Val::Int(t),
            Val::Int(s),
            Val::Int(m),
            Val::Int(sequence),
            Val::Name(f.transport.as_str()),
            Val::Int(f.ip_protocol.into()),
            Val::Text(f.client_ip.to_string()),
            Val::Text(f.server_ip.to_string()),
            Val::Int(f.client_port.into()),
            Val::Int(f.server_port.into()),
            Val::OptText(text(&f.client_mac)),
            Val::OptText(text(&f.server_mac)),
            Val::OptInt(f.vlan.map(i64::from)),
            Val::Name(f.initiator.as_str()),
            Val::OptName(f.protocol.map(|v| v.as_str())),
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
            Val::OptName(f.ended.map(|v| v.as_str())),
            Val::Int(int(f.reassembly_gap_bytes, "flows.reassembly_gap_bytes")?),
        ]);
    }
    let mut operations = Rows::with_capacity(OPERATION_COLUMNS.len(), batch.operations.len());
    for o in &batch.operations {
        operations.push([
            Val::Int(t),
            Val::Int(s),
            Val::Int(m),
            Val::Int(sequence),
            Val::Name(o.transport.as_str()),
            Val::OptText(text(&o.client_ip)),
            Val::OptText(text(&o.server_ip)),
            Val::OptInt(o.server_port.map(i64::from)),
            Val::OptText(text(&o.client_mac)),
            Val::OptText(text(&o.server_mac)),
            Val::Name(o.protocol.as_str()),
            Val::Int(o.function_code.into()),
            Val::Text(o.name.clone()),
            Val::Name(o.class.as_str()),
            Val::OptInt(o.unit.map(i64::from)),
            Val::Name(o.direction.as_str()),
            Val::OptInt(o.error_code.map(i64::from)),
            Val::Int(int(o.count, "operations.count")?),
            Val::Int(o.first_seen_ms),
            Val::Int(o.last_seen_ms),
            Val::Text(serde_json::to_string(&o.ranges).unwrap_or_else(|_| "[]".into())),
            Val::Bool(o.ranges_truncated),
            Val::OptInt(o.vlan.map(i64::from)),
        ]);
    }
    let mut identities = Rows::with_capacity(IDENTITY_COLUMNS.len(), batch.identities.len());
    for i in &batch.identities {
        identities.push([
            Val::Int(t),
            Val::Int(s),
            Val::Int(m),
            Val::Int(sequence),
            Val::OptText(text(&i.mac)),
            Val::OptText(text(&i.ip)),
            Val::Text(i.source.clone()),
            Val::Text(i.attribute.clone()),
            Val::Text(i.value.clone()),
            Val::Int(i.first_seen_ms),
            Val::OptInt(i.vlan.map(i64::from)),
        ]);
    }
    let mut hosts = Rows::with_capacity(HOST_COLUMNS.len(), batch.hosts.len());
    for h in &batch.hosts {
        hosts.push([
            Val::Int(t),
            Val::Int(s),
            Val::Int(m),
            Val::Int(sequence),
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
            Val::OptInt(h.vlan.map(i64::from)),
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
    Ok(Prepared {
        tenant_id: t,
        sensor_id: s,
        sequence,
        minute_start: m,
        flows,
        operations,
        identities,
        hosts,
        packets,
        bytes,
        dropped,
        backlog,
        lag,
        counters_json,
        health_json,
        version: health.version.clone(),
        last_error: health.last_error.clone(),
        digest,
        upload,
        upload_encoding: upload_encoding.as_str(),
    })
}

/// What a tenant has stored, for the portal overview.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredTotals {
    pub batches: i64,
    pub flow_records: i64,
    pub operations: i64,
}

impl Ingest {
    pub async fn totals(&self, tenant_id: i64) -> Result<StoredTotals, crate::StoreError> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT COUNT(*) AS batches, CAST(COALESCE(SUM(flows), 0) AS BIGINT) AS flows, \
             (SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM operation_minutes WHERE tenant_id = $1) \
             + (SELECT CAST(COALESCE(SUM(operations), 0) AS BIGINT) FROM retention_totals WHERE tenant_id = $1) AS operations \
             FROM batches WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(self.db.pool())
        .await
        .map_err(crate::db::internal)?;
        let get = |c: &str| row.try_get::<i64, _>(c).map_err(crate::db::internal);
        Ok(StoredTotals {
            batches: get("batches")?,
            flow_records: get("flows")?,
            operations: get("operations")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_are_tab_separated_escaped_and_null_aware() {
        let mut rows = Rows::with_capacity(9, 2);
        rows.push([
            Val::Int(-7),
            Val::OptInt(None),
            Val::Text("a\tb\nc\\d\re".into()),
            Val::OptText(None),
            Val::OptText(Some("\\N".into())),
            Val::Bool(true),
            Val::Bool(false),
            Val::Name("modbus"),
            Val::OptName(None),
        ]);
        rows.push([
            Val::Int(0),
            Val::OptInt(Some(42)),
            Val::Text(String::new()),
            Val::OptText(Some("日本".into())),
            Val::OptText(Some(String::new())),
            Val::Bool(false),
            Val::Bool(true),
            Val::Name(""),
            Val::OptName(Some("s7comm_plus")),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            String::from_utf8(copy_stream(&rows)).unwrap(),
            "-7\t\\N\ta\\tb\\nc\\\\d\\re\t\\N\t\\\\N\tt\tf\tmodbus\t\\N\n0\t42\t\t日本\t\tf\tt\t\ts7comm_plus\n"
        );
    }
}
