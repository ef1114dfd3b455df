//! Time on the work: entries per technician on a ticket, billable or not,
//! corrected only by new entries (a negative one, or a reversal and its
//! replacement). Time can ride along with any ticket change
//! (`Desk::with_time`) and is then written in that change's transaction.

use super::{calendars, Ctx, Desk};
use crate::domain::worktime::{format_minutes, MAX_ENTRY_MINUTES};
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::store::{from_secs, tickets as ticket_rows, time as rows, to_secs};
use crate::{Error, Result};
use chrono::{NaiveDate, TimeZone};
use serde::Serialize;

/// Time spent, as a face collected it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeSpent {
    /// Minutes (negative: a correction).
    pub minutes: i64,
    /// Default: billable.
    pub billable: Option<bool>,
    /// Technicians only (never in an invoice or report).
    pub note: Option<String>,
    /// When the work was done (default: now); a date is taken as midday in
    /// the school's time zone.
    pub at: Option<When>,
    /// Replace this entry (a reversal of it, then this one).
    pub replaces: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum When {
    Date(NaiveDate),
    Instant(Timestamp),
}

/// Parses `--at`: a date (YYYY-MM-DD) or an RFC 3339 time.
pub fn parse_when(text: &str) -> Result<When> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(When::Date(d));
    }
    crate::clock::parse_instant("--at", t).map(When::Instant).map_err(|_| {
        Error::invalid(format!("invalid --at '{t}': expected a date (2026-11-24) or an RFC 3339 time"))
    })
}

/// One entry as faces show it (the note only to technicians, on `ticket time`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub ticket: TicketId,
    pub tech: String,
    pub minutes: i64,
    pub billable: bool,
    pub at: Timestamp,
    pub recorded_at: Timestamp,
    pub note: Option<String>,
    pub corrects: Option<i64>,
}

impl From<rows::EntryRow> for Entry {
    fn from(r: rows::EntryRow) -> Entry {
        Entry {
            id: r.id,
            ticket: r.ticket_id,
            tech: r.login,
            minutes: r.minutes,
            billable: r.billable,
            at: from_secs(r.at),
            recorded_at: from_secs(r.recorded_at),
            note: r.note,
            corrects: r.corrects,
        }
    }
}

/// A ticket's time: its entries and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketTime {
    pub ticket: TicketId,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub non_billable_minutes: i64,
    /// Per technician login, minutes.
    pub by_tech: std::collections::BTreeMap<String, i64>,
    pub entries: Vec<Entry>,
}

pub fn ticket_time(conn: &rusqlite::Connection, ticket_id: TicketId) -> Result<TicketTime> {
    ticket_rows::get(conn, ticket_id)?;
    let entries: Vec<Entry> = rows::for_ticket(conn, ticket_id)?.into_iter().map(Entry::from).collect();
    let sum = |f: &dyn Fn(&Entry) -> bool| entries.iter().filter(|e| f(e)).map(|e| e.minutes).sum::<i64>();
    let mut by_tech = std::collections::BTreeMap::new();
    for e in &entries {
        *by_tech.entry(e.tech.clone()).or_insert(0) += e.minutes;
    }
    Ok(TicketTime {
        ticket: ticket_id,
        minutes: sum(&|_| true),
        billable_minutes: sum(&|e| e.billable),
        non_billable_minutes: sum(&|e| !e.billable),
        by_tech,
        entries,
    })
}

fn note_text(note: Option<&str>) -> Result<Option<String>> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.chars().count() > 2000 => Err(Error::invalid("invalid --note: at most 2000 characters")),
        Some(n) => Ok(Some(n.to_string())),
        None => Ok(None),
    }
}

/// The instant `when` means for a ticket of `school_id`.
fn instant(cx: &Ctx<'_>, school_id: i64, when: Option<&When>) -> Result<i64> {
    let at = match when {
        None => cx.now,
        Some(When::Instant(t)) => *t,
        Some(When::Date(d)) => {
            let tz = calendars::for_school(cx.tx, school_id)?.tz();
            let noon = d.and_hms_opt(12, 0, 0).unwrap_or_default();
            tz.from_local_datetime(&noon).earliest().map(|t| t.to_utc()).unwrap_or(cx.now)
        }
    };
    if at > cx.now + chrono::Duration::days(1) {
        return Err(Error::invalid(format!(
            "invalid --at '{}': time cannot be logged for work not done yet",
            at.format("%Y-%m-%d")
        )));
    }
    Ok(to_secs(at))
}

/// Records `spent` on ticket `id` inside the caller's transaction; returns
/// the entries written (two when replacing: the reversal and the new one).
pub fn record(cx: &Ctx<'_>, id: TicketId, spent: &TimeSpent, event_id: Option<i64>) -> Result<Vec<i64>> {
    let ticket = ticket_rows::get(cx.tx, id)?;
    let school_id =
        rows::ticket_school(cx.tx, id)?.ok_or_else(|| Error::not_found(format!("ticket #{id} not found")))?;
    let note = note_text(spent.note.as_deref())?;
    if spent.minutes == 0 || spent.minutes.abs() > MAX_ENTRY_MINUTES {
        return Err(Error::invalid(format!(
            "invalid minutes '{}': from 1 to {MAX_ENTRY_MINUTES} (negative to correct)",
            spent.minutes
        )));
    }
    let mut written = Vec::new();
    let mut entry = rows::NewEntry {
        ticket_id: ticket.id,
        tech_id: cx.me.id,
        minutes: spent.minutes,
        billable: spent.billable.unwrap_or(true),
        at: instant(cx, school_id, spent.at.as_ref())?,
        recorded_at: to_secs(cx.now),
        os_user: cx.os_user,
        note: note.as_deref(),
        corrects: None,
        event_id,
    };
    if let Some(old_id) = spent.replaces {
        let old = rows::find(cx.tx, old_id)?
            .filter(|o| o.ticket_id == id)
            .ok_or_else(|| Error::not_found(format!("time entry {old_id} not found on ticket #{id}")))?;
        if old.tech_id != cx.me.id && !cx.me.lead {
            return Err(Error::permission(format!(
                "entry {old_id} is {}'s time: only they or a lead may replace it",
                old.login
            )));
        }
        if old.minutes < 0 {
            return Err(Error::invalid(format!(
                "entry {old_id} is a correction: replace the entry it corrects"
            )));
        }
        if let Some(by) = rows::reversed(cx.tx, old_id)? {
            return Err(Error::invalid(format!(
                "entry {old_id} was already replaced (reversed by entry {by}): replace its replacement instead"
            )));
        }
        if spent.minutes < 0 {
            return Err(Error::invalid("a replacement gives the right time: a positive number of minutes"));
        }
        let reversal = rows::NewEntry {
            tech_id: old.tech_id,
            minutes: -old.minutes,
            billable: old.billable,
            at: old.at,
            note: None,
            corrects: Some(old_id),
            event_id: None,
            ..entry
        };
        written.push(rows::insert(cx.tx, &reversal)?);
        entry.tech_id = old.tech_id;
        entry.corrects = Some(old_id);
        if spent.at.is_none() {
            entry.at = old.at;
        }
        if spent.billable.is_none() {
            entry.billable = old.billable;
        }
    } else if spent.minutes < 0 {
        // A correction never takes off more than this technician logged
        // on the ticket, billable and not counted apart.
        let mine: i64 = rows::for_ticket(cx.tx, id)?
            .iter()
            .filter(|e| e.tech_id == cx.me.id && e.billable == entry.billable)
            .map(|e| e.minutes)
            .sum();
        if mine + spent.minutes < 0 {
            let kind = if entry.billable { "billable" } else { "non-billable" };
            return Err(Error::invalid(format!(
                "a correction of {} would leave your {kind} time on #{id} below zero (you logged {})",
                format_minutes(spent.minutes),
                format_minutes(mine)
            )));
        }
    }
    written.push(rows::insert(cx.tx, &entry)?);
    for &e in &written {
        let row = rows::find(cx.tx, e)?.ok_or_else(|| Error::runtime("time entry vanished"))?;
        let detail = format!(
            "#{id} {} {} for {}{}",
            format_minutes(row.minutes),
            if row.billable { "billable" } else { "non-billable" },
            row.login,
            row.corrects.map(|c| format!(", corrects entry {c}")).unwrap_or_default()
        );
        cx.audit("time", "time_entry", &e.to_string(), Some(&detail))?;
    }
    Ok(written)
}

/// The last timeline event this transaction wrote on ticket `id`, if any.
fn event_just_written(cx: &Ctx<'_>, id: TicketId) -> Result<Option<i64>> {
    rows::last_event_by(cx.tx, id, to_secs(cx.now), cx.me.id)
}

/// Called by `Desk::write` after a change with time attached succeeded.
pub(super) fn record_attached(cx: &Ctx<'_>, id: TicketId, spent: &TimeSpent) -> Result<()> {
    let event = event_just_written(cx, id)?;
    record(cx, id, spent, event).map(|_| ())
}

impl Desk {
    /// Attaches time to the next change (`add_note`, `resolve`, `escalate` ...)
    /// on ticket `id`: written in its transaction, or not at all.
    pub fn with_time(&mut self, id: TicketId, spent: Option<TimeSpent>) -> &mut Desk {
        self.attach = spent.map(|s| (id, s));
        self
    }

    /// `ticket time ID MINUTES`: time logged on its own.
    pub fn log_time(&mut self, id: TicketId, spent: &TimeSpent) -> Result<TicketTime> {
        self.write(|cx| {
            record(cx, id, spent, None)?;
            ticket_time(cx.tx, id)
        })
    }

    pub fn ticket_time(&self, id: TicketId) -> Result<TicketTime> {
        self.read(|conn, _| ticket_time(conn, id))
    }
}
