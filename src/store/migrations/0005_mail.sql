-- Mail in and out, version 5 (the lead renumbers at merge). Shipped
-- migrations are never edited: add a new file.

-- Every message that belongs to a ticket, both directions. Inbound ids make
-- `mail ingest` idempotent; ids of both directions thread replies.
-- Message-IDs are stored without the angle brackets.
CREATE TABLE mail_messages (
    id         INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    -- the timeline event the message became (inbound) or came from (outbound)
    event_id   INTEGER REFERENCES events(id),
    direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id, id);

-- Attachments of inbound mail: recorded by name, type and size (the content
-- stays with the mail server's copy).
CREATE TABLE mail_attachments (
    id           INTEGER PRIMARY KEY,
    mail_id      INTEGER NOT NULL REFERENCES mail_messages(id),
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0)
);
CREATE INDEX mail_attachments_ticket ON mail_attachments(ticket_id);

-- Inbound mail that made no ticket, kept whole so nothing is lost: unreadable
-- messages ('failed') and ones set aside on purpose ('ignored': bounces,
-- out-of-office replies, empty messages). One row per distinct message.
CREATE TABLE mail_rejects (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('failed', 'ignored')),
    reason     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    sha256     TEXT NOT NULL UNIQUE,
    message_id TEXT,
    sender     TEXT,
    subject    TEXT,
    raw        BLOB NOT NULL
);
CREATE INDEX mail_rejects_at ON mail_rejects(at);

-- Outgoing mail, queued in the same transaction as the change it reports
-- (so a rolled-back change sends nothing) and rendered when `mail send`
-- flushes the queue (so a failed send is retried, never lost).
CREATE TABLE mail_outbox (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    -- the public reply to send; NULL for the acknowledgement of a new ticket
    event_id      INTEGER REFERENCES events(id),
    kind          TEXT NOT NULL CHECK (kind IN ('ack', 'reply')),
    recipient     TEXT NOT NULL,
    -- acknowledgement only: JSON [{"title": ..., "link": ...}] of articles that may solve it
    suggestions   TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'sent', 'failed', 'discarded', 'expired')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    -- a sender working on the row until then; others leave it alone
    claimed_until INTEGER,
    sent_at       INTEGER,
    message_id    TEXT,
    CHECK ((kind = 'ack') = (event_id IS NULL))
);
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);
CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id);
