-- Alert export (docs/EXPORT.md): the receivers a customer admin configures
-- and one delivery per alert and receiver, written in the analysis step's
-- transaction (an outbox), so no alert is lost across a restart and a
-- slow receiver never holds up the step.
CREATE TABLE export_receivers (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    receiver_id INTEGER NOT NULL,
    -- syslog_tcp | syslog_udp | webhook
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    -- low | medium | high | critical: the lowest severity sent.
    min_severity TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    -- A webhook's HMAC-SHA256 key (hex); empty for syslog.
    secret TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Deleted receivers stay for their delivery log.
    deleted_by TEXT,
    deleted_at INTEGER,
    PRIMARY KEY (tenant_id, receiver_id)
);

CREATE TABLE export_deliveries (
    tenant_id INTEGER NOT NULL,
    receiver_id INTEGER NOT NULL,
    alert_id INTEGER NOT NULL,
    -- pending | delivered
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds. A sender claims a delivery by moving its next
    -- attempt past the time a send can take, so a crash mid-send retries.
    next_attempt_ms INTEGER NOT NULL,
    last_attempt_ms INTEGER,
    delivered_ms INTEGER,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, receiver_id, alert_id),
    FOREIGN KEY (tenant_id, receiver_id) REFERENCES export_receivers (tenant_id, receiver_id),
    FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, alert_id)
);
CREATE INDEX export_deliveries_due ON export_deliveries(state, next_attempt_ms);
CREATE INDEX export_deliveries_log ON export_deliveries(tenant_id, created_ms);
