//! Link, merge and major incidents (issue 20). A merge folds a duplicate
//! into its target: the duplicate's text and files join the target (as an
//! internal record: they are another person's words), its requester joins
//! as a participant, it closes with a pointer, and mail to it threads into
//! the target from then on. An incident is a parent ticket whose callers'
//! tickets are answered and resolved through it.

use super::tickets::{self, load_for_change, require_can_work, save, set_status, Visibility};
use super::{mail, Ctx, Desk};
use crate::domain::{EventKind, NewTicket, Status, Ticket};
use crate::domain::{TicketId, Version};
use crate::store::{attachments, events, links as rows, tickets as ticket_rows};
use crate::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Follows merge pointers (a duplicate to the ticket it was merged into).
pub fn follow_merges(conn: &Connection, t: Option<Ticket>) -> Result<Option<Ticket>> {
    let Some(mut t) = t else { return Ok(None) };
    // Merges cannot form a cycle (a merged ticket is closed and refused as a
    // target), but a bound keeps a broken file from looping.
    for _ in 0..32 {
        match rows::merged_into(conn, t.id)? {
            Some(next) => t = ticket_rows::get(conn, next)?,
            None => break,
        }
    }
    Ok(Some(t))
}

fn distinct(a: TicketId, b: TicketId) -> Result<()> {
    if a == b {
        return Err(Error::invalid(format!("a ticket cannot be linked to itself (#{a})")));
    }
    Ok(())
}

/// `ticket link A --to B`: related, shown on both.
pub fn link_related(cx: &mut Ctx<'_>, a: TicketId, b: TicketId) -> Result<()> {
    distinct(a, b)?;
    let (ta, tb) = (ticket_rows::get(cx.tx, a)?, ticket_rows::get(cx.tx, b)?);
    if !rows::insert(cx.tx, "related", a.min(b), a.max(b), cx.now, cx.me.id)? {
        return Err(Error::invalid(format!("#{a} and #{b} are already linked")));
    }
    cx.event_change(a, EventKind::Linked, true, None, None, Some(&format!("related #{b}")))?;
    cx.event_change(b, EventKind::Linked, true, None, None, Some(&format!("related #{a}")))?;
    cx.audit("link", "ticket", &a.to_string(), Some(&format!("related #{b}")))?;
    save(cx, &ta)?;
    save(cx, &tb)?;
    Ok(())
}

/// Marks a ticket as a major incident (a parent for callers' tickets).
pub fn make_incident(cx: &mut Ctx<'_>, id: TicketId) -> Result<Ticket> {
    let t = ticket_rows::get(cx.tx, id)?;
    if rows::parent_of(cx.tx, id)?.is_some() {
        return Err(Error::invalid(format!(
            "ticket #{id} is a caller of an incident: it cannot be one itself"
        )));
    }
    if !t.status.is_active() {
        return Err(Error::invalid(format!("ticket #{id} is {}: reopen it first", t.status)));
    }
    if rows::mark_incident(cx.tx, id, cx.now, cx.me.id)? {
        cx.event_change(id, EventKind::Incident, true, Some("Marked as a major incident"), None, None)?;
        cx.audit("incident", "ticket", &id.to_string(), None)?;
    }
    save(cx, &t)
}

/// `ticket link CHILD --parent ID`: a caller joins an incident.
pub fn link_parent(cx: &mut Ctx<'_>, child: TicketId, parent: TicketId) -> Result<Ticket> {
    distinct(child, parent)?;
    let c = ticket_rows::get(cx.tx, child)?;
    let p = ticket_rows::get(cx.tx, parent)?;
    if rows::is_incident(cx.tx, child)? {
        return Err(Error::invalid(format!("ticket #{child} is an incident itself: incidents do not nest")));
    }
    if let Some(other) = rows::parent_of(cx.tx, child)? {
        return Err(Error::invalid(format!("ticket #{child} is already a caller of incident #{other}")));
    }
    if !c.status.is_active() {
        return Err(Error::invalid(format!(
            "ticket #{child} is {}: only open tickets join an incident",
            c.status
        )));
    }
    if !rows::is_incident(cx.tx, parent)? {
        make_incident(cx, parent)?;
    }
    rows::insert(cx.tx, "parent", child, parent, cx.now, cx.me.id)?;
    cx.event_change(
        child,
        EventKind::Linked,
        true,
        None,
        None,
        Some(&format!("caller of incident #{parent}")),
    )?;
    cx.event_change(parent, EventKind::Linked, true, None, None, Some(&format!("caller #{child}")))?;
    cx.audit("link", "ticket", &child.to_string(), Some(&format!("caller of incident #{parent}")))?;
    save(cx, &c)?;
    let p = ticket_rows::get(cx.tx, p.id)?;
    save(cx, &p)
}

/// `ticket merge DUP --into TARGET`, refused (conflict) when either side
/// changed since the versions given.
pub fn merge(
    cx: &mut Ctx<'_>,
    dup: TicketId,
    target: TicketId,
    dup_v: Option<Version>,
    target_v: Option<Version>,
) -> Result<Ticket> {
    distinct(dup, target)?;
    let mut d = load_for_change(cx, dup, dup_v)?;
    let t = load_for_change(cx, target, target_v)?;
    require_can_work(cx, &d, "merge")?;
    require_can_work(cx, &t, "merge into")?;
    if let Some(other) = rows::merged_into(cx.tx, dup)? {
        return Err(Error::invalid(format!("ticket #{dup} was already merged into #{other}")));
    }
    if let Some(other) = rows::merged_into(cx.tx, target)? {
        return Err(Error::invalid(format!(
            "ticket #{target} was merged into #{other}: merge into #{other}"
        )));
    }
    if d.status == Status::Closed {
        return Err(Error::invalid(format!("ticket #{dup} is closed: reopen it to merge it")));
    }
    if t.status == Status::Closed {
        return Err(Error::invalid(format!("ticket #{target} is closed: reopen it first")));
    }
    if rows::is_incident(cx.tx, dup)? {
        return Err(Error::invalid(format!(
            "ticket #{dup} is an incident: link its callers elsewhere first"
        )));
    }
    // Everything the duplicate said, in order: the target keeps it whole.
    let history = events::for_ticket(cx.tx, dup)?;
    let mut public =
        vec![format!("Merged from #{dup} ({} <{}>): {}", d.requester_name, d.requester, d.subject)];
    if !d.body.is_empty() {
        public.push(d.body.clone());
    }
    let mut internal = Vec::new();
    for e in &history {
        let Some(body) = e.body.as_deref() else { continue };
        let who = e.tech.as_deref().unwrap_or("requester");
        let line = format!("[{} {} by {who}]\n{body}", e.at.format("%Y-%m-%d %H:%M"), e.kind);
        if e.internal {
            internal.push(line);
        } else {
            public.push(line);
        }
    }
    // Internal on the target: it is another requester's correspondence.
    cx.event_change(
        target,
        EventKind::Merged,
        true,
        Some(&public.join("\n\n")),
        Some(&dup.to_string()),
        None,
    )?;
    if !internal.is_empty() {
        let body = format!("Internal notes of #{dup}:\n\n{}", internal.join("\n\n"));
        cx.event(target, EventKind::Note, true, Some(&body))?;
    }
    attachments::copy_to(cx.tx, dup, target, cx.now)?;
    if d.requester_id != t.requester_id {
        rows::add_participant(cx.tx, target, d.requester_id, cx.now)?;
    }
    for p in rows::participants(cx.tx, dup)? {
        if let Some(r) = crate::store::directory::find_requester(cx.tx, &p)? {
            if r.id != t.requester_id {
                rows::add_participant(cx.tx, target, r.id, cx.now)?;
            }
        }
    }
    rows::insert(cx.tx, "merged", dup, target, cx.now, cx.me.id)?;
    cx.event_change(
        dup,
        EventKind::Merged,
        false,
        Some(&format!("Merged into #{target}")),
        None,
        Some(&target.to_string()),
    )?;
    set_status(cx, &mut d, Status::Closed)?;
    cx.audit("merge", "ticket", &dup.to_string(), Some(&format!("into #{target}")))?;
    save(cx, &d)?;
    save(cx, &t)
}

/// A public reply on an incident that also goes to every caller, each on
/// their own ticket's thread; one message per person.
pub fn broadcast(cx: &mut Ctx<'_>, parent: TicketId, text: &str) -> Result<Vec<TicketId>> {
    if !rows::is_incident(cx.tx, parent)? {
        return Err(Error::invalid(format!("ticket #{parent} is not an incident: --to-children needs one")));
    }
    let body = tickets::text("reply", text)?;
    let p = tickets::add_note(cx, parent, &body, Visibility::Public)?;
    let mut reached: BTreeSet<String> = BTreeSet::new();
    reached.insert(p.requester.to_lowercase());
    for other in rows::participants(cx.tx, parent)? {
        reached.insert(other.to_lowercase());
    }
    let mut answered = Vec::new();
    for child in rows::children(cx.tx, parent)? {
        let mut c = ticket_rows::get(cx.tx, child)?;
        if !c.status.is_active() {
            continue;
        }
        let event = cx.event(child, EventKind::Reply, false, Some(&body))?;
        if reached.insert(c.requester.to_lowercase()) {
            mail::outbox::queue_reply_to(cx, &c, event, &c.requester)?;
        }
        c.first_response_at.get_or_insert(cx.now);
        if c.status == Status::New {
            set_status(cx, &mut c, Status::Open)?;
        }
        save(cx, &c)?;
        answered.push(child);
    }
    Ok(answered)
}

/// Called when an incident is resolved: its callers' tickets are resolved
/// with the same message. Each child's SLA clocks stop now (its own
/// figures), and an Incident event before the resolution marks it as not a
/// first-contact resolution (see report::timeline).
pub fn resolve_children(cx: &mut Ctx<'_>, parent: TicketId, message: &str) -> Result<Vec<TicketId>> {
    if !rows::is_incident(cx.tx, parent)? {
        return Ok(Vec::new());
    }
    let mut done = Vec::new();
    for child in rows::children(cx.tx, parent)? {
        let mut c = ticket_rows::get(cx.tx, child)?;
        if !c.status.is_active() {
            continue;
        }
        cx.event_change(
            child,
            EventKind::Incident,
            true,
            Some("Resolved with its incident"),
            None,
            Some(&parent.to_string()),
        )?;
        let event = cx.event(child, EventKind::Reply, false, Some(message))?;
        mail::outbox::queue_reply(cx, &c, event)?;
        c.first_response_at.get_or_insert(cx.now);
        set_status(cx, &mut c, Status::Resolved)?;
        save(cx, &c)?;
        done.push(child);
    }
    Ok(done)
}

/// How the queue shows incidents: each once with its callers' count, the
/// callers' own tickets folded under it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncidentView {
    pub callers: HashMap<TicketId, usize>,
    pub children: BTreeSet<TicketId>,
}

pub fn incident_view(conn: &Connection) -> Result<IncidentView> {
    Ok(IncidentView {
        callers: rows::incident_counts(conn)?.into_iter().collect(),
        children: rows::all_children(conn)?.into_iter().collect(),
    })
}

impl Desk {
    pub fn link_related(&mut self, a: TicketId, b: TicketId) -> Result<()> {
        self.write(|cx| link_related(cx, a, b))
    }

    pub fn link_parent(&mut self, child: TicketId, parent: TicketId) -> Result<Ticket> {
        self.write(|cx| link_parent(cx, child, parent))
    }

    pub fn make_incident(&mut self, id: TicketId) -> Result<Ticket> {
        self.write(|cx| make_incident(cx, id))
    }

    /// A new ticket that is an incident from the start.
    pub fn new_incident(&mut self, new: &NewTicket) -> Result<Ticket> {
        self.write(|cx| {
            let t = tickets::create(cx, new)?;
            make_incident(cx, t.id)
        })
    }

    pub fn merge(
        &mut self,
        dup: TicketId,
        target: TicketId,
        dup_v: Option<Version>,
        target_v: Option<Version>,
    ) -> Result<Ticket> {
        self.write(|cx| merge(cx, dup, target, dup_v, target_v))
    }

    pub fn broadcast(&mut self, parent: TicketId, text: &str) -> Result<Vec<TicketId>> {
        self.write(|cx| broadcast(cx, parent, text))
    }

    pub fn links(&self, id: TicketId) -> Result<Vec<rows::Link>> {
        self.read(|conn, _| {
            ticket_rows::get(conn, id)?;
            rows::of(conn, id)
        })
    }

    pub fn incident_view(&self) -> Result<IncidentView> {
        self.read(|conn, _| incident_view(conn))
    }
}
