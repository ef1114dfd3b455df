//! `ticket ...`: log, list, show and work tickets.

use super::directory::parse_tier;
use super::output::{self, age, fit, safe, time};
use super::shared::IfVersion;
use super::Invocation;
use crate::domain::{ArticleId, TicketId};
use crate::domain::{
    EventKind, NewTicket, Priority, QueueItem, SlaState, Source, Status, Ticket, TicketDetail, TicketFilter,
    Tier,
};
use crate::service::sla::{QueueOptions, QueueOrder};
use crate::service::tickets::{Resolution, Visibility};
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
fn parse_source(s: &str) -> Result<Source, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
fn parse_status(s: &str) -> Result<Status, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
fn parse_order(s: &str) -> Result<QueueOrder, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
fn parse_score(s: &str) -> Result<i64, String> {
    let n = s.trim().parse::<i64>().unwrap_or(0);
    crate::service::rating::check_score(n).map_err(|_| {
        format!(
            "invalid score '{}': expected a whole number from 1 (very unhappy) to 5 (very happy)",
            s.trim()
        )
    })
}

#[derive(Debug, Subcommand)]
pub enum TicketCmd {
    /// Log a ticket.
    New(NewArgs),
    /// List tickets (active ones unless --status or --all).
    List(ListArgs),
    /// Show a ticket and its whole timeline.
    Show { id: TicketId },
    /// Add a public reply or an internal note.
    Note {
        id: TicketId,
        /// Technicians only: never shown to the requester.
        #[arg(long, conflicts_with = "public", required_unless_present = "public")]
        internal: bool,
        /// A reply the requester sees.
        #[arg(long)]
        public: bool,
        /// On an incident: also send the reply to every caller, on their own ticket.
        #[arg(long, requires = "public")]
        to_children: bool,
        text: String,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Link a related ticket (--to) or attach a caller to a major incident (--parent).
    Link(super::incident::LinkArgs),
    /// Merge a duplicate into another ticket: it closes with a pointer, nothing is lost.
    Merge(super::incident::MergeArgs),
    /// Make a ticket (or a new one) a major incident that callers' tickets join.
    Incident(super::incident::IncidentArgs),
    /// Attach a file to a ticket (--internal: technicians only).
    Attach(super::incident::AttachArgs),
    /// List a ticket's attachments, numbered from 1.
    Attachments { id: TicketId },
    /// Gather tickets under one incident (the first, unless one already is).
    Gather {
        #[arg(required = true, num_args = 2..)]
        ids: Vec<TicketId>,
    },
    /// Work with one attachment.
    #[command(subcommand)]
    Attachment(super::incident::AttachmentCmd),
    /// Assign a ticket to yourself.
    Take {
        id: TicketId,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Assign a ticket to a technician.
    Assign {
        id: TicketId,
        login: String,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Move a ticket up a tier; the reason is kept as an internal note.
    Escalate {
        id: TicketId,
        #[arg(long, value_parser = parse_tier)]
        to: Tier,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Hand a ticket down a tier with a note saying what to do (shift left).
    Handback {
        id: TicketId,
        #[arg(long, value_parser = parse_tier)]
        to: Tier,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Resolve a ticket: with a public message, the article that solved it, or a canned solution.
    #[command(group = clap::ArgGroup::new("how").required(true).multiple(false))]
    Resolve {
        id: TicketId,
        /// The public reply telling the requester what was done.
        #[arg(long, group = "how")]
        message: Option<String>,
        /// The knowledge-base article that solved it (linked, its use counted).
        #[arg(long, group = "how", value_name = "ARTICLE_ID")]
        article: Option<ArticleId>,
        /// A canned solution (id or title) sent as the resolving reply.
        #[arg(long, group = "how", value_name = "ID")]
        canned: Option<String>,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Wait on the requester: the SLA clocks stop until the ticket is opened again.
    Pending {
        id: TicketId,
        /// A question for the requester (a public reply).
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Back to work on a pending (or new) ticket: the requester answered; the SLA clocks restart.
    Open {
        id: TicketId,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Reopen a resolved or closed ticket.
    Reopen {
        id: TicketId,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Close a ticket.
    Close {
        id: TicketId,
        #[command(flatten)]
        v: IfVersion,
        #[command(flatten)]
        spent: super::time::Spent,
    },
    /// Write a knowledge-base article from a resolved or closed ticket: the
    /// subject as title, the problem and the public resolution (internal
    /// notes only with --include-internal, which makes the article internal).
    /// Refused with exit code 2, listing them, when existing articles already
    /// cover the same answer; --force writes it anyway.
    ToArticle(super::kb_convert::ToArticleArgs),
    /// Log time spent on a ticket (MINUTES, 1h10, 45m; negative to correct),
    /// or list its time entries without MINUTES.
    Time(super::time::TimeArgs),
    /// Record what the requester said about a resolved or closed ticket: a score from
    /// 1 (very unhappy) to 5 (very happy); a new rating replaces the score, the timeline keeps both.
    Rate {
        id: TicketId,
        /// 1 (very unhappy) to 5 (very happy).
        #[arg(long, value_parser = parse_score, allow_negative_numbers = true)]
        score: i64,
        /// What the requester said (kept on the ticket; never shown in reports).
        #[arg(long)]
        comment: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[arg(long)]
    pub subject: String,
    /// Requester email.
    #[arg(long)]
    pub requester: String,
    /// Add the requester with this name if they are not known yet.
    #[arg(long)]
    pub requester_name: Option<String>,
    #[arg(long, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the body from a file (`-` for stdin).
    #[arg(long)]
    pub body_file: Option<PathBuf>,
    #[arg(long, value_parser = parse_priority)]
    pub priority: Option<Priority>,
    #[arg(long)]
    pub category: Option<String>,
    /// phone, email, walk-in or self-service (default phone).
    #[arg(long, value_parser = parse_source)]
    pub source: Option<Source>,
    /// Keep the ticket at your own tier, assigned to you (tier 2/3).
    #[arg(long)]
    pub keep: bool,
    /// Resolve it at first contact with this published article (linked, its use counted).
    #[arg(long, value_name = "ARTICLE_ID")]
    pub resolve_with: Option<ArticleId>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these statuses (repeat or comma-separate).
    #[arg(long, value_parser = parse_status, value_delimiter = ',')]
    pub status: Vec<Status>,
    #[arg(long, value_parser = parse_tier)]
    pub tier: Option<Tier>,
    #[arg(long)]
    pub school: Option<String>,
    /// Only tickets assigned to you.
    #[arg(long)]
    pub mine: bool,
    /// Include resolved and closed tickets.
    #[arg(long)]
    pub all: bool,
    /// Only tickets past an SLA due time.
    #[arg(long)]
    pub breaching: bool,
    /// Only tickets with under 25% of an SLA target left.
    #[arg(long)]
    pub at_risk: bool,
    /// urgency (default: breached first, then least working time left), oldest, newest or priority.
    #[arg(long, value_parser = parse_order, default_value = "urgency")]
    pub sort: QueueOrder,
    #[arg(long)]
    pub limit: Option<usize>,
}

fn read_body(args: &NewArgs) -> Result<String> {
    match (&args.body, &args.body_file) {
        (Some(b), _) => Ok(b.clone()),
        (None, Some(p)) if p.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| Error::invalid(format!("cannot read the body from stdin: {e}")))?;
            Ok(s)
        }
        (None, Some(p)) => crate::safe_fs::read_user_text(p)
            .map_err(|e| Error::invalid(format!("cannot read body file {}: {e}", p.display()))),
        (None, None) => Ok(String::new()),
    }
}

pub fn run(inv: &Invocation, cmd: TicketCmd) -> Result<()> {
    let mut desk = inv.open()?;
    let done = |t: Ticket, what: &str| -> Result<()> {
        if inv.json {
            output::json(&t)
        } else {
            println!(
                "#{} {what} ({}, tier {}, {})",
                t.id,
                t.status,
                t.tier,
                t.assignee.as_deref().unwrap_or("unassigned")
            );
            Ok(())
        }
    };
    if let Some((id, spent)) = super::time::attached(&cmd) {
        desk.with_time(id, spent.parse()?);
    }
    match cmd {
        TicketCmd::New(args) => {
            let new = NewTicket {
                subject: args.subject.clone(),
                body: read_body(&args)?,
                requester: args.requester.clone(),
                requester_name: args.requester_name.clone(),
                priority: args.priority,
                category: args.category.clone(),
                source: args.source,
                keep: args.keep,
            };
            let (t, suggestions) = desk.log_ticket(&new, args.resolve_with)?;
            if inv.json {
                return output::json(&super::kb_convert::Logged { ticket: &t, suggestions: &suggestions });
            }
            println!(
                "Logged #{} for {} <{}> at {}: {}",
                t.id,
                safe(&t.requester_name, false),
                t.requester,
                t.school,
                safe(&t.subject, false)
            );
            super::kb_convert::print_logged(&t, args.resolve_with, &suggestions);
        }
        TicketCmd::List(args) => {
            let filter = TicketFilter {
                statuses: args.status,
                tier: args.tier,
                school: args.school.map(|s| s.to_uppercase()),
                assignee: if args.mine { Some(desk.me()?.login) } else { None },
                include_done: args.all,
                limit: args.limit,
            };
            desk.record_breaches(None)?;
            let opts = QueueOptions { breaching: args.breaching, at_risk: args.at_risk, order: args.sort };
            let items = desk.queue(&filter, &opts)?;
            let (items, marks) = super::incident::fold_queue(&desk, items)?;
            if inv.json {
                return output::json(&super::incident::queue_json(&items, &marks)?);
            }
            print_list(&super::incident::marked(items, &marks), desk.now());
            super::incident::print_bursts(&marks);
        }
        TicketCmd::Show { id } => {
            desk.record_breaches(Some(id))?;
            let detail = desk.ticket(id)?;
            let sla = desk.sla_state(&detail.ticket)?;
            if inv.json {
                let mut v = serde_json::to_value(&detail).map_err(|e| Error::runtime(e.to_string()))?;
                v["sla"] = serde_json::to_value(&sla).map_err(|e| Error::runtime(e.to_string()))?;
                super::incident::add_extras(&desk, id, &mut v)?;
                return output::json(&v);
            }
            print_detail(&detail, &sla, desk.now());
            super::incident::print_extras(&desk, id)?;
        }
        // clap's `requires` does not hold a plain flag to another flag.
        TicketCmd::Note { to_children: true, internal: true, .. } => {
            return Err(Error::invalid("--to-children sends a public reply to every caller: use --public"));
        }
        TicketCmd::Note { id, to_children: true, text, .. } => {
            super::incident::broadcast(inv.json, &mut desk, id, &text)?
        }
        TicketCmd::Link(a) => super::incident::link(inv.json, &mut desk, a)?,
        TicketCmd::Merge(a) => super::incident::merge(inv.json, &mut desk, a)?,
        TicketCmd::Incident(a) => super::incident::incident(inv.json, &mut desk, a)?,
        TicketCmd::Attach(a) => super::incident::attach(inv.json, &mut desk, a)?,
        TicketCmd::Gather { ids } => super::incident::gather(inv.json, &mut desk, &ids)?,
        TicketCmd::Attachments { id } => super::incident::list(inv.json, &desk, id)?,
        TicketCmd::Attachment(c) => super::incident::attachment(inv.json, &desk, c)?,
        TicketCmd::Note { id, internal, text, .. } => {
            let vis = if internal { Visibility::Internal } else { Visibility::Public };
            let t = desk.add_note(id, &text, vis)?;
            done(t, if internal { "internal note added" } else { "reply added" })?;
        }
        TicketCmd::Take { id, v, .. } => done(desk.take(id, v.if_version)?, "taken")?,
        TicketCmd::Assign { id, login, v, .. } => done(desk.assign(id, &login, v.if_version)?, "assigned")?,
        TicketCmd::Escalate { id, to, reason, v, .. } => {
            done(desk.escalate(id, to, &reason, v.if_version)?, "escalated")?
        }
        TicketCmd::Handback { id, to, note, v, .. } => {
            done(desk.handback(id, to, &note, v.if_version)?, "handed back")?
        }
        TicketCmd::Resolve { id, canned: Some(canned), v, .. } => {
            done(desk.apply_canned(id, &canned, true, v.if_version)?, "resolved")?
        }
        TicketCmd::Resolve { id, message, article, v, .. } => {
            let how = Resolution { message, article_id: article };
            done(desk.resolve(id, &how, v.if_version)?, "resolved")?
        }
        TicketCmd::Pending { id, message, v, .. } => {
            done(desk.set_pending(id, message.as_deref(), v.if_version)?, "pending: SLA clocks stopped")?
        }
        TicketCmd::Open { id, v, .. } => {
            done(desk.open_ticket(id, v.if_version)?, "opened: SLA clocks running")?
        }
        TicketCmd::Reopen { id, v, .. } => done(desk.reopen(id, v.if_version)?, "reopened")?,
        TicketCmd::Close { id, v, .. } => done(desk.close(id, v.if_version)?, "closed")?,
        TicketCmd::ToArticle(args) => super::kb_convert::to_article(inv, &mut desk, args)?,
        TicketCmd::Time(args) => super::time::ticket_time(inv, &mut desk, args)?,
        TicketCmd::Rate { id, score, comment } => {
            let r = desk.rate(id, score, comment.as_deref())?;
            if inv.json {
                return output::json(&r);
            }
            let was = r.previous.map(|p| format!(" (was {p}/5)")).unwrap_or_default();
            println!("#{id} rated {}/5{was}", r.score);
        }
    }
    Ok(())
}

fn print_list(items: &[QueueItem], now: crate::domain::Timestamp) {
    if items.is_empty() {
        println!("No tickets match.");
        return;
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|QueueItem { ticket: t, sla }| {
            vec![
                format!("#{}", t.id),
                t.school.clone(),
                t.status.to_string(),
                t.priority.to_string(),
                format!("T{}", t.tier),
                t.assignee.clone().unwrap_or_else(|| "-".into()),
                age(t.created_at, now),
                super::sla::left_cell(sla),
                fit(&t.requester, 28),
                fit(&t.subject, 48),
            ]
        })
        .collect();
    output::table(
        &["ID", "SCHOOL", "STATUS", "PRIORITY", "TIER", "ASSIGNEE", "AGE", "SLA", "REQUESTER", "SUBJECT"],
        &rows,
    );
}

fn print_detail(d: &TicketDetail, sla: &SlaState, now: crate::domain::Timestamp) {
    let t = &d.ticket;
    println!("#{}  {}", t.id, safe(&t.subject, false));
    println!(
        "Status: {}   Priority: {}   Tier: {}   Category: {}   Source: {}   Version: {}",
        t.status,
        t.priority,
        t.tier,
        safe(t.category.as_deref().unwrap_or("-"), false),
        t.source,
        t.version
    );
    println!(
        "School: {}   Requester: {} <{}>",
        t.school,
        safe(&t.requester_name, false),
        safe(&t.requester, false)
    );
    println!(
        "Assignee: {}   Opened: {} ({} ago)   Updated: {}",
        t.assignee.as_deref().unwrap_or("-"),
        time(t.created_at),
        age(t.created_at, now),
        time(t.updated_at)
    );
    println!("Response due: {}", super::sla::target_text(sla.response.as_ref()));
    println!("Resolve due:  {}", super::sla::target_text(sla.resolve.as_ref()));
    println!();
    println!("Timeline");
    for e in &d.events {
        let who = e.tech.as_deref().unwrap_or("requester");
        let what = match e.kind {
            EventKind::Created => format!("created by {who} (via {})", e.new_value.as_deref().unwrap_or("?")),
            EventKind::Reply => format!("PUBLIC REPLY by {who}"),
            EventKind::Note => format!("INTERNAL NOTE by {who} (technicians only)"),
            EventKind::Assigned => format!("assigned to {} by {who}", e.new_value.as_deref().unwrap_or("?")),
            EventKind::Escalated => format!(
                "ESCALATED tier {} -> {} by {who} (internal reason)",
                e.old_value.as_deref().unwrap_or("?"),
                e.new_value.as_deref().unwrap_or("?")
            ),
            EventKind::HandedBack => format!(
                "HANDED BACK tier {} -> {} by {who} (internal note)",
                e.old_value.as_deref().unwrap_or("?"),
                e.new_value.as_deref().unwrap_or("?")
            ),
            EventKind::StatusChanged => format!(
                "status {} -> {} by {who}",
                e.old_value.as_deref().unwrap_or("?"),
                e.new_value.as_deref().unwrap_or("?")
            ),
            EventKind::SlaBreached => {
                format!("SLA BREACHED: {} target missed", e.new_value.as_deref().unwrap_or("?"))
            }
            EventKind::CannedApplied => format!("canned solution applied by {who}"),
            EventKind::Rated => {
                format!("requester's rating {}/5 recorded by {who}", e.new_value.as_deref().unwrap_or("?"))
            }
            other => format!("{other} by {who}"),
        };
        let marker = if e.internal { "[INTERNAL] " } else { "" };
        // Event values are stored text too (logins, tiers, article ids).
        println!("{}  {marker}{}", time(e.at), safe(&what, false));
        let body = match e.kind {
            EventKind::Created if !t.body.is_empty() => Some(t.body.as_str()),
            _ => e.body.as_deref(),
        };
        if let Some(body) = body {
            let bar = if e.internal { "  ! " } else { "  | " };
            for line in safe(body, true).lines() {
                println!("{bar}{line}");
            }
        }
    }
}
