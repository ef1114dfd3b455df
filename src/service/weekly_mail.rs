//! `report weekly --mail`: each school's figures for a week, mailed to its
//! contacts once (the `sent_reports` row is written with the queued
//! messages, so a second run for the same week queues nothing), and the
//! school contacts it goes to (`school contact add|list|remove`).
//!
//! A school's report holds its own figures only — counts, times and
//! percentages, never the names of requesters or technicians and no ticket
//! text — so it may leave the team.

use super::reports::{self, ReportQuery};
use super::{Ctx, Desk};
use crate::domain;
use crate::report::{SchoolFigures, Week};
use crate::sla::format_working;
use crate::store::{directory as dir, mail_loop as rows};
use crate::{Error, Result};
use serde::Serialize;

pub use rows::Contact;

/// What `report weekly --mail` did for one school.
#[derive(Debug, Clone, Serialize)]
pub struct ReportMailed {
    pub school: String,
    pub week: String,
    /// Messages queued now (0 when the week had been sent already or the
    /// school has no contacts).
    pub queued: usize,
    pub already_sent: bool,
    pub contacts: usize,
}

fn school_id(cx_conn: &rusqlite::Connection, code: &str) -> Result<(i64, String)> {
    let s = dir::find_school(cx_conn, code.trim())?
        .ok_or_else(|| Error::not_found(format!("school {} not found", code.trim())))?;
    Ok((s.id, s.code))
}

impl Desk {
    /// Adds a contact to a school (leads only: contacts receive reports).
    pub fn add_school_contact(&mut self, code: &str, email: &str, name: &str, role: &str) -> Result<Contact> {
        let email = domain::normalize_email(email)?;
        let name = domain::required_text("name", name, 200)?;
        let role = domain::required_text("role", role, 80)?;
        self.write(|cx| {
            cx.require_lead("add school contacts")?;
            let (id, code) = school_id(cx.tx, code)?;
            if !rows::add_contact(cx.tx, id, &email, &name, &role, cx.now)? {
                return Err(Error::Conflict(format!("{email} is already a contact of {code}")));
            }
            cx.audit("school_contact_added", "school", &id.to_string(), Some(&format!("{email} ({role})")))?;
            rows::contacts(cx.tx, id)?
                .into_iter()
                .find(|c| c.email == email)
                .ok_or_else(|| Error::runtime("contact vanished"))
        })
    }

    pub fn remove_school_contact(&mut self, code: &str, email: &str) -> Result<()> {
        let email = domain::normalize_email(email)?;
        self.write(|cx| {
            cx.require_lead("remove school contacts")?;
            let (id, code) = school_id(cx.tx, code)?;
            if !rows::remove_contact(cx.tx, id, &email)? {
                return Err(Error::not_found(format!("{email} is not a contact of {code}")));
            }
            cx.audit("school_contact_removed", "school", &id.to_string(), Some(&email))
        })
    }

    pub fn school_contacts(&self, code: &str) -> Result<Vec<Contact>> {
        self.read(|conn, _| {
            let (id, _) = school_id(conn, code)?;
            rows::contacts(conn, id)
        })
    }

    /// Queues each school's weekly report to its contacts, once per week.
    pub fn mail_weekly_reports(
        &mut self,
        week: Option<Week>,
        school: Option<&str>,
        team: &str,
    ) -> Result<Vec<ReportMailed>> {
        self.write(|cx| {
            let q = ReportQuery { week, school: school.map(str::to_string), for_school: school.is_some() };
            let report = reports::weekly(cx.tx, &q, cx.now)?;
            let mut out = Vec::new();
            for f in &report.schools {
                out.push(queue_school(cx, f, report.week, team)?);
            }
            Ok(out)
        })
    }
}

fn queue_school(cx: &Ctx<'_>, f: &SchoolFigures, week: Week, team: &str) -> Result<ReportMailed> {
    let (id, code) = school_id(cx.tx, &f.school)?;
    let contacts = rows::contacts(cx.tx, id)?;
    let mut done = ReportMailed {
        school: code.clone(),
        week: week.to_string(),
        queued: 0,
        already_sent: false,
        contacts: contacts.len(),
    };
    if contacts.is_empty() {
        return Ok(done);
    }
    if !rows::mark_reported(cx.tx, id, &week.to_string(), contacts.len() as i64, cx.now)? {
        done.already_sent = true;
        return Ok(done);
    }
    let subject = format!("{} IT support: weekly report for {}", f.name, week_title(week));
    let text = text_report(f, week, team);
    let html = html_report(f, week, team);
    for c in &contacts {
        let dedupe = format!("weekly:{code}:{week}:{}", c.email);
        let queued = rows::enqueue_notice(
            cx.tx,
            &rows::NewNotice {
                kind: "weekly-report",
                dedupe: &dedupe,
                recipient: &c.email,
                recipient_name: Some(&c.name),
                subject: &subject,
                text_body: &text,
                html_body: Some(&html),
                at: cx.now,
            },
        )?;
        done.queued += usize::from(queued.is_some());
    }
    Ok(done)
}

fn week_title(week: Week) -> String {
    format!("week {} ({} to {})", week, week.monday().format("%-d %b"), week.sunday().format("%-d %b %Y"))
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "-".into())
}

fn dur(s: Option<i64>) -> String {
    s.map(format_working).unwrap_or_else(|| "-".into())
}

/// The figures as (label, value, note) rows, shared by both parts.
fn rows_of(f: &SchoolFigures) -> Vec<(&'static str, String, String)> {
    let g = &f.figures;
    vec![
        ("Requests logged", g.opened.to_string(), String::new()),
        ("Requests resolved", g.resolved.to_string(), String::new()),
        ("Still open at the end of the week", g.backlog.to_string(), String::new()),
        ("First reply, median", dur(g.first_response_median_secs), "working time".into()),
        ("Resolution, median", dur(g.resolution_median_secs), "working time".into()),
        (
            "First replies within target",
            pct(g.response_sla_met_pct),
            format!("{} of {}", g.response_sla_met, g.response_sla_measured),
        ),
        (
            "Resolved within target",
            pct(g.resolve_sla_met_pct),
            format!("{} of {}", g.resolve_sla_met, g.resolve_sla_measured),
        ),
        (
            "Resolved at first contact",
            pct(g.first_contact_pct),
            format!("{} of {}", g.first_contact, g.resolved),
        ),
        (
            "Satisfied (4 or 5 of 5)",
            pct(g.satisfied_pct),
            format!(
                "{} ratings, average {}",
                g.ratings,
                g.satisfaction_avg.map(|a| format!("{a:.1}")).unwrap_or("-".into())
            ),
        ),
        (
            "Solved with the help pages",
            f.self_service.solved.to_string(),
            format!("{} searches", f.self_service.searches),
        ),
    ]
}

/// The text part: aligned columns that read well in a terminal.
pub fn text_report(f: &SchoolFigures, week: Week, team: &str) -> String {
    let mut b = format!("{}: IT support, {}\n\n", f.name, week_title(week));
    let rows = rows_of(f);
    let w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let v = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (label, value, note) in &rows {
        let line = format!("  {label:<w$}  {value:>v$}  {note}");
        b.push_str(line.trim_end());
        b.push('\n');
    }
    let cats: Vec<String> = f.figures.by_category.iter().map(|(c, n)| format!("{c} {n}")).collect();
    if !cats.is_empty() {
        b.push_str(&format!("\nRequests by kind: {}\n", cats.join(", ")));
    }
    b.push_str(&format!(
        "\nTimes are working time on the school's calendar (opening hours, closures excluded).\n\n{team}\n"
    ));
    b
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The HTML part: one table with inline styles (Outlook ignores style
/// sheets and classes; Gmail strips <style> in some views), no images.
pub fn html_report(f: &SchoolFigures, week: Week, team: &str) -> String {
    let font = "font-family:Segoe UI,Arial,Helvetica,sans-serif";
    let mut b = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"margin:0;padding:0;background:#f3f4f6\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f3f4f6\"><tr><td align=\"center\" style=\"padding:24px\">\n\
         <table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:600px;max-width:100%;background:#ffffff;border:1px solid #d1d5db;{font}\">\n\
         <tr><td style=\"background:#1e3a5f;color:#ffffff;padding:16px 20px;{font};font-size:20px;font-weight:bold\">{name}</td></tr>\n\
         <tr><td style=\"padding:12px 20px 4px 20px;{font};font-size:15px;color:#374151\">IT support, {week}</td></tr>\n\
         <tr><td style=\"padding:8px 20px 16px 20px\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse;{font};font-size:14px\">\n",
        title = esc(&f.name),
        name = esc(&f.name),
        week = esc(&week_title(week)),
    );
    for (i, (label, value, note)) in rows_of(f).iter().enumerate() {
        let bg = if i % 2 == 0 { "#ffffff" } else { "#f9fafb" };
        b.push_str(&format!(
            "<tr style=\"background:{bg}\"><td style=\"padding:8px;border-bottom:1px solid #e5e7eb;color:#111827\">{}</td>\
             <td align=\"right\" style=\"padding:8px;border-bottom:1px solid #e5e7eb;color:#111827;font-weight:bold;white-space:nowrap\">{}</td>\
             <td style=\"padding:8px;border-bottom:1px solid #e5e7eb;color:#6b7280\">{}</td></tr>\n",
            esc(label),
            esc(value),
            esc(note)
        ));
    }
    b.push_str("</table></td></tr>\n");
    let cats: Vec<String> = f.figures.by_category.iter().map(|(c, n)| format!("{} {n}", esc(c))).collect();
    if !cats.is_empty() {
        b.push_str(&format!(
            "<tr><td style=\"padding:0 20px 12px 20px;{font};font-size:14px;color:#374151\">Requests by kind: {}</td></tr>\n",
            cats.join(", ")
        ));
    }
    b.push_str(&format!(
        "<tr><td style=\"padding:12px 20px 20px 20px;{font};font-size:12px;color:#6b7280\">Times are working time on the school's calendar (opening hours, closures excluded).<br>{}</td></tr>\n\
         </table></td></tr></table>\n</body></html>\n",
        esc(team)
    ));
    b
}
