-- Reliability on the shared box. Shipped migrations are never edited: add a new file.

-- Who has which ticket open in a console: one row per (ticket, console
-- session), refreshed by a heartbeat. Rows whose heartbeat is older than a
-- few seconds are ignored (the session left or died) and later cleared.
CREATE TABLE presence (
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    -- one console process: "pid.counter@boot-time", unique on the box
    session      TEXT NOT NULL,
    tech_id      INTEGER NOT NULL REFERENCES technicians(id),
    os_user      TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, session)
);
CREATE INDEX presence_heartbeat ON presence(heartbeat_at);

-- INSERT OR REPLACE deletes the old row without firing DELETE triggers, so
-- the append-only guards of version 1 also refuse reusing an existing id.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
