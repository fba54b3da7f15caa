-- Deleting a course keeps it for DELETED_KEEP_MINUTES so it can be undone:
-- until then it is hidden everywhere (lists, pages, downloads, the API) but
-- its row and deck stay; the janitor deletes both afterwards.
ALTER TABLE jobs ADD COLUMN deleted_at TEXT;
CREATE INDEX jobs_deleted ON jobs (deleted_at) WHERE deleted_at IS NOT NULL;
