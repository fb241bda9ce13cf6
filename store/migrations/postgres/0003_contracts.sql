-- One recorded contract per tenant, as the form it was entered with.
CREATE TABLE contracts (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    form_json TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
