-- Retention: a batch's minute rows (flows, operations, identities, hosts)
-- are deleted once it is analysed and older than the retention period;
-- its row in batches stays (the minute's totals, and the key that makes a
-- late retry a duplicate). details_purged marks a batch done.
ALTER TABLE batches ADD COLUMN details_purged BOOLEAN NOT NULL DEFAULT 0;

-- What purged rows added to a tenant's totals, so the portal's totals
-- stay what they were.
CREATE TABLE retention_totals (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    operations INTEGER NOT NULL,
    PRIMARY KEY (tenant_id)
);
