//! A Web Help Desk ticket report exported as CSV (Reports, or a ticket
//! search's export), read into the same records the API gives. A report
//! has no notes: only the API brings a ticket's notes.

use super::model::{Client, Ref, Tech, Ticket};
use crate::service::csv_import::dates::{self, DateReader};
use crate::{Error, Result};
use chrono_tz::Tz;

/// The report's columns a field is read from (header names compared
/// ignoring case, spaces, `_`, `.` and `#`).
const COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["ticketnumber", "ticket", "ticketno", "ticketid", "number", "no", "id", "jobticketid"]),
    ("subject", &["subject", "requestsubject"]),
    ("detail", &["requestdetail", "detail", "details", "description"]),
    ("created", &["reportdate", "date", "opendate", "datecreated", "created", "reported"]),
    ("updated", &["lastupdated", "dateupdated", "updated", "lastupdate"]),
    ("closed", &["closedate", "closeddate", "dateclosed", "closed"]),
    ("status", &["status", "statustype", "ticketstatus"]),
    ("priority", &["priority", "prioritytype"]),
    ("request_type", &["requesttype", "problemtype", "type"]),
    ("location", &["location", "locationname", "site"]),
    ("client_email", &["clientemail", "email", "clientemailaddress"]),
    ("client_name", &["client", "clientname", "requester"]),
    ("client_first", &["clientfirstname", "firstname"]),
    ("client_last", &["clientlastname", "lastname"]),
    ("tech", &["assignedtech", "tech", "assignedto", "techname"]),
    ("tech_email", &["techemail", "assignedtechemail"]),
];

fn key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Reads the report: every row checked (the first bad one names its line
/// and column), nothing written here.
pub fn read(text: &str, tz: Tz, date_format: Option<&str>) -> Result<Vec<Ticket>> {
    let delimiter = {
        let first = text.lines().next().unwrap_or("");
        [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|d| first.bytes().filter(|b| b == d).count())
            .unwrap_or(b',')
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid(format!("line 1: cannot read the header: {e}; nothing was imported")))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut at: Vec<(&str, usize)> = Vec::new();
    for (field, names) in COLUMNS {
        let found: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| names.contains(&key(h).as_str()))
            .map(|(i, _)| i)
            .collect();
        // A column another field already took (e.g. "Client" and "Client Email") stays with it.
        if let Some(&i) = found.iter().find(|i| !at.iter().any(|(_, j)| j == *i)) {
            at.push((field, i));
        }
    }
    let col = |field: &str| at.iter().find(|(f, _)| *f == field).map(|(_, i)| *i);
    for required in ["id", "subject"] {
        if col(required).is_none() {
            return Err(Error::invalid(format!(
                "not a Web Help Desk ticket report: no {} column (expected e.g. \"Ticket Number\" and \"Subject\"); nothing was imported",
                if required == "id" { "ticket number" } else { "subject" }
            )));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::invalid(format!("{e}; nothing was imported")))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push((line, record));
    }
    let date_cols: Vec<usize> = ["created", "updated", "closed"].iter().filter_map(|f| col(f)).collect();
    let reader = match date_format {
        Some(f) => DateReader::with_format(tz, f)?,
        None => dates::detect(
            tz,
            rows.iter().flat_map(|(line, r)| {
                let header = &header;
                date_cols.iter().filter_map(move |&c| {
                    r.get(c)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(|v| (*line, header[c].as_str(), v.to_string()))
                })
            }),
        )?,
    };
    let mut out = Vec::with_capacity(rows.len());
    for (line, r) in &rows {
        let cell = |field: &str| col(field).and_then(|c| r.get(c)).map(str::trim).filter(|v| !v.is_empty());
        let fail = |field: &str, why: String| {
            let column = col(field).map(|c| header[c].as_str()).unwrap_or("");
            Error::invalid(format!("line {line}, column '{column}': {why}; nothing was imported"))
        };
        let id = cell("id").ok_or_else(|| fail("id", "the ticket number is empty".into()))?;
        let id: i64 = id
            .trim_start_matches('#')
            .parse()
            .map_err(|_| fail("id", format!("'{id}' is not a Web Help Desk ticket number")))?;
        let date = |field: &str| -> Result<Option<String>> {
            cell(field)
                .map(|v| reader.read(v).map(|t| t.to_rfc3339()).map_err(|e| fail(field, e)))
                .transpose()
        };
        let named = |field: &str| cell(field).map(|v| v.to_string());
        let client_name = named("client_name");
        let (first, last) = match (named("client_first"), named("client_last")) {
            (None, None) => (client_name, None),
            other => other,
        };
        out.push(Ticket {
            id,
            subject: named("subject"),
            detail: named("detail"),
            report_date_utc: date("created")?,
            last_updated: date("updated")?,
            close_date_utc: date("closed")?,
            location: named("location").map(|n| Ref { location_name: Some(n), ..Ref::default() }),
            client_reporter: Some(Client {
                email: named("client_email"),
                first_name: first,
                last_name: last,
                ..Client::default()
            }),
            client_tech: (cell("tech").is_some() || cell("tech_email").is_some()).then(|| Tech {
                display_name: named("tech"),
                email: named("tech_email"),
                ..Tech::default()
            }),
            problemtype: named("request_type")
                .map(|n| Ref { detail_display_name: Some(n), ..Ref::default() }),
            statustype: named("status").map(|n| Ref { status_type_name: Some(n), ..Ref::default() }),
            prioritytype: named("priority").map(|n| Ref { priority_type_name: Some(n), ..Ref::default() }),
            ..Ticket::default()
        });
    }
    Ok(out)
}
