//! Which CSV column feeds which field: the default mapping of the header
//! names osTicket, Zammad and Freshdesk (and spreadsheets) use, overridden
//! by `--map COLUMN=FIELD` (`--map COLUMN=-` ignores a column).
//! docs/import.md documents the same table.

use crate::{Error, Result};

/// What the rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Tickets,
    Articles,
}

impl std::str::FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tickets" | "ticket" => Ok(Kind::Tickets),
            "articles" | "article" => Ok(Kind::Articles),
            other => Err(Error::invalid(format!("invalid kind '{other}': expected tickets or articles"))),
        }
    }
}

/// (field, header names that mean it), for tickets.
pub const TICKET_FIELDS: &[(&str, &[&str])] = &[
    ("external_id", &["ticket id", "ticket number", "ticket #", "number", "id", "#", "issue key"]),
    ("subject", &["subject", "title", "summary"]),
    ("body", &["description", "body", "message", "details", "issue", "content", "first message"]),
    (
        "requester_email",
        &[
            "requester email",
            "email",
            "e-mail",
            "from email",
            "customer email",
            "contact email",
            "requester",
            "customer",
            // Jira Service Management writes the reporter's name here.
            "reporter",
        ],
    ),
    (
        "requester_name",
        &[
            "requester name",
            "name",
            "full name",
            "from",
            "from name",
            "customer name",
            "contact name",
            "contact",
        ],
    ),
    ("status", &["status", "state", "current status", "ticket status"]),
    ("priority", &["priority", "urgency"]),
    ("category", &["category", "help topic", "type", "ticket type", "topic"]),
    ("school", &["school", "organization", "organisation", "company", "site"]),
    ("assignee", &["assignee", "agent", "agent assigned", "assigned to", "owner", "technician"]),
    ("tier", &["tier", "level"]),
    ("source", &["source", "channel"]),
    (
        "created_at",
        &[
            "created at",
            "created",
            "created time",
            "date created",
            "create date",
            "opened",
            "opened at",
            "opening date",
        ],
    ),
    (
        "updated_at",
        &[
            "updated at",
            "updated",
            "last update",
            "updated time",
            "last updated",
            "last update time",
            "last modified",
            "modified",
        ],
    ),
    ("resolved_at", &["resolved at", "resolved", "resolved time", "date resolved", "solved at"]),
    ("closed_at", &["closed at", "closed", "closed time", "date closed", "close date", "close time"]),
];

/// (field, header names that mean it), for articles.
pub const ARTICLE_FIELDS: &[(&str, &[&str])] = &[
    ("external_id", &["article id", "faq id", "id"]),
    ("title", &["title", "question", "subject", "name", "article title"]),
    ("body", &["body", "answer", "content", "description", "text", "article body"]),
    ("category", &["category", "folder", "section", "topic"]),
    ("tags", &["tags", "keywords", "labels"]),
    ("status", &["status", "state", "published"]),
    ("audience", &["audience", "visibility"]),
    ("author", &["author", "created by", "agent", "owner"]),
    ("created_at", &["created at", "created", "created time", "date created"]),
    ("updated_at", &["updated at", "updated", "updated time", "modified", "last modified", "last updated"]),
];

pub const TICKET_REQUIRED: &[&str] = &["subject", "requester_email"];
pub const ARTICLE_REQUIRED: &[&str] = &["title", "body"];

pub fn fields(kind: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        Kind::Tickets => TICKET_FIELDS,
        Kind::Articles => ARTICLE_FIELDS,
    }
}

fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Tickets => TICKET_REQUIRED,
        Kind::Articles => ARTICLE_REQUIRED,
    }
}

/// Header text compared loosely: case, `_`, surrounding space.
pub fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .replace('_', " ")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses `--map COLUMN=FIELD` arguments.
pub fn parse_maps(kind: Kind, maps: &[String]) -> Result<Vec<(String, Option<String>)>> {
    let names: Vec<&str> = fields(kind).iter().map(|(f, _)| *f).collect();
    maps.iter()
        .map(|m| {
            let (col, field) = m.rsplit_once('=').ok_or_else(|| {
                Error::invalid(format!(
                    "invalid --map '{m}': expected COLUMN=FIELD (or COLUMN=- to ignore it)"
                ))
            })?;
            let field = field.trim();
            if field == "-" {
                return Ok((normalise(col), None));
            }
            if !names.contains(&field) {
                return Err(Error::invalid(format!(
                    "invalid --map '{m}': unknown field '{field}' (expected one of {})",
                    names.join(", ")
                )));
            }
            Ok((normalise(col), Some(field.to_string())))
        })
        .collect()
}

/// Which column feeds which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// (field, column index), in column order.
    pub fields: Vec<(&'static str, usize)>,
    /// Header names no field uses.
    pub ignored: Vec<String>,
}

/// The column index of each field, from the header and the overrides.
pub fn resolve(kind: Kind, header: &[String], maps: &[(String, Option<String>)]) -> Result<Mapping> {
    let normal: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    for (col, _) in maps {
        if !normal.contains(col) {
            return Err(Error::invalid(format!(
                "--map names column '{col}', which is not in the file's header"
            )));
        }
    }
    // A field named by --map is read from that column only: other columns
    // that would claim it by their header are ignored.
    let explicit: Vec<&str> = maps.iter().filter_map(|(_, f)| f.as_deref()).collect();
    let mut chosen: Vec<(&'static str, usize)> = Vec::new();
    let mut ignored = Vec::new();
    for (i, h) in normal.iter().enumerate() {
        let field = match maps.iter().find(|(c, _)| c == h) {
            Some((_, None)) => None,
            Some((_, Some(f))) => fields(kind).iter().find(|(name, _)| name == f).map(|(name, _)| *name),
            None => fields(kind)
                .iter()
                .find(|(_, names)| names.contains(&h.as_str()))
                .map(|(name, _)| *name)
                .filter(|name| !explicit.contains(name)),
        };
        match field {
            Some(f) => {
                if let Some((_, other)) = chosen.iter().find(|(g, _)| *g == f) {
                    let (a, b) = (header[*other].trim(), header[i].trim());
                    return Err(Error::invalid(format!(
                        "columns '{a}' and '{b}' both map to {f}: choose one with --map \"{a}={f}\" \
                         (the other is then ignored), or ignore one with --map \"{b}=-\""
                    )));
                }
                chosen.push((f, i));
            }
            None => ignored.push(header[i].trim().to_string()),
        }
    }
    for need in required(kind) {
        if !chosen.iter().any(|(f, _)| f == need) {
            let examples: Vec<&str> = fields(kind)
                .iter()
                .find(|(f, _)| f == need)
                .map(|(_, n)| n.iter().take(3).copied().collect())
                .unwrap_or_default();
            return Err(Error::invalid(format!(
                "no column for {need}: expected a header such as {} (or --map COLUMN={need})",
                examples.join(", ")
            )));
        }
    }
    Ok(Mapping { fields: chosen, ignored })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &[&str]) -> Vec<String> {
        cols.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn helpdesk_headers_map_by_default() {
        // Freshdesk-shaped.
        let Mapping { fields: m, ignored } = resolve(
            Kind::Tickets,
            &header(&[
                "Ticket ID",
                "Subject",
                "Description",
                "Status",
                "Priority",
                "Requester Email",
                "Full name",
                "Tags",
            ]),
            &[],
        )
        .unwrap();
        let fields: Vec<&str> = m.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["external_id", "subject", "body", "status", "priority", "requester_email", "requester_name"]
        );
        assert_eq!(ignored, ["Tags"]);
        // osTicket-shaped: "From" is the name, "From Email" the address.
        let m = resolve(
            Kind::Tickets,
            &header(&["Ticket Number", "Subject", "From", "From Email", "Help Topic"]),
            &[],
        )
        .unwrap()
        .fields;
        assert!(
            m.contains(&("requester_name", 2))
                && m.contains(&("requester_email", 3))
                && m.contains(&("category", 4))
        );
    }

    #[test]
    fn overrides_and_clear_refusals() {
        let maps = parse_maps(Kind::Tickets, &["Caller=requester_email".into(), "Notes=-".into()]).unwrap();
        let Mapping { fields: m, ignored } =
            resolve(Kind::Tickets, &header(&["Title", "Caller", "Notes"]), &maps).unwrap();
        assert_eq!(m, [("subject", 0), ("requester_email", 1)]);
        assert_eq!(ignored, ["Notes"]);
        let err = parse_maps(Kind::Tickets, &["x=nonsense".into()]).unwrap_err().to_string();
        assert!(err.contains("unknown field 'nonsense'"), "{err}");
        let err = resolve(Kind::Tickets, &header(&["Subject"]), &[]).unwrap_err().to_string();
        assert!(err.contains("no column for requester_email"), "{err}");
        let err =
            resolve(Kind::Tickets, &header(&["Subject", "Email", "Requester"]), &[]).unwrap_err().to_string();
        assert!(err.contains("'Email' and 'Requester' both map to requester_email"), "{err}");
        assert!(err.contains("--map \"Email=requester_email\""), "{err}");
        // Naming one column for the field settles it: the other is ignored.
        let maps = parse_maps(Kind::Tickets, &["Title=subject".into()]).unwrap();
        let Mapping { fields: m, ignored } =
            resolve(Kind::Tickets, &header(&["Summary", "Title", "Email"]), &maps).unwrap();
        assert_eq!(m, [("subject", 1), ("requester_email", 2)]);
        assert_eq!(ignored, ["Summary"]);
        let err = resolve(
            Kind::Tickets,
            &header(&["Subject", "Email"]),
            &parse_maps(Kind::Tickets, &["Nope=body".into()]).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("'nope', which is not in the file's header"), "{err}");
    }
}
