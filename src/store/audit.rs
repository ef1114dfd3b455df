//! The merged audit trail: ticket timeline events and audit-log rows in one
//! time order.

use super::{from_secs, to_secs};
use crate::domain::{AuditFilter, AuditRecord, AuditSource};
use crate::Result;
use rusqlite::{named_params, Connection};

/// Changes matching `f`, oldest first. At the same second audit rows come
/// first: a requester added while logging a ticket precedes the ticket.
pub fn history(conn: &Connection, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, src, id, ticket_id, action, entity, entity_id, login, name, os_user, internal,
                detail, old_value, new_value
           FROM (SELECT a.at, 0 AS src, a.id, NULL AS ticket_id, a.action, a.entity, a.entity_id,
                        t.login, t.name, a.os_user, 0 AS internal, a.detail,
                        NULL AS old_value, NULL AS new_value
                   FROM audit a LEFT JOIN technicians t ON t.id = a.tech_id
                  WHERE (:ticket IS NULL OR (a.entity = 'ticket' AND a.entity_id = CAST(:ticket AS TEXT)))
                    AND (:since IS NULL OR a.at >= :since)
                 UNION ALL
                 SELECT e.at, 1, e.id, e.ticket_id, e.kind, 'ticket', CAST(e.ticket_id AS TEXT),
                        t.login, t.name, e.os_user, e.internal, e.body, e.old_value, e.new_value
                   FROM events e LEFT JOIN technicians t ON t.id = e.tech_id
                  WHERE (:ticket IS NULL OR e.ticket_id = :ticket)
                    AND (:since IS NULL OR e.at >= :since))
          ORDER BY at DESC, src DESC, id DESC
          LIMIT :limit",
    )?;
    let limit = f.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX)).unwrap_or(-1);
    let rows = stmt.query_map(
        named_params! { ":ticket": f.ticket, ":since": f.since.map(to_secs), ":limit": limit },
        |r| {
            let src: i64 = r.get(1)?;
            Ok(AuditRecord {
                at: from_secs(r.get(0)?),
                source: if src == 0 { AuditSource::Audit } else { AuditSource::Timeline },
                ticket: r.get(3)?,
                action: r.get(4)?,
                entity: r.get(5)?,
                entity_id: r.get(6)?,
                tech: r.get(7)?,
                tech_name: r.get(8)?,
                os_user: r.get(9)?,
                internal: r.get(10)?,
                detail: r.get(11)?,
                old_value: r.get(12)?,
                new_value: r.get(13)?,
            })
        },
    )?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    out.reverse();
    Ok(out)
}
