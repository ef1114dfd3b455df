//! Time on the work from the command line: `--minutes`/`--time` on ticket
//! changes, and `ticket time ID [MINUTES]`.

use super::output::{self, safe};
use super::ticket::TicketCmd;
use super::Invocation;
use crate::domain::worktime::{format_minutes, parse_minutes};
use crate::service::time::{parse_when, TicketTime, TimeSpent};
use crate::service::Desk;
use crate::{Error, Result};
use clap::Args;

/// Time spent on a change (optional).
#[derive(Debug, Args, Default)]
pub struct Spent {
    /// Time spent on this, in minutes.
    #[arg(long, value_name = "N", conflicts_with = "time")]
    pub minutes: Option<String>,
    /// Time spent, as 1h10, 45m or 1:10.
    #[arg(long, value_name = "DURATION")]
    pub time: Option<String>,
    /// The time is not charged to the school's contract.
    #[arg(long)]
    pub non_billable: bool,
}

impl Spent {
    /// The time asked for, if any; a negative one is refused here (a
    /// correction is made with `ticket time`).
    pub fn parse(&self) -> Result<Option<TimeSpent>> {
        let (field, text) = match (&self.minutes, &self.time) {
            (Some(m), _) => ("--minutes", m),
            (None, Some(t)) => ("--time", t),
            (None, None) if self.non_billable => {
                return Err(Error::invalid("--non-billable needs --minutes N or --time DURATION"))
            }
            (None, None) => return Ok(None),
        };
        let minutes = parse_minutes(field, text)?;
        if minutes < 0 {
            return Err(Error::invalid(format!(
                "invalid {field} '{}': correct logged time with `deskside ticket time ID -MINUTES`",
                text.trim()
            )));
        }
        Ok(Some(TimeSpent { minutes, billable: Some(!self.non_billable), ..TimeSpent::default() }))
    }
}

/// The ticket and time a change carries.
pub fn attached(cmd: &TicketCmd) -> Option<(i64, &Spent)> {
    match cmd {
        TicketCmd::Note { id, spent, .. }
        | TicketCmd::Take { id, spent, .. }
        | TicketCmd::Assign { id, spent, .. }
        | TicketCmd::Escalate { id, spent, .. }
        | TicketCmd::Handback { id, spent, .. }
        | TicketCmd::Resolve { id, spent, .. }
        | TicketCmd::Pending { id, spent, .. }
        | TicketCmd::Open { id, spent, .. }
        | TicketCmd::Reopen { id, spent, .. }
        | TicketCmd::Close { id, spent, .. } => Some((*id, spent)),
        _ => None,
    }
}

#[derive(Debug, Args)]
pub struct TimeArgs {
    pub id: i64,
    /// Minutes (40), or 1h10, 45m, 1:10; negative (-15) to correct. Without it: list the entries.
    #[arg(allow_hyphen_values = true)]
    pub minutes: Option<String>,
    /// What the time was for (technicians only: never on an invoice).
    #[arg(long)]
    pub note: Option<String>,
    /// Charged to the school's contract (the default).
    #[arg(long, conflicts_with = "non_billable")]
    pub billable: bool,
    /// Not charged to the school's contract.
    #[arg(long)]
    pub non_billable: bool,
    /// When the work was done: a date (midday in the school's time zone) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Replace entry N: it is reversed and this one written (nothing is edited).
    #[arg(long, value_name = "ENTRY")]
    pub replaces: Option<i64>,
}

pub fn ticket_time(inv: &Invocation, desk: &mut Desk, args: TimeArgs) -> Result<()> {
    let Some(text) = &args.minutes else {
        if args.note.is_some()
            || args.billable
            || args.non_billable
            || args.at.is_some()
            || args.replaces.is_some()
        {
            return Err(Error::invalid(
                "MINUTES is missing: `deskside ticket time ID MINUTES [--note TEXT]`",
            ));
        }
        let t = desk.ticket_time(args.id)?;
        return if inv.json { output::json(&t) } else { print(&t, true) };
    };
    let spent = TimeSpent {
        minutes: parse_minutes("MINUTES", text)?,
        billable: if args.non_billable {
            Some(false)
        } else if args.billable {
            Some(true)
        } else {
            None
        },
        note: args.note.clone(),
        at: args.at.as_deref().map(parse_when).transpose()?,
        replaces: args.replaces,
    };
    let t = desk.log_time(args.id, &spent)?;
    if inv.json {
        return output::json(&t);
    }
    println!("#{}: {} logged", args.id, format_minutes(spent.minutes));
    print(&t, false)
}

fn print(t: &TicketTime, entries: bool) -> Result<()> {
    println!(
        "#{} time: {} ({} billable, {} non-billable)",
        t.ticket,
        format_minutes(t.minutes),
        format_minutes(t.billable_minutes),
        format_minutes(t.non_billable_minutes)
    );
    if !entries {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = t
        .entries
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                output::time(e.at),
                e.tech.clone(),
                format_minutes(e.minutes),
                if e.billable { "yes".into() } else { "no".into() },
                e.corrects.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
                safe(e.note.as_deref().unwrap_or(""), false),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("No time logged.");
    } else {
        output::table(&["ENTRY", "WORKED", "TECH", "TIME", "BILLABLE", "CORRECTS", "NOTE (internal)"], &rows);
    }
    Ok(())
}
