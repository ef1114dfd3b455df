-- deskside schema, version 2: full-text search over articles and tickets.
-- The FTS5 tables are external-content: the text lives once, in articles and
-- tickets, and triggers keep the indexes in step with every insert, update
-- and delete. Tokens are unicode61 with diacritics folded; there is no
-- stemmer, so the index vocabulary is real words (typo correction compares
-- against it) and word forms are matched by prefix at query time.

-- Who last changed an article (tickets have updated_by already).
ALTER TABLE articles ADD COLUMN updated_by INTEGER REFERENCES technicians(id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, tags, category, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Bumped whenever article text changes, so a search process knows when its
-- copy of the vocabulary is stale without re-reading it (one row, not the
-- whole index; other tables' writes do not invalidate it).
CREATE TABLE search_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO search_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, tags, category, body)
    VALUES (new.id, new.title, new.tags, new.category, new.body);
    UPDATE search_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, category, body)
    VALUES ('delete', old.id, old.title, old.tags, old.category, old.body);
    UPDATE search_generation SET generation = generation + 1 WHERE id = 1;
END;

-- Counters (views, uses, votes) change often and must not re-index the text.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, tags, category, body ON articles
WHEN old.title IS NOT new.title OR old.tags IS NOT new.tags
  OR old.category IS NOT new.category OR old.body IS NOT new.body
BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, category, body)
    VALUES ('delete', old.id, old.title, old.tags, old.category, old.body);
    INSERT INTO articles_fts (rowid, title, tags, category, body)
    VALUES (new.id, new.title, new.tags, new.category, new.body);
    UPDATE search_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE VIRTUAL TABLE tickets_fts USING fts5(
    subject, body,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, subject, body) VALUES (new.id, new.subject, new.body);
END;

CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject, body)
    VALUES ('delete', old.id, old.subject, old.body);
END;

-- Every ticket change rewrites subject and body: re-index only real edits.
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, body ON tickets
WHEN old.subject IS NOT new.subject OR old.body IS NOT new.body
BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject, body)
    VALUES ('delete', old.id, old.subject, old.body);
    INSERT INTO tickets_fts (rowid, subject, body) VALUES (new.id, new.subject, new.body);
END;

-- Index the rows a version-1 database already has.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO tickets_fts (tickets_fts) VALUES ('rebuild');

-- The article vocabulary with document counts, for typo correction and
-- word weights.
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, row);
