-- A school's queue: its few active tickets, not its whole history. Without
-- this, `ticket list --school X` read every ticket the school ever logged
-- (10,000 random row reads per school at a million tickets: ~0.9 s cold).
CREATE INDEX tickets_school_status ON tickets(school_id, status);
ANALYZE tickets;
