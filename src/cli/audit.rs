//! `audit`: every change with who made it (technician and OS account) and
//! when, oldest first.

use super::output::{self, fit, time};
use super::Invocation;
use crate::domain::TicketId;
use crate::domain::{AuditFilter, AuditRecord, AuditSource, Timestamp};
use crate::{Error, Result};
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use clap::Args;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this ticket's timeline.
    #[arg(long, value_name = "ID")]
    pub ticket: Option<TicketId>,
    /// Only changes on or after this date (YYYY-MM-DD, local time) or instant (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Timestamp>,
    /// Only the newest N changes (still listed oldest first).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Check the audit log's hash chain instead of listing it: exit 0 when
    /// intact, 1 with the first broken row otherwise.
    #[arg(long, conflicts_with_all = ["ticket", "since", "limit"])]
    pub verify: bool,
}

/// A date means its local midnight; an RFC 3339 time means itself.
pub fn parse_since(s: &str) -> std::result::Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| Local.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| "expected a date like 2026-11-24 or a time like 2026-11-24T09:30:00Z".to_string())
}

pub fn run(inv: &Invocation, args: &AuditArgs) -> Result<()> {
    let desk = inv.open()?;
    if args.verify {
        return verify(inv, &desk);
    }
    let filter = AuditFilter { ticket: args.ticket, since: args.since, limit: args.limit };
    let records = desk.audit(&filter)?;
    if inv.json {
        return output::json(&records);
    }
    if records.is_empty() {
        println!("No changes match.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                time(r.at),
                fit(r.tech.as_deref().unwrap_or("-"), 16),
                fit(&r.os_user, 16),
                fit(&what(r), 44),
                fit(r.detail.as_deref().unwrap_or(""), 60),
            ]
        })
        .collect();
    output::table(&["TIME", "TECH", "OS USER", "WHAT", "DETAIL"], &rows);
    Ok(())
}

/// `audit --verify`. A broken chain is a runtime failure (exit 1): the
/// command ran, the data is not what it should be.
fn verify(inv: &Invocation, desk: &crate::service::Desk) -> Result<()> {
    let report = desk.verify_audit()?;
    if inv.json {
        output::json(&serde_json::json!({
            "intact": report.intact(),
            "rows": report.rows,
            "erased": report.erased,
            "head": report.head,
            "broken": report.broken,
        }))?;
    } else if report.intact() {
        println!("audit chain intact ({} rows)", report.rows);
        if let Some(head) = &report.head {
            println!(
                "head {head} ({} row(s) erased); keep it elsewhere to notice a rewritten log",
                report.erased
            );
        }
    }
    match &report.broken {
        None => Ok(()),
        Some(b) => {
            let at = b.at.map(|t| format!(" ({})", time(t))).unwrap_or_default();
            Err(Error::runtime(format!(
                "audit chain broken at row {}{at}: {} ({} rows before it check)",
                b.row, b.problem, report.rows
            )))
        }
    }
}

/// "#12 status open -> resolved", "add requester a@b.sch.uk".
fn what(r: &AuditRecord) -> String {
    let mut s = match r.source {
        AuditSource::Timeline => format!("#{} {}", r.entity_id, r.action),
        AuditSource::Audit => format!("{} {} {}", r.action, r.entity, r.entity_id),
    };
    match (&r.old_value, &r.new_value) {
        (None, Some(via)) if r.action == "created" => s.push_str(&format!(" via {via}")),
        (Some(old), Some(new)) => s.push_str(&format!(" {old} -> {new}")),
        (None, Some(new)) => s.push_str(&format!(" -> {new}")),
        _ => {}
    }
    if r.internal {
        s.push_str(" (internal)");
    }
    s
}
