//! SLA clocks on tickets: due times set at creation, shifted after pauses,
//! the state of each clock for queues and the console, and breaches
//! recorded once on the timeline.

use super::{calendars, Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{
    Clocks, EventKind, QueueItem, SlaLevel, SlaPolicy, SlaState, SlaTarget, Status, Ticket, TicketFilter,
    Timestamp,
};
use crate::sla::{Calendar, WorkingIndex};
use crate::store::{events, sla as rows, tickets as ticket_rows};
use crate::{Error, Result};
use rusqlite::Connection;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};

/// Under this share of the target left, a clock is at risk (1/4 = 25%).
const AT_RISK_DIVISOR: i64 = 4;

/// Days either side of now a queue's calendars are indexed for: a page's
/// clocks are due within days of now (a corpus of a million tickets:
/// within a day), and indexing a month takes tens of microseconds.
const INDEXED_DAYS: i64 = 31;

/// Sets a new ticket's due times from its priority's policy on its school's
/// calendar. A calendar too sparse to reach the target leaves them unset:
/// logging a ticket must never fail on SLA settings.
pub fn start_clock(cx: &Ctx<'_>, id: TicketId) -> Result<()> {
    let t = ticket_rows::get(cx.tx, id)?;
    let Some(policy) = rows::policy(cx.tx, t.priority)? else { return Ok(()) };
    let cal = calendars::for_school(cx.tx, t.school_id)?;
    let due = |minutes: i64| match cal.add_working_secs(t.created_at, minutes * 60) {
        Ok(at) => Ok(Some(at)),
        Err(Error::Invalid(_)) => Ok(None),
        Err(e) => Err(e),
    };
    rows::set_due(cx.tx, id, due(policy.response_minutes)?, due(policy.resolve_minutes)?)
}

/// Called by every status change before it is applied: leaving `pending`
/// (or reopening a resolved ticket) restarts the clocks, and the due times
/// move by the working time that passed while they were stopped.
pub fn on_status_change(cx: &Ctx<'_>, t: &mut Ticket, from: Status, to: Status) -> Result<()> {
    let paused_at = match (from, to) {
        (Status::Pending, _) => t.pending_since,
        (Status::Resolved | Status::Closed, Status::Open) => t.resolved_at.or(t.closed_at),
        _ => None,
    };
    let Some(paused_at) = paused_at else { return Ok(()) };
    let cal = calendars::for_school(cx.tx, t.school_id)?;
    let resume = |due: Option<Timestamp>| match due {
        Some(d) => Ok(Some(cal.resume(d, paused_at, cx.now).unwrap_or(d))),
        None => Ok::<_, Error>(None),
    };
    if t.first_response_at.is_none() {
        t.response_due_at = resume(t.response_due_at)?;
    }
    t.resolve_due_at = resume(t.resolve_due_at)?;
    Ok(())
}

/// The instant a ticket's running clocks read: now, or when it went pending.
fn clock(t: &Clocks, now: Timestamp) -> Timestamp {
    match (t.status, t.pending_since) {
        (Status::Pending, Some(since)) => since.min(now),
        _ => now,
    }
}

/// When each target was met (None while it is running).
fn met(t: &Clocks) -> (Option<Timestamp>, Option<Timestamp>) {
    let done = if t.status.is_active() { None } else { t.resolved_at.or(t.closed_at).or(Some(t.updated_at)) };
    (t.first_response_at.or(done), done)
}

/// Working time on a school's calendar: the calendar's own day-by-day sum,
/// or its index's over a stretch (the same answer, in O(log n)).
trait Working {
    fn working_secs(&self, from: Timestamp, to: Timestamp) -> i64;
}

impl Working for Calendar {
    fn working_secs(&self, from: Timestamp, to: Timestamp) -> i64 {
        Calendar::working_secs(self, from, to)
    }
}

impl Working for WorkingIndex {
    fn working_secs(&self, from: Timestamp, to: Timestamp) -> i64 {
        WorkingIndex::working_secs(self, from, to)
    }
}

fn signed_working(cal: &impl Working, from: Timestamp, to: Timestamp) -> i64 {
    if from <= to {
        cal.working_secs(from, to)
    } else {
        -cal.working_secs(to, from)
    }
}

fn target(
    cal: &impl Working,
    due: Timestamp,
    minutes: Option<i64>,
    met_at: Option<Timestamp>,
    clock: Timestamp,
    paused: bool,
) -> SlaTarget {
    if let Some(m) = met_at {
        let level = if m <= due { SlaLevel::Met } else { SlaLevel::Missed };
        return SlaTarget {
            due,
            target_minutes: minutes,
            left_secs: signed_working(cal, m, due),
            met_at,
            level,
        };
    }
    let left = signed_working(cal, clock, due);
    let level = if clock > due {
        SlaLevel::Breached
    } else if paused {
        SlaLevel::Paused
    } else if minutes.is_some_and(|m| left * AT_RISK_DIVISOR < m * 60) {
        SlaLevel::AtRisk
    } else {
        SlaLevel::Ok
    };
    SlaTarget { due, target_minutes: minutes, left_secs: left, met_at: None, level }
}

/// The state of a ticket's clocks at `now` on its school's calendar.
pub fn state(t: &Clocks, cal: &Calendar, policy: Option<&SlaPolicy>, now: Timestamp) -> SlaState {
    state_on(t, cal, policy, now)
}

fn state_on(t: &Clocks, cal: &impl Working, policy: Option<&SlaPolicy>, now: Timestamp) -> SlaState {
    let (clock, paused) = (clock(t, now), t.status == Status::Pending);
    let (response_met, resolve_met) = met(t);
    let response = t
        .response_due_at
        .map(|d| target(cal, d, policy.map(|p| p.response_minutes), response_met, clock, paused));
    let resolve = t
        .resolve_due_at
        .map(|d| target(cal, d, policy.map(|p| p.resolve_minutes), resolve_met, clock, paused));
    let running: Vec<&SlaTarget> =
        [&response, &resolve].into_iter().flatten().filter(|x| x.met_at.is_none()).collect();
    // The most urgent running clock: the earliest due among breached ones,
    // else the least working time left.
    let urgent = running.iter().min_by_key(|x| (x.level != SlaLevel::Breached, x.left_secs, x.due)).copied();
    let level = match urgent {
        Some(_) => running.iter().map(|x| x.level).min().unwrap_or(SlaLevel::None),
        None => [&response, &resolve]
            .into_iter()
            .flatten()
            .map(|x| x.level)
            .max_by_key(|l| match l {
                SlaLevel::Missed => 2,
                SlaLevel::Met => 1,
                _ => 0,
            })
            .unwrap_or(SlaLevel::None),
    };
    SlaState {
        ticket_id: t.id,
        level,
        left_secs: urgent.map(|x| x.left_secs),
        due: urgent.map(|x| x.due),
        response,
        resolve,
    }
}

/// Calendars and policies, each loaded once for a list.
pub struct SlaLookup {
    /// Each school's calendar id.
    schools: HashMap<i64, i64>,
    calendars: HashMap<i64, Calendar>,
    /// The calendars SLA states were worked out on, indexed around the
    /// instant each was first used (working time summed day by day for
    /// every clock on a page was a sixth of a load).
    indexes: HashMap<i64, WorkingIndex>,
    /// Whether every school's calendar is in `calendars`.
    all_loaded: bool,
    policies: Vec<SlaPolicy>,
}

impl SlaLookup {
    pub fn new(conn: &Connection) -> Result<SlaLookup> {
        Ok(SlaLookup {
            schools: rows::school_calendars(conn)?,
            calendars: HashMap::new(),
            indexes: HashMap::new(),
            all_loaded: false,
            policies: rows::policies(conn)?,
        })
    }

    pub fn state(&mut self, conn: &Connection, t: &Ticket, now: Timestamp) -> Result<SlaState> {
        self.state_of(conn, &t.clocks(), now)
    }

    pub fn state_of(&mut self, conn: &Connection, t: &Clocks, now: Timestamp) -> Result<SlaState> {
        let Some(&calendar) = self.schools.get(&t.school_id) else {
            return Err(Error::not_found(format!("no calendar for school id {}", t.school_id)));
        };
        let index = match self.indexes.entry(calendar) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                // Schools sharing a calendar share one loaded copy.
                let cal = match self.calendars.entry(calendar) {
                    Entry::Occupied(c) => c.into_mut(),
                    Entry::Vacant(c) => c.insert(calendars::for_school(conn, t.school_id)?),
                };
                // Questions reaching past the stretch (the clock moves on
                // while the lookup is kept) are answered by the calendar.
                let stretch = chrono::Duration::days(INDEXED_DAYS);
                let from = now.checked_sub_signed(stretch).unwrap_or(now);
                let to = now.checked_add_signed(stretch).unwrap_or(now);
                e.insert(WorkingIndex::new(cal, from, to))
            }
        };
        let policy = self.policies.iter().find(|p| p.priority == t.priority);
        Ok(state_on(t, index, policy, now))
    }

    /// The least working time from `from` to `to` on any school's
    /// calendar: a running clock due at or after `to` has at least this
    /// much left, whichever school its ticket is from.
    fn least_working(&mut self, conn: &Connection, from: Timestamp, to: Timestamp) -> Result<i64> {
        // Every calendar is loaded once (counting them on every row read
        // past a full page was a few percent of a load).
        if !self.all_loaded {
            for (&school, &calendar) in &self.schools {
                if let Entry::Vacant(e) = self.calendars.entry(calendar) {
                    e.insert(calendars::for_school(conn, school)?);
                }
            }
            self.all_loaded = true;
        }
        Ok(self.calendars.values().map(|c| c.working_secs(from, to)).min().unwrap_or(0))
    }
}

/// The SLA states of `tickets` (one calendar load per calendar).
pub fn states(conn: &Connection, tickets: &[Ticket], now: Timestamp) -> Result<Vec<SlaState>> {
    let mut lookup = SlaLookup::new(conn)?;
    tickets.iter().map(|t| lookup.state(conn, t, now)).collect()
}

/// Calendars and policies kept between queue loads. Loading every
/// school's calendar (closures parsed, hours and zone checked) on each load
/// was a tenth of a full page's cost and most of a short one's. Kept while
/// nothing is written (`store::change_stamp`, as the burst cache): any
/// commit by another process, or a write of this connection's own, loads
/// them again.
#[derive(Default)]
pub struct LookupCache {
    held: Option<((i64, u64), SlaLookup)>,
}

impl LookupCache {
    /// Runs `f` with the lookup as of now, loading it again if anything
    /// was written since it was loaded.
    pub fn with<T>(&mut self, conn: &Connection, f: impl FnOnce(&mut SlaLookup) -> Result<T>) -> Result<T> {
        // The stamp is read first: a commit landing while the calendars are
        // read makes the next call read them again.
        let stamp = crate::store::change_stamp(conn)?;
        let mut lookup = match self.held.take() {
            Some((held, lookup)) if held == stamp => lookup,
            _ => SlaLookup::new(conn)?,
        };
        let out = f(&mut lookup);
        self.held = Some((stamp, lookup));
        out
    }
}

/// How a queue is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueOrder {
    /// Breached first (longest overdue first), then least working time left,
    /// then paused clocks, then tickets without SLA, then finished ones.
    #[default]
    Urgency,
    Oldest,
    Newest,
    Priority,
}

impl std::str::FromStr for QueueOrder {
    type Err = Error;
    fn from_str(s: &str) -> Result<QueueOrder> {
        match s.trim().to_ascii_lowercase().as_str() {
            "urgency" | "sla" => Ok(QueueOrder::Urgency),
            "oldest" => Ok(QueueOrder::Oldest),
            "newest" => Ok(QueueOrder::Newest),
            "priority" => Ok(QueueOrder::Priority),
            _ => Err(Error::invalid(format!(
                "invalid sort '{}': expected one of urgency, oldest, newest, priority",
                s.trim()
            ))),
        }
    }
}

/// SLA filters and order for a queue; both filters given means either.
#[derive(Debug, Clone, Default)]
pub struct QueueOptions {
    /// Only tickets past due.
    pub breaching: bool,
    /// Only tickets under 25% of their target left.
    pub at_risk: bool,
    pub order: QueueOrder,
}

fn urgency_key(t: &Clocks, s: &SlaState) -> (u8, i64, i64) {
    let due = s.due.map(|d| d.timestamp()).unwrap_or(i64::MAX);
    let left = s.left_secs.unwrap_or(i64::MAX);
    match s.level {
        _ if !t.status.is_active() => (4, 0, 0),
        SlaLevel::Breached => (0, due, 0),
        SlaLevel::AtRisk | SlaLevel::Ok => (1, left, due),
        SlaLevel::Paused => (2, left, due),
        _ => (3, 0, 0),
    }
}

/// A queue: tickets matching `filter`, with their SLA state, filtered and
/// ordered as asked; the limit applies last. A first page by urgency is
/// read whole in due order as it is found; any other queue's order is
/// worked out from the clocks alone and only the tickets within the limit
/// are read whole.
pub fn queue(
    conn: &Connection,
    filter: &TicketFilter,
    opts: &QueueOptions,
    now: Timestamp,
) -> Result<Vec<QueueItem>> {
    queue_with(conn, &mut SlaLookup::new(conn)?, filter, opts, now)
}

/// `queue` with calendars and policies already loaded (`Desk` keeps them
/// between loads while nothing is written).
fn queue_with(
    conn: &Connection,
    lookup: &mut SlaLookup,
    filter: &TicketFilter,
    opts: &QueueOptions,
    now: Timestamp,
) -> Result<Vec<QueueItem>> {
    // The first page by urgency is read whole as it is found.
    if let Some(page) = overdue_page(conn, lookup, filter, opts, now)? {
        return Ok(page.into_iter().map(|(_, sla, ticket)| QueueItem { ticket, sla }).collect());
    }
    let mut items = Vec::new();
    for c in ticket_rows::clocks(conn, filter)? {
        let sla = lookup.state_of(conn, &c, now)?;
        if wanted(opts, &sla) {
            items.push((c, sla, ()));
        }
    }
    sort_page(&mut items, opts.order, filter.limit);
    let ids: Vec<TicketId> = items.iter().map(|(c, _, _)| c.id).collect();
    let mut whole: HashMap<TicketId, Ticket> =
        ticket_rows::by_ids(conn, &ids)?.into_iter().map(|t| (t.id, t)).collect();
    Ok(items
        .into_iter()
        .filter_map(|(c, sla, _)| whole.remove(&c.id).map(|ticket| QueueItem { ticket, sla }))
        .collect())
}

/// Whether the queue's SLA filters keep a ticket in this state.
fn wanted(opts: &QueueOptions, sla: &SlaState) -> bool {
    (!opts.breaching && !opts.at_risk)
        || (opts.breaching && sla.is_breached())
        || (opts.at_risk && sla.is_at_risk())
}

/// Sorts clocks with their states (and whatever rides along, `T`).
fn sort_page<T>(items: &mut Vec<(Clocks, SlaState, T)>, order: QueueOrder, limit: Option<usize>) {
    let tie = |c: &Clocks| (std::cmp::Reverse(c.priority.rank()), c.created_at, c.id);
    match order {
        QueueOrder::Urgency => items.sort_by_key(|(c, s, _)| (urgency_key(c, s), tie(c))),
        QueueOrder::Oldest => items.sort_by_key(|(c, _, _)| (c.created_at, c.id)),
        QueueOrder::Newest => items.sort_by_key(|(c, _, _)| std::cmp::Reverse((c.created_at, c.id))),
        QueueOrder::Priority => items.sort_by_key(|(c, _, _)| (!c.status.is_active(), tie(c))),
    }
    if let Some(limit) = limit {
        items.truncate(limit);
    }
}

/// The earliest due of a ticket's running clocks (what migration 0018
/// indexes). A breached ticket's urgency is exactly this due: it is the
/// first clock to run out, and the one `state` reports.
fn running_due(c: &Clocks) -> Option<Timestamp> {
    let response = if c.first_response_at.is_none() { c.response_due_at } else { None };
    [response, c.resolve_due_at].into_iter().flatten().min()
}

/// The first page of an urgency queue, read in due order from the index
/// and stopped once no ticket further on can enter the page. Breached
/// tickets come first, by that due, so once `limit` of them are found no
/// later one can enter. Running clocks come next by the working time they
/// have left, which on one calendar grows with the due: once the page is
/// full and the next due leaves more working time on every calendar than
/// the page's last ticket has, nothing further on is more urgent (paused
/// clocks and tickets without a due sort after both). The cost follows
/// the page, not the open tickets (computing every open ticket's SLA state
/// made the queue grow with the database; a narrowed queue with few
/// breached tickets read them all). When the active tickets run out first,
/// what was read is the whole queue. None when neither answers (finished
/// tickets asked for too, or the queue is not by urgency, or unlimited):
/// the caller works the whole queue out.
fn overdue_page(
    conn: &Connection,
    lookup: &mut SlaLookup,
    filter: &TicketFilter,
    opts: &QueueOptions,
    now: Timestamp,
) -> Result<Option<Vec<(Clocks, SlaState, Ticket)>>> {
    let Some(limit) = filter.limit else { return Ok(None) };
    // Every breached ticket is wanted unless only at-risk ones are asked.
    if opts.order != QueueOrder::Urgency || (opts.at_risk && !opts.breaching) || limit == 0 {
        return Ok(None);
    }
    // The scan reads active tickets only: the whole queue when no finished
    // ones are asked for.
    let active_only = !filter.include_done && filter.statuses.iter().all(|s| s.is_active());
    let (mut page, mut rest) = (Vec::new(), Vec::new());
    let mut last_due = None;
    // The urgency keys of the `limit` most urgent tickets read so far; its
    // top is the page's last ticket's once `limit` are read.
    let mut best: BinaryHeap<(u8, i64, i64)> = BinaryHeap::new();
    ticket_rows::by_due(conn, filter, |t| {
        let c = t.clocks();
        let due = running_due(&c);
        // Equal dues tie-break on priority and age: read all of the last.
        if page.len() >= limit && due != last_due {
            return Ok(false);
        }
        // No running clock is overdue from here on (a clock never reads
        // later than now).
        if !active_only && due.is_none_or(|d| d >= now) {
            return Ok(false);
        }
        if active_only && best.len() >= limit {
            if let Some(&last) = best.peek() {
                // The least urgency any ticket from here on can have: past
                // now nothing is breached (a paused clock reads no later
                // than now either).
                let least = match due {
                    Some(d) if d > now => Some((1, lookup.least_working(conn, now, d)?, d.timestamp())),
                    Some(_) => None,
                    None => Some((3, 0, 0)),
                };
                if least.is_some_and(|least| last < least) {
                    return Ok(false);
                }
            }
        }
        let sla = lookup.state_of(conn, &c, now)?;
        let breached = sla.is_breached();
        if breached || wanted(opts, &sla) {
            best.push(urgency_key(&c, &sla));
            if best.len() > limit {
                best.pop();
            }
        }
        if breached {
            last_due = due;
            page.push((c, sla, t));
        } else if wanted(opts, &sla) {
            rest.push((c, sla, t));
        }
        Ok(true)
    })?;
    if page.len() < limit {
        if !active_only {
            return Ok(None);
        }
        page.append(&mut rest);
    }
    sort_page(&mut page, opts.order, Some(limit));
    Ok(Some(page))
}

const TARGETS: [(i64, &str, &str); 2] =
    [(rows::RESPONSE_BREACH, "response", "First response"), (rows::RESOLVE_BREACH, "resolve", "Resolution")];

/// The missed targets of `t` at `now` whose breach is not recorded yet, as
/// (bit, name, description, due).
fn unrecorded_breaches(
    conn: &Connection,
    t: &Ticket,
    now: Timestamp,
) -> Result<Vec<(i64, &'static str, &'static str, Timestamp)>> {
    if t.response_due_at.is_none() && t.resolve_due_at.is_none() {
        return Ok(Vec::new());
    }
    let t = &t.clocks();
    let bits = rows::breach_bits(conn, t.id)?;
    let clock = clock(t, now);
    let (response_met, resolve_met) = met(t);
    let mut out = Vec::new();
    for (bit, name, what) in TARGETS {
        let (due, met_at) = if bit == rows::RESPONSE_BREACH {
            (t.response_due_at, response_met)
        } else {
            (t.resolve_due_at, resolve_met)
        };
        match due {
            Some(due) if bits & bit == 0 && met_at.unwrap_or(clock) > due => out.push((bit, name, what, due)),
            _ => {}
        }
    }
    Ok(out)
}

/// Records each missed target of `t` once, as an internal SLA-breached
/// event by the system. The conditional update makes it exactly once even
/// when several processes check at the same time.
pub fn record_breaches_of(cx: &Ctx<'_>, t: &Ticket) -> Result<usize> {
    let mut recorded = 0;
    for (bit, name, what, due) in unrecorded_breaches(cx.tx, t, cx.now)? {
        if !rows::mark_breach(cx.tx, t.id, bit)? {
            continue;
        }
        let body = format!("{what} target missed: it was due {}", due.format("%Y-%m-%d %H:%M UTC"));
        events::append(
            cx.tx,
            &events::NewEvent {
                ticket_id: t.id,
                at: cx.now,
                kind: EventKind::SlaBreached,
                tech_id: None,
                os_user: cx.os_user,
                internal: true,
                body: Some(&body),
                old_value: None,
                new_value: Some(name),
            },
        )?;
        recorded += 1;
    }
    Ok(recorded)
}

/// Records every breach not yet recorded (or only ticket `only`'s).
pub fn record_breaches(cx: &Ctx<'_>, only: Option<TicketId>) -> Result<usize> {
    let mut n = 0;
    for id in rows::breach_candidates(cx.tx, cx.now, only)? {
        n += record_breaches_of(cx, &ticket_rows::get(cx.tx, id)?)?;
    }
    Ok(n)
}

impl Desk {
    /// Records breaches that have happened since the last check, in a write
    /// transaction of its own (`sla check` for cron; the CLI runs it before
    /// listing or showing tickets, the console on refresh). Does nothing on
    /// a read-only database or when nothing is due.
    pub fn record_breaches(&mut self, only: Option<TicketId>) -> Result<usize> {
        if self.store().is_read_only() {
            return Ok(0);
        }
        // Look first with a read, so a list takes the write lock only when
        // there is something to record (paused clocks are candidates too).
        let now = self.now();
        let conn = self.store().conn();
        let mut due = false;
        for id in rows::breach_candidates(conn, now, only)? {
            if !unrecorded_breaches(conn, &ticket_rows::get(conn, id)?, now)?.is_empty() {
                due = true;
                break;
            }
        }
        if !due {
            return Ok(0);
        }
        self.write(|cx| record_breaches(cx, only))
    }

    /// A queue with SLA states: see `queue`.
    pub fn queue(&self, filter: &TicketFilter, opts: &QueueOptions) -> Result<Vec<QueueItem>> {
        let now = self.now();
        self.read(|conn, _| {
            self.sla_cache.borrow_mut().with(conn, |lookup| queue_with(conn, lookup, filter, opts, now))
        })
    }

    /// The SLA states of tickets the face already holds, in the same order.
    pub fn sla_states(&self, tickets: &[Ticket]) -> Result<Vec<SlaState>> {
        let now = self.now();
        self.read(|conn, _| {
            self.sla_cache
                .borrow_mut()
                .with(conn, |lookup| tickets.iter().map(|t| lookup.state(conn, t, now)).collect())
        })
    }

    pub fn sla_state(&self, ticket: &Ticket) -> Result<SlaState> {
        let mut all = self.sla_states(std::slice::from_ref(ticket))?;
        all.pop().ok_or_else(|| Error::runtime("no SLA state computed"))
    }
}
