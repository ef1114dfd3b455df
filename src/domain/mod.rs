//! Plain domain types and the rules that need no database.

mod article;
mod audit;
mod canned;
mod enums;
mod sla;
mod ticket;

pub use article::*;
pub use audit::*;
pub use canned::*;
pub use enums::*;
pub use sla::*;
pub use ticket::*;

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

/// Checks an email address well enough to sort it into a school: one `@`,
/// a non-empty local part and a dotted domain. Returns it lower-cased.
pub fn normalize_email(raw: &str) -> crate::Result<String> {
    let email = raw.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err(crate::Error::invalid(format!("invalid email address '{}': expected name@domain", raw.trim())))
    }
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
