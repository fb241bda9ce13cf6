-- A batch's key leads with its tenant, so the table can be distributed by
-- tenant_id on a PostgreSQL-compatible distributed engine (docs/SCALING.md):
-- there every primary and unique key must contain the distribution column.
-- A sensor belongs to one tenant, so the key identifies the same rows.
ALTER TABLE batches DROP CONSTRAINT batches_pkey;
ALTER TABLE batches ADD PRIMARY KEY (tenant_id, sensor_id, sequence);

-- A batch names its sensor together with its tenant, so no batch can point
-- at another tenant's sensor.
ALTER TABLE sensors ADD CONSTRAINT sensors_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE batches DROP CONSTRAINT batches_sensor_id_fkey;
ALTER TABLE batches ADD CONSTRAINT batches_tenant_sensor_fkey
    FOREIGN KEY (tenant_id, sensor_id) REFERENCES sensors (tenant_id, id);
