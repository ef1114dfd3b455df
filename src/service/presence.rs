//! Presence for the console: who else has a ticket open right now, so two
//! technicians notice each other before they collide (the version check
//! still refuses the stale write if they do). A console beats every few
//! seconds (`HEARTBEAT`) while a ticket is open and leaves when it closes
//! it; a session that dies simply stops beating and drops out after `TTL`.
//! Heartbeats are not changes: no timeline event, no audit row, no version.

use super::Desk;
use crate::domain::TicketId;
use crate::store::{presence, tickets};
use crate::Result;
use chrono::Duration;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A heartbeat older than this means the session left or died.
pub const TTL: Duration = Duration::seconds(10);
/// How often a console should beat while a ticket is open.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(3);
/// Rows older than this are deleted by the next heartbeat of anyone.
const FORGET: Duration = Duration::seconds(300);

/// A session id unique on the box: pid, a per-process counter (tests run
/// several desks in one process) and the process start time (pids recycle).
pub(crate) fn new_session() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    static STARTED: OnceLock<u128> = OnceLock::new();
    let started = STARTED.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    });
    format!("{}.{}.{started}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

impl Desk {
    /// "I have this ticket open": records or refreshes this session's row.
    pub fn presence_beat(&mut self, ticket_id: TicketId) -> Result<()> {
        let session = self.session.clone();
        self.write(|cx| {
            tickets::get(cx.tx, ticket_id)?;
            presence::forget_before(cx.tx, cx.now - FORGET)?;
            presence::beat(
                cx.tx,
                &presence::Beat {
                    ticket_id,
                    session: &session,
                    tech_id: cx.me.id,
                    os_user: cx.os_user,
                    pid: std::process::id(),
                    at: cx.now,
                },
            )
        })
    }

    /// "I closed this ticket": others stop seeing this session at once.
    pub fn presence_leave(&mut self, ticket_id: TicketId) -> Result<()> {
        let session = self.session.clone();
        self.store.write(|tx| presence::leave(tx, &session, Some(ticket_id)).map(|_| ()))
    }

    /// Leaves every ticket (the console is quitting).
    pub fn presence_leave_all(&mut self) -> Result<()> {
        let session = self.session.clone();
        self.store.write(|tx| presence::leave(tx, &session, None).map(|_| ()))
    }

    /// (login, name) of the other technicians with the ticket open now, by
    /// login; yourself in another terminal does not count.
    pub fn others_viewing(&self, ticket_id: TicketId) -> Result<Vec<(String, String)>> {
        let since = self.now() - TTL;
        self.read(|conn, me| presence::viewers(conn, ticket_id, since, me.id))
    }

    /// This desk's presence session id.
    pub fn session(&self) -> &str {
        &self.session
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::domain::{NewTicket, Tier};
    use crate::service::directory::NewSchool;
    use crate::service::InitOptions;
    use chrono::{DateTime, Utc};
    use std::path::Path;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc() + Duration::seconds(secs)
    }

    fn desk(path: &Path, login: &str, at: i64) -> Desk {
        Desk::open(path, Box::new(FixedClock(t(at))), login, login).unwrap()
    }

    fn at(d: &mut Desk, secs: i64) -> &mut Desk {
        d.set_clock(Box::new(FixedClock(t(secs))));
        d
    }

    fn names(v: Vec<(String, String)>) -> Vec<String> {
        v.into_iter().map(|(login, _)| login).collect()
    }

    /// A database with techs tone, ttwo and a ticket #1.
    fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let mut lead =
            Desk::init(&path, &InitOptions::default(), Box::new(FixedClock(t(0))), "lead", "lead").unwrap();
        let school = NewSchool {
            name: "St Bede's".into(),
            code: "BEDE".into(),
            domains: vec!["stbedes.sch.uk".into()],
            calendar: None,
        };
        lead.add_school(&school).unwrap();
        lead.add_tech("tone", "Toni One", Tier::One, false).unwrap();
        lead.add_tech("ttwo", "Tam Two", Tier::Two, false).unwrap();
        let new = NewTicket {
            subject: "Projector".into(),
            requester: "r@stbedes.sch.uk".into(),
            requester_name: Some("R".into()),
            ..NewTicket::default()
        };
        lead.create_ticket(&new).unwrap();
        (dir, path)
    }

    #[test]
    fn others_see_who_has_a_ticket_open_until_the_heartbeat_goes_stale() {
        let (_dir, path) = setup();
        let mut toni = desk(&path, "tone", 0);
        let mut tam = desk(&path, "ttwo", 0);
        assert!(tam.others_viewing(TicketId(1)).unwrap().is_empty());
        toni.presence_beat(TicketId(1)).unwrap();
        assert_eq!(tam.others_viewing(TicketId(1)).unwrap(), [("tone".to_string(), "Toni One".to_string())]);
        assert!(toni.others_viewing(TicketId(1)).unwrap().is_empty(), "you are not 'someone else'");
        at(&mut tam, 0).presence_beat(TicketId(1)).unwrap();
        assert_eq!(names(toni.others_viewing(TicketId(1)).unwrap()), ["ttwo"]);
        // Still there at the edge of the TTL, gone just after it.
        assert_eq!(names(at(&mut tam, 10).others_viewing(TicketId(1)).unwrap()), ["tone"]);
        assert!(at(&mut tam, 11).others_viewing(TicketId(1)).unwrap().is_empty());
        // A new heartbeat brings Toni back.
        at(&mut toni, 11).presence_beat(TicketId(1)).unwrap();
        assert_eq!(names(tam.others_viewing(TicketId(1)).unwrap()), ["tone"]);
    }

    #[test]
    fn leaving_is_seen_at_once_and_two_terminals_count_once() {
        let (_dir, path) = setup();
        let mut toni = desk(&path, "tone", 5);
        let mut toni_again = desk(&path, "tone", 5);
        let tam = desk(&path, "ttwo", 5);
        assert_ne!(toni.session(), toni_again.session());
        toni.presence_beat(TicketId(1)).unwrap();
        toni_again.presence_beat(TicketId(1)).unwrap();
        assert_eq!(names(tam.others_viewing(TicketId(1)).unwrap()), ["tone"]);
        toni.presence_leave(TicketId(1)).unwrap();
        assert_eq!(
            names(tam.others_viewing(TicketId(1)).unwrap()),
            ["tone"],
            "the other terminal is still open"
        );
        toni_again.presence_leave_all().unwrap();
        assert!(tam.others_viewing(TicketId(1)).unwrap().is_empty());
    }

    #[test]
    fn heartbeats_change_no_ticket_and_need_a_real_one() {
        let (_dir, path) = setup();
        let mut toni = desk(&path, "tone", 1);
        let before = toni.ticket(TicketId(1)).unwrap();
        for s in 1..5 {
            at(&mut toni, s).presence_beat(TicketId(1)).unwrap();
        }
        let after = toni.ticket(TicketId(1)).unwrap();
        assert_eq!((after.ticket.version, after.events.len()), (before.ticket.version, before.events.len()));
        let err = toni.presence_beat(TicketId(99)).unwrap_err();
        assert_eq!(err.exit_code(), 3, "{err}");
        let mut stranger = desk(&path, "nobody", 1);
        assert_eq!(stranger.presence_beat(TicketId(1)).unwrap_err().exit_code(), 5);
    }
}
