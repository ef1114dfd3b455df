//! UK GDPR: erasing a requester, and the retention settings that `purge`
//! applies. Both keep every count and time, so reports stay as they were;
//! both are recorded in the audit as who and when, never whose data.

use super::{Ctx, Desk};
use crate::domain;
use crate::store::privacy::{self as sql, Erased};
use crate::{Error, Result};
use chrono::{Duration, Months};
use serde::Serialize;

/// What `requester erase` did. The requester is named by their new,
/// erased address only.
#[derive(Debug, Clone, Serialize)]
pub struct Erasure {
    pub requester: String,
    #[serde(flatten)]
    pub erased: Erased,
}

/// One retention setting and where its value comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    pub kind: &'static str,
    /// None: never (kept for good).
    pub value: Option<i64>,
    pub unit: &'static str,
    pub default: Option<i64>,
    /// Whether a lead set it (false: the default applies).
    pub set: bool,
    pub what: &'static str,
}

/// The kinds, their units and defaults (see docs/privacy.md for why).
pub const KINDS: &[(&str, &str, Option<i64>, &str)] = &[
    (
        CLOSED_TEXT,
        "years",
        Some(3),
        "closed tickets' requester text (subject, body, messages, rating comment) is replaced by the tombstone",
    ),
    (REJECTS, "days", Some(30), "rejected inbound mail (`mail rejects`) is deleted"),
    (REJECT_SIZE, "bytes", Some(sql::DEFAULT_REJECT_SIZE), "a kept rejected message is cut to this size (at ingest and by purge)"),
    (SENT_MAIL, "days", Some(90), "sent (or given up) outgoing mail records are deleted"),
    (
        PORTAL,
        "days",
        Some(1),
        "the portal's sign-in links and sessions this long past their expiry, and its sent (or given up) sign-in mail, are deleted",
    ),
];
pub const CLOSED_TEXT: &str = "closed-ticket-text";
pub const REJECTS: &str = "rejects";
pub const REJECT_SIZE: &str = "reject-size";
pub const SENT_MAIL: &str = "sent-mail";
pub const PORTAL: &str = "portal";

/// What `purge` did (or with --dry-run would do), per kind.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Purged {
    pub kind: &'static str,
    /// The setting applied (None: never, nothing done).
    pub after: Option<i64>,
    pub unit: &'static str,
    pub rows: usize,
    pub what: &'static str,
}

fn kind(name: &str) -> Result<&'static (&'static str, &'static str, Option<i64>, &'static str)> {
    KINDS.iter().find(|k| k.0 == name).ok_or_else(|| {
        let names: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        Error::invalid(format!("unknown retention kind '{name}': expected one of {}", names.join(", ")))
    })
}

/// The value in force for `name`.
fn value(conn: &rusqlite::Connection, name: &str) -> Result<Option<i64>> {
    let k = kind(name)?;
    Ok(sql::retention(conn, name)?.unwrap_or(k.2))
}

fn erase(cx: &mut Ctx<'_>, email: &str) -> Result<Erasure> {
    cx.require_lead("erase a requester")?;
    let email = domain::normalize_email(email)?;
    let (id, stored, name) = sql::find_requester(cx.tx, &email)?
        .ok_or_else(|| Error::not_found(format!("requester {email} not found")))?;
    let erased = sql::erase_requester(cx.tx, id, &stored, &name)?;
    // Who and when, not whose: the row names the requester's number only.
    let detail = format!(
        "{} ticket(s), {} event(s), {} mail record(s), {} reject(s), {} outbox row(s), {} audit row(s) erased",
        erased.tickets, erased.events, erased.mail_messages, erased.rejects, erased.outbox, erased.audit_rows
    );
    cx.audit("erase", "requester", &id.to_string(), Some(&detail))?;
    Ok(Erasure { requester: sql::erased_email(id), erased })
}

impl Desk {
    /// `requester erase EMAIL`: leads only, one transaction.
    pub fn erase_requester(&mut self, email: &str) -> Result<Erasure> {
        self.write(|cx| erase(cx, email))
    }

    /// Every retention setting with its value in force.
    pub fn retention(&self) -> Result<Vec<Retention>> {
        self.read(|conn, _| {
            KINDS
                .iter()
                .map(|&(kind, unit, default, what)| {
                    let stored = sql::retention(conn, kind)?;
                    Ok(Retention {
                        kind,
                        value: stored.unwrap_or(default),
                        unit,
                        default,
                        set: stored.is_some(),
                        what,
                    })
                })
                .collect()
        })
    }

    /// Sets a retention kind: Some(n), None for never; `reset` returns it
    /// to the default. Leads only; audited.
    pub fn set_retention(&mut self, name: &str, value: Option<i64>, reset: bool) -> Result<Retention> {
        let k = kind(name)?;
        if let Some(v) = value.filter(|v| *v < 1) {
            return Err(Error::invalid(format!(
                "invalid retention value {v}: expected at least 1 {} or 'never'",
                k.1
            )));
        }
        self.write(|cx| {
            cx.require_lead("change retention settings")?;
            let shown = match (reset, value) {
                (true, _) => {
                    sql::reset_retention(cx.tx, k.0)?;
                    "default".to_string()
                }
                (false, Some(v)) => {
                    sql::set_retention(cx.tx, k.0, Some(v))?;
                    format!("{v} {}", k.1)
                }
                (false, None) => {
                    sql::set_retention(cx.tx, k.0, None)?;
                    "never".to_string()
                }
            };
            cx.audit("set", "retention", k.0, Some(&shown))?;
            Ok(())
        })?;
        self.retention()?
            .into_iter()
            .find(|r| r.kind == k.0)
            .ok_or_else(|| Error::runtime("retention setting vanished"))
    }

    /// Applies every retention setting, one transaction per kind (or with
    /// `dry_run` only counts: nothing is written). A lead may purge; so may
    /// a system account from cron that is no technician: root, a gateway
    /// account of the system config, or (not setgid) the database file's
    /// owner (`Standing::trusted`). Its audit rows then name no technician,
    /// only the real login.
    pub fn purge(&mut self, dry_run: bool) -> Result<Vec<Purged>> {
        let lead = self.housekeeper("purge")?;
        let now = self.now();
        let os_user = self.os_user.clone();
        let mut out = Vec::new();
        for &(name, unit, _, what) in KINDS {
            let after = value(self.store.conn(), name)?;
            let Some(n) = after else {
                out.push(Purged { kind: name, after, unit, rows: 0, what });
                continue;
            };
            // A period longer than the calendar reaches back: nothing is that old.
            let cutoff = match name {
                CLOSED_TEXT => u32::try_from(n.saturating_mul(12))
                    .ok()
                    .and_then(|m| now.checked_sub_months(Months::new(m)))
                    .map_or(i64::MIN, |t| t.timestamp()),
                REJECTS | SENT_MAIL | PORTAL => Duration::try_days(n)
                    .and_then(|d| now.checked_sub_signed(d))
                    .map_or(i64::MIN, |t| t.timestamp()),
                _ => n,
            };
            let rows = if dry_run {
                let conn = self.store.conn();
                match name {
                    CLOSED_TEXT => sql::count_old_closed(conn, cutoff),
                    REJECTS => sql::count_old_rejects(conn, cutoff),
                    REJECT_SIZE => sql::count_big_rejects(conn, cutoff),
                    PORTAL => sql::count_old_portal(conn, cutoff),
                    _ => sql::count_old_outbox(conn, cutoff),
                }?
            } else {
                self.store.write(|tx| {
                    let rows = match name {
                        CLOSED_TEXT => sql::purge_closed_text(tx, cutoff)?,
                        REJECTS => sql::delete_old_rejects(tx, cutoff)?,
                        REJECT_SIZE => sql::truncate_big_rejects(tx, cutoff)?,
                        PORTAL => sql::delete_old_portal(tx, cutoff)?,
                        _ => sql::delete_old_outbox(tx, cutoff)?,
                    };
                    if rows > 0 {
                        let detail = format!("{rows} row(s): {n} {unit}");
                        crate::store::directory::audit(
                            tx,
                            &crate::store::directory::AuditEntry {
                                at: now,
                                tech_id: lead.as_ref().map(|t| t.id),
                                os_user: &os_user,
                                action: "purge",
                                entity: "retention",
                                entity_id: name,
                                detail: Some(&detail),
                            },
                        )?;
                    }
                    Ok(rows)
                })?
            };
            out.push(Purged { kind: name, after, unit, rows, what });
        }
        Ok(out)
    }
}
