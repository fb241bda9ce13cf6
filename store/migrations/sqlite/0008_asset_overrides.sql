-- What a customer decided about an asset (its role, its Purdue level),
-- by asset id. The analysis job shows it instead of its own assessment and
-- keeps its own in the evidence; a decision outlives every later batch.
-- A NULL column leaves that attribute to the engine.
CREATE TABLE asset_overrides (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    asset_id TEXT NOT NULL,
    role TEXT,
    purdue_level INTEGER,
    -- Who decided (username at the time) and when (Unix seconds).
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, asset_id)
);

-- The asset page reads the edges an asset serves; the primary key covers
-- those it is the client of.
CREATE INDEX edges_server ON edges(tenant_id, server_id);
