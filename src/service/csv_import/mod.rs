//! `import csv`: tickets and articles from other helpdesks' CSV exports
//! (osTicket, Zammad, Freshdesk, spreadsheets). All or nothing: every row
//! is checked and written in one transaction; the first bad row names its
//! line and field, and nothing is written. Rows imported before from the
//! same origin (file name or `--origin`) are recognised and skipped, so
//! running an import again does not duplicate anything.

mod articles;
pub mod columns;
pub mod dates;
mod origin;
mod tickets;
pub mod values;

use super::Desk;
use crate::domain::{Technician, Timestamp};
use crate::mail::{html::html_to_text, inbound::clean_line};
use crate::service::tickets::MAX_BODY;
use crate::store::{directory as dir, import as rows};
use crate::text::clip;
use crate::{Error, Result};
use chrono_tz::Tz;
pub use columns::Kind;
use dates::DateReader;
use rusqlite::Connection;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    pub kind: Kind,
    /// `COLUMN=FIELD` overrides (`COLUMN=-` ignores the column).
    pub maps: Vec<String>,
    /// The file name (or the `--origin` label): recorded on each imported
    /// ticket, and where rows imported before are looked for.
    pub origin: String,
    /// `--date-format`: how every date cell is written (chrono strftime).
    pub date_format: Option<String>,
    /// `--map-status WORD=STATUS`: the file's own status words.
    pub status_maps: Vec<String>,
    /// `--requester-domain`: a requester cell holding a name, not an
    /// address, becomes `name.slug@DOMAIN` (default: a placeholder at
    /// `unknown.invalid`, which can never receive mail, in the triage school).
    pub requester_domain: Option<String>,
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
    /// Rows imported before from the same origin, left alone.
    pub skipped: usize,
    /// The ids those rows became then, in file order.
    pub skipped_ids: Vec<i64>,
}

/// Decodes the file: UTF-8 (a BOM is dropped; borrowed, not copied), else
/// Windows-1252 (what Excel on a school PC writes).
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), "utf-8"),
        Err(_) => {
            let decode = mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252");
            (
                Cow::Owned(
                    decode.map(|d| d(bytes)).unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
                ),
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

/// A field and the column it is read from (None: the file has no such column).
#[derive(Debug, Clone, Copy)]
struct Col {
    field: &'static str,
    at: Option<usize>,
}

/// One data row: its line and its cells.
struct Row {
    line: u64,
    record: csv::StringRecord,
}

impl Row {
    fn get(&self, col: Col) -> Option<&str> {
        col.at.map(|c| self.record[c].trim()).filter(|v| !v.is_empty())
    }

    /// The cell of `col` read by `parse` (None when empty); a value it
    /// refuses is reported with the row's line, the field and the column.
    fn parse<T, E: std::fmt::Display>(
        &self,
        col: Col,
        header: &[String],
        parse: impl FnOnce(&str) -> std::result::Result<T, E>,
    ) -> Result<Option<T>> {
        self.get(col).map(parse).transpose().map_err(|e| self.fail(col, header, e))
    }

    fn fail(&self, col: Col, header: &[String], reason: impl std::fmt::Display) -> Error {
        let column = col.at.map(|c| header[c].trim()).unwrap_or("");
        Error::invalid(format!(
            "line {}, field {} (column '{column}'): {reason}; nothing was imported",
            self.line, col.field
        ))
    }
}

/// An opened file: its header and how its columns map to fields.
struct Parsed {
    header: Vec<String>,
    mapping: columns::Mapping,
    delimiter: u8,
}

impl Parsed {
    /// The data rows of `text` (the file this was opened from), from the
    /// first on: read again from the start each time the import's
    /// transaction is run (a busy database runs it again).
    fn rows<'t>(&self, text: &'t str) -> Rows<'t> {
        Rows { text, reader: reader(text, self.delimiter), width: self.header.len(), counted: (0, 0) }
    }

    /// Where `field` is read from (resolved once per file, not per cell).
    fn col(&self, field: &'static str) -> Col {
        Col { field, at: self.mapping.fields.iter().find(|(f, _)| *f == field).map(|(_, c)| *c) }
    }
}

/// The data rows of an opened file, read one at a time: a million-row
/// export is never held whole (parsed up front, a 290 MB file took 600 MB
/// more). A bad row found late still writes nothing: the import's
/// transaction is rolled back.
struct Rows<'t> {
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    width: usize,
    /// Lines counted so far: those before byte `counted.0` are `counted.1`.
    counted: (usize, u64),
}

impl Rows<'_> {
    /// The line at which the record at `pos` starts. The csv crate's
    /// position is where it began reading, before the blank lines it passes
    /// over, and its line count leaves them out: a row after a blank line
    /// was named by the line before it. Lines are counted here instead.
    fn line(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(mut byte) =
            pos.and_then(|p| usize::try_from(p.byte()).ok()).filter(|&b| b >= self.counted.0)
        else {
            return 0;
        };
        let bytes = self.text.as_bytes();
        while bytes.get(byte).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            byte += 1;
        }
        let (from, before) = self.counted;
        let newlines = self.text.as_bytes()[from..byte.min(self.text.len())].iter().filter(|&&b| b == b'\n');
        self.counted = (byte, before + newlines.count() as u64);
        self.counted.1 + 1
    }

    /// The next data row (blank lines are passed over); Err names its line.
    fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            let mut record = csv::StringRecord::new();
            let more = match self.reader.read_record(&mut record) {
                Ok(more) => more,
                Err(e) => {
                    let line = self.line(e.position());
                    return Err(Error::invalid(format!("line {line}: {e}; nothing was imported")));
                }
            };
            if !more {
                return Ok(None);
            }
            let line = self.line(record.position());
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != self.width {
                return Err(Error::invalid(format!(
                    "line {line}: {} fields where the header has {}; nothing was imported",
                    record.len(),
                    self.width
                )));
            }
            return Ok(Some(Row { line, record }));
        }
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes())
}

/// Reads the header and maps the columns; the rows are read as the import goes.
fn open(text: &str, opts: &CsvOptions) -> Result<Parsed> {
    let delimiter = delimiter(text);
    let mut reader = reader(text, delimiter);
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
    Ok(Parsed { header, mapping, delimiter })
}

/// `needle` (ASCII) in `hay`, ignoring ASCII case: what `to_lowercase`
/// then `contains` finds for these tags, without copying every body.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Cell text that may be HTML (Freshdesk descriptions are).
pub(crate) fn body_text(raw: &str) -> String {
    let looks_html =
        ["<p", "<br", "<div", "</", "<ul", "<table"].iter().any(|t| contains_ignore_case(raw, t));
    let text = if looks_html { html_to_text(raw) } else { raw.replace("\r\n", "\n").replace('\r', "\n") };
    clip(text.trim(), MAX_BODY)
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

/// The date columns of a file.
struct DateCols {
    created: Col,
    updated: Col,
    resolved: Col,
    closed: Col,
}

impl DateCols {
    fn of(parsed: &Parsed) -> DateCols {
        DateCols {
            created: parsed.col("created_at"),
            updated: parsed.col("updated_at"),
            resolved: parsed.col("resolved_at"),
            closed: parsed.col("closed_at"),
        }
    }
}

/// The dates a row gives (created defaults to now).
#[derive(Clone, Copy)]
struct Given {
    created: Timestamp,
    updated: Option<Timestamp>,
    resolved: Option<Timestamp>,
    closed: Option<Timestamp>,
}

fn dates(
    now: Timestamp,
    row: &Row,
    cols: &DateCols,
    header: &[String],
    reader: &DateReader,
) -> Result<Given> {
    let get = |col: Col| -> Result<Option<Timestamp>> {
        match row.get(col) {
            None => Ok(None),
            Some(v) => {
                let t = reader.read(v).map_err(|e| row.fail(col, header, e))?;
                if t > now {
                    return Err(row.fail(col, header, format!("'{v}' is in the future")));
                }
                Ok(Some(t))
            }
        }
    };
    let created = get(cols.created)?.unwrap_or(now);
    let (updated, resolved, closed) = (get(cols.updated)?, get(cols.resolved)?, get(cols.closed)?);
    for (col, t) in [(cols.updated, updated), (cols.resolved, resolved), (cols.closed, closed)] {
        if t.is_some_and(|t| t < created) {
            return Err(row.fail(col, header, "is before the ticket was created"));
        }
    }
    Ok(Given { created, updated, resolved, closed })
}

/// Active technicians by login or name (ignoring ASCII case), read once
/// per import: the first in `list_techs` order wins, as a scan would.
struct Techs {
    list: Vec<Technician>,
    by_key: HashMap<String, usize>,
}

impl Techs {
    fn load(conn: &Connection) -> Result<Techs> {
        let list = dir::list_techs(conn)?;
        let mut by_key = HashMap::new();
        for (i, t) in list.iter().enumerate() {
            by_key.entry(t.login.to_ascii_lowercase()).or_insert(i);
            by_key.entry(t.name.to_ascii_lowercase()).or_insert(i);
        }
        Ok(Techs { list, by_key })
    }

    fn find(&self, login_or_name: &str) -> Option<&Technician> {
        self.by_key.get(&login_or_name.to_ascii_lowercase()).map(|&i| &self.list[i])
    }
}

/// What an import did, filled in as it goes.
#[derive(Default)]
struct Outcome {
    ids: Vec<i64>,
    skipped_ids: Vec<i64>,
    requesters_added: usize,
}

/// How this file writes dates: `--date-format`, or decided from all its
/// date cells before any row is read for real (see `dates`).
fn date_reader(parsed: &Parsed, text: &str, tz: Tz, opts: &CsvOptions) -> Result<DateReader> {
    if let Some(f) = &opts.date_format {
        return DateReader::with_format(tz, f);
    }
    let cols = DateCols::of(parsed);
    let cols = [cols.created, cols.updated, cols.resolved, cols.closed];
    let mut detector = dates::Detector::default();
    let mut rows = parsed.rows(text);
    while let Some(row) = rows.next_row()? {
        for col in cols {
            if let (Some(v), Some(at)) = (row.get(col), col.at) {
                detector.see(row.line, parsed.header[at].trim(), v);
            }
        }
    }
    detector.finish(tz)
}

impl Desk {
    /// Imports a CSV export. Leads only (a migration, not daily work).
    pub fn import_csv(&mut self, bytes: &[u8], opts: &CsvOptions) -> Result<CsvSummary> {
        if opts.origin.trim().is_empty() {
            return Err(Error::invalid(
                "invalid --origin '': expected a name for where the rows come from, e.g. freshdesk",
            ));
        }
        let (text, encoding) = decode(bytes);
        let parsed = open(&text, opts)?;
        let what = if opts.kind == Kind::Tickets { "tickets" } else { "articles" };
        let out = self.write(|cx| {
            cx.require_lead("import CSV files")?;
            let tz: Tz =
                rows::default_tz(cx.tx)?.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::Europe::London);
            let dates = date_reader(&parsed, &text, tz, opts)?;
            let before = rows::imported_rows(cx.tx, what, &opts.origin)?;
            let mut out = Outcome::default();
            let mut rows = origin::Keyed::new(&parsed, parsed.rows(&text), opts.kind, before);
            rows::with_import_cache(cx.tx, || match opts.kind {
                Kind::Tickets => tickets::import(cx, &mut rows, &dates, opts, &mut out),
                Kind::Articles => articles::import(cx, &mut rows, &dates, &opts.origin, &mut out),
            })?;
            // Nothing new (e.g. the same file again): nothing is written.
            if !out.ids.is_empty() {
                let mut detail = format!(
                    "{} {what} ({encoding}); {} requester(s) added",
                    out.ids.len(),
                    out.requesters_added
                );
                if !out.skipped_ids.is_empty() {
                    detail.push_str(&format!("; {} row(s) imported before, skipped", out.skipped_ids.len()));
                }
                cx.audit("import", "csv", &opts.origin, Some(&detail))?;
            }
            Ok(out)
        })?;
        Ok(CsvSummary {
            kind: what.to_string(),
            imported: out.ids.len(),
            ids: out.ids,
            requesters_added: out.requesters_added,
            encoding: encoding.to_string(),
            mapping: parsed
                .mapping
                .fields
                .iter()
                .map(|(f, c)| Mapped { column: parsed.header[*c].trim().to_string(), field: f.to_string() })
                .collect(),
            ignored_columns: parsed.mapping.ignored.clone(),
            skipped: out.skipped_ids.len(),
            skipped_ids: out.skipped_ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The write transaction may run twice (a busy database): each run
    /// reads every row again, from the first.
    #[test]
    fn the_rows_can_be_read_again_from_the_start() {
        let text = "Subject;Email\nA;a@x.sch.uk\n\nB;b@x.sch.uk\n";
        let opts = CsvOptions { kind: Kind::Tickets, origin: "f.csv".into(), ..CsvOptions::default() };
        let parsed = open(text, &opts).unwrap();
        let read = || {
            let mut rows = origin::Keyed::new(&parsed, parsed.rows(text), Kind::Tickets, HashMap::new());
            let mut seen = Vec::new();
            while let Some((row, key)) = rows.next().unwrap() {
                seen.push((row.line, row.record[0].to_string(), key.starts_with("sha256:")));
            }
            seen
        };
        let first = read();
        assert_eq!(first, [(2, "A".to_string(), true), (4, "B".to_string(), true)]);
        assert_eq!(read(), first);
    }

    #[test]
    fn html_is_recognised_in_any_ascii_case() {
        assert!(contains_ignore_case("a <P>b</P>", "<p"));
        assert!(contains_ignore_case("<TaBlE>", "<table"));
        assert!(!contains_ignore_case("plain <text", "<p"));
        assert!(!contains_ignore_case("<", "<br"));
        assert_eq!(body_text("<P>One</P><P>Two</P>"), "One\n\nTwo");
        assert_eq!(body_text("a\r\nb\rc"), "a\nb\nc");
    }
}
