-- Catalogue batches: many courses started by one API call, followed and
-- cancelled together. A batch's courses are ordinary jobs that name their
-- batch; they wait in the one queue, where the claim shares the workers
-- fairly between users (a batch does not starve anyone's single course).
-- They count against the batch allowance, not the single-course one.
CREATE TABLE batches (
    id           TEXT    PRIMARY KEY NOT NULL CHECK (length(id) = 8),
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    cancelled_at TEXT,
    -- Set once, when its last course ends (batch.completed is sent then).
    completed_at TEXT
);
CREATE INDEX batches_user ON batches (user_id, created_at);
ALTER TABLE jobs ADD COLUMN batch_id TEXT REFERENCES batches (id) ON DELETE SET NULL;
CREATE INDEX jobs_batch ON jobs (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_user_started ON jobs (user_id, started_at);
