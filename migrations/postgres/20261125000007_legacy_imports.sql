-- What `courseware import-legacy` brought in (see the SQLite migration).
CREATE TABLE legacy_imports (
    kind        TEXT NOT NULL CHECK (kind IN ('job', 'activity', 'tokens')),
    key         TEXT NOT NULL,
    target      TEXT,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
