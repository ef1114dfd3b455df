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
    /// The people a school's weekly report is mailed to.
    #[command(subcommand)]
    Contact(ContactCmd),
    /// The school's contract: hours bought per month, term or year, and its balance.
    #[command(subcommand)]
    Contract(super::time::ContractCmd),
    /// Term dates: what "term" means for schedules and termly contracts.
    #[command(subcommand)]
    Terms(super::terms::TermsCmd),
}

#[derive(Debug, Subcommand)]
pub enum ContactCmd {
    /// Add a contact (leads only).
    Add {
        code: String,
        email: String,
        #[arg(long)]
        name: String,
        /// e.g. head, business manager, IT lead.
        #[arg(long)]
        role: String,
    },
    /// List a school's contacts.
    List { code: String },
    /// Remove a contact (leads only).
    Remove { code: String, email: String },
}

fn contact(inv: &Invocation, desk: &mut crate::service::Desk, cmd: ContactCmd) -> Result<()> {
    match cmd {
        ContactCmd::Add { code, email, name, role } => {
            let c = desk.add_school_contact(&code, &email, &name, &role)?;
            if inv.json {
                return output::json(&c);
            }
            println!(
                "Added {} ({}, {}) to {}",
                c.email,
                safe(&c.name, false),
                safe(&c.role, false),
                c.school
            );
        }
        ContactCmd::List { code } => {
            let list = desk.school_contacts(&code)?;
            if inv.json {
                return output::json(&list);
            }
            let rows: Vec<Vec<String>> =
                list.iter().map(|c| vec![c.email.clone(), fit(&c.name, 30), fit(&c.role, 24)]).collect();
            output::table(&["EMAIL", "NAME", "ROLE"], &rows);
        }
        ContactCmd::Remove { code, email } => {
            desk.remove_school_contact(&code, &email)?;
            if inv.json {
                return output::json(&serde_json::json!({"removed": email}));
            }
            println!("Removed {} from {}", safe(&email, false), code.trim().to_uppercase());
        }
    }
    Ok(())
}

pub fn school(inv: &Invocation, cmd: SchoolCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        SchoolCmd::Contract(cmd) => super::time::contract(inv, &mut desk, cmd)?,
        SchoolCmd::Terms(cmd) => {
            drop(desk);
            return super::terms::run(inv, cmd);
        }
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
        SchoolCmd::Contact(c) => return contact(inv, &mut desk, c),
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
        /// Their address for alerts (SLA, hand-backs, urgent tickets).
        #[arg(long)]
        email: Option<String>,
    },
    /// Change a technician's address for alerts (leads only).
    Edit {
        login: String,
        #[arg(long, required = true)]
        email: Option<String>,
    },
    /// Turn one kind of mail on or off: at-risk, breach, handback, urgent,
    /// digest (SLA alerts as one mail per run).
    Notify {
        login: String,
        #[arg(long, value_name = "KIND", conflicts_with = "off", required_unless_present = "off")]
        on: Option<String>,
        #[arg(long, value_name = "KIND")]
        off: Option<String>,
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
        TechCmd::Add { login, name, tier, lead, email } => {
            if let Some(e) = &email {
                crate::domain::normalize_email(e)?;
            }
            let t = desk.add_tech(&login, &name, tier, lead)?;
            if let Some(e) = &email {
                desk.set_tech_email(&login, Some(e))?;
            }
            if inv.json {
                return output::json(&t);
            }
            let lead = if t.lead { ", lead" } else { "" };
            println!("Added {} ({}), tier {}{lead}", t.login, safe(&t.name, false), t.tier);
        }
        TechCmd::Edit { login, email } => {
            desk.set_tech_email(&login, email.as_deref())?;
            if inv.json {
                return output::json(&serde_json::json!({"login": login, "email": email}));
            }
            println!("{login}: alerts go to {}", email.as_deref().unwrap_or("-"));
        }
        TechCmd::Notify { login, on, off } => {
            let (kind, enabled) = match (on, off) {
                (Some(k), _) => (k, true),
                (None, Some(k)) => (k, false),
                (None, None) => return Err(crate::Error::invalid("give --on KIND or --off KIND")),
            };
            desk.tech_notify(&login, &kind, enabled)?;
            if inv.json {
                return output::json(&serde_json::json!({"login": login, "kind": kind, "on": enabled}));
            }
            println!("{login}: {kind} {}", if enabled { "on" } else { "off" });
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
