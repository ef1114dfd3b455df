-- deskside schema, version 1. Shipped migrations are never edited: add a new file.
-- Times are INTEGER seconds since the Unix epoch (UTC); dates are TEXT YYYY-MM-DD.

CREATE TABLE calendars (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    tz         TEXT NOT NULL,
    -- weekly opening hours, e.g. "Mon-Fri 08:00-12:00,13:00-17:00"
    hours      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE closures (
    id          INTEGER PRIMARY KEY,
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    label       TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX closures_calendar ON closures(calendar_id, start_date);

CREATE TABLE schools (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name        TEXT NOT NULL,
    calendar_id INTEGER NOT NULL REFERENCES calendars(id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE school_domains (
    domain    TEXT PRIMARY KEY COLLATE NOCASE,
    school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE
);
CREATE INDEX school_domains_school ON school_domains(school_id);

CREATE TABLE requesters (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT NOT NULL,
    school_id  INTEGER NOT NULL REFERENCES schools(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX requesters_school ON requesters(school_id);

CREATE TABLE technicians (
    id         INTEGER PRIMARY KEY,
    login      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    tier       INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 3),
    lead       INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE sla_policies (
    priority         TEXT PRIMARY KEY CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    response_minutes INTEGER NOT NULL CHECK (response_minutes >= 0),
    resolve_minutes  INTEGER NOT NULL CHECK (resolve_minutes >= 0)
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    subject           TEXT NOT NULL,
    body              TEXT NOT NULL DEFAULT '',
    requester_id      INTEGER NOT NULL REFERENCES requesters(id),
    school_id         INTEGER NOT NULL REFERENCES schools(id),
    category          TEXT,
    priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    tier              INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 3),
    assignee_id       INTEGER REFERENCES technicians(id),
    source            TEXT NOT NULL CHECK (source IN ('phone', 'email', 'walk-in', 'self-service')),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        INTEGER REFERENCES technicians(id),
    first_response_at INTEGER,
    resolved_at       INTEGER,
    closed_at         INTEGER,
    -- SLA: due instants, the start of the current pending pause, and whether
    -- a breach has been recorded (so it is recorded once).
    response_due_at   INTEGER,
    resolve_due_at    INTEGER,
    pending_since     INTEGER,
    breach_recorded   INTEGER NOT NULL DEFAULT 0,
    satisfaction      INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    satisfaction_note TEXT,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_status ON tickets(status, resolve_due_at);
CREATE INDEX tickets_school ON tickets(school_id, created_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_requester ON tickets(requester_id);

-- The timeline: append-only (triggers below refuse UPDATE and DELETE).
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    tech_id   INTEGER REFERENCES technicians(id),
    os_user   TEXT NOT NULL,
    internal  INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    body      TEXT,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX events_ticket ON events(ticket_id, id);
CREATE INDEX events_at ON events(at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    category         TEXT,
    -- tags, comma separated, lower case
    tags             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    audience         TEXT NOT NULL CHECK (audience IN ('public', 'internal')),
    source_ticket_id INTEGER REFERENCES tickets(id),
    author_id        INTEGER REFERENCES technicians(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    published_at     INTEGER,
    views            INTEGER NOT NULL DEFAULT 0,
    uses             INTEGER NOT NULL DEFAULT 0,
    helpful          INTEGER NOT NULL DEFAULT 0,
    not_helpful      INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_status ON articles(status, category);

CREATE TABLE canned_solutions (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    body       TEXT NOT NULL,
    category   TEXT,
    article_id INTEGER REFERENCES articles(id),
    author_id  INTEGER REFERENCES technicians(id),
    uses       INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Which articles and canned solutions were used on which tickets.
CREATE TABLE ticket_articles (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    article_id INTEGER NOT NULL REFERENCES articles(id),
    at         INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX ticket_articles_article ON ticket_articles(article_id);

CREATE TABLE ticket_canned (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    canned_id INTEGER NOT NULL REFERENCES canned_solutions(id),
    at        INTEGER NOT NULL
);
CREATE INDEX ticket_canned_ticket ON ticket_canned(ticket_id);

-- Changes to everything that is not a ticket (tickets have their timeline).
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    tech_id   INTEGER REFERENCES technicians(id),
    os_user   TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT
);
CREATE INDEX audit_at ON audit(at);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
