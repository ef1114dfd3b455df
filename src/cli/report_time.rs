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
