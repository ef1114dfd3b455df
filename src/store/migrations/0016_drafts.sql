-- Console drafts (issue 19): the unsent text of a reply, note, reason ...
-- box, per technician, ticket and kind of box, and a phone ticket being
-- logged (ticket_id NULL, kind 'new-ticket'), saved as the technician
-- types so Esc, Ctrl-C, a conflict or a dropped ssh session lose nothing.
-- Internal: never exported, mailed or shown on the portal; erasure and
-- retention delete the drafts of the tickets they touch. Shipped
-- migrations are never edited: add a new file.
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    tech_id    INTEGER NOT NULL REFERENCES technicians(id),
    ticket_id  INTEGER REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX drafts_key ON drafts(tech_id, coalesce(ticket_id, 0), kind);
CREATE INDEX drafts_ticket ON drafts(ticket_id);
