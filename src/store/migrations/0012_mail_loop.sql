-- Closing the loop by mail (issue 18), version 12 (the lead renumbers at
-- merge). Shipped migrations are never edited: add a new file.

-- The people a school's reports go to (head, business manager, IT lead).
-- Added by leads; their addresses are not checked against the school's
-- domains (a business manager may use a trust address).
CREATE TABLE school_contacts (
    id         INTEGER PRIMARY KEY,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (school_id, email)
);

-- Mail that belongs to no one ticket (weekly reports; later alerts and
-- reminders), queued in the transaction of what caused it and sent by
-- `mail send` like the ticket outbox. Rendered when queued (the figures of
-- a report are those of the moment it was asked for). `dedupe` makes a
-- second queueing of the same news a no-op.
CREATE TABLE mail_notices (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    dedupe         TEXT NOT NULL UNIQUE,
    recipient      TEXT NOT NULL,
    recipient_name TEXT,
    subject        TEXT NOT NULL,
    text_body      TEXT NOT NULL,
    html_body      TEXT,
    created_at     INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'sent', 'failed', 'expired')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    claimed_until  INTEGER,
    sent_at        INTEGER,
    message_id     TEXT
);
CREATE INDEX mail_notices_status ON mail_notices(status, id);

-- Each school's weekly report, queued once per ISO week.
CREATE TABLE sent_reports (
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    week       TEXT NOT NULL,
    queued_at  INTEGER NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (school_id, week)
) WITHOUT ROWID;

-- Technicians' own addresses for alerts (set by leads: `tech add --email`,
-- `tech edit LOGIN --email`), and each one's choices (`tech notify`): a
-- row overrides the default (every alert on, digest off).
ALTER TABLE technicians ADD COLUMN email TEXT;
CREATE TABLE tech_notify (
    tech_id INTEGER NOT NULL REFERENCES technicians(id),
    kind    TEXT NOT NULL CHECK (kind IN ('at-risk', 'breach', 'handback', 'urgent', 'digest')),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (tech_id, kind)
) WITHOUT ROWID;

-- Each SLA alert once per ticket, kind (at-risk, breach), clock (response,
-- resolve) and due time (a reopened ticket's new due time may alert again).
CREATE TABLE sla_alerts (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    kind      TEXT NOT NULL,
    clock     TEXT NOT NULL,
    due       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, kind, clock, due)
) WITHOUT ROWID;

-- The one satisfaction-survey reminder a resolved ticket may get.
CREATE TABLE survey_reminders (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    at        INTEGER NOT NULL
);
