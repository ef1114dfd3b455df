//! The "Contact IT" block of the self-help site: how to reach IT Support
//! when no article helps (the portal, an address, a phone number, when
//! someone answers). It is on every page and, prominently, under a search
//! that found nothing, so a failed search always leads somewhere. The
//! settings come from the `[contact]` table of the config file; each is
//! checked here, and every value is escaped where it is shown.

use super::html::escape;
use super::OpeningHours;
use crate::{Error, Result};

const MAX_URL: usize = 2000;
const MAX_EMAIL: usize = 254;
const MAX_PHONE: usize = 80;
const MAX_HOURS: usize = 200;

/// How to reach IT Support; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// The request portal (`deskside serve` behind the trust's proxy, or
    /// any other page): http(s) only.
    pub portal_url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// When someone answers, as text ("Mon-Fri 8am-5pm, term time").
    /// Without it the opening hours of the calendars are shown.
    pub hours: Option<String>,
}

/// A setting as one trimmed line of text of at most `max` characters, or
/// None when empty.
fn line(key: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(format!("[contact] {key} must be one line of text")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(format!("[contact] {key} is too long (at most {max} characters)")));
    }
    Ok(Some(v.to_string()))
}

impl Contact {
    /// Checks the settings: the portal must be an `http://` or `https://`
    /// address (a `javascript:` or `data:` link is refused), the email an
    /// address, the rest one line of text each.
    pub fn new(
        portal_url: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
        hours: Option<&str>,
    ) -> Result<Contact> {
        let portal_url = line("portal_url", portal_url, MAX_URL)?;
        if let Some(url) = &portal_url {
            let lower = url.to_ascii_lowercase();
            let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
            let host = rest.and_then(|r| r.split(['/', '?', '#']).next()).unwrap_or("");
            if host.is_empty() || url.chars().any(char::is_whitespace) {
                return Err(Error::invalid(
                    "[contact] portal_url must be a web address starting with https:// or http://",
                ));
            }
        }
        let email = line("email", email, MAX_EMAIL)?;
        if let Some(e) = &email {
            crate::domain::normalize_email(e)
                .map_err(|_| Error::invalid("[contact] email must be an email address (name@domain)"))?;
        }
        Ok(Contact {
            portal_url,
            email,
            phone: line("phone", phone, MAX_PHONE)?,
            hours: line("hours", hours, MAX_HOURS)?,
        })
    }

    fn is_empty(&self) -> bool {
        self.portal_url.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// A phone number as a `tel:` target: its digits, and a leading `+`; none
/// when it has too few digits to dial.
fn tel(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 3).then(|| {
        let plus = if phone.trim_start().starts_with('+') { "+" } else { "" };
        format!("tel:{plus}{digits}")
    })
}

/// The opening hours of the calendars, one line each (with their schools
/// when they differ).
fn calendar_hours(hours: &[OpeningHours]) -> Vec<String> {
    hours
        .iter()
        .map(|h| {
            let zone = if h.tz == "Europe/London" { "UK time".to_string() } else { format!("{} time", h.tz) };
            let schools = if hours.len() > 1 && !h.schools.is_empty() {
                format!(": {}", h.schools.join(", "))
            } else {
                String::new()
            };
            format!("{} ({zone}){schools}", h.hours)
        })
        .collect()
}

/// The block, as a section with the heading `heading` and the id `id`
/// (its heading's id is `ID-heading`; ids must be unique on the page).
pub fn render(c: &Contact, calendars: &[OpeningHours], id: &str, heading: &str) -> String {
    let mut ways = Vec::new();
    if let Some(url) = &c.portal_url {
        ways.push(format!(
            "<li class=\"contact-portal\"><a href=\"{}\">Ask IT Support online</a></li>",
            escape(url)
        ));
    }
    if let Some(e) = &c.email {
        ways.push(format!("<li>Email: <a href=\"mailto:{0}\">{0}</a></li>", escape(e)));
    }
    if let Some(p) = &c.phone {
        let shown = match tel(p) {
            Some(t) => format!("<a href=\"{}\">{}</a>", escape(&t), escape(p)),
            None => escape(p),
        };
        ways.push(format!("<li>Phone: {shown}</li>"));
    }
    let hours = match &c.hours {
        Some(h) => vec![h.clone()],
        None => calendar_hours(calendars),
    };
    for h in hours {
        ways.push(format!("<li>Opening hours: {}</li>", escape(&h)));
    }
    let lead = if c.is_empty() {
        "Contact your IT support team."
    } else {
        "Nothing here fixed it? Contact IT Support and say which article you tried: it helps us help you faster."
    };
    let list = if ways.is_empty() {
        String::new()
    } else {
        format!("\n<ul class=\"contact-ways\">\n{}\n</ul>", ways.join("\n"))
    };
    format!(
        "<section id=\"{id}\" class=\"contact\" aria-labelledby=\"{id}-heading\">\n\
         <h2 id=\"{id}-heading\">{}</h2>\n<p>{lead}</p>{list}\n</section>",
        escape(heading),
        id = escape(id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        let ok = Contact::new(
            Some(" https://help.trust.sch.uk/ "),
            Some("it@trust.sch.uk"),
            Some("01234 567890"),
            None,
        )
        .unwrap();
        assert_eq!(ok.portal_url.as_deref(), Some("https://help.trust.sch.uk/"));
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "https://",
            "//evil",
            "https://a b",
        ] {
            let err = Contact::new(Some(bad), None, None, None).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.to_string().contains("portal_url"), "{err}");
        }
        assert!(Contact::new(None, Some("not an address"), None, None).is_err());
        assert!(Contact::new(None, None, Some("0123\n<b>"), None).is_err());
        assert!(Contact::new(None, None, None, Some(&"x".repeat(201))).is_err());
        assert_eq!(Contact::new(Some(" "), None, None, None).unwrap(), Contact::default());
    }

    #[test]
    fn values_are_escaped_and_phones_dial_digits_only() {
        let c = Contact::new(
            Some("https://it.example/?q=\"><script>alert(1)</script>"),
            None,
            Some("+44 <script>alert(2)</script> 1234"),
            Some("8-5 & \"late\""),
        )
        .unwrap();
        let out = render(&c, &[], "contact", "Contact IT");
        assert!(!out.contains("<script") && !out.contains("\"><script"), "{out}");
        assert!(out.contains("href=\"https://it.example/?q=&quot;&gt;&lt;script&gt;"), "{out}");
        assert!(out.contains("href=\"tel:+4421234\""), "{out}");
        assert!(out.contains("8-5 &amp; &quot;late&quot;"), "{out}");
    }

    #[test]
    fn nothing_set_still_says_where_to_go() {
        let out = render(&Contact::default(), &[], "contact", "Contact IT");
        assert!(out.contains("Contact your IT support team."), "{out}");
        assert!(!out.contains("<ul"), "no empty list: {out}");
        let hours = [OpeningHours {
            hours: "Mon-Fri 08:00-17:00".into(),
            tz: "Europe/London".into(),
            schools: vec![],
        }];
        let out = render(&Contact::default(), &hours, "contact", "Contact IT");
        assert!(out.contains("Opening hours: Mon-Fri 08:00-17:00 (UK time)"), "{out}");
    }
}
