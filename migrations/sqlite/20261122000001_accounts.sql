-- Accounts and sessions.
--
-- Emails are compared case-insensitively (COLLATE NOCASE on the unique index);
-- timestamps are RFC 3339 UTC text.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL COLLATE NOCASE,
    name            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    is_admin        INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at      TEXT    NOT NULL,
    last_login_at   TEXT
);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

-- tower-sessions records. `user_id` is copied out of the record so that
-- disabling a user can end every one of their sessions with one statement.
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY NOT NULL,
    data         BLOB    NOT NULL,
    expiry_date  INTEGER NOT NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);
CREATE INDEX sessions_user ON sessions (user_id);
