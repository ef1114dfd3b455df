//! Knowledge-base articles from a CSV export (FAQ and solution exports):
//! few rows, written one by one.

use super::dates::DateReader;
use super::origin::Keyed;
use super::{body_text, category, clip, dates, values, DateCols, Given, Outcome, Parsed, Row, Techs};
use crate::domain::{ArticleStatus, Audience};
use crate::mail::inbound::clean_line;
use crate::service::Ctx;
use crate::store::{articles::NewArticle, import as rows};
use crate::Result;

fn import_article(cx: &Ctx<'_>, techs: &Techs, parsed: &Parsed, row: &Row, tz: &DateReader) -> Result<i64> {
    let header = &parsed.header;
    let col = |field| parsed.col(field);
    let fail = |field, reason: &dyn std::fmt::Display| row.fail(col(field), header, reason);
    let title = clip(&clean_line(row.get(col("title")).unwrap_or("")), 200);
    if title.is_empty() {
        return Err(fail("title", &"must not be empty"));
    }
    let body = row.get(col("body")).map(body_text).unwrap_or_default();
    if body.is_empty() {
        return Err(fail("body", &"must not be empty"));
    }
    let category = category(row.get(col("category"))).map_err(|e| fail("category", &e))?;
    let tags: Vec<String> = row
        .get(col("tags"))
        .unwrap_or("")
        .split([',', ';', '|'])
        .map(|t| clean_line(t).to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let status = row.parse(col("status"), header, values::article_status)?.unwrap_or(ArticleStatus::Draft);
    let audience = row.parse(col("audience"), header, values::audience)?.unwrap_or(Audience::Internal);
    // Authors from another helpdesk rarely exist here: the importer stands in.
    let author = row.get(col("author")).and_then(|a| techs.find(a)).map(|t| t.id).unwrap_or(cx.me.id);
    let Given { created, updated, .. } = dates(cx.now, row, &DateCols::of(parsed), header, tz)?;
    rows::insert_article(
        cx.tx,
        &rows::ImportedArticle {
            article: NewArticle {
                title: &title,
                body: &body,
                category: category.as_deref(),
                tags: &tags.join(", "),
                status: status.as_str(),
                audience: audience.as_str(),
                source_ticket_id: None,
                author_id: Some(author),
                now: created,
            },
            updated_at: updated.unwrap_or(created),
        },
    )
}

/// Imports every row not imported before from this origin.
pub(super) fn import(
    cx: &mut Ctx<'_>,
    file: &mut Keyed<'_, '_>,
    tz: &DateReader,
    origin: &str,
    out: &mut Outcome,
) -> Result<()> {
    let parsed = file.parsed();
    let techs = Techs::load(cx.tx)?;
    let mut origins = Vec::new();
    while let Some((row, key)) = file.next_new(&mut out.skipped_ids)? {
        let id = import_article(cx, &techs, parsed, &row, tz)?;
        out.ids.push(id);
        origins.push((key, id));
    }
    let origins: Vec<(&str, i64)> = origins.iter().map(|(k, id)| (k.as_str(), *id)).collect();
    rows::record_imported(cx.tx, "articles", origin, &origins)
}
