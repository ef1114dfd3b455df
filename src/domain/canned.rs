//! Canned solutions and their placeholders. Placeholders are checked when a
//! solution is saved, so sending one can never fail on a typo.

use super::{ArticleId, CannedId, Timestamp};
use crate::domain::TicketId;
use serde::Serialize;

/// Every placeholder a canned solution may use.
pub const PLACEHOLDERS: &[&str] =
    &["requester.first_name", "requester.name", "ticket.id", "ticket.subject", "school.name", "tech.name"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CannedSolution {
    pub id: CannedId,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub article_id: Option<ArticleId>,
    /// Login of the author.
    pub author: Option<String>,
    /// How many times it has been applied to a ticket.
    pub uses: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The values placeholders are replaced with.
#[derive(Debug, Clone, Default)]
pub struct PlaceholderValues {
    pub requester_first_name: String,
    pub requester_name: String,
    pub ticket_id: TicketId,
    pub ticket_subject: String,
    pub school_name: String,
    pub tech_name: String,
    /// Answers to `{{ask:label}}` fill-ins, as (label, answer).
    pub answers: Vec<(String, String)>,
}

/// The prefix of a fill-in the technician is asked for when the solution
/// is picked: `{{ask:software name}}`.
pub const ASK: &str = "ask:";
/// The longest label of an `{{ask:…}}` fill-in.
pub const MAX_ASK: usize = 60;

impl PlaceholderValues {
    fn get(&self, name: &str) -> Option<String> {
        if let Some(label) = name.strip_prefix(ASK) {
            let label = label.trim();
            return self.answers.iter().find(|(l, _)| l == label).map(|(_, a)| a.clone());
        }
        Some(match name {
            "requester.first_name" => self.requester_first_name.clone(),
            "requester.name" => self.requester_name.clone(),
            "ticket.id" => self.ticket_id.to_string(),
            "ticket.subject" => self.ticket_subject.clone(),
            "school.name" => self.school_name.clone(),
            "tech.name" => self.tech_name.clone(),
            _ => return None,
        })
    }
}

enum Piece<'a> {
    Text(&'a str),
    /// A placeholder name (trimmed) and its source text.
    Field(&'a str, &'a str),
}

fn known() -> String {
    PLACEHOLDERS.iter().map(|p| format!("{{{{{p}}}}}")).collect::<Vec<_>>().join(", ")
}

fn cut(text: &str) -> String {
    let s: String = text.chars().take(30).collect();
    if text.chars().count() > 30 {
        format!("{s}…")
    } else {
        s
    }
}

/// Splits a template into text and placeholders, rejecting anything that is
/// not a known `{{name}}`.
fn pieces<'a>(field: &str, text: &'a str) -> crate::Result<Vec<Piece<'a>>> {
    let err = |msg: String| crate::Error::invalid(format!("{field}: {msg}"));
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let before = &rest[..open];
        check_plain(field, before)?;
        out.push(Piece::Text(before));
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            err(format!("placeholder '{}' is not closed: expected {{{{name}}}}", cut(&rest[open..])))
        })?;
        let inner = &after[..close];
        let source = &rest[open..open + 2 + close + 2];
        if inner.contains("{{") || inner.contains('\n') {
            return Err(err(format!("placeholder '{}' is not closed: expected {{{{name}}}}", cut(source))));
        }
        let name = inner.trim();
        let ask = name.strip_prefix(ASK).map(str::trim);
        if let Some(label) = ask {
            if label.is_empty() || label.chars().count() > MAX_ASK {
                return Err(err(format!(
                    "fill-in {source} needs a label of 1 to {MAX_ASK} characters: {{{{ask:software name}}}}"
                )));
            }
        } else if !PLACEHOLDERS.contains(&name) {
            return Err(err(format!("unknown placeholder {source}: expected one of {}", known())));
        }
        out.push(Piece::Field(name, source));
        rest = &after[close + 2..];
    }
    check_plain(field, rest)?;
    out.push(Piece::Text(rest));
    Ok(out)
}

/// Plain text must not hold a stray `}}` or a single-brace `{ticket.id}`.
fn check_plain(field: &str, text: &str) -> crate::Result<()> {
    if text.contains("}}") {
        return Err(crate::Error::invalid(format!("{field}: '}}}}' without a matching '{{{{'")));
    }
    for p in PLACEHOLDERS {
        if text.contains(&format!("{{{p}}}")) {
            return Err(crate::Error::invalid(format!(
                "{field}: placeholder {{{p}}} needs double braces: {{{{{p}}}}}"
            )));
        }
    }
    Ok(())
}

/// Checks every placeholder in `text` (the field name is used in messages).
pub fn check_placeholders(field: &str, text: &str) -> crate::Result<()> {
    pieces(field, text).map(|_| ())
}

/// The labels of the `{{ask:…}}` fill-ins, in order of first use, once each.
pub fn asks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pieces("body", text).unwrap_or_default() {
        if let Piece::Field(name, _) = p {
            if let Some(label) = name.strip_prefix(ASK).map(|l| l.trim().to_string()) {
                if !out.contains(&label) {
                    out.push(label);
                }
            }
        }
    }
    out
}

/// Fills in the placeholders. Values are not expanded again, so a subject
/// containing `{{...}}` is shown as typed.
pub fn render(text: &str, values: &PlaceholderValues) -> String {
    match pieces("body", text) {
        Ok(pieces) => pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.to_string(),
                Piece::Field(name, source) => values.get(name).unwrap_or_else(|| source.to_string()),
            })
            .collect(),
        // Saved bodies are always checked; anything else is shown as stored.
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> PlaceholderValues {
        PlaceholderValues {
            requester_first_name: "Rachel".into(),
            requester_name: "Rachel Hughes".into(),
            ticket_id: TicketId(42),
            ticket_subject: "Printer {{tech.name}} jam".into(),
            school_name: "St Bede's".into(),
            tech_name: "Tam Two".into(),
            answers: vec![("software name".into(), "SIMS".into())],
        }
    }

    #[test]
    fn ask_fill_ins_are_listed_once_and_filled_from_the_answers() {
        let body = "Reinstall {{ask:software name}} on {{ ask: room }}; {{ask:software name}} again.";
        check_placeholders("body", body).unwrap();
        assert_eq!(asks(body), ["software name", "room"]);
        assert_eq!(render(body, &values()), "Reinstall SIMS on {{ ask: room }}; SIMS again.");
        assert!(check_placeholders("body", "{{ask:}}").unwrap_err().to_string().contains("needs a label"));
        assert!(asks("no fill-ins {{tech.name}}").is_empty());
    }

    #[test]
    fn every_placeholder_is_filled_once() {
        let body = "Hi {{requester.first_name}} ({{ requester.name }}), #{{ticket.id}} \"{{ticket.subject}}\" at {{school.name}}. {{tech.name}}";
        check_placeholders("body", body).unwrap();
        assert_eq!(
            render(body, &values()),
            "Hi Rachel (Rachel Hughes), #42 \"Printer {{tech.name}} jam\" at St Bede's. Tam Two"
        );
        assert_eq!(render("no placeholders { at all }", &values()), "no placeholders { at all }");
    }

    #[test]
    fn unknown_and_malformed_placeholders_are_named() {
        let err = |t: &str| check_placeholders("body", t).unwrap_err().to_string();
        assert!(err("Hi {{requester.last_name}}").contains("unknown placeholder {{requester.last_name}}"));
        assert!(err("Hi {{requester.last_name}}").contains("expected one of {{requester.first_name}}"));
        assert!(
            err("Hi {{requester.first_name").contains("placeholder '{{requester.first_name' is not closed")
        );
        assert!(err("Hi {{requester.first_name\n}}").contains("is not closed"));
        assert!(err("Hi {{ {{ticket.id}}").contains("is not closed"));
        assert!(err("Hi {{}}").contains("unknown placeholder {{}}"));
        assert!(err("Hi requester.name}}").contains("'}}' without a matching '{{'"));
        assert!(err("Ref {ticket.id}").contains("{ticket.id} needs double braces"));
        assert!(check_placeholders("body", "plain { text }").is_ok());
    }
}
