//! `import csv`: tickets and articles from other helpdesks' CSV exports
//! (osTicket, Zammad, Freshdesk, spreadsheets). All or nothing: every row
//! is checked and written in one transaction; the first bad row names its
//! line and field, and nothing is written.

pub mod columns;
pub mod values;

use super::{directory, Ctx, Desk};
use crate::domain::{self, ArticleStatus, Audience, EventKind, Priority, Source, Status, Tier, Timestamp};
use crate::mail::{html::html_to_text, inbound::clean_line};
use crate::service::tickets::{MAX_BODY, MAX_SUBJECT};
use crate::store::{directory as dir, events, import as rows};
use crate::{Error, Result};
use chrono_tz::Tz;
pub use columns::Kind;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub kind: Kind,
    /// `COLUMN=FIELD` overrides (`COLUMN=-` ignores the column).
    pub maps: Vec<String>,
    /// The file name, recorded on each imported ticket.
    pub origin: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mapped {
    pub column: String,
    pub field: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CsvSummary {
    pub kind: String,
    pub imported: usize,
    /// The new ids, in file order.
    pub ids: Vec<i64>,
    pub requesters_added: usize,
    pub encoding: String,
    pub mapping: Vec<Mapped>,
    pub ignored_columns: Vec<String>,
}

/// Decodes the file: UTF-8 (a BOM is dropped), else Windows-1252 (what
/// Excel on a school PC writes).
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => {
            let decode = mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252");
            (
                decode.map(|d| d(bytes)).unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
                "windows-1252",
            )
        }
    }
}

/// The delimiter of the header line: comma, semicolon (European Excel) or tab.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t'].into_iter().max_by_key(|d| first.bytes().filter(|b| b == d).count()).unwrap_or(b',')
}

/// One data row: its line and the cells of the mapped fields.
struct Row {
    line: u64,
    cells: Vec<(&'static str, usize, String)>,
}

impl Row {
    fn get(&self, field: &str) -> Option<&str> {
        self.cells.iter().find(|(f, _, _)| *f == field).map(|(_, _, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    fn fail(&self, field: &str, header: &[String], reason: impl std::fmt::Display) -> Error {
        let column =
            self.cells.iter().find(|(f, _, _)| *f == field).map(|(_, c, _)| header[*c].trim()).unwrap_or("");
        Error::invalid(format!(
            "line {}, field {field} (column '{column}'): {reason}; nothing was imported",
            self.line
        ))
    }
}

/// A read file: its header, the mapping and the data rows.
struct Parsed {
    header: Vec<String>,
    mapping: columns::Mapping,
    rows: Vec<Row>,
}

/// Reads and maps every row; Err names the first bad line.
fn read_rows(text: &str, opts: &CsvOptions) -> Result<Parsed> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("line 1: cannot read the header: {e}; nothing was imported")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::invalid("the file is empty: expected a header line naming the columns"));
    }
    let maps = columns::parse_maps(opts.kind, &opts.maps)?;
    let mapping = columns::resolve(opts.kind, &header, &maps)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::invalid(format!("line {line}: {e}; nothing was imported"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            return Err(Error::invalid(format!(
                "line {line}: {} fields where the header has {}; nothing was imported",
                record.len(),
                header.len()
            )));
        }
        let cells = mapping.fields.iter().map(|(f, c)| (*f, *c, record[*c].trim().to_string())).collect();
        rows.push(Row { line, cells });
    }
    Ok(Parsed { header, mapping, rows })
}

/// Cell text that may be HTML (Freshdesk descriptions are).
fn body_text(raw: &str) -> String {
    let looks_html =
        ["<p", "<br", "<div", "</", "<ul", "<table"].iter().any(|t| raw.to_lowercase().contains(t));
    let text = if looks_html { html_to_text(raw) } else { raw.replace("\r\n", "\n").replace('\r', "\n") };
    clip(text.trim(), MAX_BODY)
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn category(raw: Option<&str>) -> std::result::Result<Option<String>, String> {
    let Some(c) = raw.map(|c| clean_line(c).to_lowercase()).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    if c.chars().count() > 40 {
        return Err(format!("category '{c}' is longer than 40 characters"));
    }
    Ok(Some(c))
}

/// What a row's dates and status resolve to.
struct When {
    created: Timestamp,
    updated: Timestamp,
    resolved: Option<Timestamp>,
    closed: Option<Timestamp>,
}

/// The dates a row gives (created defaults to now).
#[derive(Clone, Copy)]
struct Given {
    created: Timestamp,
    updated: Option<Timestamp>,
    resolved: Option<Timestamp>,
    closed: Option<Timestamp>,
}

fn dates(cx: &Ctx<'_>, row: &Row, header: &[String], tz: Tz) -> Result<Given> {
    let get = |field: &str| -> Result<Option<Timestamp>> {
        match row.get(field) {
            None => Ok(None),
            Some(v) => {
                let t = values::date(v, tz).map_err(|e| row.fail(field, header, e))?;
                if t > cx.now {
                    return Err(row.fail(field, header, format!("'{v}' is in the future")));
                }
                Ok(Some(t))
            }
        }
    };
    let created = get("created_at")?.unwrap_or(cx.now);
    let (updated, resolved, closed) = (get("updated_at")?, get("resolved_at")?, get("closed_at")?);
    for (field, t) in [("updated_at", updated), ("resolved_at", resolved), ("closed_at", closed)] {
        if t.is_some_and(|t| t < created) {
            return Err(row.fail(field, header, "is before the ticket was created"));
        }
    }
    Ok(Given { created, updated, resolved, closed })
}

fn when(status: Status, given: &Given) -> When {
    let Given { created, updated, resolved, closed } = *given;
    let latest = [Some(created), updated, resolved, closed].into_iter().flatten().max().unwrap_or(created);
    match status {
        Status::Resolved => When {
            created,
            updated: latest,
            resolved: Some(resolved.or(updated).unwrap_or(latest)),
            closed: None,
        },
        Status::Closed => {
            let closed = closed.or(updated).unwrap_or(latest);
            When {
                created,
                updated: latest,
                resolved: Some(resolved.unwrap_or(closed)),
                closed: Some(closed),
            }
        }
        _ => When { created, updated: updated.unwrap_or(created), resolved: None, closed: None },
    }
}

/// A timeline event at `at` by the importer; `change` is (old, new) value.
fn event(
    cx: &Ctx<'_>,
    ticket: i64,
    at: Timestamp,
    kind: EventKind,
    internal: bool,
    body: Option<&str>,
    change: (Option<&str>, Option<&str>),
) -> Result<i64> {
    let (old, new) = change;
    events::append(
        cx.tx,
        &events::NewEvent {
            ticket_id: ticket,
            at,
            kind,
            tech_id: Some(cx.me.id),
            os_user: cx.os_user,
            internal,
            body,
            old_value: old,
            new_value: new,
        },
    )
}

fn import_ticket(
    cx: &mut Ctx<'_>,
    row: &Row,
    header: &[String],
    tz: Tz,
    origin: &str,
    added: &mut usize,
) -> Result<i64> {
    let fail = |field: &str, reason: &dyn std::fmt::Display| row.fail(field, header, reason);
    let subject = clip(&clean_line(row.get("subject").unwrap_or("")), MAX_SUBJECT);
    if subject.is_empty() {
        return Err(fail("subject", &"must not be empty"));
    }
    let body = row.get("body").map(body_text).unwrap_or_default();
    let email = domain::normalize_email(row.get("requester_email").unwrap_or(""))
        .map_err(|e| fail("requester_email", &e))?;
    let schools = dir::list_schools(cx.tx)?;
    let school = match row.get("school") {
        None => None,
        Some(s) => Some(
            schools
                .iter()
                .find(|x| x.code.eq_ignore_ascii_case(s) || x.name.eq_ignore_ascii_case(s))
                .cloned()
                .ok_or_else(|| fail("school", &format!("unknown school '{s}': expected a school code or name (see `deskside school list`)")))?,
        ),
    };
    let requester = match dir::find_requester(cx.tx, &email)? {
        Some(r) => r,
        None => {
            let local = email.split('@').next().unwrap_or(&email).to_string();
            let name = clip(&clean_line(row.get("requester_name").unwrap_or(&local)), 200);
            let code = match &school {
                Some(s) => s.code.clone(),
                None => directory::school_for_email(cx.tx, &email)?,
            };
            *added += 1;
            directory::insert_requester(cx, &email, &name, &code)?
        }
    };
    let school_id = match &school {
        Some(s) => s.id,
        None => dir::find_school(cx.tx, &requester.school)?
            .map(|s| s.id)
            .ok_or_else(|| Error::not_found("requester's school vanished"))?,
    };
    let status = row
        .get("status")
        .map(values::status)
        .transpose()
        .map_err(|e| fail("status", &e))?
        .unwrap_or(Status::New);
    let priority = row
        .get("priority")
        .map(values::priority)
        .transpose()
        .map_err(|e| fail("priority", &e))?
        .unwrap_or(Priority::Normal);
    let source = row
        .get("source")
        .map(values::source)
        .transpose()
        .map_err(|e| fail("source", &e))?
        .unwrap_or(Source::Email);
    let tier =
        row.get("tier").map(values::tier).transpose().map_err(|e| fail("tier", &e))?.unwrap_or(Tier::One);
    let category = category(row.get("category")).map_err(|e| fail("category", &e))?;
    let assignee = match row.get("assignee") {
        None => None,
        Some(a) => {
            let tech = dir::list_techs(cx.tx)?
                .into_iter()
                .find(|t| t.login.eq_ignore_ascii_case(a) || t.name.eq_ignore_ascii_case(a))
                .ok_or_else(|| fail("assignee", &format!("unknown technician '{a}': expected a login or name (see `deskside tech list`), or --map the column to -")))?;
            if !tech.can_work(tier) {
                return Err(fail(
                    "assignee",
                    &format!("{} is tier {} and cannot work a tier {tier} ticket", tech.login, tech.tier),
                ));
            }
            Some(tech)
        }
    };
    let w = when(status, &dates(cx, row, header, tz)?);
    let id = rows::insert_ticket(
        cx.tx,
        &rows::ImportedTicket {
            subject: &subject,
            body: &body,
            requester_id: requester.id,
            school_id,
            category: category.as_deref(),
            priority: priority.as_str(),
            status: status.as_str(),
            tier: tier.number(),
            assignee_id: assignee.as_ref().map(|t| t.id),
            source: source.as_str(),
            created_at: w.created,
            updated_at: w.updated,
            resolved_at: w.resolved,
            closed_at: w.closed,
            pending_since: (status == Status::Pending).then_some(w.updated),
            tech_id: cx.me.id,
        },
    )?;
    event(cx, id, w.created, EventKind::Created, false, None, (None, Some(source.as_str())))?;
    let from = match row.get("external_id") {
        Some(x) => format!("Imported from {origin}, line {} (ticket {x} there).", row.line),
        None => format!("Imported from {origin}, line {}.", row.line),
    };
    event(cx, id, w.created, EventKind::Note, true, Some(&from), (None, None))?;
    if let Some(t) = &assignee {
        event(cx, id, w.created, EventKind::Assigned, false, None, (None, Some(&t.login)))?;
    }
    if status != Status::New {
        let at = w.closed.or(w.resolved).unwrap_or(w.updated);
        event(
            cx,
            id,
            at,
            EventKind::StatusChanged,
            false,
            None,
            (Some(Status::New.as_str()), Some(status.as_str())),
        )?;
    }
    Ok(id)
}

fn import_article(cx: &mut Ctx<'_>, row: &Row, header: &[String], tz: Tz) -> Result<i64> {
    let fail = |field: &str, reason: &dyn std::fmt::Display| row.fail(field, header, reason);
    let title = clip(&clean_line(row.get("title").unwrap_or("")), 200);
    if title.is_empty() {
        return Err(fail("title", &"must not be empty"));
    }
    let body = row.get("body").map(body_text).unwrap_or_default();
    if body.is_empty() {
        return Err(fail("body", &"must not be empty"));
    }
    let category = category(row.get("category")).map_err(|e| fail("category", &e))?;
    let tags: Vec<String> = row
        .get("tags")
        .unwrap_or("")
        .split([',', ';', '|'])
        .map(|t| clean_line(t).to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let status = row
        .get("status")
        .map(values::article_status)
        .transpose()
        .map_err(|e| fail("status", &e))?
        .unwrap_or(ArticleStatus::Draft);
    let audience = row
        .get("audience")
        .map(values::audience)
        .transpose()
        .map_err(|e| fail("audience", &e))?
        .unwrap_or(Audience::Internal);
    // Authors from another helpdesk rarely exist here: the importer stands in.
    let author = row
        .get("author")
        .and_then(|a| {
            dir::list_techs(cx.tx)
                .ok()?
                .into_iter()
                .find(|t| t.login.eq_ignore_ascii_case(a) || t.name.eq_ignore_ascii_case(a))
        })
        .map(|t| t.id)
        .unwrap_or(cx.me.id);
    let Given { created, updated, .. } = dates(cx, row, header, tz)?;
    rows::insert_article(
        cx.tx,
        &rows::ImportedArticle {
            title: &title,
            body: &body,
            category: category.as_deref(),
            tags: &tags.join(", "),
            status: status.as_str(),
            audience: audience.as_str(),
            author_id: Some(author),
            created_at: created,
            updated_at: updated.unwrap_or(created),
        },
    )
}

impl Desk {
    /// Imports a CSV export. Leads only (a migration, not daily work).
    pub fn import_csv(&mut self, bytes: &[u8], opts: &CsvOptions) -> Result<CsvSummary> {
        let (text, encoding) = decode(bytes);
        let Parsed { header, mapping, rows } = read_rows(&text, opts)?;
        self.write(|cx| {
            cx.require_lead("import CSV files")?;
            let tz: Tz =
                rows::default_tz(cx.tx)?.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::Europe::London);
            let mut ids = Vec::with_capacity(rows.len());
            let mut added = 0;
            for row in &rows {
                ids.push(match opts.kind {
                    Kind::Tickets => import_ticket(cx, row, &header, tz, &opts.origin, &mut added)?,
                    Kind::Articles => import_article(cx, row, &header, tz)?,
                });
            }
            let what = if opts.kind == Kind::Tickets { "tickets" } else { "articles" };
            let detail = format!("{} {what} ({encoding}); {added} requester(s) added", ids.len());
            cx.audit("import", "csv", &opts.origin, Some(&detail))?;
            Ok(CsvSummary {
                kind: what.to_string(),
                imported: ids.len(),
                ids,
                requesters_added: added,
                encoding: encoding.to_string(),
                mapping: mapping
                    .fields
                    .iter()
                    .map(|(f, c)| Mapped { column: header[*c].trim().to_string(), field: f.to_string() })
                    .collect(),
                ignored_columns: mapping.ignored.clone(),
            })
        })
    }
}
