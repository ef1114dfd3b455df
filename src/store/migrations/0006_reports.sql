-- Reports read one week at a time: find uses of canned solutions and
-- articles, and articles written, by time instead of scanning every row.
CREATE INDEX IF NOT EXISTS ticket_canned_at ON ticket_canned(at);
CREATE INDEX IF NOT EXISTS ticket_articles_at ON ticket_articles(at);
CREATE INDEX IF NOT EXISTS articles_created ON articles(created_at);
