//! Requester verbs by reply: a short reply whose new text says "solved"
//! (assets/mail_verbs.txt, English and Welsh) resolves the ticket as
//! resolved by the requester, and a reply that is only a number from 1 to
//! 5 to a resolved or closed ticket is its satisfaction rating. Only the
//! new text counts (the caller passes it with quoted history removed); a
//! longer reply that merely contains "fixed" is an ordinary reply.

use crate::domain::TicketId;
use crate::domain::{EventKind, Status, Ticket};
use crate::service::portal::{count, Metric};
use crate::service::{rating, tickets, Ctx};
use crate::store::{events, tickets as ticket_rows};
use crate::Result;

const VERBS: &str = include_str!("../../../assets/mail_verbs.txt");

/// Words that may surround a verb phrase without changing what it says.
const FILLER: &[&str] = &[
    "thanks",
    "thank",
    "you",
    "thankyou",
    "ta",
    "cheers",
    "many",
    "very",
    "much",
    "now",
    "it",
    "it's",
    "its",
    "is",
    "has",
    "been",
    "all",
    "that's",
    "great",
    "brilliant",
    "perfect",
    "ok",
    "okay",
    "hi",
    "hello",
    "yes",
    "diolch",
    "yn",
    "fawr",
    "iawn",
    "nawr",
    "mae'n",
    "wedi",
    "bellach",
];
/// Longer replies are read by a technician, whatever they contain.
const MAX_WORDS: usize = 12;

/// What a reply asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    Solved,
    Rating(i64),
}

fn words(line: &str) -> Vec<String> {
    line.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn meaningful(ws: &[String]) -> Vec<&str> {
    ws.iter().map(String::as_str).filter(|w| !FILLER.contains(w)).collect()
}

/// The verb of a reply's new text, if it is one.
pub fn read(text: &str) -> Option<Verb> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let first = *lines.first()?;
    if first.contains('?') {
        return None;
    }
    // After the verb line only a short sign-off may follow ("Thanks", "Jane").
    if lines.len() > 3 || lines[1..].iter().any(|l| words(l).len() > 3) {
        return None;
    }
    let all: usize = lines.iter().map(|l| words(l).len()).sum();
    if all > MAX_WORDS {
        return None;
    }
    let ws = words(first);
    if let Some(score) = rating_of(&ws) {
        return Some(Verb::Rating(score));
    }
    let said = meaningful(&ws);
    if said.is_empty() {
        return None;
    }
    let known = VERBS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).any(|phrase| {
        let p = words(phrase);
        let m = meaningful(&p);
        said == m || said == p.iter().map(String::as_str).collect::<Vec<_>>()
    });
    known.then_some(Verb::Solved)
}

/// "4", "5 - great", "5/5": a number from 1 to 5 leading a short line.
fn rating_of(ws: &[String]) -> Option<i64> {
    let first = ws.first()?;
    let n: i64 = first.parse().ok()?;
    let rest_is_scale = ws.get(1).is_none_or(|w| w != "5" || ws.len() == 2);
    ((1..=5).contains(&n) && ws.len() <= 6 && rest_is_scale).then_some(n)
}

/// Acts on a reply's verb: Some(()) when it was handled here (the caller
/// then records nothing more), None for an ordinary reply.
pub fn act(cx: &mut Ctx<'_>, t: &Ticket, text: &str, email: &str) -> Result<Option<i64>> {
    let Some(verb) = read(text) else { return Ok(None) };
    match verb {
        Verb::Rating(score) if !t.status.is_active() => {
            rating::rate(cx, t.id, score, None)?;
            Ok(Some(requester_event(cx, t.id, text, email)?))
        }
        Verb::Solved if t.status.is_active() => {
            // No technician had answered: the requester helped themselves
            // (from the acknowledgement's articles): a deflection.
            let deflected = t.first_response_at.is_none();
            let event = requester_event(cx, t.id, text, email)?;
            let mut t = ticket_rows::get(cx.tx, t.id)?;
            if t.status == Status::Pending {
                tickets::set_status(cx, &mut t, Status::Open)?;
            }
            tickets::set_status(cx, &mut t, Status::Resolved)?;
            tickets::save(cx, &t)?;
            if deflected {
                count(cx.tx, Metric::Solved, Some(&t.school), cx.now)?;
            }
            Ok(Some(event))
        }
        // "Solved" to a ticket already resolved: recorded, nothing reopens.
        Verb::Solved if t.status == Status::Resolved => Ok(Some(requester_event(cx, t.id, text, email)?)),
        _ => Ok(None),
    }
}

/// The requester's words on the timeline (public, no technician).
fn requester_event(cx: &Ctx<'_>, ticket_id: TicketId, text: &str, email: &str) -> Result<i64> {
    events::append(
        cx.tx,
        &events::NewEvent {
            ticket_id,
            at: cx.now,
            kind: EventKind::Reply,
            tech_id: None,
            os_user: cx.os_user,
            internal: false,
            body: Some(text),
            old_value: None,
            new_value: Some(email),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_verb_replies_are_read() {
        for s in [
            "solved",
            "Fixed!",
            "thanks, sorted",
            "It's fixed now, thank you!",
            "Datryswyd",
            "wedi'i ddatrys",
            "Diolch, wedi sortio",
            "Solved\n\nThanks\nJane",
            "SORTED. Cheers",
        ] {
            assert_eq!(read(s), Some(Verb::Solved), "{s}");
        }
        for (s, n) in [("5", 5), ("4 - thanks", 4), ("1", 1), ("5/5", 5)] {
            assert_eq!(read(s), Some(Verb::Rating(n)), "{s}");
        }
    }

    #[test]
    fn longer_or_other_replies_are_not() {
        for s in [
            "I fixed the printer but the projector in room 4 still shows no signal",
            "not fixed",
            "is it fixed?",
            "thanks",
            "",
            "6",
            "0",
            "solved\nbut now the other laptop in the staff room will not start at all",
            "3 laptops are still broken in room 12 after the update",
        ] {
            assert_eq!(read(s), None, "{s:?}");
        }
    }
}
