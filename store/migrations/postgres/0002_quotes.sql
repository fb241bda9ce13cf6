CREATE TABLE quotes (
    id BIGSERIAL PRIMARY KEY,
    prospect TEXT NOT NULL,
    -- The simulator form as JSON: reopening recomputes from it.
    form_json TEXT NOT NULL,
    -- Tax-included total over the horizon, as verified when saved.
    total BIGINT NOT NULL,
    catalogue_version TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
