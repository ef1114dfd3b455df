//! Recurring (planned) work. `schedule run`, from cron, creates each
//! occurrence that has come due exactly once: on the school's first open
//! day of the occurrence's window (closures and opening days from its
//! calendar, terms from its term dates or the English terms). After the box
//! was off, only the latest missed occurrence of a schedule at a school is
//! created: a technician wants one termly check, not three; the earlier
//! ones are recorded as skipped, so nothing is created twice or silently lost.

use super::{calendars, Ctx, Desk};
use crate::domain::recur::{windows, Every, Term};
use crate::domain::TicketId;
use crate::domain::{EventKind, Tier, UNASSIGNED_SCHOOL};
use crate::store::{directory as dir, schedule as rows, tickets as ticket_rows, time as time_rows, to_secs};
use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// How far back `schedule run` looks for occurrences it has not dealt with.
pub const HORIZON_DAYS: i64 = 400;

#[derive(Debug, Clone, Default)]
pub struct NewSchedule {
    pub name: String,
    /// None: every school.
    pub school: Option<String>,
    pub every: String,
    pub subject: String,
    pub body: String,
    pub tier: Option<Tier>,
    pub assign: Option<String>,
    pub category: Option<String>,
    pub from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub name: String,
    /// A school code, or null for every school.
    pub school: Option<String>,
    pub every: String,
    pub subject: String,
    pub tier: i64,
    pub assignee: Option<String>,
    pub category: Option<String>,
    pub from: String,
}

fn shown(r: rows::ScheduleRow) -> Schedule {
    Schedule {
        name: r.name,
        school: r.school,
        every: r.every,
        subject: r.subject,
        tier: r.tier,
        assignee: r.assignee,
        category: r.category,
        from: r.start_date,
    }
}

pub fn add(cx: &mut Ctx<'_>, n: &NewSchedule) -> Result<Schedule> {
    cx.require_lead("add recurring work")?;
    let name = crate::domain::required_text("schedule name", &n.name, 80)?;
    if rows::name_taken(cx.tx, &name)? {
        return Err(Error::invalid(format!(
            "a schedule named '{name}' already exists (names are never reused)"
        )));
    }
    let every: Every = n.every.parse()?;
    let subject = crate::domain::required_text("subject", &n.subject, 200)?;
    let school_id = match &n.school {
        Some(code) => {
            let code = code.trim().to_ascii_uppercase();
            Some(
                dir::find_school(cx.tx, &code)?
                    .ok_or_else(|| {
                        Error::not_found(format!("school {code} not found (see `deskside school list`)"))
                    })?
                    .id,
            )
        }
        None => None,
    };
    let tier = n.tier.unwrap_or(Tier::One);
    let assignee = match &n.assign {
        Some(login) => {
            let t = dir::find_tech(cx.tx, login.trim())?
                .ok_or_else(|| Error::not_found(format!("technician '{}' not found", login.trim())))?;
            if !t.can_work(tier) {
                return Err(Error::invalid(format!(
                    "{} is tier {} and cannot work tier {} tickets",
                    t.login, t.tier, tier
                )));
            }
            Some(t.id)
        }
        None => None,
    };
    let category = n.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    let start = n.from.unwrap_or_else(|| cx.now.date_naive());
    let row = rows::ScheduleRow {
        id: 0,
        name: name.clone(),
        school_id,
        school: None,
        every: every.to_string(),
        subject,
        body: n.body.trim().to_string(),
        tier: tier.number(),
        assignee_id: assignee,
        assignee: None,
        category,
        start_date: start.to_string(),
    };
    let id = rows::insert(cx.tx, &row, to_secs(cx.now), cx.me.id)?;
    cx.audit("schedule add", "schedule", &id.to_string(), Some(&format!("{name}: every {every}")))?;
    rows::active(cx.tx)?
        .into_iter()
        .find(|s| s.id == id)
        .map(shown)
        .ok_or_else(|| Error::runtime("the new schedule vanished"))
}

/// What `schedule run` did with one occurrence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub schedule: String,
    pub school: String,
    pub occurrence: String,
    pub due: Option<String>,
    /// created or skipped
    pub outcome: String,
    pub ticket: Option<TicketId>,
    pub reason: Option<String>,
}

fn terms_for(cx: &Ctx<'_>, school_id: i64) -> Result<Vec<Term>> {
    let cal = rows::calendar_id_of_school(cx.tx, school_id)?;
    let parse = |s: &str| crate::sla::parse_date("term date", s);
    time_rows::terms(cx.tx, cal)?
        .into_iter()
        .map(|(a, b, label)| Ok(Term { start: parse(&a)?, end: parse(&b)?, label }))
        .collect()
}

/// The requester planned tickets are logged for: the school itself.
fn planned_requester(cx: &Ctx<'_>, school_id: i64, code: &str) -> Result<i64> {
    let email = format!("planned-work@{}.deskside.invalid", code.to_ascii_lowercase());
    match dir::find_requester(cx.tx, &email)? {
        Some(r) => Ok(r.id),
        None => dir::insert_requester(cx.tx, &email, &format!("Planned work ({code})"), school_id, cx.now),
    }
}

fn create_ticket(cx: &Ctx<'_>, s: &rows::ScheduleRow, school_id: i64, code: &str) -> Result<TicketId> {
    let requester = planned_requester(cx, school_id, code)?;
    let id = ticket_rows::insert(
        cx.tx,
        &ticket_rows::NewRow {
            subject: &s.subject,
            body: &s.body,
            requester_id: requester,
            school_id,
            category: s.category.as_deref(),
            priority: "normal",
            status: if s.assignee_id.is_some() { "open" } else { "new" },
            tier: s.tier,
            assignee_id: s.assignee_id,
            // The table allows only the four reactive sources; `planned` says what it is.
            source: "phone",
            now: cx.now,
            tech_id: cx.me.id,
        },
    )?;
    rows::mark_planned(cx.tx, id)?;
    cx.event_change(
        id,
        EventKind::Created,
        false,
        Some(&format!("planned work: {}", s.name)),
        None,
        Some("planned"),
    )?;
    if let Some(login) = &s.assignee {
        cx.event_change(id, EventKind::Assigned, false, None, None, Some(login))?;
    }
    Ok(id)
}

pub fn run(cx: &mut Ctx<'_>) -> Result<Vec<Outcome>> {
    let mut out = Vec::new();
    let at = to_secs(cx.now);
    for s in rows::active(cx.tx)? {
        let every: Every = s.every.parse()?;
        let start = crate::sla::parse_date("schedule start", &s.start_date)?;
        let schools = match s.school_id {
            Some(id) => vec![(id, s.school.clone().unwrap_or_default())],
            None => rows::school_ids(cx.tx, UNASSIGNED_SCHOOL)?,
        };
        for (school_id, code) in schools {
            let cal = calendars::for_school(cx.tx, school_id)?;
            let today = cx.now.with_timezone(&cal.tz()).date_naive();
            let open = |d: NaiveDate| !cal.is_closed(d) && !cal.hours().ranges(d.weekday()).is_empty();
            let terms = terms_for(cx, school_id)?;
            let done = rows::done(cx.tx, s.id, school_id)?;
            let from = start.max(today - Duration::days(HORIZON_DAYS));
            let mut due = Vec::new();
            for w in windows(every, &terms, from, today) {
                let key = w.key.to_string();
                if done.contains(&key) {
                    continue;
                }
                match w.due(&open) {
                    Some(d) if d < start => {}
                    Some(d) if d <= today => due.push((key, d)),
                    Some(_) => {}
                    None if w.last <= today && w.last >= start => {
                        let reason = "the school was closed for the whole of it";
                        rows::insert_run(
                            cx.tx,
                            &rows::Run {
                                schedule_id: s.id,
                                school_id,
                                occurrence: &key,
                                due_date: None,
                                outcome: "skipped",
                                ticket_id: None,
                                reason: Some(reason),
                                at,
                            },
                        )?;
                        out.push(Outcome {
                            schedule: s.name.clone(),
                            school: code.clone(),
                            occurrence: key,
                            due: None,
                            outcome: "skipped".into(),
                            ticket: None,
                            reason: Some(reason.into()),
                        });
                    }
                    None => {}
                }
            }
            let latest = due.last().map(|(k, _)| k.clone());
            for (key, d) in due {
                let is_latest = Some(&key) == latest.as_ref();
                let (outcome, ticket, reason) = if is_latest {
                    ("created", Some(create_ticket(cx, &s, school_id, &code)?), None)
                } else {
                    let why = format!(
                        "missed (deskside was not run on {d}); only the latest, {}, was created",
                        latest.as_deref().unwrap_or("?")
                    );
                    ("skipped", None, Some(why))
                };
                let due_text = d.to_string();
                rows::insert_run(
                    cx.tx,
                    &rows::Run {
                        schedule_id: s.id,
                        school_id,
                        occurrence: &key,
                        due_date: Some(&due_text),
                        outcome,
                        ticket_id: ticket,
                        reason: reason.as_deref(),
                        at,
                    },
                )?;
                out.push(Outcome {
                    schedule: s.name.clone(),
                    school: code.clone(),
                    occurrence: key,
                    due: Some(due_text),
                    outcome: outcome.into(),
                    ticket,
                    reason,
                });
            }
        }
    }
    Ok(out)
}

impl Desk {
    pub fn add_schedule(&mut self, n: &NewSchedule) -> Result<Schedule> {
        self.write(|cx| add(cx, n))
    }

    pub fn schedules(&self) -> Result<Vec<Schedule>> {
        self.read(|conn, _| Ok(rows::active(conn)?.into_iter().map(shown).collect()))
    }

    pub fn remove_schedule(&mut self, name: &str) -> Result<()> {
        self.write(|cx| {
            cx.require_lead("remove recurring work")?;
            let id = rows::remove(cx.tx, name.trim(), to_secs(cx.now))?.ok_or_else(|| {
                Error::not_found(format!(
                    "schedule '{}' not found (see `deskside schedule list`)",
                    name.trim()
                ))
            })?;
            cx.audit("schedule remove", "schedule", &id.to_string(), Some(name.trim()))
        })
    }

    /// Creates what is due (from cron); each occurrence once.
    pub fn run_schedules(&mut self) -> Result<Vec<Outcome>> {
        self.write(run)
    }
}
