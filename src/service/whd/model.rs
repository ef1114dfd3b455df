//! Web Help Desk's records as its REST API (`Helpdesk.woa/ra/...`) writes
//! them in JSON, read leniently: WHD leaves out or nulls fields it has no
//! value for, and adds custom fields per installation, so every field but
//! `id` is optional and unknown ones are ignored.

use serde::Deserialize;

/// A reference to another record: `{"id": 1, "type": "Location"}`, with
/// whatever else WHD embeds (names, e-mail) when it embeds more.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ref {
    pub id: Option<i64>,
    pub location_name: Option<String>,
    /// Request types: "Hardware / Printer" (parent / child).
    pub detail_display_name: Option<String>,
    pub problem_type_name: Option<String>,
    pub status_type_name: Option<String>,
    pub priority_type_name: Option<String>,
}

/// `GET ra/Locations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: i64,
    #[serde(default)]
    pub location_name: Option<String>,
}

/// `GET ra/RequestTypes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestType {
    pub id: i64,
    #[serde(default)]
    pub detail_display_name: Option<String>,
    #[serde(default)]
    pub problem_type_name: Option<String>,
}

impl RequestType {
    pub fn name(&self) -> Option<&str> {
        self.detail_display_name.as_deref().or(self.problem_type_name.as_deref())
    }
}

/// `GET ra/Clients`, and a ticket's `clientReporter`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Client {
    pub id: Option<i64>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub location: Option<Ref>,
}

impl Client {
    pub fn name(&self) -> String {
        let parts = [self.first_name.as_deref(), self.last_name.as_deref()];
        parts.iter().flatten().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

/// `GET ra/Techs`, and a ticket's `clientTech` (the assigned tech).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tech {
    pub id: Option<i64>,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The login, under the names WHD versions have used for it.
    #[serde(alias = "userName", alias = "loginName")]
    pub username: Option<String>,
}

impl Tech {
    /// How the summary names an unmatched tech (never a key or a password).
    pub fn label(&self) -> String {
        let name = self.display_name.clone().unwrap_or_else(|| {
            [self.first_name.as_deref(), self.last_name.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        });
        match (&self.email, name.trim().is_empty()) {
            (Some(e), false) => format!("{} <{e}>", name.trim()),
            (Some(e), true) => e.clone(),
            (None, false) => name.trim().to_string(),
            (None, true) => format!("tech #{}", self.id.unwrap_or(0)),
        }
    }
}

/// One entry of `GET ra/Tickets` (the short list style).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketRef {
    pub id: i64,
    #[serde(default)]
    pub last_updated: Option<String>,
}

/// `GET ra/Tickets/{id}`: a ticket with its notes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ticket {
    pub id: i64,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub report_date_utc: Option<String>,
    pub last_updated: Option<String>,
    pub close_date_utc: Option<String>,
    pub location_id: Option<i64>,
    pub location: Option<Ref>,
    pub client_id: Option<i64>,
    pub client_reporter: Option<Client>,
    pub client_tech: Option<Tech>,
    pub tech_id: Option<i64>,
    pub problemtype: Option<Ref>,
    pub statustype: Option<Ref>,
    pub prioritytype: Option<Ref>,
    pub notes: Vec<Note>,
}

/// A note as a ticket lists it: a tech's (`TechNote`, hidden from the
/// client or not) or the client's own (`ClientNote`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Note {
    pub id: Option<i64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub date: Option<String>,
    pub date_utc: Option<String>,
    pub pretty_updated_string: Option<String>,
    pub mobile_note_text: Option<String>,
    pub note_text: Option<String>,
    pub is_tech_note: Option<bool>,
    pub is_hidden: Option<bool>,
}

impl Note {
    /// A client's own note (it came from the requester).
    pub fn from_client(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("ClientNote"))
            || self.is_tech_note == Some(false)
    }

    /// Who wrote it, from "2 weeks ago <strong>Joe Admin</strong> said".
    pub fn author(&self) -> Option<String> {
        let s = self.pretty_updated_string.as_deref()?;
        let start = s.find("<strong>")? + "<strong>".len();
        let end = s[start..].find("</strong>")? + start;
        let name = s[start..end].trim();
        (!name.is_empty()).then(|| name.to_string())
    }
}
