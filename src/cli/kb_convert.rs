//! The knowledge-base side of `ticket ...`: suggestions when logging, and
//! `ticket to-article`. Kept apart from ticket.rs, which is shared.

use super::output::{self, safe};
use super::shared::article_json;
use super::suggest::print_suggestions;
use super::Invocation;
use crate::domain::ArticleId;
use crate::domain::TicketId;
use crate::domain::{Audience, Status, Ticket};
use crate::search::Suggestion;
use crate::service::convert::ToArticle;
use crate::service::Desk;
use crate::{Error, Result};
use clap::Args;
use serde::Serialize;

fn parse_audience(s: &str) -> Result<Audience, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(Debug, Args)]
pub struct ToArticleArgs {
    pub id: TicketId,
    /// The article's title (default: the ticket's subject).
    #[arg(long)]
    pub title: Option<String>,
    /// Publish at once instead of writing a draft (tier 2/3 and leads).
    #[arg(long)]
    pub publish: bool,
    /// Add the technicians' internal notes; the article is then internal.
    #[arg(long)]
    pub include_internal: bool,
    /// public or internal (default public; internal with --include-internal).
    #[arg(long, value_parser = parse_audience)]
    pub audience: Option<Audience>,
    /// Write it even when existing articles already cover the same answer.
    #[arg(long)]
    pub force: bool,
}

/// `ticket new --json`: the ticket's fields plus `suggestions`.
#[derive(Serialize)]
pub struct Logged<'a> {
    #[serde(flatten)]
    pub ticket: &'a Ticket,
    pub suggestions: &'a [Suggestion],
}

/// What `ticket new` adds after "Logged #N": the first-contact resolution,
/// or the answers that may already exist.
pub fn print_logged(t: &Ticket, resolved_with: Option<ArticleId>, suggestions: &[Suggestion]) {
    if let (Some(article), Status::Resolved) = (resolved_with, t.status) {
        println!("Resolved at first contact with article #{article}; the requester was sent its summary.");
        return;
    }
    if !suggestions.is_empty() {
        println!("Might already be answered by:");
        print_suggestions(&suggestions[..suggestions.len().min(3)]);
        println!("(resolve with one: deskside ticket resolve {} --article ID)", t.id);
    }
}

pub fn to_article(inv: &Invocation, desk: &mut Desk, args: ToArticleArgs) -> Result<()> {
    let opts = ToArticle {
        title: args.title,
        publish: args.publish,
        include_internal: args.include_internal,
        audience: args.audience,
        force: args.force,
        how_to_force: None,
    };
    let a = desk.ticket_to_article(args.id, &opts)?;
    if inv.json {
        return output::json(&article_json(&a, true)?);
    }
    println!(
        "Article #{} ({}, {}) written from ticket #{}: {}",
        a.id,
        a.status,
        a.audience,
        args.id,
        safe(&a.title, false)
    );
    println!("Review it with `deskside kb show {0}`, change it with `deskside kb edit {0}`.", a.id);
    Ok(())
}
