-- History is newest first with ties (same second) broken by insertion order:
-- ORDER BY created_at DESC, rowid DESC. An ascending index read backwards
-- yields exactly that order (index entries end with the rowid), so the
-- latest 100 jobs come straight off the index with no sort step.

DROP INDEX jobs_created;
CREATE INDEX jobs_created ON jobs (created_at);
