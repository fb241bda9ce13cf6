//! The materialised inventory as the portal reads it: assets filtered,
//! sorted and paged in SQL, one asset by id, edges, zones and counts. Every
//! query is scoped by tenant: an asset id of another tenant finds nothing.

use model::inventory::{
    AssetCounts, AssetDetail, AssetFacets, AssetFilter, AssetPage, AssetQuery, AssetRow, AssetSort,
    EdgeRow, NewAssets, ProtocolUse, TrafficHour, ZoneRow,
};
use model::map::{MAX_MAP_EDGES, MAX_MAP_NODES, MapData, MapEdge, MapNode, node_label};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::sync::Arc;

use crate::StoreError;
use crate::batches::flag_column;
use crate::db::{Db, internal};
use crate::tenant_cache::TenantCache;

/// Rows one page holds at most.
pub const MAX_PAGE: i64 = 500;

#[derive(Clone)]
pub struct Inventory {
    db: Db,
    maps: Arc<TenantCache<str>>,
    facets: Arc<TenantCache<AssetFacets>>,
    pages: Arc<TenantCache<AssetPage>>,
}

/// Asset-table pages kept at once (a page holds at most `MAX_PAGE` rows).
const KEPT_PAGES: usize = 128;

const ASSET_COLUMNS: &str = "asset_id, role, purdue_level, vendor, product, names, ips, macs, \
    protocols, zones, first_seen_ms, last_seen_ms, confidence";

/// A JSON list column (of text, or of VLAN ids); what the job wrote.
fn list<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<Vec<T>, StoreError> {
    let text: String = row.try_get(column).map_err(internal)?;
    serde_json::from_str(&text).map_err(|error| {
        tracing::error!(%error, column, "a stored inventory list is not JSON");
        StoreError::Internal
    })
}

/// A comma-wrapped list column (`,a,b,`).
fn wrapped(row: &AnyRow, column: &str) -> Result<Vec<String>, StoreError> {
    let text: String = row.try_get(column).map_err(internal)?;
    Ok(text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

fn asset_row(row: &AnyRow) -> Result<AssetRow, StoreError> {
    Ok(AssetRow {
        id: row.try_get("asset_id").map_err(internal)?,
        role: row.try_get("role").map_err(internal)?,
        purdue_level: row.try_get("purdue_level").map_err(internal)?,
        vendor: row.try_get("vendor").map_err(internal)?,
        product: row.try_get("product").map_err(internal)?,
        names: list(row, "names")?,
        ips: list(row, "ips")?,
        macs: list(row, "macs")?,
        protocols: wrapped(row, "protocols")?,
        zones: wrapped(row, "zones")?,
        first_seen_ms: row.try_get("first_seen_ms").map_err(internal)?,
        last_seen_ms: row.try_get("last_seen_ms").map_err(internal)?,
        confidence: row.try_get("confidence").map_err(internal)?,
    })
}

/// `text` for a LIKE pattern with `ESCAPE '\'`: its wildcards match themselves.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as a LIKE pattern matching it anywhere, in any case.
fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(&text.to_lowercase()))
}

/// A filter's text, when one was given.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// The WHERE clause of a filter (tenant first, `$1`) and its values.
fn where_clause(tenant_id: i64, f: &AssetFilter) -> (String, Vec<Bind>) {
    let mut sql = String::from("WHERE tenant_id = $1");
    let mut binds = vec![Bind::Int(tenant_id)];
    let mut add = |clause: &str, value: Bind| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(role) = given(&f.role) {
        add(" AND role = ?", Bind::Text(role.to_owned()));
    }
    if let Some(vendor) = given(&f.vendor) {
        add(
            " AND LOWER(vendor) LIKE ? ESCAPE '\\'",
            Bind::Text(contains_pattern(vendor)),
        );
    }
    if let Some(protocol) = given(&f.protocol) {
        add(
            " AND protocols LIKE ? ESCAPE '\\'",
            Bind::Text(format!("%,{},%", escape_like(protocol))),
        );
    }
    if let Some(zone) = given(&f.zone) {
        add(
            " AND zones LIKE ? ESCAPE '\\'",
            Bind::Text(format!("%,{},%", escape_like(zone))),
        );
    }
    if let Some(level) = f.purdue_level {
        add(" AND purdue_level = ?", Bind::Int(level));
    }
    if let Some(since) = f.seen_since_ms {
        add(" AND last_seen_ms >= ?", Bind::Int(since));
    }
    if let Some(search) = given(&f.search) {
        add(
            " AND search LIKE ? ESCAPE '\\'",
            Bind::Text(contains_pattern(search)),
        );
    }
    (sql, binds)
}

pub(crate) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Int(v) => query.bind(*v),
            Bind::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

impl Inventory {
    pub fn new(db: Db) -> Self {
        Inventory {
            db,
            maps: Arc::default(),
            facets: Arc::default(),
            pages: Arc::new(TenantCache::with_capacity(KEPT_PAGES)),
        }
    }

    /// `assets`, kept per inventory version: the pages the portal shows.
    /// (The CSV export reads `assets` itself: its pages are read once.)
    pub async fn assets_page(
        &self,
        tenant_id: i64,
        q: &AssetQuery,
    ) -> Result<Arc<AssetPage>, StoreError> {
        let question = serde_json::to_string(q).map_err(|error| {
            tracing::error!(%error, "an asset query did not serialise");
            StoreError::Internal
        })?;
        self.kept(&self.pages, tenant_id, &question, || async {
            Ok(Arc::new(self.assets(tenant_id, q).await?))
        })
        .await
    }

    /// A page of the tenant's assets. Zone and protocol match whole names;
    /// vendor and search match any part, in any case.
    pub async fn assets(&self, tenant_id: i64, q: &AssetQuery) -> Result<AssetPage, StoreError> {
        let (filter, binds) = where_clause(tenant_id, &q.filter);
        let total: i64 = {
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM assets {filter}");
            let row = bind_all(sqlx::query(&sql), &binds)
                .fetch_one(self.db.pool())
                .await
                .map_err(internal)?;
            row.try_get("n").map_err(internal)?
        };
        let column = match q.sort {
            AssetSort::Id => "asset_id",
            AssetSort::Role => "role",
            AssetSort::PurdueLevel => "purdue_level",
            AssetSort::Vendor => "vendor",
            AssetSort::FirstSeen => "first_seen_ms",
            AssetSort::LastSeen => "last_seen_ms",
            AssetSort::Confidence => "confidence",
        };
        let direction = if q.descending { "DESC" } else { "ASC" };
        // Empty values last either way, the same on both engines.
        let sql = format!(
            "SELECT {ASSET_COLUMNS} FROM assets {filter} \
             ORDER BY CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column} {direction}, asset_id {direction} \
             LIMIT {} OFFSET {}",
            q.limit.clamp(1, MAX_PAGE),
            q.offset.max(0)
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        Ok(AssetPage {
            assets: rows.iter().map(asset_row).collect::<Result<_, _>>()?,
            total,
        })
    }

    /// One asset of the tenant; `NotFound` for an id it does not have.
    pub async fn asset(&self, tenant_id: i64, asset_id: &str) -> Result<AssetDetail, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ASSET_COLUMNS}, asset_json FROM assets WHERE tenant_id = $1 AND asset_id = $2"
        ))
        .bind(tenant_id)
        .bind(asset_id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        Ok(AssetDetail {
            row: asset_row(&row)?,
            json: row.try_get("asset_json").map_err(internal)?,
        })
    }

    /// The tenant's edges, busiest first.
    pub async fn edges(&self, tenant_id: i64) -> Result<Vec<EdgeRow>, StoreError> {
        self.edges_where(tenant_id, &[""], None).await
    }

    /// The edges one asset is a client or server of, busiest first.
    pub async fn edges_of(
        &self,
        tenant_id: i64,
        asset_id: &str,
    ) -> Result<Vec<EdgeRow>, StoreError> {
        // Two indexed lookups rather than one OR, which SQLite answers by
        // scanning every edge of the tenant (docs/BENCHMARKS.md, "Inventory
        // at scale").
        self.edges_where(
            tenant_id,
            &[
                "AND client_id = $2",
                "AND server_id = $2 AND client_id <> $2",
            ],
            Some(asset_id),
        )
        .await
    }

    /// The tenant's edges that meet any of `conditions` (each a disjoint
    /// part: their rows are put together as they are), busiest first.
    async fn edges_where(
        &self,
        tenant_id: i64,
        conditions: &[&str],
        asset_id: Option<&str>,
    ) -> Result<Vec<EdgeRow>, StoreError> {
        let parts: Vec<String> = conditions
            .iter()
            .map(|condition| {
                format!(
                    "SELECT client_id, server_id, protocol, requests, errors, packets, bytes, \
                     first_seen_ms, last_seen_ms, {}, edge_json FROM edges \
                     WHERE tenant_id = $1 {condition}",
                    flag_column("skips_levels")
                )
            })
            .collect();
        let sql = format!(
            "{} ORDER BY requests DESC, client_id, server_id, protocol",
            parts.join(" UNION ALL ")
        );
        let mut query = sqlx::query(&sql).bind(tenant_id);
        if let Some(asset_id) = asset_id {
            query = query.bind(asset_id);
        }
        let rows = query.fetch_all(self.db.pool()).await.map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(EdgeRow {
                    client: r.try_get("client_id").map_err(internal)?,
                    server: r.try_get("server_id").map_err(internal)?,
                    protocol: r.try_get("protocol").map_err(internal)?,
                    requests: r.try_get("requests").map_err(internal)?,
                    errors: r.try_get("errors").map_err(internal)?,
                    packets: r.try_get("packets").map_err(internal)?,
                    bytes: r.try_get("bytes").map_err(internal)?,
                    first_seen_ms: r.try_get("first_seen_ms").map_err(internal)?,
                    last_seen_ms: r.try_get("last_seen_ms").map_err(internal)?,
                    skips_levels: r.try_get::<i64, _>("skips_levels").map_err(internal)? != 0,
                    json: r.try_get("edge_json").map_err(internal)?,
                })
            })
            .collect()
    }

    pub async fn zones(&self, tenant_id: i64) -> Result<Vec<ZoneRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT zone, assets, networks_json, vlans_json, defined, sensor FROM zones \
             WHERE tenant_id = $1 ORDER BY defined DESC, zone",
        )
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(ZoneRow {
                    zone: r.try_get("zone").map_err(internal)?,
                    assets: r.try_get("assets").map_err(internal)?,
                    networks: list(r, "networks_json")?,
                    vlans: list(r, "vlans_json")?,
                    defined: r.try_get::<i64, _>("defined").map_err(internal)? != 0,
                    sensor: r.try_get("sensor").map_err(internal)?,
                })
            })
            .collect()
    }

    /// The roles, protocols and zones the tenant's assets have, sorted.
    pub async fn facets(&self, tenant_id: i64) -> Result<Arc<AssetFacets>, StoreError> {
        self.kept(&self.facets, tenant_id, "", || async {
            Ok(Arc::new(self.read_facets(tenant_id).await?))
        })
        .await
    }

    async fn read_facets(&self, tenant_id: i64) -> Result<AssetFacets, StoreError> {
        let rows = sqlx::query("SELECT role, protocols, zones FROM assets WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        let mut roles = std::collections::BTreeSet::new();
        let mut protocols = std::collections::BTreeSet::new();
        let mut zones = std::collections::BTreeSet::new();
        for row in &rows {
            roles.insert(row.try_get::<String, _>("role").map_err(internal)?);
            protocols.extend(wrapped(row, "protocols")?);
            zones.extend(wrapped(row, "zones")?);
        }
        Ok(AssetFacets {
            roles: roles.into_iter().collect(),
            protocols: protocols.into_iter().collect(),
            zones: zones.into_iter().collect(),
        })
    }

    /// Per protocol, the edges speaking it and their traffic, busiest first.
    pub async fn protocols(&self, tenant_id: i64) -> Result<Vec<ProtocolUse>, StoreError> {
        let rows = sqlx::query(
            "SELECT protocol, CAST(COUNT(*) AS BIGINT) AS edges, CAST(SUM(requests) AS BIGINT) AS requests, \
             CAST(SUM(packets) AS BIGINT) AS packets, CAST(SUM(bytes) AS BIGINT) AS bytes \
             FROM edges WHERE tenant_id = $1 GROUP BY protocol ORDER BY packets DESC, protocol",
        )
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(ProtocolUse {
                    protocol: r.try_get("protocol").map_err(internal)?,
                    edges: r.try_get("edges").map_err(internal)?,
                    requests: r.try_get("requests").map_err(internal)?,
                    packets: r.try_get("packets").map_err(internal)?,
                    bytes: r.try_get("bytes").map_err(internal)?,
                })
            })
            .collect()
    }

    /// The tenant's traffic per hour over the `hours` hours up to its
    /// latest stored minute (hours without batches left out).
    pub async fn traffic(
        &self,
        tenant_id: i64,
        hours: i64,
    ) -> Result<Vec<TrafficHour>, StoreError> {
        let rows = sqlx::query(
            "SELECT (minute_start / 3600) * 3600 AS hour_start, CAST(SUM(packets) AS BIGINT) AS packets, \
             CAST(SUM(bytes) AS BIGINT) AS bytes, CAST(SUM(flows) AS BIGINT) AS flows FROM batches \
             WHERE tenant_id = $1 AND minute_start > \
                 (SELECT MAX(minute_start) FROM batches WHERE tenant_id = $1) / 3600 * 3600 - $2 \
             GROUP BY (minute_start / 3600) * 3600 ORDER BY hour_start",
        )
        .bind(tenant_id)
        .bind(hours.max(1) * 3600)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(TrafficHour {
                    hour_start: r.try_get("hour_start").map_err(internal)?,
                    packets: r.try_get("packets").map_err(internal)?,
                    bytes: r.try_get("bytes").map_err(internal)?,
                    flow_records: r.try_get("flows").map_err(internal)?,
                })
            })
            .collect()
    }

    /// Assets first seen in the 7 days up to the latest instant any of the
    /// tenant's assets was seen: how many, and the `limit` newest.
    pub async fn new_assets(&self, tenant_id: i64, limit: i64) -> Result<NewAssets, StoreError> {
        const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
        let through_ms: Option<i64> =
            sqlx::query_scalar("SELECT MAX(last_seen_ms) FROM assets WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(self.db.pool())
                .await
                .map_err(internal)?;
        let Some(through) = through_ms else {
            return Ok(NewAssets::default());
        };
        let since = through.saturating_sub(WEEK_MS);
        let total: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assets WHERE tenant_id = $1 AND first_seen_ms > $2",
        )
        .bind(tenant_id)
        .bind(since)
        .fetch_one(self.db.pool())
        .await
        .map_err(internal)?;
        let rows = sqlx::query(&format!(
            "SELECT {ASSET_COLUMNS} FROM assets WHERE tenant_id = $1 AND first_seen_ms > $2 \
             ORDER BY first_seen_ms DESC, asset_id LIMIT {}",
            limit.clamp(1, MAX_PAGE)
        ))
        .bind(tenant_id)
        .bind(since)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        Ok(NewAssets {
            through_ms: Some(through),
            total,
            newest: rows.iter().map(asset_row).collect::<Result<_, _>>()?,
        })
    }

    /// How many of the tenant's edges skip a Purdue level.
    pub async fn skipping_edges(&self, tenant_id: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM edges WHERE tenant_id = $1 AND skips_levels",
        )
        .bind(tenant_id)
        .fetch_one(self.db.pool())
        .await
        .map_err(internal)
    }

    /// The rows of the tenant's assets among `ids` (others' ids find nothing).
    pub async fn rows(&self, tenant_id: i64, ids: &[&str]) -> Result<Vec<AssetRow>, StoreError> {
        let mut rows = Vec::with_capacity(ids.len());
        // Bounded statements: SQLite takes at most 32,766 parameters.
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {ASSET_COLUMNS} FROM assets WHERE tenant_id = $1 AND asset_id IN ({})",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(tenant_id);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(self.db.pool()).await.map_err(internal)? {
                rows.push(asset_row(&row)?);
            }
        }
        Ok(rows)
    }

    /// The tenant's communication map as JSON text (a `MapData`), built
    /// once per version of its inventory (`tenant_cache`).
    pub async fn map_json(&self, tenant_id: i64) -> Result<Arc<str>, StoreError> {
        self.kept(&self.maps, tenant_id, "", || async {
            let map = self.map(tenant_id).await?;
            let json = serde_json::to_string(&map).map_err(|error| {
                tracing::error!(%error, "the map did not serialise");
                StoreError::Internal
            })?;
            Ok(Arc::from(json))
        })
        .await
    }

    /// The answer `cache` keeps for the tenant's current inventory version,
    /// built by `build` when none is kept.
    async fn kept<T: ?Sized, F, Fut>(
        &self,
        cache: &TenantCache<T>,
        tenant_id: i64,
        question: &str,
        build: F,
    ) -> Result<Arc<T>, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Arc<T>, StoreError>>,
    {
        let version = self.inventory_version(tenant_id).await?;
        if let Some(answer) = cache.get(tenant_id, question, version) {
            return Ok(answer);
        }
        let lock = cache.build_lock(tenant_id, question);
        let _building = lock.lock().await;
        // Another request may have built it meanwhile, or the inventory moved on.
        let version = self.inventory_version(tenant_id).await?;
        if let Some(answer) = cache.get(tenant_id, question, version) {
            return Ok(answer);
        }
        // Read after the version: what it reads is that version or newer,
        // and a newer one is built again at the next request.
        let answer = build().await?;
        cache.put(tenant_id, question, version, answer.clone());
        Ok(answer)
    }

    /// The version of the tenant's analysis state, which every write to
    /// its assets and edges moves in the same transaction; -1 before the
    /// first analysis.
    async fn inventory_version(&self, tenant_id: i64) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT version FROM analysis_state WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        match row {
            Some(row) => row.try_get("version").map_err(internal),
            None => Ok(-1),
        }
    }

    /// The tenant's communication map: its assets (by id) and the busiest
    /// edges between them, each cut at the map's limits. Edges name their
    /// ends by position in the node list.
    pub async fn map(&self, tenant_id: i64) -> Result<MapData, StoreError> {
        // One more than the limit tells whether anything was left out.
        let rows = sqlx::query(&format!(
            "SELECT asset_id, role, purdue_level, vendor, names, ips, zones FROM assets \
             WHERE tenant_id = $1 ORDER BY asset_id LIMIT {}",
            MAX_MAP_NODES + 1
        ))
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        let mut truncated = rows.len() > MAX_MAP_NODES;
        let mut nodes = rows
            .iter()
            .take(MAX_MAP_NODES)
            .map(|r| {
                let id: String = r.try_get("asset_id").map_err(internal)?;
                Ok(MapNode {
                    label: node_label(&id, &list(r, "names")?, &list(r, "ips")?),
                    role: r.try_get("role").map_err(internal)?,
                    purdue_level: r.try_get("purdue_level").map_err(internal)?,
                    zone: wrapped(r, "zones")?.into_iter().next(),
                    vendor: r.try_get("vendor").map_err(internal)?,
                    id,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Sorted here rather than trusted from SQL: PostgreSQL may collate
        // by locale, and the binary search below needs byte order.
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let index = |id: &str| {
            nodes
                .binary_search_by(|n| n.id.as_str().cmp(id))
                .ok()
                .and_then(|i| u32::try_from(i).ok())
        };
        let sql = format!(
            "SELECT client_id, server_id, protocol, requests, packets, {} FROM edges \
             WHERE tenant_id = $1 ORDER BY requests DESC, client_id, server_id, protocol LIMIT {}",
            flag_column("skips_levels"),
            MAX_MAP_EDGES + 1
        );
        let rows = sqlx::query(&sql)
            .bind(tenant_id)
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        truncated |= rows.len() > MAX_MAP_EDGES;
        let mut edges = Vec::with_capacity(rows.len().min(MAX_MAP_EDGES));
        for r in rows.iter().take(MAX_MAP_EDGES) {
            let client: String = r.try_get("client_id").map_err(internal)?;
            let server: String = r.try_get("server_id").map_err(internal)?;
            // An end left out by the node limit takes its edges with it.
            let (Some(client), Some(server)) = (index(&client), index(&server)) else {
                truncated = true;
                continue;
            };
            edges.push(MapEdge {
                client,
                server,
                protocol: r.try_get("protocol").map_err(internal)?,
                requests: r.try_get("requests").map_err(internal)?,
                packets: r.try_get("packets").map_err(internal)?,
                skips_levels: r.try_get::<i64, _>("skips_levels").map_err(internal)? != 0,
            });
        }
        Ok(MapData {
            nodes,
            edges,
            truncated,
        })
    }

    /// Assets per role and per Purdue level.
    pub async fn counts(&self, tenant_id: i64) -> Result<AssetCounts, StoreError> {
        let by_role = self.count_by(tenant_id, "role", "role").await?;
        let by_level = self
            .count_by(
                tenant_id,
                "purdue_level",
                "CASE WHEN purdue_level IS NULL THEN 1 ELSE 0 END, purdue_level",
            )
            .await?;
        Ok(AssetCounts { by_role, by_level })
    }

    /// The tenant's assets counted per value of `column`, in `order`.
    async fn count_by<K>(
        &self,
        tenant_id: i64,
        column: &str,
        order: &str,
    ) -> Result<Vec<(K, i64)>, StoreError>
    where
        K: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        sqlx::query(&format!(
            "SELECT {column} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM assets WHERE tenant_id = $1 \
             GROUP BY {column} ORDER BY {order}"
        ))
        .bind(tenant_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("k").map_err(internal)?,
                r.try_get("n").map_err(internal)?,
            ))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_matched_literally() {
        assert_eq!(contains_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn every_filter_is_bound_after_the_tenant() {
        let f = AssetFilter {
            role: Some("controller".into()),
            vendor: Some(" ".into()),
            protocol: Some("s7comm".into()),
            zone: None,
            purdue_level: Some(1),
            search: Some("plc".into()),
            seen_since_ms: Some(1_764_547_200_000),
        };
        let (sql, binds) = where_clause(7, &f);
        assert_eq!(
            sql,
            "WHERE tenant_id = $1 AND role = $2 AND protocols LIKE $3 ESCAPE '\\' AND purdue_level = $4 AND last_seen_ms >= $5 AND search LIKE $6 ESCAPE '\\'"
        );
        assert_eq!(binds.len(), 6);
    }
}
