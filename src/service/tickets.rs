//! The ticket lifecycle: log, note, take, assign, escalate, hand back,
//! resolve, reopen, close. Every change bumps the ticket's version and writes
//! its timeline events in the same transaction.

use super::{directory, mail, Ctx, Desk};
use crate::domain::{
    self, EventKind, NewTicket, Priority, Source, Status, Ticket, TicketDetail, TicketFilter, Tier, TierMove,
};
use crate::domain::{ArticleId, TicketId, Version};
use crate::store::{articles, directory as dir, events, tickets as rows};
use crate::{Error, Result};

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 100_000;

/// Who may see a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A reply the requester sees.
    Public,
    /// For technicians only.
    Internal,
}

/// The checked fields of a new ticket as stored: (subject, body, category,
/// requester's email).
fn checked(new: &NewTicket) -> Result<(String, &str, Option<String>, String)> {
    let subject = domain::required_text("subject", &new.subject, MAX_SUBJECT)?;
    let body = new.body.trim();
    if body.chars().count() > MAX_BODY {
        return Err(Error::invalid(format!("body is too long (at most {MAX_BODY} characters)")));
    }
    let category = match &new.category {
        Some(c) => domain::normalize_category(c)?,
        None => None,
    };
    Ok((subject, body, category, domain::normalize_email(&new.requester)?))
}

pub fn create(cx: &mut Ctx<'_>, new: &NewTicket) -> Result<Ticket> {
    let (subject, body, category, email) = checked(new)?;
    let requester = match dir::find_requester(cx.tx, &email)? {
        Some(r) => r,
        None => match &new.requester_name {
            Some(name) => {
                let code = directory::school_for_email(cx.tx, &email)?;
                let name = domain::required_text("requester name", name, 200)?;
                directory::insert_requester(cx, &email, &name, &code)?
            }
            None => {
                return Err(Error::not_found(format!(
                    "requester {email} not found: add them with `deskside requester add {email} --name NAME` or pass --requester-name"
                )))
            }
        },
    };
    let school = dir::find_school(cx.tx, &requester.school)?
        .ok_or_else(|| Error::not_found(format!("school {} not found", requester.school)))?;
    let keep = new.keep && cx.me.tier > Tier::One;
    let (tier, assignee, status) =
        if keep { (cx.me.tier, Some(cx.me.id), Status::Open) } else { (Tier::One, None, Status::New) };
    let source = new.source.unwrap_or(Source::Phone);
    let id = rows::insert(
        cx.tx,
        &rows::NewRow {
            subject: &subject,
            body,
            requester_id: requester.id,
            school_id: school.id,
            category: category.as_deref(),
            priority: new.priority.unwrap_or(Priority::Normal).as_str(),
            status: status.as_str(),
            tier: tier.number(),
            assignee_id: assignee,
            source: source.as_str(),
            now: cx.now,
            tech_id: cx.me.id,
        },
    )?;
    cx.event_change(id, EventKind::Created, false, None, None, Some(source.as_str()))?;
    super::sla::start_clock(cx, id)?;
    if keep {
        cx.event_change(id, EventKind::Assigned, false, None, None, Some(&cx.me.login.clone()))?;
    }
    let ticket = rows::get(cx.tx, id)?;
    let ready = match cx.ack_ready.take() {
        Some(r) => r.fits(cx.tx, &ticket)?,
        None => None,
    };
    let suggestions = match ready {
        Some(s) => s,
        None => mail::outbox::acknowledgement_suggestions(cx.tx, &cx.search, &ticket)?,
    };
    mail::outbox::queue_acknowledgement(cx, &ticket, &suggestions)?;
    if ticket.priority == Priority::Urgent {
        super::alerts::on_urgent(cx, &ticket)?;
    }
    Ok(ticket)
}

/// Loads a ticket for a change, refusing when the caller's copy is stale.
pub fn load_for_change(cx: &Ctx<'_>, id: TicketId, expected_version: Option<Version>) -> Result<Ticket> {
    let t = rows::get(cx.tx, id)?;
    match expected_version {
        Some(v) if v != t.version => Err(conflict(cx, id)?),
        _ => Ok(t),
    }
}

fn conflict(cx: &Ctx<'_>, id: TicketId) -> Result<Error> {
    let (who, when, version) = rows::last_change(cx.tx, id)?;
    let who = who.unwrap_or_else(|| "someone".into());
    Ok(Error::Conflict(format!(
        "ticket #{id} was changed by {who} at {} (now version {version}): reload it and try again",
        when.format("%Y-%m-%d %H:%M:%S UTC")
    )))
}

/// Writes the changed ticket; refuses if someone else saved it meanwhile.
pub fn save(cx: &Ctx<'_>, t: &Ticket) -> Result<Ticket> {
    if !rows::save(cx.tx, t, cx.now, cx.me.id)? {
        return Err(conflict(cx, t.id)?);
    }
    let saved = rows::get(cx.tx, t.id)?;
    super::sla::record_breaches_of(cx, &saved)?;
    Ok(saved)
}

pub(crate) fn require_can_work(cx: &Ctx<'_>, t: &Ticket, action: &str) -> Result<()> {
    if cx.me.can_work(t.tier) {
        Ok(())
    } else {
        Err(Error::permission(format!(
            "{} is tier {} and cannot {action} ticket #{} at tier {}: a tech works tickets at or below their own tier",
            cx.me.login, cx.me.tier, t.id, t.tier
        )))
    }
}

pub(crate) fn set_status(cx: &Ctx<'_>, t: &mut Ticket, to: Status) -> Result<()> {
    if t.status == to {
        return Ok(());
    }
    if !t.status.can_become(to) {
        return Err(Error::invalid(format!("ticket #{} is {} and cannot become {to}", t.id, t.status)));
    }
    let from = t.status;
    super::sla::on_status_change(cx, t, from, to)?;
    match to {
        Status::Resolved => t.resolved_at = Some(cx.now),
        Status::Closed => t.closed_at = Some(cx.now),
        Status::Open if matches!(from, Status::Resolved | Status::Closed) => {
            t.resolved_at = None;
            t.closed_at = None;
        }
        _ => {}
    }
    t.pending_since = if to == Status::Pending { Some(cx.now) } else { None };
    t.status = to;
    cx.event_change(t.id, EventKind::StatusChanged, false, None, Some(from.as_str()), Some(to.as_str()))?;
    Ok(())
}

pub(crate) fn text(field: &str, value: &str) -> Result<String> {
    domain::required_text(field, value, MAX_BODY)
}

/// A public reply or an internal note. Appending never conflicts: it does not
/// need the caller's version. A first public reply counts as first response.
pub fn add_note(cx: &mut Ctx<'_>, id: TicketId, body: &str, visibility: Visibility) -> Result<Ticket> {
    let body = text(if visibility == Visibility::Public { "reply" } else { "note" }, body)?;
    let mut t = rows::get(cx.tx, id)?;
    match visibility {
        Visibility::Internal => {
            cx.event(id, EventKind::Note, true, Some(&body))?;
            save(cx, &t)
        }
        Visibility::Public => {
            let event = cx.event(id, EventKind::Reply, false, Some(&body))?;
            mail::outbox::queue_reply(cx, &t, event)?;
            t.first_response_at.get_or_insert(cx.now);
            if t.status == Status::New {
                set_status(cx, &mut t, Status::Open)?;
            }
            save(cx, &t)
        }
    }
}

/// A public reply written against the version the technician saw. Appending
/// never conflicts with ordinary changes, but a ticket someone resolved or
/// closed meanwhile is refused with a conflict: the requester was told it
/// is done, so the technician decides whether to write anyway.
pub fn reply_seen(cx: &mut Ctx<'_>, id: TicketId, body: &str, seen_version: Version) -> Result<Ticket> {
    let t = rows::get(cx.tx, id)?;
    if t.version != seen_version && !t.status.is_active() {
        let (who, _, _) = rows::last_change(cx.tx, id)?;
        let who = who.unwrap_or_else(|| "someone".into());
        return Err(Error::Conflict(format!("#{id} was {} by {who} meanwhile", t.status)));
    }
    add_note(cx, id, body, Visibility::Public)
}

fn assign_to(cx: &Ctx<'_>, t: &mut Ticket, tech: &domain::Technician) -> Result<()> {
    if !tech.can_work(t.tier) {
        return Err(Error::permission(format!(
            "{} is tier {} and cannot work ticket #{} at tier {}: escalate or hand it back first",
            tech.login, tech.tier, t.id, t.tier
        )));
    }
    if t.assignee_id == Some(tech.id) {
        return Err(Error::invalid(format!("ticket #{} is already assigned to {}", t.id, tech.login)));
    }
    let old = t.assignee.clone();
    t.assignee_id = Some(tech.id);
    t.assignee = Some(tech.login.clone());
    cx.event_change(t.id, EventKind::Assigned, false, None, old.as_deref(), Some(&tech.login))?;
    if t.status == Status::New {
        set_status(cx, t, Status::Open)?;
    }
    Ok(())
}

pub fn take(cx: &mut Ctx<'_>, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "take")?;
    let me = cx.me.clone();
    assign_to(cx, &mut t, &me)?;
    save(cx, &t)
}

pub fn assign(cx: &mut Ctx<'_>, id: TicketId, login: &str, expected: Option<Version>) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "assign")?;
    let tech = dir::find_tech(cx.tx, login)?.ok_or_else(|| {
        Error::not_found(format!("technician {login} not found (see `deskside tech list`)"))
    })?;
    assign_to(cx, &mut t, &tech)?;
    save(cx, &t)
}

/// Moves a ticket up a tier; the reason is kept as an internal note. The
/// ticket leaves its assignee and waits in the higher tier's queue.
pub fn escalate(
    cx: &mut Ctx<'_>,
    id: TicketId,
    to: Tier,
    reason: &str,
    expected: Option<Version>,
) -> Result<Ticket> {
    let reason = text("reason", reason)?;
    move_tier(cx, id, TierMove::Escalate, to, &reason, expected)
}

/// Shift left: hands a ticket down a tier with a note saying what to do.
pub fn handback(
    cx: &mut Ctx<'_>,
    id: TicketId,
    to: Tier,
    note: &str,
    expected: Option<Version>,
) -> Result<Ticket> {
    let note = text("note", note)?;
    move_tier(cx, id, TierMove::HandBack, to, &note, expected)
}

/// Escalate and hand back alike: the domain rule, an internal note with
/// the old and new tier, and the ticket back in the new tier's queue.
fn move_tier(
    cx: &mut Ctx<'_>,
    id: TicketId,
    how: TierMove,
    to: Tier,
    note: &str,
    expected: Option<Version>,
) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    let (action, kind) = match how {
        TierMove::Escalate => ("escalate", EventKind::Escalated),
        TierMove::HandBack => ("hand back", EventKind::HandedBack),
    };
    require_can_work(cx, &t, action)?;
    t.check_tier_move(how, to)?;
    let event =
        cx.event_change(id, kind, true, Some(note), Some(&t.tier.to_string()), Some(&to.to_string()))?;
    t.tier = to;
    t.assignee_id = None;
    t.assignee = None;
    if how == TierMove::HandBack {
        super::ownership::return_to_escalator(cx, &mut t, to)?;
    }
    let saved = save(cx, &t)?;
    if how == TierMove::HandBack {
        super::alerts::on_handback(cx, &saved, event)?;
    }
    Ok(saved)
}

/// How a ticket was resolved: a public message, an article that solved it,
/// or both. With only an article, the message names the article.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The public reply telling the requester what was done.
    pub message: Option<String>,
    /// The article that solved it: linked and its use counted.
    pub article_id: Option<ArticleId>,
}

impl Resolution {
    pub fn message(text: impl Into<String>) -> Resolution {
        Resolution { message: Some(text.into()), article_id: None }
    }
}

pub fn resolve(
    cx: &mut Ctx<'_>,
    id: TicketId,
    how: &Resolution,
    expected: Option<Version>,
) -> Result<Ticket> {
    let given = how.message.as_deref().map(|m| text("resolution message", m)).transpose()?;
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "resolve")?;
    if !t.status.is_active() {
        return Err(Error::invalid(format!("ticket #{id} is already {}", t.status)));
    }
    let from_article = match how.article_id {
        Some(article) => Some(link_article(cx, id, article)?),
        None => None,
    };
    let message = match (given, from_article) {
        (Some(m), _) => m,
        (None, Some(article)) => super::kb::resolution_message(&article),
        (None, None) => {
            return Err(Error::invalid("a resolution needs a message, an article or a canned solution"))
        }
    };
    let event = cx.event(id, EventKind::Reply, false, Some(&message))?;
    mail::outbox::queue_reply(cx, &t, event)?;
    t.first_response_at.get_or_insert(cx.now);
    set_status(cx, &mut t, Status::Resolved)?;
    super::ownership::resolver_takes(cx, &mut t)?;
    let saved = save(cx, &t)?;
    // A major incident's callers are resolved with it, by the same message.
    super::links::resolve_children(cx, id, &message)?;
    Ok(saved)
}

/// Links a published article to a ticket and counts its use (once per
/// ticket); returns the article.
pub fn link_article(
    cx: &Ctx<'_>,
    ticket_id: TicketId,
    article_id: ArticleId,
) -> Result<crate::domain::Article> {
    let article = crate::store::kb::get(cx.tx, article_id)?;
    super::kb::require_usable(&article)?;
    let title = article.title.clone();
    if articles::link_to_ticket(cx.tx, ticket_id, article_id, cx.now)? {
        // An internal article's title is for technicians only.
        let internal = article.audience == crate::domain::Audience::Internal;
        cx.event_change(
            ticket_id,
            EventKind::ArticleLinked,
            internal,
            Some(&title),
            None,
            Some(&article_id.to_string()),
        )?;
    }
    Ok(article)
}

pub fn reopen(cx: &mut Ctx<'_>, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    if t.status.is_active() {
        return Err(Error::invalid(format!("ticket #{id} is {} and is not resolved or closed", t.status)));
    }
    set_status(cx, &mut t, Status::Open)?;
    save(cx, &t)
}

pub fn close(cx: &mut Ctx<'_>, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
    let mut t = load_for_change(cx, id, expected)?;
    require_can_work(cx, &t, "close")?;
    if t.status == Status::Closed {
        return Err(Error::invalid(format!("ticket #{id} is already closed")));
    }
    set_status(cx, &mut t, Status::Closed)?;
    save(cx, &t)
}

impl Desk {
    pub fn create_ticket(&mut self, new: &NewTicket) -> Result<Ticket> {
        // Ranked outside the write lock; a ticket that cannot be logged
        // is refused by `create` with its own error.
        self.rank_ack_before_write(new);
        self.write(|cx| create(cx, new))
    }

    /// Ranks the acknowledgement articles of `new` for the next write's
    /// `create`, outside its write lock (see `mail::ack::Ready`).
    pub(crate) fn rank_ack_before_write(&mut self, new: &NewTicket) {
        self.ack_ready = self.rank_ack(new).ok().flatten();
    }

    /// The acknowledgement articles `create` would rank for `new`, read
    /// before the transaction (None when `new` will not be logged as is).
    fn rank_ack(&self, new: &NewTicket) -> Result<Option<mail::ack::Ready>> {
        let conn = self.store.conn();
        let (subject, body, category, email) = checked(new)?;
        let school = match dir::find_requester(conn, &email)? {
            Some(r) => r.school,
            None => directory::school_for_email(conn, &email)?,
        };
        let ready =
            mail::ack::Ready::rank(conn, &self.search_cache, &subject, body, &school, category.as_deref())?;
        Ok(Some(ready))
    }

    pub fn ticket(&self, id: TicketId) -> Result<TicketDetail> {
        self.read(|conn, _| {
            let ticket = rows::get(conn, id)?;
            let events = events::for_ticket(conn, id)?;
            Ok(TicketDetail { ticket, events })
        })
    }

    /// Tickets for a queue. `mine` is resolved to the acting technician.
    pub fn tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>> {
        self.read(|conn, _| rows::list(conn, filter))
    }

    pub fn add_note(&mut self, id: TicketId, body: &str, visibility: Visibility) -> Result<Ticket> {
        self.write(|cx| add_note(cx, id, body, visibility))
    }

    /// A public reply, refused when the ticket was resolved or closed since
    /// `seen_version` (see `tickets::reply_seen`).
    pub fn reply_seen(&mut self, id: TicketId, body: &str, seen_version: Version) -> Result<Ticket> {
        self.write(|cx| reply_seen(cx, id, body, seen_version))
    }

    pub fn take(&mut self, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| take(cx, id, expected))
    }

    pub fn assign(&mut self, id: TicketId, login: &str, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| assign(cx, id, login, expected))
    }

    pub fn escalate(
        &mut self,
        id: TicketId,
        to: Tier,
        reason: &str,
        expected: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| escalate(cx, id, to, reason, expected))
    }

    pub fn handback(
        &mut self,
        id: TicketId,
        to: Tier,
        note: &str,
        expected: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| handback(cx, id, to, note, expected))
    }

    pub fn resolve(&mut self, id: TicketId, how: &Resolution, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| resolve(cx, id, how, expected))
    }

    pub fn reopen(&mut self, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| reopen(cx, id, expected))
    }

    pub fn close(&mut self, id: TicketId, expected: Option<Version>) -> Result<Ticket> {
        self.write(|cx| close(cx, id, expected))
    }
}
