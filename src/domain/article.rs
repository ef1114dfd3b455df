//! Knowledge-base articles and the rules about them.

use super::{ArticleId, ArticleStatus, Audience, Technician, TicketId, Tier, Timestamp, Version};
use crate::{Error, Result};
use serde::Serialize;

pub const MAX_TITLE: usize = 200;
pub const MAX_ARTICLE_BODY: usize = 200_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub title: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub status: ArticleStatus,
    pub audience: Audience,
    /// Author login.
    pub author: Option<String>,
    pub views: i64,
    pub uses: i64,
    pub helpful: i64,
    pub not_helpful: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
    /// The ticket it was written from.
    pub source_ticket: Option<TicketId>,
    /// Login of the technician who made the last change.
    pub updated_by: Option<String>,
    /// Optimistic-concurrency counter, as for tickets.
    pub version: Version,
    /// Markdown.
    pub body: String,
}

/// Filters for article lists; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Empty means drafts and published (archived ones only when asked).
    pub statuses: Vec<ArticleStatus>,
    pub audience: Option<Audience>,
    pub category: Option<String>,
    pub tag: Option<String>,
    pub limit: Option<usize>,
}

impl Technician {
    /// Only tier 2/3 technicians and leads publish; anyone may draft.
    pub fn can_publish(&self) -> bool {
        self.lead || self.tier >= Tier::Two
    }

    /// Refuses (exit 5) unless the technician may publish.
    pub fn require_publish(&self, what: &str) -> Result<()> {
        if self.can_publish() {
            Ok(())
        } else {
            Err(Error::permission(format!(
                "{} is tier {} and cannot {what}: only tier 2/3 technicians and leads publish (anyone may write a draft)",
                self.login, self.tier
            )))
        }
    }
}

/// Lower-cases, trims and de-duplicates tags; commas separate tags in
/// storage, so a tag is split on them.
pub fn normalize_tags<S: AsRef<str>>(raw: &[S]) -> Result<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.iter().flat_map(|t| t.as_ref().split(',')) {
        let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG || tag.chars().any(char::is_control) {
            return Err(Error::invalid(format!("invalid tag '{tag}': at most {MAX_TAG} characters")));
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid(format!("too many tags ({}, at most {MAX_TAGS})", tags.len())));
    }
    Ok(tags)
}

/// The one rule for categories, of tickets, articles and canned solutions
/// alike: short, lower case; empty means none.
pub fn normalize_category(raw: &str) -> Result<Option<String>> {
    let c = raw.trim().to_lowercase();
    if c.is_empty() {
        return Ok(None);
    }
    if c.chars().count() > 40 || c.chars().any(char::is_control) {
        return Err(Error::invalid(format!("invalid category '{c}': at most 40 characters")));
    }
    Ok(Some(c))
}

/// Checks an article body: Markdown, not empty, not huge.
pub fn article_body(body: &str) -> Result<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("the article body must not be empty"));
    }
    if trimmed.chars().count() > MAX_ARTICLE_BODY {
        return Err(Error::invalid(format!(
            "the article body is too long (at most {MAX_ARTICLE_BODY} characters)"
        )));
    }
    Ok(format!("{trimmed}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tier_two_three_and_leads_publish() {
        let t = |tier, lead| Technician { id: 1, login: "x".into(), name: "X".into(), tier, lead };
        assert!(!t(Tier::One, false).can_publish());
        assert!(t(Tier::One, true).can_publish());
        assert!(t(Tier::Two, false).can_publish());
        assert!(t(Tier::Three, false).can_publish());
        let err = t(Tier::One, false).require_publish("publish article #3").unwrap_err();
        assert_eq!(err.exit_code(), 5);
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(
            normalize_tags(&["Printer", " paper  jam ", "printer,Copier"]).unwrap(),
            ["printer", "paper jam", "copier"]
        );
        assert!(normalize_tags(&["x".repeat(41)]).is_err());
        assert!(normalize_tags(&(0..21).map(|i| i.to_string()).collect::<Vec<_>>()).is_err());
        assert!(normalize_tags::<&str>(&[]).unwrap().is_empty());
    }

    #[test]
    fn bodies_and_categories_are_checked() {
        assert!(article_body("  \n ").is_err());
        assert_eq!(article_body("\n# Hi\n\n").unwrap(), "# Hi\n");
        assert_eq!(normalize_category(" Printing ").unwrap().as_deref(), Some("printing"));
        assert_eq!(normalize_category("").unwrap(), None);
    }
}
