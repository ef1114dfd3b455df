-- The queue's first page: active tickets by their earliest running due (the
-- response due while unanswered, else the resolve due). A page of overdue
-- tickets is then read from the index instead of computing the SLA state of
-- every open ticket (store::tickets::clocks_by_due). Partial: only active
-- tickets, a small share of the file.
CREATE INDEX tickets_running_due ON tickets(
    min(coalesce(CASE WHEN first_response_at IS NULL THEN response_due_at END, 9223372036854775807),
        coalesce(resolve_due_at, 9223372036854775807))
) WHERE status IN ('new', 'open', 'pending');
