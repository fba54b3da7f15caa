-- Per-user start limits count a user's recent and active jobs on every
-- start; this index keeps that a short range scan however long the history.
CREATE INDEX jobs_user_created ON jobs (user_id, created_at);
