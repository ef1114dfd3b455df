//! `init`, `school`, `tech`, `requester`.

use super::output::{self, fit, safe};
use super::Invocation;
use crate::domain::Tier;
use crate::service::{directory::NewSchool, InitOptions};
use crate::Result;
use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Add sample schools, technicians, articles, canned solutions and ~300 tickets.
    #[arg(long)]
    pub demo: bool,
    /// Your display name (you are registered as a tier-3 lead).
    #[arg(long)]
    pub name: Option<String>,
    /// Time zone of the default calendar.
    #[arg(long, default_value = crate::service::DEFAULT_TZ)]
    pub tz: String,
}

pub fn init(inv: &Invocation, args: &InitArgs) -> Result<()> {
    let opts = InitOptions { demo: args.demo, name: args.name.clone(), tz: Some(args.tz.clone()) };
    let desk = inv.init(&opts)?;
    let me = desk.me()?;
    if inv.json {
        return output::json(&json!({
            "db": inv.db.display().to_string(),
            "demo": args.demo,
            "technician": me,
        }));
    }
    let db = safe(&inv.db.display().to_string(), false);
    println!("Created {db}{}", if args.demo { " with demo data" } else { "" });
    println!("You are {} ({}), a tier-3 lead.", me.login, safe(&me.name, false));
    if !args.demo {
        println!("Next: `deskside school add NAME --code CODE --domain DOMAIN` and `deskside tech add LOGIN --name NAME --tier 1`.");
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum SchoolCmd {
    /// Add a school; requesters are sorted into it by their email domain.
    Add {
        name: String,
        #[arg(long)]
        code: String,
        /// An email domain of the school (repeat for several).
        #[arg(long = "domain", required = true)]
        domains: Vec<String>,
        /// Calendar for SLA clocks (default: "default").
        #[arg(long)]
        calendar: Option<String>,
    },
    /// List schools.
    List,
    /// The school's contract: hours bought per month, term or year, and its balance.
    #[command(subcommand)]
    Contract(super::time::ContractCmd),
}

pub fn school(inv: &Invocation, cmd: SchoolCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        SchoolCmd::Contract(cmd) => super::time::contract(inv, &mut desk, cmd)?,
        SchoolCmd::Add { name, code, domains, calendar } => {
            let s = desk.add_school(&NewSchool { name, code, domains, calendar })?;
            if inv.json {
                return output::json(&s);
            }
            println!(
                "Added school {} ({}) with domains {}",
                s.code,
                safe(&s.name, false),
                s.domains.join(", ")
            );
        }
        SchoolCmd::List => {
            let schools = desk.schools()?;
            if inv.json {
                return output::json(&schools);
            }
            let rows: Vec<Vec<String>> = schools
                .iter()
                .map(|s| vec![s.code.clone(), fit(&s.name, 44), s.domains.join(", "), fit(&s.calendar, 24)])
                .collect();
            output::table(&["CODE", "NAME", "DOMAINS", "CALENDAR"], &rows);
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum TechCmd {
    /// Add a technician (leads only).
    Add {
        /// Their OS login on the support box.
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_tier)]
        tier: Tier,
        #[arg(long)]
        lead: bool,
    },
    /// List technicians.
    List,
}

pub fn parse_tier(s: &str) -> Result<Tier, String> {
    s.parse().map_err(|e: crate::Error| e.to_string())
}

pub fn tech(inv: &Invocation, cmd: TechCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        TechCmd::Add { login, name, tier, lead } => {
            let t = desk.add_tech(&login, &name, tier, lead)?;
            if inv.json {
                return output::json(&t);
            }
            let lead = if t.lead { ", lead" } else { "" };
            println!("Added {} ({}), tier {}{lead}", t.login, safe(&t.name, false), t.tier);
        }
        TechCmd::List => {
            let techs = desk.techs()?;
            if inv.json {
                return output::json(&techs);
            }
            let rows: Vec<Vec<String>> = techs
                .iter()
                .map(|t| {
                    vec![
                        t.login.clone(),
                        fit(&t.name, 30),
                        t.tier.to_string(),
                        if t.lead { "lead".into() } else { String::new() },
                    ]
                })
                .collect();
            output::table(&["LOGIN", "NAME", "TIER", "LEAD"], &rows);
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum RequesterCmd {
    /// Add a requester; their school is found from their email domain unless given.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        school: Option<String>,
    },
    /// List requesters.
    List {
        #[arg(long)]
        school: Option<String>,
    },
    /// UK GDPR erasure (leads): replace the person's name, address and text
    /// everywhere with a tombstone; counts and times stay, so reports do
    /// not change. Asks nothing (like every command: it is for scripts).
    Erase { email: String },
}

pub fn requester(inv: &Invocation, cmd: RequesterCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        RequesterCmd::Add { email, name, school } => {
            let r = desk.add_requester(&email, &name, school.as_deref())?;
            if inv.json {
                return output::json(&r);
            }
            println!("Added {} <{}> at {}", safe(&r.name, false), safe(&r.email, false), r.school);
        }
        RequesterCmd::List { school } => {
            let people = desk.requesters(school.as_deref().map(str::to_uppercase).as_deref())?;
            if inv.json {
                return output::json(&people);
            }
            let rows: Vec<Vec<String>> =
                people.iter().map(|r| vec![fit(&r.email, 40), fit(&r.name, 30), r.school.clone()]).collect();
            output::table(&["EMAIL", "NAME", "SCHOOL"], &rows);
        }
        RequesterCmd::Erase { email } => {
            let e = desk.erase_requester(&email)?;
            if inv.json {
                return output::json(&e);
            }
            let x = &e.erased;
            println!("Erased: the requester is now {}.", e.requester);
            println!(
                "Tombstoned: {} ticket(s), {} timeline event(s), {} mention(s) in other tickets, {} mail record(s), {} attachment name(s), {} reject(s), {} outbox row(s), {} audit row(s).",
                x.tickets, x.events, x.mentions, x.mail_messages, x.attachments, x.rejects, x.outbox, x.audit_rows
            );
            if !x.articles_to_review.is_empty() {
                let ids: Vec<String> = x.articles_to_review.iter().map(|i| format!("#{i}")).collect();
                println!("Review these articles written from their tickets: {}", ids.join(", "));
            }
            println!("Backups made before now still hold their data until they are rotated away.");
        }
    }
    Ok(())
}
