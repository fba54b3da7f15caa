-- Settings every server on this database must agree on, recorded by the
-- first to start (today: a fingerprint of the download-link key, so a
-- replica started with another SECRET_KEY refuses to start).
CREATE TABLE cluster_settings (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
