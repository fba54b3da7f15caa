-- Idempotency-Key on POST /api/v1/courses: the same key and body from the
-- same user within 24 hours answer with the course the first request
-- started; the same key with another body is refused. A row with no job
-- yet is a request still being handled. The janitor deletes rows older
-- than a day; deleting the course deletes its key.
CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    job_id      TEXT    REFERENCES jobs (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
