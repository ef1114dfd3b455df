//! `report time` rendered: a summary per school (used against bought),
//! by technician, by category, the tickets behind it; CSV is invoice lines.

use super::report_doc::{Cell, Csv, Doc, Section};
use crate::domain::worktime::{format_minutes, format_pence};
use crate::service::contracts::TimeReport;

fn mins(m: i64) -> Cell {
    Cell::num(format_minutes(m))
}

pub fn doc(r: &TimeReport) -> Doc {
    let mut summary = Vec::new();
    let (mut techs, mut cats, mut tickets) = (Vec::new(), Vec::new(), Vec::new());
    for s in &r.schools {
        let b = s.balance.as_ref();
        summary.push(vec![
            Cell::text(&s.school),
            mins(s.minutes),
            mins(s.billable_minutes),
            mins(s.non_billable_minutes),
            mins(s.planned_minutes),
            Cell::num(format_pence(s.amount_pence)),
            b.map_or(Cell::num("-"), |b| {
                Cell::text(format!("{} per {}", format_minutes(b.bought_minutes), b.per))
            }),
            b.map_or(Cell::num("-"), |b| Cell::text(&b.period)),
            b.map_or(Cell::num("-"), |b| mins(b.used_minutes)),
            b.map_or(Cell::num("-"), |b| mins(b.balance_minutes)),
        ]);
        for t in &s.by_tech {
            techs.push(vec![
                Cell::text(&s.school),
                Cell::text(&t.login),
                Cell::num(t.tier),
                mins(t.minutes),
                mins(t.billable_minutes),
            ]);
        }
        for (c, m) in &s.by_category {
            cats.push(vec![Cell::text(&s.school), Cell::text(c), mins(*m)]);
        }
        for t in &s.tickets {
            tickets.push(vec![
                Cell::text(&s.school),
                Cell::num(format!("#{}", t.ticket)),
                Cell::text(if t.planned { "planned" } else { "reactive" }),
                Cell::text(&t.subject),
                mins(t.minutes),
                mins(t.billable_minutes),
            ]);
        }
    }
    Doc {
        title: format!("Time {} to {}", r.from, r.to),
        sections: vec![
            Section {
                title: "Used against bought".into(),
                headers: vec![
                    "SCHOOL",
                    "TIME",
                    "BILLABLE",
                    "NON-BILLABLE",
                    "PLANNED",
                    "AMOUNT (GBP)",
                    "CONTRACT",
                    "PERIOD",
                    "USED IN PERIOD",
                    "BALANCE",
                ],
                rows: summary,
            },
            Section {
                title: "By technician".into(),
                headers: vec!["SCHOOL", "TECH", "TIER", "TIME", "BILLABLE"],
                rows: techs,
            },
            Section { title: "By category".into(), headers: vec!["SCHOOL", "CATEGORY", "TIME"], rows: cats },
            Section {
                title: "Tickets".into(),
                headers: vec!["SCHOOL", "TICKET", "WORK", "SUBJECT", "TIME", "BILLABLE"],
                rows: tickets,
            },
        ],
        notes: vec![
            "Days and months are each school's own, in its calendar's time zone.",
            "Used in period: billable time in the contract period holding the report's last day (or today).",
            "Amounts: billable minutes at the rate of the contract in force that day, to the penny.",
        ],
    }
}

/// Invoice lines, one per time entry (corrections included, so lines add
/// up to the totals). No internal note text.
pub fn csv(r: &TimeReport) -> Csv {
    let headers = [
        "school",
        "date",
        "ticket",
        "subject",
        "technician",
        "category",
        "minutes",
        "billable",
        "planned",
        "rate",
        "amount",
    ];
    let mut rows = Vec::new();
    for s in &r.schools {
        for l in &s.lines {
            rows.push(vec![
                Cell::text(&s.school),
                Cell::num(&l.date),
                Cell::num(l.ticket),
                Cell::text(&l.subject),
                Cell::text(&l.tech),
                Cell::text(l.category.as_deref().unwrap_or("")),
                Cell::num(l.minutes),
                Cell::num(if l.billable { "yes" } else { "no" }),
                Cell::num(if l.planned { "yes" } else { "no" }),
                Cell::num(format_pence(l.rate_pence)),
                Cell::num(format_pence(l.amount_pence)),
            ]);
        }
    }
    Csv { headers: headers.iter().map(|h| h.to_string()).collect(), rows }
}

/// The weekly report's time: minutes this week, planned work, and the
/// contract's balance (schools ask for it to see the service is worth it).
/// Shown when there is any (a team that logs no time sees no empty section).
pub fn weekly_section(r: &crate::report::WeeklyReport) -> Option<Section> {
    let any = r.schools.iter().any(|s| {
        s.time_minutes != 0
            || s.contract_balance.is_some()
            || s.figures.planned_opened + s.figures.planned_resolved > 0
    });
    if !any {
        return None;
    }
    let rows = r
        .schools
        .iter()
        .map(|s| {
            let b = s.contract_balance.as_ref();
            vec![
                Cell::text(&s.school),
                mins(s.time_minutes),
                mins(s.billable_minutes),
                Cell::num(s.figures.planned_opened),
                Cell::num(s.figures.planned_resolved),
                b.map_or(Cell::num("-"), |b| Cell::text(&b.period)),
                b.map_or(Cell::num("-"), |b| mins(b.bought_minutes)),
                b.map_or(Cell::num("-"), |b| mins(b.used_minutes)),
                b.map_or(Cell::num("-"), |b| mins(b.balance_minutes)),
            ]
        })
        .collect();
    Some(Section {
        title: "Time and contract".into(),
        headers: vec![
            "SCHOOL",
            "TIME",
            "BILLABLE",
            "PLANNED LOGGED",
            "PLANNED RESOLVED",
            "CONTRACT PERIOD",
            "BOUGHT",
            "USED",
            "BALANCE",
        ],
        rows,
    })
}

/// `time_minutes`, `billable_minutes` and `contract:*` columns on the weekly CSV (the total row: sums, no contract).
pub fn weekly_csv_columns(r: &crate::report::WeeklyReport, csv: &mut Csv) {
    csv.headers.extend(
        [
            "time_minutes",
            "billable_minutes",
            "contract:period",
            "contract:bought_minutes",
            "contract:used_minutes",
            "contract:balance_minutes",
        ]
        .iter()
        .map(|h| h.to_string()),
    );
    let total_time: i64 = r.schools.iter().map(|s| s.time_minutes).sum();
    let total_billable: i64 = r.schools.iter().map(|s| s.billable_minutes).sum();
    for (i, row) in csv.rows.iter_mut().enumerate() {
        match r.schools.get(i) {
            Some(s) => {
                let b = s.contract_balance.as_ref();
                row.push(Cell::num(s.time_minutes));
                row.push(Cell::num(s.billable_minutes));
                row.push(b.map_or(Cell::num(""), |b| Cell::text(&b.period)));
                for v in
                    [b.map(|b| b.bought_minutes), b.map(|b| b.used_minutes), b.map(|b| b.balance_minutes)]
                {
                    row.push(Cell::num(v.map(|v| v.to_string()).unwrap_or_default()));
                }
            }
            None => {
                row.push(Cell::num(total_time));
                row.push(Cell::num(total_billable));
                row.extend((0..4).map(|_| Cell::num("")));
            }
        }
    }
}

/// The shift-left picture over time: reactive against planned tickets, and
/// minutes logged by tier, week by week.
/// Shown when any week had planned work or logged time.
pub fn shift_section(rows: &[(Cell, &crate::report::Figures)]) -> Option<Section> {
    if !rows.iter().any(|(_, f)| {
        f.planned_opened + f.planned_resolved > 0 || f.minutes_by_tier.values().any(|&m| m != 0)
    }) {
        return None;
    }
    let get = |m: &std::collections::BTreeMap<String, i64>, t: &str| m.get(t).copied().unwrap_or(0);
    // "reactive / planned" for one tier's minutes.
    let tier = |f: &crate::report::Figures, t: &str| {
        Cell::num(format!(
            "{} / {}",
            format_minutes(get(&f.reactive_minutes_by_tier, t)),
            format_minutes(get(&f.planned_minutes_by_tier, t))
        ))
    };
    Some(Section {
        title: "Reactive and planned work, time by tier (reactive / planned)".into(),
        headers: vec![
            "WEEK",
            "REACTIVE LOGGED",
            "PLANNED LOGGED",
            "PLANNED RESOLVED",
            "TIER 1 TIME",
            "TIER 2 TIME",
            "TIER 3 TIME",
            "SENIOR PLANNED",
        ],
        rows: rows
            .iter()
            .map(|(l, f)| {
                vec![
                    l.clone(),
                    Cell::num(f.opened),
                    Cell::num(f.planned_opened),
                    Cell::num(f.planned_resolved),
                    tier(f, "1"),
                    tier(f, "2"),
                    tier(f, "3"),
                    Cell::num(f.senior_planned_pct.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "-".into())),
                ]
            })
            .collect(),
    })
}
