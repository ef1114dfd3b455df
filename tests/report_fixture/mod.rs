//! The reports fixture: three schools, three calendars and eleven tickets
//! worked through the service at fixed instants, so every figure of weeks
//! 2026-W46 to W48 can be worked out by hand (see the test files).
//!
//! Calendars (all Mon-Fri; November, so London is GMT and local = UTC):
//! - default (BEDE): Europe/London 08:00-17:00, closed Wed 2026-11-18 (a
//!   bank holiday): W47 has working days Mon 16, Tue 17, Thu 19, Fri 20.
//! - hill (HILL): Europe/London 08:00-17:00, no closures.
//! - ny (OAKS): America/New_York 08:00-16:00; EST (UTC-5), so OAKS's W47 is
//!   [Mon 16 05:00Z, Mon 23 05:00Z).
//!
//! Default SLA policies: normal 240/1620 working minutes, high 60/540.
//!
//! Distinctive text goes where reports must never look: requester names,
//! subjects, bodies, replies, internal notes, escalation reasons, hand-back
//! notes and rating comments (see `SECRETS`).
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use deskside::clock::FixedClock;
use deskside::domain::{ArticleId, TicketId};
use deskside::domain::{NewTicket, Priority, Source, Tier};
use deskside::service::calendars::NewClosure;
use deskside::service::canned::NewCanned;
use deskside::service::directory::NewSchool;
use deskside::service::tickets::{Resolution, Visibility};
use deskside::service::{Desk, InitOptions};
use deskside::store::articles::{insert_article, NewArticle};
use std::path::Path;

/// The CLI's "now" in the tests: Tue 2026-11-24 10:00 UTC (week W48), so the
/// default week is W47.
pub const NOW: &str = "2026-11-24T10:00:00Z";

/// Text that must appear in no report, in any format.
pub const SECRETS: &[&str] = &[
    "Zebedee",
    "Quockerwodger",
    "Philippa",
    "Xanthoudakis",
    "Ozymandias",
    "Pemberton",
    "SUBJECT-MARKER",
    "BODY-MARKER",
    "REPLY-MARKER",
    "QUESTION-MARKER",
    "SECRET-NOTE-7731",
    "SECRET-ESCALATION-4402",
    "SECRET-HANDBACK-9913",
    "RATING-COMMENT-MARKER",
    "sticky note",
];

/// A category built to break CSV, Markdown and HTML if not escaped.
pub const HOSTILE_CATEGORY: &str = "=sum(a1)|<b>hw</b>";

pub struct Ids {
    pub t1: TicketId,
    pub t2: TicketId,
    pub t3: TicketId,
    pub t4: TicketId,
    pub t5: TicketId,
    pub t6: TicketId,
    pub t7: TicketId,
    pub h1: TicketId,
    pub h2: TicketId,
    pub o1: TicketId,
    pub o2: TicketId,
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Sets the clock and the acting technician for the next operation.
fn on<'a>(desk: &'a mut Desk, when: &str, who: &str) -> &'a mut Desk {
    desk.set_clock(Box::new(FixedClock(at(when))));
    desk.act_as(who);
    desk
}

fn ticket(
    desk: &mut Desk,
    requester: &str,
    category: &str,
    source: Source,
    priority: Priority,
    keep: bool,
) -> TicketId {
    let new = NewTicket {
        subject: "SUBJECT-MARKER it does not work for Zebedee".into(),
        body: "BODY-MARKER Quockerwodger says it broke".into(),
        requester: requester.into(),
        requester_name: None,
        priority: Some(priority),
        category: Some(category.into()),
        source: Some(source),
        keep,
    };
    desk.create_ticket(&new).unwrap().id
}

fn article(desk: &mut Desk, title: &str, source_ticket: Option<TicketId>) -> ArticleId {
    desk.write(|cx| {
        insert_article(
            cx.tx,
            &NewArticle {
                title,
                body: "Steps that fixed it.",
                category: Some("network"),
                tags: "",
                status: "published",
                audience: "public",
                source_ticket_id: source_ticket,
                author_id: Some(cx.me.id),
                now: cx.now,
            },
        )
    })
    .unwrap()
}

const BEDE: &str = "zebedee.quockerwodger@stbedes.sch.uk";
const HILL: &str = "philippa.xanthoudakis@hillside.sch.uk";
const OAKS: &str = "ozymandias@oaks.example.org";

fn msg(text: &str) -> Resolution {
    Resolution::message(text)
}

/// Builds the fixture database at `db`.
pub fn build(db: &Path) -> Ids {
    let mut desk = Desk::init(
        db,
        &InitOptions { name: Some("Lee Lead".into()), ..InitOptions::default() },
        Box::new(FixedClock(at("2026-11-02T09:00:00Z"))),
        "lead",
        "tester",
    )
    .unwrap();
    let d = &mut desk;
    on(d, "2026-11-02T09:00:00Z", "lead");
    d.add_closure("default", &NewClosure { from: "2026-11-18", to: "2026-11-18", label: "Bank holiday" })
        .unwrap();
    d.add_calendar("hill", "Europe/London", "Mon-Fri 08:00-17:00").unwrap();
    d.add_calendar("ny", "America/New_York", "Mon-Fri 08:00-16:00").unwrap();
    for (name, code, domain, cal) in [
        ("St Bede's Primary", "BEDE", "stbedes.sch.uk", "default"),
        ("Hillside Academy", "HILL", "hillside.sch.uk", "hill"),
        ("Oaks School", "OAKS", "oaks.example.org", "ny"),
    ] {
        let s = NewSchool {
            name: name.into(),
            code: code.into(),
            domains: vec![domain.into()],
            calendar: Some(cal.into()),
        };
        d.add_school(&s).unwrap();
    }
    d.add_tech("tone", "Toni One", Tier::One, false).unwrap();
    d.add_tech("ttwo", "Tam Two", Tier::Two, false).unwrap();
    d.add_requester(BEDE, "Zebedee Quockerwodger", None).unwrap();
    d.add_requester(HILL, "Philippa Xanthoudakis", None).unwrap();
    d.add_requester(OAKS, "Ozymandias Pemberton-Flint", None).unwrap();

    on(d, "2026-11-03T10:00:00Z", "ttwo");
    let canned = NewCanned {
        title: "Printer queue reset".into(),
        body: "Hi {{requester.first_name}}, I reset the print queue. {{tech.name}}".into(),
        category: Some("printing".into()),
        article_id: None,
    };
    d.add_canned(&canned).unwrap();
    let a1 = article(d, "Reconnect to the staff wifi", None);

    use Priority::{High, Normal};
    use Source::*;
    // T5: logged Fri 13 (W46), first answered and resolved Mon 16.
    on(d, "2026-11-13T16:00:00Z", "lead");
    let t5 = ticket(d, BEDE, "network", SelfService, Normal, false);
    // O1: Mon 16 03:00Z is Sun 15 22:00 in New York: OAKS's W46.
    on(d, "2026-11-16T03:00:00Z", "lead");
    let o1 = ticket(d, OAKS, HOSTILE_CATEGORY, Email, Normal, false);
    // T1: canned solution resolves it 20 minutes after logging.
    on(d, "2026-11-16T09:00:00Z", "lead");
    let t1 = ticket(d, BEDE, "printing", Phone, Normal, false);
    on(d, "2026-11-16T09:20:00Z", "tone").apply_canned(t1, "Printer queue reset", true, None).unwrap();
    on(d, "2026-11-16T13:00:00Z", "tone")
        .add_note(t5, "REPLY-MARKER looking at it", Visibility::Public)
        .unwrap();
    on(d, "2026-11-16T14:00:00Z", "tone").resolve(t5, &msg("REPLY-MARKER fixed"), None).unwrap();
    // T2: pending Mon 16:00 to Thu 10:00 (across the bank holiday), escalated, resolved with an article.
    on(d, "2026-11-16T14:00:00Z", "lead");
    let t2 = ticket(d, BEDE, "network", Email, Normal, false);
    on(d, "2026-11-16T14:10:00Z", "tone").take(t2, None).unwrap();
    on(d, "2026-11-16T16:00:00Z", "tone")
        .set_pending(t2, Some("QUESTION-MARKER which room, Zebedee?"), None)
        .unwrap();
    // T3: high priority, answered exactly at its 60-minute due time, reopened, resolved late, closed.
    on(d, "2026-11-17T09:00:00Z", "lead");
    let t3 = ticket(d, BEDE, "accounts", Phone, High, false);
    on(d, "2026-11-17T10:00:00Z", "tone").resolve(t3, &msg("REPLY-MARKER unlocked"), None).unwrap();
    // H1, H2: HILL is open on Wed 18 (its calendar has no closure).
    on(d, "2026-11-18T09:00:00Z", "lead");
    let h1 = ticket(d, HILL, "network", Email, Normal, false);
    on(d, "2026-11-18T09:10:00Z", "tone").take(h1, None).unwrap();
    on(d, "2026-11-18T11:00:00Z", "tone")
        .resolve(h1, &Resolution { message: None, article_id: Some(a1) }, None)
        .unwrap();
    on(d, "2026-11-18T16:00:00Z", "lead");
    let h2 = ticket(d, HILL, "printing", Phone, Normal, false);
    on(d, "2026-11-19T08:30:00Z", "tone").apply_canned(h2, "Printer queue reset", false, None).unwrap();
    on(d, "2026-11-19T09:00:00Z", "tone")
        .escalate(h2, Tier::Three, "SECRET-ESCALATION-4402 needs the server", None)
        .unwrap();
    on(d, "2026-11-19T09:00:00Z", "lead").reopen(t3, None).unwrap();
    on(d, "2026-11-19T10:00:00Z", "tone").open_ticket(t2, None).unwrap();
    on(d, "2026-11-19T10:00:00Z", "lead").take(h2, None).unwrap();
    on(d, "2026-11-19T11:00:00Z", "tone")
        .escalate(t2, Tier::Two, "SECRET-ESCALATION-4402 switch config", None)
        .unwrap();
    on(d, "2026-11-19T11:30:00Z", "ttwo").take(t2, None).unwrap();
    on(d, "2026-11-19T12:00:00Z", "lead").resolve(h2, &msg("REPLY-MARKER replaced the fuser"), None).unwrap();
    // T4: kept at tier 2 by ttwo, handed back, an internal note; still open at the week's end.
    on(d, "2026-11-19T13:00:00Z", "ttwo");
    let t4 = ticket(d, BEDE, "printing", WalkIn, Normal, true);
    on(d, "2026-11-19T14:00:00Z", "ttwo")
        .resolve(t2, &Resolution { message: None, article_id: Some(a1) }, None)
        .unwrap();
    on(d, "2026-11-19T15:00:00Z", "ttwo")
        .handback(t4, Tier::One, "SECRET-HANDBACK-9913 just swap the toner", None)
        .unwrap();
    on(d, "2026-11-20T09:00:00Z", "tone")
        .add_note(t4, "SECRET-NOTE-7731 the password is on a sticky note", Visibility::Internal)
        .unwrap();
    on(d, "2026-11-20T09:00:00Z", "tone")
        .rate(t2, 4, Some("RATING-COMMENT-MARKER Zebedee was pleased"))
        .unwrap();
    on(d, "2026-11-20T10:00:00Z", "tone").rate(t2, 5, None).unwrap();
    // T6: a duplicate, closed without a resolution.
    on(d, "2026-11-20T10:00:00Z", "lead");
    let t6 = ticket(d, BEDE, "printing", Email, Normal, false);
    on(d, "2026-11-20T10:30:00Z", "lead").close(t6, None).unwrap();
    on(d, "2026-11-20T11:00:00Z", "tone").resolve(t3, &msg("REPLY-MARKER unlocked again"), None).unwrap();
    on(d, "2026-11-20T11:30:00Z", "tone").rate(h1, 4, None).unwrap();
    on(d, "2026-11-20T12:00:00Z", "ttwo");
    article(d, "Unlock a locked account", Some(t3));
    // T7: answered with a question, pending when the week ends.
    on(d, "2026-11-20T14:00:00Z", "lead");
    let t7 = ticket(d, BEDE, "accounts", Phone, Normal, false);
    on(d, "2026-11-20T16:00:00Z", "lead").close(t3, None).unwrap();
    on(d, "2026-11-20T16:30:00Z", "tone")
        .set_pending(t7, Some("QUESTION-MARKER can you restart it?"), None)
        .unwrap();
    on(d, "2026-11-20T16:30:00Z", "tone").rate(t3, 2, Some("RATING-COMMENT-MARKER slow")).unwrap();
    // O2: Mon 23 02:00Z is Sun 22 21:00 in New York: OAKS's W47.
    on(d, "2026-11-23T02:00:00Z", "lead");
    let o2 = ticket(d, OAKS, HOSTILE_CATEGORY, Phone, Normal, false);
    // W48: T3 re-rated, an article written from T5.
    on(d, "2026-11-23T09:00:00Z", "tone").rate(t3, 3, None).unwrap();
    on(d, "2026-11-23T09:30:00Z", "ttwo");
    article(d, "Wifi drops in the hall", Some(t5));
    Ids { t1, t2, t3, t4, t5, t6, t7, h1, h2, o1, o2 }
}

/// The fixture's desk at `NOW` acting as `who`, for service-level checks.
pub fn desk(db: &Path, who: &str) -> Desk {
    Desk::open(db, Box::new(FixedClock(at(NOW))), who, "tester").unwrap()
}

/// Hand-computed figures for 2026-W47, by row (school code, then TOTAL).
/// Working time is on each school's calendar with the clock stopped while
/// pending or resolved; medians and p90 by nearest rank (⌈p·n/100⌉-th).
pub fn expected_w47() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    let bede = json!({
        // Logged Mon 16 - Sun 22: T1, T2, T3 (Tue), T4 (Thu), T6, T7 (Fri); T5 was logged in W46.
        "opened": 6,
        // T1, T2, T3 (twice: counted once), T5.
        "resolved": 4,
        // T6 (closed without resolution) and T3.
        "closed": 2,
        // At Mon 23 00:00: T4 open, T7 pending.
        "backlog": 2,
        // First answers in the week (bank holiday Wed 18 closed):
        //   T1 09:00->09:20 = 1200; T2 14:00->16:00 = 7200; T3 09:00->10:00 = 3600;
        //   T5 Fri 16-17 (1h) + Mon 08-13 (5h) = 21600; T7 14:00->16:30 = 9000.
        //   sorted [1200, 3600, 7200, 9000, 21600]: median rank 3, p90 rank ⌈4.5⌉ = 5.
        "first_responses": 5,
        "first_response_median_secs": 7200,
        "first_response_p90_secs": 21600,
        // Resolutions: T1 1200; T5 Fri 1h + Mon 08-14 6h = 25200;
        //   T2 Mon 14-16 (2h) + Thu 10-14 (4h) = 21600 (pending Mon 16:00 - Thu 10:00 excluded);
        //   T3 Tue 09-10 (1h) + Thu 09-17 (8h) + Fri 08-11 (3h) = 43200 (resolved Tue 10 - Thu 09 excluded).
        //   sorted [1200, 21600, 25200, 43200]: median rank 2, p90 rank ⌈3.6⌉ = 4.
        "resolution_median_secs": 21600,
        "resolution_p90_secs": 43200,
        // Response due (normal 4h, high 1h): T5 due Mon 11:00, answered 13:00: missed;
        //   T3 due Tue 10:00, answered 10:00: met. 4 of 5.
        "response_sla_met": 4, "response_sla_measured": 5, "response_sla_met_pct": 80.0,
        // Resolve due: T3 (high, 9h) Thu 09:00, moved by the reopen to Thu 17:00, resolved Fri 11:00: missed.
        //   T2 due Fri 14:00 moved by the pause to Mon 23 17:00: met. 3 of 4.
        "resolve_sla_met": 3, "resolve_sla_measured": 4, "resolve_sla_met_pct": 75.0,
        // T1, T3, T5 at tier 1; T2 at tier 2.
        "resolved_tier1": 3, "resolved_tier1_pct": 75.0,
        // T1 and T5; T2 was pending and escalated, T3 reopened.
        "first_contact": 2, "first_contact_pct": 50.0,
        "escalated_resolved": 1, "escalation_rate_pct": 25.0,
        "escalations": 1, "handbacks": 1,
        "canned_uses": 1, "article_uses": 1, "articles_from_tickets": 1,
        // T2 rated 4 then 5 in the week (the last counts), T3 rated 2: (5 + 2) / 2 = 3.5; one of two 4-5.
        "ratings": 2, "satisfaction_avg": 3.5, "satisfied": 1, "satisfied_pct": 50.0,
        "by_category": {"accounts": 2, "network": 1, "printing": 3},
        "by_source": {"email": 2, "phone": 3, "self-service": 0, "walk-in": 1},
    });
    let hill = json!({
        "opened": 2, "resolved": 2, "closed": 0, "backlog": 0,
        // H1 Wed 09:00->11:00 = 7200 (HILL is open on Wed 18); H2 Wed 16-17 + Thu 08-08:30 = 5400.
        "first_responses": 2,
        "first_response_median_secs": 5400,
        "first_response_p90_secs": 7200,
        // H1 7200; H2 Wed 1h + Thu 08-12 4h = 18000.
        "resolution_median_secs": 7200,
        "resolution_p90_secs": 18000,
        "response_sla_met": 2, "response_sla_measured": 2, "response_sla_met_pct": 100.0,
        "resolve_sla_met": 2, "resolve_sla_measured": 2, "resolve_sla_met_pct": 100.0,
        // H1 at tier 1 by the tech who took it; H2 escalated to tier 3.
        "resolved_tier1": 1, "resolved_tier1_pct": 50.0,
        "first_contact": 1, "first_contact_pct": 50.0,
        "escalated_resolved": 1, "escalation_rate_pct": 50.0,
        "escalations": 1, "handbacks": 0,
        "canned_uses": 1, "article_uses": 1, "articles_from_tickets": 0,
        "ratings": 1, "satisfaction_avg": 4.0, "satisfied": 1, "satisfied_pct": 100.0,
        "by_category": {"network": 1, "printing": 1},
        "by_source": {"email": 1, "phone": 1, "self-service": 0, "walk-in": 0},
    });
    let oaks = json!({
        // Only O2 is in OAKS's local W47; O1 and O2 are both still new at its end.
        "opened": 1, "resolved": 0, "closed": 0, "backlog": 2,
        "first_responses": 0,
        "first_response_median_secs": null, "first_response_p90_secs": null,
        "resolution_median_secs": null, "resolution_p90_secs": null,
        "response_sla_met": 0, "response_sla_measured": 0, "response_sla_met_pct": null,
        "resolve_sla_met": 0, "resolve_sla_measured": 0, "resolve_sla_met_pct": null,
        "resolved_tier1": 0, "resolved_tier1_pct": null,
        "first_contact": 0, "first_contact_pct": null,
        "escalated_resolved": 0, "escalation_rate_pct": null,
        "escalations": 0, "handbacks": 0,
        "canned_uses": 0, "article_uses": 0, "articles_from_tickets": 0,
        "ratings": 0, "satisfaction_avg": null, "satisfied": 0, "satisfied_pct": null,
        "by_category": {HOSTILE_CATEGORY: 1},
        "by_source": {"email": 0, "phone": 1, "self-service": 0, "walk-in": 0},
    });
    let mut empty = oaks.clone();
    for (k, v) in [("opened", 0), ("backlog", 0)] {
        empty[k] = json!(v);
    }
    empty["by_category"] = json!({});
    empty["by_source"] = json!({"email": 0, "phone": 0, "self-service": 0, "walk-in": 0});
    let total = json!({
        "opened": 9, "resolved": 6, "closed": 2, "backlog": 4,
        // [1200, 3600, 5400, 7200, 7200, 9000, 21600]: median rank ⌈3.5⌉ = 4, p90 rank ⌈6.3⌉ = 7.
        "first_responses": 7,
        "first_response_median_secs": 7200,
        "first_response_p90_secs": 21600,
        // [1200, 7200, 18000, 21600, 25200, 43200]: median rank 3, p90 rank ⌈5.4⌉ = 6.
        "resolution_median_secs": 18000,
        "resolution_p90_secs": 43200,
        // 6/7 = 85.71 -> 85.7; 5/6 = 83.33 -> 83.3.
        "response_sla_met": 6, "response_sla_measured": 7, "response_sla_met_pct": 85.7,
        "resolve_sla_met": 5, "resolve_sla_measured": 6, "resolve_sla_met_pct": 83.3,
        // 4/6 = 66.7; 3/6 = 50.0; 2/6 = 33.3.
        "resolved_tier1": 4, "resolved_tier1_pct": 66.7,
        "first_contact": 3, "first_contact_pct": 50.0,
        "escalated_resolved": 2, "escalation_rate_pct": 33.3,
        "escalations": 2, "handbacks": 1,
        "canned_uses": 2, "article_uses": 2, "articles_from_tickets": 1,
        // (5 + 2 + 4) / 3 = 3.666 -> 3.67; 2 of 3 satisfied = 66.7.
        "ratings": 3, "satisfaction_avg": 3.67, "satisfied": 2, "satisfied_pct": 66.7,
        "by_category": {"accounts": 2, "network": 2, "printing": 4, HOSTILE_CATEGORY: 1},
        "by_source": {"email": 3, "phone": 5, "self-service": 0, "walk-in": 1},
    });
    vec![("BEDE", bede), ("HILL", hill), ("OAKS", oaks), ("UNASSIGNED", empty), ("TOTAL", total)]
}

/// Compares every key of `expected` with `actual`, naming the row and key.
pub fn assert_figures(row: &str, actual: &serde_json::Value, expected: &serde_json::Value) {
    for (k, want) in expected.as_object().unwrap() {
        assert_eq!(&actual[k], want, "{row}: {k}");
    }
}
pub mod parse;
