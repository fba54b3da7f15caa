-- A version number per table group that any change bumps, kept by
-- triggers so every writer counts (every replica, a manual fix in psql).

CREATE TABLE change_versions (
    name    TEXT    PRIMARY KEY NOT NULL,
    version BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO change_versions (name, version) VALUES ('jobs', 0);

CREATE FUNCTION bump_jobs_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_changed AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_jobs_version();
-- The history shows each job's owner by name.
CREATE TRIGGER jobs_owner_renamed AFTER UPDATE OF name ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_jobs_version();
