//! `schedule add|list|remove|run`: recurring (planned) work.

use super::directory::parse_tier;
use super::output::{self, safe};
use super::Invocation;
use crate::domain::Tier;
use crate::service::schedule::NewSchedule;
use crate::Result;
use clap::{ArgGroup, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ScheduleCmd {
    /// Add recurring work (leads): a ticket for one school or every school, each time it comes due.
    #[command(group = ArgGroup::new("where").required(true).multiple(false))]
    Add {
        name: String,
        #[arg(long, group = "where")]
        school: Option<String>,
        #[arg(long, group = "where")]
        all_schools: bool,
        /// week, month, term, a weekday (Mon), "first Monday of term", "first Friday of month".
        #[arg(long)]
        every: String,
        #[arg(long)]
        subject: String,
        #[arg(long, default_value = "")]
        body: String,
        #[arg(long, value_parser = parse_tier)]
        tier: Option<Tier>,
        /// Assign each ticket to this technician.
        #[arg(long, value_name = "LOGIN")]
        assign: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// The first day an occurrence may fall on (default today).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
    },
    /// The schedules in force.
    List,
    /// Stop a schedule (the tickets it created stay).
    Remove { name: String },
    /// Create the tickets that are due (run it from cron, e.g. hourly): each occurrence once.
    Run,
}

pub fn run(inv: &Invocation, cmd: ScheduleCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        ScheduleCmd::Add {
            name,
            school,
            all_schools,
            every,
            subject,
            body,
            tier,
            assign,
            category,
            from,
        } => {
            let _ = all_schools;
            let n = NewSchedule {
                name,
                school,
                every,
                subject,
                body,
                tier,
                assign,
                category,
                from: from.as_deref().map(|f| crate::sla::parse_date("--from", f)).transpose()?,
            };
            let s = desk.add_schedule(&n)?;
            if inv.json {
                return output::json(&s);
            }
            println!(
                "Schedule '{}' added: every {} for {} from {}",
                safe(&s.name, false),
                s.every,
                s.school.as_deref().unwrap_or("every school"),
                s.from
            );
        }
        ScheduleCmd::List => {
            let list = desk.schedules()?;
            if inv.json {
                return output::json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|s| {
                    vec![
                        safe(&s.name, false),
                        s.school.clone().unwrap_or_else(|| "(all)".into()),
                        s.every.clone(),
                        format!("T{}", s.tier),
                        s.assignee.clone().unwrap_or_else(|| "-".into()),
                        s.from.clone(),
                        output::fit(&safe(&s.subject, false), 40),
                    ]
                })
                .collect();
            if rows.is_empty() {
                println!("No schedules.");
            } else {
                output::table(&["NAME", "SCHOOL", "EVERY", "TIER", "ASSIGN", "FROM", "SUBJECT"], &rows);
            }
        }
        ScheduleCmd::Remove { name } => {
            desk.remove_schedule(&name)?;
            if inv.json {
                return output::json(&serde_json::json!({ "removed": name }));
            }
            println!("Schedule '{}' removed", safe(&name, false));
        }
        ScheduleCmd::Run => {
            let done = desk.run_schedules()?;
            if inv.json {
                return output::json(&done);
            }
            if done.is_empty() {
                println!("Nothing due.");
            }
            for o in &done {
                match o.ticket {
                    Some(t) => println!(
                        "#{t} created: {} at {} ({})",
                        safe(&o.schedule, false),
                        o.school,
                        o.occurrence
                    ),
                    None => println!(
                        "skipped: {} at {} ({}): {}",
                        safe(&o.schedule, false),
                        o.school,
                        o.occurrence,
                        o.reason.as_deref().unwrap_or("")
                    ),
                }
            }
        }
    }
    Ok(())
}
