-- The 802.1Q VLAN of operations, identity facts and IP addresses (flows
-- carried it already): the same IP address on two VLANs of one sensor is
-- two devices, so the analysis needs the VLAN of every record that names
-- an address. NULL: untagged, and every row stored before.
ALTER TABLE operation_minutes ADD COLUMN vlan BIGINT;
ALTER TABLE identity_observations ADD COLUMN vlan BIGINT;
ALTER TABLE host_minutes ADD COLUMN vlan BIGINT;

-- The hourly rollups keep the VLAN in their key too (-1: untagged, and
-- every row rolled up before), so retention does not merge two lines'
-- devices that share addresses.
ALTER TABLE operation_hours ADD COLUMN vlan BIGINT NOT NULL DEFAULT -1;
ALTER TABLE operation_hours DROP CONSTRAINT operation_hours_pkey;
ALTER TABLE operation_hours ADD PRIMARY KEY
    (tenant_id, sensor_id, hour_start, client, server, server_port, protocol, name, class, direction, vlan);
ALTER TABLE flow_hours ADD COLUMN vlan BIGINT NOT NULL DEFAULT -1;
ALTER TABLE flow_hours DROP CONSTRAINT flow_hours_pkey;
ALTER TABLE flow_hours ADD PRIMARY KEY
    (tenant_id, sensor_id, hour_start, transport, client_ip, server_ip, server_port, protocol, vlan);
