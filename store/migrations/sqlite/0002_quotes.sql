CREATE TABLE quotes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    prospect TEXT NOT NULL,
    -- The simulator form as JSON: reopening recomputes from it.
    form_json TEXT NOT NULL,
    -- Tax-included total over the horizon, as verified when saved.
    total INTEGER NOT NULL,
    catalogue_version TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
