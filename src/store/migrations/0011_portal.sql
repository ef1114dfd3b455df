-- The requester portal (`deskside serve`), version 11 (the lead renumbers
-- at merge). Shipped migrations are never edited: add a new file.

-- Portal settings: the server secret that signs rating links and CSRF
-- tokens (made at first start, never shown), and the base URL that links
-- in mail start with (set by `serve --base-url`).
CREATE TABLE portal_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One-time sign-in links mailed to a requester. Only the SHA-256 of the
-- 256-bit token is kept; a link works once (used_at) and until expires_at.
-- A request typed before signing in waits here (JSON) until the link is
-- followed: no ticket exists for an address nobody has proved.
CREATE TABLE portal_signins (
    token_hash TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    name       TEXT,
    request    TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX portal_signins_expires ON portal_signins(expires_at);

-- Signed-in browsers: the SHA-256 of the random cookie value.
CREATE TABLE portal_sessions (
    id_hash    TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions(expires_at);

-- Sign-in links waiting for `mail send` (the outbox of mail that belongs
-- to no ticket yet). The body holds the link until it is sent, then only
-- a note that it was: the live token leaves the database with the mail.
CREATE TABLE portal_mail (
    id            INTEGER PRIMARY KEY,
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'sent', 'failed', 'expired')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    claimed_until INTEGER,
    sent_at       INTEGER,
    message_id    TEXT
);
CREATE INDEX portal_mail_status ON portal_mail(status, id);

-- Deflection figures: how often requesters helped themselves, per school
-- (code, '' when unknown) and ISO week. Counts only: no personal data.
CREATE TABLE portal_counters (
    week   TEXT NOT NULL,
    school TEXT NOT NULL,
    metric TEXT NOT NULL,
    n      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week, school, metric)
) WITHOUT ROWID;
