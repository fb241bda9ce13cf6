-- An asset's page lists the edges it is client or server of: the primary
-- key finds the first by prefix, this index the second (without it SQLite
-- scanned all the tenant's edges, 143 ms at 100,000 edges;
-- docs/BENCHMARKS.md, "Inventory at scale").
CREATE INDEX edges_tenant_server ON edges(tenant_id, server_id);
