-- Review and sign-off. A course (jobs.course_id) is a draft, in review or
-- approved; approving records the version approved, which stays recorded
-- when a later edit starts a new draft. Comments hang on a content slide's
-- stable id (not its position), with the version they were made on;
-- replies point at their thread's first comment.
CREATE TABLE course_reviews (
    course_id    TEXT PRIMARY KEY NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved')),
    -- Whom the owner asked (NULL: anyone on the team but the one who asked).
    reviewer_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_at TEXT,
    decided_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at   TEXT,
    approved_job TEXT,
    note         TEXT
);
CREATE INDEX course_reviews_state ON course_reviews (state);

CREATE TABLE slide_comments (
    id          INTEGER PRIMARY KEY,
    course_id   TEXT NOT NULL,
    slide_id    TEXT NOT NULL,
    job_id      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    parent_id   INTEGER REFERENCES slide_comments (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX slide_comments_course ON slide_comments (course_id, slide_id);

-- The history shows each course's review state: its kept answers expire
-- when a review changes, as when a job does.
CREATE TRIGGER course_reviews_changed_insert AFTER INSERT ON course_reviews
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
CREATE TRIGGER course_reviews_changed_update AFTER UPDATE ON course_reviews
BEGIN
    UPDATE change_versions SET version = version + 1 WHERE name = 'jobs';
END;
