//! The knowledge base as files. `kb export --html` writes the self-help
//! site (published public articles only); `kb export --markdown` writes
//! every article as `NN-slug.md` with `+++` TOML front matter, the format of
//! the demo articles, so a team can review its knowledge base in git; and
//! `kb import --markdown` reads such a folder back through the same
//! operations as `kb add`, `kb edit`, `kb publish` and `kb archive`, all in
//! one transaction.

use super::demo::split_front_matter;
use super::{calendars, kb, Ctx, Desk, DEFAULT_CALENDAR, DEFAULT_TZ};
use crate::domain::ArticleId;
use crate::domain::{
    self, article_body, normalize_category, normalize_tags, Article, ArticleFilter, ArticleStatus, Audience,
    MAX_TITLE, UNASSIGNED_SCHOOL,
};
use crate::site::contact::Contact;
use crate::site::{self, dir, OpeningHours, SiteData, SiteFile};
use crate::store::{directory as dirs, kb as rows, sla as sla_rows};
use crate::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// The front-matter fields, in the order they are written.
pub const FIELDS: &[&str] = &["id", "title", "category", "tags", "audience", "status"];

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub format: &'static str,
    pub dir: String,
    /// Articles exported.
    pub articles: usize,
    /// Categories on the site's index (HTML only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<usize>,
    /// Files written because they are new or changed.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files removed: pages of articles no longer published, old names.
    pub removed: Vec<String>,
}

/// One article read from a Markdown file, checked and normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFile {
    pub file: String,
    pub id: Option<ArticleId>,
    pub title: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub audience: Audience,
    pub status: ArticleStatus,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub file: String,
    pub id: ArticleId,
    pub title: String,
    /// The fields that changed (for updates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dir: String,
    pub created: Vec<Imported>,
    pub updated: Vec<Imported>,
    pub unchanged: usize,
}

/// An error about one file, keeping its kind (and so its exit code).
fn in_file(file: &str, e: Error) -> Error {
    let msg = |m: String| format!("{file}: {m}");
    match e {
        Error::Invalid(m) => Error::Invalid(msg(m)),
        Error::NotFound(m) => Error::NotFound(msg(m)),
        Error::Conflict(m) => Error::Conflict(msg(m)),
        Error::Permission(m) => Error::Permission(msg(m)),
        Error::Runtime(m) => Error::Runtime(msg(m)),
        Error::Busy(m) => Error::Busy(msg(m)),
        Error::Database { msg: m, source } => Error::Database { msg: msg(m), source },
        Error::Io(e) => Error::Runtime(msg(e.to_string())),
    }
}

// ---- the site ----

/// What the self-help site shows: published public articles, the SLA
/// targets, the opening hours of the calendars schools use, and how to
/// contact IT.
pub fn site_data(conn: &Connection, title: &str, contact: Contact) -> Result<SiteData> {
    let filter = ArticleFilter {
        statuses: vec![ArticleStatus::Published],
        audience: Some(Audience::Public),
        ..ArticleFilter::default()
    };
    let articles = rows::list(conn, &filter)?;
    let schools: HashMap<String, String> = dirs::list_schools(conn)?
        .into_iter()
        .filter(|s| s.code != UNASSIGNED_SCHOOL)
        .map(|s| (s.code, s.name))
        .collect();
    let mut hours = Vec::new();
    for cal in calendars::calendars(conn)? {
        let mut names: Vec<String> = cal.schools.iter().filter_map(|c| schools.get(c).cloned()).collect();
        names.sort();
        if !names.is_empty() {
            hours.push(OpeningHours { hours: cal.hours, tz: cal.tz, schools: names });
        }
    }
    if hours.is_empty() {
        if let Ok(cal) = calendars::calendar(conn, DEFAULT_CALENDAR) {
            hours.push(OpeningHours { hours: cal.hours, tz: cal.tz, schools: Vec::new() });
        }
    }
    let tz = hours.first().map_or(DEFAULT_TZ, |h| h.tz.as_str()).parse().unwrap_or(chrono_tz::Europe::London);
    Ok(SiteData {
        title: title.to_string(),
        articles,
        policies: sla_rows::policies(conn)?,
        hours,
        tz,
        contact,
    })
}

// ---- Markdown files ----

/// An article's Markdown file name: stable while its title stays.
pub fn markdown_file_name(a: &Article) -> String {
    format!("{:02}-{}.md", a.id, site::slug(&a.title))
}

/// A TOML basic string: newlines and other control characters escaped, so
/// a front-matter value is always one line (and never a closing `+++`).
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An article as a Markdown file: front matter, then the body as stored.
pub fn to_markdown(a: &Article) -> String {
    let mut out = String::from("+++\n");
    out.push_str(&format!("id = {}\n", a.id));
    out.push_str(&format!("title = {}\n", toml_string(&a.title)));
    if let Some(c) = &a.category {
        out.push_str(&format!("category = {}\n", toml_string(c)));
    }
    let tags: Vec<String> = a.tags.iter().map(|t| toml_string(t)).collect();
    out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    out.push_str(&format!("audience = {}\n", toml_string(a.audience.as_str())));
    out.push_str(&format!("status = {}\n", toml_string(a.status.as_str())));
    out.push_str("+++\n");
    out.push_str(&a.body);
    if !a.body.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn text_field(file: &str, front: &toml::Table, key: &str) -> Result<Option<String>> {
    match front.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(format!("{file}: `{key}` must be text in quotes"))),
    }
}

/// Reads one file: front matter (`FIELDS`) and body, each checked by the
/// same rules as `kb add`; an error names the file and the field.
pub fn parse_markdown(file: &str, text: &str) -> Result<ArticleFile> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let (front, body) = split_front_matter(&text).ok_or_else(|| {
        Error::invalid(format!(
            "{file}: no front matter: the file must start with a +++ line, then {}, and a closing +++ line",
            FIELDS.join(", ")
        ))
    })?;
    let table: toml::Table = front.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| front[..s.start.min(front.len())].matches('\n').count() + 2);
        let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
        Error::invalid(format!("{file}: the front matter is not valid TOML{at}: {}", e.message().trim()))
    })?;
    if let Some(key) = table.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Error::invalid(format!(
            "{file}: unknown field `{key}` (the fields are {})",
            FIELDS.join(", ")
        )));
    }
    let id = match table.get("id") {
        None => None,
        Some(toml::Value::Integer(n)) if *n > 0 => Some(ArticleId(*n)),
        Some(_) => {
            return Err(Error::invalid(format!(
                "{file}: `id` must be a whole number above 0 (leave it out for a new article)"
            )))
        }
    };
    let title = text_field(file, &table, "title")?
        .ok_or_else(|| Error::invalid(format!("{file}: `title` is missing")))?;
    let title = domain::required_text("title", &title, MAX_TITLE).map_err(|e| in_file(file, e))?;
    let category = match text_field(file, &table, "category")? {
        Some(c) => normalize_category(&c).map_err(|e| in_file(file, e))?,
        None => None,
    };
    let tags: Vec<String> = match table.get("tags") {
        None => Vec::new(),
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(toml::Value::Array(items)) => {
            items.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<_>>().ok_or_else(|| {
                Error::invalid(format!(
                    "{file}: `tags` must be a list of text, e.g. [\"printer\", \"copier\"]"
                ))
            })?
        }
        Some(_) => {
            return Err(Error::invalid(format!(
                "{file}: `tags` must be a list of text, e.g. [\"printer\", \"copier\"]"
            )))
        }
    };
    let tags = normalize_tags(&tags).map_err(|e| in_file(file, Error::invalid(format!("`tags`: {e}"))))?;
    let enum_field = |key: &str, expected: &str| -> Result<String> {
        text_field(file, &table, key)?
            .ok_or_else(|| Error::invalid(format!("{file}: `{key}` is missing ({expected})")))
    };
    let audience: Audience = enum_field("audience", "public or internal")?
        .parse()
        .map_err(|e: Error| in_file(file, Error::invalid(format!("`audience`: {e}"))))?;
    let status: ArticleStatus = enum_field("status", "draft, published or archived")?
        .parse()
        .map_err(|e: Error| in_file(file, Error::invalid(format!("`status`: {e}"))))?;
    let body = article_body(body).map_err(|e| in_file(file, Error::invalid(format!("body: {e}"))))?;
    Ok(ArticleFile { file: file.to_string(), id, title, category, tags, audience, status, body })
}

/// Reads every file, refusing the folder at the first bad one; two files
/// claiming the same id are refused too (a copied file whose id was kept).
pub fn parse_all(files: &[(String, String)]) -> Result<Vec<ArticleFile>> {
    let mut seen: HashMap<ArticleId, &str> = HashMap::new();
    let mut out = Vec::with_capacity(files.len());
    for (name, text) in files {
        let parsed = parse_markdown(name, text)?;
        if let Some(id) = parsed.id {
            if let Some(other) = seen.insert(id, name) {
                return Err(Error::invalid(format!(
                    "{name}: `id` {id} is also the id in {other}: remove it from the copy (a new article needs no id)"
                )));
            }
        }
        out.push(parsed);
    }
    Ok(out)
}

/// The id in a file's front matter, if it can be read at all.
fn id_in(text: &str) -> Option<ArticleId> {
    let text = text.replace("\r\n", "\n");
    let (front, _) = split_front_matter(text.strip_prefix('\u{feff}').unwrap_or(&text))?;
    front.parse::<toml::Table>().ok()?.get("id")?.as_integer().map(ArticleId)
}

/// Whether `text`, a file the last export wrote as `name`, holds an article
/// this export writes under another name (its title changed): it was read
/// back by `kb import`, so it may go even if it was edited since.
fn renamed(name: &str, text: &[u8], written: &HashMap<ArticleId, String>) -> bool {
    let text = String::from_utf8_lossy(text);
    id_in(&text).and_then(|id| written.get(&id)).is_some_and(|current| current != name)
}

/// Applies one file: creates the article, or changes what differs through
/// `kb::edit`, then `kb::publish` / `kb::archive` for a new status.
fn apply(cx: &mut Ctx<'_>, f: &ArticleFile, report: &mut ImportReport) -> Result<()> {
    let existing = match f.id {
        Some(id) => rows::find(cx.tx, id)?,
        None => None,
    };
    let Some(before) = existing else {
        let new = kb::NewArticle {
            title: f.title.clone(),
            body: f.body.clone(),
            category: f.category.clone(),
            tags: f.tags.clone(),
            audience: f.audience,
            publish: f.status == ArticleStatus::Published,
            source_ticket: None,
        };
        let mut a = kb::add_at(cx, &new, f.id)?;
        if f.status == ArticleStatus::Archived {
            a = kb::archive(cx, a.id, None)?;
        }
        report.created.push(Imported { file: f.file.clone(), id: a.id, title: a.title, changed: Vec::new() });
        return Ok(());
    };
    let id = before.id;
    // Compared as `kb edit` would store them: text stored by other paths
    // (a CSV import, an older version) is not "changed" by spacing alone.
    let same_title = before.title.trim() == f.title;
    let same_body = article_body(&before.body.replace("\r\n", "\n")).is_ok_and(|b| b == f.body);
    let same_category =
        normalize_category(before.category.as_deref().unwrap_or("")).is_ok_and(|c| c == f.category);
    let same_tags = normalize_tags(&before.tags).is_ok_and(|t| t == f.tags);
    let edit = kb::ArticleEdit {
        title: (!same_title).then(|| f.title.clone()),
        body: (!same_body).then(|| f.body.clone()),
        category: (!same_category).then(|| f.category.clone().unwrap_or_default()),
        tags: (!same_tags).then(|| f.tags.clone()),
        audience: (before.audience != f.audience).then_some(f.audience),
    };
    let mut changed: Vec<String> = [
        (edit.title.is_some(), "title"),
        (edit.body.is_some(), "body"),
        (edit.category.is_some(), "category"),
        (edit.tags.is_some(), "tags"),
        (edit.audience.is_some(), "audience"),
    ]
    .into_iter()
    .filter(|(c, _)| *c)
    .map(|(_, name)| name.to_string())
    .collect();
    if !edit.is_empty() {
        kb::edit(cx, id, &edit, Some(before.version))?;
    }
    if f.status != before.status {
        match f.status {
            ArticleStatus::Published => {
                kb::publish(cx, id, None)?;
            }
            ArticleStatus::Archived => {
                kb::archive(cx, id, None)?;
            }
            ArticleStatus::Draft => {
                return Err(Error::invalid(format!(
                    "`status`: article #{id} is {}; it cannot go back to draft (keep it {}, or archive it)",
                    before.status, before.status
                )))
            }
        }
        changed.push("status".into());
    }
    if changed.is_empty() {
        report.unchanged += 1;
    } else {
        let title = rows::get(cx.tx, id)?.title;
        report.updated.push(Imported { file: f.file.clone(), id, title, changed });
    }
    Ok(())
}

/// Imports checked files in the caller's transaction: all or nothing.
pub fn import(cx: &mut Ctx<'_>, dir_name: &str, files: &[ArticleFile]) -> Result<ImportReport> {
    let mut report =
        ImportReport { dir: dir_name.to_string(), created: Vec::new(), updated: Vec::new(), unchanged: 0 };
    // Files naming an id first: a new article without one then gets an id
    // no file in the folder claims.
    let (with_id, without): (Vec<&ArticleFile>, Vec<&ArticleFile>) =
        files.iter().partition(|f| f.id.is_some());
    for f in with_id.into_iter().chain(without) {
        apply(cx, f, &mut report).map_err(|e| in_file(&f.file, e))?;
    }
    if !report.created.is_empty() || !report.updated.is_empty() {
        let detail =
            format!("{} created, {} updated from {dir_name}", report.created.len(), report.updated.len());
        cx.audit("import", "articles", "markdown", Some(&detail))?;
    }
    Ok(report)
}

impl Desk {
    /// Writes the self-help site into `dir` (see `site`), with `contact`
    /// as its "Contact IT" block.
    pub fn export_site(&self, dir: &Path, title: &str, contact: Contact) -> Result<ExportReport> {
        let data = self.read(|conn, _| site_data(conn, title, contact))?;
        // DIR is the user's: written with their own rights (`safe_fs::as_user`).
        let report = crate::safe_fs::as_user(dir, self.store.path(), || {
            let tree = dir::prepare_site(dir)?;
            let existing = tree.list(site::ARTICLES_DIR)?;
            let files = site::render(&data, &existing);
            let stale = dir::stale(&tree, &files, &dir::previous(&tree)?, |_, _| false)?;
            dir::write(&tree, &files, &stale)
        })?;
        let published: Vec<&Article> = data.articles.iter().filter(|a| site::is_public(a)).collect();
        let mut categories: Vec<Option<&str>> = published.iter().map(|a| a.category.as_deref()).collect();
        categories.sort();
        categories.dedup();
        Ok(ExportReport {
            format: "html",
            dir: dir.display().to_string(),
            articles: published.len(),
            categories: Some(categories.len()),
            written: report.written,
            unchanged: report.unchanged,
            removed: report.removed,
        })
    }

    /// Writes every article (all statuses and audiences) into `dir` as
    /// `NN-slug.md`, private (internal articles are there too), removing
    /// files of the same articles it wrote under old names.
    pub fn export_markdown(&self, dir: &Path) -> Result<ExportReport> {
        let filter = ArticleFilter { statuses: ArticleStatus::ALL.to_vec(), ..ArticleFilter::default() };
        let mut articles = self.articles(&filter)?;
        articles.sort_by_key(|a| a.id);
        let files: Vec<SiteFile> = articles
            .iter()
            .map(|a| SiteFile { path: markdown_file_name(a), contents: to_markdown(a) })
            .collect();
        let names: HashMap<ArticleId, String> =
            articles.iter().map(|a| (a.id, markdown_file_name(a))).collect();
        // DIR is the user's: written with their own rights (`safe_fs::as_user`).
        let report = crate::safe_fs::as_user(dir, self.store.path(), || {
            let tree = dir::prepare(dir)?;
            let previous = dir::previous(&tree)?;
            let stale = dir::stale(&tree, &files, &previous, |name, text| renamed(name, text, &names))?;
            dir::write(&tree, &files, &stale)
        })?;
        Ok(ExportReport {
            format: "markdown",
            dir: dir.display().to_string(),
            articles: articles.len(),
            categories: None,
            written: report.written,
            unchanged: report.unchanged,
            removed: report.removed,
        })
    }

    /// Reads a folder of article files back: every file is checked before
    /// anything is written, and the changes go in one transaction.
    pub fn import_markdown(&mut self, dir: &Path) -> Result<ImportReport> {
        // A folder the user named: read with their own rights.
        let files = parse_all(&crate::privilege::with_user_rights(|| dir::read_markdown(dir))?)?;
        let name = dir.display().to_string();
        self.write(|cx| import(cx, &name, &files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn article() -> Article {
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap();
        Article {
            id: ArticleId(7),
            title: "Say \"hi\"\n+++ to the \\ printer".into(),
            category: Some("printing".into()),
            tags: vec!["printer".into(), "paper jam".into()],
            status: ArticleStatus::Published,
            audience: Audience::Internal,
            author: Some("lead".into()),
            views: 0,
            uses: 0,
            helpful: 0,
            not_helpful: 0,
            created_at: t,
            updated_at: t,
            published_at: Some(t),
            source_ticket: None,
            updated_by: None,
            version: crate::domain::Version(1),
            body: "## Fix\n\n+++\n\n1. Open it.\n".into(),
        }
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let a = article();
        let text = to_markdown(&a);
        assert!(
            text.starts_with("+++\nid = 7\ntitle = \"Say \\\"hi\\\"\\n+++ to the \\\\ printer\"\n"),
            "{text}"
        );
        let f = parse_markdown("07-x.md", &text).unwrap();
        assert_eq!(f.id, Some(ArticleId(7)));
        assert_eq!(f.title, a.title);
        assert_eq!((f.category, f.tags), (a.category, a.tags));
        assert_eq!((f.audience, f.status), (a.audience, a.status));
        assert_eq!(f.body, a.body);
        let crlf = parse_markdown("07-x.md", &text.replace('\n', "\r\n")).unwrap();
        assert_eq!(crlf.body, a.body);
    }

    #[test]
    fn bad_files_name_the_file_and_field() {
        let ok = "+++\ntitle = \"T\"\naudience = \"public\"\nstatus = \"draft\"\n+++\nBody\n";
        assert!(parse_markdown("a.md", ok).unwrap().id.is_none());
        let cases = [
            ("no front matter here", "no front matter"),
            ("+++\ntitle = \"T\nstatus = 1\n+++\nBody", "not valid TOML (line 2)"),
            (
                &ok.replace("status = \"draft\"", "status = \"live\""),
                "`status`: invalid article status 'live'",
            ),
            (&ok.replace("audience = \"public\"\n", ""), "`audience` is missing"),
            (&ok.replace("title = \"T\"", "title = \"  \""), "title must not be empty"),
            (&ok.replace("title = \"T\"", "title = \"T\"\nauthor = \"x\""), "unknown field `author`"),
            (&ok.replace("title = \"T\"", "title = \"T\"\nid = \"7\""), "`id` must be a whole number"),
            (&ok.replace("title = \"T\"", "title = \"T\"\ntags = [1]"), "`tags` must be a list of text"),
            (&ok.replace("Body\n", "  \n"), "body: the article body must not be empty"),
        ];
        for (text, want) in cases {
            let err = parse_markdown("bad.md", text).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{err}");
            let msg = err.to_string();
            assert!(msg.starts_with("bad.md: ") && msg.contains(want), "{msg:?} should contain {want:?}");
        }
        let with_id = ok.replace("+++\ntitle", "+++\nid = 3\ntitle");
        let two = [("a.md".to_string(), with_id.clone()), ("b.md".to_string(), with_id)];
        let err = parse_all(&two).unwrap_err().to_string();
        assert!(err.starts_with("b.md: `id` 3 is also the id in a.md"), "{err}");
    }
}
