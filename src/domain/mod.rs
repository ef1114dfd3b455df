//! Plain domain types and the rules that need no database.

mod article;
mod attachment;
mod audit;
mod canned;
mod enums;
mod ids;
pub mod markdown;
pub mod recur;
mod sla;
mod ticket;
mod time;
pub mod worktime;

pub use article::*;
pub use attachment::*;
pub use audit::*;
pub use canned::*;
pub use enums::*;
pub use ids::*;
pub use sla::*;
pub use ticket::*;
pub use time::*;

use serde::Serialize;

/// The name of the triage school that takes requesters whose email domain
/// matches no school.
pub const UNASSIGNED_SCHOOL: &str = "UNASSIGNED";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct School {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub domains: Vec<String>,
    pub calendar: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Technician {
    #[serde(skip)]
    pub id: i64,
    pub login: String,
    pub name: String,
    pub tier: Tier,
    pub lead: bool,
}

impl Technician {
    /// A tech works tickets at or below their own tier; leads may do anything.
    pub fn can_work(&self, ticket_tier: Tier) -> bool {
        self.lead || self.tier >= ticket_tier
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requester {
    #[serde(skip)]
    pub id: i64,
    pub email: String,
    pub name: String,
    pub school: String,
}

impl Requester {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// Checks an email address and returns it lower-cased. It must be one plain
/// addr-spec, `local@domain`, because it goes into To: headers as it is:
/// the local part a dot-atom of RFC 5322 atext (no quotes, commas, angle
/// brackets, spaces or control characters), the domain a dotted host name
/// (letters, digits and hyphens), within the lengths of RFC 5321.
pub fn normalize_email(raw: &str) -> crate::Result<String> {
    let email = raw.trim().to_ascii_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => email.len() <= 254 && valid_local_part(local) && valid_domain(domain),
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        // The refused text is echoed without control characters: errors are one line.
        let shown: String = raw.trim().chars().filter(|c| !c.is_control()).take(100).collect();
        Err(crate::Error::invalid(format!("invalid email address '{shown}': expected name@domain")))
    }
}

/// RFC 5322 atext: the characters an atom may hold.
pub fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn valid_local_part(local: &str) -> bool {
    local.len() <= 64 && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The domain part of an already normalised email address.
pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// Trims a required text field and rejects it when empty or too long.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> crate::Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(crate::Error::invalid(format!("{field} must not be empty")));
    }
    if v.chars().count() > max_chars {
        return Err(crate::Error::invalid(format!(
            "{field} is too long ({} characters, at most {max_chars})",
            v.chars().count()
        )));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email(" R.Hughes@StBedes.sch.uk ").unwrap(), "r.hughes@stbedes.sch.uk");
        for bad in ["", "bob", "bob@", "@x.uk", "a@b", "a b@x.uk", "a@@x.uk", "a@x.uk."] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
        // Anything that would read as more than one address, or break out
        // of a To: header, is refused.
        let hostile = [
            "a,b@x.uk",
            "a@x.uk,evil@y.uk",
            "\"a b\"@x.uk",
            "a\"@x.uk",
            "<a@x.uk>",
            "a<b@x.uk",
            "a>b@x.uk",
            "a@x.uk>",
            "a@x.uk\r\nBcc: evil@y.uk",
            "a\n@x.uk",
            "a\0@x.uk",
            "a@b@x.uk",
            "a;b@x.uk",
            "a:b@x.uk",
            "a(b)@x.uk",
            "a\\b@x.uk",
            ".a@x.uk",
            "a.@x.uk",
            "a..b@x.uk",
            "a@x..uk",
            "a@-x.uk",
            "a@x_y.uk",
            "a@[127.0.0.1]",
            "zoë@x.uk",
            "a\u{2028}b@x.uk",
        ];
        for bad in hostile {
            let err = normalize_email(bad).unwrap_err().to_string();
            assert!(!err.contains('\n') && !err.contains('\r') && !err.contains('\0'), "{err:?}");
        }
        let long_local = format!("{}@x.uk", "a".repeat(65));
        assert!(normalize_email(&long_local).is_err());
        let long = format!(
            "a@{}.uk",
            ["b".repeat(60), "c".repeat(60), "d".repeat(60), "e".repeat(60), "f".repeat(60)].join(".")
        );
        assert!(normalize_email(&long).is_err());
        for good in ["o'brien@x.uk", "first.last+tag@sub.x-y.sch.uk", "a_b-c@x.uk", "{x}@x.uk"] {
            assert_eq!(normalize_email(good).unwrap(), good);
        }
        assert_eq!(email_domain("a@x.sch.uk"), "x.sch.uk");
    }

    #[test]
    fn tier_rule() {
        let t = |tier, lead| Technician { id: 1, login: "x".into(), name: "X".into(), tier, lead };
        assert!(t(Tier::One, false).can_work(Tier::One));
        assert!(!t(Tier::One, false).can_work(Tier::Two));
        assert!(t(Tier::Three, false).can_work(Tier::Two));
        assert!(t(Tier::One, true).can_work(Tier::Three));
    }

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(required_text("subject", "  hi ", 10).unwrap(), "hi");
        assert!(required_text("subject", "   ", 10).unwrap_err().to_string().contains("subject"));
        assert!(required_text("subject", "abcdefghijk", 10).is_err());
    }
}
