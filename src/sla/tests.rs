//! Calendar arithmetic with hand-checked answers. Europe/London is on GMT
//! (UTC+0) in winter and BST (UTC+1) from the last Sunday of March
//! (2026-03-29) to the last Sunday of October (2026-10-25).

use super::*;
use crate::domain::Timestamp;
use chrono::NaiveDate;

fn at(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal(tz: &str, hours: &str, closures: &[(&str, &str)]) -> Calendar {
    let closures = closures.iter().map(|(a, b)| Closure::new(day(a), day(b), "closed").unwrap()).collect();
    Calendar::new(parse_tz(tz).unwrap(), WeeklyHours::parse(hours).unwrap(), closures)
}

fn london() -> Calendar {
    cal("Europe/London", "Mon-Fri 08:00-17:00", &[])
}

fn due(c: &Calendar, start: &str, minutes: i64) -> String {
    c.add_working_minutes(at(start), minutes).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn friday_afternoon_runs_into_monday() {
    // Fri 15:00: two hours left on Friday, two more from Monday 08:00.
    assert_eq!(due(&london(), "2026-11-20T15:00:00Z", 240), "2026-11-23T10:00:00Z");
    // Ending exactly at closing time stays on Friday.
    assert_eq!(due(&london(), "2026-11-20T16:00:00Z", 60), "2026-11-20T17:00:00Z");
}

#[test]
fn opened_out_of_hours_starts_at_the_next_opening() {
    // Tuesday 22:00 -> Wednesday 08:00 + 1h.
    assert_eq!(due(&london(), "2026-11-17T22:00:00Z", 60), "2026-11-18T09:00:00Z");
    // Sunday 11:00 -> Monday 08:00 + 30m.
    assert_eq!(due(&london(), "2026-11-22T11:00:00Z", 30), "2026-11-23T08:30:00Z");
    // Early morning the same day.
    assert_eq!(due(&london(), "2026-11-23T06:10:00Z", 15), "2026-11-23T08:15:00Z");
}

#[test]
fn a_closure_spanning_a_week_is_skipped() {
    // Closed Wed 2 Dec to Tue 8 Dec inclusive: 30m on Tue 1 Dec, then Wed 9 Dec.
    let c = cal("Europe/London", "Mon-Fri 08:00-17:00", &[("2026-12-02", "2026-12-08")]);
    assert_eq!(due(&c, "2026-12-01T16:30:00Z", 90), "2026-12-09T09:00:00Z");
    assert!(c.is_closed(day("2026-12-02")) && c.is_closed(day("2026-12-08")));
    assert!(!c.is_closed(day("2026-12-01")) && !c.is_closed(day("2026-12-09")));
    // Opened during the closure: the clock starts when it ends.
    assert_eq!(due(&c, "2026-12-04T10:00:00Z", 60), "2026-12-09T09:00:00Z");
}

#[test]
fn the_march_clock_change_moves_monday_opening_to_07_00_utc() {
    // Fri 27 Mar 16:00 GMT: 1h on Friday; Monday opens 08:00 BST = 07:00Z.
    assert_eq!(due(&london(), "2026-03-27T16:00:00Z", 120), "2026-03-30T08:00:00Z");
}

#[test]
fn the_october_clock_change_moves_monday_opening_to_08_00_utc() {
    // Fri 23 Oct 16:00 BST (15:00Z): 1h on Friday; Monday opens 08:00 GMT.
    assert_eq!(due(&london(), "2026-10-23T15:00:00Z", 120), "2026-10-26T09:00:00Z");
    // With the October half term (26-30 Oct) closed as well.
    let c = cal("Europe/London", "Mon-Fri 08:00-17:00", &[("2026-10-26", "2026-10-30")]);
    assert_eq!(due(&c, "2026-10-23T15:00:00Z", 120), "2026-11-02T09:00:00Z");
}

#[test]
fn clock_change_days_count_real_time() {
    let always = cal("Europe/London", "Mon-Sun 00:00-24:00", &[]);
    // Sat noon to Mon 00:00Z is 36 real hours, though Sunday 29 Mar has 23
    // local hours and Sunday 25 Oct has 25.
    assert_eq!(always.working_secs(at("2026-03-28T12:00:00Z"), at("2026-03-30T00:00:00Z")), 36 * 3600);
    assert_eq!(always.working_secs(at("2026-10-24T12:00:00Z"), at("2026-10-26T00:00:00Z")), 36 * 3600);
    assert_eq!(due(&always, "2026-03-28T12:00:00Z", 24 * 60), "2026-03-29T12:00:00Z");
    assert_eq!(due(&always, "2026-10-24T12:00:00Z", 24 * 60), "2026-10-25T12:00:00Z");
    // Hours inside the changes: 00:30 GMT to 03:00 BST is 90 minutes;
    // 00:30 BST (23:30Z the day before) to 03:00 GMT is 210 minutes.
    let night = cal("Europe/London", "Sun 00:30-03:00", &[]);
    assert_eq!(night.working_secs(at("2026-03-23T00:00:00Z"), at("2026-03-30T00:00:00Z")), 90 * 60);
    assert_eq!(night.working_secs(at("2026-10-19T00:00:00Z"), at("2026-10-26T00:00:00Z")), 210 * 60);
    assert_eq!(due(&night, "2026-10-24T12:00:00Z", 10), "2026-10-24T23:40:00Z");
    // A range opening inside the spring gap opens when the gap ends.
    let gap = cal("Europe/London", "Sun 01:30-04:00", &[]);
    assert_eq!(due(&gap, "2026-03-28T12:00:00Z", 0), "2026-03-29T01:00:00Z");
    assert_eq!(gap.working_secs(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")), 120 * 60);
}

#[test]
fn a_split_day_skips_lunch() {
    let c = cal("Europe/London", "Mon-Fri 08:00-12:00,13:00-17:00", &[]);
    assert_eq!(due(&c, "2026-11-23T11:30:00Z", 60), "2026-11-23T13:30:00Z");
    assert_eq!(due(&c, "2026-11-23T12:15:00Z", 30), "2026-11-23T13:30:00Z");
    assert_eq!(due(&c, "2026-11-23T16:30:00Z", 60), "2026-11-24T08:30:00Z");
    assert_eq!(c.working_secs(at("2026-11-23T00:00:00Z"), at("2026-11-24T00:00:00Z")), 8 * 3600);
    // Day groups: Friday closes at 15:30.
    let c = cal("Europe/London", "Mon-Thu 08:00-17:00; Fri 08:00-15:30", &[]);
    assert_eq!(due(&c, "2026-11-20T15:00:00Z", 60), "2026-11-23T08:30:00Z");
}

#[test]
fn pending_pauses_the_clock() {
    let c = london();
    // Due Mon 15:00; pending from Mon 10:00 (5h left) to Tue 11:00.
    let resumed =
        c.resume(at("2026-11-23T15:00:00Z"), at("2026-11-23T10:00:00Z"), at("2026-11-24T11:00:00Z"));
    assert_eq!(resumed.unwrap(), at("2026-11-24T16:00:00Z"));
    // Due Fri 16:30; pending from Fri 16:00 (30m left) over the weekend to Mon 09:00.
    let resumed =
        c.resume(at("2026-11-20T16:30:00Z"), at("2026-11-20T16:00:00Z"), at("2026-11-23T09:00:00Z"));
    assert_eq!(resumed.unwrap(), at("2026-11-23T09:30:00Z"));
    // A pause outside opening hours costs nothing.
    let resumed =
        c.resume(at("2026-11-23T10:00:00Z"), at("2026-11-21T10:00:00Z"), at("2026-11-22T15:00:00Z"));
    assert_eq!(resumed.unwrap(), at("2026-11-23T10:00:00Z"));
    // Already missed when the clock stopped: stays missed.
    let resumed =
        c.resume(at("2026-11-23T10:00:00Z"), at("2026-11-23T11:00:00Z"), at("2026-11-24T11:00:00Z"));
    assert_eq!(resumed.unwrap(), at("2026-11-23T10:00:00Z"));
}

#[test]
fn a_zero_minute_target_is_due_now_or_at_the_next_opening() {
    assert_eq!(due(&london(), "2026-11-23T10:00:00Z", 0), "2026-11-23T10:00:00Z");
    assert_eq!(due(&london(), "2026-11-17T22:00:00Z", 0), "2026-11-18T08:00:00Z");
    assert_eq!(due(&london(), "2026-11-21T12:00:00Z", 0), "2026-11-23T08:00:00Z");
    // 17:00 is already closed (ranges are half-open).
    assert_eq!(due(&london(), "2026-11-20T17:00:00Z", 0), "2026-11-23T08:00:00Z");
}

#[test]
fn a_multi_week_target() {
    // 5 weeks x 5 days x 9h = 13,500 minutes: Mon 2 Nov 08:00 to Fri 4 Dec 17:00.
    assert_eq!(due(&london(), "2026-11-02T08:00:00Z", 13_500), "2026-12-04T17:00:00Z");
    // The same over the Christmas closure (21 Dec - 1 Jan) adds two weeks.
    let c = cal("Europe/London", "Mon-Fri 08:00-17:00", &[("2026-12-21", "2027-01-01")]);
    assert_eq!(due(&c, "2026-12-07T08:00:00Z", 13_500), "2027-01-22T17:00:00Z");
}

#[test]
fn other_time_zones() {
    // New York is UTC-5 in November: 08:00 EST is 13:00Z, opening 09:00 EST.
    let ny = cal("America/New_York", "Mon-Fri 09:00-17:00", &[]);
    assert_eq!(due(&ny, "2026-11-23T13:00:00Z", 60), "2026-11-23T15:00:00Z");
    // Closures are local dates: Monday in Sydney is still Sunday in UTC.
    let syd = cal("Australia/Sydney", "Mon-Fri 08:00-17:00", &[("2026-11-23", "2026-11-23")]);
    assert_eq!(due(&syd, "2026-11-22T10:00:00Z", 60), "2026-11-23T22:00:00Z");
}

#[test]
fn working_time_and_due_times_agree() {
    let c = cal("Europe/London", "Mon-Fri 08:00-12:00,13:00-17:00", &[("2026-10-26", "2026-10-30")]);
    for start in
        ["2026-10-22T07:13:00Z", "2026-10-23T12:30:00Z", "2026-10-24T09:00:00Z", "2026-03-27T16:59:00Z"]
    {
        for minutes in [1, 59, 60, 61, 239, 480, 481, 2400, 9999] {
            let end = c.add_working_minutes(at(start), minutes).unwrap();
            assert_eq!(c.working_secs(at(start), end), minutes * 60, "{start} + {minutes}");
        }
    }
    assert_eq!(c.working_secs(at("2026-11-24T10:00:00Z"), at("2026-11-24T09:00:00Z")), 0);
}

#[test]
fn bad_targets_and_impossible_calendars_are_refused() {
    let e = london().add_working_minutes(at("2026-11-23T10:00:00Z"), -5).unwrap_err().to_string();
    assert!(e.contains("invalid minutes '-5'"), "{e}");
    assert!(london().add_working_minutes(at("2026-11-23T10:00:00Z"), MAX_MINUTES + 1).is_err());
    let sparse = cal("Europe/London", "Sun 00:00-00:01", &[]);
    let e = sparse.add_working_minutes(at("2026-11-23T10:00:00Z"), 100_000).unwrap_err().to_string();
    assert!(e.contains("no due time within 20 years"), "{e}");
    let e = parse_tz("Europe/Lundon").unwrap_err().to_string();
    assert!(e.contains("unknown time zone 'Europe/Lundon'"), "{e}");
    let e = Closure::new(day("2026-10-30"), day("2026-10-26"), "x").unwrap_err().to_string();
    assert!(e.contains("before it starts"), "{e}");
    assert!(parse_date("--from", "2026-02-30").is_err());
    assert!(parse_date("--from", "26-10-2026")
        .unwrap_err()
        .to_string()
        .contains("invalid --from '26-10-2026'"));
}

#[test]
fn working_durations_read_well() {
    assert_eq!(format_working(0), "0m");
    assert_eq!(format_working(45 * 60 + 59), "45m");
    assert_eq!(format_working(125 * 60), "2h 05m");
    assert_eq!(format_working(-90 * 60), "1h 30m");
}
