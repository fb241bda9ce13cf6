-- Hourly rollups: before retention deletes a batch's minute rows, what its
-- operations and flows said is added here, per hour, and kept. The key
-- columns are never NULL ('' or -1 stand for "none"), so that a second
-- batch of the same hour finds its row.
CREATE TABLE operation_hours (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    hour_start INTEGER NOT NULL,
    -- The IP address, or the MAC address of a layer-2 protocol's party.
    client TEXT NOT NULL,
    server TEXT NOT NULL,
    server_port INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    count INTEGER NOT NULL,
    -- Of those, answers with an error or exception code.
    errors INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class, direction)
);

CREATE TABLE flow_hours (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    hour_start INTEGER NOT NULL,
    transport TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    server_ip TEXT NOT NULL,
    server_port INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    -- Flow records: one per flow and minute it was active in.
    flow_records INTEGER NOT NULL,
    packets INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol)
);
