//! Alerts as stored and triaged: the analysis step writes what the
//! detector opened or updated ([`upsert`], in the step's transaction) and
//! reads the active allows before each run ([`active_allows`]); the portal
//! lists, counts and reads them, changes their state and keeps the allow
//! list ([`Alerts`]). Every query is scoped by tenant: another tenant's
//! alert or allow id finds nothing.

/// The scopes an allow is made with, for the portal's forms.
pub use ::analysis::detect::ScopeKind;
use ::analysis::detect::{Alert, AlertType, Allow, AllowScope, Severity};
use model::alerts::{
    AlertAction, AlertCounts, AlertDetail, AlertFilter, AlertPage, AlertQuery, AlertRow,
    AlertState, AllowRow,
};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use traffic::operation::Protocol;

use crate::StoreError;
use crate::db::{Db, internal};
use crate::inventory::{Bind, bind_all};
use crate::now_secs;
use crate::tenant_lock::{self, Wait};

/// Every alert type's wire name, in the engine's order (forms list them so).
pub fn alert_type_names() -> Vec<&'static str> {
    AlertType::ALL.iter().map(|t| t.as_str()).collect()
}

/// Rows one page holds at most, and by default.
pub const MAX_PAGE: i64 = 500;
pub const DEFAULT_PAGE: i64 = 100;

/// Longest note kept with a state change or an allow.
pub const MAX_NOTE_CHARS: usize = 1000;

#[derive(Clone)]
pub struct Alerts {
    db: Db,
}

const ALERT_COLUMNS: &str = "alert_id, alert_type, severity, state, sensor, client_id, server_id, \
    protocol, subject, count, first_seen_ms, last_seen_ms, title_ja, title_en";

const ALLOW_COLUMNS: &str = "allow_id, alert_type, scope, client_id, server_id, protocol, asset_id, \
    zone, alert_id, note, created_by, created_at, revoked_by, revoked_at";

/// Writes the alerts the detector opened or updated in this step. A new
/// alert starts `new`; a repeat updates what the detector knows (severity,
/// count, times, evidence) and leaves the state a person gave it.
pub(crate) async fn upsert(
    conn: &mut AnyConnection,
    tenant_id: i64,
    alerts: &[&Alert],
    now: i64,
) -> Result<(), StoreError> {
    for a in alerts {
        let view = a.view();
        let view_json = serde_json::to_string(&view).map_err(|error| {
            tracing::error!(%error, "an alert view does not serialise");
            StoreError::Internal
        })?;
        sqlx::query(
            "INSERT INTO alerts (tenant_id, alert_id, alert_type, severity, state, sensor, client_id, \
             server_id, protocol, subject, count, first_seen_ms, last_seen_ms, title_ja, title_en, \
             view_json, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) \
             ON CONFLICT (tenant_id, alert_id) DO UPDATE SET severity = excluded.severity, \
             count = excluded.count, first_seen_ms = excluded.first_seen_ms, \
             last_seen_ms = excluded.last_seen_ms, title_ja = excluded.title_ja, \
             title_en = excluded.title_en, view_json = excluded.view_json, \
             updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(saturating(a.id))
        .bind(a.alert_type.as_str())
        .bind(a.severity.as_str())
        .bind(a.sensor.as_str())
        .bind(a.client.as_ref().map(|p| p.asset.as_str()))
        .bind(a.server.as_ref().map(|p| p.asset.as_str()))
        .bind(a.protocol.map(Protocol::as_str))
        .bind(a.subject.as_str())
        .bind(saturating(a.count))
        .bind(a.first_seen_ms)
        .bind(a.last_seen_ms)
        .bind(view.title.ja.as_str())
        .bind(view.title.en.as_str())
        .bind(view_json)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// The tenant's allows that are not revoked, as the detector takes them.
/// A type or protocol this version does not know (written by a newer one)
/// is skipped: it could not match anything this detector finds.
pub(crate) async fn active_allows(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<Allow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ALLOW_COLUMNS} FROM alert_allows WHERE tenant_id = $1 AND revoked_at IS NULL \
         ORDER BY allow_id"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut allows = Vec::with_capacity(rows.len());
    for row in &rows {
        let stored = allow_row(row)?;
        match engine_allow(&stored) {
            Some(allow) => allows.push(allow),
            None => tracing::warn!(
                tenant_id,
                allow_id = stored.id,
                "an allow names a type, scope or protocol this version does not know"
            ),
        }
    }
    Ok(allows)
}

fn engine_allow(row: &AllowRow) -> Option<Allow> {
    let alert_type = AlertType::parse(&row.alert_type)?;
    let scope = match ScopeKind::parse(&row.scope)? {
        ScopeKind::Edge => AllowScope::Edge {
            client: row.client_id.clone()?,
            server: row.server_id.clone()?,
            protocol: match row.protocol.as_deref() {
                None => None,
                Some(name) => Some(protocol(name)?),
            },
        },
        ScopeKind::Asset => AllowScope::Asset {
            asset: row.asset_id.clone()?,
        },
        ScopeKind::Zone => AllowScope::Zone {
            zone: row.zone.clone()?,
        },
    };
    Some(Allow { alert_type, scope })
}

fn protocol(name: &str) -> Option<Protocol> {
    Protocol::ALL.into_iter().find(|p| p.as_str() == name)
}

fn alert_row(row: &AnyRow) -> Result<AlertRow, StoreError> {
    let state: String = row.try_get("state").map_err(internal)?;
    Ok(AlertRow {
        id: row.try_get("alert_id").map_err(internal)?,
        alert_type: row.try_get("alert_type").map_err(internal)?,
        severity: row.try_get("severity").map_err(internal)?,
        state: AlertState::parse("state", &state).map_err(|error| {
            tracing::error!(%error, "a stored alert state is unknown");
            StoreError::Internal
        })?,
        sensor: row.try_get("sensor").map_err(internal)?,
        client_id: row.try_get("client_id").map_err(internal)?,
        server_id: row.try_get("server_id").map_err(internal)?,
        protocol: row.try_get("protocol").map_err(internal)?,
        subject: row.try_get("subject").map_err(internal)?,
        count: row.try_get("count").map_err(internal)?,
        first_seen_ms: row.try_get("first_seen_ms").map_err(internal)?,
        last_seen_ms: row.try_get("last_seen_ms").map_err(internal)?,
        title_ja: row.try_get("title_ja").map_err(internal)?,
        title_en: row.try_get("title_en").map_err(internal)?,
    })
}

fn allow_row(row: &AnyRow) -> Result<AllowRow, StoreError> {
    Ok(AllowRow {
        id: row.try_get("allow_id").map_err(internal)?,
        alert_type: row.try_get("alert_type").map_err(internal)?,
        scope: row.try_get("scope").map_err(internal)?,
        client_id: row.try_get("client_id").map_err(internal)?,
        server_id: row.try_get("server_id").map_err(internal)?,
        protocol: row.try_get("protocol").map_err(internal)?,
        asset_id: row.try_get("asset_id").map_err(internal)?,
        zone: row.try_get("zone").map_err(internal)?,
        alert_id: row.try_get("alert_id").map_err(internal)?,
        note: row.try_get("note").map_err(internal)?,
        created_by: row.try_get("created_by").map_err(internal)?,
        created_at: row.try_get("created_at").map_err(internal)?,
        revoked_by: row.try_get("revoked_by").map_err(internal)?,
        revoked_at: row.try_get("revoked_at").map_err(internal)?,
    })
}

/// A filter's text, when one was given.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The WHERE clause of a filter (tenant first, `$1`) and its values; a
/// severity, type or state that does not exist is refused by name.
fn where_clause(tenant_id: i64, f: &AlertFilter) -> Result<(String, Vec<Bind>), StoreError> {
    let mut sql = String::from("WHERE tenant_id = $1");
    let mut binds = vec![Bind::Int(tenant_id)];
    let mut add = |clause: &str, values: Vec<Bind>| {
        let mut clause = clause.to_owned();
        for v in values {
            binds.push(v);
            clause = clause.replacen('?', &format!("${}", binds.len()), 1);
        }
        sql.push_str(&clause);
    };
    if let Some(name) = given(&f.severity) {
        let severity = Severity::parse(name).ok_or_else(|| {
            StoreError::invalid(
                "severity",
                format!("a severity is low, medium, high or critical, not {name:?}"),
            )
        })?;
        add(
            " AND severity = ?",
            vec![Bind::Text(severity.as_str().into())],
        );
    }
    if let Some(name) = given(&f.alert_type) {
        let t = AlertType::parse(name).ok_or_else(|| {
            StoreError::invalid("alert_type", format!("no alert type is called {name:?}"))
        })?;
        add(" AND alert_type = ?", vec![Bind::Text(t.as_str().into())]);
    }
    if let Some(name) = given(&f.state) {
        let state = AlertState::parse("state", name)?;
        add(" AND state = ?", vec![Bind::Text(state.as_str().into())]);
    }
    if let Some(asset) = given(&f.asset) {
        add(
            " AND (client_id = ? OR server_id = ?)",
            vec![Bind::Text(asset.into()), Bind::Text(asset.into())],
        );
    }
    if let Some(since) = f.since_ms {
        add(" AND last_seen_ms >= ?", vec![Bind::Int(since)]);
    }
    if let Some(until) = f.until_ms {
        add(" AND first_seen_ms < ?", vec![Bind::Int(until)]);
    }
    Ok((sql, binds))
}

/// A note as kept: trimmed, and refused when longer than [`MAX_NOTE_CHARS`].
fn note(text: &str) -> Result<String, StoreError> {
    let text = text.trim();
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(StoreError::invalid(
            "note",
            format!("a note is at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(text.to_owned())
}

impl Alerts {
    pub fn new(db: Db) -> Self {
        Alerts { db }
    }

    /// A page of the tenant's alerts, last seen first.
    pub async fn list(&self, tenant_id: i64, q: &AlertQuery) -> Result<AlertPage, StoreError> {
        let (filter, binds) = where_clause(tenant_id, &q.filter)?;
        let total: i64 = {
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM alerts {filter}");
            let row = bind_all(sqlx::query(&sql), &binds)
                .fetch_one(self.db.pool())
                .await
                .map_err(internal)?;
            row.try_get("n").map_err(internal)?
        };
        let limit = if q.limit <= 0 {
            DEFAULT_PAGE
        } else {
            q.limit.min(MAX_PAGE)
        };
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts {filter} \
             ORDER BY last_seen_ms DESC, alert_id DESC LIMIT {limit} OFFSET {}",
            q.offset.max(0)
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(AlertPage {
            alerts: rows.iter().map(alert_row).collect::<Result<_, _>>()?,
            total,
        })
    }

    /// The tenant's alerts counted by state and by severity.
    pub async fn counts(&self, tenant_id: i64) -> Result<AlertCounts, StoreError> {
        let mut counts = AlertCounts {
            by_state: AlertState::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect(),
            by_severity: Severity::ALL
                .iter()
                .rev()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect(),
            total: 0,
        };
        for (column, list) in [
            ("state", &mut counts.by_state),
            ("severity", &mut counts.by_severity),
        ] {
            let rows = sqlx::query(&format!(
                "SELECT {column} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM alerts \
                 WHERE tenant_id = $1 GROUP BY {column}"
            ))
            .bind(tenant_id)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
            for row in &rows {
                let k: String = row.try_get("k").map_err(internal)?;
                let n: i64 = row.try_get("n").map_err(internal)?;
                if let Some(slot) = list.iter_mut().find(|(name, _)| *name == k) {
                    slot.1 = n;
                }
            }
        }
        counts.total = counts.by_state.iter().map(|(_, n)| n).sum();
        Ok(counts)
    }

    /// One alert of the tenant with its history; `NotFound` for an id it
    /// does not have.
    pub async fn get(&self, tenant_id: i64, alert_id: i64) -> Result<AlertDetail, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ALERT_COLUMNS}, view_json FROM alerts WHERE tenant_id = $1 AND alert_id = $2"
        ))
        .bind(tenant_id)
        .bind(alert_id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        let actions = sqlx::query(
            "SELECT action, from_state, to_state, note, done_by, done_at FROM alert_actions \
             WHERE tenant_id = $1 AND alert_id = $2 ORDER BY action_id",
        )
        .bind(tenant_id)
        .bind(alert_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(AlertDetail {
            row: alert_row(&row)?,
            view_json: row.try_get("view_json").map_err(internal)?,
            actions: actions
                .iter()
                .map(|r| {
                    Ok(AlertAction {
                        action: r.try_get("action").map_err(internal)?,
                        from_state: r.try_get("from_state").map_err(internal)?,
                        to_state: r.try_get("to_state").map_err(internal)?,
                        note: r.try_get("note").map_err(internal)?,
                        done_by: r.try_get("done_by").map_err(internal)?,
                        done_at: r.try_get("done_at").map_err(internal)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }

    /// Sets an alert's state by hand (new, acknowledged, resolved — an
    /// alert becomes allowed only through [`Alerts::allow`]) and records
    /// who and when. Setting the state it has records nothing.
    pub async fn set_state(
        &self,
        tenant_id: i64,
        alert_id: i64,
        state: AlertState,
        done_by: &str,
        note_text: &str,
    ) -> Result<(), StoreError> {
        if !state.settable() {
            return Err(StoreError::invalid(
                "state",
                "an alert is allowed by making an allow from it",
            ));
        }
        let note = note(note_text)?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        let from = current_state(&mut tx, tenant_id, alert_id).await?;
        if from == state {
            return Ok(());
        }
        change_state(&mut tx, tenant_id, alert_id, state).await?;
        record(
            &mut tx,
            tenant_id,
            alert_id,
            Action::State { from, to: state },
            &note,
            done_by,
        )
        .await?;
        tx.commit().await.map_err(internal)
    }

    /// Makes an allow of the alert's type for its edge, asset (the client,
    /// else the server) or zone, sets the alert `allowed` and records who
    /// and when. From the next analysis step on, what the allow covers is
    /// not alerted. `Invalid` when the alert has no such scope (an edge
    /// needs both ends).
    pub async fn allow(
        &self,
        tenant_id: i64,
        alert_id: i64,
        scope: ScopeKind,
        done_by: &str,
        note_text: &str,
    ) -> Result<AllowRow, StoreError> {
        let note = note(note_text)?;
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        // Serialised with the tenant's analysis steps, so the step after
        // this one sees the allow, and allow ids never collide.
        tenant_lock::lock(self.db.backend(), &mut tx, tenant_id, Wait::Block).await?;
        let from = current_state(&mut tx, tenant_id, alert_id).await?;
        let row = sqlx::query(
            "SELECT alert_type, sensor, client_id, server_id, protocol FROM alerts \
             WHERE tenant_id = $1 AND alert_id = $2",
        )
        .bind(tenant_id)
        .bind(alert_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        let get = |c: &str| row.try_get::<Option<String>, _>(c).map_err(internal);
        let alert_type: String = row.try_get("alert_type").map_err(internal)?;
        let sensor: String = row.try_get("sensor").map_err(internal)?;
        let (client, server, protocol) = (get("client_id")?, get("server_id")?, get("protocol")?);
        let (client_id, server_id, protocol, asset_id, zone) = match scope {
            ScopeKind::Edge => match (client, server) {
                (Some(c), Some(s)) => (Some(c), Some(s), protocol, None, None),
                _ => {
                    return Err(StoreError::invalid(
                        "scope",
                        "this alert is not about an edge between two assets",
                    ));
                }
            },
            ScopeKind::Asset => match client.or(server) {
                Some(asset) => (None, None, None, Some(asset), None),
                None => {
                    return Err(StoreError::invalid("scope", "this alert names no asset"));
                }
            },
            ScopeKind::Zone => (None, None, None, None, Some(sensor)),
        };
        let allow_id: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(allow_id), 0) + 1 AS BIGINT) FROM alert_allows WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let now = now_secs();
        sqlx::query(
            "INSERT INTO alert_allows (tenant_id, allow_id, alert_type, scope, client_id, server_id, \
             protocol, asset_id, zone, alert_id, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(tenant_id)
        .bind(allow_id)
        .bind(alert_type.as_str())
        .bind(scope.as_str())
        .bind(client_id.as_deref())
        .bind(server_id.as_deref())
        .bind(protocol.as_deref())
        .bind(asset_id.as_deref())
        .bind(zone.as_deref())
        .bind(alert_id)
        .bind(note.as_str())
        .bind(done_by)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        change_state(&mut tx, tenant_id, alert_id, AlertState::Allowed).await?;
        record(
            &mut tx,
            tenant_id,
            alert_id,
            Action::Allow {
                from,
                scope: scope.as_str(),
            },
            &note,
            done_by,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        self.allow_by_id(tenant_id, allow_id)
            .await?
            .ok_or(StoreError::Internal)
    }

    /// The tenant's allows, active first, newest first.
    pub async fn allows(&self, tenant_id: i64) -> Result<Vec<AllowRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ALLOW_COLUMNS} FROM alert_allows WHERE tenant_id = $1 \
             ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, allow_id DESC"
        ))
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(allow_row).collect()
    }

    async fn allow_by_id(
        &self,
        tenant_id: i64,
        allow_id: i64,
    ) -> Result<Option<AllowRow>, StoreError> {
        sqlx::query(&format!(
            "SELECT {ALLOW_COLUMNS} FROM alert_allows WHERE tenant_id = $1 AND allow_id = $2"
        ))
        .bind(tenant_id)
        .bind(allow_id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .as_ref()
        .map(allow_row)
        .transpose()
    }

    /// Revokes an allow: from the next analysis step on, what it covered
    /// alerts again (as new alerts). Its row stays, with who and when, and
    /// the alert it was made from records the revoke and stays `allowed`
    /// (that occurrence was dealt with). `NotFound` for an allow the tenant
    /// does not have; `Invalid` for one already revoked.
    pub async fn revoke_allow(
        &self,
        tenant_id: i64,
        allow_id: i64,
        done_by: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.pool().begin().await.map_err(internal)?;
        tenant_lock::lock(self.db.backend(), &mut tx, tenant_id, Wait::Block).await?;
        let row = sqlx::query(
            "SELECT alert_id, revoked_at FROM alert_allows WHERE tenant_id = $1 AND allow_id = $2",
        )
        .bind(tenant_id)
        .bind(allow_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        let revoked: Option<i64> = row.try_get("revoked_at").map_err(internal)?;
        if revoked.is_some() {
            return Err(StoreError::invalid(
                "allow",
                "this allow is revoked already",
            ));
        }
        let alert_id: Option<i64> = row.try_get("alert_id").map_err(internal)?;
        sqlx::query(
            "UPDATE alert_allows SET revoked_by = $1, revoked_at = $2 WHERE tenant_id = $3 AND allow_id = $4",
        )
        .bind(done_by)
        .bind(now_secs())
        .bind(tenant_id)
        .bind(allow_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        if let Some(alert_id) = alert_id {
            record(&mut tx, tenant_id, alert_id, Action::Revoke, "", done_by).await?;
        }
        tx.commit().await.map_err(internal)
    }
}

/// What [`record`] writes.
enum Action {
    State {
        from: AlertState,
        to: AlertState,
    },
    Allow {
        from: AlertState,
        scope: &'static str,
    },
    Revoke,
}

/// The alert's state, its row locked for the rest of the transaction (a
/// write first, on both engines), so two people acting on one alert queue
/// up and its history's ids never collide.
async fn current_state(
    conn: &mut AnyConnection,
    tenant_id: i64,
    alert_id: i64,
) -> Result<AlertState, StoreError> {
    let touched = sqlx::query(
        "UPDATE alerts SET updated_at = updated_at WHERE tenant_id = $1 AND alert_id = $2",
    )
    .bind(tenant_id)
    .bind(alert_id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    if touched.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let state: String =
        sqlx::query_scalar("SELECT state FROM alerts WHERE tenant_id = $1 AND alert_id = $2")
            .bind(tenant_id)
            .bind(alert_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?
            .ok_or(StoreError::NotFound)?;
    AlertState::parse("state", &state).map_err(|_| StoreError::Internal)
}

async fn change_state(
    conn: &mut AnyConnection,
    tenant_id: i64,
    alert_id: i64,
    state: AlertState,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE alerts SET state = $1, updated_at = $2 WHERE tenant_id = $3 AND alert_id = $4",
    )
    .bind(state.as_str())
    .bind(now_secs())
    .bind(tenant_id)
    .bind(alert_id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Appends to an alert's history. The id is the alert's next; the caller
/// locked the alert's row ([`current_state`]) or the tenant.
async fn record(
    conn: &mut AnyConnection,
    tenant_id: i64,
    alert_id: i64,
    action: Action,
    note: &str,
    done_by: &str,
) -> Result<(), StoreError> {
    let (name, from, to) = match &action {
        Action::State { from, to } => ("state", Some(from.as_str()), Some(to.as_str())),
        Action::Allow { from, .. } => ("allow", Some(from.as_str()), Some("allowed")),
        Action::Revoke => ("revoke", None, None),
    };
    let note = match &action {
        Action::Allow { scope, .. } if note.is_empty() => format!("scope: {scope}"),
        Action::Allow { scope, .. } => format!("scope: {scope}; {note}"),
        _ => note.to_owned(),
    };
    sqlx::query(
        "INSERT INTO alert_actions (tenant_id, alert_id, action_id, action, from_state, to_state, \
         note, done_by, done_at) \
         SELECT $1, $2, CAST(COALESCE(MAX(action_id), 0) + 1 AS BIGINT), $3, $4, $5, $6, $7, $8 \
         FROM alert_actions WHERE tenant_id = $1 AND alert_id = $2",
    )
    .bind(tenant_id)
    .bind(alert_id)
    .bind(name)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(done_by)
    .bind(now_secs())
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(())
}

/// A counter as a BIGINT column: past 2^63 - 1 it stays at the maximum.
fn saturating(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
