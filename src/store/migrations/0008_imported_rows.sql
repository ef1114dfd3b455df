-- Which rows of other helpdesks' CSV exports became which tickets and
-- articles, so importing the same export again skips what is already here
-- instead of duplicating it. Shipped migrations are never edited.
CREATE TABLE imported_rows (
    kind       TEXT NOT NULL CHECK (kind IN ('tickets', 'articles')),
    -- where the rows came from: the file name, or the label given with --origin
    origin     TEXT NOT NULL,
    -- the row's number in the other helpdesk ('id:1042'), or for files
    -- without a number column a digest of the row's cells ('sha256:...')
    row_key    TEXT NOT NULL,
    ticket_id  INTEGER REFERENCES tickets(id),
    article_id INTEGER REFERENCES articles(id),
    PRIMARY KEY (kind, origin, row_key),
    CHECK ((ticket_id IS NULL) <> (article_id IS NULL))
) WITHOUT ROWID;
