-- Webhooks: endpoints a user registers (URL, the events wanted, the
-- signing secret shown once) and the deliveries owed to them. A delivery
-- row is written in the same transaction as the event it tells of, then
-- sent by any replica's delivery loop (claimed with a lease, as jobs are),
-- retried with backoff for a day, then marked failed. Kept per endpoint
-- for its delivery log; "send again" queues a new attempt of the same
-- message (the same webhook-id, so receivers can tell it is a repeat).
CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    disabled_at TEXT
);
CREATE INDEX webhook_endpoints_user ON webhook_endpoints (user_id);

CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    endpoint_id   INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id    TEXT    NOT NULL,
    event         TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    delivered_at  TEXT,
    last_status   INTEGER,
    last_error    TEXT,
    claimed_by    TEXT,
    lease_until   TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
