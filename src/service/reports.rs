//! Weekly reports, trends and the technicians' report: the schools and
//! their calendars are loaded once, the facts for the whole stretch of
//! weeks in one indexed read, and the pure `report` module counts them.

use super::{calendars, Desk, DEFAULT_CALENDAR};
use crate::domain::{EventKind, Timestamp};
use crate::report::{
    Data, Engine, ReportSchool, SchoolFigures, SelfService, Tally, TechActions, TechReport, Week,
    WeekFigures, WeeklyReport,
};
use crate::sla::Calendar;
use crate::store::{reports as rows, sla as sla_rows, to_secs};
use crate::{Error, Result};
use chrono_tz::Tz;
use rusqlite::Connection;
use std::collections::HashMap;

/// The longest trend: two school years.
pub const MAX_TREND_WEEKS: u32 = 104;

/// What `report weekly` asks for.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    /// Default: the last complete week.
    pub week: Option<Week>,
    /// One school (code), or all.
    pub school: Option<String>,
    /// A report to send to the school: that school only, no total. Needs `school`.
    pub for_school: bool,
}

/// What `report trend` asks for.
#[derive(Debug, Clone)]
pub struct TrendQuery {
    pub weeks: u32,
    /// The last week shown (default: the last complete week).
    pub until: Option<Week>,
    /// One school (code), or the total of all.
    pub school: Option<String>,
}

/// The schools of a report and their calendars, each calendar loaded once.
struct Scope {
    schools: Vec<ReportSchool>,
    calendars: Vec<Calendar>,
}

impl Scope {
    fn load(conn: &Connection, only: Option<&str>) -> Result<Scope> {
        let mut schools = rows::schools(conn)?;
        if let Some(code) = only {
            let code = code.trim().to_ascii_uppercase();
            schools.retain(|s| s.code.eq_ignore_ascii_case(&code));
            if schools.is_empty() {
                return Err(Error::not_found(format!(
                    "school {code} not found (see `deskside school list`)"
                )));
            }
        }
        let mut calendars = Vec::new();
        let mut position: HashMap<i64, usize> = HashMap::new();
        for row in sla_rows::list_calendars(conn)? {
            if schools.iter().any(|s| s.calendar_id == row.id) {
                position.insert(row.id, calendars.len());
                calendars.push(calendars::load(conn, &row)?);
            }
        }
        let schools = schools
            .into_iter()
            .filter_map(|s| {
                let calendar = *position.get(&s.calendar_id)?;
                Some(ReportSchool { id: s.id, code: s.code, name: s.name, calendar })
            })
            .collect();
        Ok(Scope { schools, calendars })
    }

    fn tz(&self, s: &ReportSchool) -> Tz {
        self.calendars[s.calendar].tz()
    }

    /// The last week that has ended in every school's time zone.
    fn last_complete_week(&self, now: Timestamp) -> Week {
        self.schools
            .iter()
            .map(|s| Week::at(now, self.tz(s)).plus(-1))
            .min()
            .unwrap_or_else(|| Week::at(now, Tz::UTC).plus(-1))
    }

    /// Each school's window for `week`, as unix seconds.
    fn windows(&self, week: Week) -> Vec<(i64, i64)> {
        self.schools
            .iter()
            .map(|s| {
                let (a, b) = week.window(self.tz(s));
                (to_secs(a), to_secs(b))
            })
            .collect()
    }

    /// The stretch from the first week's earliest start to the last week's latest end.
    fn span(&self, first: Week, last: Week) -> (i64, i64) {
        let lo = self.windows(first).iter().map(|w| w.0).min();
        let hi = self.windows(last).iter().map(|w| w.1).max();
        match (lo, hi) {
            (Some(lo), Some(hi)) => (lo, hi),
            _ => {
                let (a, b) = (first.window(Tz::UTC).0, last.window(Tz::UTC).1);
                (to_secs(a), to_secs(b))
            }
        }
    }

    fn data(&self, conn: &Connection, span: (i64, i64)) -> Result<Data> {
        let only = match self.schools.as_slice() {
            [one] => Some(one.id),
            _ => None,
        };
        let (lo, hi) = span;
        Ok(Data {
            tickets: rows::ticket_facts(conn, lo, hi, only)?,
            canned_uses: rows::canned_uses(conn, lo, hi)?,
            article_uses: rows::article_uses(conn, lo, hi)?,
            articles_from_tickets: rows::articles_from_tickets(conn, lo, hi)?,
            logins: rows::technicians(conn)?.into_iter().map(|(t, _)| (t.id, t.login)).collect(),
        })
    }
}

/// `report weekly`: each school's figures for its local ISO week, and the total.
pub fn weekly(conn: &Connection, q: &ReportQuery, now: Timestamp) -> Result<WeeklyReport> {
    if q.for_school && q.school.is_none() {
        return Err(Error::invalid(
            "--for-school needs --school CODE: a report meant for a school shows that school only",
        ));
    }
    let scope = Scope::load(conn, q.school.as_deref())?;
    let week = q.week.unwrap_or_else(|| scope.last_complete_week(now));
    let windows = scope.windows(week);
    let span = scope.span(week, week);
    let data = scope.data(conn, span)?;
    let engine = Engine::new(&scope.schools, &scope.calendars, &data, span);
    let mut total = Tally::default();
    let mut schools = Vec::with_capacity(scope.schools.len());
    for (s, &(lo, hi)) in scope.schools.iter().zip(&windows) {
        let mut tally = engine.tally(s, lo, hi);
        let time = super::contracts::time_by_tier(conn, s.id, lo, hi)?;
        tally.minutes_by_tier = time.by_tier.clone();
        tally.planned_minutes_by_tier = time.planned_by_tier.clone();
        total.add(&tally);
        let last_day = crate::store::from_secs((hi - 1).min(to_secs(now)));
        schools.push(SchoolFigures {
            school: s.code.clone(),
            name: s.name.clone(),
            from: crate::domain::from_secs(lo),
            to: crate::domain::from_secs(hi),
            figures: tally.figures(),
            self_service: SelfService::default(),
            time_minutes: time.minutes,
            billable_minutes: time.billable,
            contract_balance: super::contracts::balance_on(conn, &s.code, last_day)?,
        });
    }
    // The portal's counters: each school's, and the unknown school's ('')
    // in the total when every school is shown.
    let mut self_total = SelfService::default();
    for (code, metric, n) in crate::store::portal::counters(conn, &week.to_string())? {
        let n = u64::try_from(n).unwrap_or(0);
        match schools.iter_mut().find(|s| s.school == code) {
            Some(s) => s.self_service.add_count(&metric, n),
            None if code.is_empty() && q.school.is_none() => self_total.add_count(&metric, n),
            None => {}
        }
    }
    for s in &schools {
        self_total.add(&s.self_service);
    }
    Ok(WeeklyReport {
        week,
        complete: span.1 <= to_secs(now),
        for_school: q.for_school,
        schools,
        total: (!q.for_school).then(|| total.figures()),
        self_service_total: (!q.for_school).then_some(self_total),
    })
}

/// `report trend`: the total (or one school's) figures week by week, oldest first.
pub fn trend(conn: &Connection, q: &TrendQuery, now: Timestamp) -> Result<Vec<WeekFigures>> {
    if q.weeks == 0 || q.weeks > MAX_TREND_WEEKS {
        return Err(Error::invalid(format!(
            "invalid --weeks '{}': expected a number of weeks from 1 to {MAX_TREND_WEEKS}",
            q.weeks
        )));
    }
    let scope = Scope::load(conn, q.school.as_deref())?;
    let last = q.until.unwrap_or_else(|| scope.last_complete_week(now));
    let first = last.plus(1 - i64::from(q.weeks));
    let span = scope.span(first, last);
    let data = scope.data(conn, span)?;
    let engine = Engine::new(&scope.schools, &scope.calendars, &data, span);
    let windows: Vec<Vec<(i64, i64)>> =
        (0..i64::from(q.weeks)).map(|n| scope.windows(first.plus(n))).collect();
    // Each school's week boundaries, and its tickets by week.
    let by_week: Vec<Vec<Vec<usize>>> = (0..scope.schools.len())
        .map(|s| {
            let bounds: Vec<i64> =
                windows.iter().map(|w| w[s].0).chain(windows.last().map(|w| w[s].1)).collect();
            engine.weeks_of(&scope.schools[s], &bounds)
        })
        .collect();
    let mut out = Vec::with_capacity(q.weeks as usize);
    for (n, windows) in windows.iter().enumerate() {
        let week = first.plus(n as i64);
        let mut total = Tally::default();
        for (s, (school, &(lo, hi))) in scope.schools.iter().zip(windows).enumerate() {
            let mut tally = engine.tally_of(school, lo, hi, &by_week[s][n]);
            let time = super::contracts::time_by_tier(conn, school.id, lo, hi)?;
            tally.minutes_by_tier = time.by_tier;
            tally.planned_minutes_by_tier = time.planned_by_tier;
            total.add(&tally);
        }
        let end = windows.iter().map(|w| w.1).max().unwrap_or(span.1);
        out.push(WeekFigures {
            week,
            monday: week.monday().to_string(),
            complete: end <= to_secs(now),
            figures: total.figures(),
        });
    }
    Ok(out)
}

/// The team's time zone: the default calendar's (UTC without one).
fn team_tz(conn: &Connection) -> Result<Tz> {
    match sla_rows::find_calendar(conn, DEFAULT_CALENDAR)? {
        Some(row) => Ok(calendars::load(conn, &row)?.tz()),
        None => Ok(Tz::UTC),
    }
}

/// `report tech`: each technician's week in the team's time zone.
pub fn tech(conn: &Connection, week: Option<Week>, now: Timestamp) -> Result<TechReport> {
    let tz = team_tz(conn)?;
    let week = week.unwrap_or_else(|| Week::at(now, tz).plus(-1));
    let (from, to) = week.window(tz);
    let span = (to_secs(from), to_secs(to));
    let scope = Scope::load(conn, None)?;
    let data = scope.data(conn, span)?;
    let engine = Engine::new(&scope.schools, &scope.calendars, &data, span);
    let actions = TechActions {
        canned: rows::tech_events(conn, EventKind::CannedApplied, span.0, span.1)?,
        articles_linked: rows::tech_events(conn, EventKind::ArticleLinked, span.0, span.1)?,
        articles_written: rows::articles_written(conn, span.0, span.1)?,
    };
    let everyone = rows::technicians(conn)?;
    let techs: Vec<_> = everyone.iter().map(|(t, _)| t.clone()).collect();
    let figures = engine.techs(&techs, &actions, span.0, span.1);
    // Former technicians appear only in weeks they did something.
    let techs = figures
        .into_iter()
        .zip(&everyone)
        .filter(|(f, (_, active))| {
            *active
                || f.resolved
                    + f.canned_uses
                    + f.article_uses
                    + f.articles_written
                    + f.escalations
                    + f.handbacks
                    > 0
        })
        .map(|(f, _)| f)
        .collect();
    Ok(TechReport { week, tz: tz.name().to_string(), from, to, complete: span.1 <= to_secs(now), techs })
}

impl Desk {
    /// Per-school figures for one ISO week and their total (the console's
    /// dashboard draws its bar chart per school from this).
    pub fn weekly_report(&self, q: &ReportQuery) -> Result<WeeklyReport> {
        let now = self.now();
        self.read(|conn, _| weekly(conn, q, now))
    }

    /// The key figures week by week, oldest first (the dashboard's sparklines).
    pub fn trend(&self, q: &TrendQuery) -> Result<Vec<WeekFigures>> {
        let now = self.now();
        self.read(|conn, _| trend(conn, q, now))
    }

    /// Each technician's week: for leads only.
    pub fn tech_report(&self, week: Option<Week>) -> Result<TechReport> {
        let now = self.now();
        self.read(|conn, me| {
            if !me.lead {
                return Err(Error::permission(format!(
                    "only a lead may see the technicians' report ({} is not a lead)",
                    me.login
                )));
            }
            tech(conn, week, now)
        })
    }
}
