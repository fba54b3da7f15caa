-- What `courseware import-legacy` brought in from the previous tool's JSON
-- files, by kind and the row's own key (its job id, its date, a digest of a
-- token row), so running the import again adds nothing. `target` is the new
-- job id for imported jobs (token rows use it to find their job).
CREATE TABLE legacy_imports (
    kind        TEXT NOT NULL CHECK (kind IN ('job', 'activity', 'tokens')),
    key         TEXT NOT NULL,
    target      TEXT,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
