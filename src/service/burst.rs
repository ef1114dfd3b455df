//! Spotting an outage: several new tickets from one school, within a short
//! window, about the same thing (search::similar::resemblance). The rule's
//! window, size and similarity are settings (service::settings).
//!
//! Tickets are joined when they are from the same school, were logged
//! within the window of each other and resemble each other enough; joined
//! groups (transitively) of at least the rule's size are a burst. Tickets
//! already under an incident, and incidents, are left out: they are dealt
//! with.

use super::Desk;
use crate::domain::{TicketId, Timestamp};
use crate::search::similar::{resemblance_weighted, Profile};
use crate::search::synonyms::Synonyms;
use crate::store::{attachments as settings_rows, links};
use crate::Result;
use serde::Serialize;
use std::collections::HashMap;

pub const WINDOW_KEY: &str = "burst.window_minutes";
pub const SIZE_KEY: &str = "burst.min_tickets";
pub const SIMILARITY_KEY: &str = "burst.similarity";

/// How far back the queue looks for bursts: new tickets only.
const LOOKBACK_HOURS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub window_minutes: i64,
    pub min_tickets: usize,
    pub similarity: f64,
}

/// Defaults measured on tests/burst.rs's generated days (outages within ten
/// minutes among everyday traffic): 15 minutes and 0.25 kept precision and
/// recall both near 0.9; 30 minutes let coincidences in (precision fell to
/// ~0.75), 0.4 split outages worded differently (recall ~0.65).
impl Default for Rule {
    fn default() -> Rule {
        Rule { window_minutes: 15, min_tickets: 3, similarity: 0.25 }
    }
}

/// What the detector needs of a ticket.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: TicketId,
    pub school: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Burst {
    pub school: String,
    /// Oldest first: the first is the natural incident.
    pub tickets: Vec<TicketId>,
    pub subject: String,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The bursts among `tickets` under `rule`.
pub fn detect(tickets: &[Candidate], rule: &Rule) -> Vec<Burst> {
    let syn = Synonyms::builtin();
    let profiles: Vec<Profile> = tickets.iter().map(|t| Profile::new(&t.subject, &t.body, syn)).collect();
    let pairs: Vec<(&Candidate, &Profile)> = tickets.iter().zip(&profiles).collect();
    detect_profiled(&pairs, rule)
}

/// `detect` over tickets already profiled.
fn detect_profiled(analysed: &[(&Candidate, &Profile)], rule: &Rule) -> Vec<Burst> {
    let tickets: Vec<&Candidate> = analysed.iter().map(|(t, _)| *t).collect();
    let profiles: Vec<&Profile> = analysed.iter().map(|(_, p)| *p).collect();
    // Words most tickets use ("not", "working", "please") tell little:
    // weighted by their rarity among the tickets compared (idf).
    let mut df: HashMap<&str, usize> = Default::default();
    for p in &profiles {
        for k in p.keys() {
            *df.entry(k).or_default() += 1;
        }
    }
    // At least 50: over a quiet morning's handful of tickets, every shared
    // word would look common and every odd word rare.
    let n = tickets.len().max(50) as f64;
    let weight = |k: &str| (n / df.get(k).copied().unwrap_or(1) as f64).ln().max(0.0) + 0.1;
    let mut order: Vec<usize> = (0..tickets.len()).collect();
    order.sort_by_key(|&i| (tickets[i].school.clone(), tickets[i].created_at, tickets[i].id));
    let mut parent: Vec<usize> = (0..tickets.len()).collect();
    let window = rule.window_minutes * 60;
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if tickets[j].school != tickets[i].school
                || tickets[j].created_at - tickets[i].created_at > window
            {
                break;
            }
            if resemblance_weighted(profiles[i], profiles[j], weight) >= rule.similarity {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &i in &order {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Burst> = groups
        .into_values()
        .filter(|g| g.len() >= rule.min_tickets.max(2))
        .map(|g| Burst {
            school: tickets[g[0]].school.clone(),
            subject: tickets[g[0]].subject.clone(),
            tickets: g.iter().map(|&i| tickets[i].id).collect(),
        })
        .collect();
    out.sort_by_key(|b| b.tickets.first().copied());
    out
}

pub fn rule(conn: &rusqlite::Connection) -> Result<Rule> {
    let d = Rule::default();
    let get = |k: &str| settings_rows::setting(conn, k);
    Ok(Rule {
        window_minutes: get(WINDOW_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(d.window_minutes),
        min_tickets: get(SIZE_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(d.min_tickets),
        similarity: get(SIMILARITY_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(d.similarity),
    })
}

/// The candidates among the tickets logged since `since`: new and open,
/// neither an incident nor under one.
fn candidates(conn: &rusqlite::Connection, since: i64) -> Result<Vec<Candidate>> {
    let view = super::links::incident_view(conn)?;
    Ok(links::recent_active(conn, since)?
        .into_iter()
        .filter(|(id, ..)| !view.children.contains(id) && !view.callers.contains_key(id))
        .map(|(id, school, created_at, subject, body)| Candidate { id, school, created_at, subject, body })
        .collect())
}

/// The bursts among the last day's new tickets, as of `now`.
pub fn current(conn: &rusqlite::Connection, now: Timestamp) -> Result<Vec<Burst>> {
    Cache::default().current(conn, now)
}

/// Burst detection kept between queue loads. The console works the bursts
/// out on every queue load; profiling the day's tickets again each time
/// (tokenizing, stemming) was three quarters of a load at a million
/// tickets, and it grows with the tickets a day. The day's candidates and
/// the last answer are kept while nothing is written (`store::change_stamp`:
/// any commit by another process, or a write of this connection's own,
/// reads them again); profiles are kept per ticket while its text is the
/// same, so a refill after a write profiles only the new or edited tickets.
#[derive(Default)]
pub struct Cache {
    day: Option<Day>,
    profiles: HashMap<TicketId, Analysed>,
}

/// The candidates from `since` on as read at `stamp`, with the rule then,
/// and the last answer with how many of them it was worked out from.
struct Day {
    stamp: (i64, u64),
    since: i64,
    rule: Rule,
    candidates: Vec<Candidate>,
    answer: Option<(usize, Vec<Burst>)>,
}

/// A ticket's profile and the text it was made from.
struct Analysed {
    subject: String,
    body: String,
    profile: Profile,
}

impl Cache {
    /// The bursts among the last day's new tickets, as of `now` (the same
    /// answer as `current`).
    pub fn current(&mut self, conn: &rusqlite::Connection, now: Timestamp) -> Result<Vec<Burst>> {
        let since = now.timestamp() - LOOKBACK_HOURS * 3600;
        // The stamp is read first: a commit landing while the rows are read
        // makes the next call read them again.
        let stamp = crate::store::change_stamp(conn)?;
        let day = match self.day.take() {
            // The day held is the answer's superset while nothing was
            // written and the window has not moved back.
            Some(day) if day.stamp == stamp && day.since <= since => day,
            _ => {
                let candidates = candidates(conn, since)?;
                self.analyse(&candidates);
                Day { stamp, since, rule: rule(conn)?, candidates, answer: None }
            }
        };
        let day = self.day.insert(day);
        let live: Vec<&Candidate> = day.candidates.iter().filter(|c| c.created_at >= since).collect();
        // A later window holds a subset: the same count is the same tickets.
        if let Some((n, bursts)) = &day.answer {
            if *n == live.len() {
                return Ok(bursts.clone());
            }
        }
        let analysed: Vec<(&Candidate, &Profile)> =
            live.iter().filter_map(|c| self.profiles.get(&c.id).map(|a| (*c, &a.profile))).collect();
        let bursts = detect_profiled(&analysed, &day.rule);
        day.answer = Some((live.len(), bursts.clone()));
        Ok(bursts)
    }

    /// Profiles `candidates` (reusing those whose text is unchanged) and
    /// forgets the tickets no longer among them.
    fn analyse(&mut self, candidates: &[Candidate]) {
        let syn = Synonyms::builtin();
        let mut kept = HashMap::with_capacity(candidates.len());
        for c in candidates {
            let analysed = match self.profiles.remove(&c.id) {
                Some(a) if a.subject == c.subject && a.body == c.body => a,
                _ => Analysed {
                    subject: c.subject.clone(),
                    body: c.body.clone(),
                    profile: Profile::new(&c.subject, &c.body, syn),
                },
            };
            kept.insert(c.id, analysed);
        }
        self.profiles = kept;
    }
}

impl Desk {
    pub fn bursts(&self) -> Result<Vec<Burst>> {
        let now = self.now();
        self.read(|conn, _| self.burst_cache.borrow_mut().current(conn, now))
    }

    /// Gathers tickets under an incident: the first becomes it (unless one
    /// already is), the others its callers. One transaction.
    pub fn gather(&mut self, ids: &[TicketId]) -> Result<TicketId> {
        self.write(|cx| {
            let Some(&first) = ids.first() else {
                return Err(crate::Error::invalid("gather needs at least two ticket ids"));
            };
            if ids.len() < 2 {
                return Err(crate::Error::invalid("gather needs at least two ticket ids"));
            }
            let parent = match ids.iter().find(|&&id| links::is_incident(cx.tx, id).unwrap_or(false)) {
                Some(&p) => p,
                None => first,
            };
            super::links::make_incident(cx, parent)?;
            for &id in ids.iter().filter(|&&id| id != parent) {
                super::links::link_parent(cx, id, parent)?;
            }
            Ok(parent)
        })
    }
}
