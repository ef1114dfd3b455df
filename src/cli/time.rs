//! Time on the work from the command line: `--minutes`/`--time` on ticket
//! changes, and `ticket time ID [MINUTES]`.

use super::output::{self, safe};
use super::ticket::TicketCmd;
use super::Invocation;
use crate::domain::worktime::{format_minutes, parse_minutes};
use crate::domain::TicketId;
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
pub fn attached(cmd: &TicketCmd) -> Option<(TicketId, &Spent)> {
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
    pub id: TicketId,
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

#[derive(Debug, clap::Subcommand)]
pub enum ContractCmd {
    /// Set the contract from a date (default today); the one before stays for past periods.
    Set {
        code: String,
        /// Hours bought per period (e.g. 20 or 7.5).
        #[arg(long)]
        hours: String,
        /// month, term or year.
        #[arg(long)]
        per: String,
        /// The hourly rate in pounds (45 or 45.50).
        #[arg(long)]
        rate: String,
        /// What the contract covers (free text).
        #[arg(long)]
        covers: Option<String>,
        /// The first day it applies (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
    },
    /// The contract in force today and its balance this period.
    Show { code: String },
}

/// `--hours 7.5`: hours with up to two decimals, as whole minutes.
fn parse_hours(text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || Error::invalid(format!("invalid --hours '{t}': expected hours like 20 or 7.5"));
    let (h, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = |d: &str, max: usize| !d.is_empty() && d.len() <= max && d.bytes().all(|b| b.is_ascii_digit());
    if !ok(h, 5) || (!frac.is_empty() && !ok(frac, 2)) || t.ends_with('.') {
        return Err(bad());
    }
    let h: i64 = h.parse().map_err(|_| bad())?;
    let hundredths: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    Ok(h * 60 + (hundredths * 60 + 50) / 100)
}

pub fn contract(inv: &Invocation, desk: &mut Desk, cmd: ContractCmd) -> Result<()> {
    use crate::domain::worktime::{format_pence, parse_pence};
    use crate::service::contracts::ContractInput;
    let code = match &cmd {
        ContractCmd::Set { code, .. } | ContractCmd::Show { code } => code.trim().to_ascii_uppercase(),
    };
    if let ContractCmd::Set { hours, per, rate, covers, from, .. } = cmd {
        let input = ContractInput {
            school: code.clone(),
            minutes: parse_hours(&hours)?,
            period: per.trim().to_ascii_lowercase(),
            rate_pence: parse_pence("--rate", &rate)?,
            covers,
            from: from.as_deref().map(|f| crate::sla::parse_date("--from", f)).transpose()?,
        };
        let c = desk.set_contract(&input)?;
        if !inv.json {
            println!(
                "{}: {} per {} at £{}/h from {}",
                c.school,
                format_minutes(c.minutes),
                c.per,
                format_pence(c.rate_pence),
                c.from
            );
            return Ok(());
        }
    }
    let (c, b) = desk.contract(&code)?;
    if inv.json {
        return output::json(&serde_json::json!({ "school": code, "contract": c, "balance": b }));
    }
    match (c, b) {
        (Some(c), Some(b)) => {
            println!(
                "{}: {} per {} at £{}/h from {}{}",
                c.school,
                format_minutes(c.minutes),
                c.per,
                format_pence(c.rate_pence),
                c.from,
                if c.covers.is_empty() {
                    String::new()
                } else {
                    format!(" (covers: {})", safe(&c.covers, false))
                }
            );
            println!(
                "{} ({} to {}): bought {}, used {}, balance {}",
                b.period,
                b.period_from,
                b.period_to,
                format_minutes(b.bought_minutes),
                format_minutes(b.used_minutes),
                format_minutes(b.balance_minutes)
            );
        }
        _ => println!(
            "{code} has no contract in force (set one with `deskside school contract set {code} ...`)"
        ),
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct ReportTimeArgs {
    /// Only this school.
    #[arg(long)]
    pub school: Option<String>,
    /// A month, YYYY-MM, in each school's time zone (default: this month).
    #[arg(long)]
    pub month: Option<String>,
    /// The first day (inclusive, YYYY-MM-DD); with --to.
    #[arg(long)]
    pub from: Option<String>,
    /// The last day (inclusive).
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub format: super::report::FormatArg,
}

pub fn report(inv: &Invocation, desk: &Desk, fmt: super::report::Format, a: ReportTimeArgs) -> Result<()> {
    use crate::service::contracts::{parse_month, TimeQuery};
    let _ = inv;
    let date = |f: &str, v: &Option<String>| v.as_deref().map(|d| crate::sla::parse_date(f, d)).transpose();
    let q = TimeQuery {
        school: a.school.map(|s| s.trim().to_ascii_uppercase()),
        month: a.month.as_deref().map(parse_month).transpose()?,
        from: date("--from", &a.from)?,
        to: date("--to", &a.to)?,
    };
    let r = desk.time_report(&q)?;
    super::report::emit(fmt, &r, || super::report_time::doc(&r), || super::report_time::csv(&r))
}
