//! Alert export as stored (docs/EXPORT.md): a tenant's receivers, and the
//! outbox of deliveries. The analysis step queues one delivery per alert
//! and receiver in its own transaction ([`enqueue`]), so an alert opened is
//! never lost to a crash; the server's sender claims due deliveries
//! ([`Exports::claim_due`]) and records each outcome. Every portal query is
//! scoped by tenant.

use ::analysis::detect::Alert;
use model::exports::{CheckedReceiver, DeliveryRow, ReceiverKind, ReceiverRow, severity_rank};
use rand::RngCore;
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::db::{Db, internal};
use crate::now_secs;

/// Receivers a tenant may have at once: enough for a SIEM, a backup and a
/// few chat hooks, few enough that one alert never fans out unbounded.
pub const MAX_RECEIVERS: i64 = 10;

/// Rows the delivery log shows at most.
pub const MAX_LOG: i64 = 500;

#[derive(Clone)]
pub struct Exports {
    db: Db,
}

/// A delivery the sender has claimed: where to, and the alert as stored.
#[derive(Debug, Clone)]
pub struct Due {
    pub tenant_id: i64,
    pub receiver_id: i64,
    pub alert_id: i64,
    /// Tries before this one.
    pub attempts: i64,
    pub kind: ReceiverKind,
    pub address: String,
    pub secret: String,
    /// The CA certificates a TLS receiver's certificate is checked
    /// against; empty for the public roots.
    pub ca_pem: String,
    pub alert_type: String,
    pub severity: String,
    pub title_en: String,
    /// The alert's whole view (`analysis::detect::AlertView`) as JSON.
    pub view_json: String,
}

/// Queues the alerts this step opened or updated for every enabled
/// receiver of the tenant whose lowest severity they reach. A delivery
/// exists once per alert and receiver, so a repeat of a delivered alert is
/// not sent again.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    tenant_id: i64,
    alerts: &[&Alert],
    now_ms: i64,
) -> Result<(), StoreError> {
    if alerts.is_empty() {
        return Ok(());
    }
    let receivers = sqlx::query(
        "SELECT receiver_id, min_severity FROM export_receivers \
         WHERE tenant_id = $1 AND enabled AND deleted_at IS NULL",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    for r in &receivers {
        let receiver_id: i64 = r.try_get("receiver_id").map_err(internal)?;
        let min: String = r.try_get("min_severity").map_err(internal)?;
        let min = severity_rank(&min).unwrap_or(0);
        for a in alerts {
            if severity_rank(a.severity.as_str()).unwrap_or(0) < min {
                continue;
            }
            sqlx::query(
                "INSERT INTO export_deliveries (tenant_id, receiver_id, alert_id, state, attempts, \
                 next_attempt_ms, created_ms) VALUES ($1, $2, $3, 'pending', 0, $4, $4) \
                 ON CONFLICT (tenant_id, receiver_id, alert_id) DO NOTHING",
            )
            .bind(tenant_id)
            .bind(receiver_id)
            .bind(i64::try_from(a.id).unwrap_or(i64::MAX))
            .bind(now_ms)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
        }
    }
    Ok(())
}

const RECEIVER_COLUMNS: &str = "r.receiver_id, r.kind, r.address, r.min_severity, \
    CAST(CASE WHEN r.enabled THEN 1 ELSE 0 END AS BIGINT) AS enabled, r.secret, r.created_by, \
    r.created_at, CAST(CASE WHEN r.ca_pem <> '' THEN 1 ELSE 0 END AS BIGINT) AS own_ca";

impl Exports {
    pub fn new(db: Db) -> Exports {
        Exports { db }
    }

    /// The tenant's receivers (deleted ones aside), oldest first, with how
    /// many deliveries each has waiting and delivered.
    pub async fn receivers(&self, tenant_id: i64) -> Result<Vec<ReceiverRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RECEIVER_COLUMNS}, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM export_deliveries d WHERE d.tenant_id = r.tenant_id \
              AND d.receiver_id = r.receiver_id AND d.state = 'pending') AS pending, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM export_deliveries d WHERE d.tenant_id = r.tenant_id \
              AND d.receiver_id = r.receiver_id AND d.state = 'delivered') AS delivered \
             FROM export_receivers r WHERE r.tenant_id = $1 AND r.deleted_at IS NULL \
             ORDER BY r.receiver_id"
        ))
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(receiver_row).collect()
    }

    /// Adds a receiver. A webhook gets a new random signing key, shown to
    /// the tenant's admins on the settings page. Alerts opened or repeated
    /// from the next analysis step on are sent to it.
    pub async fn add_receiver(
        &self,
        tenant_id: i64,
        receiver: &CheckedReceiver,
        created_by: &str,
    ) -> Result<ReceiverRow, StoreError> {
        let secret = match receiver.kind {
            ReceiverKind::Webhook => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                hex::encode(key)
            }
            ReceiverKind::SyslogTcp | ReceiverKind::SyslogTls | ReceiverKind::SyslogUdp => {
                String::new()
            }
        };
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let live: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM export_receivers \
             WHERE tenant_id = $1 AND deleted_at IS NULL",
        )
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        if live >= MAX_RECEIVERS {
            return Err(StoreError::invalid(
                "address",
                format!("a tenant has at most {MAX_RECEIVERS} receivers; delete one first"),
            ));
        }
        let receiver_id: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(receiver_id), 0) + 1 AS BIGINT) FROM export_receivers \
             WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let inserted = sqlx::query(
            "INSERT INTO export_receivers (tenant_id, receiver_id, kind, address, min_severity, \
             enabled, secret, created_by, created_at, ca_pem) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant_id)
        .bind(receiver_id)
        .bind(receiver.kind.as_str())
        .bind(receiver.address.as_str())
        .bind(receiver.min_severity)
        .bind(true)
        .bind(secret.as_str())
        .bind(created_by)
        .bind(now_secs())
        .bind(receiver.ca_pem.as_str())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Two admins adding at once: the second is told to try again.
            Err(e) if crate::db::is_unique_violation(&e) => {
                return Err(StoreError::invalid(
                    "address",
                    "another receiver was added at the same moment; try again",
                ));
            }
            Err(e) => return Err(internal(e)),
        }
        tx.commit().await.map_err(internal)?;
        self.receivers(tenant_id)
            .await?
            .into_iter()
            .find(|r| r.id == receiver_id)
            .ok_or(StoreError::Internal)
    }

    /// Pauses or resumes a receiver. While paused, new alerts are not
    /// queued for it; deliveries already queued wait and go out on resume.
    pub async fn set_enabled(
        &self,
        tenant_id: i64,
        receiver_id: i64,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE export_receivers SET enabled = $1 \
             WHERE tenant_id = $2 AND receiver_id = $3 AND deleted_at IS NULL",
        )
        .bind(enabled)
        .bind(tenant_id)
        .bind(receiver_id)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        found(done.rows_affected())
    }

    /// Deletes a receiver: nothing more is sent to it, what is waiting is
    /// dropped. Its row and delivery log stay, with who and when.
    pub async fn delete_receiver(
        &self,
        tenant_id: i64,
        receiver_id: i64,
        deleted_by: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE export_receivers SET deleted_by = $1, deleted_at = $2, enabled = $3 \
             WHERE tenant_id = $4 AND receiver_id = $5 AND deleted_at IS NULL",
        )
        .bind(deleted_by)
        .bind(now_secs())
        .bind(false)
        .bind(tenant_id)
        .bind(receiver_id)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        found(done.rows_affected())
    }

    /// The tenant's latest deliveries to its receivers, newest first.
    pub async fn deliveries(
        &self,
        tenant_id: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.receiver_id, d.alert_id, a.alert_type, a.severity, d.state, d.attempts, \
             d.next_attempt_ms, d.last_attempt_ms, d.delivered_ms, d.last_error \
             FROM export_deliveries d JOIN alerts a \
             ON a.tenant_id = d.tenant_id AND a.alert_id = d.alert_id \
             JOIN export_receivers r ON r.tenant_id = d.tenant_id AND r.receiver_id = d.receiver_id \
             WHERE d.tenant_id = $1 AND r.deleted_at IS NULL \
             ORDER BY d.created_ms DESC, d.alert_id DESC, d.receiver_id LIMIT $2",
        )
        .bind(tenant_id)
        .bind(limit.clamp(1, MAX_LOG))
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(delivery_row).collect()
    }

    /// Up to `limit` deliveries due at `now_ms` to enabled receivers, each
    /// claimed for `lease_ms`: another sender (another instance) skips it
    /// meanwhile, and if this one dies mid-send it is due again afterwards.
    /// Oldest due first.
    pub async fn claim_due(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Due>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.tenant_id, d.receiver_id, d.alert_id, d.attempts, d.next_attempt_ms, \
             r.kind, r.address, r.secret, r.ca_pem, a.alert_type, a.severity, a.title_en, a.view_json \
             FROM export_deliveries d \
             JOIN export_receivers r ON r.tenant_id = d.tenant_id AND r.receiver_id = d.receiver_id \
             JOIN alerts a ON a.tenant_id = d.tenant_id AND a.alert_id = d.alert_id \
             WHERE d.state = 'pending' AND d.next_attempt_ms <= $1 \
             AND r.enabled AND r.deleted_at IS NULL \
             ORDER BY d.next_attempt_ms, d.tenant_id, d.alert_id LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let due = due_row(row)?;
            let was: i64 = row.try_get("next_attempt_ms").map_err(internal)?;
            let got = sqlx::query(
                "UPDATE export_deliveries SET next_attempt_ms = $1 \
                 WHERE tenant_id = $2 AND receiver_id = $3 AND alert_id = $4 \
                 AND state = 'pending' AND next_attempt_ms = $5",
            )
            .bind(now_ms.saturating_add(lease_ms))
            .bind(due.tenant_id)
            .bind(due.receiver_id)
            .bind(due.alert_id)
            .bind(was)
            .execute(self.db.pool())
            .await
            .map_err(internal)?;
            if got.rows_affected() == 1 {
                claimed.push(due);
            }
        }
        Ok(claimed)
    }

    /// The receiver took the alert.
    pub async fn delivered(&self, due: &Due, now_ms: i64) -> Result<(), StoreError> {
        keyed(
            "UPDATE export_deliveries SET state = 'delivered', attempts = attempts + 1, \
             last_attempt_ms = $4, delivered_ms = $4, last_error = NULL \
             WHERE tenant_id = $1 AND receiver_id = $2 AND alert_id = $3",
            due,
        )
        .bind(now_ms)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Hands a claimed delivery back untried, due at `now_ms`.
    pub async fn release(&self, due: &Due, now_ms: i64) -> Result<(), StoreError> {
        keyed(
            "UPDATE export_deliveries SET next_attempt_ms = $4 \
             WHERE tenant_id = $1 AND receiver_id = $2 AND alert_id = $3 AND state = 'pending'",
            due,
        )
        .bind(now_ms)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// The try failed with `error`; the next is at `next_attempt_ms`.
    pub async fn failed(
        &self,
        due: &Due,
        now_ms: i64,
        next_attempt_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(500).collect();
        keyed(
            "UPDATE export_deliveries SET attempts = attempts + 1, last_attempt_ms = $4, \
             next_attempt_ms = $5, last_error = $6 \
             WHERE tenant_id = $1 AND receiver_id = $2 AND alert_id = $3 AND state = 'pending'",
            due,
        )
        .bind(now_ms)
        .bind(next_attempt_ms)
        .bind(error)
        .execute(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(())
    }
}

fn found(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// An update of one claimed delivery: `sql` names it by `$1` tenant, `$2`
/// receiver and `$3` alert; the caller binds its own values from `$4`.
fn keyed<'q>(
    sql: &'q str,
    due: &Due,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(due.tenant_id)
        .bind(due.receiver_id)
        .bind(due.alert_id)
}

fn receiver_row(row: &AnyRow) -> Result<ReceiverRow, StoreError> {
    Ok(ReceiverRow {
        id: row.try_get("receiver_id").map_err(internal)?,
        kind: row.try_get("kind").map_err(internal)?,
        address: row.try_get("address").map_err(internal)?,
        min_severity: row.try_get("min_severity").map_err(internal)?,
        enabled: row.try_get::<i64, _>("enabled").map_err(internal)? != 0,
        secret: row.try_get("secret").map_err(internal)?,
        own_ca: row.try_get::<i64, _>("own_ca").map_err(internal)? != 0,
        created_by: row.try_get("created_by").map_err(internal)?,
        created_at: row.try_get("created_at").map_err(internal)?,
        pending: row.try_get("pending").map_err(internal)?,
        delivered: row.try_get("delivered").map_err(internal)?,
    })
}

fn delivery_row(row: &AnyRow) -> Result<DeliveryRow, StoreError> {
    Ok(DeliveryRow {
        receiver_id: row.try_get("receiver_id").map_err(internal)?,
        alert_id: row.try_get("alert_id").map_err(internal)?,
        alert_type: row.try_get("alert_type").map_err(internal)?,
        severity: row.try_get("severity").map_err(internal)?,
        state: row.try_get("state").map_err(internal)?,
        attempts: row.try_get("attempts").map_err(internal)?,
        next_attempt_ms: row.try_get("next_attempt_ms").map_err(internal)?,
        last_attempt_ms: row.try_get("last_attempt_ms").map_err(internal)?,
        delivered_ms: row.try_get("delivered_ms").map_err(internal)?,
        last_error: row.try_get("last_error").map_err(internal)?,
    })
}

fn due_row(row: &AnyRow) -> Result<Due, StoreError> {
    let kind: String = row.try_get("kind").map_err(internal)?;
    Ok(Due {
        tenant_id: row.try_get("tenant_id").map_err(internal)?,
        receiver_id: row.try_get("receiver_id").map_err(internal)?,
        alert_id: row.try_get("alert_id").map_err(internal)?,
        attempts: row.try_get("attempts").map_err(internal)?,
        kind: ReceiverKind::parse("kind", &kind).map_err(|error| {
            tracing::error!(%error, "a stored receiver kind is unknown");
            StoreError::Internal
        })?,
        address: row.try_get("address").map_err(internal)?,
        secret: row.try_get("secret").map_err(internal)?,
        ca_pem: row.try_get("ca_pem").map_err(internal)?,
        alert_type: row.try_get("alert_type").map_err(internal)?,
        severity: row.try_get("severity").map_err(internal)?,
        title_en: row.try_get("title_en").map_err(internal)?,
        view_json: row.try_get("view_json").map_err(internal)?,
    })
}
