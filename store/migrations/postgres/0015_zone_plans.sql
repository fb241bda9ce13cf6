-- The zones a customer defined (analysis::zones::ZonePlan as JSON), one
-- plan per tenant. The analysis job labels every address with them when
-- it materialises the inventory; a change materialises it again at once.
CREATE TABLE zone_plans (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    plan_json TEXT NOT NULL,
    -- Who changed it last (username at the time) and when (Unix seconds).
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

-- A zone as listed: the VLANs it covers (defined) or was seen on (a
-- sensor's), whether the customer defined it, and its sensor.
ALTER TABLE zones ADD COLUMN vlans_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE zones ADD COLUMN defined BIGINT NOT NULL DEFAULT 0;
ALTER TABLE zones ADD COLUMN sensor TEXT;
