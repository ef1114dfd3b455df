-- Running the service (issue 21): time on the work, contracts, term dates,
-- recurring (planned) work. Shipped migrations are never edited: add a new file.

-- Time a technician spent on a ticket. Append-only like the timeline: a
-- mistake is corrected by a new entry (negative, or a reversal and its
-- replacement, both naming the entry they correct in `corrects`).
-- `at` is when the work was done (what day and month it counts in, in the
-- school's time zone); `recorded_at` is when it was written down.
CREATE TABLE time_entries (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    tech_id     INTEGER NOT NULL REFERENCES technicians(id),
    minutes     INTEGER NOT NULL CHECK (minutes <> 0 AND minutes BETWEEN -100000 AND 100000),
    billable    INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
    at          INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    os_user     TEXT NOT NULL,
    -- technicians only, like an internal note: never in an invoice or report
    note        TEXT,
    corrects    INTEGER REFERENCES time_entries(id),
    -- the timeline event the time was logged with (a note, a resolution...)
    event_id    INTEGER REFERENCES events(id)
);
CREATE INDEX time_entries_ticket ON time_entries(ticket_id, id);
CREATE INDEX time_entries_at ON time_entries(at);

-- Only the note may change, and only to the tombstone (erasure, retention).
CREATE TRIGGER time_entries_no_update BEFORE UPDATE ON time_entries
WHEN NOT (
        new.id = old.id AND new.ticket_id = old.ticket_id AND new.tech_id = old.tech_id
    AND new.minutes = old.minutes AND new.billable = old.billable AND new.at = old.at
    AND new.recorded_at = old.recorded_at AND new.os_user = old.os_user
    AND new.corrects IS old.corrects AND new.event_id IS old.event_id
    AND (new.note IS old.note OR new.note = '[erased]'))
BEGIN SELECT RAISE(ABORT, 'time entries are append-only: correct one with a new entry'); END;
CREATE TRIGGER time_entries_no_delete BEFORE DELETE ON time_entries
BEGIN SELECT RAISE(ABORT, 'time entries are append-only: correct one with a new entry'); END;

-- A school's contract: hours bought per month, term or year at a rate.
-- A new row from a date replaces the one before from that date on (the
-- history stays: past months are measured against what was bought then).
CREATE TABLE contracts (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    minutes     INTEGER NOT NULL CHECK (minutes >= 0),
    period      TEXT NOT NULL CHECK (period IN ('month', 'term', 'year')),
    rate_pence  INTEGER NOT NULL CHECK (rate_pence >= 0),
    covers      TEXT NOT NULL DEFAULT '',
    from_date   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES technicians(id)
);
CREATE INDEX contracts_school ON contracts(school_id, from_date);

-- Term dates of a calendar (inclusive). Without any, terms are the English
-- school terms by fixed dates (see docs/time.md).
CREATE TABLE terms (
    id          INTEGER PRIMARY KEY,
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    label       TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX terms_calendar ON terms(calendar_id, start_date);

-- Planned (recurring) work: tickets `schedule run` creates. They are kept
-- out of first-response and SLA figures and counted apart in reports.
ALTER TABLE tickets ADD COLUMN planned INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1));

CREATE TABLE schedules (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- NULL: every school (but the triage one)
    school_id   INTEGER REFERENCES schools(id),
    every       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    tier        INTEGER NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),
    assignee_id INTEGER REFERENCES technicians(id),
    category    TEXT,
    -- the first local date an occurrence may fall on
    start_date  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES technicians(id),
    removed_at  INTEGER
);

-- Each occurrence of a schedule at a school, once: created (with its
-- ticket) or skipped (missed while the box was off, or the school closed
-- for the whole of it).
CREATE TABLE schedule_runs (
    schedule_id INTEGER NOT NULL REFERENCES schedules(id),
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    occurrence  TEXT NOT NULL,
    due_date    TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('created', 'skipped')),
    ticket_id   INTEGER REFERENCES tickets(id),
    reason      TEXT,
    at          INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, school_id, occurrence)
);
CREATE INDEX schedule_runs_ticket ON schedule_runs(ticket_id);
