//! Cell values of other helpdesks turned into ours: their statuses,
//! priorities, channels and date formats. Each function returns a short
//! reason on failure; the caller names the line and field.

use crate::domain::{ArticleStatus, Audience, Priority, Source, Status, Timestamp};
use chrono::format::{Item, ParseResult, Parsed, StrftimeItems};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::sync::LazyLock;

fn key(s: &str) -> String {
    s.trim().to_lowercase().replace(['_', '-'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Status words of other helpdesks, also in Spanish, Portuguese, French
/// and German (GLPI and others are often run in the school's language).
pub fn status(s: &str) -> Result<Status, String> {
    Ok(match key(s).as_str() {
        "new" | "unassigned" | "nuevo" | "nueva" | "novo" | "nova" | "nouveau" | "nouvelle" | "neu" => Status::New,
        "open" | "opened" | "in progress" | "assigned" | "reopened" | "active" | "processing"
        | "processing (assigned)" | "processing (planned)" | "abierto" | "abierta" | "en curso" | "en proceso"
        | "asignado" | "asignada" | "en curso (asignado)" | "en curso (planificado)" | "aberto" | "aberta"
        | "em atendimento" | "em andamento" | "atribuído" | "atribuido" | "en cours" | "ouvert" | "offen"
        | "in bearbeitung" | "waiting for support" | "work in progress" | "escalated" => Status::Open,
        "pending" | "on hold" | "waiting" | "waiting for customer" | "waiting on customer" | "waiting on requester" | "awaiting reply"
        | "waiting on third party" | "pending reminder" | "pending close" | "pendiente" | "en espera"
        | "pendente" | "aguardando" | "em espera" | "en attente" | "wartend" | "warten" => Status::Pending,
        "resolved" | "solved" | "answered" | "done" | "fixed" | "resuelto" | "resuelta" | "solucionado"
        | "solucionada" | "resolvido" | "resolvida" | "résolu" | "resolu" | "gelöst" | "geloest" => {
            Status::Resolved
        }
        "closed" | "archived" | "merged" | "cancelled" | "canceled" | "cerrado" | "cerrada" | "fechado"
        | "fechada" | "encerrado" | "encerrada" | "fermé" | "ferme" | "clos" | "geschlossen" => Status::Closed,
        other => {
            return Err(format!(
                "unknown status '{other}': expected new, open, pending, resolved or closed (or e.g. \"waiting on customer\", \"solved\", \"archived\"); say what it means with --map-status \"{other}=STATUS\""
            ))
        }
    })
}

/// Parses `--map-status WORD=STATUS` arguments (STATUS one of ours, or any
/// word `status` knows).
pub fn parse_status_maps(maps: &[String]) -> crate::Result<Vec<(String, Status)>> {
    maps.iter()
        .map(|m| {
            let (word, to) = m.rsplit_once('=').filter(|(w, _)| !w.trim().is_empty()).ok_or_else(|| {
                crate::Error::invalid(format!(
                    "invalid --map-status '{m}': expected WORD=STATUS, e.g. \"En curso=open\""
                ))
            })?;
            let to =
                status(to).map_err(|e| crate::Error::invalid(format!("invalid --map-status '{m}': {e}")))?;
            Ok((key(word), to))
        })
        .collect()
}

/// A status cell, through the file's `--map-status` words first.
pub fn status_with(s: &str, maps: &[(String, Status)]) -> Result<Status, String> {
    let k = key(s);
    match maps.iter().find(|(w, _)| *w == k) {
        Some((_, to)) => Ok(*to),
        None => status(s),
    }
}

pub fn priority(s: &str) -> Result<Priority, String> {
    // Zammad writes "2 normal"; Freshdesk exports may use 1-4.
    let k = key(s);
    let word = k.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
    Ok(match (k.as_str(), word) {
        ("1", _) | (_, "low") | (_, "lowest") | (_, "minor") => Priority::Low,
        ("2", _) | (_, "normal") | (_, "medium") | (_, "moderate") => Priority::Normal,
        ("3", _) | (_, "high") | (_, "major") => Priority::High,
        ("4", _) | (_, "urgent") | (_, "emergency") | (_, "critical") | (_, "highest") => Priority::Urgent,
        _ => {
            return Err(format!(
                "unknown priority '{}': expected low, normal, high or urgent (or 1-4)",
                s.trim()
            ))
        }
    })
}

pub fn source(s: &str) -> Result<Source, String> {
    Ok(match key(s).as_str() {
        "phone" | "telephone" | "call" => Source::Phone,
        "email" | "e mail" | "mail" => Source::Email,
        "walk in" | "walkin" | "in person" | "desk" => Source::WalkIn,
        "self service" | "web" | "web form" | "portal" | "chat" | "feedback widget" | "api" | "other" => {
            Source::SelfService
        }
        other => {
            return Err(format!("unknown source '{other}': expected phone, email, walk-in or self-service"))
        }
    })
}

pub fn tier(s: &str) -> Result<crate::domain::Tier, String> {
    s.parse().map_err(|e: crate::Error| e.to_string())
}

pub fn article_status(s: &str) -> Result<ArticleStatus, String> {
    Ok(match key(s).as_str() {
        "draft" | "no" | "false" | "0" | "unpublished" | "review" | "in review" => ArticleStatus::Draft,
        "published" | "publish" | "yes" | "true" | "1" | "live" | "public" => ArticleStatus::Published,
        "archived" | "outdated" | "obsolete" => ArticleStatus::Archived,
        other => {
            return Err(format!("unknown article status '{other}': expected draft, published or archived"))
        }
    })
}

pub fn audience(s: &str) -> Result<Audience, String> {
    Ok(match key(s).as_str() {
        "public" | "all users" | "everyone" | "all" | "customers" | "requesters" | "logged in users" => {
            Audience::Public
        }
        "internal" | "agents" | "agents only" | "staff" | "technicians" | "private" => Audience::Internal,
        other => return Err(format!("unknown audience '{other}': expected public or internal")),
    })
}

/// A strftime format, parsed once.
type Format = Vec<Item<'static>>;

/// The date shapes `date` accepts, in the order they are tried. Parsed
/// once: parsing the format strings again for every cell was most of the
/// time spent on dates in a large import.
struct Formats {
    with_offset: Vec<Format>,
    naive: Vec<Format>,
    day: Vec<Format>,
}

/// Date and time with an offset.
const WITH_OFFSET: [&str; 3] = ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%.f%z"];
/// Local date and time (in the import's time zone).
const NAIVE: [&str; 15] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    // GLPI: day first with dashes.
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    // Jira Service Management: 18/Jul/26 9:10 AM.
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
];
/// A day alone (midnight local time).
const DAY: [&str; 6] = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%b/%y"];

static FORMATS: LazyLock<Formats> = LazyLock::new(|| {
    let parse = |list: &[&'static str]| list.iter().map(|f| StrftimeItems::new(f).collect()).collect();
    Formats { with_offset: parse(&WITH_OFFSET), naive: parse(&NAIVE), day: parse(&DAY) }
});

/// `s` read with one format (what `parse_from_str` does, minus re-reading the format).
fn read<T>(s: &str, format: &Format, finish: impl Fn(&Parsed) -> ParseResult<T>) -> Option<T> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, s, format.iter()).ok()?;
    finish(&parsed).ok()
}

/// Dates as helpdesks export them. Without an offset, a time is read in
/// `tz` (the default calendar's zone); day-first numeric dates (UK).
pub fn date(s: &str, tz: Tz) -> Result<Timestamp, String> {
    let t = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Ok(d.with_timezone(&Utc));
    }
    let formats = &*FORMATS;
    if let Some(d) = formats.with_offset.iter().find_map(|f| read(t, f, Parsed::to_datetime)) {
        return Ok(d.with_timezone(&Utc));
    }
    let naive =
        formats.naive.iter().find_map(|f| read(t, f, |p| p.to_naive_datetime_with_offset(0))).or_else(|| {
            formats
                .day
                .iter()
                .find_map(|f| read(t, f, Parsed::to_naive_date))
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
    match naive {
        Some(n) => tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| format!("'{t}' does not exist in {tz} (a clock change)")),
        None => Err(format!(
            "invalid date '{t}': expected e.g. 2026-11-24 09:30, 2026-11-24T09:30:00Z or 24/11/2026 09:30"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_helpdesks_vocabularies() {
        assert_eq!(status("Waiting on Customer").unwrap(), Status::Pending);
        assert_eq!(status("pending_close").unwrap(), Status::Pending);
        assert_eq!(status("Archived").unwrap(), Status::Closed);
        assert!(status("limbo").unwrap_err().contains("unknown status 'limbo'"));
        assert!(status("limbo").unwrap_err().contains("--map-status \"limbo=STATUS\""));
        for (word, want) in [
            ("Nuevo", Status::New),
            ("En curso", Status::Open),
            ("Resuelto", Status::Resolved),
            ("Cerrado", Status::Closed),
            ("Novo", Status::New),
            ("Em atendimento", Status::Open),
            ("Pendente", Status::Pending),
            ("Resolvido", Status::Resolved),
            ("Fechado", Status::Closed),
            ("Processing (assigned)", Status::Open),
        ] {
            assert_eq!(status(word).unwrap(), want, "{word}");
        }
        let maps = parse_status_maps(&["En pausa=pending".into(), "Bloqueado=En espera".into()]).unwrap();
        assert_eq!(status_with("en  PAUSA", &maps).unwrap(), Status::Pending);
        assert_eq!(status_with("Bloqueado", &maps).unwrap(), Status::Pending);
        assert_eq!(status_with("Cerrado", &maps).unwrap(), Status::Closed);
        assert!(parse_status_maps(&["x=limbo".into()])
            .unwrap_err()
            .to_string()
            .contains("unknown status 'limbo'"));
        assert!(parse_status_maps(&["nothing".into()]).is_err());
        assert_eq!(priority("2 normal").unwrap(), Priority::Normal);
        assert_eq!(priority("Medium").unwrap(), Priority::Normal);
        assert_eq!(priority("4").unwrap(), Priority::Urgent);
        assert_eq!(priority("Emergency").unwrap(), Priority::Urgent);
        assert!(priority("5").is_err());
        assert_eq!(source("Web").unwrap(), Source::SelfService);
        assert_eq!(source("E-mail").unwrap(), Source::Email);
        assert_eq!(audience("Agents").unwrap(), Audience::Internal);
        assert_eq!(article_status("Yes").unwrap(), ArticleStatus::Published);
    }

    /// `date` as it was before the formats were parsed once: each format
    /// string given to chrono's `parse_from_str` for every cell.
    fn one_by_one(s: &str, tz: Tz) -> Option<Timestamp> {
        use chrono::{NaiveDate, NaiveDateTime};
        let t = s.trim();
        if let Ok(d) = DateTime::parse_from_rfc3339(t) {
            return Some(d.with_timezone(&Utc));
        }
        if let Ok(d) = DateTime::parse_from_rfc2822(t) {
            return Some(d.with_timezone(&Utc));
        }
        for f in WITH_OFFSET {
            if let Ok(d) = DateTime::parse_from_str(t, f) {
                return Some(d.with_timezone(&Utc));
            }
        }
        let naive = NAIVE.iter().find_map(|f| NaiveDateTime::parse_from_str(t, f).ok()).or_else(|| {
            DAY.iter().find_map(|f| NaiveDate::parse_from_str(t, f).ok()).and_then(|d| d.and_hms_opt(0, 0, 0))
        });
        naive.and_then(|n| tz.from_local_datetime(&n).earliest()).map(|d| d.with_timezone(&Utc))
    }

    #[test]
    fn formats_parsed_once_read_every_shape_as_before() {
        let london: Tz = "Europe/London".parse().unwrap();
        let cells = [
            "2026-07-01 09:30",
            "2026-07-01 09:30:15",
            "2026-07-01 09:30:15.250",
            "2026-07-01T09:30:15",
            "2026-07-01T09:30:15.5",
            "2026-07-01T08:30:00Z",
            "2026-07-01T08:30:00+02:00",
            "2026-07-01 10:30:00 +0200",
            "2026-07-01 10:30 -0130",
            "2026-07-01T10:30:00.123+0200",
            "Wed, 1 Jul 2026 08:30:00 +0000",
            "2026/07/01 09:30:00",
            "2026/07/01 09:30",
            "01/07/2026 09:30:00",
            "1/7/2026 9:30",
            "01.07.2026 09:30:00",
            "01.07.2026 09:30",
            "2026-07-01",
            "2026/7/1",
            "01/07/2026",
            "1.7.2026",
            "2026-03-29 01:30",
            "2026-10-25 01:30",
            "  2026-11-24 09:30  ",
            "31/02/2026",
            "2026-13-01",
            "yesterday",
            "",
            "24/11/26",
            "2026-11-24 25:00",
        ];
        for c in cells {
            assert_eq!(date(c, london).ok(), one_by_one(c, london), "{c:?}");
        }
        assert!(
            cells.iter().filter(|c| one_by_one(c, london).is_some()).count() >= 20,
            "mostly valid shapes"
        );
    }

    #[test]
    fn dates_in_many_shapes() {
        let london: Tz = "Europe/London".parse().unwrap();
        let want = Utc.with_ymd_and_hms(2026, 7, 1, 8, 30, 0).unwrap();
        assert_eq!(date("2026-07-01 09:30", london).unwrap(), want, "BST is UTC+1");
        assert_eq!(date("01/07/2026 09:30:00", london).unwrap(), want, "UK day first");
        assert_eq!(date("2026-07-01T08:30:00Z", london).unwrap(), want);
        assert_eq!(date("2026-07-01 10:30:00 +0200", london).unwrap(), want);
        assert_eq!(date("Wed, 1 Jul 2026 08:30:00 +0000", london).unwrap(), want);
        assert_eq!(date("2026-07-01", london).unwrap(), Utc.with_ymd_and_hms(2026, 6, 30, 23, 0, 0).unwrap());
        assert!(date("31/02/2026", london).unwrap_err().contains("invalid date"));
        assert!(date("yesterday", london).is_err());
    }
}
