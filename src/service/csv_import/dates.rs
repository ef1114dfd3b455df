//! How a file's dates are read: one order for the whole file, decided
//! before any row is imported. `--date-format` (chrono strftime) names it;
//! otherwise numeric dates such as `05/09/2025` are read day first (UK)
//! unless the file shows month first (a second number above 12), and a
//! file whose numbers never tell (every day and month 12 or below) is
//! refused with the two choices named, rather than guessed.

use super::values;
use crate::domain::Timestamp;
use crate::{Error, Result};
use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Which number comes first in `05/09/2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

/// The file's way of writing dates.
#[derive(Debug, Clone)]
pub struct DateReader {
    pub tz: Tz,
    order: Order,
    custom: Option<(String, Vec<Item<'static>>)>,
}

/// US shapes, tried when the file is month first.
const MONTH_FIRST: [&str; 7] = [
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%m-%d-%Y %H:%M",
];
const MONTH_FIRST_DAY: [&str; 3] = ["%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"];

impl DateReader {
    /// The default reader (day first), as before detection existed.
    pub fn day_first(tz: Tz) -> DateReader {
        DateReader { tz, order: Order::DayFirst, custom: None }
    }

    /// A reader for `--date-format FORMAT`; a format chrono cannot read is refused.
    pub fn with_format(tz: Tz, format: &str) -> Result<DateReader> {
        let items: Vec<Item<'static>> = StrftimeItems::new(format).map(|i| to_static(&i)).collect();
        if format.trim().is_empty() || items.iter().any(|i| matches!(i, Item::Error)) {
            return Err(Error::invalid(format!(
                "invalid --date-format '{format}': expected a chrono strftime format such as \"%d-%m-%Y %H:%M\""
            )));
        }
        Ok(DateReader { tz, order: Order::DayFirst, custom: Some((format.to_string(), items)) })
    }

    /// Reads one cell.
    pub fn read(&self, s: &str) -> std::result::Result<Timestamp, String> {
        let t = s.trim();
        if let Some((text, items)) = &self.custom {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, t, items.iter())
                .map_err(|e| format!("'{t}' does not match --date-format '{text}' ({e})"))?;
            if let Ok(d) = parsed.to_datetime() {
                return Ok(d.with_timezone(&Utc));
            }
            let naive = parsed
                .to_naive_datetime_with_offset(0)
                .ok()
                .or_else(|| parsed.to_naive_date().ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
                .ok_or_else(|| format!("'{t}' does not give a whole date with --date-format '{text}'"))?;
            return self.local(t, naive);
        }
        if self.order == Order::MonthFirst {
            let naive =
                MONTH_FIRST.iter().find_map(|f| NaiveDateTime::parse_from_str(t, f).ok()).or_else(|| {
                    MONTH_FIRST_DAY
                        .iter()
                        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                });
            if let Some(n) = naive {
                return self.local(t, n);
            }
        }
        values::date(t, self.tz)
    }

    fn local(&self, t: &str, n: NaiveDateTime) -> std::result::Result<Timestamp, String> {
        self.tz
            .from_local_datetime(&n)
            .earliest()
            .map(|d: DateTime<Tz>| d.with_timezone(&Utc))
            .ok_or_else(|| format!("'{t}' does not exist in {} (a clock change)", self.tz))
    }
}

fn to_static(item: &Item<'_>) -> Item<'static> {
    match item {
        Item::Literal(s) => Item::OwnedLiteral(s.to_string().into_boxed_str()),
        Item::Space(s) => Item::OwnedSpace(s.to_string().into_boxed_str()),
        Item::OwnedLiteral(s) => Item::OwnedLiteral(s.clone()),
        Item::OwnedSpace(s) => Item::OwnedSpace(s.clone()),
        Item::Numeric(n, p) => Item::Numeric(n.clone(), *p),
        Item::Fixed(f) => Item::Fixed(f.clone()),
        Item::Error => Item::Error,
    }
}

/// The two leading numbers of `05/09/2025 ...`, `05-09-2025`, `5.9.25`
/// (not ISO `2025-09-05`).
fn leading_pair(cell: &str) -> Option<(u32, u32)> {
    let date = cell.trim().split([' ', 'T']).next()?;
    let sep = date.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = date.split(sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !numeric(a) || !numeric(b) || y.is_empty() || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Decides the order from every date cell of the file: `(line, column, cell)`.
pub fn detect<'a>(tz: Tz, cells: impl IntoIterator<Item = (u64, &'a str, String)>) -> Result<DateReader> {
    let mut d = Detector::default();
    for (line, column, cell) in cells {
        d.see(line, column, &cell);
    }
    d.finish(tz)
}

/// The first cell (line, column, text) of each kind.
type Seen = Option<(u64, String, String)>;

/// Decides the order from the date cells as a file is read, one at a
/// time: only the first cell of each kind is kept, not every cell.
#[derive(Default)]
pub struct Detector {
    day_first: Seen,
    month_first: Seen,
    unclear: Seen,
}

impl Detector {
    /// One date cell of the file.
    pub fn see(&mut self, line: u64, column: &str, cell: &str) {
        let Some((a, b)) = leading_pair(cell) else { return };
        let first = if a > 12 && b <= 12 {
            &mut self.day_first
        } else if b > 12 && a <= 12 {
            &mut self.month_first
        } else if a != b && a <= 12 && b <= 12 {
            &mut self.unclear
        } else {
            return;
        };
        if first.is_none() {
            *first = Some((line, column.to_string(), cell.to_string()));
        }
    }

    /// The reader for the cells seen, or why none can be chosen.
    pub fn finish(self, tz: Tz) -> Result<DateReader> {
        let order = match (self.day_first, self.month_first, self.unclear) {
            (Some(d), Some(m), _) => {
                return Err(Error::invalid(format!(
                    "the dates disagree: line {} ({}: '{}') is day first but line {} ({}: '{}') is month first; \
                     pass --date-format to say which, e.g. --date-format \"%d/%m/%Y %H:%M\"; nothing was imported",
                    d.0, d.1, d.2, m.0, m.1, m.2
                )))
            }
            (None, Some(_), _) => Order::MonthFirst,
            (Some(_), None, _) | (None, None, None) => Order::DayFirst,
            (None, None, Some((line, column, cell))) => {
                return Err(Error::invalid(format!(
                    "line {line}, column '{column}': '{cell}' could be day first or month first and no date in the \
                     file tells which: pass --date-format \"%d/%m/%Y %H:%M\" (day first) or --date-format \
                     \"%m/%d/%Y %H:%M\" (month first), with the file's separators; nothing was imported"
                )))
            }
        };
        Ok(DateReader { tz, order, custom: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(list: &[&str]) -> Vec<(u64, &'static str, String)> {
        list.iter().enumerate().map(|(i, c)| (i as u64 + 2, "Created", c.to_string())).collect()
    }

    #[test]
    fn the_file_decides_the_order_or_is_refused() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let utc = |y, m, d, h, mi| Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap();
        // GLPI: day first with dashes; one day above 12 settles it.
        let r = detect(tz, cells(&["05-09-2025 14:10", "18-09-2025 09:00"])).unwrap();
        assert_eq!(r.read("05-09-2025 14:10").unwrap(), utc(2025, 9, 5, 13, 10));
        // US: month first.
        let r = detect(tz, cells(&["09/05/2025 14:10", "09/18/2025 9:10 AM"])).unwrap();
        assert_eq!(r.read("09/05/2025 14:10").unwrap(), utc(2025, 9, 5, 13, 10));
        assert_eq!(r.read("09/18/2025 9:10 AM").unwrap(), utc(2025, 9, 18, 8, 10));
        // Never telling: refused, naming both choices.
        let e = detect(tz, cells(&["05-09-2025 14:10", "2025-09-30 10:00"])).unwrap_err().to_string();
        assert!(
            e.contains("line 2, column 'Created': '05-09-2025 14:10' could be day first or month first"),
            "{e}"
        );
        assert!(e.contains("%d/%m/%Y") && e.contains("%m/%d/%Y"), "{e}");
        let e = detect(tz, cells(&["13/01/2025", "01/13/2025"])).unwrap_err().to_string();
        assert!(e.contains("the dates disagree: line 2"), "{e}");
        // Same day and month, or ISO only: nothing to decide.
        assert!(detect(tz, cells(&["05/05/2025", "2025-09-30"])).is_ok());
        // Jira Service Management.
        let r = DateReader::day_first(tz);
        assert_eq!(r.read("18/Jul/26 9:10 AM").unwrap(), utc(2026, 7, 18, 8, 10));
        assert_eq!(r.read("18/Jul/26 2:05 PM").unwrap(), utc(2026, 7, 18, 13, 5));
        // --date-format.
        let r = DateReader::with_format(tz, "%Y.%j %H:%M").unwrap();
        assert_eq!(r.read("2026.032 10:00").unwrap(), utc(2026, 2, 1, 10, 0));
        assert!(r.read("01/02/2026").unwrap_err().contains("does not match --date-format"));
        assert!(DateReader::with_format(tz, "%Q").is_err());
    }
}
