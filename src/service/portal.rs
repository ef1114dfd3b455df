//! The requester portal's operations (the web face is `crate::portal`):
//! search over published public articles, article pages, the deflection
//! counters and the portal's secret. Sign-in is in `portal_auth`, the
//! requester's own tickets and ratings in `portal_requests`, its mail in
//! `portal_mail`.
//!
//! The portal runs as a technician account (like `mail ingest`), but every
//! read it offers a requester is narrowed here, not in the face: only
//! published public articles, only the requester's own tickets, only the
//! public part of their timeline.

use super::Desk;
use crate::domain::ArticleId;
use crate::domain::{self, Article, ArticleStatus, Audience, Timestamp};
use crate::report::Week;
use crate::search::rank::MIN_COVERAGE;
use crate::search::{ArticleScope, SuggestContext};
use crate::store::{directory as dir, kb as kb_rows, portal as rows};
use crate::{Error, Result};
use hmac::{Hmac, Mac};
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Longest search text the portal looks at (characters).
pub const MAX_QUERY: usize = 200;
/// Most answers one search returns.
pub const MAX_RESULTS: usize = 10;

/// What the deflection figures count (see docs/portal.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// A search run (a results page, or the first suggestion as someone types).
    Search,
    /// An article page opened.
    ArticleView,
    /// "Did this solve it?" answered yes.
    Solved,
    /// The request form opened.
    RequestStarted,
    /// Solved by an article opened from beside the request form: a request
    /// started and abandoned after reading an article.
    Abandoned,
    /// A request logged as a ticket.
    Submitted,
}

impl Metric {
    pub const ALL: [Metric; 6] = [
        Metric::Search,
        Metric::ArticleView,
        Metric::Solved,
        Metric::RequestStarted,
        Metric::Abandoned,
        Metric::Submitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Search => "searches",
            Metric::ArticleView => "article_views",
            Metric::Solved => "solved",
            Metric::RequestStarted => "requests_started",
            Metric::Abandoned => "abandoned",
            Metric::Submitted => "submitted",
        }
    }
}

/// A published public article found for a requester.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicHit {
    pub id: ArticleId,
    pub title: String,
    pub snippet: String,
    pub url: String,
}

/// Random bytes from the operating system, as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::runtime(format!("no random numbers from the system: {e}")))?;
    Ok(hex(&buf))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA256 of `message` under `secret`, as hex.
pub fn sign(secret: &str, message: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            hex(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length: this arm is never taken.
        Err(_) => String::new(),
    }
}

/// Checks a signature in constant time.
pub fn verify(secret: &str, message: &str, signature_hex: &str) -> bool {
    let Some(given) = unhex(signature_hex) else {
        return false;
    };
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            mac.verify_slice(&given).is_ok()
        }
        Err(_) => false,
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// The school whose domain an address is in (None for none, or a bad address).
pub fn school_of_email(conn: &Connection, email: &str) -> Result<Option<String>> {
    let Ok(email) = domain::normalize_email(email) else {
        return Ok(None);
    };
    if let Some(r) = dir::find_requester(conn, &email)? {
        if r.school != domain::UNASSIGNED_SCHOOL {
            return Ok(Some(r.school));
        }
    }
    dir::school_for_email_domain(conn, domain::email_domain(&email))
}

/// Adds one to a deflection counter for `school` ('' when unknown), in the
/// week it is now in that school's time zone.
pub fn count(conn: &Connection, metric: Metric, school: Option<&str>, now: Timestamp) -> Result<()> {
    let school = school.unwrap_or("");
    let tz = rows::school_tz(conn, school)?
        .and_then(|tz| tz.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::Tz::UTC);
    rows::count(conn, &Week::at(now, tz).to_string(), school, metric.as_str())
}

/// Only published public articles are ever shown to a requester.
pub fn is_public(a: &Article) -> bool {
    a.status == ArticleStatus::Published && a.audience == Audience::Public
}

fn known_school(conn: &Connection, code: Option<&str>) -> Result<Option<String>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Ok(dir::find_school(conn, c)?.map(|s| s.code)),
        None => Ok(None),
    }
}

impl Desk {
    /// The portal's secret (signs rating links and form tokens), made on
    /// first use and kept in the database.
    pub fn portal_secret(&mut self) -> Result<String> {
        let fresh = random_hex(32)?;
        self.write(|cx| rows::setting_or_insert(cx.tx, "secret", &fresh))
    }

    /// Records the base URL links in mail start with (`serve --base-url`).
    pub fn set_portal_base_url(&mut self, url: &str) -> Result<()> {
        let url = url.trim().trim_end_matches('/').to_string();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid(format!(
                "invalid --base-url '{url}': expected an http:// or https:// URL such as https://help.trust.sch.uk"
            )));
        }
        self.write(|cx| rows::set_setting(cx.tx, "base_url", &url))
    }

    /// Answers for a requester: published public articles only, from the
    /// same engine as `suggest` (typos, synonyms, half-typed words), ranked
    /// in the context of a school and a category when known. An unknown
    /// school is ignored rather than refused (it is a hint, not a filter).
    pub fn portal_search(
        &self,
        text: &str,
        school: Option<&str>,
        category: Option<&str>,
        limit: usize,
    ) -> Result<Vec<PublicHit>> {
        let text: String = text.chars().take(MAX_QUERY).collect();
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let school = self.read(|conn, _| known_school(conn, school))?;
        let scope = ArticleScope {
            statuses: vec![ArticleStatus::Published],
            audience: Some(Audience::Public),
            category: None,
        };
        let ctx = SuggestContext {
            school,
            category: category.map(str::trim).filter(|c| !c.is_empty()).map(str::to_lowercase),
        };
        let hits = self.search_articles(&text, &scope, &ctx, limit.clamp(1, MAX_RESULTS))?;
        Ok(hits
            .into_iter()
            // The scope already holds; checked again so nothing else can slip through.
            .filter(|h| is_public(&h.article) && h.coverage >= MIN_COVERAGE)
            .map(|h| PublicHit {
                id: h.article.id,
                url: format!("/articles/{}", h.article.id),
                title: h.article.title,
                snippet: h.snippet.text,
            })
            .collect())
    }

    /// A published public article for a requester, its view counted; None
    /// for anything else (missing, draft, archived, internal) alike.
    pub fn portal_article(&mut self, id: ArticleId, school: Option<&str>) -> Result<Option<Article>> {
        self.write(|cx| {
            let Some(a) = kb_rows::find(cx.tx, id)?.filter(is_public) else {
                return Ok(None);
            };
            kb_rows::add_view(cx.tx, id)?;
            count(cx.tx, Metric::ArticleView, known_school(cx.tx, school)?.as_deref(), cx.now)?;
            Ok(Some(a))
        })
    }

    /// "Did this solve it?": the article's helpful / not helpful vote, and
    /// a yes counted as a deflection (as an abandoned request when the
    /// article was opened from beside the request form).
    pub fn portal_answer(
        &mut self,
        id: ArticleId,
        solved: bool,
        from_form: bool,
        school: Option<&str>,
    ) -> Result<bool> {
        self.write(|cx| {
            if kb_rows::find(cx.tx, id)?.filter(is_public).is_none() {
                return Ok(false);
            }
            kb_rows::add_vote(cx.tx, id, solved)?;
            if solved {
                let school = known_school(cx.tx, school)?;
                count(cx.tx, Metric::Solved, school.as_deref(), cx.now)?;
                if from_form {
                    count(cx.tx, Metric::Abandoned, school.as_deref(), cx.now)?;
                }
            }
            Ok(true)
        })
    }

    /// Counts a search or an opened request form.
    pub fn portal_count(&mut self, metric: Metric, school: Option<&str>) -> Result<()> {
        self.write(|cx| count(cx.tx, metric, known_school(cx.tx, school)?.as_deref(), cx.now))
    }

    /// The service catalogue: categories of published public articles.
    pub fn portal_categories(&self) -> Result<Vec<String>> {
        self.read(|conn, _| rows::public_categories(conn))
    }

    /// The school of an address (by its domain), if it is a school's.
    pub fn portal_school_of(&self, email: &str) -> Result<Option<String>> {
        self.read(|conn, _| school_of_email(conn, email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_for_their_message_and_secret() {
        let sig = sign("s3cret", "rate:42:a@b.sch.uk");
        assert_eq!(sig.len(), 64);
        assert!(verify("s3cret", "rate:42:a@b.sch.uk", &sig));
        assert!(!verify("s3cret", "rate:43:a@b.sch.uk", &sig));
        assert!(!verify("other", "rate:42:a@b.sch.uk", &sig));
        assert!(!verify("s3cret", "rate:42:a@b.sch.uk", "zz"));
        assert!(!verify("s3cret", "rate:42:a@b.sch.uk", &sig[..62]));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_hex(32).unwrap(), random_hex(32).unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
