-- Real-world imports (issue 23). Shipped migrations are never edited: add
-- a new file. (Numbered 0015 by the lead's plan; it may land renumbered.)

-- Closures remember the iCalendar import that added them, so a bad import
-- can be undone with `sla closure remove CALENDAR --import-batch N` without
-- a backup. NULL for closures added by hand or before this version.
ALTER TABLE closures ADD COLUMN import_batch INTEGER;
CREATE INDEX closures_batch ON closures(calendar_id, import_batch);
