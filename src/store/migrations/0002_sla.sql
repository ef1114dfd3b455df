-- SLA policies per priority, in working minutes on the school's calendar.
-- New databases get these defaults here; databases created before SLAs
-- existed get them on upgrade. A lead changes them with `sla policy set`.
INSERT OR IGNORE INTO sla_policies (priority, response_minutes, resolve_minutes) VALUES
    ('urgent', 30, 240),
    ('high', 60, 540),
    ('normal', 240, 1620),
    ('low', 540, 2700);

-- Canned-solution reports count uses per solution.
CREATE INDEX IF NOT EXISTS ticket_canned_canned ON ticket_canned(canned_id);
