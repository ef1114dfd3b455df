//! Schools, technicians and requesters.

use super::{Ctx, Desk, DEFAULT_CALENDAR};
use crate::domain::{self, Requester, School, Technician, Tier, UNASSIGNED_SCHOOL};
use crate::store::directory as dir;
use crate::{Error, Result};
use rusqlite::Connection;

/// What a face supplies to add a school.
#[derive(Debug, Clone, Default)]
pub struct NewSchool {
    pub name: String,
    pub code: String,
    pub domains: Vec<String>,
    pub calendar: Option<String>,
}

pub fn validate_login(login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 32
        && login.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid login '{login}': expected a lower-case unix login such as jpatel (letters, digits, _ . -)"
        )))
    }
}

fn normalize_code(code: &str) -> Result<String> {
    let c = code.trim().to_ascii_uppercase();
    if (2..=12).contains(&c.len())
        && c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-')
    {
        Ok(c)
    } else {
        Err(Error::invalid(format!(
            "invalid school code '{}': expected 2-12 letters, digits or '-', e.g. BEDE",
            code.trim()
        )))
    }
}

fn normalize_domain(domain: &str) -> Result<String> {
    let d = domain.trim().trim_start_matches('@').to_ascii_lowercase();
    let ok = d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && !d.contains("..")
        && d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if ok {
        Ok(d)
    } else {
        Err(Error::invalid(format!("invalid email domain '{}': expected e.g. stbedes.sch.uk", domain.trim())))
    }
}

pub fn add_school(cx: &mut Ctx<'_>, new: &NewSchool) -> Result<School> {
    cx.require_lead("add schools")?;
    let name = domain::required_text("school name", &new.name, 200)?;
    let code = normalize_code(&new.code)?;
    if new.domains.is_empty() {
        return Err(Error::invalid("a school needs at least one email domain (--domain)"));
    }
    let domains = new.domains.iter().map(|d| normalize_domain(d)).collect::<Result<Vec<_>>>()?;
    if dir::find_school(cx.tx, &code)?.is_some() {
        return Err(Error::invalid(format!("a school with code {code} already exists")));
    }
    let cal_name = new.calendar.as_deref().unwrap_or(DEFAULT_CALENDAR);
    let cal = dir::calendar_id(cx.tx, cal_name)?.ok_or_else(|| {
        Error::not_found(format!("calendar '{cal_name}' not found: add it with `deskside sla calendar add`"))
    })?;
    let id = dir::insert_school(cx.tx, &code, &name, cal, cx.now)?;
    for d in &domains {
        if let Some(owner) = dir::school_for_domain(cx.tx, d)? {
            return Err(Error::invalid(format!("email domain {d} already belongs to school {owner}")));
        }
        dir::insert_domain(cx.tx, d, id)?;
    }
    // Requesters sorted into triage before their school existed move to it.
    let moved = dir::rehome_triage_requesters(cx.tx, id, &domains)?;
    let detail = format!("{name}; domains {}; {moved} requester(s) moved from triage", domains.join(", "));
    cx.audit("add", "school", &code, Some(&detail))?;
    dir::find_school(cx.tx, &code)?.ok_or_else(|| Error::runtime("school vanished after insert"))
}

pub fn add_tech(cx: &mut Ctx<'_>, login: &str, name: &str, tier: Tier, lead: bool) -> Result<Technician> {
    cx.require_lead("add technicians")?;
    validate_login(login)?;
    let name = domain::required_text("name", name, 200)?;
    if dir::find_tech(cx.tx, login)?.is_some() {
        return Err(Error::invalid(format!("technician {login} already exists")));
    }
    let mut tech = Technician { id: 0, login: login.to_string(), name, tier, lead };
    tech.id = dir::insert_tech(cx.tx, &tech, cx.now)?;
    let detail = format!("{} tier {}{}", tech.name, tier, if lead { " lead" } else { "" });
    cx.audit("add", "technician", login, Some(&detail))?;
    Ok(tech)
}

/// Adds a requester; with no school given, their email domain picks it
/// (unknown domains go to the triage school).
pub fn add_requester(cx: &mut Ctx<'_>, email: &str, name: &str, school: Option<&str>) -> Result<Requester> {
    let email = domain::normalize_email(email)?;
    let name = domain::required_text("name", name, 200)?;
    if dir::find_requester(cx.tx, &email)?.is_some() {
        return Err(Error::invalid(format!("requester {email} already exists")));
    }
    let code = match school {
        Some(code) => {
            let code = code.trim().to_ascii_uppercase();
            dir::find_school(cx.tx, &code)?
                .ok_or_else(|| {
                    Error::not_found(format!("school {code} not found (see `deskside school list`)"))
                })?
                .code
        }
        None => school_for_email(cx.tx, &email)?,
    };
    insert_requester(cx, &email, &name, &code)
}

/// The school an email belongs to by its domain, or the triage school.
pub fn school_for_email(conn: &Connection, email: &str) -> Result<String> {
    Ok(dir::school_for_email_domain(conn, domain::email_domain(email))?
        .unwrap_or_else(|| UNASSIGNED_SCHOOL.to_string()))
}

pub(crate) fn insert_requester(cx: &mut Ctx<'_>, email: &str, name: &str, code: &str) -> Result<Requester> {
    let school =
        dir::find_school(cx.tx, code)?.ok_or_else(|| Error::not_found(format!("school {code} not found")))?;
    let id = dir::insert_requester(cx.tx, email, name, school.id, cx.now)?;
    cx.audit("add", "requester", email, Some(&format!("{name}; school {code}")))?;
    Ok(Requester { id, email: email.to_string(), name: name.to_string(), school: school.code })
}

impl Desk {
    pub fn add_school(&mut self, new: &NewSchool) -> Result<School> {
        self.write(|cx| add_school(cx, new))
    }

    pub fn schools(&self) -> Result<Vec<School>> {
        self.read(|conn, _| dir::list_schools(conn))
    }

    pub fn add_tech(&mut self, login: &str, name: &str, tier: Tier, lead: bool) -> Result<Technician> {
        self.write(|cx| add_tech(cx, login, name, tier, lead))
    }

    pub fn techs(&self) -> Result<Vec<Technician>> {
        self.read(|conn, _| dir::list_techs(conn))
    }

    pub fn add_requester(&mut self, email: &str, name: &str, school: Option<&str>) -> Result<Requester> {
        self.write(|cx| add_requester(cx, email, name, school))
    }

    pub fn requesters(&self, school: Option<&str>) -> Result<Vec<Requester>> {
        self.read(|conn, _| dir::list_requesters(conn, school))
    }
}
