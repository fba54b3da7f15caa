-- Editable courses. A course is the set of jobs sharing `course_id` (the
-- first build's id); each job is one version (1, 2, …) with its own deck,
-- pictures, PDF and QA report. `job_content` keeps the content document
-- each version was built from (and which content slide each deck slide
-- shows); `course_drafts` is the course's working copy that editors
-- change, with a revision that refuses a save made on a stale copy.
ALTER TABLE jobs ADD COLUMN course_id TEXT;
ALTER TABLE jobs ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN origin TEXT NOT NULL DEFAULT 'generated';
UPDATE jobs SET course_id = id WHERE course_id IS NULL;
CREATE UNIQUE INDEX jobs_course_version ON jobs (course_id, version);

CREATE TABLE job_content (
    job_id      TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    content     TEXT NOT NULL,
    -- JSON array: for each slide of the deck, the id of the content slide it shows.
    deck_slides TEXT
);

CREATE TABLE course_drafts (
    course_id  TEXT PRIMARY KEY NOT NULL,
    content    TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);
