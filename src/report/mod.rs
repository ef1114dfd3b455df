//! Weekly statistics that prove the service to schools and show whether work
//! is moving left. Pure: the service loads the facts (store::reports) and
//! the schools' calendars, this module counts. Definitions: docs/reports.md.

mod engine;
pub mod facts;
mod figures;
pub mod self_service;
mod timeline;
mod week;

pub use engine::{Data, Engine, ReportSchool, TechActions};
pub use figures::{pct, percentile, Figures, Tally, NO_CATEGORY, SOURCES};
pub use self_service::SelfService;
pub use timeline::{Resolution, Timeline};
pub use week::Week;

use crate::domain::Timestamp;
use serde::Serialize;

/// One school's week, in its own time zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolFigures {
    pub school: String,
    pub name: String,
    /// Monday 00:00 local time, as an instant.
    pub from: Timestamp,
    /// The next Monday 00:00 local time (exclusive).
    pub to: Timestamp,
    #[serde(flatten)]
    pub figures: Figures,
    /// What requesters did on the portal (see `SelfService`).
    pub self_service: SelfService,
    /// Minutes logged on the school's tickets in its week (time entries).
    pub time_minutes: i64,
    pub billable_minutes: i64,
    /// The contract period holding the week's last day: bought, used, balance.
    pub contract_balance: Option<Balance>,
}

/// Hours bought against hours used in one contract period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    pub per: String,
    pub period: String,
    /// Inclusive local dates.
    pub period_from: String,
    pub period_to: String,
    pub bought_minutes: i64,
    /// Billable minutes done in the period.
    pub used_minutes: i64,
    /// Bought minus used (negative: over).
    pub balance_minutes: i64,
    pub rate_pence: i64,
}

/// `report weekly`: every school (or one) and, unless the report is meant
/// for a school, the total of all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklyReport {
    pub week: Week,
    /// False while the week has not ended everywhere: figures may still grow.
    pub complete: bool,
    /// Meant for one school: no other school's figures, no total.
    pub for_school: bool,
    pub schools: Vec<SchoolFigures>,
    /// The schools added up (each counted over its own local week); medians
    /// and percentiles are taken over all their tickets together.
    pub total: Option<Figures>,
    /// The portal's figures added up, with searches by visitors whose
    /// school is unknown (only when every school is shown).
    pub self_service_total: Option<SelfService>,
}

/// One week of a trend: the total of the schools asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekFigures {
    pub week: Week,
    /// The week's Monday, YYYY-MM-DD.
    pub monday: String,
    pub complete: bool,
    #[serde(flatten)]
    pub figures: Figures,
}

/// One technician's week (`report tech`, for leads).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechFigures {
    pub login: String,
    pub name: String,
    pub tier: i64,
    pub lead: bool,
    /// Tickets whose last resolution in the week was theirs.
    pub resolved: u64,
    /// Median working time from when they had the ticket to its resolution.
    pub handling_median_secs: Option<i64>,
    pub canned_uses: u64,
    pub article_uses: u64,
    pub articles_written: u64,
    pub escalations: u64,
    pub handbacks: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechReport {
    pub week: Week,
    /// The team's time zone (the default calendar's), which the week is in.
    pub tz: String,
    pub from: Timestamp,
    pub to: Timestamp,
    pub complete: bool,
    pub techs: Vec<TechFigures>,
}
