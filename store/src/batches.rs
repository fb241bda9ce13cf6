//! Stored batches read back for the analysis job. [`load`] reads the upload
//! kept with each batch until it is analysed (one value per batch); a batch
//! without one (stored before uploads were kept) or whose upload no longer
//! decodes is [`rebuild`]t from its minute rows, as `store/src/ingest.rs`
//! wrote them; the order of records within a batch is then not kept (the
//! engine does not depend on it). A row that cannot be read back is an
//! error naming the table, column and batch, never a panic: the database
//! may hold rows another version wrote.

use std::net::IpAddr;

use sqlx::Row;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool};
use traffic::ethernet::MacAddr;
use traffic::operation::{AddressRange, Direction, OperationClass, Protocol};
use traffic::record::{
    Batch, FlowEnd, FlowRecord, HostRecord, IdentityRecord, Initiator, OperationCount,
    SCHEMA_VERSION, TransportKind,
};
use traffic::upload::Encoding;

use crate::StoreError;
use crate::db::internal;
use crate::ingest::{FLOW_COLUMNS, HOST_COLUMNS, IDENTITY_COLUMNS, OPERATION_COLUMNS};

/// Why a stored batch could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored value is not what the schema allows.
    #[error("batch {sequence} of sensor {sensor_id}: {table}.{column}: {problem}")]
    Row {
        sensor_id: i64,
        sequence: i64,
        table: &'static str,
        column: &'static str,
        problem: String,
    },
}

/// Which batch is being read, for error messages.
#[derive(Clone, Copy)]
struct At {
    sensor_id: i64,
    sequence: i64,
    table: &'static str,
}

impl At {
    fn err(&self, column: &'static str, problem: impl Into<String>) -> RebuildError {
        RebuildError::Row {
            sensor_id: self.sensor_id,
            sequence: self.sequence,
            table: self.table,
            column,
            problem: problem.into(),
        }
    }

    fn get<T>(&self, row: &AnyRow, column: &'static str) -> Result<T, RebuildError>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        row.try_get(column)
            .map_err(|e| self.err(column, format!("cannot be read: {e}")))
    }

    fn num<T: TryFrom<i64>>(&self, row: &AnyRow, column: &'static str) -> Result<T, RebuildError> {
        let v: i64 = self.get(row, column)?;
        T::try_from(v).map_err(|_| self.err(column, format!("{v} is out of range")))
    }

    /// A boolean read as 0 or 1 ([`flag_column`]).
    fn flag(&self, row: &AnyRow, column: &'static str) -> Result<bool, RebuildError> {
        match self.get::<i64>(row, column)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(self.err(column, format!("{v} is not a boolean"))),
        }
    }

    fn opt_num<T: TryFrom<i64>>(
        &self,
        row: &AnyRow,
        column: &'static str,
    ) -> Result<Option<T>, RebuildError> {
        let v: Option<i64> = self.get(row, column)?;
        v.map(|v| T::try_from(v).map_err(|_| self.err(column, format!("{v} is out of range"))))
            .transpose()
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        row: &AnyRow,
        column: &'static str,
        what: &str,
    ) -> Result<Option<T>, RebuildError> {
        let v: Option<String> = self.get(row, column)?;
        v.map(|v| {
            v.parse()
                .map_err(|_| self.err(column, format!("{v:?} is not {what}")))
        })
        .transpose()
    }

    fn ip(&self, row: &AnyRow, column: &'static str) -> Result<Option<IpAddr>, RebuildError> {
        self.parsed(row, column, "an IP address")
    }

    fn mac(&self, row: &AnyRow, column: &'static str) -> Result<Option<MacAddr>, RebuildError> {
        self.parsed(row, column, "a MAC address")
    }

    /// An enum stored by its wire name (`as_str()`), found in its `ALL`.
    fn name<T: Copy>(
        &self,
        row: &AnyRow,
        column: &'static str,
        all: &[T],
        as_str: fn(T) -> &'static str,
    ) -> Result<Option<T>, RebuildError> {
        let v: Option<String> = self.get(row, column)?;
        v.map(|v| {
            all.iter()
                .copied()
                .find(|x| as_str(*x) == v)
                .ok_or_else(|| self.err(column, format!("{v:?} is not a known name")))
        })
        .transpose()
    }

    fn some<T>(&self, v: Option<T>, column: &'static str) -> Result<T, RebuildError> {
        v.ok_or_else(|| self.err(column, "is NULL"))
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        row: &AnyRow,
        column: &'static str,
    ) -> Result<T, RebuildError> {
        let v: String = self.get(row, column)?;
        serde_json::from_str(&v).map_err(|e| self.err(column, format!("is not valid JSON: {e}")))
    }
}

/// Batches `sequences` (ascending) of one sensor of the tenant, in that
/// order: each decoded from its kept upload, or rebuilt from its rows where
/// none is kept or it does not decode (logged: the rows are the record).
/// A sequence not stored is an error: the caller saw it stored.
pub async fn load(
    pool: &AnyPool,
    tenant_id: i64,
    sensor_id: i64,
    sequences: &[i64],
) -> Result<Vec<Batch>, RebuildError> {
    let (Some(first), Some(last)) = (sequences.first(), sequences.last()) else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT sequence, upload, upload_encoding FROM batches \
         WHERE tenant_id = $1 AND sensor_id = $2 AND sequence BETWEEN $3 AND $4 ORDER BY sequence",
    )
    .bind(tenant_id)
    .bind(sensor_id)
    .bind(*first)
    .bind(*last)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let mut uploads = Vec::with_capacity(sequences.len());
    for row in rows {
        let at = At {
            sensor_id,
            sequence: row.try_get("sequence").map_err(internal)?,
            table: "batches",
        };
        if sequences.binary_search(&at.sequence).is_err() {
            continue;
        }
        let bytes: Option<Vec<u8>> = at.get(&row, "upload")?;
        // An encoding this version does not know: the rows are read.
        let encoding = at
            .name(&row, "upload_encoding", &Encoding::ALL, Encoding::as_str)
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "a kept upload cannot be read; reading the batch's rows");
                None
            });
        uploads.push((at.sequence, bytes.zip(encoding)));
    }
    // Decompressing and decoding is CPU work: off the async workers.
    let decoded = tokio::task::spawn_blocking(move || {
        uploads
            .into_iter()
            .map(|(sequence, upload)| {
                let batch = upload.and_then(|(bytes, encoding)| {
                    traffic::upload::decode(&bytes, encoding)
                        .map_err(|error| {
                            tracing::warn!(sensor_id, sequence, %error,
                                "a kept upload does not decode; reading the batch's rows");
                        })
                        .ok()
                        .map(|d| d.batch)
                });
                (sequence, batch)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| StoreError::Internal)?;
    let mut batches = Vec::with_capacity(sequences.len());
    let mut decoded = decoded.into_iter().peekable();
    for &sequence in sequences {
        let batch = match decoded.next_if(|(s, _)| *s == sequence) {
            Some((_, Some(batch))) => Some(batch),
            Some((_, None)) => {
                let mut conn = pool.acquire().await.map_err(internal)?;
                rebuild(&mut conn, tenant_id, sensor_id, sequence).await?
            }
            None => None,
        };
        batches.push(batch.ok_or_else(|| RebuildError::Row {
            sensor_id,
            sequence,
            table: "batches",
            column: "sequence",
            problem: "is not stored".into(),
        })?);
    }
    Ok(batches)
}

const BY_BATCH: &str = "WHERE tenant_id = $1 AND sensor_id = $2 AND sequence = $3";

/// A BOOLEAN column as 0 or 1: sqlx's `Any` driver cannot decode SQLite's
/// booleans, and both engines cast this way.
pub(crate) fn flag_column(column: &str) -> String {
    format!("CAST(CASE WHEN {column} THEN 1 ELSE 0 END AS BIGINT) AS {column}")
}

/// The columns of `table` that ingestion writes, booleans as 0 or 1
/// ([`flag_column`]).
async fn rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    flags: &[&str],
    key: (i64, i64, i64),
) -> Result<Vec<AnyRow>, StoreError> {
    let list = columns
        .iter()
        .map(|c| {
            if flags.contains(c) {
                flag_column(c)
            } else {
                (*c).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!("SELECT {list} FROM {table} {BY_BATCH}"))
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .fetch_all(&mut *conn)
        .await
        .map_err(internal)
}

/// The batch stored under (tenant, sensor, sequence), rebuilt from its rows
/// on `conn`; `None` when no such batch is stored. The schema version is
/// the current one (the store keeps batches of the version it accepts).
pub async fn rebuild(
    conn: &mut AnyConnection,
    tenant_id: i64,
    sensor_id: i64,
    sequence: i64,
) -> Result<Option<Batch>, RebuildError> {
    let head = sqlx::query(
        "SELECT s.public_id, b.minute_start, b.counters_json, b.health_json FROM batches b \
         JOIN sensors s ON s.tenant_id = b.tenant_id AND s.id = b.sensor_id \
         WHERE b.tenant_id = $1 AND b.sensor_id = $2 AND b.sequence = $3",
    )
    .bind(tenant_id)
    .bind(sensor_id)
    .bind(sequence)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let Some(head) = head else { return Ok(None) };
    let at = |table| At {
        sensor_id,
        sequence,
        table,
    };
    let b = at("batches");
    let mut batch = Batch::empty(
        &b.get::<String>(&head, "public_id")?,
        u64::try_from(sequence).map_err(|_| b.err("sequence", "is negative"))?,
        b.get(&head, "minute_start")?,
    );
    debug_assert_eq!(batch.schema_version, SCHEMA_VERSION);
    batch.counters = b.json(&head, "counters_json")?;
    batch.health = b.json(&head, "health_json")?;
    let key = (tenant_id, sensor_id, sequence);

    let a = at("flow_minutes");
    for r in rows(conn, "flow_minutes", &FLOW_COLUMNS, &["started"], key).await? {
        batch.flows.push(FlowRecord {
            transport: a.some(
                a.name(&r, "transport", &TransportKind::ALL, TransportKind::as_str)?,
                "transport",
            )?,
            ip_protocol: a.num(&r, "ip_protocol")?,
            client_ip: a.some(a.ip(&r, "client_ip")?, "client_ip")?,
            server_ip: a.some(a.ip(&r, "server_ip")?, "server_ip")?,
            client_port: a.num(&r, "client_port")?,
            server_port: a.num(&r, "server_port")?,
            client_mac: a.mac(&r, "client_mac")?,
            server_mac: a.mac(&r, "server_mac")?,
            vlan: a.opt_num(&r, "vlan")?,
            initiator: a.some(
                a.name(&r, "initiator", &Initiator::ALL, Initiator::as_str)?,
                "initiator",
            )?,
            protocol: a.name(&r, "protocol", &Protocol::ALL, Protocol::as_str)?,
            flow_start_ms: a.get(&r, "flow_start_ms")?,
            first_seen_ms: a.get(&r, "first_seen_ms")?,
            last_seen_ms: a.get(&r, "last_seen_ms")?,
            packets_to_server: a.num(&r, "packets_to_server")?,
            packets_to_client: a.num(&r, "packets_to_client")?,
            bytes_to_server: a.num(&r, "bytes_to_server")?,
            bytes_to_client: a.num(&r, "bytes_to_client")?,
            payload_to_server: a.num(&r, "payload_to_server")?,
            payload_to_client: a.num(&r, "payload_to_client")?,
            tcp_flags_to_server: a.num(&r, "tcp_flags_to_server")?,
            tcp_flags_to_client: a.num(&r, "tcp_flags_to_client")?,
            started: a.flag(&r, "started")?,
            ended: a.name(&r, "ended", &FlowEnd::ALL, FlowEnd::as_str)?,
            reassembly_gap_bytes: a.num(&r, "reassembly_gap_bytes")?,
        });
    }

    let a = at("operation_minutes");
    for r in rows(
        conn,
        "operation_minutes",
        &OPERATION_COLUMNS,
        &["ranges_truncated"],
        key,
    )
    .await?
    {
        let ranges: Vec<AddressRange> = a.json(&r, "ranges_json")?;
        batch.operations.push(OperationCount {
            transport: a.some(
                a.name(&r, "transport", &TransportKind::ALL, TransportKind::as_str)?,
                "transport",
            )?,
            client_ip: a.ip(&r, "client_ip")?,
            server_ip: a.ip(&r, "server_ip")?,
            server_port: a.opt_num(&r, "server_port")?,
            client_mac: a.mac(&r, "client_mac")?,
            server_mac: a.mac(&r, "server_mac")?,
            protocol: a.some(
                a.name(&r, "protocol", &Protocol::ALL, Protocol::as_str)?,
                "protocol",
            )?,
            function_code: a.num(&r, "function_code")?,
            name: a.get(&r, "name")?,
            class: a.some(
                a.name(&r, "class", &OperationClass::ALL, OperationClass::as_str)?,
                "class",
            )?,
            unit: a.opt_num(&r, "unit")?,
            direction: a.some(
                a.name(&r, "direction", &Direction::ALL, Direction::as_str)?,
                "direction",
            )?,
            error_code: a.opt_num(&r, "error_code")?,
            count: a.num(&r, "count")?,
            first_seen_ms: a.get(&r, "first_seen_ms")?,
            last_seen_ms: a.get(&r, "last_seen_ms")?,
            ranges,
            ranges_truncated: a.flag(&r, "ranges_truncated")?,
            vlan: a.opt_num(&r, "vlan")?,
        });
    }

    let a = at("identity_observations");
    for r in rows(conn, "identity_observations", &IDENTITY_COLUMNS, &[], key).await? {
        batch.identities.push(IdentityRecord {
            mac: a.mac(&r, "mac")?,
            ip: a.ip(&r, "ip")?,
            source: a.get(&r, "source")?,
            attribute: a.get(&r, "attribute")?,
            value: a.get(&r, "value")?,
            first_seen_ms: a.get(&r, "first_seen_ms")?,
            vlan: a.opt_num(&r, "vlan")?,
        });
    }

    let a = at("host_minutes");
    for r in rows(conn, "host_minutes", &HOST_COLUMNS, &["grp"], key).await? {
        batch.hosts.push(HostRecord {
            mac: a.mac(&r, "mac")?,
            ip: a.ip(&r, "ip")?,
            group: a.flag(&r, "grp")?,
            vendor: a.get(&r, "vendor")?,
            macs: a.json(&r, "macs_json")?,
            ttl: a.opt_num(&r, "ttl")?,
            first_seen_ms: a.get(&r, "first_seen_ms")?,
            last_seen_ms: a.get(&r, "last_seen_ms")?,
            packets_sent: a.num(&r, "packets_sent")?,
            packets_received: a.num(&r, "packets_received")?,
            bytes_sent: a.num(&r, "bytes_sent")?,
            bytes_received: a.num(&r, "bytes_received")?,
            vlan: a.opt_num(&r, "vlan")?,
        });
    }
    Ok(Some(batch))
}
