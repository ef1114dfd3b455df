//! Portal sign-in: a requester proves an address is theirs by following a
//! one-time link mailed to it. Only the SHA-256 of the 256-bit token is
//! stored; a link works once and for `LINK_MINUTES`. A request typed before
//! signing in waits with the link and becomes a ticket (source
//! `self-service`, timeline, SLA, acknowledgement: the usual `create`) in
//! the same transaction that uses the link. Then a session (random id,
//! stored hashed) keeps the browser signed in for `SESSION_HOURS`.

use super::portal::{count, random_hex, school_of_email, token_hash, Metric};
use super::{tickets, Desk};
use crate::domain::TicketId;
use crate::domain::{self, NewTicket, Source};
use crate::store::portal as rows;
use crate::{Error, Result};
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// How long a sign-in link works.
pub const LINK_MINUTES: i64 = 30;
/// How long a browser stays signed in.
pub const SESSION_HOURS: i64 = 12;
/// Sign-in links one address may be sent per hour (a mailbox is not a
/// target to flood, whoever asks).
pub const LINKS_PER_HOUR: i64 = 5;
pub const MAX_NAME: usize = 200;
pub const MAX_DETAILS: usize = 20_000;

/// A request typed before its address was proved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestDraft {
    pub name: String,
    pub subject: String,
    pub details: String,
    pub category: Option<String>,
}

/// What asking for a sign-in link did. The answer a requester sees is the
/// same whether or not the address is already known (no enumeration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// A link was queued for the address (the link itself, for a demo
    /// server to print: a real one never shows it).
    Sent(String),
    /// Too many links for this address lately.
    TooMany,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The cookie value (only its hash is stored).
    pub token: String,
    pub email: String,
    /// The ticket logged from the waiting request, if there was one.
    pub ticket: Option<TicketId>,
}

/// A signed-in requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub email: String,
    pub school: Option<String>,
}

/// Checks a request's fields before a link is sent (so the requester hears
/// about a missing subject now, not after following the link).
pub fn check_draft(d: &RequestDraft, categories: &[String]) -> Result<RequestDraft> {
    let name = domain::required_text("name", &d.name, MAX_NAME)?;
    let subject = domain::required_text("subject", &d.subject, tickets::MAX_SUBJECT)?;
    let details = domain::required_text("details", &d.details, MAX_DETAILS)?;
    let category = match d.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if categories.iter().any(|k| k == c) => Some(c.to_string()),
        Some(c) => return Err(Error::invalid(format!("unknown category '{c}': pick one from the list"))),
        None => None,
    };
    Ok(RequestDraft { name, subject, details, category })
}

fn invalid_link() -> Error {
    Error::not_found("this sign-in link has expired or was already used: ask for a new one")
}

impl Desk {
    /// Queues a one-time sign-in link to `email` (with the request that
    /// waits for it, if any). Refuses addresses outside every school's
    /// domains; otherwise the outcome does not depend on whether the
    /// requester is known.
    pub fn portal_send_link(
        &mut self,
        email: &str,
        draft: Option<&RequestDraft>,
        base_url: &str,
    ) -> Result<LinkOutcome> {
        let email = domain::normalize_email(email)
            .map_err(|_| Error::invalid("enter your school email address, like j.smith@school.sch.uk"))?;
        let categories = self.portal_categories()?;
        let draft = draft.map(|d| check_draft(d, &categories)).transpose()?;
        let token = random_hex(32)?;
        let link = format!("{}/signin/{token}", base_url.trim_end_matches('/'));
        self.write(|cx| {
            if school_of_email(cx.tx, &email)?.is_none() {
                return Err(Error::invalid(
                    "only school email addresses can be used here: use the address your school gave you",
                ));
            }
            rows::purge_expired(cx.tx, cx.now)?;
            if rows::signins_since(cx.tx, &email, cx.now - Duration::hours(1))? >= LINKS_PER_HOUR {
                return Ok(LinkOutcome::TooMany);
            }
            let request = draft
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| Error::runtime(e.to_string()))?;
            let expires_at = cx.now + Duration::minutes(LINK_MINUTES);
            rows::insert_signin(
                cx.tx,
                &rows::NewSignin {
                    token_hash: &token_hash(&token),
                    email: &email,
                    name: draft.as_ref().map(|d| d.name.as_str()),
                    request: request.as_deref(),
                    now: cx.now,
                    expires_at,
                },
            )?;
            let body = super::portal_mail::signin_body(&link, draft.as_ref().map(|d| d.subject.as_str()));
            rows::enqueue_mail(
                cx.tx,
                &rows::NewMail {
                    recipient: &email,
                    subject: "Your sign-in link for IT Support",
                    body: &body,
                    now: cx.now,
                    expires_at,
                },
            )?;
            Ok(LinkOutcome::Sent(link.clone()))
        })
    }

    /// Whether a sign-in link would still work (for the page that asks the
    /// requester to confirm; following the link itself changes nothing, so
    /// a mail scanner opening it does not use it up).
    pub fn portal_link_is_live(&self, token: &str) -> Result<bool> {
        let now = self.now();
        self.read(|conn, _| {
            Ok(rows::find_signin(conn, &token_hash(token))?.is_some_and(|s| !s.used && s.expires_at > now))
        })
    }

    /// Uses a sign-in link: once, before it expires. Logs the waiting
    /// request as a ticket and opens a session, in one transaction.
    pub fn portal_sign_in(&mut self, token: &str) -> Result<Session> {
        let hash = token_hash(token);
        let session = random_hex(32)?;
        // The waiting request's acknowledgement is ranked outside the write
        // lock (see `ack::Ready`); the link is checked again inside.
        let now = self.now();
        let waiting = rows::find_signin(self.store.conn(), &hash).ok().flatten();
        let waiting = waiting.filter(|s| !s.used && s.expires_at > now);
        if let Some(new) = waiting.as_ref().and_then(|s| request_ticket(s).ok().flatten()) {
            self.rank_ack_before_write(&new);
        }
        self.write(|cx| {
            let s = rows::find_signin(cx.tx, &hash)?.ok_or_else(invalid_link)?;
            if s.used || s.expires_at <= cx.now || !rows::use_signin(cx.tx, &hash, cx.now)? {
                return Err(invalid_link());
            }
            let ticket = match request_ticket(&s)? {
                Some(new) => {
                    let t = tickets::create(cx, &new)?;
                    count(cx.tx, Metric::Submitted, Some(&t.school), cx.now)?;
                    Some(t.id)
                }
                None => None,
            };
            let expires = cx.now + Duration::hours(SESSION_HOURS);
            rows::insert_session(cx.tx, &token_hash(&session), &s.email, cx.now, expires)?;
            Ok(Session { token: session.clone(), email: s.email.clone(), ticket })
        })
    }
}

/// The ticket a sign-in link's waiting request makes, if it has one.
fn request_ticket(s: &rows::Signin) -> Result<Option<NewTicket>> {
    let Some(json) = s.request.as_deref() else { return Ok(None) };
    let d: RequestDraft =
        serde_json::from_str(json).map_err(|e| Error::runtime(format!("stored request: {e}")))?;
    Ok(Some(NewTicket {
        subject: d.subject,
        body: d.details,
        requester: s.email.clone(),
        requester_name: Some(d.name),
        category: d.category,
        source: Some(Source::SelfService),
        ..NewTicket::default()
    }))
}

impl Desk {
    /// The requester a session cookie belongs to, while it lasts.
    pub fn portal_session(&self, token: &str) -> Result<Option<Requester>> {
        let now = self.now();
        self.read(|conn, _| match rows::session_email(conn, &token_hash(token), now)? {
            Some(email) => Ok(Some(Requester { school: school_of_email(conn, &email)?, email })),
            None => Ok(None),
        })
    }

    /// A signed-in requester logs a new request (their address is proved).
    pub fn portal_submit(&mut self, who: &Requester, draft: &RequestDraft) -> Result<TicketId> {
        self.portal_submit_with(who, draft, None)
    }

    /// A request with an optional screenshot, both in one transaction: a
    /// refused image leaves no ticket behind.
    pub fn portal_submit_with(
        &mut self,
        who: &Requester,
        draft: &RequestDraft,
        screenshot: Option<&crate::service::attachments::Upload>,
    ) -> Result<TicketId> {
        let categories = self.portal_categories()?;
        let d = check_draft(draft, &categories)?;
        let new = NewTicket {
            subject: d.subject,
            body: d.details,
            requester: who.email.clone(),
            requester_name: Some(d.name),
            category: d.category,
            source: Some(Source::SelfService),
            ..NewTicket::default()
        };
        self.rank_ack_before_write(&new);
        self.write(|cx| {
            let t = tickets::create(cx, &new)?;
            if let Some(up) = screenshot {
                crate::service::attachments::attach_from_portal(
                    cx,
                    t.id,
                    &up.name,
                    &up.content_type,
                    &up.data,
                )?;
            }
            count(cx.tx, Metric::Submitted, Some(&t.school), cx.now)?;
            Ok(t.id)
        })
    }

    pub fn portal_sign_out(&mut self, token: &str) -> Result<()> {
        self.write(|cx| rows::delete_session(cx.tx, &token_hash(token)))
    }
}
