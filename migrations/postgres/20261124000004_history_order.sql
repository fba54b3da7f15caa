-- History is newest first, ties broken by insertion order (seq); one index
-- serves that order (PostgreSQL reads it backwards as well).

DROP INDEX jobs_created;
CREATE INDEX jobs_created ON jobs (created_at, seq);
