-- Hourly rollups: before retention deletes a batch's minute rows, what its
-- operations and flows said is added here, per hour, and kept. The key
-- columns are never NULL ('' or -1 stand for "none"), so that a second
-- batch of the same hour finds its row.
CREATE TABLE operation_hours (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    hour_start BIGINT NOT NULL,
    -- The IP address, or the MAC address of a layer-2 protocol's party.
    client TEXT NOT NULL,
    server TEXT NOT NULL,
    server_port BIGINT NOT NULL,
    protocol TEXT NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    count BIGINT NOT NULL,
    -- Of those, answers with an error or exception code.
    errors BIGINT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class, direction)
);

CREATE TABLE flow_hours (
    tenant_id BIGINT NOT NULL,
    sensor_id BIGINT NOT NULL,
    hour_start BIGINT NOT NULL,
    transport TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    server_ip TEXT NOT NULL,
    server_port BIGINT NOT NULL,
    protocol TEXT NOT NULL,
    -- Flow records: one per flow and minute it was active in.
    flow_records BIGINT NOT NULL,
    packets BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol)
);
