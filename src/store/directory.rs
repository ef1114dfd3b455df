//! Calendars, schools and their domains, requesters, technicians, and the
//! audit log of changes to them.

use super::to_secs;
use crate::domain::{Requester, School, Technician, Tier, Timestamp};
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

pub fn insert_calendar(conn: &Connection, name: &str, tz: &str, hours: &str, now: Timestamp) -> Result<i64> {
    conn.execute(
        "INSERT INTO calendars (name, tz, hours, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, tz, hours, to_secs(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn calendar_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM calendars WHERE name = ?1", [name], |r| r.get(0)).optional()?)
}

pub fn insert_closure(conn: &Connection, calendar_id: i64, from: &str, to: &str, label: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO closures (calendar_id, start_date, end_date, label) VALUES (?1, ?2, ?3, ?4)",
        params![calendar_id, from, to, label],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_school(
    conn: &Connection,
    code: &str,
    name: &str,
    calendar_id: i64,
    now: Timestamp,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO schools (code, name, calendar_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![code, name, calendar_id, to_secs(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_domain(conn: &Connection, domain: &str, school_id: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO school_domains (domain, school_id) VALUES (?1, ?2)",
        params![domain, school_id],
    )?;
    Ok(())
}

/// The code of the school that owns `domain`, if any.
pub fn school_for_domain(conn: &Connection, domain: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT s.code FROM school_domains d JOIN schools s ON s.id = d.school_id WHERE d.domain = ?1",
            [domain],
            |r| r.get(0),
        )
        .optional()?)
}

/// The school owning `domain` or one of its parents (`mail.x.sch.uk` -> `x.sch.uk`).
pub fn school_for_email_domain(conn: &Connection, domain: &str) -> Result<Option<String>> {
    let mut d = domain;
    loop {
        if let Some(code) = school_for_domain(conn, d)? {
            return Ok(Some(code));
        }
        match d.split_once('.') {
            Some((_, rest)) if rest.contains('.') => d = rest,
            _ => return Ok(None),
        }
    }
}

/// Moves requesters whose email is in one of `domains` from the triage
/// school to `school_id`; returns how many moved.
pub fn rehome_triage_requesters(conn: &Connection, school_id: i64, domains: &[String]) -> Result<usize> {
    let mut moved = 0;
    for d in domains {
        moved += conn.execute(
            "UPDATE requesters SET school_id = ?1
              WHERE school_id = (SELECT id FROM schools WHERE code = ?2)
                AND lower(substr(email, instr(email, '@') + 1)) = ?3",
            params![school_id, crate::domain::UNASSIGNED_SCHOOL, d],
        )?;
    }
    Ok(moved)
}

fn school_from_row(conn: &Connection, r: &Row<'_>) -> rusqlite::Result<School> {
    let id: i64 = r.get(0)?;
    let mut stmt =
        conn.prepare_cached("SELECT domain FROM school_domains WHERE school_id = ?1 ORDER BY domain")?;
    let domains = stmt.query_map([id], |d| d.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(School { id, code: r.get(1)?, name: r.get(2)?, calendar: r.get(3)?, domains })
}

const SCHOOL_SELECT: &str =
    "SELECT s.id, s.code, s.name, c.name FROM schools s JOIN calendars c ON c.id = s.calendar_id";

pub fn find_school(conn: &Connection, code: &str) -> Result<Option<School>> {
    let sql = format!("{SCHOOL_SELECT} WHERE s.code = ?1");
    Ok(conn.query_row(&sql, [code], |r| school_from_row(conn, r)).optional()?)
}

pub fn list_schools(conn: &Connection) -> Result<Vec<School>> {
    let sql = format!("{SCHOOL_SELECT} ORDER BY s.code");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| school_from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_requester(
    conn: &Connection,
    email: &str,
    name: &str,
    school_id: i64,
    now: Timestamp,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO requesters (email, name, school_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![email, name, school_id, to_secs(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

const REQUESTER_SELECT: &str =
    "SELECT r.id, r.email, r.name, s.code FROM requesters r JOIN schools s ON s.id = r.school_id";

fn requester_from_row(r: &Row<'_>) -> rusqlite::Result<Requester> {
    Ok(Requester { id: r.get(0)?, email: r.get(1)?, name: r.get(2)?, school: r.get(3)? })
}

pub fn find_requester(conn: &Connection, email: &str) -> Result<Option<Requester>> {
    let sql = format!("{REQUESTER_SELECT} WHERE r.email = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([email], requester_from_row).optional()?)
}

pub fn list_requesters(conn: &Connection, school: Option<&str>) -> Result<Vec<Requester>> {
    let sql = format!("{REQUESTER_SELECT} WHERE ?1 IS NULL OR s.code = ?1 ORDER BY r.name, r.email");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([school], requester_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_tech(conn: &Connection, t: &Technician, now: Timestamp) -> Result<i64> {
    conn.execute(
        "INSERT INTO technicians (login, name, tier, lead, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![t.login, t.name, t.tier.number(), t.lead, to_secs(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

fn tech_from_row(r: &Row<'_>) -> rusqlite::Result<Technician> {
    let tier: i64 = r.get(3)?;
    Ok(Technician {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        tier: Tier::from_number(tier).unwrap_or(Tier::One),
        lead: r.get(4)?,
    })
}

pub fn find_tech(conn: &Connection, login: &str) -> Result<Option<Technician>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, login, name, tier, lead FROM technicians WHERE login = ?1 AND active = 1",
        )?
        .query_row([login], tech_from_row)
        .optional()?)
}

pub fn list_techs(conn: &Connection) -> Result<Vec<Technician>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, login, name, tier, lead FROM technicians WHERE active = 1 ORDER BY tier DESC, login",
    )?;
    let rows = stmt.query_map([], tech_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One audit row: who changed what (for everything but tickets, whose
/// timeline is their audit).
pub struct AuditEntry<'a> {
    pub at: Timestamp,
    pub tech_id: Option<i64>,
    pub os_user: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub detail: Option<&'a str>,
}

pub fn audit(conn: &Connection, a: &AuditEntry<'_>) -> Result<()> {
    // Linked into the tamper-evident chain (see store::chain).
    super::chain::append(
        conn,
        &super::chain::Entry {
            at: a.at,
            tech_id: a.tech_id,
            os_user: a.os_user,
            action: a.action,
            entity: a.entity,
            entity_id: a.entity_id,
            detail: a.detail,
        },
    )?;
    Ok(())
}
