//! The command-line face: clap definitions and thin handlers that call the
//! service and render its results (tables, or JSON with `--json`).

mod audit;
mod canned;
mod directory;
mod doctor;
mod incident;
mod kb;
mod kb_convert;
mod kb_files;
mod mail;
pub mod output;
mod privacy;
mod report;
mod report_doc;
mod report_time;
mod schedule;
mod serve;
mod settings;
mod shared;
mod sla;
mod suggest;
mod terms;
mod ticket;
mod time;
mod transfer;
mod whd;

use crate::clock::{parse_instant, Clock, FixedClock, SystemClock};
use crate::config::{self, DbSource};
use crate::face::Face;
use crate::present::{editor, markdown};
use crate::privilege::{self, Standing};
use crate::service::{Desk, InitOptions};
use crate::{Error, Result};
use clap::{Parser, Subcommand};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "deskside", version, about = "A terminal-first helpdesk for school IT support teams")]
pub struct Cli {
    /// Database file (default: DESKSIDE_DB, then the config file, then the user data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Act as this technician login (default: DESKSIDE_USER, then the OS login).
    /// Only leads, gateway accounts, root and (not setgid) the database file's owner may act as someone else.
    #[arg(long = "as", global = true, value_name = "LOGIN")]
    pub as_user: Option<String>,
    /// Machine-readable output (errors too, as {"error": ...} on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database; --demo adds sample schools, techs, articles and tickets.
    Init(directory::InitArgs),
    /// Schools and their email domains.
    #[command(subcommand)]
    School(directory::SchoolCmd),
    /// Technicians.
    #[command(subcommand)]
    Tech(directory::TechCmd),
    /// Requesters (school staff and pupils).
    #[command(subcommand)]
    Requester(directory::RequesterCmd),
    /// Tickets: log, list, show and work them.
    #[command(subcommand)]
    Ticket(ticket::TicketCmd),
    /// Mail in and out: ingest inbound mail, send acknowledgements and replies.
    #[command(subcommand)]
    Mail(mail::MailCmd),
    /// Export the whole database (JSON).
    #[command(subcommand)]
    Export(transfer::ExportCmd),
    /// Import an export into an empty database, or another helpdesk's CSV.
    #[command(subcommand)]
    Import(transfer::ImportCmd),
    /// Copy the database to FILE while others keep working (SQLite online backup).
    Backup(transfer::BackupArgs),
    /// Open the console on a demo database (created on first use).
    Demo {
        /// Recreate the demo database from scratch.
        #[arg(long)]
        reset: bool,
    },
    /// Every change with who made it (technician, OS account) and when.
    Audit(audit::AuditArgs),
    /// Apply the retention settings (from cron); --dry-run only counts.
    Purge(privacy::PurgeArgs),
    /// Team settings: attachment caps, the outage (burst) rule.
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
    /// Retention settings: how long personal data is kept.
    #[command(subcommand)]
    Retention(privacy::RetentionCmd),
    /// Check the database for a shared box: path, modes, group, access, health.
    #[command(visible_alias = "check")]
    Doctor,
    /// Canned solutions: reusable replies with placeholders.
    #[command(subcommand)]
    Canned(canned::CannedCmd),
    /// SLA calendars, closures, policies and due times.
    #[command(subcommand)]
    Sla(sla::SlaCmd),
    /// The knowledge base: write, find, publish and rate articles.
    #[command(subcommand)]
    Kb(kb::KbCmd),
    /// Answers that may already exist: published articles and solved tickets.
    Suggest(suggest::SuggestArgs),
    /// Weekly per-school reports, trends and the technicians' report.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// The requester portal: search first, then ask (see docs/portal.md).
    Serve(serve::ServeArgs),
    /// Recurring (planned) work: termly checks, monthly updates (see docs/time.md).
    #[command(subcommand)]
    Schedule(schedule::ScheduleCmd),
}

/// Who is running deskside, resolved once.
pub struct Invocation {
    pub db: PathBuf,
    pub db_source: DbSource,
    /// The technician login deskside acts as.
    pub login: String,
    /// The real uid's login (what the audit records).
    pub os_user: String,
    /// What the acting rule needs about the real user.
    pub standing: Standing,
    pub json: bool,
}

impl Invocation {
    pub fn from_cli(cli: &Cli) -> Result<Invocation> {
        privilege::refuse_setuid()?;
        let setgid = privilege::setgid_mode();
        // A setgid deskside trusts nothing from the environment.
        let env_db = if setgid { None } else { std::env::var_os("DESKSIDE_DB").map(PathBuf::from) };
        let (db, db_source) = config::resolve_db(cli.db.as_deref(), env_db.as_deref())?;
        let os_user = privilege::real_login();
        let login = cli
            .as_user
            .clone()
            .or_else(|| std::env::var("DESKSIDE_USER").ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| os_user.clone());
        let ruid = privilege::ids().ruid;
        let is_owner = std::fs::metadata(&db).is_ok_and(|m| m.uid() == ruid);
        let mut standing =
            Standing { real: os_user.clone(), is_root: ruid == 0, is_gateway: false, is_owner, setgid };
        // The system config is read for gateways only when it matters.
        if login != os_user && !standing.trusted() {
            standing.is_gateway = config::gateways()?.contains(&os_user);
        }
        Ok(Invocation { db, db_source, login, os_user, standing, json: cli.json })
    }

    /// The clock: real time, or `DESKSIDE_NOW` (RFC 3339) for tests and
    /// demos; a setgid deskside ignores it (the audit's times are real).
    pub fn clock(&self) -> Result<Box<dyn Clock>> {
        if self.standing.setgid {
            return Ok(Box::new(SystemClock));
        }
        match std::env::var("DESKSIDE_NOW") {
            Ok(t) if !t.trim().is_empty() => Ok(Box::new(FixedClock(parse_instant("DESKSIDE_NOW", &t)?))),
            _ => Ok(Box::new(SystemClock)),
        }
    }

    /// Opens the database as the acting technician; acting as someone else
    /// is checked on every operation (see `privilege::may_act_as`).
    pub fn open(&self) -> Result<Desk> {
        let mut desk = Desk::open(&self.db, self.clock()?, &self.login, &self.os_user)?;
        desk.guard(self.standing.clone());
        Ok(desk)
    }

    /// `open` for housekeeping a system account may run from cron (`purge`):
    /// whether the real login is a gateway account is read from the system
    /// config even when it acts as itself. An unreadable or untrusted config
    /// grants nothing.
    pub fn open_for_cron(&self) -> Result<Desk> {
        let mut standing = self.standing.clone();
        if !standing.trusted() {
            standing.is_gateway = config::gateways().is_ok_and(|g| g.contains(&self.os_user));
        }
        let mut desk = Desk::open(&self.db, self.clock()?, &self.login, &self.os_user)?;
        desk.guard(standing);
        Ok(desk)
    }

    /// Creates the database; whoever runs `init` names its first lead.
    pub fn init(&self, opts: &InitOptions) -> Result<Desk> {
        if self.db_source == DbSource::Default {
            if let Some(dir) = self.db.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::runtime(format!("cannot create data directory {}: {e}", dir.display()))
                })?;
            }
        }
        Desk::init(&self.db, opts, self.clock()?, &self.login, &self.os_user)
    }
}

/// Runs a parsed command line; returns the face to start, if it asks for
/// one (`main` starts it: the CLI never imports the console or the portal).
pub fn run(cli: Cli) -> Result<Face> {
    let inv = Invocation::from_cli(&cli)?;
    let ran = match cli.command {
        None => return Ok(Face::Console(Box::new(inv.open()?))),
        Some(Command::Demo { reset }) => return demo(inv, cli.db.is_some(), reset),
        Some(Command::Init(args)) => directory::init(&inv, &args),
        Some(Command::School(cmd)) => directory::school(&inv, cmd),
        Some(Command::Tech(cmd)) => directory::tech(&inv, cmd),
        Some(Command::Requester(cmd)) => directory::requester(&inv, cmd),
        Some(Command::Ticket(cmd)) => ticket::run(&inv, cmd),
        Some(Command::Audit(args)) => audit::run(&inv, &args),
        Some(Command::Purge(args)) => privacy::purge(&inv, &args),
        Some(Command::Retention(cmd)) => privacy::retention(&inv, cmd),
        Some(Command::Settings(cmd)) => settings::run(&inv, cmd),
        Some(Command::Doctor) => doctor::run(&inv),
        Some(Command::Canned(cmd)) => canned::run(&inv, cmd),
        Some(Command::Sla(cmd)) => sla::run(&inv, cmd),
        Some(Command::Kb(cmd)) => kb::run(&inv, cmd),
        Some(Command::Suggest(args)) => suggest::run(&inv, args),
        Some(Command::Mail(cmd)) => mail::run(&inv, cmd),
        Some(Command::Schedule(cmd)) => schedule::run(&inv, cmd),
        Some(Command::Export(cmd)) => transfer::export(&inv, cmd),
        Some(Command::Import(cmd)) => transfer::import(&inv, cmd),
        Some(Command::Backup(args)) => transfer::backup(&inv, &args),
        Some(Command::Report(cmd)) => report::run(&inv, cmd),
        Some(Command::Serve(args)) => return serve::run(inv, args),
    };
    ran.map(|()| Face::Done)
}

/// `deskside demo`: the console on a demo database, created when missing.
/// Without --db it lives beside the default database, never replacing it.
fn demo(mut inv: Invocation, explicit_db: bool, reset: bool) -> Result<Face> {
    if inv.standing.setgid {
        return Err(Error::invalid(
            "demo is not available from a setgid install: it would write in your home directory with the deskside group",
        ));
    }
    if !explicit_db {
        inv.db = config::default_db_path()?.with_file_name("demo.db");
        inv.db_source = DbSource::Default;
    }
    if reset {
        crate::service::demo::remove(&inv.db);
    }
    let desk = if inv.db.exists() {
        inv.open()?
    } else {
        eprintln!("Creating a demo database at {} ...", inv.db.display());
        inv.init(&InitOptions { demo: true, ..InitOptions::default() })?
    };
    Ok(Face::Console(Box::new(desk)))
}

/// Turns clap's multi-line error into one line (keeping the part that names
/// the argument), for the "one clear line" rule.
pub fn one_line_clap_error(err: &clap::Error) -> String {
    let text = err.to_string();
    let mut parts = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line.trim_start_matches("error: ").to_string());
        }
    }
    parts.join(" ")
}
