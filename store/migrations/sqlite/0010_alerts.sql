-- Detections (docs/DETECTIONS.md). The detector's state per tenant
-- (analysis::detect::Detector, CBOR) beside the inventory's, written in the
-- same step's transaction: each batch alerts once.
ALTER TABLE analysis_state ADD COLUMN detect_state BLOB;

-- Every alert the detector opened, by its id per tenant. The step upserts
-- what the detector changed (count, severity, last seen, the view); the
-- state is the customer's and a repeat never changes it.
CREATE TABLE alerts (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    alert_id INTEGER NOT NULL,
    alert_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    -- new | acknowledged | resolved | allowed
    state TEXT NOT NULL DEFAULT 'new',
    sensor TEXT NOT NULL,
    client_id TEXT,
    server_id TEXT,
    protocol TEXT,
    subject TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    -- The title in both languages, for lists; the whole
    -- analysis::detect::AlertView as JSON, for the alert's page.
    title_ja TEXT NOT NULL,
    title_en TEXT NOT NULL,
    view_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, alert_id)
);
CREATE INDEX alerts_tenant_seen ON alerts(tenant_id, last_seen_ms);
CREATE INDEX alerts_tenant_state ON alerts(tenant_id, state);

-- Who did what to an alert, when: a state change (from_state → to_state),
-- an allow or a revoke (action), with an optional note.
CREATE TABLE alert_actions (
    tenant_id INTEGER NOT NULL,
    alert_id INTEGER NOT NULL,
    action_id INTEGER NOT NULL,
    -- state | allow | revoke
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    note TEXT NOT NULL DEFAULT '',
    -- Username at the time, and Unix seconds.
    done_by TEXT NOT NULL,
    done_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, alert_id, action_id),
    FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, alert_id)
);

-- What a customer allowed: an alert type within a scope (edge: client,
-- server, protocol; asset; zone). Revoked allows stay, with who and when.
-- The analysis step loads the active ones before each run.
CREATE TABLE alert_allows (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    allow_id INTEGER NOT NULL,
    alert_type TEXT NOT NULL,
    -- edge | asset | zone
    scope TEXT NOT NULL,
    client_id TEXT,
    server_id TEXT,
    protocol TEXT,
    asset_id TEXT,
    zone TEXT,
    -- The alert it was made from.
    alert_id INTEGER,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_by TEXT,
    revoked_at INTEGER,
    PRIMARY KEY (tenant_id, allow_id)
);
