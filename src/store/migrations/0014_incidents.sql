-- Incidents, links and kept attachments (issue 20), version 13 (the lead
-- renumbers at merge). Shipped migrations are never edited: add a new file.

-- Links between tickets. kind 'related': both directions are shown (stored
-- once, lower id first); 'parent': from_id is a caller of the incident
-- to_id; 'merged': from_id was a duplicate merged into to_id (mail to it
-- threads into to_id from then on).
CREATE TABLE ticket_links (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('related', 'parent', 'merged')),
    from_id INTEGER NOT NULL REFERENCES tickets(id),
    to_id   INTEGER NOT NULL REFERENCES tickets(id),
    at      INTEGER NOT NULL,
    tech_id INTEGER REFERENCES technicians(id),
    CHECK (from_id <> to_id),
    UNIQUE (kind, from_id, to_id)
);
CREATE INDEX ticket_links_to ON ticket_links(to_id, kind);
-- A caller belongs to one incident; a duplicate is merged once.
CREATE UNIQUE INDEX ticket_links_one_parent ON ticket_links(from_id) WHERE kind = 'parent';
CREATE UNIQUE INDEX ticket_links_one_merge ON ticket_links(from_id) WHERE kind = 'merged';

-- Tickets that are major incidents (parents of callers' tickets).
CREATE TABLE incidents (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    at        INTEGER NOT NULL,
    tech_id   INTEGER REFERENCES technicians(id)
);

-- Requesters who follow a ticket besides its own requester (a merged
-- duplicate's requester): public replies reach them too.
CREATE TABLE ticket_participants (
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    requester_id INTEGER NOT NULL REFERENCES requesters(id),
    at           INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, requester_id)
) WITHOUT ROWID;
CREATE INDEX ticket_participants_requester ON ticket_participants(requester_id);

-- Settings a lead changed (`deskside settings set`); a key with no row has
-- the default stated in service::settings.
CREATE TABLE desk_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- File contents, once per distinct content (SHA-256, lower-case hex). In
-- the database, not beside it: backups and `export json` (base64) carry
-- them with everything else, and erasure deletes them in its transaction.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL
);

-- Every attachment of a ticket: from mail, the portal, or a technician.
-- sha256 NULL means the content was not kept; `refused` says why (over a
-- cap, erased, or received before deskside kept attachments).
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    mail_id      INTEGER REFERENCES mail_messages(id),
    origin       TEXT NOT NULL CHECK (origin IN ('mail', 'portal', 'tech', 'merge')),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    sha256       TEXT REFERENCES blobs(sha256),
    internal     INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    inline       INTEGER NOT NULL DEFAULT 0 CHECK (inline IN (0, 1)),
    refused      TEXT,
    -- who sent it (requester) or added it (technician)
    requester_id INTEGER REFERENCES requesters(id),
    tech_id      INTEGER REFERENCES technicians(id),
    at           INTEGER NOT NULL,
    CHECK ((sha256 IS NULL) = (refused IS NOT NULL))
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, id);
CREATE INDEX attachments_sha ON attachments(sha256);
CREATE INDEX attachments_requester ON attachments(requester_id);

-- Attachments recorded before: names only, their content was never kept.
INSERT INTO attachments (ticket_id, mail_id, origin, filename, content_type, size, refused, requester_id, at)
SELECT a.ticket_id, a.mail_id, 'mail', a.filename, a.content_type, a.size,
       'content not kept (received before deskside kept attachments)',
       (SELECT r.id FROM requesters r WHERE r.email = m.sender COLLATE NOCASE), m.at
  FROM mail_attachments a JOIN mail_messages m ON m.id = a.mail_id
 ORDER BY a.id;
