-- Per-user start limits: a short range scan however long the history.
CREATE INDEX jobs_user_created ON jobs (user_id, created_at);
