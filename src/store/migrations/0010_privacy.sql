-- Tamper evidence, erasure and retention (issue 15). Shipped migrations are
-- never edited: add a new file.

-- The audit log is a hash chain. Each row carries the hash of the row before
-- it (prev_hash) and its own (hash), which covers its id, time, technician,
-- OS account, action, entity and content_hash. content_hash covers the
-- erasable part (entity_id and detail) on its own, so erasing a person can
-- replace that text with a tombstone (erased = 1) and keep the chain whole.
-- Existing rows are chained in id order by the code that runs this
-- migration (SQLite has no SHA-256); store::chain describes the hashes.
ALTER TABLE audit ADD COLUMN content_hash TEXT;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
ALTER TABLE audit ADD COLUMN erased INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1));

-- The only change an audit row accepts is an erasure: the erasable text
-- becomes the tombstone, the row is marked, and everything the chain
-- covers (hashes included) stays exactly as it was.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (
        new.id = old.id AND new.at = old.at AND new.tech_id IS old.tech_id
    AND new.os_user = old.os_user AND new.action = old.action AND new.entity = old.entity
    AND old.hash IS NOT NULL AND new.hash IS old.hash AND new.prev_hash IS old.prev_hash
    AND new.content_hash IS old.content_hash
    AND new.erased = 1
    AND (new.detail IS NULL OR new.detail = '[erased]')
    AND (new.entity_id = old.entity_id OR new.entity_id = '[erased]'))
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The timeline likewise: only free text may change, and only to the
-- tombstone (erasure and retention); kinds, times and people stay.
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (
        new.id = old.id AND new.ticket_id = old.ticket_id AND new.at = old.at
    AND new.kind = old.kind AND new.tech_id IS old.tech_id AND new.os_user = old.os_user
    AND new.internal = old.internal
    AND (new.body IS old.body OR new.body = '[erased]')
    AND (new.old_value IS old.old_value OR new.old_value = '[erased]')
    AND (new.new_value IS old.new_value OR new.new_value = '[erased]'))
BEGIN SELECT RAISE(ABORT, 'the ticket timeline is append-only'); END;

-- Retention settings a lead changed (`deskside retention set`); a kind with
-- no row has the default stated in service::privacy. value NULL: never.
CREATE TABLE retention (
    kind  TEXT PRIMARY KEY,
    value INTEGER CHECK (value IS NULL OR value >= 0)
);
