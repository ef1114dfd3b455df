//! `kb ...`: write, edit, read, list, search, publish, archive and rate
//! knowledge-base articles.

use super::editor;
use super::kb_files;
use super::markdown;
use super::output::{self, fit, safe, time};
use super::shared::{article_json, IfVersion};
use super::suggest::{highlighted, styled_output, terminal_width};
use super::Invocation;
use crate::domain::ArticleId;
use crate::domain::{Article, ArticleFilter, ArticleStatus, Audience};
use crate::search::{round3, ArticleScope, SuggestContext};
use crate::service::kb::{ArticleEdit, NewArticle};
use crate::service::suggest::ArticleHit;
use crate::{Error, Result};
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;

fn parse_audience(s: &str) -> Result<Audience, String> {
    s.parse().map_err(|e: Error| e.to_string())
}
fn parse_article_status(s: &str) -> Result<ArticleStatus, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum KbCmd {
    /// Write an article: a draft, unless --publish (tier 2/3 and leads).
    /// Without --body or --body-file, opens $VISUAL / $EDITOR as git commit does.
    Add(AddArgs),
    /// Change an article. With no options, opens its body in $VISUAL / $EDITOR.
    /// Published articles are changed only by tier 2/3 and leads.
    Edit(EditArgs),
    /// Show an article rendered for the terminal (counts a view).
    Show {
        id: ArticleId,
        /// Print the Markdown source as stored.
        #[arg(long)]
        raw: bool,
    },
    /// List articles (drafts and published unless --status or --all).
    List(ListArgs),
    /// Search articles: forgiving of typos and other words for the same thing
    /// (published unless --status or --all).
    Search(SearchArgs),
    /// Publish a draft or archived article (tier 2/3 and leads). Refused
    /// when its title matches a published article (the knowledge base's own
    /// search) unless --force.
    Publish {
        id: ArticleId,
        /// Publish even though it looks like a published article.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        v: IfVersion,
    },
    /// Archive an article: it is no longer suggested or used to resolve.
    Archive {
        id: ArticleId,
        #[command(flatten)]
        v: IfVersion,
    },
    /// Write the self-help site (--html DIR) or every article as Markdown
    /// files with front matter (--markdown DIR).
    Export(kb_files::ExportArgs),
    /// Read a folder of Markdown articles back (--markdown DIR): updates by
    /// id, creates the rest; all or nothing.
    Import(kb_files::ImportArgs),
    /// Say whether a published article helped.
    #[command(group = clap::ArgGroup::new("vote").required(true).multiple(false))]
    Rate {
        id: ArticleId,
        #[arg(long, group = "vote")]
        helpful: bool,
        #[arg(long, group = "vote")]
        not_helpful: bool,
    },
}

#[derive(Debug, Args)]
pub struct BodyArgs {
    /// The Markdown body.
    #[arg(long, conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Read the Markdown body from a file (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub title: String,
    #[command(flatten)]
    pub body: BodyArgs,
    #[arg(long)]
    pub category: Option<String>,
    /// A tag (repeat, or separate with commas).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// public (requesters may read it) or internal (technicians only).
    #[arg(long, value_parser = parse_audience, default_value = "public")]
    pub audience: Audience,
    /// Publish at once instead of saving a draft (tier 2/3 and leads).
    #[arg(long)]
    pub publish: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    pub id: ArticleId,
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub body: BodyArgs,
    /// New category ("" clears it).
    #[arg(long)]
    pub category: Option<String>,
    /// Replace the tags (repeat, or separate with commas; --tag "" clears them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long, value_parser = parse_audience)]
    pub audience: Option<Audience>,
    #[command(flatten)]
    pub v: IfVersion,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these statuses: draft, published, archived (repeat or comma-separate).
    #[arg(long, value_parser = parse_article_status, value_delimiter = ',')]
    pub status: Vec<ArticleStatus>,
    /// Every status, archived included.
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long, value_parser = parse_audience)]
    pub audience: Option<Audience>,
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, as you would say it.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Only these statuses (default published).
    #[arg(long, value_parser = parse_article_status, value_delimiter = ',')]
    pub status: Vec<ArticleStatus>,
    /// Drafts, published and archived.
    #[arg(long, conflicts_with = "status")]
    pub all: bool,
    #[arg(long, value_parser = parse_audience)]
    pub audience: Option<Audience>,
    #[arg(long)]
    pub category: Option<String>,
    /// Rank articles used at this school a little higher.
    #[arg(long, value_name = "CODE")]
    pub school: Option<String>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

fn hit_json(h: &ArticleHit) -> Result<Value> {
    let mut v = article_json(&h.article, false)?;
    if let Value::Object(map) = &mut v {
        map.insert("score".into(), round3(h.score).into());
        map.insert("snippet".into(), h.snippet.text.clone().into());
        map.insert("highlights".into(), serde_json::to_value(&h.snippet.highlights).unwrap_or_default());
    }
    Ok(v)
}

fn body_from(args: &BodyArgs, current: Option<&str>) -> Result<Option<String>> {
    match editor::given_body(args.body.as_deref(), args.body_file.as_deref())? {
        Some(b) => Ok(Some(b)),
        None => current.map(editor::edit).transpose(),
    }
}

pub fn run(inv: &Invocation, cmd: KbCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        KbCmd::Add(args) => {
            // Check who is acting before making anyone type a whole article.
            let me = desk.me()?;
            if args.publish {
                me.require_publish("publish articles")?;
            }
            let body = body_from(&args.body, Some(""))?.unwrap_or_default();
            let new = NewArticle {
                title: args.title,
                body,
                category: args.category,
                tags: args.tags,
                audience: args.audience,
                publish: args.publish,
                source_ticket: None,
            };
            let a = desk.add_article(&new)?;
            if inv.json {
                return output::json(&article_json(&a, true)?);
            }
            let state = if a.status == ArticleStatus::Published { "published" } else { "saved as a draft" };
            println!("Article #{} {state} ({}): {}", a.id, a.audience, safe(&a.title, false));
        }
        KbCmd::Edit(args) => {
            let fields_given = args.title.is_some()
                || args.category.is_some()
                || !args.tags.is_empty()
                || args.audience.is_some()
                || args.body.body.is_some()
                || args.body.body_file.is_some();
            let (body, expected) = if fields_given {
                (body_from(&args.body, None)?, args.v.if_version)
            } else {
                // Like `git commit --amend`: the editor on the current body,
                // saved only if nobody changed the article meanwhile.
                let current = desk.article(args.id)?;
                if current.status != ArticleStatus::Draft {
                    desk.me()?.require_publish(&format!("change {} article #{}", current.status, args.id))?;
                }
                let expected = args.v.if_version.or(Some(current.version));
                (Some(editor::edit(&current.body)?), expected)
            };
            let e = ArticleEdit {
                title: args.title,
                body,
                category: args.category,
                tags: (!args.tags.is_empty()).then_some(args.tags),
                audience: args.audience,
            };
            let (a, changed) = desk.edit_article(args.id, &e, expected)?;
            if inv.json {
                return output::json(&article_json(&a, true)?);
            }
            if changed {
                println!("Article #{} updated (version {}): {}", a.id, a.version, safe(&a.title, false));
            } else {
                println!("Article #{} unchanged", a.id);
            }
        }
        KbCmd::Show { id, raw } => {
            let a = desk.view_article(id)?;
            if inv.json {
                return output::json(&article_json(&a, true)?);
            }
            print_article(&a, raw);
        }
        KbCmd::List(args) => {
            let filter = ArticleFilter {
                statuses: if args.all { ArticleStatus::ALL.to_vec() } else { args.status },
                audience: args.audience,
                category: args.category.map(|c| c.trim().to_lowercase()),
                tag: args.tag.map(|t| t.trim().to_lowercase()),
                limit: args.limit,
            };
            let list = desk.articles(&filter)?;
            if inv.json {
                let items: Vec<Value> = list.iter().map(|a| article_json(a, false)).collect::<Result<_>>()?;
                return output::json(&items);
            }
            print_list(&list);
        }
        KbCmd::Search(args) => {
            let statuses = if args.all {
                ArticleStatus::ALL.to_vec()
            } else if args.status.is_empty() {
                vec![ArticleStatus::Published]
            } else {
                args.status
            };
            let scope = ArticleScope {
                statuses,
                audience: args.audience,
                category: args.category.map(|c| c.trim().to_lowercase()),
            };
            let ctx = SuggestContext { school: args.school, category: None };
            let hits = desk.search_articles(&args.text.join(" "), &scope, &ctx, args.limit)?;
            if inv.json {
                let items: Vec<Value> = hits.iter().map(hit_json).collect::<Result<_>>()?;
                return output::json(&items);
            }
            print_hits(&hits);
        }
        KbCmd::Publish { id, force, v } => {
            let a =
                desk.publish_article_checked(id, v.if_version, force, "pass --force to publish it anyway")?;
            if inv.json {
                return output::json(&article_json(&a, false)?);
            }
            println!("Article #{} published ({}): {}", a.id, a.audience, safe(&a.title, false));
        }
        KbCmd::Archive { id, v } => {
            let a = desk.archive_article(id, v.if_version)?;
            if inv.json {
                return output::json(&article_json(&a, false)?);
            }
            println!("Article #{} archived: {}", a.id, safe(&a.title, false));
        }
        KbCmd::Export(args) => kb_files::export(inv, &desk, args)?,
        KbCmd::Import(args) => kb_files::import(inv, &mut desk, args)?,
        KbCmd::Rate { id, helpful, .. } => {
            let a = desk.rate_article(id, helpful)?;
            if inv.json {
                return output::json(&article_json(&a, false)?);
            }
            println!(
                "Thanks: article #{} has {} helpful and {} not helpful votes",
                a.id, a.helpful, a.not_helpful
            );
        }
    }
    Ok(())
}

fn print_article(a: &Article, raw: bool) {
    if raw {
        print!("{}", safe(&a.body, true));
        return;
    }
    println!("#{}  {}", a.id, safe(&a.title, false));
    let mut facts = vec![a.status.to_string(), a.audience.to_string()];
    if let Some(c) = &a.category {
        facts.push(safe(c, false));
    }
    if !a.tags.is_empty() {
        facts.push(format!("tags: {}", safe(&a.tags.join(", "), false)));
    }
    println!("{}", facts.join(" · "));
    println!(
        "By {} · updated {} · {} views · used {} times · {} helpful / {} not helpful{}",
        a.author.as_deref().unwrap_or("-"),
        time(a.updated_at),
        a.views,
        a.uses,
        a.helpful,
        a.not_helpful,
        a.source_ticket.map(|t| format!(" · from ticket #{t}")).unwrap_or_default()
    );
    if a.audience == Audience::Internal {
        println!("INTERNAL - technicians only: never send this to a requester");
    }
    let width = terminal_width();
    println!("{}", "─".repeat(width.min(80)));
    print!("{}", markdown::render(&a.body, width, styled_output()));
}

fn print_list(list: &[Article]) {
    if list.is_empty() {
        println!("No articles match.");
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                format!("#{}", a.id),
                a.status.to_string(),
                a.audience.to_string(),
                fit(a.category.as_deref().unwrap_or("-"), 16),
                a.views.to_string(),
                a.uses.to_string(),
                format!("+{}/-{}", a.helpful, a.not_helpful),
                fit(&a.title, 60),
            ]
        })
        .collect();
    output::table(&["ID", "STATUS", "AUDIENCE", "CATEGORY", "VIEWS", "USES", "VOTES", "TITLE"], &rows);
}

fn print_hits(hits: &[ArticleHit]) {
    if hits.is_empty() {
        println!("No articles match.");
        return;
    }
    for (i, h) in hits.iter().enumerate() {
        let a = &h.article;
        let mut marks = Vec::new();
        if a.audience == Audience::Internal {
            marks.push("INTERNAL".to_string());
        }
        if a.status != ArticleStatus::Published {
            marks.push(a.status.to_string().to_uppercase());
        }
        let marks = if marks.is_empty() { String::new() } else { format!(" [{}]", marks.join(", ")) };
        println!("{:>2}. #{}{marks}  {}", i + 1, a.id, fit(&a.title, 90));
        if !h.snippet.text.is_empty() {
            println!("      {}", highlighted(&h.snippet));
        }
    }
}
