//! The schema stays distributable by tenant (docs/SCALING.md): on a
//! PostgreSQL-compatible distributed engine (Citus, for example) the tables
//! holding a tenant's traffic are sharded by `tenant_id`, the small tables
//! looked up before a tenant is known are replicated to every node. That
//! works only while every primary and unique key of a distributed table
//! contains `tenant_id` and no foreign key can join two tenants' rows.
//! Checked on the migrated PostgreSQL schema; a new table must be placed in
//! one of the two lists.

mod common;

use std::collections::BTreeMap;

/// Sharded by `tenant_id`: a tenant's traffic and everything derived from it.
const DISTRIBUTED: &[&str] = &[
    "alert_actions",
    "alert_allows",
    "alerts",
    "analysis_progress",
    "analysis_state",
    "asset_overrides",
    "assets",
    "batches",
    "edges",
    "export_deliveries",
    "export_receivers",
    "flow_hours",
    "flow_minutes",
    "host_minutes",
    "identity_observations",
    "operation_hours",
    "operation_minutes",
    "retention_totals",
    "zone_plans",
    "zones",
];

/// Replicated to every node: small, and read before the tenant is known
/// (a login by user name, a session cookie, a sensor token) or written by
/// the operator's staff, who belong to no tenant (quotes, and contracts,
/// which name the operator admin who recorded them).
const REFERENCE: &[&str] = &[
    "contracts",
    "quotes",
    "sensors",
    "sessions",
    "tenants",
    "users",
];

/// A key or foreign key: name, kind (p, u, f), table, definition, the
/// table it points at, its columns, and the columns it points at.
type ConstraintRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<String>,
    Vec<String>,
);

async fn migrated_postgres() -> (sqlx::PgPool, String, String) {
    let admin = common::postgres_admin_url();
    let name = format!("otlens_test_schema_{}", std::process::id());
    let url = common::new_postgres_database(&name).await;
    let db = store::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    (sqlx::PgPool::connect(&url).await.unwrap(), admin, name)
}

#[tokio::test]
async fn every_table_can_be_distributed_by_tenant() {
    let (pool, admin, name) = migrated_postgres().await;

    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for t in &tables {
        assert!(
            DISTRIBUTED.contains(&t.as_str()) || REFERENCE.contains(&t.as_str()),
            "table {t} is neither distributed by tenant nor a reference table: place it in \
             store/tests/schema.rs and docs/SCALING.md"
        );
    }

    // Columns of every key and foreign key, by constraint.
    let rows: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT c.conname::text, c.contype::text, t.relname::text, \
                    pg_get_constraintdef(c.oid), r.relname::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) k \
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k), \
                    ARRAY(SELECT a.attname::text FROM unnest(coalesce(c.confkey, '{}')) k \
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k) \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             LEFT JOIN pg_class r ON r.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let has_tenant: BTreeMap<String, bool> = {
        let with: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = 'tenant_id'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        tables
            .iter()
            .map(|t| (t.clone(), with.contains(t)))
            .collect()
    };
    let mut checked_keys = 0;
    for (constraint, kind, table, definition, target, columns, target_columns) in &rows {
        let distributed = DISTRIBUTED.contains(&table.as_str());
        match kind.as_str() {
            "p" | "u" if distributed => {
                checked_keys += 1;
                assert!(
                    columns.iter().any(|c| c == "tenant_id"),
                    "{table}.{constraint} ({definition}) must contain tenant_id"
                );
            }
            "f" => {
                let target = target.as_deref().unwrap_or("");
                assert!(
                    !(REFERENCE.contains(&table.as_str()) && DISTRIBUTED.contains(&target)),
                    "{table}.{constraint}: a reference table cannot point into a distributed one"
                );
                if distributed && has_tenant.get(target).copied().unwrap_or(false) {
                    assert!(
                        columns.iter().any(|c| c == "tenant_id")
                            && target_columns.iter().any(|c| c == "tenant_id"),
                        "{table}.{constraint} ({definition}) could join two tenants' rows: \
                         match on tenant_id as well"
                    );
                }
            }
            _ => {}
        }
    }
    assert!(checked_keys >= 1, "the key of batches was seen");
    for t in DISTRIBUTED {
        let nullable: String = sqlx::query_scalar(
            "SELECT is_nullable::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND column_name = 'tenant_id'",
        )
        .bind(t)
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|_| panic!("{t} has no tenant_id column"));
        assert_eq!(nullable, "NO", "{t}.tenant_id must be NOT NULL");
    }
    pool.close().await;

    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await;
}
