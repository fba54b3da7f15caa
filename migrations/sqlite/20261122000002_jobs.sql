-- Generation jobs, their queue and event log, and daily activity.
--
-- A job row and its queue entry are written in one transaction; workers
-- claim queue entries with one atomic UPDATE … RETURNING.

CREATE TABLE jobs (
    id              TEXT    PRIMARY KEY NOT NULL CHECK (length(id) = 8),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    course_title    TEXT    NOT NULL,
    template_name   TEXT    NOT NULL,
    template_path   TEXT    NOT NULL,
    duration_days   INTEGER NOT NULL CHECK (duration_days BETWEEN 1 AND 10),
    language        TEXT    NOT NULL,
    outline_json    TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'failed', 'cancelled')),
    progress        INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    log_message     TEXT,
    slide_count     INTEGER,
    qa_score        INTEGER,
    qa_verdict      TEXT,
    qa_report       TEXT,
    duration_sec    REAL,
    output_local    TEXT,
    output_s3_key   TEXT,
    created_at      TEXT    NOT NULL,
    started_at      TEXT,
    completed_at    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_created ON jobs (created_at DESC);
CREATE INDEX jobs_status ON jobs (status);

CREATE TABLE job_queue (
    job_id      TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    enqueued_at TEXT NOT NULL,
    claimed_by  TEXT,
    claimed_at  TEXT
);
CREATE INDEX job_queue_free ON job_queue (claimed_by, enqueued_at);

CREATE TABLE job_events (
    id        INTEGER PRIMARY KEY,
    job_id    TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at        TEXT    NOT NULL,
    level     TEXT    NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    progress  INTEGER NOT NULL,
    message   TEXT    NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);

CREATE TABLE daily_activity (
    date    TEXT    PRIMARY KEY NOT NULL,
    courses INTEGER NOT NULL DEFAULT 0,
    slides  INTEGER NOT NULL DEFAULT 0
);
