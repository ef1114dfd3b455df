//! The clock is injected so SLA due times, ages and reports are testable at a
//! fixed instant.

use chrono::{DateTime, SubsecRound, Utc};

pub trait Clock: Send {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time, truncated to whole seconds (the resolution we store).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(0)
    }
}

/// Always the same instant: for tests, demo data and `DESKSIDE_NOW`.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// Parses an RFC 3339 instant, naming the field on failure.
pub fn parse_instant(field: &str, text: &str) -> crate::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        crate::Error::invalid(format!(
            "invalid {field} '{}': expected an RFC 3339 time like 2026-11-24T09:30:00Z",
            text.trim()
        ))
    })
}
