-- API tokens: `Authorization: Bearer cw_<prefix>_<secret>` for /api/v1 and
-- /mcp. Only the prefix (to find the row) and the SHA-256 of the secret are
-- kept; the whole token is shown once, when it is made. A revoked or expired
-- token stays listed (who made it, when it was last used) but never
-- authenticates again.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    scope         TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    prefix        TEXT    NOT NULL,
    secret_sha256 TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT,
    revoked_at    TEXT
);
CREATE UNIQUE INDEX api_tokens_prefix ON api_tokens (prefix);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
