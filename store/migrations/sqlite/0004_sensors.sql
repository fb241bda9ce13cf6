-- Sensors of a tenant; the token is stored only as its SHA-256.
CREATE TABLE sensors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    -- Health, from the last accepted batch.
    last_upload_at INTEGER,
    last_minute INTEGER,
    last_sequence INTEGER,
    batches INTEGER NOT NULL DEFAULT 0,
    packets_total INTEGER NOT NULL DEFAULT 0,
    capture_dropped_total INTEGER,
    spool_backlog INTEGER,
    lag_s INTEGER,
    version TEXT,
    last_error TEXT,
    UNIQUE (tenant_id, name)
);

-- One row per accepted batch: (sensor, sequence) makes uploads idempotent.
CREATE TABLE batches (
    sensor_id INTEGER NOT NULL REFERENCES sensors(id),
    sequence INTEGER NOT NULL,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    minute_start INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    flows INTEGER NOT NULL,
    operations INTEGER NOT NULL,
    identities INTEGER NOT NULL,
    hosts INTEGER NOT NULL,
    packets INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    counters_json TEXT NOT NULL,
    health_json TEXT NOT NULL,
    PRIMARY KEY (sensor_id, sequence)
);

CREATE TABLE flow_minutes (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    minute_start INTEGER NOT NULL,
    transport TEXT NOT NULL,
    ip_protocol INTEGER NOT NULL,
    client_ip TEXT NOT NULL,
    server_ip TEXT NOT NULL,
    client_port INTEGER NOT NULL,
    server_port INTEGER NOT NULL,
    client_mac TEXT,
    server_mac TEXT,
    vlan INTEGER,
    initiator TEXT NOT NULL,
    protocol TEXT,
    flow_start_ms INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    packets_to_server INTEGER NOT NULL,
    packets_to_client INTEGER NOT NULL,
    bytes_to_server INTEGER NOT NULL,
    bytes_to_client INTEGER NOT NULL,
    payload_to_server INTEGER NOT NULL,
    payload_to_client INTEGER NOT NULL,
    tcp_flags_to_server INTEGER NOT NULL,
    tcp_flags_to_client INTEGER NOT NULL,
    started BOOLEAN NOT NULL,
    ended TEXT,
    reassembly_gap_bytes INTEGER NOT NULL
);
CREATE INDEX flow_minutes_tenant_minute ON flow_minutes(tenant_id, minute_start);

CREATE TABLE operation_minutes (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    minute_start INTEGER NOT NULL,
    transport TEXT NOT NULL,
    client_ip TEXT,
    server_ip TEXT,
    server_port INTEGER,
    client_mac TEXT,
    server_mac TEXT,
    protocol TEXT NOT NULL,
    function_code INTEGER NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    unit INTEGER,
    direction TEXT NOT NULL,
    error_code INTEGER,
    count INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    ranges_json TEXT NOT NULL,
    ranges_truncated BOOLEAN NOT NULL
);
CREATE INDEX operation_minutes_tenant_minute ON operation_minutes(tenant_id, minute_start);

CREATE TABLE identity_observations (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    minute_start INTEGER NOT NULL,
    mac TEXT,
    ip TEXT,
    source TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL
);
CREATE INDEX identity_observations_tenant ON identity_observations(tenant_id);

CREATE TABLE host_minutes (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    minute_start INTEGER NOT NULL,
    mac TEXT,
    ip TEXT,
    grp BOOLEAN NOT NULL,
    vendor TEXT,
    macs_json TEXT NOT NULL,
    ttl INTEGER,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    packets_sent INTEGER NOT NULL,
    packets_received INTEGER NOT NULL,
    bytes_sent INTEGER NOT NULL,
    bytes_received INTEGER NOT NULL
);
CREATE INDEX host_minutes_tenant_minute ON host_minutes(tenant_id, minute_start);
