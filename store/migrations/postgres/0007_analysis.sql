-- Minute rows know their batch: two batches of one sensor can share a
-- minute (a restarted sensor, a portal upload), so (sensor, minute) cannot
-- rebuild a batch exactly; (sensor, sequence) can. Old rows get the
-- sequence where one batch of their sensor covers their minute, and stay
-- NULL where that is ambiguous (no analysis job reads them then).
ALTER TABLE flow_minutes ADD COLUMN sequence BIGINT;
UPDATE flow_minutes SET sequence = (SELECT MIN(b.sequence) FROM batches b
    WHERE b.tenant_id = flow_minutes.tenant_id AND b.sensor_id = flow_minutes.sensor_id AND b.minute_start = flow_minutes.minute_start)
WHERE (SELECT COUNT(*) FROM batches b
    WHERE b.tenant_id = flow_minutes.tenant_id AND b.sensor_id = flow_minutes.sensor_id AND b.minute_start = flow_minutes.minute_start) = 1;
CREATE INDEX flow_minutes_batch ON flow_minutes(tenant_id, sensor_id, sequence);
ALTER TABLE operation_minutes ADD COLUMN sequence BIGINT;
UPDATE operation_minutes SET sequence = (SELECT MIN(b.sequence) FROM batches b
    WHERE b.tenant_id = operation_minutes.tenant_id AND b.sensor_id = operation_minutes.sensor_id AND b.minute_start = operation_minutes.minute_start)
WHERE (SELECT COUNT(*) FROM batches b
    WHERE b.tenant_id = operation_minutes.tenant_id AND b.sensor_id = operation_minutes.sensor_id AND b.minute_start = operation_minutes.minute_start) = 1;
CREATE INDEX operation_minutes_batch ON operation_minutes(tenant_id, sensor_id, sequence);
ALTER TABLE identity_observations ADD COLUMN sequence BIGINT;
UPDATE identity_observations SET sequence = (SELECT MIN(b.sequence) FROM batches b
    WHERE b.tenant_id = identity_observations.tenant_id AND b.sensor_id = identity_observations.sensor_id AND b.minute_start = identity_observations.minute_start)
WHERE (SELECT COUNT(*) FROM batches b
    WHERE b.tenant_id = identity_observations.tenant_id AND b.sensor_id = identity_observations.sensor_id AND b.minute_start = identity_observations.minute_start) = 1;
CREATE INDEX identity_observations_batch ON identity_observations(tenant_id, sensor_id, sequence);
ALTER TABLE host_minutes ADD COLUMN sequence BIGINT;
UPDATE host_minutes SET sequence = (SELECT MIN(b.sequence) FROM batches b
    WHERE b.tenant_id = host_minutes.tenant_id AND b.sensor_id = host_minutes.sensor_id AND b.minute_start = host_minutes.minute_start)
WHERE (SELECT COUNT(*) FROM batches b
    WHERE b.tenant_id = host_minutes.tenant_id AND b.sensor_id = host_minutes.sensor_id AND b.minute_start = host_minutes.minute_start) = 1;
CREATE INDEX host_minutes_batch ON host_minutes(tenant_id, sensor_id, sequence);

-- The analysis engine's state per tenant (analysis::Inventory, CBOR) and a
-- version bumped by every step, so a server keeps the state in memory and
-- reloads it only when another instance moved it on. The row is also the
-- tenant's lock (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED).
CREATE TABLE analysis_state (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    version BIGINT NOT NULL DEFAULT 0,
    state BYTEA,
    updated_at BIGINT,
    PRIMARY KEY (tenant_id)
);

-- Per sensor, the highest sequence analysed (and its minute), written in
-- the same transaction as the state and results: each batch once.
CREATE TABLE analysis_progress (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    analysed_sequence BIGINT NOT NULL,
    analysed_minute BIGINT,
    PRIMARY KEY (tenant_id, sensor_id),
    FOREIGN KEY (tenant_id, sensor_id) REFERENCES sensors (tenant_id, id)
);

-- The inventory as last reported, one row per asset, with the columns the
-- portal sorts and filters on; the full asset as JSON for its page. Lists
-- are stored comma-wrapped (",s7comm,modbus,") so one LIKE finds a member.
CREATE TABLE assets (
    tenant_id BIGINT NOT NULL,
    asset_id TEXT NOT NULL,
    role TEXT NOT NULL,
    purdue_level BIGINT,
    vendor TEXT,
    product TEXT,
    names TEXT NOT NULL,
    ips TEXT NOT NULL,
    macs TEXT NOT NULL,
    protocols TEXT NOT NULL,
    zones TEXT NOT NULL,
    first_seen_ms BIGINT,
    last_seen_ms BIGINT,
    confidence BIGINT NOT NULL,
    search TEXT NOT NULL,
    asset_json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, asset_id)
);
CREATE INDEX assets_tenant_role ON assets(tenant_id, role);

CREATE TABLE edges (
    tenant_id BIGINT NOT NULL,
    client_id TEXT NOT NULL,
    server_id TEXT NOT NULL,
    protocol TEXT NOT NULL,
    requests BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    packets BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    first_seen_ms BIGINT,
    last_seen_ms BIGINT,
    skips_levels BOOLEAN NOT NULL,
    edge_json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id, server_id, protocol)
);

CREATE TABLE zones (
    tenant_id BIGINT NOT NULL,
    zone TEXT NOT NULL,
    assets BIGINT NOT NULL,
    networks_json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, zone)
);
