//! `import whd`: tickets from SolarWinds Web Help Desk, from its REST API
//! (`Helpdesk.woa/ra/`: locations, request types, clients, techs, then the
//! tickets page by page with each ticket's notes) or from a ticket report
//! exported as CSV. How WHD's records map is in `plan`.
//!
//! The transaction unit is one page of tickets (the CSV report: the whole
//! file). Each page's tickets, their timelines, new requesters, their
//! origins (`imported_rows`, origin "whd", key `id:<WHD number>`, as
//! `import csv` records external ids) and an audit entry commit together
//! or not at all. A run that stops half-way (the server fails, a bad
//! ticket) keeps the pages before it; running it again skips every ticket
//! already recorded (without fetching it again) and goes on from there.

pub mod api;
pub mod model;
mod plan;
pub mod report;

use super::{Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{EventKind, Status, Timestamp};
use crate::store::{events::NewEvent, import as rows, tickets::NewRow};
use crate::{Error, Result};
use api::Api;
use model::Ticket;
use plan::{Here, Planned, Unmatched, Who};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The origin WHD tickets are recorded under unless `--origin` says otherwise.
pub const DEFAULT_ORIGIN: &str = "whd";

#[derive(Debug, Clone, Default)]
pub struct WhdOptions {
    /// Where the tickets are recorded as coming from (default "whd"):
    /// the API and a CSV report of the same WHD share it, so neither
    /// imports a ticket the other already brought in.
    pub origin: String,
    /// Only tickets last updated at or after this instant.
    pub since: Option<Timestamp>,
    pub dry_run: bool,
    /// `--map-status WORD=STATUS` for a team's own WHD statuses.
    pub status_maps: Vec<String>,
    /// `--location NAME=CODE`: a WHD location that is a school under another name.
    pub location_maps: Vec<String>,
    /// The API's ticket qualifier (which tickets to list).
    pub qualifier: String,
}

/// Where the tickets come from.
pub enum WhdSource<'a> {
    Api(&'a Api),
    /// A ticket report's text, and `--date-format` if given.
    Csv {
        text: &'a str,
        date_format: Option<&'a str>,
    },
}

/// WHD's reference records by id (from the API; empty for a CSV report,
/// whose rows carry the names themselves).
#[derive(Debug, Default)]
pub struct WhdDirectory {
    pub locations: HashMap<i64, String>,
    pub request_types: HashMap<i64, String>,
    pub clients: HashMap<i64, model::Client>,
    pub techs: HashMap<i64, model::Tech>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct WhdSummary {
    pub source: String,
    pub origin: String,
    pub dry_run: bool,
    /// Ticket list pages read (the CSV report counts as one).
    pub pages: usize,
    /// Tickets imported now (with --dry-run: that would be).
    pub imported: usize,
    pub ids: Vec<i64>,
    /// WHD numbers of the tickets imported now.
    pub whd_ids: Vec<i64>,
    /// Tickets imported before from this origin, left alone.
    pub skipped: usize,
    /// Tickets last updated before --since.
    pub older: usize,
    pub requesters_added: usize,
    pub internal_notes: usize,
    pub public_notes: usize,
    /// WHD techs no technician here matched (their tickets are unassigned).
    pub unmatched_techs: Vec<String>,
    /// WHD locations no school matched (their tickets went by the requester's school).
    pub unmatched_locations: Vec<String>,
}

/// What one batch did.
#[derive(Default)]
struct Batch {
    ids: Vec<i64>,
    whd_ids: Vec<i64>,
    skipped: usize,
    requesters_added: usize,
    internal_notes: usize,
    public_notes: usize,
    unmatched: Unmatched,
}

impl WhdSummary {
    fn add(&mut self, b: Batch, unmatched: &mut Unmatched) {
        self.imported += b.ids.len();
        self.ids.extend(b.ids);
        self.whd_ids.extend(b.whd_ids);
        self.skipped += b.skipped;
        self.requesters_added += b.requesters_added;
        self.internal_notes += b.internal_notes;
        self.public_notes += b.public_notes;
        unmatched.techs.extend(b.unmatched.techs);
        unmatched.locations.extend(b.unmatched.locations);
    }
}

fn directory(api: &Api) -> Result<WhdDirectory> {
    Ok(WhdDirectory {
        locations: api.locations()?.into_iter().filter_map(|l| Some((l.id, l.location_name?))).collect(),
        request_types: api
            .request_types()?
            .into_iter()
            .filter_map(|r| Some((r.id, r.name()?.to_string())))
            .collect(),
        clients: api.clients()?.into_iter().filter_map(|c| Some((c.id?, c))).collect(),
        techs: api.techs()?.into_iter().filter_map(|t| Some((t.id?, t))).collect(),
    })
}

fn older(since: Option<Timestamp>, last_updated: Option<&str>) -> bool {
    let Some(since) = since else { return false };
    last_updated
        .and_then(|u| chrono::DateTime::parse_from_rfc3339(u.trim()).ok())
        .is_some_and(|u| u.with_timezone(&chrono::Utc) < since)
}

impl Desk {
    /// Imports tickets from Web Help Desk. Leads only.
    pub fn import_whd(&mut self, source: WhdSource<'_>, opts: &WhdOptions) -> Result<WhdSummary> {
        if opts.origin.trim().is_empty() {
            return Err(Error::invalid("invalid --origin '': expected a name such as whd"));
        }
        self.read(|_, me| {
            if me.lead {
                Ok(())
            } else {
                Err(Error::permission(format!(
                    "only a lead may import from Web Help Desk ({} is not a lead)",
                    me.login
                )))
            }
        })?;
        let mut summary =
            WhdSummary { origin: opts.origin.clone(), dry_run: opts.dry_run, ..WhdSummary::default() };
        let mut unmatched = Unmatched::default();
        // Checked before anything is fetched: a bad option costs no requests.
        let now = self.clock.now();
        self.read(|conn, _| Here::load(conn, opts, now).map(|_| ()))?;
        let result = match source {
            WhdSource::Api(api) => {
                summary.source = "api".into();
                self.import_whd_api(api, opts, &mut summary, &mut unmatched)
            }
            WhdSource::Csv { text, date_format } => {
                summary.source = "csv".into();
                self.import_whd_csv(text, date_format, opts, &mut summary, &mut unmatched)
            }
        };
        summary.unmatched_techs = unmatched.techs.into_iter().collect();
        summary.unmatched_locations = unmatched.locations.into_iter().collect();
        match result {
            Ok(()) => Ok(summary),
            // Pages committed before the error stay; say so, and how to go on.
            Err(e) if summary.imported > 0 && !opts.dry_run => Err(resumable(e, &summary)),
            Err(e) => Err(e),
        }
    }

    fn import_whd_api(
        &mut self,
        api: &Api,
        opts: &WhdOptions,
        summary: &mut WhdSummary,
        unmatched: &mut Unmatched,
    ) -> Result<()> {
        let whd = directory(api)?;
        let mut page = 1u32;
        let mut last: Vec<i64> = Vec::new();
        loop {
            let refs = api.tickets_page(page, &opts.qualifier)?;
            let ids: Vec<i64> = refs.iter().map(|r| r.id).collect();
            api::same_page_again("Tickets", page, &last, &ids)?;
            last = ids;
            summary.pages += 1;
            let before = self.read(|conn, _| rows::imported_rows(conn, "tickets", &opts.origin))?;
            let mut tickets = Vec::new();
            for r in &refs {
                if before.contains_key(&format!("id:{}", r.id)) {
                    summary.skipped += 1;
                } else if older(opts.since, r.last_updated.as_deref()) {
                    summary.older += 1;
                } else {
                    tickets.push(api.ticket(r.id)?);
                }
            }
            let batch = self.whd_batch(&whd, &tickets, opts)?;
            summary.add(batch, unmatched);
            if refs.len() < api.page_size() {
                return Ok(());
            }
            page = page.checked_add(1).ok_or_else(|| Error::runtime("too many pages"))?;
        }
    }

    fn import_whd_csv(
        &mut self,
        text: &str,
        date_format: Option<&str>,
        opts: &WhdOptions,
        summary: &mut WhdSummary,
        unmatched: &mut Unmatched,
    ) -> Result<()> {
        let tz = self
            .read(|conn, _| rows::default_tz(conn))?
            .and_then(|t| t.parse().ok())
            .unwrap_or(chrono_tz::Europe::London);
        let all = report::read(text, tz, date_format)?;
        let mut seen = HashSet::new();
        if let Some(t) = all.iter().find(|t| !seen.insert(t.id)) {
            return Err(Error::invalid(format!(
                "ticket {} is in the report twice: one ticket there would become two here; nothing was imported",
                t.id
            )));
        }
        summary.pages = 1;
        let (tickets, old): (Vec<Ticket>, Vec<Ticket>) =
            all.into_iter().partition(|t| !older(opts.since, t.last_updated.as_deref()));
        summary.older = old.len();
        let batch = self.whd_batch(&WhdDirectory::default(), &tickets, opts)?;
        summary.add(batch, unmatched);
        Ok(())
    }

    /// Plans and (unless a dry run) writes one batch in one transaction;
    /// tickets recorded meanwhile (another import) are skipped inside it.
    fn whd_batch(&mut self, whd: &WhdDirectory, tickets: &[Ticket], opts: &WhdOptions) -> Result<Batch> {
        if opts.dry_run {
            let now = self.clock.now();
            return self.read(|conn, _| {
                let here = Here::load(conn, opts, now)?;
                let before = rows::imported_rows(conn, "tickets", &opts.origin)?;
                let mut b = Batch::default();
                let mut emails = HashSet::new();
                for t in tickets {
                    if before.contains_key(&format!("id:{}", t.id)) {
                        b.skipped += 1;
                        continue;
                    }
                    let p = plan::plan(conn, &here, whd, t, &mut b.unmatched)?;
                    if let Who::New { email, .. } = &p.who {
                        b.requesters_added += usize::from(emails.insert(email.clone()));
                    }
                    b.internal_notes += p.notes.iter().filter(|n| n.internal).count();
                    b.public_notes += p.notes.iter().filter(|n| !n.internal).count();
                    b.whd_ids.push(p.whd_id);
                }
                Ok(b)
            });
        }
        if tickets.is_empty() {
            return Ok(Batch::default());
        }
        self.write(|cx| {
            let here = Here::load(cx.tx, opts, cx.now)?;
            let before = rows::imported_rows(cx.tx, "tickets", &opts.origin)?;
            let mut b = Batch::default();
            let mut planned = Vec::new();
            for t in tickets {
                if before.contains_key(&format!("id:{}", t.id)) {
                    b.skipped += 1;
                } else {
                    planned.push(plan::plan(cx.tx, &here, whd, t, &mut b.unmatched)?);
                }
            }
            write(cx, &planned, &opts.origin, &mut b)?;
            Ok(b)
        })
    }
}

/// An error after some pages were committed: what is kept, and that a re-run goes on.
fn resumable(e: Error, s: &WhdSummary) -> Error {
    let tail = format!(
        " ({} ticket(s) imported before this stayed; run the same command again to go on: they are skipped, not duplicated)",
        s.imported
    );
    match e {
        Error::Invalid(m) => Error::Invalid(m + &tail),
        Error::Permission(m) => Error::Permission(m + &tail),
        Error::NotFound(m) => Error::NotFound(m + &tail),
        Error::Runtime(m) => Error::Runtime(m + &tail),
        other => other,
    }
}

/// Writes planned tickets with their timelines and origins, in one go.
fn write(cx: &mut Ctx<'_>, planned: &[Planned], origin: &str, b: &mut Batch) -> Result<()> {
    if planned.is_empty() {
        return Ok(());
    }
    // Requesters first (one per address, however many tickets they have).
    let mut added: HashMap<String, (i64, String)> = HashMap::new();
    let mut requester_ids = Vec::with_capacity(planned.len());
    for p in planned {
        let id = match &p.who {
            Who::Known(r) => r.id,
            Who::New { email, name, school } => match added.get(email) {
                Some((id, _)) => *id,
                None => {
                    let r = crate::service::directory::insert_requester(cx, email, name, school)?;
                    added.insert(email.clone(), (r.id, r.school));
                    r.id
                }
            },
        };
        requester_ids.push(id);
    }
    b.requesters_added = added.len();
    let first_id = rows::next_ticket_id(cx.tx)?;
    let staged = rows::Staged::begin(cx.tx)?;
    let tickets: Vec<rows::ImportedTicket<'_>> = planned
        .iter()
        .zip(&requester_ids)
        .map(|(p, &requester_id)| rows::ImportedTicket {
            row: NewRow {
                subject: &p.subject,
                body: &p.body,
                requester_id,
                school_id: p.school_id,
                category: p.category.as_deref(),
                priority: p.priority.as_str(),
                status: p.status.as_str(),
                tier: 1,
                assignee_id: p.assignee.as_ref().map(|a| a.0),
                source: "email",
                now: p.created,
                tech_id: cx.me.id,
            },
            updated_at: p.updated,
            resolved_at: p.resolved,
            closed_at: p.closed,
            pending_since: (p.status == Status::Pending).then_some(p.updated),
        })
        .collect();
    staged.tickets(first_id, &tickets)?;
    let origin_notes: Vec<String> = planned
        .iter()
        .map(|p| format!("Imported from Web Help Desk ({origin}): ticket {} there.", p.whd_id))
        .collect();
    let mut events = Vec::new();
    for (i, p) in planned.iter().enumerate() {
        let id = first_id + i as i64;
        let e = |at, kind, tech: bool, internal, body, new_value| NewEvent {
            ticket_id: TicketId(id),
            at,
            kind,
            tech_id: tech.then_some(cx.me.id),
            os_user: cx.os_user,
            internal,
            body,
            old_value: None,
            new_value,
        };
        events.push(e(p.created, EventKind::Created, true, false, None, Some("email")));
        events.push(e(p.created, EventKind::Note, true, true, Some(origin_notes[i].as_str()), None));
        if let Some((_, login)) = &p.assignee {
            events.push(e(p.created, EventKind::Assigned, true, false, None, Some(login.as_str())));
        }
        for n in &p.notes {
            let kind = if n.internal { EventKind::Note } else { EventKind::Reply };
            events.push(e(n.at, kind, !n.from_client, n.internal, Some(n.body.as_str()), None));
            if n.internal {
                b.internal_notes += 1;
            } else {
                b.public_notes += 1;
            }
        }
        if p.status != Status::New {
            let at = p.closed.or(p.resolved).unwrap_or(p.updated);
            let mut change = e(at, EventKind::StatusChanged, true, false, None, Some(p.status.as_str()));
            change.old_value = Some(Status::New.as_str());
            events.push(change);
        }
    }
    staged.events(&events)?;
    let keys: Vec<String> = planned.iter().map(|p| format!("id:{}", p.whd_id)).collect();
    let origins: Vec<(&str, i64)> =
        keys.iter().enumerate().map(|(i, k)| (k.as_str(), first_id + i as i64)).collect();
    staged.origins(&origins)?;
    staged.finish(origin)?;
    b.ids = (0..planned.len()).map(|i| first_id + i as i64).collect();
    b.whd_ids = planned.iter().map(|p| p.whd_id).collect();
    let whd_range: BTreeSet<i64> = b.whd_ids.iter().copied().collect();
    let detail = format!(
        "{} ticket(s) (WHD {}..{}); {} requester(s) added; {} internal and {} public note(s)",
        planned.len(),
        whd_range.first().copied().unwrap_or(0),
        whd_range.last().copied().unwrap_or(0),
        b.requesters_added,
        b.internal_notes,
        b.public_notes
    );
    cx.audit("import", "whd", origin, Some(&detail))
}
