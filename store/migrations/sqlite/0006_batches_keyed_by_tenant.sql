-- A batch's key leads with its tenant, as on PostgreSQL (docs/SCALING.md).
-- SQLite cannot change a primary key in place: the table is rebuilt. A
-- batch names its sensor together with its tenant, so no batch can point at
-- another tenant's sensor.
CREATE UNIQUE INDEX sensors_tenant_id_id ON sensors (tenant_id, id);
CREATE TABLE batches_by_tenant (
    sensor_id INTEGER NOT NULL,
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
    content_digest INTEGER,
    PRIMARY KEY (tenant_id, sensor_id, sequence),
    FOREIGN KEY (tenant_id, sensor_id) REFERENCES sensors (tenant_id, id)
);
INSERT INTO batches_by_tenant (sensor_id, sequence, tenant_id, minute_start, received_at, flows,
    operations, identities, hosts, packets, bytes, counters_json, health_json, content_digest)
SELECT sensor_id, sequence, tenant_id, minute_start, received_at, flows,
    operations, identities, hosts, packets, bytes, counters_json, health_json, content_digest
FROM batches;
DROP TABLE batches;
ALTER TABLE batches_by_tenant RENAME TO batches;
