-- AI writer: tokens spent per model call, and each module's accepted AI text
-- so a retried or recovered job does not pay for it twice.

CREATE TABLE token_usage (
    id                    INTEGER PRIMARY KEY,
    -- Kept when the job is deleted: spend stays in the usage history.
    job_id                TEXT    REFERENCES jobs (id) ON DELETE SET NULL,
    user_id               INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at                    TEXT    NOT NULL,
    provider              TEXT    NOT NULL,
    model                 TEXT    NOT NULL,
    purpose               TEXT    NOT NULL,
    input_tokens          INTEGER NOT NULL CHECK (input_tokens >= 0),
    output_tokens         INTEGER NOT NULL CHECK (output_tokens >= 0),
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_creation_tokens >= 0),
    cache_read_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
    -- Estimated at the time of the call from the price table; NULL when the model has no price.
    cost_usd              REAL
);
CREATE INDEX token_usage_job ON token_usage (job_id);
CREATE INDEX token_usage_at ON token_usage (at);

CREATE TABLE job_module_texts (
    job_id     TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    module     INTEGER NOT NULL CHECK (module >= 0),
    -- Hash of the module's outline and language: stale text is never reused.
    input_hash TEXT    NOT NULL,
    text_json  TEXT    NOT NULL,
    written_at TEXT    NOT NULL,
    PRIMARY KEY (job_id, module)
);
