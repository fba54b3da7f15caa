-- A version number per table group that any change bumps, kept by triggers
-- so that every writer counts (this process, another process on the same
-- file, a manual fix in the sqlite3 shell). Readers that cache a query's
-- result (the shared history) compare one number instead of re-reading rows.

CREATE TABLE change_versions (
    name    TEXT    PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO change_versions (name, version) VALUES ('jobs', 0);

CREATE TRIGGER jobs_changed_insert AFTER INSERT ON jobs
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
CREATE TRIGGER jobs_changed_update AFTER UPDATE ON jobs
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
CREATE TRIGGER jobs_changed_delete AFTER DELETE ON jobs
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
-- The history shows each job's owner by name.
CREATE TRIGGER jobs_owner_renamed AFTER UPDATE OF name ON users
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
