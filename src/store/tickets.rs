//! Ticket rows.

use super::{from_opt_secs, from_secs, to_secs};
use crate::domain::{Clocks, Ticket, TicketFilter, Timestamp};
use crate::domain::{TicketId, Version};
use crate::{Error, Result};
use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

const SELECT: &str = "
    SELECT t.id, t.subject, t.body, t.status, t.priority, t.tier, t.category, t.source,
           s.code, r.email, r.name, a.login, t.created_at, t.updated_at, u.login,
           t.first_response_at, t.resolved_at, t.closed_at, t.response_due_at, t.resolve_due_at,
           t.version, t.school_id, t.requester_id, t.assignee_id, t.pending_since
      FROM tickets t
      JOIN schools s ON s.id = t.school_id
      JOIN requesters r ON r.id = t.requester_id
      LEFT JOIN technicians a ON a.id = t.assignee_id
      LEFT JOIN technicians u ON u.id = t.updated_by";

fn parse<T: std::str::FromStr<Err = Error>>(idx: usize, text: String) -> rusqlite::Result<T> {
    text.parse().map_err(|e: Error| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn row_to_ticket(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    let tier: i64 = r.get(5)?;
    Ok(Ticket {
        id: r.get(0)?,
        subject: r.get(1)?,
        body: r.get(2)?,
        status: parse(3, r.get(3)?)?,
        priority: parse(4, r.get(4)?)?,
        tier: crate::domain::Tier::from_number(tier).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Integer, Box::new(e))
        })?,
        category: r.get(6)?,
        source: parse(7, r.get(7)?)?,
        school: r.get(8)?,
        requester: r.get(9)?,
        requester_name: r.get(10)?,
        assignee: r.get(11)?,
        created_at: from_secs(r.get(12)?),
        updated_at: from_secs(r.get(13)?),
        updated_by: r.get(14)?,
        first_response_at: from_opt_secs(r.get(15)?),
        resolved_at: from_opt_secs(r.get(16)?),
        closed_at: from_opt_secs(r.get(17)?),
        response_due_at: from_opt_secs(r.get(18)?),
        resolve_due_at: from_opt_secs(r.get(19)?),
        version: r.get(20)?,
        school_id: r.get(21)?,
        requester_id: r.get(22)?,
        assignee_id: r.get(23)?,
        pending_since: from_opt_secs(r.get(24)?),
    })
}

pub fn find(conn: &Connection, id: TicketId) -> Result<Option<Ticket>> {
    let sql = format!("{SELECT} WHERE t.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], row_to_ticket).optional()?)
}

pub fn get(conn: &Connection, id: TicketId) -> Result<Ticket> {
    find(conn, id)?.ok_or_else(|| Error::not_found(format!("ticket #{id} not found")))
}

/// Fields a new ticket row needs; everything else starts empty.
pub struct NewRow<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub requester_id: i64,
    pub school_id: i64,
    pub category: Option<&'a str>,
    pub priority: &'a str,
    pub status: &'a str,
    pub tier: i64,
    pub assignee_id: Option<i64>,
    pub source: &'a str,
    pub now: Timestamp,
    pub tech_id: i64,
}

pub fn insert(conn: &Connection, row: &NewRow<'_>) -> Result<TicketId> {
    conn.prepare_cached(
        "INSERT INTO tickets (subject, body, requester_id, school_id, category, priority, status,
                              tier, assignee_id, source, created_at, updated_at, updated_by)
         VALUES (:subject, :body, :requester, :school, :category, :priority, :status,
                 :tier, :assignee, :source, :now, :now, :tech)",
    )?
    .execute(named_params! {
        ":subject": row.subject, ":body": row.body, ":requester": row.requester_id,
        ":school": row.school_id, ":category": row.category, ":priority": row.priority,
        ":status": row.status, ":tier": row.tier, ":assignee": row.assignee_id,
        ":source": row.source, ":now": to_secs(row.now), ":tech": row.tech_id,
    })?;
    Ok(TicketId(conn.last_insert_rowid()))
}

/// Writes every mutable field of `t` if nobody changed the row since
/// `t.version` was read; bumps the version. Returns false on a lost race.
pub fn save(conn: &Connection, t: &Ticket, now: Timestamp, tech_id: i64) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE tickets SET subject = :subject, body = :body, category = :category,
                    priority = :priority, status = :status, tier = :tier, assignee_id = :assignee,
                    first_response_at = :first_response, resolved_at = :resolved, closed_at = :closed,
                    response_due_at = :response_due, resolve_due_at = :resolve_due,
                    pending_since = :pending_since, school_id = :school, requester_id = :requester,
                    updated_at = :now, updated_by = :tech, version = version + 1
              WHERE id = :id AND version = :version",
        )?
        .execute(named_params! {
            ":subject": t.subject, ":body": t.body, ":category": t.category,
            ":priority": t.priority.as_str(), ":status": t.status.as_str(), ":tier": t.tier.number(),
            ":assignee": t.assignee_id, ":first_response": t.first_response_at.map(to_secs),
            ":resolved": t.resolved_at.map(to_secs), ":closed": t.closed_at.map(to_secs),
            ":response_due": t.response_due_at.map(to_secs), ":resolve_due": t.resolve_due_at.map(to_secs),
            ":pending_since": t.pending_since.map(to_secs), ":school": t.school_id,
            ":requester": t.requester_id, ":now": to_secs(now), ":tech": tech_id,
            ":id": t.id, ":version": t.version,
        })?;
    Ok(n == 1)
}

/// Appends `f`'s conditions to `sql` (which ends in a WHERE clause); returns
/// the values to bind. `school` and `assignee` are the conditions on a
/// school code and a login (one `?` each).
fn filter_sql(
    f: &TicketFilter,
    sql: &mut String,
    school: &str,
    assignee: &str,
) -> Vec<rusqlite::types::Value> {
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if !f.statuses.is_empty() {
        let marks = vec!["?"; f.statuses.len()].join(", ");
        sql.push_str(&format!(" AND t.status IN ({marks})"));
        args.extend(f.statuses.iter().map(|s| s.as_str().to_string().into()));
    } else if !f.include_done {
        sql.push_str(" AND t.status IN ('new', 'open', 'pending')");
    }
    if let Some(tier) = f.tier {
        sql.push_str(" AND t.tier = ?");
        args.push(tier.number().into());
    }
    if let Some(code) = &f.school {
        sql.push_str(&format!(" AND {school}"));
        args.push(code.clone().into());
    }
    if let Some(login) = &f.assignee {
        sql.push_str(&format!(" AND {assignee}"));
        args.push(login.clone().into());
    }
    args
}

/// Tickets matching `f`: active ones first, then by priority and age.
pub fn list(conn: &Connection, f: &TicketFilter) -> Result<Vec<Ticket>> {
    let mut sql = format!("{SELECT} WHERE 1 = 1");
    let args = filter_sql(f, &mut sql, "s.code = ?", "a.login = ?");
    sql.push_str(
        " ORDER BY t.status IN ('resolved', 'closed'),
                   COALESCE(t.resolve_due_at, 9223372036854775807),
                   CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
                   t.created_at, t.id",
    );
    if let Some(limit) = f.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row_to_ticket)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The tickets with these ids (in no particular order; missing ids are
/// left out).
pub fn by_ids(conn: &Connection, ids: &[TicketId]) -> Result<Vec<Ticket>> {
    let sql = format!("{SELECT} WHERE t.id IN (SELECT value FROM json_each(?1))");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([super::id_list(ids)], row_to_ticket)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const CLOCKS: &str = "SELECT t.id, t.school_id, t.status, t.priority, t.created_at, t.updated_at,
        t.first_response_at, t.resolved_at, t.closed_at, t.response_due_at, t.resolve_due_at, t.pending_since
   FROM tickets t";

fn clocks_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Clocks> {
    Ok(Clocks {
        id: r.get(0)?,
        school_id: r.get(1)?,
        status: parse(2, r.get(2)?)?,
        priority: parse(3, r.get(3)?)?,
        created_at: from_secs(r.get(4)?),
        updated_at: from_secs(r.get(5)?),
        first_response_at: from_opt_secs(r.get(6)?),
        resolved_at: from_opt_secs(r.get(7)?),
        closed_at: from_opt_secs(r.get(8)?),
        response_due_at: from_opt_secs(r.get(9)?),
        resolve_due_at: from_opt_secs(r.get(10)?),
        pending_since: from_opt_secs(r.get(11)?),
    })
}

/// The SLA clocks of every ticket matching `f` (its limit and order are
/// not applied: a queue orders by SLA state, which SQL cannot compute).
/// Reads no text and joins nothing it does not filter on.
pub fn clocks(conn: &Connection, f: &TicketFilter) -> Result<Vec<Clocks>> {
    let mut sql = format!("{CLOCKS} WHERE 1 = 1");
    let args = filter_sql(
        f,
        &mut sql,
        "t.school_id = (SELECT id FROM schools WHERE code = ?)",
        "t.assignee_id = (SELECT id FROM technicians WHERE login = ?)",
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), clocks_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The active tickets matching `f`, whole, earliest running due first
/// (the response due while unanswered, the resolve due), through the
/// indexes of migrations 0018 and 0019; tickets without a due come last.
/// `visit` returns false to stop: a queue page reads its page, not every
/// open ticket. Whole rows in one pass: reading the clocks in due order
/// and the page's rows again by id cost a second lookup per row shown.
pub fn by_due(
    conn: &Connection,
    f: &TicketFilter,
    mut visit: impl FnMut(Ticket) -> Result<bool>,
) -> Result<()> {
    let (sql, args) = by_due_sql(f);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        if !visit(row_to_ticket(r)?)? {
            break;
        }
    }
    Ok(())
}

/// The due-order index that reads only `f`'s active tickets: a
/// technician's, a school's, one status's or a tier's (0019), else the
/// whole service's (0018). Named because statistics, where a database has
/// any, predate them, and a planner guessing from those would read and sort
/// a filter's every active ticket (or walk every active ticket for a few
/// new ones) before the first row.
pub fn due_index(f: &TicketFilter) -> &'static str {
    if f.assignee.is_some() {
        "tickets_due_assignee"
    } else if f.school.is_some() {
        "tickets_due_school"
    } else if f.statuses.len() == 1 {
        "tickets_due_status"
    } else if f.tier.is_some() {
        "tickets_due_tier"
    } else {
        "tickets_running_due"
    }
}

fn by_due_sql(f: &TicketFilter) -> (String, Vec<rusqlite::types::Value>) {
    // The ticket table first and forced to its index (the joins are
    // lookups per row read, as in `SELECT`).
    let from = format!("FROM tickets t INDEXED BY {}", due_index(f));
    let mut sql = format!("{} WHERE 1 = 1", SELECT.replacen("FROM tickets t", &from, 1));
    let args = filter_sql(
        f,
        &mut sql,
        "t.school_id = (SELECT id FROM schools WHERE code = ?)",
        "t.assignee_id = (SELECT id FROM technicians WHERE login = ?)",
    );
    // Verbatim as in the indexes (their WHERE and their expression), or
    // SQLite cannot use them.
    sql.push_str(
        " AND t.status IN ('new', 'open', 'pending')
          ORDER BY min(coalesce(CASE WHEN t.first_response_at IS NULL THEN t.response_due_at END,
                                9223372036854775807),
                       coalesce(t.resolve_due_at, 9223372036854775807)), t.id",
    );
    (sql, args)
}

/// Who last changed a ticket and when: for conflict messages.
pub fn last_change(conn: &Connection, id: TicketId) -> Result<(Option<String>, Timestamp, Version)> {
    Ok(conn.query_row(
        "SELECT u.login, t.updated_at, t.version FROM tickets t
           LEFT JOIN technicians u ON u.id = t.updated_by WHERE t.id = ?1",
        params![id],
        |r| Ok((r.get(0)?, from_secs(r.get(1)?), r.get(2)?)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Status, Tier};

    /// How SQLite reads `by_due` for `f`.
    fn plan(conn: &Connection, f: &TicketFilter) -> String {
        let (sql, args) = by_due_sql(f);
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3)).unwrap();
        rows.collect::<rusqlite::Result<Vec<_>>>().unwrap().join("; ")
    }

    #[test]
    fn a_narrowed_queue_reads_its_own_active_tickets_in_due_order() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let one = |f: TicketFilter| TicketFilter { limit: Some(500), ..f };
        let cases = [
            (one(TicketFilter::default()), "tickets_running_due"),
            (
                one(TicketFilter { statuses: vec![Status::New], ..TicketFilter::default() }),
                "tickets_due_status",
            ),
            (one(TicketFilter { tier: Some(Tier::Two), ..TicketFilter::default() }), "tickets_due_tier"),
            (
                one(TicketFilter { assignee: Some("tech03".into()), ..TicketFilter::default() }),
                "tickets_due_assignee",
            ),
            (
                one(TicketFilter { school: Some("S001".into()), ..TicketFilter::default() }),
                "tickets_due_school",
            ),
            (
                one(TicketFilter {
                    school: Some("S001".into()),
                    statuses: vec![Status::New],
                    tier: Some(Tier::One),
                    ..TicketFilter::default()
                }),
                "tickets_due_school",
            ),
        ];
        for (f, index) in cases {
            let plan = plan(store.conn(), &f);
            // Equality on the index's first column (or none), in its order:
            // no sort of every matching row before the first one.
            assert!(plan.contains(&format!("USING INDEX {index}")), "{f:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{f:?}: {plan}");
            if index != "tickets_running_due" {
                assert!(plan.contains(&format!("USING INDEX {index} (")), "{f:?}: {plan}");
            }
        }
    }
}
