//! A resolved ticket becomes an article in one step, so the knowledge base
//! grows from real work: the subject as title, the problem, the public
//! resolution (internal notes only when asked for, and then the article is
//! internal), linked both ways. Near-duplicates of existing articles are
//! refused unless forced: the knowledge base must not fill with copies.

use super::kb::{self, NewArticle};
use super::suggest::{rank_articles, Cache};
use super::{Ctx, Desk};
use crate::domain::ArticleId;
use crate::domain::{self, Article, ArticleStatus, Audience, EventKind, Status, MAX_TITLE};
use crate::domain::{TicketId, Version};
use crate::search::query::Query;
use crate::search::similar::{containment, Profile, DUPLICATE_THRESHOLD};
use crate::search::synonyms::Synonyms;
use crate::search::{round3, ArticleScope, SuggestContext};
use crate::store::{events, kb as article_rows, tickets as ticket_rows};
use crate::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct ToArticle {
    /// Defaults to the ticket's subject.
    pub title: Option<String>,
    /// Publish at once (tier 2/3 and leads).
    pub publish: bool,
    /// Add the technicians' internal notes (the article is then internal).
    pub include_internal: bool,
    /// Defaults to public, or internal with `include_internal`.
    pub audience: Option<Audience>,
    /// Write it even if it looks like an existing article.
    pub force: bool,
    /// How the refusal tells the user to write it anyway (the face's own
    /// words); the CLI's "pass --force to write a new one anyway" when None.
    pub how_to_force: Option<String>,
}

/// An existing article that looks like the same answer.
#[derive(Debug, Clone)]
pub struct Similar {
    pub id: ArticleId,
    pub title: String,
    pub status: ArticleStatus,
    /// Share of the new draft the article already covers (0-1).
    pub similarity: f64,
    /// The ticket was resolved with this article: it is the answer already.
    pub linked: bool,
    /// Found by the knowledge base's search for the title (`similarity` is
    /// then the share of the title it answers).
    pub by_title: bool,
}

/// Articles compared for a near-duplicate.
const DUPLICATE_CANDIDATES: usize = 20;

/// Existing draft or published articles that already cover `title` and
/// `text`, most similar first.
pub fn similar_articles(cx: &Ctx<'_>, cache: &Cache, title: &str, text: &str) -> Result<Vec<Similar>> {
    let vocab = &*cache.vocab(cx.tx)?;
    let syn = Synonyms::builtin();
    let q = Query::parse(&format!("{title}\n{text}"), vocab, syn, false);
    let scope = ArticleScope {
        statuses: vec![ArticleStatus::Draft, ArticleStatus::Published],
        ..ArticleScope::default()
    };
    let hits = rank_articles(cx.tx, cache, &q, &scope, &SuggestContext::default(), DUPLICATE_CANDIDATES)?;
    let draft = Profile::new(title, text, syn);
    let mut out: Vec<Similar> = hits
        .into_iter()
        .map(|h| {
            let a = h.article;
            let theirs = Profile::new(&format!("{} {}", a.title, a.tags.join(" ")), &a.body, syn);
            Similar {
                id: a.id,
                title: a.title,
                status: a.status,
                similarity: containment(&draft, &theirs, vocab),
                linked: false,
                by_title: false,
            }
        })
        .collect();
    out.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// How much of a title the knowledge base's own search must answer, and
/// how high its best hit must score, for the title to be taken as already
/// written up: what a technician searching the knowledge base for that
/// title would see at the top.
const TITLE_COVERAGE: f64 = 0.75;
const TITLE_SCORE: f64 = 0.85;

/// Articles (other than `except`) that the knowledge-base view's search
/// puts at the top for `title` and that answer all of it: "won't join
/// SchoolStaff wifi" finds "Connecting to the SchoolStaff Wi-Fi".
pub fn title_duplicates(
    conn: &rusqlite::Connection,
    cache: &Cache,
    title: &str,
    statuses: Vec<ArticleStatus>,
    except: Option<ArticleId>,
) -> Result<Vec<Similar>> {
    let vocab = cache.vocab(conn)?;
    let q = Query::parse(title, &vocab, Synonyms::builtin(), true);
    let scope = ArticleScope { statuses, ..ArticleScope::default() };
    let hits = rank_articles(conn, cache, &q, &scope, &SuggestContext::default(), 5)?;
    Ok(hits
        .into_iter()
        .filter(|h| Some(h.article.id) != except)
        .filter(|h| h.coverage >= TITLE_COVERAGE && h.score >= TITLE_SCORE)
        .map(|h| Similar {
            id: h.article.id,
            title: h.article.title,
            status: h.article.status,
            similarity: h.coverage,
            linked: false,
            by_title: true,
        })
        .collect())
}

/// A greeting that opens a line ("Hi Simran, I reset ..."): its length in
/// bytes including the comma and the space after it.
fn greeting_prefix(line: &str) -> Option<usize> {
    let lower = line.to_lowercase();
    let greeting = ["hi ", "hello ", "dear ", "good morning ", "good afternoon ", "hiya "];
    if !greeting.iter().any(|g| lower.starts_with(g)) {
        return None;
    }
    let comma = line.find(',').filter(|&i| i <= 30)?;
    let rest = &line[comma + 1..];
    Some(comma + 1 + (rest.len() - rest.trim_start().len()))
}

/// A sign-off that ends a line ("... working now. Kind regards, Lee"):
/// where it starts.
fn sign_off_start(line: &str) -> Option<usize> {
    let lower = line.to_lowercase();
    ["kind regards", "best regards", "regards,", "many thanks", "best wishes", "thanks,", "cheers,"]
        .iter()
        .filter_map(|c| lower.rfind(c))
        .filter(|&i| i == 0 || lower[..i].trim_end().ends_with(['.', '!', '?']))
        .filter(|&i| lower.len() - i < 40)
        .min()
}

/// Opening and closing lines of a reply that belong to the requester, not
/// to an article: "Hi Rachel," and "Kind regards, Tom", on lines of their
/// own or at the start and end of the text.
fn strip_pleasantries(reply: &str) -> String {
    let mut text = reply.trim().to_string();
    if let Some(n) = text.lines().next().and_then(greeting_prefix) {
        if text.lines().next().is_some_and(|l| l.len() > n) {
            text = text[n..].to_string();
        }
    }
    if let Some(last) = text.lines().last() {
        let offset = text.len() - last.len();
        if let Some(i) = sign_off_start(last).filter(|&i| i > 0) {
            text = text[..offset + i].trim_end().to_string();
        }
    }
    let lines: Vec<&str> = text.trim().lines().collect();
    let lower = |l: &str| l.trim().to_lowercase();
    let greeting = ["hi ", "hi,", "hello", "dear ", "good morning", "good afternoon"];
    let start = usize::from(lines.first().is_some_and(|l| {
        let l = lower(l);
        greeting.iter().any(|g| l.starts_with(g)) && l.len() < 40
    }));
    let closing =
        ["kind regards", "regards", "many thanks", "thanks,", "best wishes", "cheers", "thank you,"];
    let end = lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            let l = lower(l);
            closing.iter().any(|c| l.starts_with(c)) && l.len() < 30
        })
        .map(|(i, _)| i)
        .unwrap_or(lines.len());
    lines[start..end].join("\n").trim().to_string()
}

pub fn to_article(cx: &mut Ctx<'_>, cache: &Cache, ticket_id: TicketId, opts: &ToArticle) -> Result<Article> {
    if opts.publish {
        cx.me.require_publish("publish articles")?;
    }
    let t = ticket_rows::get(cx.tx, ticket_id)?;
    if !matches!(t.status, Status::Resolved | Status::Closed) {
        return Err(Error::invalid(format!(
            "ticket #{ticket_id} is {}: only a resolved or closed ticket can become an article",
            t.status
        )));
    }
    let audience = match (opts.audience, opts.include_internal) {
        (Some(Audience::Public), true) => {
            return Err(Error::invalid(
                "--include-internal makes an internal article: internal notes never go into a public one",
            ))
        }
        (Some(a), _) => a,
        (None, true) => Audience::Internal,
        (None, false) => Audience::Public,
    };
    let title = domain::required_text("title", opts.title.as_deref().unwrap_or(&t.subject), MAX_TITLE)?;
    let timeline = events::for_ticket(cx.tx, ticket_id)?;
    let body_of = |kind: EventKind, internal: bool| -> Vec<String> {
        timeline
            .iter()
            .filter(|e| e.kind == kind && e.internal == internal)
            .filter_map(|e| e.body.as_deref())
            .map(strip_pleasantries)
            .filter(|b| !b.is_empty())
            .collect()
    };
    let problem = if t.body.trim().is_empty() { t.subject.clone() } else { t.body.trim().to_string() };
    let replies = body_of(EventKind::Reply, false);
    let solution = if replies.is_empty() {
        format!("_No public reply was recorded on ticket #{ticket_id}: describe the fix here._")
    } else {
        replies.join("\n\n")
    };
    let mut body = format!("## Problem\n\n{problem}\n\n## Solution\n\n{solution}\n");
    if opts.include_internal {
        let mut notes = body_of(EventKind::Note, true);
        notes.extend(body_of(EventKind::Escalated, true));
        notes.extend(body_of(EventKind::HandedBack, true));
        if !notes.is_empty() {
            body.push_str("\n## Technician notes (internal)\n\n");
            for n in notes {
                body.push_str(&format!("- {}\n", n.replace('\n', "\n  ")));
            }
        }
    }
    if !opts.force {
        // Compared on what a requester could read: internal notes would make
        // an internal copy look different from the public answer it repeats.
        let mut similar: Vec<Similar> = article_rows::linked_to_ticket(cx.tx, ticket_id)?
            .into_iter()
            .filter(|a| a.status != ArticleStatus::Archived)
            .map(|a| Similar {
                id: a.id,
                title: a.title,
                status: a.status,
                similarity: 1.0,
                linked: true,
                by_title: false,
            })
            .collect();
        for s in similar_articles(cx, cache, &title, &format!("{problem}\n{}", replies.join("\n")))? {
            if s.similarity >= DUPLICATE_THRESHOLD && !similar.iter().any(|x| x.id == s.id) {
                similar.push(s);
            }
        }
        let statuses = vec![ArticleStatus::Draft, ArticleStatus::Published];
        for s in title_duplicates(cx.tx, cache, &title, statuses, None)? {
            if !similar.iter().any(|x| x.id == s.id) {
                similar.push(s);
            }
        }
        let dups: Vec<String> = similar
            .iter()
            .map(|s| {
                let why = if s.linked {
                    "used to resolve this ticket".to_string()
                } else if s.by_title {
                    "the knowledge base's search answers this title with it".to_string()
                } else {
                    format!("{:.0}% similar", round3(s.similarity) * 100.0)
                };
                format!("#{} \"{}\" ({}, {why})", s.id, s.title, s.status)
            })
            .collect();
        if !dups.is_empty() {
            let how = opts.how_to_force.as_deref().unwrap_or("pass --force to write a new one anyway");
            return Err(Error::invalid(format!(
                "ticket #{ticket_id} looks like the same answer as {}: improve that article instead, or {how}",
                dups.join(", ")
            )));
        }
    }
    let new = NewArticle {
        title,
        body,
        category: t.category.clone(),
        tags: Vec::new(),
        audience,
        publish: opts.publish,
        source_ticket: Some(ticket_id),
    };
    let article = kb::add(cx, &new)?;
    let what = if opts.publish { "Published" } else { "Draft" };
    cx.event_change(
        ticket_id,
        EventKind::ArticleCreated,
        true,
        Some(&format!("{what} article #{} \"{}\" written from this ticket", article.id, article.title)),
        None,
        Some(&article.id.to_string()),
    )?;
    article_rows::get(cx.tx, article.id)
}

impl Desk {
    /// Publishes an article unless the knowledge base's search already puts
    /// another published article first for its title (see
    /// `title_duplicates`); `force` publishes anyway, `how_to_force` says how
    /// in the refusal.
    pub fn publish_article_checked(
        &mut self,
        id: ArticleId,
        expected: Option<Version>,
        force: bool,
        how_to_force: &str,
    ) -> Result<Article> {
        let cache = self.search_cache();
        self.write(|cx| {
            if !force {
                let a = article_rows::get(cx.tx, id)?;
                let dups = title_duplicates(cx.tx, &cache, &a.title, vec![ArticleStatus::Published], Some(id))?;
                if let Some(d) = dups.first() {
                    return Err(Error::invalid(format!(
                        "article #{id} looks like published #{} \"{}\": improve that one instead, or {how_to_force}",
                        d.id, d.title
                    )));
                }
            }
            kb::publish(cx, id, expected)
        })
    }

    /// Turns a resolved or closed ticket into a draft (or published) article.
    pub fn ticket_to_article(&mut self, ticket_id: TicketId, opts: &ToArticle) -> Result<Article> {
        let cache = self.search_cache();
        self.write(|cx| to_article(cx, &cache, ticket_id, opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_and_sign_offs_are_left_out() {
        let reply =
            "Hi Rachel,\n\nI cleared the jam in tray 2.\nIt should be fine now.\n\nKind regards,\nTom";
        assert_eq!(strip_pleasantries(reply), "I cleared the jam in tray 2.\nIt should be fine now.");
        assert_eq!(strip_pleasantries("Restarted the spooler."), "Restarted the spooler.");
        assert_eq!(strip_pleasantries("Hi,\nThanks,\nBob"), "");
        assert_eq!(
            strip_pleasantries("Hi Simran, I removed the activation lock. Kind regards, Lee"),
            "I removed the activation lock."
        );
        assert_eq!(strip_pleasantries("Hi Simran,  the lock is gone.\nCheers,\nLee"), "the lock is gone.");
        assert_eq!(
            strip_pleasantries("Highlight the cells, then press Delete."),
            "Highlight the cells, then press Delete."
        );
    }
}
