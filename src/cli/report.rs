//! `report weekly | trend | tech`: the figures that prove the service to
//! schools and show work moving left, as a table, JSON, CSV or Markdown.

use super::output;
use super::report_doc::{Cell, Csv, Doc, Section};
use super::Invocation;
use crate::report::{Figures, SelfService, TechReport, Week, WeekFigures, WeeklyReport, SOURCES};
use crate::service::reports::{ReportQuery, TrendQuery};
use crate::sla::format_working;
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

fn parse_format(s: &str) -> Result<Format, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "table" => Ok(Format::Table),
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        "markdown" | "md" => Ok(Format::Markdown),
        other => Err(format!("invalid format '{other}': expected one of table, json, csv, markdown")),
    }
}

fn parse_week(s: &str) -> Result<Week, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

const DEFINITIONS: &str = "Weeks are ISO weeks, Monday 00:00 to Monday 00:00 in each school's time zone; \
the default is the last complete week. Times are working time on the school's calendar (opening hours, \
closures), with the clock stopped while a ticket waits on the requester; medians and 90th percentiles \
use the nearest-rank method. Resolved at tier 1, first contact and escalation rate are shares of the \
tickets resolved in the week. First contact: resolved without being escalated, handed back, put \
pending, reopened, or assigned to anyone but the technician who resolved it. See docs/reports.md.";

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Each school's week and the total: volume, response and resolution times, SLA,
    /// categories, sources, shift-left figures and satisfaction.
    #[command(after_help = DEFINITIONS)]
    Weekly(WeeklyArgs),
    /// The key figures week by week (oldest first), for all schools or one.
    #[command(after_help = DEFINITIONS)]
    Trend(TrendArgs),
    /// Per technician (leads only): tickets resolved, median handling time, canned and
    /// article reuse, articles written, escalations and hand-backs.
    Tech(TechArgs),
    /// Time by school, technician and category, used against the contract, with
    /// the tickets behind it; --format csv gives invoice lines.
    Time(super::time::ReportTimeArgs),
}

#[derive(Debug, Args)]
pub struct FormatArg {
    /// table (default), json, csv or markdown; --json is the same as --format json.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
}

#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// ISO week, e.g. 2026-W47 (default: the last complete week).
    #[arg(long, value_parser = parse_week)]
    pub week: Option<Week>,
    /// Only this school.
    #[arg(long)]
    pub school: Option<String>,
    /// A report to send to the school: that school's figures only, no total (needs --school).
    #[arg(long, requires = "school")]
    pub for_school: bool,
    /// Queue each school's report (its figures only) to its contacts; a
    /// week already mailed to a school is not mailed again.
    #[arg(long, conflicts_with = "for_school")]
    pub mail: bool,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// How many weeks, up to 104.
    #[arg(long, default_value_t = 8, allow_negative_numbers = true)]
    pub weeks: u32,
    /// The last week shown (default: the last complete week).
    #[arg(long, value_parser = parse_week)]
    pub week: Option<Week>,
    /// Only this school (default: all schools added up).
    #[arg(long)]
    pub school: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct TechArgs {
    /// ISO week in the team's time zone (default: the last complete week).
    #[arg(long, value_parser = parse_week)]
    pub week: Option<Week>,
    #[command(flatten)]
    pub format: FormatArg,
}

fn format(inv: &Invocation, arg: &FormatArg) -> Result<Format> {
    match (inv.json, arg.format) {
        (true, Some(f)) if f != Format::Json => {
            Err(Error::invalid("--json asks for JSON but --format asks for another format: pass one of them"))
        }
        (true, _) => Ok(Format::Json),
        (false, f) => Ok(f.unwrap_or(Format::Table)),
    }
}

/// Prints a report in the chosen format.
pub(super) fn emit<T: serde::Serialize>(
    fmt: Format,
    value: &T,
    doc: impl FnOnce() -> Doc,
    csv: impl FnOnce() -> Csv,
) -> Result<()> {
    match fmt {
        Format::Json => return output::json(value),
        Format::Csv => print!("{}", csv().render()),
        Format::Markdown => print!("{}", doc().markdown()),
        Format::Table => doc().print_table(),
    }
    Ok(())
}

pub fn run(inv: &Invocation, cmd: ReportCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        ReportCmd::Weekly(a) if a.mail => {
            let team = crate::config::resolve_mail()?
                .and_then(|(c, _)| c.from)
                .and_then(|f| crate::mail::encode::Mailbox::parse(&f).ok())
                .and_then(|m| m.name)
                .unwrap_or_else(|| "IT Support".into());
            let done = desk.mail_weekly_reports(a.week, a.school.as_deref(), &team)?;
            if inv.json {
                return crate::cli::output::json(&done);
            }
            for d in &done {
                let what = match (d.contacts, d.already_sent) {
                    (0, _) => "no contacts (add one with `school contact add`)".to_string(),
                    (_, true) => "already sent: nothing queued".to_string(),
                    _ => format!("{} message(s) queued", d.queued),
                };
                println!("{} {}: {what}", d.school, d.week);
            }
            Ok(())
        }
        ReportCmd::Weekly(a) => {
            let fmt = format(inv, &a.format)?;
            let q = ReportQuery { week: a.week, school: a.school, for_school: a.for_school };
            let r = desk.weekly_report(&q)?;
            emit(fmt, &r, || weekly_doc(&r), || weekly_csv(&r))
        }
        ReportCmd::Trend(a) => {
            let fmt = format(inv, &a.format)?;
            let school = a.school.map(|s| s.trim().to_ascii_uppercase());
            let q = TrendQuery { weeks: a.weeks, until: a.week, school: school.clone() };
            let weeks = desk.trend(&q)?;
            emit(fmt, &weeks, || trend_doc(&weeks, school.as_deref()), || trend_csv(&weeks))
        }
        ReportCmd::Time(a) => super::time::report(inv, &desk, format(inv, &a.format)?, a),
        ReportCmd::Tech(a) => {
            let fmt = format(inv, &a.format)?;
            let r = desk.tech_report(a.week)?;
            emit(fmt, &r, || tech_doc(&r), || tech_csv(&r))
        }
    }
}

fn dur(secs: Option<i64>) -> Cell {
    Cell::num(secs.map(format_working).unwrap_or_else(|| "-".into()))
}

/// "80.0% (4/5)", or "-" when there was nothing to measure.
fn share(pct: Option<f64>, part: u64, whole: u64) -> Cell {
    Cell::num(pct.map(|p| format!("{p:.1}% ({part}/{whole})")).unwrap_or_else(|| "-".into()))
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn span_title(week: Week) -> String {
    format!("{week} (Mon {} to Sun {})", week.monday().format("%-d %b %Y"), week.sunday().format("%-d %b %Y"))
}

fn weekly_doc(r: &WeeklyReport) -> Doc {
    let mut rows: Vec<(Cell, &Figures)> =
        r.schools.iter().map(|s| (Cell::text(&s.school), &s.figures)).collect();
    if let Some(total) = &r.total {
        rows.push((Cell::num("TOTAL"), total));
    }
    let title = match (r.for_school, r.schools.first()) {
        (true, Some(s)) => {
            format!("IT support report for {} ({}), week {}", s.name, s.school, span_title(r.week))
        }
        _ => format!("Weekly report {}, each school's local time", span_title(r.week)),
    };
    let title =
        if r.complete { title } else { format!("{title} (the week is not over: figures may change)") };
    let mut sections = figure_sections(&rows, "SCHOOL");
    let mut cats = Vec::new();
    for (label, f) in &rows {
        for (cat, n) in &f.by_category {
            cats.push(vec![label.clone(), Cell::text(cat), Cell::num(n)]);
        }
    }
    sections.push(Section {
        title: "Tickets by category".into(),
        headers: vec!["SCHOOL", "CATEGORY", "TICKETS"],
        rows: cats,
    });
    let mut headers = vec!["SCHOOL"];
    headers.extend(SOURCE_HEADERS);
    sections.push(Section {
        title: "Tickets by source".into(),
        headers,
        rows: rows.iter().map(|(l, f)| source_cells(l.clone(), f)).collect(),
    });
    if let Some(section) = self_service_section(r) {
        sections.push(section);
    }
    sections.extend(super::report_time::weekly_section(r));
    Doc { title, sections, notes: vec![DEFINITIONS] }
}

/// The portal's part of shift left; shown when the portal saw any use in
/// the week (a team without the portal sees no empty section).
fn self_service_section(r: &WeeklyReport) -> Option<Section> {
    let mut rows: Vec<(Cell, &SelfService)> =
        r.schools.iter().map(|s| (Cell::text(&s.school), &s.self_service)).collect();
    if let Some(total) = &r.self_service_total {
        rows.push((Cell::num("TOTAL"), total));
    }
    if rows.iter().all(|(_, s)| s.is_empty()) {
        return None;
    }
    Some(Section {
        title: "Self-service (portal)".into(),
        headers: vec![
            "SCHOOL",
            "SEARCHES",
            "ARTICLE VIEWS",
            "SOLVED BY AN ARTICLE",
            "REQUESTS STARTED",
            "ABANDONED AFTER AN ARTICLE",
            "REQUESTS SENT",
            "DEFLECTED",
        ],
        rows: rows
            .into_iter()
            .map(|(label, s)| {
                let mut row = vec![label];
                row.extend(s.counts().iter().map(|(_, n)| Cell::num(n)));
                row.push(share(s.deflected_pct, s.solved, s.solved + s.submitted));
                row
            })
            .collect(),
    })
}

const SOURCE_HEADERS: [&str; 4] = ["PHONE", "EMAIL", "WALK-IN", "SELF-SERVICE"];

fn source_cells(label: Cell, f: &Figures) -> Vec<Cell> {
    let mut row = vec![label];
    row.extend(SOURCES.iter().map(|s| Cell::num(f.by_source.get(*s).copied().unwrap_or(0))));
    row
}

/// The sections every figure table shares; `rows` are labelled by school or week.
fn figure_sections(rows: &[(Cell, &Figures)], label: &'static str) -> Vec<Section> {
    let each = |f: &dyn Fn(&Figures) -> Vec<Cell>| -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|(l, fig)| {
                let mut row = vec![l.clone()];
                row.extend(f(fig));
                row
            })
            .collect()
    };
    vec![
        Section {
            title: "Tickets and times (working time)".into(),
            headers: vec![
                label,
                "OPENED",
                "RESOLVED",
                "CLOSED",
                "BACKLOG",
                "RESPONSE MEDIAN",
                "RESPONSE P90",
                "RESOLUTION MEDIAN",
                "RESOLUTION P90",
            ],
            rows: each(&|f| {
                vec![
                    Cell::num(f.opened),
                    Cell::num(f.resolved),
                    Cell::num(f.closed),
                    Cell::num(f.backlog),
                    dur(f.first_response_median_secs),
                    dur(f.first_response_p90_secs),
                    dur(f.resolution_median_secs),
                    dur(f.resolution_p90_secs),
                ]
            }),
        },
        Section {
            title: "Service levels met".into(),
            headers: vec![label, "RESPONSE SLA", "RESOLUTION SLA"],
            rows: each(&|f| {
                vec![
                    share(f.response_sla_met_pct, f.response_sla_met, f.response_sla_measured),
                    share(f.resolve_sla_met_pct, f.resolve_sla_met, f.resolve_sla_measured),
                ]
            }),
        },
        Section {
            title: "Shift left".into(),
            headers: vec![
                label,
                "RESOLVED AT TIER 1",
                "FIRST CONTACT",
                "ESCALATION RATE",
                "ESCALATIONS",
                "HAND-BACKS",
                "CANNED USES",
                "ARTICLE USES",
                "ARTICLES FROM TICKETS",
            ],
            rows: each(&|f| {
                vec![
                    share(f.resolved_tier1_pct, f.resolved_tier1, f.resolved),
                    share(f.first_contact_pct, f.first_contact, f.resolved),
                    share(f.escalation_rate_pct, f.escalated_resolved, f.resolved),
                    Cell::num(f.escalations),
                    Cell::num(f.handbacks),
                    Cell::num(f.canned_uses),
                    Cell::num(f.article_uses),
                    Cell::num(f.articles_from_tickets),
                ]
            }),
        },
        Section {
            title: "Satisfaction".into(),
            headers: vec![label, "RATINGS", "AVERAGE (1-5)", "SATISFIED (4-5)"],
            rows: each(&|f| {
                vec![
                    Cell::num(f.ratings),
                    Cell::num(f.satisfaction_avg.map(|a| format!("{a:.2}")).unwrap_or_else(|| "-".into())),
                    share(f.satisfied_pct, f.satisfied, f.ratings),
                ]
            }),
        },
    ]
}

/// The figures as CSV columns, named as in the JSON (nulls are empty).
fn figure_columns(f: &Figures) -> Vec<(&'static str, String)> {
    vec![
        ("opened", f.opened.to_string()),
        ("resolved", f.resolved.to_string()),
        ("closed", f.closed.to_string()),
        ("backlog", f.backlog.to_string()),
        ("first_responses", f.first_responses.to_string()),
        ("first_response_median_secs", opt(f.first_response_median_secs)),
        ("first_response_p90_secs", opt(f.first_response_p90_secs)),
        ("resolution_median_secs", opt(f.resolution_median_secs)),
        ("resolution_p90_secs", opt(f.resolution_p90_secs)),
        ("response_sla_met", f.response_sla_met.to_string()),
        ("response_sla_measured", f.response_sla_measured.to_string()),
        ("response_sla_met_pct", opt(f.response_sla_met_pct)),
        ("resolve_sla_met", f.resolve_sla_met.to_string()),
        ("resolve_sla_measured", f.resolve_sla_measured.to_string()),
        ("resolve_sla_met_pct", opt(f.resolve_sla_met_pct)),
        ("resolved_tier1", f.resolved_tier1.to_string()),
        ("resolved_tier1_pct", opt(f.resolved_tier1_pct)),
        ("first_contact", f.first_contact.to_string()),
        ("first_contact_pct", opt(f.first_contact_pct)),
        ("escalated_resolved", f.escalated_resolved.to_string()),
        ("escalation_rate_pct", opt(f.escalation_rate_pct)),
        ("escalations", f.escalations.to_string()),
        ("handbacks", f.handbacks.to_string()),
        ("canned_uses", f.canned_uses.to_string()),
        ("article_uses", f.article_uses.to_string()),
        ("articles_from_tickets", f.articles_from_tickets.to_string()),
        ("ratings", f.ratings.to_string()),
        ("satisfaction_avg", opt(f.satisfaction_avg)),
        ("satisfied", f.satisfied.to_string()),
        ("satisfied_pct", opt(f.satisfied_pct)),
        ("planned_opened", f.planned_opened.to_string()),
        ("planned_resolved", f.planned_resolved.to_string()),
        ("minutes_tier1", f.minutes_by_tier.get("1").copied().unwrap_or(0).to_string()),
        ("minutes_tier2", f.minutes_by_tier.get("2").copied().unwrap_or(0).to_string()),
        ("minutes_tier3", f.minutes_by_tier.get("3").copied().unwrap_or(0).to_string()),
        ("planned_minutes_tier1", f.planned_minutes_by_tier.get("1").copied().unwrap_or(0).to_string()),
        ("planned_minutes_tier2", f.planned_minutes_by_tier.get("2").copied().unwrap_or(0).to_string()),
        ("planned_minutes_tier3", f.planned_minutes_by_tier.get("3").copied().unwrap_or(0).to_string()),
        ("senior_planned_pct", f.senior_planned_pct.map(|p| p.to_string()).unwrap_or_default()),
    ]
}

/// Figure columns, then `source:NAME` for every source and `category:NAME`
/// for every category any row has (zeros where a row has none).
fn figures_csv(lead: &[&str], rows: Vec<(Vec<Cell>, &Figures)>) -> Csv {
    let categories: BTreeSet<&String> = rows.iter().flat_map(|(_, f)| f.by_category.keys()).collect();
    let mut headers: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
    headers.extend(figure_columns(&Figures::default()).into_iter().map(|(k, _)| k.to_string()));
    headers.extend(SOURCES.iter().map(|s| format!("source:{s}")));
    headers.extend(categories.iter().map(|c| format!("category:{c}")));
    let rows = rows
        .into_iter()
        .map(|(mut row, f)| {
            row.extend(figure_columns(f).into_iter().map(|(_, v)| Cell::Num(v)));
            row.extend(SOURCES.iter().map(|s| Cell::num(f.by_source.get(*s).copied().unwrap_or(0))));
            row.extend(categories.iter().map(|c| Cell::num(f.by_category.get(*c).copied().unwrap_or(0))));
            row
        })
        .collect();
    // Category names are stored text: guard the header cells like text cells.
    let headers = headers.into_iter().map(|h| super::report_doc::formula_guard(&h)).collect();
    Csv { headers, rows }
}

fn weekly_csv(r: &WeeklyReport) -> Csv {
    let mut rows: Vec<(Vec<Cell>, &Figures)> = r
        .schools
        .iter()
        .map(|s| {
            let cells = vec![
                Cell::text(&s.school),
                Cell::text(&s.name),
                Cell::num(r.week),
                Cell::num(s.from.to_rfc3339()),
                Cell::num(s.to.to_rfc3339()),
            ];
            (cells, &s.figures)
        })
        .collect();
    if let Some(total) = &r.total {
        let cells = vec![
            Cell::num("TOTAL"),
            Cell::num("All schools"),
            Cell::num(r.week),
            Cell::num(""),
            Cell::num(""),
        ];
        rows.push((cells, total));
    }
    let mut csv = figures_csv(&["school", "name", "week", "from", "to"], rows);
    super::report_time::weekly_csv_columns(r, &mut csv);
    // The portal's figures (last, as they were first added) as `self_service:NAME` columns (zeros without a portal).
    let empty = SelfService::default();
    csv.headers.extend(empty.counts().iter().map(|(k, _)| format!("self_service:{k}")));
    csv.headers.push("self_service:deflected_pct".into());
    let per_row = r
        .schools
        .iter()
        .map(|s| &s.self_service)
        .chain(r.total.as_ref().map(|_| r.self_service_total.as_ref().unwrap_or(&empty)));
    for (row, s) in csv.rows.iter_mut().zip(per_row) {
        row.extend(s.counts().iter().map(|(_, n)| Cell::num(n)));
        row.push(Cell::Num(opt(s.deflected_pct)));
    }
    csv
}

fn trend_doc(weeks: &[WeekFigures], school: Option<&str>) -> Doc {
    let rows: Vec<(Cell, &Figures)> = weeks.iter().map(|w| (Cell::num(w.week), &w.figures)).collect();
    let whose = school.map(|s| format!("school {s}")).unwrap_or_else(|| "all schools".into());
    let title = match (weeks.first(), weeks.last()) {
        (Some(a), Some(b)) => format!("Trend for {whose}, {} to {}", a.week, b.week),
        _ => format!("Trend for {whose}"),
    };
    let mut sections = figure_sections(&rows, "WEEK");
    let mut headers = vec!["WEEK"];
    headers.extend(SOURCE_HEADERS);
    sections.push(Section {
        title: "Tickets by source".into(),
        headers,
        rows: rows.iter().map(|(l, f)| source_cells(l.clone(), f)).collect(),
    });
    sections.extend(super::report_time::shift_section(&rows));
    Doc { title, sections, notes: vec![DEFINITIONS] }
}

fn trend_csv(weeks: &[WeekFigures]) -> Csv {
    let rows = weeks
        .iter()
        .map(|w| (vec![Cell::num(w.week), Cell::num(&w.monday), Cell::num(w.complete)], &w.figures))
        .collect();
    figures_csv(&["week", "monday", "complete"], rows)
}

fn tech_doc(r: &TechReport) -> Doc {
    let rows = r
        .techs
        .iter()
        .map(|t| {
            vec![
                Cell::text(&t.login),
                Cell::text(&t.name),
                Cell::num(t.tier),
                Cell::num(t.resolved),
                dur(t.handling_median_secs),
                Cell::num(t.canned_uses),
                Cell::num(t.article_uses),
                Cell::num(t.articles_written),
                Cell::num(t.escalations),
                Cell::num(t.handbacks),
            ]
        })
        .collect();
    Doc {
        title: format!("Technicians, week {} ({})", span_title(r.week), r.tz),
        sections: vec![Section {
            title: "Work and reuse".into(),
            headers: vec!["LOGIN", "NAME", "TIER", "RESOLVED", "HANDLING MEDIAN", "CANNED USES", "ARTICLE USES", "ARTICLES WRITTEN", "ESCALATIONS", "HAND-BACKS"],
            rows,
        }],
        notes: vec![
            "Handling time: working time on the ticket's school calendar, clock stopped while pending, from when the \
             technician had the ticket (its logging, its last change of tier or its last assignment to them, whichever \
             is latest) to their resolution.",
        ],
    }
}

fn tech_csv(r: &TechReport) -> Csv {
    let headers = [
        "login",
        "name",
        "tier",
        "lead",
        "resolved",
        "handling_median_secs",
        "canned_uses",
        "article_uses",
        "articles_written",
        "escalations",
        "handbacks",
    ];
    Csv {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: r
            .techs
            .iter()
            .map(|t| {
                vec![
                    Cell::text(&t.login),
                    Cell::text(&t.name),
                    Cell::num(t.tier),
                    Cell::num(t.lead),
                    Cell::num(t.resolved),
                    Cell::num(opt(t.handling_median_secs)),
                    Cell::num(t.canned_uses),
                    Cell::num(t.article_uses),
                    Cell::num(t.articles_written),
                    Cell::num(t.escalations),
                    Cell::num(t.handbacks),
                ]
            })
            .collect(),
    }
}
