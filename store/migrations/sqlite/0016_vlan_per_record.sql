-- The 802.1Q VLAN of operations, identity facts and IP addresses (flows
-- carried it already): the same IP address on two VLANs of one sensor is
-- two devices, so the analysis needs the VLAN of every record that names
-- an address. NULL: untagged, and every row stored before.
ALTER TABLE operation_minutes ADD COLUMN vlan INTEGER;
ALTER TABLE identity_observations ADD COLUMN vlan INTEGER;
ALTER TABLE host_minutes ADD COLUMN vlan INTEGER;

-- The hourly rollups keep the VLAN in their key too (-1: untagged, and
-- every row rolled up before), so retention does not merge two lines'
-- devices that share addresses. SQLite cannot change a primary key: each
-- table is made again with the VLAN last.
CREATE TABLE operation_hours_by_vlan (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    hour_start INTEGER NOT NULL,
    client TEXT NOT NULL,
    server TEXT NOT NULL,
    server_port INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    name TEXT NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    count INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    vlan INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class, direction, vlan)
);
INSERT INTO operation_hours_by_vlan
    SELECT tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class,
           direction, count, errors, first_seen_ms, last_seen_ms, -1
    FROM operation_hours;
DROP TABLE operation_hours;
ALTER TABLE operation_hours_by_vlan RENAME TO operation_hours;

CREATE TABLE flow_hours_by_vlan (
    tenant_id INTEGER NOT NULL,
    sensor_id INTEGER NOT NULL,
    hour_start INTEGER NOT NULL,
    transport TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    server_ip TEXT NOT NULL,
    server_port INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    flow_records INTEGER NOT NULL,
    packets INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    vlan INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol, vlan)
);
INSERT INTO flow_hours_by_vlan
    SELECT tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol,
           flow_records, packets, bytes, first_seen_ms, last_seen_ms, -1
    FROM flow_hours;
DROP TABLE flow_hours;
ALTER TABLE flow_hours_by_vlan RENAME TO flow_hours;
