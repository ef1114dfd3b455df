-- A narrowed queue's first page in due order: the active tickets of one
-- status, tier, technician or school by their earliest running due (the
-- expression and the WHERE of 0018's tickets_running_due, verbatim, after
-- the filtered column). Without these, a `status new` queue walked every
-- active ticket in due order to find its few new ones (18,000 rows for 500
-- at 10M tickets), and a technician's or school's queue read and sorted all
-- of its active tickets before the first row. Partial: active tickets only.
CREATE INDEX IF NOT EXISTS tickets_due_status ON tickets(status,
    min(coalesce(CASE WHEN first_response_at IS NULL THEN response_due_at END, 9223372036854775807),
        coalesce(resolve_due_at, 9223372036854775807))
) WHERE status IN ('new', 'open', 'pending');
CREATE INDEX IF NOT EXISTS tickets_due_tier ON tickets(tier,
    min(coalesce(CASE WHEN first_response_at IS NULL THEN response_due_at END, 9223372036854775807),
        coalesce(resolve_due_at, 9223372036854775807))
) WHERE status IN ('new', 'open', 'pending');
CREATE INDEX IF NOT EXISTS tickets_due_assignee ON tickets(assignee_id,
    min(coalesce(CASE WHEN first_response_at IS NULL THEN response_due_at END, 9223372036854775807),
        coalesce(resolve_due_at, 9223372036854775807))
) WHERE status IN ('new', 'open', 'pending');
CREATE INDEX IF NOT EXISTS tickets_due_school ON tickets(school_id,
    min(coalesce(CASE WHEN first_response_at IS NULL THEN response_due_at END, 9223372036854775807),
        coalesce(resolve_due_at, 9223372036854775807))
) WHERE status IN ('new', 'open', 'pending');
