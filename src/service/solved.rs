//! The solved tickets a suggestion re-ranks (the ticket half of
//! `suggest`): found in windows of recent tickets so that a keystroke's work
//! does not grow with the history.

use crate::domain::TicketId;
use crate::store::search as fts;
use crate::Result;
use rusqlite::Connection;
use std::collections::HashMap;

/// Solved tickets taken from FTS5 per pass before re-ranking.
const TICKET_CANDIDATES: usize = 100;
/// The newest tickets the first window of the solved-ticket search covers
/// (from the newest solved one); the second covers the rest of the span.
const TICKET_WINDOW: i64 = 8_192;
/// How far back (in tickets) the windows reach: about two months of a
/// large trust's tickets (1M in three years); older answers are searched
/// only when nothing in it matches (see `recent_ticket_candidates`).
const TICKET_SPAN: i64 = 8_192 * 7;

/// The candidates for a query's `Query::fts_all` (None when it has one
/// known group) and `Query::fts_any`: from the recent windows, or from the
/// whole history when nothing recent matches.
pub(crate) fn candidates(conn: &Connection, all: Option<&str>, any: Option<&str>) -> Result<Vec<TicketId>> {
    match recent_ticket_candidates(conn, all, any, (TICKET_WINDOW, TICKET_SPAN))? {
        Some(ids) => Ok(ids),
        None => ticket_candidates_anywhere(conn, all, any),
    }
}

/// The solved tickets to re-rank: the newest `TICKET_CANDIDATES` matching
/// every known group (`all`), then, when fewer, the newest matching any
/// (`any`). FTS5 walks the whole history for these when the words seldom
/// meet (see `search::postings`), so they are looked for in windows of
/// recent tickets from the newest solved one back (the open queue above it
/// holds no answer): the newest `window` first, then the rest of `span`
/// (`reach`: `TICKET_WINDOW`, `TICKET_SPAN`). The work per keystroke
/// follows that span and not the history. None when nothing in the span
/// matches at all (then the words are rare and the whole history is
/// searched) or an expression is not one `postings` reads.
fn recent_ticket_candidates(
    conn: &Connection,
    all: Option<&str>,
    any: Option<&str>,
    (window, span): (i64, i64),
) -> Result<Option<Vec<TicketId>>> {
    use crate::search::postings::Expr;
    let Some(any) = any else { return Ok(Some(Vec::new())) };
    let (all, any) = match (all.map(Expr::parse), Expr::parse(any)) {
        (Some(None), _) | (_, None) => return Ok(None),
        (all, Some(any)) => (all.flatten(), any),
    };
    let mut words = Vec::new();
    any.words(&mut words);
    let newest = fts::newest_solved_ticket_id(conn)?;
    let oldest = (newest - span + 1).max(1);
    let unsolved = fts::unsolved_ids_between(conn, oldest, newest)?;
    let solved = |ids: Vec<i64>, into: &mut Vec<i64>| {
        into.extend(
            ids.into_iter().rev().filter(|id| !unsolved.contains(id)).take(TICKET_CANDIDATES - into.len()),
        );
    };
    let (mut every, mut some): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut hi = newest;
    while hi >= oldest {
        // The newest `window` tickets first (enough for most questions),
        // then the rest of the span at once: each word costs one FTS5 query
        // per window, and that, not the rows, is most of the cost.
        let lo = if hi == newest { (hi - window + 1).max(oldest) } else { oldest };
        let mut lists = HashMap::new();
        for w in &words {
            lists.insert(w.clone(), fts::ticket_word_ids(conn, w, lo, hi)?);
        }
        if let Some(all) = &all {
            if every.len() < TICKET_CANDIDATES {
                solved(all.eval(&lists), &mut every);
            }
        }
        if some.len() < TICKET_CANDIDATES {
            solved(any.eval(&lists), &mut some);
        }
        let enough = if all.is_some() { every.len() } else { some.len() } >= TICKET_CANDIDATES;
        if enough {
            break;
        }
        hi = lo - 1;
    }
    if some.is_empty() && oldest > 1 {
        return Ok(None);
    }
    if every.len() < TICKET_CANDIDATES {
        for id in some {
            if !every.contains(&id) {
                every.push(id);
            }
        }
    }
    Ok(Some(every.into_iter().map(TicketId).collect()))
}

/// The same candidates from FTS5 over the whole history.
fn ticket_candidates_anywhere(
    conn: &Connection,
    all: Option<&str>,
    any: Option<&str>,
) -> Result<Vec<TicketId>> {
    let mut ids: Vec<TicketId> = Vec::new();
    if let Some(all) = all {
        ids = fts::ticket_candidates(conn, all, TICKET_CANDIDATES)?;
    }
    if ids.len() < TICKET_CANDIDATES {
        if let Some(any) = any {
            for id in fts::ticket_candidates(conn, any, TICKET_CANDIDATES)? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with tickets 1.. of the given subjects and statuses.
    fn tickets(rows: &[(&str, &str)]) -> crate::store::Store {
        let store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO calendars (id, name, tz, hours, created_at)
                  VALUES (9, 'C', 'Europe/London', 'Mon-Fri 08:00-17:00', 0);
             INSERT INTO schools (id, code, name, calendar_id, created_at) VALUES (1, 'S', 'School', 9, 0);
             INSERT INTO requesters (id, email, name, school_id, created_at) VALUES (1, 'a@s.sch.uk', 'A', 1, 0);",
        )
        .unwrap();
        for (i, (subject, status)) in rows.iter().enumerate() {
            conn.execute(
                "INSERT INTO tickets (id, subject, requester_id, school_id, priority, status, tier, source,
                                      created_at, updated_at)
                 VALUES (?1, ?2, 1, 1, 'normal', ?3, 1, 'email', 0, 0)",
                rusqlite::params![i as i64 + 1, subject, status],
            )
            .unwrap();
        }
        store
    }

    fn ids(v: &[TicketId]) -> Vec<i64> {
        v.iter().map(|t| t.get()).collect()
    }

    /// Within the span, the windows find what FTS5 finds over the whole
    /// history: solved only, newest first, every word before any word.
    #[test]
    fn recent_windows_find_what_the_whole_index_finds() {
        let store = tickets(&[
            ("printer jammed", "closed"),
            ("printer jammed", "open"),
            ("wifi down", "resolved"),
            ("printer offline", "resolved"),
            ("printer paper jam", "closed"),
            ("jammed door", "closed"),
            ("paper jam in printer", "pending"),
        ]);
        let conn = store.conn();
        for (all, any) in [
            (Some(r#""printer" AND ("jammed" OR "jam")"#), r#""printer" OR ("jammed" OR "jam")"#),
            (None, r#""printer""#),
            (Some(r#""paper jam" AND "printer""#), r#""paper jam" OR "printer""#),
        ] {
            let whole = ticket_candidates_anywhere(conn, all, Some(any)).unwrap();
            for reach in [(1, 7), (2, 100), (100, 100)] {
                let recent = recent_ticket_candidates(conn, all, Some(any), reach).unwrap().unwrap();
                assert_eq!(ids(&recent), ids(&whole), "{any} {reach:?}");
            }
        }
        let found = recent_ticket_candidates(
            conn,
            Some(r#""printer" AND "jammed""#),
            Some(r#""printer" OR "jammed""#),
            (2, 7),
        );
        assert_eq!(ids(&found.unwrap().unwrap()), [1, 6, 5, 4]);
    }

    /// Beyond the span, an answer is looked for only when nothing in it
    /// matches: a word that is only in old tickets still finds them, but
    /// an old ticket with every word gives way to recent ones with some.
    #[test]
    fn older_tickets_are_searched_only_when_nothing_recent_matches() {
        let mut rows = vec![("projector bulb blown", "closed"), ("printer jammed", "closed")];
        rows.extend(std::iter::repeat_n(("printer offline", "closed"), 20));
        let store = tickets(&rows);
        let conn = store.conn();
        let reach = (2, 10);
        // Tickets 13-22 are the span: no projector there.
        assert_eq!(recent_ticket_candidates(conn, None, Some(r#""projector""#), reach).unwrap(), None);
        let anywhere = ticket_candidates_anywhere(conn, None, Some(r#""projector""#)).unwrap();
        assert_eq!(ids(&anywhere), [1]);
        let found = recent_ticket_candidates(
            conn,
            Some(r#""printer" AND "jammed""#),
            Some(r#""printer" OR "jammed""#),
            reach,
        );
        assert_eq!(ids(&found.unwrap().unwrap()), (13..=22).rev().collect::<Vec<_>>());
        // The whole history read: nothing left to look for further back.
        let found = recent_ticket_candidates(conn, None, Some(r#""projector""#), (2, 100)).unwrap();
        assert_eq!(found.map(|v| ids(&v)), Some(vec![1]));
    }
}
