//! `init --demo`: sample schools, technicians, requesters, articles, canned
//! solutions and ~300 tickets with realistic timelines over the last eight
//! weeks. Content lives in `assets/demo/`; tickets are generated from its
//! scenarios with a fixed seed, through the same operations the faces use,
//! so every rule and timeline event applies to demo data too.

use super::directory::{self, NewSchool};
use super::tickets::{self, Resolution};
use super::Ctx;
use super::{calendars, canned};
use crate::domain::ArticleId;
use crate::domain::{NewTicket, Priority, Source, Technician, Tier, Timestamp};
use crate::rng::Rng;
use crate::store::{articles, directory as dir, kb};
use crate::{Error, Result};
use chrono::{Datelike, Duration, Timelike, Weekday};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/demo_articles.rs"));

const SCHOOLS: &str = include_str!("../../assets/demo/schools.toml");
const TECHS: &str = include_str!("../../assets/demo/technicians.toml");
const REQUESTERS: &str = include_str!("../../assets/demo/requesters.toml");
const CANNED: &str = include_str!("../../assets/demo/canned.toml");
const TICKETS: &str = include_str!("../../assets/demo/tickets.toml");

/// How many demo tickets to generate, and over how many days before now.
pub const DEMO_TICKETS: usize = 300;
const DEMO_DAYS: i64 = 56;
const SEED: u64 = 0x5EED_DE5C;

#[derive(Deserialize)]
struct SchoolsFile {
    calendar: Vec<CalendarDef>,
    school: Vec<SchoolDef>,
}

#[derive(Deserialize)]
struct CalendarDef {
    name: String,
    tz: String,
    hours: String,
    #[serde(default)]
    closure: Vec<ClosureDef>,
}

#[derive(Deserialize)]
struct ClosureDef {
    from: String,
    to: String,
    label: String,
}

#[derive(Deserialize)]
struct SchoolDef {
    code: String,
    name: String,
    domains: Vec<String>,
    calendar: String,
}

#[derive(Deserialize)]
struct TechsFile {
    tech: Vec<TechDef>,
}

#[derive(Deserialize)]
struct TechDef {
    login: String,
    name: String,
    tier: i64,
    #[serde(default)]
    lead: bool,
}

#[derive(Deserialize)]
struct RequestersFile {
    requester: Vec<RequesterDef>,
}

#[derive(Deserialize)]
struct RequesterDef {
    email: String,
    name: String,
}

#[derive(Deserialize)]
struct ArticleFront {
    title: String,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    audience: String,
    status: String,
    author: String,
}

#[derive(Deserialize)]
struct CannedFile {
    canned: Vec<CannedDef>,
}

#[derive(Deserialize)]
struct CannedDef {
    title: String,
    category: String,
    article: Option<String>,
    body: String,
}

#[derive(Deserialize)]
struct TicketsFile {
    #[serde(default)]
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
struct Scenario {
    subjects: Vec<String>,
    body: String,
    category: String,
    priority: String,
    source: String,
    #[serde(default)]
    notes: Vec<String>,
    escalate: Option<EscalateDef>,
    handback: Option<String>,
    resolution: String,
    article: Option<String>,
    /// Title of a canned solution that resolves it (instead of `resolution`).
    canned: Option<String>,
    #[serde(default = "one")]
    weight: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
struct EscalateDef {
    to: i64,
    reason: String,
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| Error::runtime(format!("demo asset {file} is invalid: {}", e.message())))
}

/// Splits `+++` TOML front matter from a Markdown body.
pub fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("+++")?.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.split_once('\n').map(|(_, b)| b).unwrap_or("");
    Some((front, body.trim_start_matches(['\r', '\n'])))
}

pub fn load(cx: &mut Ctx<'_>) -> Result<()> {
    let schools: SchoolsFile = parse("schools.toml", SCHOOLS)?;
    for cal in &schools.calendar {
        let asset =
            |e: Error| Error::runtime(format!("demo asset schools.toml, calendar '{}': {e}", cal.name));
        calendars::add_calendar(cx, &cal.name, &cal.tz, &cal.hours).map_err(asset)?;
        for c in &cal.closure {
            let closure = calendars::NewClosure { from: &c.from, to: &c.to, label: &c.label };
            calendars::add_closure(cx, &cal.name, &closure).map_err(asset)?;
        }
    }
    for s in &schools.school {
        let new = NewSchool {
            name: s.name.clone(),
            code: s.code.clone(),
            domains: s.domains.clone(),
            calendar: Some(s.calendar.clone()),
        };
        directory::add_school(cx, &new)?;
    }

    let techs: TechsFile = parse("technicians.toml", TECHS)?;
    let mut staff = vec![cx.me.clone()];
    for t in &techs.tech {
        if t.login == cx.me.login {
            continue;
        }
        staff.push(directory::add_tech(cx, &t.login, &t.name, Tier::from_number(t.tier)?, t.lead)?);
    }

    let people: RequestersFile = parse("requesters.toml", REQUESTERS)?;
    for r in &people.requester {
        directory::add_requester(cx, &r.email, &r.name, None)?;
    }

    let mut slugs = HashMap::new();
    // Only published articles resolve tickets (a scenario naming a draft
    // resolves with its message alone).
    let mut usable = HashMap::new();
    for (slug, text) in DEMO_ARTICLES {
        let (front, body) = split_front_matter(text)
            .ok_or_else(|| Error::runtime(format!("demo article {slug} has no +++ front matter")))?;
        let f: ArticleFront = parse(slug, front)?;
        let author = staff.iter().find(|t| t.login == f.author).map(|t| t.id);
        let tags = f.tags.iter().map(|t| t.trim().to_lowercase()).collect::<Vec<_>>().join(", ");
        let id = articles::insert_article(
            cx.tx,
            &articles::NewArticle {
                title: &f.title,
                body,
                category: Some(&f.category),
                tags: &tags,
                status: &f.status,
                audience: &f.audience,
                source_ticket_id: None,
                author_id: author,
                now: cx.now,
            },
        )?;
        slugs.insert(slug.to_string(), id);
        if f.status == "published" {
            usable.insert(slug.to_string(), id);
            let (views, helpful, not_helpful) = demo_counters(slug);
            kb::set_counters(cx.tx, id, views, helpful, not_helpful)?;
        }
    }

    let canned: CannedFile = parse("canned.toml", CANNED)?;
    // Written by the first senior tech, through the same checks as `canned add`.
    let me = cx.me.clone();
    cx.me = staff.iter().find(|t| t.tier > Tier::One && !t.lead).unwrap_or(&me).clone();
    for c in &canned.canned {
        let new = canned::NewCanned {
            title: c.title.clone(),
            body: c.body.clone(),
            category: Some(c.category.clone()),
            article_id: c.article.as_ref().and_then(|s| slugs.get(s).copied()),
        };
        canned::add(cx, &new)
            .map_err(|e| Error::runtime(format!("demo asset canned.toml, '{}': {e}", c.title)))?;
    }
    cx.me = me;

    let scenarios: TicketsFile = parse("tickets.toml", TICKETS)?;
    let requesters = dir::list_requesters(cx.tx, None)?;
    generate_tickets(cx, &scenarios.scenario, &staff, &requesters, &usable)?;
    // Demo requesters are made up: what the demo queued is never mailed.
    super::mail::outbox::discard_queued(cx, None, "demo data: never sent")?;
    Ok(())
}

/// Views and votes for a published demo article, the same on every machine:
/// some articles are read a lot, a few are voted unhelpful.
fn demo_counters(slug: &str) -> (i64, i64, i64) {
    let mut rng = Rng(slug.bytes().fold(SEED, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)));
    let views = rng.range(12, 340);
    let helpful = views / 9 + rng.range(0, 6);
    let not_helpful = rng.range(0, 3);
    (views, helpful, not_helpful)
}

/// Moves `t` into the team's working day (Mon-Fri 08:00-17:00 UTC, close
/// enough to UK school hours for demo timelines).
fn in_hours(mut t: Timestamp) -> Timestamp {
    loop {
        let weekend = matches!(t.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend || t.hour() >= 17 {
            t = (t + Duration::days(1)).with_hour(8).and_then(|x| x.with_minute(5)).unwrap_or(t);
        } else if t.hour() < 8 {
            t = t.with_hour(8).and_then(|x| x.with_minute(5)).unwrap_or(t);
        } else {
            return t;
        }
    }
}

fn generate_tickets(
    cx: &mut Ctx<'_>,
    scenarios: &[Scenario],
    staff: &[Technician],
    requesters: &[crate::domain::Requester],
    slugs: &HashMap<String, ArticleId>,
) -> Result<()> {
    if scenarios.is_empty() || requesters.is_empty() {
        return Ok(());
    }
    let mut rng = Rng(SEED);
    let end = cx.now;
    let me = cx.me.clone();
    let tier_of =
        |tier: Tier| staff.iter().filter(move |t| t.tier == tier && !t.lead).cloned().collect::<Vec<_>>();
    let first_line = tier_of(Tier::One);
    let first_line = if first_line.is_empty() { vec![me.clone()] } else { first_line };
    let weighted: Vec<&Scenario> =
        scenarios.iter().flat_map(|s| std::iter::repeat_n(s, s.weight.clamp(1, 5) as usize)).collect();
    let start = end - Duration::days(DEMO_DAYS);
    let mut created: Vec<Timestamp> = (0..DEMO_TICKETS)
        .map(|_| in_hours(start + Duration::minutes(rng.range(0, DEMO_DAYS * 24 * 60))))
        .filter(|t| *t < end)
        .collect();
    created.sort();

    for at in created {
        let s = *rng.pick(&weighted);
        let requester = rng.pick(requesters);
        let holder = rng.pick(&first_line).clone();
        let mut clock = at;
        let mut step = |rng: &mut Rng, lo: i64, hi: i64| {
            clock = in_hours(clock + Duration::minutes(rng.range(lo, hi)));
            clock
        };
        // Each step happens only if its time has come; later steps wait.
        macro_rules! at_time {
            ($t:expr, $who:expr) => {{
                let t = $t;
                if t > end {
                    continue;
                }
                cx.now = t;
                cx.me = $who.clone();
            }};
        }
        at_time!(at, holder);
        let new = NewTicket {
            subject: rng.pick(&s.subjects).clone(),
            body: s.body.clone(),
            requester: requester.email.clone(),
            priority: Some(s.priority.parse::<Priority>()?),
            category: Some(s.category.clone()),
            source: Some(s.source.parse::<Source>()?),
            ..NewTicket::default()
        };
        let id = tickets::create(cx, &new)?.id;
        // Most calls are picked up quickly; some wait in the queue for hours.
        let wait = if rng.chance(20) { (120, 900) } else { (3, 90) };
        at_time!(step(&mut rng, wait.0, wait.1), holder);
        tickets::take(cx, id, None)?;
        let mut worker = holder.clone();
        for note in &s.notes {
            at_time!(step(&mut rng, 5, 120), worker);
            tickets::add_note(cx, id, note, tickets::Visibility::Internal)?;
        }
        if let Some(esc) = &s.escalate {
            let to = Tier::from_number(esc.to)?;
            at_time!(step(&mut rng, 10, 240), worker);
            tickets::escalate(cx, id, to, &esc.reason, None)?;
            let seniors = tier_of(to);
            let senior = if seniors.is_empty() { me.clone() } else { rng.pick(&seniors).clone() };
            at_time!(step(&mut rng, 20, 480), senior);
            tickets::take(cx, id, None)?;
            worker = senior;
            if let Some(note) = &s.handback {
                at_time!(step(&mut rng, 60, 1440), worker);
                tickets::handback(cx, id, Tier::One, note, None)?;
                at_time!(step(&mut rng, 10, 120), holder);
                // A hand-back returns to whoever escalated; anyone else takes it.
                if crate::store::tickets::get(cx.tx, id)?.assignee_id != Some(cx.me.id) {
                    tickets::take(cx, id, None)?;
                }
                worker = holder.clone();
            }
        }
        at_time!(step(&mut rng, 10, 600), worker);
        match &s.canned {
            Some(title) => {
                canned::apply(cx, id, title, true, None).map_err(|e| {
                    Error::runtime(format!("demo asset tickets.toml, canned solution '{title}': {e}"))
                })?;
            }
            None => {
                let article_id = s.article.as_ref().and_then(|a| slugs.get(a).copied());
                let how = Resolution { message: Some(s.resolution.clone()), article_id };
                tickets::resolve(cx, id, &how, None)?;
            }
        }
        if rng.chance(6) {
            at_time!(step(&mut rng, 240, 2000), holder);
            tickets::reopen(cx, id, None)?;
            tickets::add_note(
                cx,
                id,
                "Requester says it is happening again.",
                tickets::Visibility::Internal,
            )?;
            at_time!(step(&mut rng, 30, 600), worker);
            let again = Resolution::message(format!("Following up: {}", s.resolution));
            tickets::resolve(cx, id, &again, None)?;
        }
        at_time!(step(&mut rng, 2 * 24 * 60, 5 * 24 * 60), worker);
        // About a third of requesters answer the satisfaction question by
        // the time the ticket closes. Their own generator, keyed on the
        // ticket, so the rest of the demo does not shift.
        let mut answer = Rng(SEED ^ id.get().unsigned_abs());
        if answer.chance(35) {
            let score = match answer.below(10) {
                0 => 2,
                1 | 2 => 3,
                3..=5 => 4,
                _ => 5,
            };
            super::rating::rate(cx, id, score, None)?;
        }
        tickets::close(cx, id, None)?;
    }
    cx.now = end;
    cx.me = me;
    Ok(())
}

/// `demo --reset`: the demo database at `path` goes, with its sidecars, to
/// be created afresh.
pub fn remove(path: &Path) {
    crate::store::remove_database(path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split() {
        let (front, body) = split_front_matter("+++\ntitle = \"x\"\n+++\n\n## Body\n").unwrap();
        assert_eq!(front, "title = \"x\"");
        assert_eq!(body, "## Body\n");
        assert!(split_front_matter("no front matter").is_none());
    }

    fn demo_desk() -> crate::service::Desk {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc();
        let store = crate::store::Store::open_in_memory().unwrap();
        let clock = Box::new(crate::clock::FixedClock(now));
        let mut desk = crate::service::Desk::with_store(store, clock, "lead", "lead");
        desk.seed(&crate::service::InitOptions { demo: true, ..Default::default() }).unwrap();
        desk
    }

    fn run_scenarios(desk: &mut crate::service::Desk, toml_text: &str) -> Result<()> {
        let file: TicketsFile = toml::from_str(toml_text).unwrap();
        desk.write(|cx| {
            let staff = dir::list_techs(cx.tx)?;
            let requesters = dir::list_requesters(cx.tx, None)?;
            generate_tickets(cx, &file.scenario, &staff, &requesters, &HashMap::new())
        })
    }

    const CANNED_SCENARIO: &str = r#"
[[scenario]]
subjects = ["Copier jammed"]
body = "Tray 2 keeps jamming"
category = "printing"
priority = "normal"
source = "email"
resolution = "Cleared it"
canned = "CANNED_TITLE"
"#;

    #[test]
    fn scenarios_naming_a_canned_solution_resolve_by_applying_it() {
        let mut desk = demo_desk();
        let all = crate::domain::TicketFilter { include_done: true, ..Default::default() };
        let before =
            desk.tickets(&all).unwrap().iter().map(|t| t.id).max().unwrap_or(crate::domain::TicketId(0));
        let uses_before = desk.canned("Paper jam cleared").unwrap().uses;
        run_scenarios(&mut desk, &CANNED_SCENARIO.replace("CANNED_TITLE", "Paper jam cleared")).unwrap();
        let tickets = desk.tickets(&all).unwrap();
        // Only the tickets this scenario made: the demo's own are mixed.
        let done: Vec<_> = tickets.iter().filter(|t| t.id > before && !t.status.is_active()).collect();
        assert!(done.len() > 100, "only {} demo tickets were resolved", done.len());
        for t in &done {
            let d = desk.ticket(t.id).unwrap();
            let canned = d.events.iter().position(|e| e.kind == crate::domain::EventKind::CannedApplied);
            let reply = d.events.iter().find(|e| e.kind == crate::domain::EventKind::Reply).unwrap();
            assert!(canned.is_some(), "ticket #{} was resolved without its canned solution", t.id);
            let first = t.requester_name.split_whitespace().next().unwrap();
            assert!(reply.body.as_deref().unwrap().starts_with(&format!("Hi {first},")), "{reply:?}");
        }
        let applied = tickets
            .iter()
            .filter(|t| t.id > before)
            .filter(|t| {
                let d = desk.ticket(t.id).unwrap();
                d.events.iter().any(|e| e.kind == crate::domain::EventKind::CannedApplied)
            })
            .count();
        assert_eq!(desk.canned("Paper jam cleared").unwrap().uses - uses_before, applied as i64);
        // A scenario naming a canned solution that does not exist is named.
        let mut desk = demo_desk();
        let err =
            run_scenarios(&mut desk, &CANNED_SCENARIO.replace("CANNED_TITLE", "No such reply")).unwrap_err();
        assert!(err.to_string().contains("canned solution 'No such reply' not found"), "{err}");
    }

    #[test]
    fn working_hours_roll_forward() {
        let fri_evening = chrono::DateTime::parse_from_rfc3339("2026-11-20T18:00:00Z").unwrap().to_utc();
        let t = in_hours(fri_evening);
        assert_eq!(t.weekday(), Weekday::Mon);
        assert_eq!(t.hour(), 8);
    }
}
