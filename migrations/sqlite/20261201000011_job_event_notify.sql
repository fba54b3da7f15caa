-- Kept in step with PostgreSQL's migration 11, which announces new job log
-- lines to the other replicas. On SQLite there is one server and its streams
-- hear its workers directly: nothing to change.
SELECT 1;
