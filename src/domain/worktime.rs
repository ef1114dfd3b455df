//! Time on the work and money for it: durations as technicians type them
//! (`25`, `1h10`, `1:10`, `45m`), pence from pounds, and the amount an
//! invoice charges for minutes at an hourly rate.

use crate::{Error, Result};

/// The longest single entry: a working fortnight of one technician.
pub const MAX_ENTRY_MINUTES: i64 = 100 * 60;

/// Parses a duration in minutes: `25`, `25m`, `1h`, `1h10`, `1h 10m`, `1:10`,
/// or any of these with a leading `-` (a correction).
pub fn parse_minutes(field: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || {
        Error::invalid(format!(
            "invalid {field} '{t}': expected minutes (25), or hours and minutes (1h10, 1h, 45m, 1:10)"
        ))
    };
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r.trim()),
        None => (1, t),
    };
    let digits = |s: &str| -> Result<i64> {
        if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<i64>().map_err(|_| bad())
    };
    let lower = rest.to_ascii_lowercase().replace(' ', "");
    let minutes = if let Some((h, m)) = lower.split_once(':') {
        let m = digits(m)?;
        if m >= 60 {
            return Err(bad());
        }
        digits(h)? * 60 + m
    } else if let Some((h, m)) = lower.split_once('h') {
        let m = m.strip_suffix("min").or_else(|| m.strip_suffix('m')).unwrap_or(m);
        let m = if m.is_empty() { 0 } else { digits(m)? };
        if m >= 60 {
            return Err(bad());
        }
        digits(h)? * 60 + m
    } else {
        let m = lower.strip_suffix("min").or_else(|| lower.strip_suffix('m')).unwrap_or(&lower);
        digits(m)?
    };
    if minutes == 0 {
        return Err(Error::invalid(format!("invalid {field} '{t}': time spent must not be zero")));
    }
    if minutes > MAX_ENTRY_MINUTES {
        return Err(Error::invalid(format!(
            "invalid {field} '{t}': at most {} hours in one entry",
            MAX_ENTRY_MINUTES / 60
        )));
    }
    Ok(sign * minutes)
}

/// `1h10`, `45m`, `-0h30`: how reports and the console show minutes.
pub fn format_minutes(m: i64) -> String {
    let sign = if m < 0 { "-" } else { "" };
    let a = m.unsigned_abs();
    match (a / 60, a % 60) {
        (0, m) => format!("{sign}{m}m"),
        (h, 0) => format!("{sign}{h}h"),
        (h, m) => format!("{sign}{h}h{m:02}"),
    }
}

/// Parses pounds (`45`, `45.5`, `£45.50`, `GBP 45`) into pence.
pub fn parse_pence(field: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || Error::invalid(format!("invalid {field} '{t}': expected pounds like 45 or 45.50"));
    let s = t.trim_start_matches('£').trim_start_matches("GBP").trim();
    let (pounds, pence) = s.split_once('.').unwrap_or((s, ""));
    let ok = |d: &str, max: usize| d.len() <= max && d.bytes().all(|b| b.is_ascii_digit());
    if pounds.is_empty() || !ok(pounds, 7) || !ok(pence, 2) || (s.contains('.') && pence.is_empty()) {
        return Err(bad());
    }
    let pounds: i64 = pounds.parse().map_err(|_| bad())?;
    let pence: i64 = if pence.is_empty() { 0 } else { format!("{pence:0<2}").parse().map_err(|_| bad())? };
    Ok(pounds * 100 + pence)
}

/// `45.50`: pence as pounds, two decimals, no currency sign (CSV friendly).
pub fn format_pence(p: i64) -> String {
    let sign = if p < 0 { "-" } else { "" };
    let a = p.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// What `minutes` cost at `rate_pence` an hour, to the nearest penny
/// (halves away from zero), so an invoice's lines add up as printed.
pub fn amount_pence(minutes: i64, rate_pence: i64) -> i64 {
    let num = i128::from(minutes) * i128::from(rate_pence);
    let q = (num.abs() * 2 + 60) / 120;
    let q = i64::try_from(q).unwrap_or(i64::MAX);
    if num < 0 {
        -q
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_technicians_type_them() {
        for (text, want) in [
            ("25", 25),
            ("25m", 25),
            ("25 min", 25),
            ("1h", 60),
            ("1h10", 70),
            ("1h 10m", 70),
            ("1H05", 65),
            ("1:10", 70),
            ("0:45", 45),
            ("-30", -30),
            ("- 1h", -60),
            ("100h", 6000),
        ] {
            assert_eq!(parse_minutes("--time", text).unwrap(), want, "{text}");
        }
        for bad in ["", "0", "0h", "1h60", "1:75", "abc", "1.5h", "h", "101h", "1h10x", "--5", "99999999"] {
            let e = parse_minutes("--time", bad).unwrap_err();
            assert!(e.to_string().contains("--time"), "{bad}: {e}");
        }
    }

    #[test]
    fn minutes_shown_back() {
        assert_eq!(format_minutes(70), "1h10");
        assert_eq!(format_minutes(65), "1h05");
        assert_eq!(format_minutes(120), "2h");
        assert_eq!(format_minutes(45), "45m");
        assert_eq!(format_minutes(-30), "-30m");
        assert_eq!(format_minutes(0), "0m");
    }

    #[test]
    fn pounds_and_pence() {
        assert_eq!(parse_pence("--rate", "45").unwrap(), 4500);
        assert_eq!(parse_pence("--rate", "45.5").unwrap(), 4550);
        assert_eq!(parse_pence("--rate", "£45.05").unwrap(), 4505);
        assert_eq!(parse_pence("--rate", "GBP 60").unwrap(), 6000);
        for bad in ["", "-5", "4.555", "45.", "abc", "1e3"] {
            assert!(parse_pence("--rate", bad).is_err(), "{bad}");
        }
        assert_eq!(format_pence(4505), "45.05");
        assert_eq!(format_pence(-250), "-2.50");
    }

    #[test]
    fn amounts_round_to_the_penny() {
        // 70 minutes at £45/h = £52.50 exactly.
        assert_eq!(amount_pence(70, 4500), 5250);
        // 25 minutes at £40/h = £16.666… -> £16.67.
        assert_eq!(amount_pence(25, 4000), 1667);
        // A correction costs exactly minus what it corrects.
        assert_eq!(amount_pence(-25, 4000), -1667);
        // 1 minute at £0.30/h = 0.5p -> rounds away from zero.
        assert_eq!(amount_pence(1, 30), 1);
        assert_eq!(amount_pence(0, 4500), 0);
    }
}
