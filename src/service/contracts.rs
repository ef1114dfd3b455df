//! Contracts (hours bought per month, term or year at a rate) and the time
//! report: time by school, technician and category, used against bought,
//! and the invoice lines behind it. Months, terms and days are each
//! school's own, in its calendar's time zone.

use super::{calendars, Ctx, Desk};
use crate::domain::recur::{period_at, Term};
use crate::domain::worktime::amount_pence;
use crate::domain::TicketId;
use crate::domain::Timestamp;
use crate::sla::Calendar;
use crate::store::{directory as dir, sla as sla_rows, time as rows, to_secs};
use crate::{Error, Result};
use chrono::{Duration, NaiveDate, TimeZone};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

pub const PERIODS: [&str; 3] = ["month", "term", "year"];

/// `school contract set`.
#[derive(Debug, Clone)]
pub struct ContractInput {
    pub school: String,
    pub minutes: i64,
    pub period: String,
    pub rate_pence: i64,
    pub covers: Option<String>,
    pub from: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    pub school: String,
    pub minutes: i64,
    pub hours: f64,
    pub per: String,
    pub rate_pence: i64,
    pub covers: String,
    pub from: String,
}

fn contract_of(code: &str, r: &rows::ContractRow) -> Contract {
    Contract {
        school: code.to_string(),
        minutes: r.minutes,
        hours: r.minutes as f64 / 60.0,
        per: r.period.clone(),
        rate_pence: r.rate_pence,
        covers: r.covers.clone(),
        from: r.from_date.clone(),
    }
}

/// Local midnight of `d` in `tz` (the first instant of the day).
pub fn day_start(tz: Tz, d: NaiveDate) -> i64 {
    let mut local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    // A midnight inside a clock change's gap: the first minute after it.
    for _ in 0..180 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return to_secs(t.to_utc());
        }
        local += Duration::minutes(1);
    }
    to_secs(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

/// A school's own view: its calendar and terms.
struct SchoolCal {
    id: i64,
    code: String,
    name: String,
    calendar: Calendar,
    terms: Vec<Term>,
}

fn terms_of(conn: &Connection, calendar_id: i64) -> Result<Vec<Term>> {
    let parse = |s: &str| crate::sla::parse_date("term date", s);
    rows::terms(conn, calendar_id)?
        .into_iter()
        .map(|(a, b, label)| Ok(Term { start: parse(&a)?, end: parse(&b)?, label }))
        .collect()
}

fn school_cal(conn: &Connection, code: &str) -> Result<SchoolCal> {
    let code = code.trim().to_ascii_uppercase();
    let s = dir::find_school(conn, &code)?
        .ok_or_else(|| Error::not_found(format!("school {code} not found (see `deskside school list`)")))?;
    let row = sla_rows::calendar_of_school(conn, s.id)?;
    Ok(SchoolCal {
        id: s.id,
        code: s.code,
        name: s.name,
        calendar: calendars::load(conn, &row)?,
        terms: terms_of(conn, row.id)?,
    })
}

/// The contract in force at a school on `date` (the latest from that date or before).
fn in_force(list: &[rows::ContractRow], date: NaiveDate) -> Option<&rows::ContractRow> {
    let d = date.to_string();
    list.iter().rfind(|c| c.from_date <= d)
}

pub fn set_contract(cx: &mut Ctx<'_>, c: &ContractInput) -> Result<Contract> {
    cx.require_lead("set a school's contract")?;
    let s = school_cal(cx.tx, &c.school)?;
    if !PERIODS.contains(&c.period.as_str()) {
        return Err(Error::invalid(format!("invalid --per '{}': expected month, term or year", c.period)));
    }
    if c.minutes < 0 || c.minutes > 10_000 * 60 {
        return Err(Error::invalid("invalid --hours: from 0 to 10000"));
    }
    let covers = c.covers.as_deref().map(str::trim).unwrap_or("").to_string();
    if covers.chars().count() > 500 {
        return Err(Error::invalid("invalid --covers: at most 500 characters"));
    }
    let from = c.from.unwrap_or_else(|| cx.now.with_timezone(&s.calendar.tz()).date_naive());
    let row = rows::ContractRow {
        id: 0,
        school_id: s.id,
        minutes: c.minutes,
        period: c.period.clone(),
        rate_pence: c.rate_pence,
        covers,
        from_date: from.to_string(),
    };
    let id = rows::insert_contract(cx.tx, &row, to_secs(cx.now), cx.me.id)?;
    let detail = format!(
        "{}: {} minutes per {} at {}p/h from {}",
        s.code, row.minutes, row.period, row.rate_pence, row.from_date
    );
    cx.audit("contract", "contract", &id.to_string(), Some(&detail))?;
    Ok(contract_of(&s.code, &row))
}

pub use crate::report::Balance;

fn balance_at(conn: &Connection, s: &SchoolCal, date: NaiveDate) -> Result<Option<Balance>> {
    let list = rows::contracts(conn, s.id)?;
    let Some(c) = in_force(&list, date) else { return Ok(None) };
    let (a, b, label) = period_at(&c.period, &s.terms, date);
    let tz = s.calendar.tz();
    let used: i64 = rows::between(conn, day_start(tz, a), day_start(tz, b + Duration::days(1)), Some(s.id))?
        .iter()
        .filter(|e| e.billable)
        .map(|e| e.minutes)
        .sum();
    Ok(Some(Balance {
        per: c.period.clone(),
        period: label,
        period_from: a.to_string(),
        period_to: b.to_string(),
        bought_minutes: c.minutes,
        used_minutes: used,
        balance_minutes: c.minutes - used,
        rate_pence: c.rate_pence,
    }))
}

/// A school's contract balance on the local date of `at` (weekly report).
pub fn balance_on(conn: &Connection, code: &str, at: Timestamp) -> Result<Option<Balance>> {
    let s = school_cal(conn, code)?;
    balance_at(conn, &s, at.with_timezone(&s.calendar.tz()).date_naive())
}

/// What `report time` asks for: a month, or inclusive dates (each school's local days).
#[derive(Debug, Clone, Default)]
pub struct TimeQuery {
    pub school: Option<String>,
    pub month: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Parses `--month YYYY-MM` into its first day.
pub fn parse_month(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| Error::invalid(format!("invalid --month '{}': expected YYYY-MM", text.trim())))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub date: String,
    pub ticket: TicketId,
    pub subject: String,
    pub tech: String,
    pub category: Option<String>,
    pub minutes: i64,
    pub billable: bool,
    pub planned: bool,
    pub rate_pence: i64,
    /// Billable lines at the contract's rate; non-billable ones are 0.
    pub amount_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechTime {
    pub login: String,
    pub tier: i64,
    pub minutes: i64,
    pub billable_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketTotal {
    pub ticket: TicketId,
    pub subject: String,
    pub category: Option<String>,
    pub planned: bool,
    pub minutes: i64,
    pub billable_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolTime {
    pub school: String,
    pub name: String,
    pub tz: String,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub non_billable_minutes: i64,
    pub planned_minutes: i64,
    pub amount_pence: i64,
    pub by_tech: Vec<TechTime>,
    pub by_category: BTreeMap<String, i64>,
    pub contract: Option<Contract>,
    /// The contract period holding the report's last day.
    pub balance: Option<Balance>,
    pub tickets: Vec<TicketTotal>,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeReport {
    /// Inclusive local dates.
    pub from: String,
    pub to: String,
    pub schools: Vec<SchoolTime>,
}

fn school_time(
    conn: &Connection,
    s: &SchoolCal,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<SchoolTime> {
    let tz = s.calendar.tz();
    let entries =
        rows::between(conn, day_start(tz, from), day_start(tz, to + Duration::days(1)), Some(s.id))?;
    let list = rows::contracts(conn, s.id)?;
    let mut out = SchoolTime {
        school: s.code.clone(),
        name: s.name.clone(),
        tz: tz.name().to_string(),
        minutes: 0,
        billable_minutes: 0,
        non_billable_minutes: 0,
        planned_minutes: 0,
        amount_pence: 0,
        by_tech: Vec::new(),
        by_category: BTreeMap::new(),
        contract: in_force(&list, to.min(today).max(from)).map(|c| contract_of(&s.code, c)),
        balance: balance_at(conn, s, to.min(today).max(from))?,
        tickets: Vec::new(),
        lines: Vec::new(),
    };
    let mut techs: BTreeMap<String, TechTime> = BTreeMap::new();
    let mut tickets: BTreeMap<TicketId, TicketTotal> = BTreeMap::new();
    for e in entries {
        let date = crate::store::from_secs(e.at).with_timezone(&tz).date_naive();
        // Each line is charged at the rate of the contract in force that day.
        let rate = in_force(&list, date).map_or(0, |c| c.rate_pence);
        let amount = if e.billable { amount_pence(e.minutes, rate) } else { 0 };
        out.minutes += e.minutes;
        if e.billable {
            out.billable_minutes += e.minutes;
        } else {
            out.non_billable_minutes += e.minutes;
        }
        if e.planned {
            out.planned_minutes += e.minutes;
        }
        out.amount_pence += amount;
        let billable = if e.billable { e.minutes } else { 0 };
        let t = techs.entry(e.login.clone()).or_insert(TechTime {
            login: e.login.clone(),
            tier: e.tier,
            minutes: 0,
            billable_minutes: 0,
        });
        t.minutes += e.minutes;
        t.billable_minutes += billable;
        let cat = e.category.clone().unwrap_or_else(|| crate::report::NO_CATEGORY.to_string());
        *out.by_category.entry(cat).or_default() += e.minutes;
        let k = tickets.entry(e.ticket_id).or_insert(TicketTotal {
            ticket: e.ticket_id,
            subject: e.subject.clone(),
            category: e.category.clone(),
            planned: e.planned,
            minutes: 0,
            billable_minutes: 0,
        });
        k.minutes += e.minutes;
        k.billable_minutes += billable;
        out.lines.push(Line {
            date: date.to_string(),
            ticket: e.ticket_id,
            subject: e.subject,
            tech: e.login,
            category: e.category,
            minutes: e.minutes,
            billable: e.billable,
            planned: e.planned,
            rate_pence: rate,
            amount_pence: amount,
        });
    }
    out.by_tech = techs.into_values().collect();
    out.tickets = tickets.into_values().collect();
    Ok(out)
}

pub fn time_report(conn: &Connection, q: &TimeQuery, now: Timestamp) -> Result<TimeReport> {
    let codes: Vec<String> = match &q.school {
        Some(c) => vec![c.clone()],
        None => dir::list_schools(conn)?
            .into_iter()
            .filter(|s| s.code != crate::domain::UNASSIGNED_SCHOOL)
            .map(|s| s.code)
            .collect(),
    };
    let (from, to) = match (q.month, q.from, q.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(Error::invalid("--month and --from/--to are two ways to say the same: pass one"))
        }
        (Some(m), None, None) => {
            let (a, b, _) = period_at("month", &[], m);
            (a, b)
        }
        (None, Some(a), Some(b)) if b < a => {
            return Err(Error::invalid(format!("invalid --to '{b}': before --from '{a}'")))
        }
        (None, Some(a), Some(b)) => (a, b),
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(Error::invalid("--from and --to go together (inclusive dates)"))
        }
        (None, None, None) => {
            let today = now.with_timezone(&Tz::Europe__London).date_naive();
            let (a, b, _) = period_at("month", &[], today);
            (a, b)
        }
    };
    if (to - from).num_days() > 3 * 366 {
        return Err(Error::invalid("invalid --from/--to: at most three years at a time"));
    }
    let mut schools = Vec::new();
    for code in codes {
        let s = school_cal(conn, &code)?;
        let today = now.with_timezone(&s.calendar.tz()).date_naive();
        schools.push(school_time(conn, &s, from, to, today)?);
    }
    Ok(TimeReport { from: from.to_string(), to: to.to_string(), schools })
}

/// A school's time in `[lo, hi)` (unix seconds).
pub struct Spent {
    pub minutes: i64,
    pub billable: i64,
    /// By the technician's (current) tier, "1" to "3".
    pub by_tier: BTreeMap<String, i64>,
    /// Of those, on planned work.
    pub planned_by_tier: BTreeMap<String, i64>,
}

pub fn time_by_tier(conn: &Connection, school_id: i64, lo: i64, hi: i64) -> Result<Spent> {
    let mut out =
        Spent { minutes: 0, billable: 0, by_tier: BTreeMap::new(), planned_by_tier: BTreeMap::new() };
    for e in rows::between(conn, lo, hi, Some(school_id))? {
        out.minutes += e.minutes;
        out.billable += if e.billable { e.minutes } else { 0 };
        *out.by_tier.entry(e.tier.to_string()).or_default() += e.minutes;
        if e.planned {
            *out.planned_by_tier.entry(e.tier.to_string()).or_default() += e.minutes;
        }
    }
    Ok(out)
}

impl Desk {
    pub fn set_contract(&mut self, c: &ContractInput) -> Result<Contract> {
        self.write(|cx| set_contract(cx, c))
    }

    /// The contract in force today and its current balance.
    pub fn contract(&self, code: &str) -> Result<(Option<Contract>, Option<Balance>)> {
        let now = self.now();
        self.read(|conn, _| {
            let s = school_cal(conn, code)?;
            let today = now.with_timezone(&s.calendar.tz()).date_naive();
            let list = rows::contracts(conn, s.id)?;
            Ok((in_force(&list, today).map(|c| contract_of(&s.code, c)), balance_at(conn, &s, today)?))
        })
    }

    pub fn time_report(&self, q: &TimeQuery) -> Result<TimeReport> {
        let now = self.now();
        self.read(|conn, _| time_report(conn, q, now))
    }
}
