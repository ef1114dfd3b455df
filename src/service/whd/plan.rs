//! How one Web Help Desk ticket becomes a deskside ticket: read only (the
//! same plan serves `--dry-run` and the import's transaction).
//!
//! - location -> school (by `--location NAME=CODE`, else a school whose
//!   code or name is the location's name; else the requester's school);
//! - request type -> category (lower-cased, at most 40 characters);
//! - client -> requester (by e-mail; a client without one gets a
//!   placeholder at `unknown.invalid`, which can never be mailed);
//! - assigned tech -> technician (by login, e-mail's local part or name;
//!   never created: an unmatched tech leaves the ticket unassigned and is
//!   named in the summary);
//! - notes: a tech note hidden from the client (or not saying) -> internal
//!   note; a visible tech note -> public reply; a client note -> the
//!   requester's reply. None is mailed: imports are history.

use super::model::{Client, Note, Tech, Ticket};
use super::WhdDirectory;
use crate::domain::{self, Priority, Requester, School, Status, Technician, Timestamp};
use crate::mail::inbound::clean_line;
use crate::service::csv_import::{body_text, values};
use crate::service::directory::school_for_email;
use crate::service::tickets::MAX_SUBJECT;
use crate::store::directory as dir;
use crate::text::clip;
use crate::{Error, Result};
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};

/// Placeholder addresses: `.invalid` is reserved (RFC 2606), never mailed.
const PLACEHOLDER_DOMAIN: &str = "unknown.invalid";

/// deskside's side of the mapping, read once per batch.
pub struct Here {
    schools: Vec<School>,
    techs: Vec<Technician>,
    /// `--location NAME=CODE`, names lower-cased.
    location_maps: HashMap<String, String>,
    statuses: Vec<(String, Status)>,
    now: Timestamp,
}

impl Here {
    pub fn load(conn: &Connection, opts: &super::WhdOptions, now: Timestamp) -> Result<Here> {
        let schools = dir::list_schools(conn)?;
        let mut location_maps = HashMap::new();
        for m in &opts.location_maps {
            let (name, code) = m.rsplit_once('=').filter(|(n, c)| !n.trim().is_empty() && !c.trim().is_empty()).ok_or_else(|| {
                Error::invalid(format!("invalid --location '{m}': expected WHD-LOCATION=SCHOOL-CODE, e.g. \"St Bede's Primary=BEDE\""))
            })?;
            let code = code.trim();
            if !schools.iter().any(|s| s.code.eq_ignore_ascii_case(code)) {
                return Err(Error::not_found(format!(
                    "invalid --location '{m}': no school with code {code} (see `deskside school list`)"
                )));
            }
            location_maps.insert(name.trim().to_lowercase(), code.to_string());
        }
        Ok(Here {
            schools,
            techs: dir::list_techs(conn)?,
            location_maps,
            statuses: values::parse_status_maps(&opts.status_maps)?,
            now,
        })
    }

    fn school_by_code(&self, code: &str) -> Option<&School> {
        self.schools.iter().find(|s| s.code.eq_ignore_ascii_case(code))
    }

    fn school_for_location(&self, name: &str) -> Option<&School> {
        if let Some(code) = self.location_maps.get(&name.trim().to_lowercase()) {
            return self.school_by_code(code);
        }
        let name = name.trim();
        self.schools.iter().find(|s| s.code.eq_ignore_ascii_case(name) || s.name.eq_ignore_ascii_case(name))
    }

    /// The technician a WHD tech is: by login (WHD's user name, or the
    /// e-mail address or its local part) or by name.
    fn tech(&self, t: &Tech) -> Option<&Technician> {
        let email = t.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let logins = [t.username.as_deref(), email, email.and_then(|e| e.split('@').next())];
        let full = [t.first_name.as_deref(), t.last_name.as_deref()]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let names = [t.display_name.as_deref(), Some(full.as_str())];
        self.techs
            .iter()
            .find(|me| logins.iter().flatten().any(|l| me.login.eq_ignore_ascii_case(l.trim())))
            .or_else(|| {
                self.techs.iter().find(|me| {
                    names
                        .iter()
                        .flatten()
                        .any(|n| !n.trim().is_empty() && me.name.eq_ignore_ascii_case(n.trim()))
                })
            })
    }
}

/// Who a ticket's requester is: already here, or to be added.
#[derive(Debug, Clone)]
pub enum Who {
    Known(Requester),
    New { email: String, name: String, school: String },
}

impl Who {
    pub fn school_code(&self) -> &str {
        match self {
            Who::Known(r) => &r.school,
            Who::New { school, .. } => school,
        }
    }
}

pub struct PlannedNote {
    pub at: Timestamp,
    pub internal: bool,
    /// From the requester (a client note) rather than a tech.
    pub from_client: bool,
    pub body: String,
}

pub struct Planned {
    pub whd_id: i64,
    pub subject: String,
    pub body: String,
    pub who: Who,
    pub school_id: i64,
    pub category: Option<String>,
    pub priority: Priority,
    pub status: Status,
    pub assignee: Option<(i64, String)>,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub resolved: Option<Timestamp>,
    pub closed: Option<Timestamp>,
    pub notes: Vec<PlannedNote>,
}

/// What the mapping could not match, named in the summary.
#[derive(Debug, Default, Clone)]
pub struct Unmatched {
    pub techs: BTreeSet<String>,
    pub locations: BTreeSet<String>,
}

fn fail(id: i64, what: impl std::fmt::Display) -> Error {
    Error::invalid(format!("Web Help Desk ticket {id}: {what}"))
}

/// An RFC 3339 date as WHD writes them (`2019-02-12T08:25:23Z`).
fn instant(id: i64, field: &str, raw: Option<&str>) -> Result<Option<Timestamp>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.with_timezone(&chrono::Utc)))
        .map_err(|_| fail(id, format!("{field} '{raw}' is not a date (expected e.g. 2019-02-12T08:25:23Z)")))
}

/// WHD's own status names first where deskside's words do not cover them.
fn status(word: &str, maps: &[(String, Status)]) -> std::result::Result<Status, String> {
    values::status_with(word, maps).or_else(|e| match word.trim().to_lowercase().as_str() {
        "acknowledged" | "assigned" | "in progress" => Ok(Status::Open),
        "cancelled" | "canceled" => Ok(Status::Closed),
        _ => Err(e),
    })
}

fn slug(name: &str) -> String {
    let s: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let s: String = s.join(".").chars().take(64).collect();
    let s = s.trim_end_matches('.');
    if s.is_empty() {
        "requester".into()
    } else {
        s.to_string()
    }
}

fn requester(
    conn: &Connection,
    here: &Here,
    whd: &WhdDirectory,
    t: &Ticket,
    school: Option<&School>,
) -> Result<Who> {
    let embedded = t.client_reporter.clone().unwrap_or_default();
    let id = embedded.id.or(t.client_id);
    let listed = id.and_then(|i| whd.clients.get(&i));
    let c: Client = match listed {
        Some(l) if l.email.is_some() || embedded.email.is_none() => l.clone(),
        _ => embedded,
    };
    let name = clip(&clean_line(&c.name()), 200);
    let email = match c.email.as_deref().map(domain::normalize_email) {
        Some(Ok(e)) => e,
        _ => {
            let base = if name.is_empty() { c.username.clone().unwrap_or_default() } else { name.clone() };
            let base =
                if base.trim().is_empty() { format!("whd.client.{}", id.unwrap_or(t.id)) } else { base };
            domain::normalize_email(&format!("{}@{PLACEHOLDER_DOMAIN}", slug(&base)))?
        }
    };
    if let Some(r) = dir::find_requester(conn, &email)? {
        return Ok(Who::Known(r));
    }
    let name =
        if name.is_empty() { email.split('@').next().unwrap_or("requester").to_string() } else { name };
    let school = match school {
        Some(s) => s.code.clone(),
        None => {
            // The client's own location, then the address's domain.
            let own = c.location.as_ref().and_then(|l| {
                l.location_name.clone().or_else(|| l.id.and_then(|i| whd.locations.get(&i).cloned()))
            });
            match own.as_deref().and_then(|n| here.school_for_location(n)) {
                Some(s) => s.code.clone(),
                None => school_for_email(conn, &email)?,
            }
        }
    };
    Ok(Who::New { email, name, school })
}

fn note(t: &Ticket, n: &Note, created: Timestamp, now: Timestamp) -> Result<Option<PlannedNote>> {
    let raw = n.note_text.as_deref().or(n.mobile_note_text.as_deref()).unwrap_or("");
    let text = body_text(raw);
    if text.is_empty() {
        return Ok(None);
    }
    let at = instant(t.id, "note date", n.date_utc.as_deref().or(n.date.as_deref()))?
        .unwrap_or(created)
        .clamp(created, now.max(created));
    let from_client = n.from_client();
    // Only a tech note that says it is visible is public: one that does not say stays internal.
    let internal = !from_client && n.is_hidden != Some(false);
    let body = match n.author().filter(|_| !from_client) {
        Some(a) => format!("{text}\n\n({a}, in Web Help Desk)"),
        None => text,
    };
    Ok(Some(PlannedNote { at, internal, from_client, body }))
}

/// Maps one ticket; what could not be matched is added to `unmatched`.
pub fn plan(
    conn: &Connection,
    here: &Here,
    whd: &WhdDirectory,
    t: &Ticket,
    unmatched: &mut Unmatched,
) -> Result<Planned> {
    let subject = clip(&clean_line(t.subject.as_deref().unwrap_or("")), MAX_SUBJECT);
    let body = t.detail.as_deref().map(body_text).unwrap_or_default();
    let subject = if subject.is_empty() {
        clip(&clean_line(body.lines().next().unwrap_or("")), MAX_SUBJECT)
    } else {
        subject
    };
    if subject.is_empty() {
        return Err(fail(t.id, "has neither a subject nor a request detail"));
    }
    let location = t
        .location
        .as_ref()
        .and_then(|l| {
            l.location_name
                .clone()
                .or_else(|| l.id.or(t.location_id).and_then(|i| whd.locations.get(&i).cloned()))
        })
        .or_else(|| t.location_id.and_then(|i| whd.locations.get(&i).cloned()));
    let school = match location.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(name) => {
            let s = here.school_for_location(name);
            if s.is_none() {
                unmatched.locations.insert(name.to_string());
            }
            s
        }
        None => None,
    };
    let who = requester(conn, here, whd, t, school)?;
    let school_id = match school {
        Some(s) => s.id,
        None => here
            .school_by_code(who.school_code())
            .map(|s| s.id)
            .ok_or_else(|| Error::not_found(format!("school {} not found", who.school_code())))?,
    };
    let category = t.problemtype.as_ref().and_then(|p| {
        p.detail_display_name
            .clone()
            .or_else(|| p.problem_type_name.clone())
            .or_else(|| p.id.and_then(|i| whd.request_types.get(&i).cloned()))
    });
    let category = category.map(|c| clip(&clean_line(&c).to_lowercase(), 40)).filter(|c| !c.is_empty());
    let status = match t.statustype.as_ref().and_then(|s| s.status_type_name.as_deref()) {
        Some(word) => status(word, &here.statuses).map_err(|e| fail(t.id, e))?,
        None if t.close_date_utc.is_some() => Status::Closed,
        None => Status::Open,
    };
    let priority = t
        .prioritytype
        .as_ref()
        .and_then(|p| p.priority_type_name.as_deref())
        .and_then(|p| values::priority(p).ok())
        .unwrap_or(Priority::Normal);
    let tech = t.client_tech.clone().map(|mut ct| {
        // The list of techs knows more (user name) than the ticket embeds.
        if let Some(listed) = ct.id.or(t.tech_id).and_then(|i| whd.techs.get(&i)) {
            ct = Tech { username: ct.username.or_else(|| listed.username.clone()), ..listed.clone() };
        }
        ct
    });
    let assignee = match tech {
        None => None,
        Some(ct) => match here.tech(&ct) {
            Some(me) => Some((me.id, me.login.clone())),
            None => {
                unmatched.techs.insert(ct.label());
                None
            }
        },
    };
    let now = here.now;
    let updated_raw = instant(t.id, "lastUpdated", t.last_updated.as_deref())?;
    let created =
        instant(t.id, "reportDateUtc", t.report_date_utc.as_deref())?.or(updated_raw).unwrap_or(now).min(now);
    let updated = updated_raw.unwrap_or(created).clamp(created, now.max(created));
    let close = instant(t.id, "closeDateUtc", t.close_date_utc.as_deref())?
        .map(|c| c.clamp(created, now.max(created)));
    let (resolved, closed) = match status {
        Status::Resolved => (Some(close.unwrap_or(updated)), None),
        Status::Closed => (Some(close.unwrap_or(updated)), Some(close.unwrap_or(updated))),
        _ => (None, None),
    };
    let mut notes = Vec::new();
    for n in &t.notes {
        notes.extend(note(t, n, created, now)?);
    }
    notes.sort_by_key(|n| n.at);
    Ok(Planned {
        whd_id: t.id,
        subject,
        body,
        who,
        school_id,
        category,
        priority,
        status,
        assignee,
        created,
        updated,
        resolved,
        closed,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whd_status_names_are_known_and_the_teams_own_words_win() {
        assert_eq!(status("Acknowledged", &[]).unwrap(), Status::Open);
        assert_eq!(status("Cancelled", &[]).unwrap(), Status::Closed);
        assert_eq!(status("Pending", &[]).unwrap(), Status::Pending);
        assert_eq!(status("Resolved", &[]).unwrap(), Status::Resolved);
        let err = status("With Vendor", &[]).unwrap_err();
        assert!(err.contains("--map-status"), "{err}");
        let maps = values::parse_status_maps(&["With Vendor=pending".into()]).unwrap();
        assert_eq!(status("With Vendor", &maps).unwrap(), Status::Pending);
    }

    #[test]
    fn a_tech_note_is_public_only_when_it_says_it_is_visible() {
        let t = Ticket { id: 7, ..Ticket::default() };
        let now = chrono::Utc::now();
        let mk = |kind: &str, hidden: Option<bool>| Note {
            kind: Some(kind.into()),
            mobile_note_text: Some("Swapped the <b>toner</b>".into()),
            is_hidden: hidden,
            pretty_updated_string: Some("2 weeks ago <strong>Joe Admin</strong> said".into()),
            ..Note::default()
        };
        let hidden = note(&t, &mk("TechNote", Some(true)), now, now).unwrap().unwrap();
        assert!(hidden.internal && !hidden.from_client);
        assert!(hidden.body.contains("toner") && hidden.body.contains("Joe Admin"), "{}", hidden.body);
        assert!(note(&t, &mk("TechNote", None), now, now).unwrap().unwrap().internal, "unsaid: internal");
        assert!(!note(&t, &mk("TechNote", Some(false)), now, now).unwrap().unwrap().internal);
        let client = note(&t, &mk("ClientNote", None), now, now).unwrap().unwrap();
        assert!(!client.internal && client.from_client && !client.body.contains("Joe Admin"));
    }
}
