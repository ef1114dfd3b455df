-- How often each article solved a school's tickets, kept as a count. The
-- search's school boost used to count ticket_articles joined to tickets for
-- every candidate article on every search: about 17 links per article at a
-- million tickets, ten times that at ten million, read inside the write lock
-- of every new ticket (its acknowledgement's articles). Links are never
-- deleted; a ticket's school can change (its requester corrected), which
-- moves its links' counts.
CREATE TABLE IF NOT EXISTS article_school_uses (
    school_id  INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    uses       INTEGER NOT NULL,
    PRIMARY KEY (school_id, article_id)
) WITHOUT ROWID;

INSERT INTO article_school_uses (school_id, article_id, uses)
    SELECT t.school_id, ta.article_id, count(*)
      FROM ticket_articles ta JOIN tickets t ON t.id = ta.ticket_id
     GROUP BY t.school_id, ta.article_id;

CREATE TRIGGER IF NOT EXISTS article_school_uses_link AFTER INSERT ON ticket_articles
BEGIN
    INSERT INTO article_school_uses (school_id, article_id, uses)
        SELECT school_id, NEW.article_id, 1 FROM tickets WHERE id = NEW.ticket_id
        ON CONFLICT (school_id, article_id) DO UPDATE SET uses = uses + 1;
END;

CREATE TRIGGER IF NOT EXISTS article_school_uses_unlink AFTER DELETE ON ticket_articles
BEGIN
    UPDATE article_school_uses SET uses = uses - 1
     WHERE article_id = OLD.article_id
       AND school_id = (SELECT school_id FROM tickets WHERE id = OLD.ticket_id);
END;

CREATE TRIGGER IF NOT EXISTS article_school_uses_move AFTER UPDATE OF school_id ON tickets
WHEN OLD.school_id IS NOT NEW.school_id
BEGIN
    UPDATE article_school_uses SET uses = uses - 1
     WHERE school_id = OLD.school_id
       AND article_id IN (SELECT article_id FROM ticket_articles WHERE ticket_id = NEW.id);
    INSERT INTO article_school_uses (school_id, article_id, uses)
        SELECT NEW.school_id, article_id, 1 FROM ticket_articles WHERE ticket_id = NEW.id
        ON CONFLICT (school_id, article_id) DO UPDATE SET uses = uses + 1;
END;
