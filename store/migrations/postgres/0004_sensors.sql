-- Sensors of a tenant; the token is stored only as its SHA-256.
CREATE TABLE sensors (
    id BIGSERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    -- Health, from the last accepted batch.
    last_upload_at BIGINT,
    last_minute BIGINT,
    last_sequence BIGINT,
    batches BIGINT NOT NULL DEFAULT 0,
    packets_total BIGINT NOT NULL DEFAULT 0,
    capture_dropped_total BIGINT,
    spool_backlog BIGINT,
    lag_s BIGINT,
    version TEXT,
    last_error TEXT,
    UNIQUE (tenant_id, name)
);

-- One row per accepted batch: (sensor, sequence) makes uploads idempotent.
CREATE TABLE batches (
    sensor_id BIGINT NOT NULL REFERENCES sensors(id),
    sequence BIGINT NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    minute_start BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    flows BIGINT NOT NULL,
    operations BIGINT NOT NULL,
    identities BIGINT NOT NULL,
    hosts BIGINT NOT NULL,
    packets BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    counters_json TEXT NOT NULL,
    health_json TEXT NOT NULL,
    PRIMARY KEY (sensor_id, sequence)
);

CREATE TABLE flow_minutes (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    minute_start BIGINT NOT NULL,
    transport TEXT NOT NULL,
    ip_protocol BIGINT NOT NULL,
    client_ip TEXT NOT NULL,
    server_ip TEXT NOT NULL,
    client_port BIGINT NOT NULL,
    server_port BIGINT NOT NULL,
    client_mac TEXT,
    server_mac TEXT,
    vlan BIGINT,
    initiator TEXT NOT NULL,
    protocol TEXT,
    flow_start_ms BIGINT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    packets_to_server BIGINT NOT NULL,
    packets_to_client BIGINT NOT NULL,
    bytes_to_server BIGINT NOT NULL,
    bytes_to_client BIGINT NOT NULL,
    payload_to_server BIGINT NOT NULL,
    payload_to_client BIGINT NOT NULL,
    tcp_flags_to_server BIGINT NOT NULL,
    tcp_flags_to_client BIGINT NOT NULL,
    started BOOLEAN NOT NULL,
    ended TEXT,
    reassembly_gap_bytes BIGINT NOT NULL
);
CREATE INDEX flow_minutes_tenant_minute ON flow_minutes(tenant_id, minute_start);

CREATE TABLE operation_minutes (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    minute_start BIGINT NOT NULL,
    transport TEXT NOT NULL,
    client_ip TEXT,
    server_ip TEXT,
    server_port BIGINT,
    client_mac TEXT,
    server_mac TEXT,
    protocol TEXT NOT NULL,
    function_code BIGINT NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    unit BIGINT,
    direction TEXT NOT NULL,
    error_code BIGINT,
    count BIGINT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    ranges_json TEXT NOT NULL,
    ranges_truncated BOOLEAN NOT NULL
);
CREATE INDEX operation_minutes_tenant_minute ON operation_minutes(tenant_id, minute_start);

CREATE TABLE identity_observations (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    minute_start BIGINT NOT NULL,
    mac TEXT,
    ip TEXT,
    source TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL
);
CREATE INDEX identity_observations_tenant ON identity_observations(tenant_id);

CREATE TABLE host_minutes (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    minute_start BIGINT NOT NULL,
    mac TEXT,
    ip TEXT,
    grp BOOLEAN NOT NULL,
    vendor TEXT,
    macs_json TEXT NOT NULL,
    ttl BIGINT,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    packets_sent BIGINT NOT NULL,
    packets_received BIGINT NOT NULL,
    bytes_sent BIGINT NOT NULL,
    bytes_received BIGINT NOT NULL
);
CREATE INDEX host_minutes_tenant_minute ON host_minutes(tenant_id, minute_start);
