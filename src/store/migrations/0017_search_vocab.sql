-- The article vocabulary as search loads it (issue 22 point 6), kept for the
-- next process: building it walks the whole article index (fts5vocab), which
-- was most of a one-shot `deskside suggest` (~60 ms at 20,000 articles).
-- One row, valid while search_generation still has the generation it was
-- built at; any process that finds it stale rebuilds and replaces it.
-- `terms` is "term<TAB>articles" lines in term order (FTS5 tokens hold no
-- whitespace).
CREATE TABLE search_vocab (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    terms TEXT NOT NULL
);
