//! `canned ...`: reusable replies with placeholders.

use super::output::{self, fit, safe, time};
use super::Invocation;
use crate::domain::{ArticleId, Version};
use crate::domain::{CannedSolution, TicketId, PLACEHOLDERS};
use crate::service::canned::{CannedEdit, NewCanned};
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BodyArgs {
    /// The reply; placeholders: {{requester.first_name}}, {{requester.name}}, {{ticket.id}},
    /// {{ticket.subject}}, {{school.name}}, {{tech.name}}.
    #[arg(long, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the body from a file (`-` for stdin).
    #[arg(long)]
    pub body_file: Option<PathBuf>,
}

impl BodyArgs {
    fn read(&self) -> Result<Option<String>> {
        match (&self.body, &self.body_file) {
            (Some(b), _) => Ok(Some(b.clone())),
            (None, Some(p)) if p.as_os_str() == "-" => {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                    .map_err(|e| Error::invalid(format!("cannot read the body from stdin: {e}")))?;
                Ok(Some(s))
            }
            (None, Some(p)) => crate::safe_fs::read_user_text(p)
                .map(Some)
                .map_err(|e| Error::invalid(format!("cannot read body file {}: {e}", p.display()))),
            (None, None) => Ok(None),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CannedCmd {
    /// Write a canned solution (tier 2/3 and leads).
    Add {
        title: String,
        #[command(flatten)]
        body: BodyArgs,
        #[arg(long)]
        category: Option<String>,
        /// A knowledge-base article it is based on.
        #[arg(long, value_name = "ARTICLE_ID")]
        article: Option<ArticleId>,
    },
    /// Change a canned solution (tier 2/3 and leads).
    Edit {
        /// Id or title.
        canned: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        body: BodyArgs,
        /// New category ("" clears it).
        #[arg(long)]
        category: Option<String>,
        /// Linked article id (0 unlinks it).
        #[arg(long, value_name = "ARTICLE_ID")]
        article: Option<ArticleId>,
    },
    /// List canned solutions.
    List {
        #[arg(long)]
        category: Option<String>,
    },
    /// Show a canned solution; with --ticket, as it would be sent on that ticket.
    Show {
        /// Id or title.
        canned: String,
        #[arg(long, value_name = "ID")]
        ticket: Option<TicketId>,
    },
    /// Send a canned solution as a public reply on a ticket (anyone may).
    Apply {
        ticket: TicketId,
        /// Id or title.
        canned: String,
        /// Resolve the ticket with it.
        #[arg(long)]
        resolve: bool,
        /// Refuse (exit 4) if the ticket changed since you saw this version.
        #[arg(long, value_name = "N")]
        if_version: Option<Version>,
    },
}

pub fn run(inv: &Invocation, cmd: CannedCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        CannedCmd::Add { title, body, category, article } => {
            let body = body
                .read()?
                .ok_or_else(|| Error::invalid("a canned solution needs --body or --body-file"))?;
            let c = desk.add_canned(&NewCanned { title, body, category, article_id: article })?;
            if inv.json {
                return output::json(&c);
            }
            println!("Added canned solution #{}: {}", c.id, safe(&c.title, false));
        }
        CannedCmd::Edit { canned, title, body, category, article } => {
            let change = CannedEdit {
                title,
                body: body.read()?,
                category,
                article_id: article.map(|a| (a != ArticleId(0)).then_some(a)),
            };
            let c = desk.edit_canned(&canned, &change)?;
            if inv.json {
                return output::json(&c);
            }
            println!("Updated canned solution #{}: {}", c.id, safe(&c.title, false));
        }
        CannedCmd::List { category } => {
            let all = desk.canned_list(category.as_deref())?;
            if inv.json {
                return output::json(&all);
            }
            if all.is_empty() {
                println!("No canned solutions yet: tier 2/3 techs add them with `deskside canned add TITLE --body ...`.");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|c| {
                    vec![
                        format!("#{}", c.id),
                        fit(c.category.as_deref().unwrap_or("-"), 16),
                        c.uses.to_string(),
                        c.article_id.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
                        fit(&c.title, 60),
                    ]
                })
                .collect();
            output::table(&["ID", "CATEGORY", "USES", "ARTICLE", "TITLE"], &rows);
        }
        CannedCmd::Show { canned, ticket } => {
            let c = desk.canned(&canned)?;
            let preview = ticket.map(|t| desk.render_canned(t, c.id)).transpose()?;
            if inv.json {
                let mut v = serde_json::to_value(&c).map_err(|e| Error::runtime(e.to_string()))?;
                if let Some(p) = &preview {
                    v["rendered"] = serde_json::Value::String(p.clone());
                }
                return output::json(&v);
            }
            print_canned(&c, preview.as_deref(), ticket);
        }
        CannedCmd::Apply { ticket, canned, resolve, if_version } => {
            let t = desk.apply_canned(ticket, &canned, resolve, if_version)?;
            if inv.json {
                return output::json(&t);
            }
            let what = if resolve { "resolved with" } else { "replied with" };
            println!("#{} {what} canned solution '{}' ({})", t.id, safe(canned.trim(), false), t.status);
        }
    }
    Ok(())
}

fn print_canned(c: &CannedSolution, preview: Option<&str>, ticket: Option<TicketId>) {
    println!("#{}  {}", c.id, safe(&c.title, false));
    println!(
        "Category: {}   Article: {}   Uses: {}   Author: {}   Updated: {}",
        c.category.as_deref().unwrap_or("-"),
        c.article_id.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
        c.uses,
        c.author.as_deref().unwrap_or("-"),
        time(c.updated_at)
    );
    println!();
    match (preview, ticket) {
        (Some(p), Some(t)) => {
            println!("As sent on ticket #{t}:");
            for line in safe(p, true).lines() {
                println!("  | {line}");
            }
        }
        _ => {
            for line in safe(&c.body, true).lines() {
                println!("  | {line}");
            }
            println!();
            println!(
                "Placeholders: {}",
                PLACEHOLDERS.iter().map(|p| format!("{{{{{p}}}}}")).collect::<Vec<_>>().join(" ")
            );
        }
    }
}
