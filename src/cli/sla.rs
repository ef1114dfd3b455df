//! `sla ...`: calendars, closures, policies, the due-time calculator and the
//! breach check for cron.

use super::output::{self, fit, time};
use super::Invocation;
use crate::clock::parse_instant;
use crate::domain::{CalendarInfo, Priority, SlaLevel, SlaState, SlaTarget};
use crate::service::calendars::{ImportOptions, NewClosure, RemoveClosures};
use crate::sla::format_working;
use crate::{Error, Result};
use chrono::SecondsFormat;
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum SlaCmd {
    /// Calendars: time zone and weekly opening hours.
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Closures: bank holidays, school holidays, INSET days.
    #[command(subcommand)]
    Closure(ClosureCmd),
    /// Response and resolution targets per priority, in working minutes.
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Print the instant N working minutes after START on a calendar.
    Due {
        #[arg(long)]
        calendar: String,
        /// RFC 3339 start, e.g. 2026-11-20T15:00:00Z (default: now).
        #[arg(long)]
        start: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        minutes: i64,
    },
    /// Record SLA breaches on ticket timelines and mail the alerts (run from
    /// cron; each breach is recorded once, each alert sent once per ticket and clock).
    Check {
        /// A clock with less than this share of its working time left is at risk.
        #[arg(long = "at-risk", default_value_t = crate::service::alerts::AT_RISK_SHARE)]
        at_risk: f64,
        /// One mail per technician per run instead of one per ticket.
        #[arg(long)]
        digest: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Add a calendar (leads only).
    Add {
        name: String,
        /// IANA time zone, e.g. Europe/London.
        #[arg(long)]
        tz: String,
        /// Weekly opening hours, e.g. "Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00".
        #[arg(long)]
        hours: String,
    },
    /// List calendars.
    List,
    /// Show a calendar with its closures.
    Show { name: String },
}

#[derive(Debug, Subcommand)]
pub enum ClosureCmd {
    /// Close a calendar on whole days (dates inclusive; leads only).
    Add {
        calendar: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        #[arg(long)]
        label: String,
    },
    /// List a calendar's closures with their ids and the import that added them.
    List { calendar: String },
    /// Remove closures by id, or every closure one import added (leads only).
    Remove {
        calendar: String,
        /// Closure ids, as `sla closure list` shows them.
        ids: Vec<i64>,
        /// Undo one `sla closure import`: remove every closure it added.
        #[arg(long, value_name = "N", conflicts_with = "ids")]
        import_batch: Option<i64>,
    },
    /// Add closures from an iCalendar (.ics) file of term dates (all or nothing; leads only).
    /// Events that look like school days or term markers are left out.
    Import {
        calendar: String,
        file: PathBuf,
        /// List what would be closed and what is left out, and why; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Close on events that look like school days or term markers too
        /// ("Term begins", "Term day (Week 3)", "All year groups to attend").
        #[arg(long)]
        include_open_days: bool,
        /// Leave INSET (staff training) days open: staff are in and may need support.
        #[arg(long)]
        exclude_inset: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Set the targets for a priority (leads only; applies to tickets logged from now on).
    Set {
        #[arg(value_parser = parse_priority)]
        priority: Priority,
        /// First-response target in working minutes.
        #[arg(long, allow_negative_numbers = true)]
        response: i64,
        /// Resolution target in working minutes.
        #[arg(long, allow_negative_numbers = true)]
        resolve: i64,
    },
    /// List the policies.
    List,
}

fn rfc3339(t: crate::domain::Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn run(inv: &Invocation, cmd: SlaCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        SlaCmd::Calendar(CalendarCmd::Add { name, tz, hours }) => {
            let c = desk.add_calendar(&name, &tz, &hours)?;
            if inv.json {
                return output::json(&c);
            }
            println!("Added calendar {} ({}): {}", c.name, c.tz, c.hours);
        }
        SlaCmd::Calendar(CalendarCmd::List) => {
            let cals = desk.calendars()?;
            if inv.json {
                return output::json(&cals);
            }
            let rows: Vec<Vec<String>> = cals
                .iter()
                .map(|c| {
                    vec![
                        fit(&c.name, 30),
                        c.tz.clone(),
                        c.closures.len().to_string(),
                        fit(&c.schools.join(", "), 30),
                        c.hours.clone(),
                    ]
                })
                .collect();
            output::table(&["NAME", "TIME ZONE", "CLOSURES", "SCHOOLS", "HOURS"], &rows);
        }
        SlaCmd::Calendar(CalendarCmd::Show { name }) => {
            let c = desk.calendar(&name)?;
            if inv.json {
                return output::json(&c);
            }
            print_calendar(&c);
        }
        SlaCmd::Closure(ClosureCmd::Add { calendar, from, to, label }) => {
            let (c, added) =
                desk.add_closure(&calendar, &NewClosure { from: &from, to: &to, label: &label })?;
            if inv.json {
                return output::json(&json!({ "closure": c, "added": added }));
            }
            let what = if added { "Closed" } else { "Already closed" };
            println!(
                "{what}: {} from {} to {}: {}",
                calendar.trim(),
                c.from,
                c.to,
                output::safe(&c.label, false)
            );
        }
        SlaCmd::Closure(ClosureCmd::List { calendar }) => {
            let c = desk.calendar(&calendar)?;
            if inv.json {
                return output::json(&c.closures);
            }
            print_closures(&c);
        }
        SlaCmd::Closure(ClosureCmd::Remove { calendar, ids, import_batch }) => {
            let what = match import_batch {
                Some(b) => RemoveClosures::Batch(b),
                None => RemoveClosures::Ids(&ids),
            };
            let removed = desk.remove_closures(&calendar, what)?;
            if inv.json {
                return output::json(&removed);
            }
            println!("Removed {} closure(s) from {}", removed.len(), calendar.trim());
            for c in &removed {
                println!("  {:>5}  {} to {}  {}", c.id, c.from, c.to, output::safe(&c.label, false));
            }
        }
        SlaCmd::Closure(ClosureCmd::Import { calendar, file, dry_run, include_open_days, exclude_inset }) => {
            let text = crate::safe_fs::read_user_file(&file)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|_| Error::invalid(format!("{} is not UTF-8 text", file.display())))
                })?;
            let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let opts = ImportOptions { dry_run, include_open_days, exclude_inset };
            let report = desk.import_closures(&calendar, &source, &text, opts)?;
            if inv.json {
                return output::json(&report);
            }
            match report.import_batch {
                None => println!(
                    "Dry run: would close {} stretch(es) on {} ({} already there); nothing changed",
                    report.added.len(),
                    report.calendar,
                    report.already_there
                ),
                Some(batch) => println!(
                    "Imported {} closure(s) into {} ({} already there) as import batch {batch} \
                     (undo: deskside sla closure remove {} --import-batch {batch})",
                    report.added.len(),
                    report.calendar,
                    report.already_there,
                    output::safe(&report.calendar, false)
                ),
            }
            let verb = if report.dry_run { "would close" } else { "closed" };
            for c in &report.added {
                println!("  {verb} {} to {}  {}", c.from, c.to, output::safe(&c.label, false));
            }
            for s in &report.skipped {
                println!("  skipped line {}: {} ({})", s.line, output::safe(&s.label, false), s.reason);
            }
        }
        SlaCmd::Policy(PolicyCmd::Set { priority, response, resolve }) => {
            let p = desk.set_policy(priority, response, resolve)?;
            if inv.json {
                return output::json(&p);
            }
            println!(
                "{}: first response within {} and resolution within {} working minutes (tickets logged from now on)",
                p.priority, p.response_minutes, p.resolve_minutes
            );
        }
        SlaCmd::Policy(PolicyCmd::List) => {
            let policies = desk.policies()?;
            if inv.json {
                return output::json(&policies);
            }
            let rows: Vec<Vec<String>> = policies
                .iter()
                .map(|p| {
                    vec![
                        p.priority.to_string(),
                        p.response_minutes.to_string(),
                        p.resolve_minutes.to_string(),
                    ]
                })
                .collect();
            output::table(&["PRIORITY", "RESPONSE (WORKING MIN)", "RESOLVE (WORKING MIN)"], &rows);
        }
        SlaCmd::Due { calendar, start, minutes } => {
            let start = match start {
                Some(s) => parse_instant("--start", &s)?,
                None => desk.now(),
            };
            let due = desk.due(&calendar, start, minutes)?;
            if inv.json {
                return output::json(&json!({ "due": rfc3339(due) }));
            }
            println!("{}", rfc3339(due));
        }
        SlaCmd::Check { at_risk, digest } => {
            let n = desk.record_breaches(None)?;
            let alerts = desk.queue_sla_alerts(at_risk, digest)?;
            if inv.json {
                return output::json(
                    &json!({ "recorded": n, "alerts": alerts.alerts.len(), "mails": alerts.queued }),
                );
            }
            println!("Recorded {n} SLA breach(es)");
            if !alerts.alerts.is_empty() {
                println!("{} SLA alert(s): {} mail(s) queued", alerts.alerts.len(), alerts.queued);
            }
        }
    }
    Ok(())
}

fn print_closures(c: &CalendarInfo) {
    if c.closures.is_empty() {
        println!("No closures on {}.", c.name);
        return;
    }
    let rows: Vec<Vec<String>> = c
        .closures
        .iter()
        .map(|x| {
            let batch = x.import_batch.map(|b| b.to_string()).unwrap_or_else(|| "-".into());
            vec![x.id.to_string(), x.from.clone(), x.to.clone(), batch, fit(&x.label, 60)]
        })
        .collect();
    output::table(&["ID", "FROM", "TO", "IMPORT", "LABEL"], &rows);
}

fn print_calendar(c: &CalendarInfo) {
    println!("Calendar {} ({})", c.name, c.tz);
    println!("Hours: {}", c.hours);
    println!("Schools: {}", if c.schools.is_empty() { "-".into() } else { c.schools.join(", ") });
    println!();
    print_closures(c);
}

/// The SLA column of a queue: "2h 05m", "BREACHED", "paused", "-".
pub fn left_cell(s: &SlaState) -> String {
    let left = s.left_secs.map(format_working).unwrap_or_default();
    match s.level {
        SlaLevel::Breached => format!("BREACHED {left}"),
        SlaLevel::AtRisk => format!("{left} !"),
        SlaLevel::Ok => left,
        SlaLevel::Paused => format!("paused {left}"),
        SlaLevel::Met => "met".into(),
        SlaLevel::Missed => "missed".into(),
        SlaLevel::None => "-".into(),
    }
}

/// One target for `ticket show`: the due time and what is left of it.
pub fn target_text(t: Option<&SlaTarget>) -> String {
    let Some(t) = t else { return "- (no SLA)".into() };
    let left = format_working(t.left_secs);
    let state = match (t.level, t.met_at) {
        (SlaLevel::Met, Some(m)) => format!("met at {} with {left} working time to spare", time(m)),
        (SlaLevel::Missed, Some(m)) => format!("MISSED: met at {}, {left} working time late", time(m)),
        (SlaLevel::Breached, _) => format!("BREACHED: {left} working time overdue"),
        (SlaLevel::Paused, _) => format!("paused (pending): {left} working time left"),
        (SlaLevel::AtRisk, _) => format!("AT RISK: {left} working time left"),
        _ => format!("{left} working time left"),
    };
    format!("{} ({state})", time(t.due))
}
