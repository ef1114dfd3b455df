//! Mail to technicians (issue 18): SLA alerts from `sla check` (at risk to
//! the assignee or the tier's pool, breaches to the leads), a hand-back to
//! the tier it goes to, a new urgent ticket to its tier, and the one
//! satisfaction-survey reminder to a requester. Queued as `mail_notices`
//! in the transaction of what caused them; a technician's mail names the
//! ticket and its subject, never its notes (internal text stays inside).
//! Technicians' and leads' addresses are set by leads, so they are not
//! limited to the schools' domains.

use super::{Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{self, SlaLevel, Status, Ticket, TicketFilter};
use crate::mail::compose::ticket_subject;
use crate::store::{directory as dir, mail_loop as rows, tickets as ticket_rows};
use crate::{Error, Result};
use chrono::Duration;
use serde::Serialize;

/// The kinds a technician can turn on and off.
pub const KINDS: [&str; 5] = ["at-risk", "breach", "handback", "urgent", "digest"];

/// The default share of a clock's working time left under which a ticket
/// is at risk (`sla check --at-risk SHARE`).
pub const AT_RISK_SHARE: f64 = 0.25;

#[derive(Debug, Clone, Default, Serialize)]
pub struct AlertReport {
    /// Notices queued by this run.
    pub queued: usize,
    /// (ticket, kind) alerts newly raised.
    pub alerts: Vec<(TicketId, String)>,
}

fn check_kind(kind: &str) -> Result<&str> {
    KINDS.iter().copied().find(|k| *k == kind.trim()).ok_or_else(|| {
        Error::invalid(format!("invalid notification kind '{kind}': expected one of {}", KINDS.join(", ")))
    })
}

/// Queues one notice to each of `to` who has an address and has not turned
/// `kind` off. Returns how many were queued.
fn notify(
    cx: &Ctx<'_>,
    to: &[rows::Reachable],
    kind: &str,
    key: &str,
    subject: &str,
    text: &str,
) -> Result<usize> {
    let mut n = 0;
    for t in to.iter().filter(|t| !t.off.iter().any(|k| k == kind)) {
        let Some(email) = &t.email else { continue };
        let dedupe = format!("{kind}:{key}:{}", t.login);
        let notice = rows::NewNotice {
            kind,
            dedupe: &dedupe,
            recipient: email,
            recipient_name: Some(&t.name),
            subject,
            text_body: text,
            html_body: None,
            at: cx.now,
        };
        n += usize::from(rows::enqueue_notice(cx.tx, &notice)?.is_some());
    }
    Ok(n)
}

fn pool(all: &[rows::Reachable], tier: i64) -> Vec<rows::Reachable> {
    all.iter().filter(|t| t.tier == tier).cloned().collect()
}

fn ticket_line(t: &Ticket) -> String {
    format!("#{} {} ({}, {}, tier {})", t.id, t.subject.trim(), t.school, t.priority, t.tier)
}

/// A hand-back to `tier`: its technicians are told (not the note: it is
/// internal, and read in deskside).
pub fn on_handback(cx: &Ctx<'_>, t: &Ticket, event_id: i64) -> Result<usize> {
    let all = rows::reachable(cx.tx)?;
    let subject = format!("Handed back to tier {}: {}", t.tier, ticket_subject(t.id, &t.subject, false));
    let text = format!(
        "{} handed this ticket back to tier {}:\n\n  {}\n\nThe hand-back note is on the ticket: deskside ticket show {}\n",
        cx.me.name,
        t.tier,
        ticket_line(t),
        t.id
    );
    notify(cx, &pool(&all, t.tier.number()), "handback", &format!("{}:{event_id}", t.id), &subject, &text)
}

/// A new urgent ticket: its tier is told.
pub fn on_urgent(cx: &Ctx<'_>, t: &Ticket) -> Result<usize> {
    let all = rows::reachable(cx.tx)?;
    let subject = format!("Urgent: {}", ticket_subject(t.id, &t.subject, false));
    let text = format!("A new urgent ticket:\n\n  {}\n\ndeskside ticket show {}\n", ticket_line(t), t.id);
    notify(cx, &pool(&all, t.tier.number()), "urgent", &t.id.to_string(), &subject, &text)
}

/// One SLA alert about to go out.
struct Alert {
    to: Vec<rows::Reachable>,
    kind: &'static str,
    ticket: Ticket,
    line: String,
    key: String,
}

fn sla_alerts(cx: &Ctx<'_>, share: f64) -> Result<Vec<Alert>> {
    let all = rows::reachable(cx.tx)?;
    let leads: Vec<rows::Reachable> = all.iter().filter(|t| t.lead).cloned().collect();
    let tickets = ticket_rows::list(cx.tx, &TicketFilter::default())?;
    let states = super::sla::states(cx.tx, &tickets, cx.now)?;
    let mut out = Vec::new();
    for (t, s) in tickets.into_iter().zip(states) {
        if t.status == Status::Pending {
            continue;
        }
        for (clock, target) in [("response", &s.response), ("resolve", &s.resolve)] {
            let Some(x) = target.as_ref().filter(|x| x.met_at.is_none()) else { continue };
            let (kind, to) = if x.level == SlaLevel::Breached || x.left_secs < 0 {
                ("breach", leads.clone())
            } else if x.target_minutes.is_some_and(|m| (x.left_secs as f64) < share * (m * 60) as f64) {
                let to = match &t.assignee {
                    Some(login) => all.iter().filter(|a| &a.login == login).cloned().collect(),
                    None => pool(&all, t.tier.number()),
                };
                ("at-risk", to)
            } else {
                continue;
            };
            if !rows::mark_alert(cx.tx, t.id, kind, clock, x.due, cx.now)? {
                continue;
            }
            let line = format!(
                "{}: {} {} (due {})",
                if kind == "breach" { "BREACHED" } else { "at risk" },
                ticket_line(&t),
                clock,
                x.due.format("%Y-%m-%d %H:%M UTC")
            );
            out.push(Alert {
                to,
                kind,
                key: format!("{}:{clock}:{}", t.id, x.due.timestamp()),
                ticket: t.clone(),
                line,
            });
        }
    }
    Ok(out)
}

fn queue_sla_alerts(cx: &Ctx<'_>, share: f64, digest_all: bool) -> Result<AlertReport> {
    let alerts = sla_alerts(cx, share)?;
    let mut report = AlertReport::default();
    let mut digests: std::collections::BTreeMap<String, (rows::Reachable, Vec<String>)> = Default::default();
    for a in &alerts {
        report.alerts.push((a.ticket.id, a.kind.to_string()));
        let (digest, single): (Vec<_>, Vec<_>) = a.to.iter().cloned().partition(|t| digest_all || t.digest);
        for t in digest.into_iter().filter(|t| !t.off.iter().any(|k| k == a.kind)) {
            digests.entry(t.login.clone()).or_insert_with(|| (t.clone(), Vec::new())).1.push(a.line.clone());
        }
        let subject = match a.kind {
            "breach" => format!("SLA breached: {}", ticket_subject(a.ticket.id, &a.ticket.subject, false)),
            _ => format!("SLA at risk: {}", ticket_subject(a.ticket.id, &a.ticket.subject, false)),
        };
        let text = format!("{}\n\ndeskside ticket show {}\n", a.line, a.ticket.id);
        report.queued += notify(cx, &single, a.kind, &a.key, &subject, &text)?;
    }
    for (tech, lines) in digests.into_values() {
        let subject = format!("SLA digest: {} ticket(s) need attention", lines.len());
        let text = format!("{}\n", lines.join("\n"));
        let key = format!("{}", cx.now.timestamp());
        report.queued += notify(cx, std::slice::from_ref(&tech), "digest-run", &key, &subject, &text)?;
    }
    Ok(report)
}

impl Desk {
    /// Sets (or clears) a technician's address for alerts (leads only).
    pub fn set_tech_email(&mut self, login: &str, email: Option<&str>) -> Result<()> {
        let email = email.map(domain::normalize_email).transpose()?;
        self.write(|cx| {
            cx.require_lead("set technicians' email addresses")?;
            let t = dir::find_tech(cx.tx, login)?
                .ok_or_else(|| Error::not_found(format!("technician {login} not found")))?;
            rows::set_tech_email(cx.tx, t.id, email.as_deref())?;
            cx.audit("email", "technician", login, email.as_deref())
        })
    }

    /// Turns one kind of mail on or off for a technician (themselves, or
    /// anyone for a lead).
    pub fn tech_notify(&mut self, login: &str, kind: &str, on: bool) -> Result<()> {
        let kind = check_kind(kind)?.to_string();
        self.write(|cx| {
            if cx.me.login != login {
                cx.require_lead("change another technician's notifications")?;
            }
            let t = dir::find_tech(cx.tx, login)?
                .ok_or_else(|| Error::not_found(format!("technician {login} not found")))?;
            rows::set_notify(cx.tx, t.id, &kind, on)?;
            cx.audit(if on { "notify_on" } else { "notify_off" }, "technician", login, Some(&kind))
        })
    }

    /// Technicians with their addresses and notification choices.
    pub fn tech_contacts(&self) -> Result<Vec<rows::Reachable>> {
        self.read(|conn, _| rows::reachable(conn))
    }

    /// `sla check`'s mail: each at-risk or breached clock once.
    pub fn queue_sla_alerts(&mut self, share: f64, digest: bool) -> Result<AlertReport> {
        if !(share > 0.0 && share < 1.0) {
            return Err(Error::invalid(format!(
                "invalid at-risk share {share}: expected a number between 0 and 1"
            )));
        }
        self.write(|cx| queue_sla_alerts(cx, share, digest))
    }

    /// Queues the one satisfaction-survey reminder of each resolved ticket
    /// not rated `after_days` days after its resolution (within two weeks;
    /// never to the triage school or when its acknowledgement was set
    /// aside: robots, strangers, demo data). Returns the tickets reminded.
    pub fn survey_reminders(&mut self, after_days: i64) -> Result<Vec<TicketId>> {
        if !(1..=13).contains(&after_days) {
            return Err(Error::invalid(format!("invalid --after-days {after_days}: expected 1 to 13")));
        }
        self.write(|cx| {
            let to = cx.now - Duration::days(after_days);
            let from = cx.now - Duration::days(14);
            let mut done = Vec::new();
            for id in rows::survey_due(cx.tx, from, to, domain::UNASSIGNED_SCHOOL)? {
                if !rows::mark_reminded(cx.tx, id, cx.now)? {
                    continue;
                }
                let t = ticket_rows::get(cx.tx, id)?;
                let links = super::portal_mail::rating_lines(cx.tx, t.id, &t.requester)?.unwrap_or_else(|| {
                    "\nReply with just a number from 1 (unhappy) to 5 (very happy).\n".into()
                });
                let text = format!(
                    "Hello,\n\nWe resolved your request #{} ({}) a few days ago. How did we do?\n{links}\nThis is the only reminder.\n",
                    t.id,
                    t.subject.trim()
                );
                let subject = ticket_subject(t.id, &format!("How did we do? {}", t.subject.trim()), true);
                let notice = rows::NewNotice {
                    kind: "survey",
                    dedupe: &format!("survey:{id}"),
                    recipient: &t.requester,
                    recipient_name: Some(&t.requester_name),
                    subject: &subject,
                    text_body: &text,
                    html_body: None,
                    at: cx.now,
                };
                rows::enqueue_notice(cx.tx, &notice)?;
                done.push(id);
            }
            Ok(done)
        })
    }
}
