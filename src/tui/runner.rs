//! Carries out an `Effect` through the service and reports the outcome as
//! an `Action` for `App::update`.

use super::action::{Action, Effect, LoadedTicket, TicketOp};
use super::undo::{Undo, UndoOp};
use crate::domain::{Article, ArticleFilter, ArticleStatus, QueueItem, TicketFilter};
use crate::domain::{ArticleId, TicketId, Version};
use crate::report::Week;
use crate::search::{ArticleScope, SuggestContext};
use crate::service::convert::ToArticle;
use crate::service::kb::ArticleEdit;
use crate::service::reports::{ReportQuery, TrendQuery};
use crate::service::sla::QueueOptions;
use crate::service::tickets::{Resolution, Visibility};
use crate::service::Desk;

/// Carries out `effect`; returns what happened, if the app needs to know.
pub fn run(desk: &mut Desk, effect: Effect) -> Option<Action> {
    let result = match effect {
        Effect::LoadQueue(filter) => load_queue(desk, &filter).map(Action::QueueLoaded),
        Effect::LoadTicket(id) => desk.ticket(id).map(|detail| {
            let sla = desk.sla_state(&detail.ticket).ok();
            Action::TicketLoaded(Box::new(LoadedTicket { detail, sla }))
        }),
        Effect::LoadCanned => desk.canned_list(None).map(Action::CannedLoaded),
        Effect::RenderCanned { ticket_id, canned_id } => {
            desk.render_canned(ticket_id, canned_id).map(|text| Action::CannedPreview(canned_id, text))
        }
        Effect::LoadTechs => desk.techs().map(Action::TechsLoaded),
        Effect::GatherBurst(id) => super::incidents::gather(desk, id),
        Effect::LoadAttachments(id) => desk.attachments(id).map(|rows| Action::AttachmentsLoaded(id, rows)),
        Effect::OpenAttachment(id, n) => super::files::open(desk, id, n).map(Action::Done),
        Effect::LoadSchools => {
            desk.schools().map(|s| Action::SchoolsLoaded(s.into_iter().map(|s| s.code).collect()))
        }
        Effect::LoadRequesters => desk
            .requesters(None)
            .map(|r| Action::RequestersLoaded(r.into_iter().map(|r| (r.email, r.name)).collect())),
        Effect::CreateTicket(new) => desk.create_ticket(&new).map(|t| Action::TicketCreated(Box::new(t))),
        Effect::Suggest(new) => desk
            .suggest_for_new(&new, FORM_SUGGESTIONS)
            .map(|list| Action::SuggestionsLoaded(super::form::suggest_key(&new), list)),
        Effect::CreateResolved(new, with, spent) => {
            desk.log_resolved(&new, with, spent.as_ref()).map(|t| Action::TicketCreated(Box::new(t)))
        }
        Effect::LoadArticles { query, category } => {
            load_articles(desk, &query, category).map(|a| Action::ArticlesLoaded(query, a))
        }
        Effect::ViewArticle(id) => {
            desk.view_article(id).map(|a| Action::ArticleChanged(Box::new(a), String::new()))
        }
        Effect::PublishArticle { id, version, force } => {
            desk.publish_article_checked(id, Some(version), force, "press F to publish it anyway").map(|a| {
                let undo = Undo::new(UndoOp::Publish { id, version: a.version });
                let changed = Action::ArticleChanged(Box::new(a), format!("Article #{id} published"));
                Action::Undoable(Box::new(undo), Box::new(changed))
            })
        }
        Effect::RateArticle { id, helpful } => desk.rate_article(id, helpful).map(|a| {
            let how = if helpful { "helpful" } else { "not helpful" };
            Action::ArticleChanged(Box::new(a), format!("Article #{id} rated {how}"))
        }),
        Effect::EditArticle { id, version } => edit_article(desk, id, version, crate::present::editor::edit),
        Effect::ComposeArticle { ticket_id, article_id, how } => {
            desk.article_message(article_id).map(|text| {
                Action::ArticleComposed(Box::new(super::action::ArticleAnswer {
                    ticket_id,
                    article_id,
                    how,
                    text,
                }))
            })
        }
        Effect::PreviewSuggestion { suggestion, requester_name } => {
            preview(desk, &suggestion, requester_name)
        }
        Effect::LoadDashboard => this_week(desk).map(|w| Action::DashboardLoaded(Box::new(w))),
        Effect::LoadTrend(week) => desk
            .trend(&TrendQuery { weeks: TREND_WEEKS, until: Some(week), school: None })
            .map(|t| Action::TrendLoaded(week, t)),
        Effect::LoadReuse { source, requester_name } => desk
            .reusable_reply(source, requester_name.as_deref())
            .map(|r| Action::ReuseLoaded(source, r.text)),
        Effect::ToArticle(ticket, force) => {
            let opts = ToArticle {
                force,
                how_to_force: Some("press F to write it anyway".into()),
                ..ToArticle::default()
            };
            desk.ticket_to_article(ticket, &opts).map(|a| {
                let msg =
                    format!("Draft article #{} written from #{ticket}: K opens the knowledge base", a.id);
                Action::ArticleChanged(Box::new(a), msg)
            })
        }
        Effect::Ticket { id, version, op } => {
            let reply = match &op {
                TicketOp::Reply(text) => Some(text.clone()),
                _ => None,
            };
            let undoable = matches!(op, TicketOp::Take | TicketOp::Close).then(|| op.clone());
            return Some(match (ticket_op(desk, id, version, op), reply) {
                (Ok(Action::TicketChanged(t, msg)), _) if undoable.is_some() => {
                    let version = t.version;
                    let op = match undoable {
                        Some(TicketOp::Take) => UndoOp::Take { id, version },
                        _ => UndoOp::Close { id, version },
                    };
                    Action::Undoable(Box::new(Undo::new(op)), Box::new(Action::TicketChanged(t, msg)))
                }
                (Ok(action), _) => action,
                (Err(crate::Error::Conflict(msg)), Some(text)) => Action::ReplyConflict(id, text, msg),
                (Err(crate::Error::Conflict(msg)), None) => Action::Conflict(id, msg),
                (Err(e), _) => Action::Failed(e.to_string()),
            });
        }
        Effect::SaveDraft { ticket, kind, text } => {
            let ticket = (ticket != TicketId(0)).then_some(ticket);
            return desk
                .save_draft(ticket, kind, &text)
                .err()
                .map(|e| Action::Failed(format!("draft not saved: {e}")));
        }
        Effect::LoadDrafts => desk.drafts().map(Action::DraftsLoaded),
        Effect::LoadNotices => desk.queue_notices().map(Action::NoticesLoaded),
        Effect::LoadCaller(email) => desk.caller_tickets(&email).map(|t| Action::CallerLoaded(email, t)),
        Effect::FillCanned { ticket_id, canned_id, answers, resolve } => desk
            .render_canned_with(ticket_id, canned_id, &answers)
            .map(|text| Action::CannedFilled(canned_id, resolve, text)),
        Effect::Undo(op) => undo(desk, op),
        Effect::Presence(id) => {
            desk.presence_beat(id).and_then(|()| desk.others_viewing(id)).map(|who| Action::Viewers(id, who))
        }
        // Leaving is best effort: the heartbeat expires on its own.
        Effect::LeavePresence(id) => {
            return desk.presence_leave(id).err().map(|e| Action::Failed(e.to_string()))
        }
    };
    Some(result.unwrap_or_else(|e| Action::Failed(e.to_string())))
}

/// A suggested answer in full: an article's whole text (a technician may
/// read an internal one), or the solved ticket's reply as it would be
/// offered to this requester (their name replaced).
fn preview(
    desk: &Desk,
    s: &crate::search::Suggestion,
    requester_name: Option<String>,
) -> crate::Result<Action> {
    use crate::search::SuggestionKind;
    match s.kind {
        SuggestionKind::Article => {
            let a = desk.article(ArticleId(s.id))?;
            let title = format!("KB#{} {} ({}, {})", a.id, a.title, a.status, a.audience);
            Ok(Action::PreviewLoaded(title, a.body))
        }
        SuggestionKind::Ticket => {
            let r = desk.reusable_reply(TicketId(s.id), requester_name.as_deref())?;
            Ok(Action::PreviewLoaded(format!("Answer that solved #{}: {}", s.id, s.title), r.text))
        }
    }
}

/// The reverse of a close, take or publish, against the version it left.
fn undo(desk: &mut Desk, op: UndoOp) -> crate::Result<Action> {
    Ok(match op {
        UndoOp::Close { id, version } => {
            let t = desk.undo_close(id, version)?;
            let msg = format!("Undone: #{id} is {} again", t.status);
            Action::TicketChanged(Box::new(t), msg)
        }
        UndoOp::Take { id, version } => {
            let t = desk.undo_take(id, version)?;
            let msg = format!("Undone: #{id} is {}'s again", t.assignee.as_deref().unwrap_or("nobody"));
            Action::TicketChanged(Box::new(t), msg)
        }
        UndoOp::Publish { id, version } => {
            let a = desk.unpublish_article(id, version)?;
            Action::ArticleChanged(Box::new(a), format!("Undone: article #{id} is a draft again"))
        }
    })
}

/// Weeks of trend on the dashboard (this one included).
const TREND_WEEKS: u32 = 8;

/// This week so far per school. The week is the default calendar's: a
/// trust's schools share one time zone in practice.
fn this_week(desk: &Desk) -> crate::Result<crate::report::WeeklyReport> {
    let this = Week::at(desk.now(), desk.default_tz()?);
    desk.weekly_report(&ReportQuery { week: Some(this), ..ReportQuery::default() })
}

/// How many answers the new-ticket form shows.
const FORM_SUGGESTIONS: usize = 6;

/// The knowledge-base list: drafts and published articles, searched when
/// there is a query (best first), else listed.
fn load_articles(desk: &Desk, query: &str, category: Option<String>) -> crate::Result<Vec<Article>> {
    if query.trim().is_empty() {
        let filter = ArticleFilter { category, limit: Some(ARTICLE_LIMIT), ..ArticleFilter::default() };
        return desk.articles(&filter);
    }
    let scope = ArticleScope {
        statuses: vec![ArticleStatus::Draft, ArticleStatus::Published],
        audience: None,
        category,
    };
    let hits = desk.search_articles(query, &scope, &SuggestContext::default(), 50)?;
    Ok(hits.into_iter().map(|h| h.article).collect())
}

const ARTICLE_LIMIT: usize = 500;

/// Edits an article's body with `editor` (the loop suspends the terminal
/// around this); an unchanged body writes nothing.
pub fn edit_article(
    desk: &mut Desk,
    id: ArticleId,
    version: Version,
    editor: impl FnOnce(&str) -> crate::Result<String>,
) -> crate::Result<Action> {
    let article = desk.article(id)?;
    let body = editor(&article.body)?;
    let edit = ArticleEdit { body: Some(body), ..ArticleEdit::default() };
    let (a, changed) = desk.edit_article(id, &edit, Some(version))?;
    let msg = if changed { format!("Article #{id} saved") } else { format!("Article #{id} unchanged") };
    Ok(Action::ArticleChanged(Box::new(a), msg))
}

/// Active work comes ordered by SLA urgency; views that include resolved
/// and closed tickets use the database's order and limit instead, so "any
/// status" on a large database never loads every ticket.
fn load_queue(desk: &Desk, filter: &TicketFilter) -> crate::Result<Vec<QueueItem>> {
    let done = filter.include_done || filter.statuses.iter().any(|s| !s.is_active());
    if !done {
        return super::incidents::fold(desk, desk.queue(filter, &QueueOptions::default())?);
    }
    let tickets = desk.tickets(filter)?;
    let states = desk.sla_states(&tickets)?;
    Ok(tickets.into_iter().zip(states).map(|(ticket, sla)| QueueItem { ticket, sla }).collect())
}

fn ticket_op(desk: &mut Desk, id: TicketId, version: Version, op: TicketOp) -> crate::Result<Action> {
    let v = Some(version);
    let (ticket, msg) = match op {
        TicketOp::Take => (desk.take(id, v)?, format!("You have #{id}")),
        TicketOp::Assign(login) => {
            let t = desk.assign(id, &login, v)?;
            (t, format!("#{id} assigned to {login}"))
        }
        // Notes append without a version check: appending never conflicts,
        // except a reply on a ticket that was resolved meanwhile.
        TicketOp::Reply(text) => (desk.reply_seen(id, &text, version)?, format!("Reply sent on #{id}")),
        TicketOp::ReplyAnyway(text) => {
            (desk.add_note(id, &text, Visibility::Public)?, format!("Reply sent on #{id}"))
        }
        TicketOp::Note(text) => {
            (desk.add_note(id, &text, Visibility::Internal)?, format!("Internal note added to #{id}"))
        }
        TicketOp::Escalate(tier, reason) => {
            (desk.escalate(id, tier, &reason, v)?, format!("#{id} escalated to tier {tier}"))
        }
        TicketOp::Handback(tier, note) => {
            (desk.handback(id, tier, &note, v)?, format!("#{id} handed back to tier {tier}"))
        }
        TicketOp::Resolve(message) => {
            (desk.resolve(id, &Resolution::message(message), v)?, format!("#{id} resolved"))
        }
        // The same calls as `ticket resolve --minutes` and `ticket time`:
        // with a resolution, the entry is written in its transaction.
        TicketOp::ResolveWithTime(message, spent) => {
            let minutes = crate::domain::worktime::format_minutes(spent.minutes);
            let t = desk.with_time(id, Some(spent)).resolve(id, &Resolution::message(message), v)?;
            (t, format!("#{id} resolved; {minutes} logged"))
        }
        TicketOp::LogTime(spent) => {
            let minutes = crate::domain::worktime::format_minutes(spent.minutes);
            desk.log_time(id, &spent)?;
            (desk.ticket(id)?.ticket, format!("{minutes} logged on #{id}"))
        }
        TicketOp::Pending(question) => {
            (desk.set_pending(id, Some(&question), v)?, format!("#{id} is waiting on the requester"))
        }
        TicketOp::Resume => (desk.open_ticket(id, v)?, format!("#{id} is back in progress")),
        TicketOp::ApplyCanned { canned_id, resolve } => {
            let t = desk.apply_canned(id, &canned_id.to_string(), resolve, v)?;
            let what = if resolve { "applied; resolved" } else { "sent" };
            (t, format!("Canned solution {what} on #{id}"))
        }
        TicketOp::Reopen => (desk.reopen(id, v)?, format!("#{id} reopened")),
        TicketOp::Close => (desk.close(id, v)?, format!("#{id} closed")),
        TicketOp::Link(other) => {
            desk.link_related(id, other)?;
            (desk.ticket(id)?.ticket, format!("#{id} linked to #{other}"))
        }
        // The merged ticket closes: the screen moves to the one that carries on.
        TicketOp::Merge(into) => {
            let target = desk.merge(id, into, v, None)?;
            let msg = format!("#{id} merged into #{into} (closed; now showing #{into})");
            return Ok(Action::TicketMerged { from: id, into: Box::new(target), msg });
        }
        TicketOp::SendArticle { article, text, how } => {
            let t = desk.send_article(id, article, &text, how, version)?;
            let what = match how {
                super::action::SendAs::Reply => "sent as the reply on",
                super::action::SendAs::Resolution => "sent; resolved",
            };
            (t, format!("Article #{article} {what} #{id} (linked)"))
        }
        TicketOp::LinkArticle(article) => {
            let new = desk.link_article(id, article)?;
            let msg = if new {
                format!("Article #{article} linked to #{id}")
            } else {
                format!("Article #{article} was already linked to #{id}")
            };
            (desk.ticket(id)?.ticket, msg)
        }
        TicketOp::SendCanned { canned_id, text, resolve, spent } => {
            // A resolve carries the time asked for (issue 21), in the same change.
            let logged = spent.as_ref().map(|s| crate::domain::worktime::format_minutes(s.minutes));
            let t = desk.with_time(id, spent).apply_canned_edited(id, canned_id, &text, resolve, v)?;
            let what = if resolve { "sent; resolved" } else { "sent" };
            let time = logged.map(|m| format!("; {m} logged")).unwrap_or_default();
            (t, format!("Canned solution {what} on #{id}{time}"))
        }
        TicketOp::Parent(parent) => {
            desk.link_parent(id, parent)?;
            (desk.ticket(id)?.ticket, format!("#{id} is a caller of incident #{parent}"))
        }
    };
    Ok(Action::TicketChanged(Box::new(ticket), msg))
}
