//! The operations both faces call. Each public `Desk` method runs one
//! transaction through `Desk::write`, which resolves the acting technician
//! and hands the operation a `Ctx`; the operation checks the rules, writes
//! rows and timeline events, and returns domain values.

pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod burst;
pub mod calendars;
pub mod callers;
pub mod canned;
pub mod contracts;
pub mod convert;
pub mod csv_import;
pub mod deflect;
pub mod demo;
pub mod directory;
pub mod doctor;
pub mod drafts;
pub mod kb;
pub mod kb_answer;
pub mod kb_files;
pub mod links;
pub mod mail;
pub mod ownership;
pub mod pending;
pub mod portal;
pub mod portal_auth;
pub mod portal_mail;
pub mod portal_requests;
pub mod presence;
pub mod privacy;
pub mod rating;
pub mod reports;
pub mod schedule;
pub mod settings;
pub mod sla;
pub mod suggest;
pub mod terms;
pub mod tickets;
pub mod time;
pub mod transfer;
pub mod undo;
pub mod weekly_mail;
pub mod whd;

use crate::clock::Clock;
use crate::domain::TicketId;
use crate::domain::{EventKind, Technician, Timestamp};
use crate::store::{self, directory as dir, events, OpenMode, Store};
use crate::{Error, Result};
use rusqlite::{Connection, Transaction};
use std::path::Path;

/// Everything an operation needs inside its transaction.
pub struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub now: Timestamp,
    /// The technician doing the work.
    pub me: Technician,
    /// The operating-system account running deskside (recorded for audit).
    pub os_user: &'a str,
    /// Search state for this transaction: every new ticket ranks articles
    /// for its acknowledgement, and rebuilding the vocabulary each time
    /// made `init --demo` (~300 tickets in one transaction) slow. It lives
    /// no longer than the transaction, so a rollback cannot leave it
    /// holding words that were never committed (the vocabulary is keyed on
    /// a counter a rollback restores); within the transaction the counter
    /// and the article versions keep it in step with article changes.
    pub(crate) search: suggest::Cache,
    /// The acknowledgement articles of the next ticket logged, ranked
    /// before the transaction (see `mail::ack::Ready`).
    pub(crate) ack_ready: Option<mail::ack::Ready>,
}

impl Ctx<'_> {
    /// Appends a timeline event by the acting technician.
    pub fn event(
        &self,
        ticket_id: TicketId,
        kind: EventKind,
        internal: bool,
        body: Option<&str>,
    ) -> Result<i64> {
        self.event_change(ticket_id, kind, internal, body, None, None)
    }

    pub fn event_change(
        &self,
        ticket_id: TicketId,
        kind: EventKind,
        internal: bool,
        body: Option<&str>,
        old_value: Option<&str>,
        new_value: Option<&str>,
    ) -> Result<i64> {
        events::append(
            self.tx,
            &events::NewEvent {
                ticket_id,
                at: self.now,
                kind,
                tech_id: Some(self.me.id),
                os_user: self.os_user,
                internal,
                body,
                old_value,
                new_value,
            },
        )
    }

    /// Records a change to something that is not a ticket.
    pub fn audit(&self, action: &str, entity: &str, entity_id: &str, detail: Option<&str>) -> Result<()> {
        dir::audit(
            self.tx,
            &dir::AuditEntry {
                at: self.now,
                tech_id: Some(self.me.id),
                os_user: self.os_user,
                action,
                entity,
                entity_id,
                detail,
            },
        )
    }

    /// Refuses unless the acting technician is a lead.
    pub fn require_lead(&self, what: &str) -> Result<()> {
        if self.me.lead {
            Ok(())
        } else {
            Err(Error::permission(format!("only a lead may {what} ({} is not a lead)", self.me.login)))
        }
    }
}

/// Options for creating a database.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Load the demo schools, technicians, articles and tickets.
    pub demo: bool,
    /// Display name for the invoking technician (defaults to the login).
    pub name: Option<String>,
    /// Time zone of the default calendar.
    pub tz: Option<String>,
}

pub const DEFAULT_CALENDAR: &str = "default";
pub const DEFAULT_TZ: &str = "Europe/London";
pub const DEFAULT_HOURS: &str = "Mon-Fri 08:00-17:00";

/// The service: a store, a clock, and who is acting.
pub struct Desk {
    store: Store,
    clock: Box<dyn Clock>,
    login: String,
    os_user: String,
    /// This console's id for presence rows.
    session: String,
    /// Search state kept between keystrokes (the index vocabulary).
    search_cache: suggest::Cache,
    /// The connection the ticket half of a search runs on.
    search_side: std::cell::RefCell<suggest::Side>,
    /// Burst detection kept between queue loads (checked against writes).
    burst_cache: std::cell::RefCell<burst::Cache>,
    /// Calendars and SLA policies kept between queue loads (checked
    /// against writes).
    sla_cache: std::cell::RefCell<sla::LookupCache>,
    /// Who really runs deskside, when a face has said so (`guard`): acting
    /// as another login is then checked against `privilege::may_act_as`.
    standing: Option<crate::privilege::Standing>,
    /// Time to record with the next change on a ticket (`with_time`).
    attach: Option<(TicketId, time::TimeSpent)>,
    /// The next write's acknowledgement articles, ranked before it.
    ack_ready: Option<mail::ack::Ready>,
}

impl Desk {
    /// Opens an existing database as technician `login`.
    pub fn open(path: &Path, clock: Box<dyn Clock>, login: &str, os_user: &str) -> Result<Desk> {
        let store = Store::open(path, OpenMode::Existing)?;
        Ok(Desk::with_store(store, clock, login, os_user))
    }

    pub fn with_store(store: Store, clock: Box<dyn Clock>, login: &str, os_user: &str) -> Desk {
        let session = presence::new_session();
        Desk {
            store,
            clock,
            login: login.to_string(),
            os_user: os_user.to_string(),
            session,
            search_cache: suggest::Cache::default(),
            search_side: Default::default(),
            burst_cache: Default::default(),
            sla_cache: Default::default(),
            standing: None,
            attach: None,
            ack_ready: None,
        }
    }

    /// From now on acting as a login other than `standing.real` needs the
    /// real user to be a lead, a gateway account, root or (not setgid) the
    /// file's owner; otherwise every operation is refused (exit code 5).
    pub fn guard(&mut self, standing: crate::privilege::Standing) {
        self.standing = Some(standing);
    }

    /// Creates a new database at `path`: the schema, the default calendar,
    /// the triage school, the invoking login as a tier-3 lead and, if asked,
    /// the demo data, all in one transaction. On failure the new file is
    /// removed (or emptied, if an admin prepared it).
    pub fn init(
        path: &Path,
        opts: &InitOptions,
        clock: Box<dyn Clock>,
        login: &str,
        os_user: &str,
    ) -> Result<Desk> {
        let pre_created = path.exists();
        let now = clock.now();
        match Store::create(path, |tx| seed(tx, opts, now, login, os_user)) {
            Ok((store, ())) => Ok(Desk::with_store(store, clock, login, os_user)),
            Err(e) => {
                // Only a file with nothing in it is cleared: never one that
                // another `init` filled meanwhile.
                if store::is_unfilled(path) {
                    store::remove_sidecars(path);
                    // A file the admin prepared (group, mode) is emptied, not removed.
                    let _ = if pre_created { std::fs::write(path, b"") } else { std::fs::remove_file(path) };
                }
                Err(e)
            }
        }
    }

    /// Fills a freshly created store (also used on in-memory stores in tests).
    pub fn seed(&mut self, opts: &InitOptions) -> Result<()> {
        let now = self.clock.now();
        let (login, os_user) = (self.login.clone(), self.os_user.clone());
        self.store.write(|tx| seed(tx, opts, now, &login, &os_user))
    }

    /// Runs `f` as the acting technician in one write transaction.
    pub fn write<T>(&mut self, mut f: impl FnMut(&mut Ctx<'_>) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let (login, os_user) = (self.login.clone(), self.os_user.clone());
        let standing = self.standing.clone();
        let attach = self.attach.take();
        let ack_ready = self.ack_ready.take();
        self.store.write(|tx| {
            let me = acting_tech(tx, &login, standing.as_ref())?;
            let mut cx = Ctx {
                tx,
                now,
                me,
                os_user: &os_user,
                search: suggest::Cache::default(),
                ack_ready: ack_ready.clone(),
            };
            let value = f(&mut cx)?;
            if let Some((id, spent)) = &attach {
                time::record_attached(&cx, *id, spent)?;
            }
            // A vocabulary built for this change's search is saved with it
            // (and rolled back with it), so the next `mail ingest` loads it.
            let mut saved = Ok(());
            cx.search.save_vocab(|save| {
                saved = save(tx);
                saved.is_ok()
            });
            saved?;
            Ok(value)
        })
    }

    /// Runs a read as the acting technician (unknown logins are refused for
    /// reads too: the queue is not public).
    pub fn read<T>(&self, f: impl FnOnce(&Connection, &Technician) -> Result<T>) -> Result<T> {
        let conn = self.store.conn();
        let me = acting_tech(conn, &self.login, self.standing.as_ref())?;
        f(conn, &me)
    }

    /// Who may run housekeeping (`purge`) from cron: a lead (`Some`), or a
    /// trusted system account acting as itself that is no technician
    /// (`None`): root, a gateway account, or (not setgid) the database
    /// file's owner, by the same rule as acting as someone else.
    pub(crate) fn housekeeper(&self, what: &str) -> Result<Option<Technician>> {
        let system = self.standing.as_ref().is_some_and(|s| s.real == self.login && s.trusted());
        match self.me() {
            Ok(t) if t.lead => Ok(Some(t)),
            Ok(t) if !system => Err(Error::permission(format!(
                "only a lead, root or a gateway account may {what} ({} is not a lead)",
                t.login
            ))),
            Ok(_) => Ok(None),
            Err(_) if system => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The acting technician.
    pub fn me(&self) -> Result<Technician> {
        acting_tech(self.store.conn(), &self.login, self.standing.as_ref())
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn set_clock(&mut self, clock: Box<dyn Clock>) {
        self.clock = clock;
    }

    /// Acts as another technician from now on (tests, demo, `--as`).
    pub fn act_as(&mut self, login: &str) {
        self.login = login.to_string();
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Changes whenever another connection commits: the console polls it to
    /// know when to reload.
    pub fn data_version(&self) -> Result<i64> {
        self.store.data_version()
    }

    /// Changes when someone records work (see `store::events::change_marker`).
    pub fn change_marker(&self) -> Result<(i64, i64)> {
        events::change_marker(self.store.conn())
    }
}

/// The first rows of a new database; runs inside the creating transaction.
fn seed(tx: &Transaction<'_>, opts: &InitOptions, now: Timestamp, login: &str, os_user: &str) -> Result<()> {
    let tz = opts.tz.as_deref().unwrap_or(DEFAULT_TZ);
    directory::validate_login(login)?;
    let (tz, hours) = calendars::validate(tz, DEFAULT_HOURS)?;
    let cal = dir::insert_calendar(tx, DEFAULT_CALENDAR, tz.name(), &hours.to_string(), now)?;
    dir::insert_school(tx, crate::domain::UNASSIGNED_SCHOOL, "Unassigned (triage)", cal, now)?;
    let mut me = Technician {
        id: 0,
        login: login.to_string(),
        name: opts.name.clone().unwrap_or_else(|| login.to_string()),
        tier: crate::domain::Tier::Three,
        lead: true,
    };
    me.id = dir::insert_tech(tx, &me, now)?;
    let mut cx = Ctx { tx, now, me, os_user, search: suggest::Cache::default(), ack_ready: None };
    cx.audit("init", "database", "1", Some(&format!("schema {}", store::SCHEMA_VERSION)))?;
    if opts.demo {
        demo::load(&mut cx)?;
    }
    Ok(())
}

fn acting_tech(
    conn: &Connection,
    login: &str,
    standing: Option<&crate::privilege::Standing>,
) -> Result<Technician> {
    if let Some(s) = standing.filter(|s| s.real != login && !s.trusted()) {
        let real_is_lead = dir::find_tech(conn, &s.real)?.is_some_and(|t| t.lead);
        if !crate::privilege::may_act_as(s, login, real_is_lead) {
            return Err(Error::permission(format!(
                "{} may not act as '{login}': only a lead (or a gateway account in the system config) may act as another technician",
                s.real
            )));
        }
    }
    dir::find_tech(conn, login)?.ok_or_else(|| {
        Error::permission(format!(
            "'{login}' is not a deskside technician: a lead can add you with `deskside tech add {login} --name \"Your Name\" --tier 1`"
        ))
    })
}
