//! SLA calendar arithmetic: opening hours, closures, time zones, and iCalendar
//! term dates. Pure functions with no database, so every rule is unit-tested
//! with hand-checked answers.

mod calendar;
mod hours;
pub mod ics;
mod ics_events;
mod ics_zone;
mod index;
#[cfg(test)]
mod tests;

pub use calendar::{check_minutes, parse_date, parse_tz, Calendar, Closure, MAX_MINUTES};
pub use hours::{WeeklyHours, DAY_NAMES};
pub use index::WorkingIndex;

/// "2h 05m", "45m", "0m": a working duration for people.
pub fn format_working(secs: i64) -> String {
    let mins = secs.abs() / 60;
    if mins >= 60 {
        format!("{}h {:02}m", mins / 60, mins % 60)
    } else {
        format!("{mins}m")
    }
}
