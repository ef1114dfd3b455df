//! Tickets from a CSV export: each row checked in file order (the first
//! bad one names its line and field), then written in batches with the
//! timeline an imported ticket gets. Schools, technicians and requesters
//! are read once per import instead of once per row.

use super::dates::DateReader;
use super::origin::Keyed;
use super::CsvOptions;
use super::{body_text, category, clip, dates, values, Col, DateCols, Given, Outcome, Parsed, Row, Techs};
use crate::domain::TicketId;
use crate::domain::{self, EventKind, Priority, Requester, School, Source, Status, Tier, Timestamp};
use crate::mail::inbound::clean_line;
use crate::service::tickets::MAX_SUBJECT;
use crate::service::{directory, Ctx};
use crate::store::{directory as dir, events::NewEvent, import as rows, tickets::NewRow};
use crate::{Error, Result};
use std::collections::HashMap;

/// Checked tickets held in memory before they are staged.
const BATCH: usize = 10_000;

/// Where each ticket field is read from.
struct Cols {
    external_id: Col,
    subject: Col,
    body: Col,
    requester_email: Col,
    requester_name: Col,
    school: Col,
    status: Col,
    priority: Col,
    source: Col,
    tier: Col,
    category: Col,
    assignee: Col,
    dates: DateCols,
}

impl Cols {
    fn of(p: &Parsed) -> Cols {
        Cols {
            external_id: p.col("external_id"),
            subject: p.col("subject"),
            body: p.col("body"),
            requester_email: p.col("requester_email"),
            requester_name: p.col("requester_name"),
            school: p.col("school"),
            status: p.col("status"),
            priority: p.col("priority"),
            source: p.col("source"),
            tier: p.col("tier"),
            category: p.col("category"),
            assignee: p.col("assignee"),
            dates: DateCols::of(p),
        }
    }
}

/// The directory as the import needs it, read once: schools by code or
/// name (the first in `list_schools` order wins, as a scan would), school
/// ids by code, technicians, and requesters as they are met.
struct Directory {
    schools: Vec<School>,
    school_by_key: HashMap<String, usize>,
    techs: Techs,
    requesters: HashMap<String, Requester>,
}

impl Directory {
    fn load(cx: &Ctx<'_>) -> Result<Directory> {
        let schools = dir::list_schools(cx.tx)?;
        let mut school_by_key = HashMap::new();
        for (i, s) in schools.iter().enumerate() {
            school_by_key.entry(s.code.to_ascii_lowercase()).or_insert(i);
            school_by_key.entry(s.name.to_ascii_lowercase()).or_insert(i);
        }
        Ok(Directory { schools, school_by_key, techs: Techs::load(cx.tx)?, requesters: HashMap::new() })
    }

    fn school(&self, code_or_name: &str) -> Option<&School> {
        self.school_by_key.get(&code_or_name.to_ascii_lowercase()).map(|&i| &self.schools[i])
    }

    /// The id of the school with this code (codes ignore case, as the column does).
    fn school_id(&self, code: &str) -> Option<i64> {
        self.schools.iter().find(|s| s.code.eq_ignore_ascii_case(code)).map(|s| s.id)
    }

    fn requester(&mut self, cx: &Ctx<'_>, email: &str) -> Result<Option<Requester>> {
        if let Some(r) = self.requesters.get(email) {
            return Ok(Some(r.clone()));
        }
        let found = dir::find_requester(cx.tx, email)?;
        if let Some(r) = &found {
            self.requesters.insert(email.to_string(), r.clone());
        }
        Ok(found)
    }
}

/// What the importer stood in for, as the timeline records it.
struct When {
    created: Timestamp,
    updated: Timestamp,
    resolved: Option<Timestamp>,
    closed: Option<Timestamp>,
}

fn when(status: Status, given: &Given) -> When {
    let Given { created, updated, resolved, closed } = *given;
    let latest = [Some(created), updated, resolved, closed].into_iter().flatten().max().unwrap_or(created);
    match status {
        Status::Resolved => When {
            created,
            updated: latest,
            resolved: Some(resolved.or(updated).unwrap_or(latest)),
            closed: None,
        },
        Status::Closed => {
            let closed = closed.or(updated).unwrap_or(latest);
            When {
                created,
                updated: latest,
                resolved: Some(resolved.unwrap_or(closed)),
                closed: Some(closed),
            }
        }
        _ => When { created, updated: updated.unwrap_or(created), resolved: None, closed: None },
    }
}

/// A checked row, ready to be written.
struct Checked {
    key: String,
    subject: String,
    body: String,
    requester_id: i64,
    school_id: i64,
    category: Option<String>,
    priority: Priority,
    status: Status,
    tier: Tier,
    assignee: Option<(i64, String)>,
    source: Source,
    when: When,
    /// The internal note naming the file, line and the old ticket number.
    origin_note: String,
}

/// What every row of one import shares.
struct Run<'p> {
    cols: Cols,
    header: &'p [String],
    dates: &'p DateReader,
    origin: &'p str,
    /// `--map-status` words.
    statuses: Vec<(String, Status)>,
    /// Where name-only requesters get their address.
    requester_domain: String,
    /// Whether a requester cell may hold a name: a column headed as an
    /// email address ("Email", "E-mail") must hold one, unless
    /// `--requester-domain` says the names are expected.
    names_allowed: bool,
}

/// The domain of placeholder addresses: `.invalid` is reserved (RFC 2606),
/// so such an address can never receive mail.
pub const PLACEHOLDER_DOMAIN: &str = "unknown.invalid";

/// `Ana María Pérez` -> `ana.mara.prez`: the ASCII letters and digits of a
/// name, words joined by dots (at most 64, the longest local part).
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric() && !c.is_alphabetic())
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let s: String = words.join(".").chars().take(64).collect();
    let s = s.trim_end_matches('.').to_string();
    if s.is_empty() {
        "requester".into()
    } else {
        s
    }
}

/// The requester's address: the cell if it is one; a name (no '@') gets
/// `slug@DOMAIN` (see `CsvOptions::requester_domain`); anything else is refused.
fn requester_address(raw: &str, domain: &str) -> std::result::Result<(String, bool), String> {
    match domain::normalize_email(raw) {
        Ok(e) => Ok((e, false)),
        Err(_) if !raw.contains('@') && raw.chars().any(char::is_alphanumeric) => {
            domain::normalize_email(&format!("{}@{domain}", slug(raw)))
                .map(|e| (e, true))
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Checks one row (in the order the fields were always checked, so the
/// first complaint about a row is the same); new requesters are added.
fn check(
    cx: &mut Ctx<'_>,
    d: &mut Directory,
    run: &Run<'_>,
    row: &Row,
    key: String,
    added: &mut usize,
) -> Result<Checked> {
    let (c, header, origin) = (&run.cols, run.header, run.origin);
    let fail = |col: Col, reason: &dyn std::fmt::Display| row.fail(col, header, reason);
    let subject = clip(&clean_line(row.get(c.subject).unwrap_or("")), MAX_SUBJECT);
    if subject.is_empty() {
        return Err(fail(c.subject, &"must not be empty"));
    }
    let body = row.get(c.body).map(body_text).unwrap_or_default();
    let raw_requester = row.get(c.requester_email).unwrap_or("");
    let (email, name_only) = match requester_address(raw_requester, &run.requester_domain) {
        Ok((_, true)) if !run.names_allowed => {
            // The column says it holds addresses: a name there is a mistake
            // in the file, not a GLPI-style export of names.
            let e = domain::normalize_email(raw_requester).err().map(|e| e.to_string()).unwrap_or_default();
            return Err(fail(
                c.requester_email,
                &format!("{e} (a column of names? pass --requester-domain DOMAIN to import them)"),
            ));
        }
        other => other.map_err(|e| fail(c.requester_email, &e))?,
    };
    let school = match row.get(c.school) {
        None => None,
        Some(s) => Some(d.school(s).cloned().ok_or_else(|| {
            fail(
                c.school,
                &format!("unknown school '{s}': expected a school code or name (see `deskside school list`)"),
            )
        })?),
    };
    let requester = match d.requester(cx, &email)? {
        Some(r) => r,
        None => {
            let local = email.split('@').next().unwrap_or(&email).to_string();
            let fallback = if name_only { raw_requester } else { local.as_str() };
            let name = clip(&clean_line(row.get(c.requester_name).unwrap_or(fallback)), 200);
            let code = match &school {
                Some(s) => s.code.clone(),
                None => directory::school_for_email(cx.tx, &email)?,
            };
            *added += 1;
            let r = directory::insert_requester(cx, &email, &name, &code)?;
            d.requesters.insert(email.clone(), r.clone());
            r
        }
    };
    let school_id = match &school {
        Some(s) => s.id,
        None => {
            d.school_id(&requester.school).ok_or_else(|| Error::not_found("requester's school vanished"))?
        }
    };
    let status =
        row.parse(c.status, header, |v| values::status_with(v, &run.statuses))?.unwrap_or(Status::New);
    let priority = row.parse(c.priority, header, values::priority)?.unwrap_or(Priority::Normal);
    let source = row.parse(c.source, header, values::source)?.unwrap_or(Source::Email);
    let tier = row.parse(c.tier, header, values::tier)?.unwrap_or(Tier::One);
    let category = category(row.get(c.category)).map_err(|e| fail(c.category, &e))?;
    let assignee = match row.get(c.assignee) {
        None => None,
        Some(a) => {
            let tech = d.techs.find(a).ok_or_else(|| fail(c.assignee, &format!("unknown technician '{a}': expected a login or name (see `deskside tech list`), or --map the column to -")))?;
            if !tech.can_work(tier) {
                return Err(fail(
                    c.assignee,
                    &format!("{} is tier {} and cannot work a tier {tier} ticket", tech.login, tech.tier),
                ));
            }
            Some((tech.id, tech.login.clone()))
        }
    };
    let when = when(status, &dates(cx.now, row, &c.dates, header, run.dates)?);
    let origin_note = match row.get(c.external_id) {
        Some(x) => format!("Imported from {origin}, line {} (ticket {x} there).", row.line),
        None => format!("Imported from {origin}, line {}.", row.line),
    };
    Ok(Checked {
        key,
        subject,
        body,
        requester_id: requester.id,
        school_id,
        category,
        priority,
        status,
        tier,
        assignee,
        source,
        when,
        origin_note,
    })
}

/// Stages checked tickets with ids from `first_id` on, their timelines
/// (the same events, in the same order, as one by one: created, the
/// origin note, the assignment, the final status) and their origins.
fn stage(cx: &Ctx<'_>, staged: &rows::Staged<'_>, first_id: i64, batch: &[Checked]) -> Result<()> {
    let tickets: Vec<rows::ImportedTicket<'_>> = batch
        .iter()
        .map(|t| rows::ImportedTicket {
            row: NewRow {
                subject: &t.subject,
                body: &t.body,
                requester_id: t.requester_id,
                school_id: t.school_id,
                category: t.category.as_deref(),
                priority: t.priority.as_str(),
                status: t.status.as_str(),
                tier: t.tier.number(),
                assignee_id: t.assignee.as_ref().map(|a| a.0),
                source: t.source.as_str(),
                now: t.when.created,
                tech_id: cx.me.id,
            },
            updated_at: t.when.updated,
            resolved_at: t.when.resolved,
            closed_at: t.when.closed,
            pending_since: (t.status == Status::Pending).then_some(t.when.updated),
        })
        .collect();
    staged.tickets(first_id, &tickets)?;
    let mut events = Vec::with_capacity(batch.len() * 4);
    for (i, t) in batch.iter().enumerate() {
        let id = first_id + i as i64;
        let e = |at, kind, internal, body, old_value, new_value| NewEvent {
            ticket_id: TicketId(id),
            at,
            kind,
            tech_id: Some(cx.me.id),
            os_user: cx.os_user,
            internal,
            body,
            old_value,
            new_value,
        };
        let created = t.when.created;
        events.push(e(created, EventKind::Created, false, None, None, Some(t.source.as_str())));
        events.push(e(created, EventKind::Note, true, Some(t.origin_note.as_str()), None, None));
        if let Some((_, login)) = &t.assignee {
            events.push(e(created, EventKind::Assigned, false, None, None, Some(login.as_str())));
        }
        if t.status != Status::New {
            let at = t.when.closed.or(t.when.resolved).unwrap_or(t.when.updated);
            let change = (Some(Status::New.as_str()), Some(t.status.as_str()));
            events.push(e(at, EventKind::StatusChanged, false, None, change.0, change.1));
        }
    }
    staged.events(&events)?;
    let origins: Vec<(&str, i64)> =
        batch.iter().enumerate().map(|(i, t)| (t.key.as_str(), first_id + i as i64)).collect();
    staged.origins(&origins)
}

/// Imports every row not imported before from this origin.
pub(super) fn import(
    cx: &mut Ctx<'_>,
    file: &mut Keyed<'_, '_>,
    reader: &DateReader,
    opts: &CsvOptions,
    out: &mut Outcome,
) -> Result<()> {
    let parsed = file.parsed();
    let requester_domain = match &opts.requester_domain {
        None => PLACEHOLDER_DOMAIN.to_string(),
        Some(d) => {
            let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
            domain::normalize_email(&format!("requester@{d}")).map_err(|_| {
                Error::invalid(format!(
                    "invalid --requester-domain '{d}': expected a mail domain such as stbedes.sch.uk"
                ))
            })?;
            d
        }
    };
    let origin = opts.origin.as_str();
    let cols = Cols::of(parsed);
    let names_allowed = opts.requester_domain.is_some()
        || cols
            .requester_email
            .at
            .and_then(|i| parsed.header.get(i))
            .is_some_and(|h| !h.to_lowercase().contains("mail"));
    let run = Run {
        cols,
        header: &parsed.header,
        dates: reader,
        origin,
        statuses: values::parse_status_maps(&opts.status_maps)?,
        requester_domain,
        names_allowed,
    };
    let mut d = Directory::load(cx)?;
    let mut next = rows::next_ticket_id(cx.tx)?;
    let staged = rows::Staged::begin(cx.tx)?;
    let mut batch = Vec::with_capacity(BATCH);
    while let Some((row, key)) = file.next_new(&mut out.skipped_ids)? {
        let t = check(cx, &mut d, &run, &row, key, &mut out.requesters_added)?;
        out.ids.push(next + batch.len() as i64);
        batch.push(t);
        if batch.len() == BATCH {
            stage(cx, &staged, next, &batch)?;
            next += batch.len() as i64;
            batch.clear();
        }
    }
    stage(cx, &staged, next, &batch)?;
    staged.finish(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_only_requesters_get_an_address_that_cannot_receive_mail() {
        assert_eq!(
            requester_address(" Ana@Example.org ", PLACEHOLDER_DOMAIN).unwrap(),
            ("ana@example.org".into(), false)
        );
        assert_eq!(
            requester_address("Ana María Pérez", PLACEHOLDER_DOMAIN).unwrap(),
            ("ana.mara.prez@unknown.invalid".into(), true)
        );
        assert_eq!(
            requester_address("O'Neil, Sam", "stbedes.sch.uk").unwrap().0,
            "o.neil.sam@stbedes.sch.uk"
        );
        assert_eq!(requester_address("Иван", PLACEHOLDER_DOMAIN).unwrap().0, "requester@unknown.invalid");
        assert!(requester_address("broken@", PLACEHOLDER_DOMAIN).is_err());
        assert!(requester_address("---", PLACEHOLDER_DOMAIN).is_err());
    }
}
