//! The queue: tickets sorted by SLA urgency, with filters.

use super::{age, fit};
use crate::domain::Priority;
use crate::domain::{QueueItem, SlaLevel};
use crate::tui::app::{App, Scope};
use crate::tui::layout;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

pub struct QueueView;

impl QueueView {
    pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
        let t = &app.theme;
        let q = &app.queue;
        let rows = layout::list_rows(app.size);
        let offset = q.cursor.offset(rows);
        let wide = area.width >= 110;
        let header_cells = ["ID", "SCHOOL", "REQUESTER", "SUBJECT", "PRI", "T", "ASSIGNEE", "AGE", "SLA"];
        let widths: Vec<Constraint> = if wide {
            vec![
                Constraint::Length(6),
                Constraint::Length(10),
                Constraint::Length(22),
                Constraint::Min(20),
                Constraint::Length(4),
                Constraint::Length(1),
                Constraint::Length(10),
                Constraint::Length(4),
                Constraint::Length(6),
            ]
        } else {
            vec![
                Constraint::Length(5),
                Constraint::Length(6),
                Constraint::Length(10),
                Constraint::Min(16),
                Constraint::Length(4),
                Constraint::Length(1),
                Constraint::Length(8),
                Constraint::Length(4),
                Constraint::Length(6),
            ]
        };
        let body: Vec<Row> = q
            .visible
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(pos, &i)| {
                let tk = &q.items[i];
                let row = Row::new(cells(tk, app, wide));
                if q.cursor.is(pos) {
                    row.style(t.selected())
                } else {
                    row
                }
            })
            .collect();
        let table =
            Table::new(body, widths).header(Row::new(header_cells).style(t.header())).column_spacing(1);
        let list = area;
        frame.render_widget(table, list);
        if q.visible.is_empty() {
            let msg = if !q.loaded {
                "Loading the queue…".to_string()
            } else if q.items.is_empty() {
                format!(
                    "No {} tickets in scope \"{}\". Press m to widen, n to log one.",
                    q.status.label(),
                    q.scope.label()
                )
            } else {
                "Nothing matches the filter. Esc clears it.".to_string()
            };
            let y = list.y + 2;
            if y < list.y + list.height {
                frame
                    .render_widget(Paragraph::new(Span::styled(msg, t.dim())), Rect { y, height: 1, ..list });
            }
        }
        Self::draw_filters(frame, app);
    }

    /// Filters and counts on the title row, after the screen name.
    fn draw_filters(frame: &mut Frame<'_>, app: &App) {
        let t = &app.theme;
        let q = &app.queue;
        let title = layout::areas(frame.area()).title;
        let mut spans = vec![Span::styled(format!("{}/{}", q.visible.len(), q.items.len()), t.dim())];
        let scope = match q.scope {
            Scope::Mine => "mine".to_string(),
            Scope::MyTier => format!("tier {}", app.me.tier),
            Scope::All => "all".to_string(),
        };
        spans.push(Span::raw(format!("  {scope} · {}", q.status.label())));
        if let Some(s) = &q.school {
            spans.push(Span::raw(format!(" · {s}")));
        }
        if q.breaching {
            spans.push(Span::styled(" · breaching", t.breached()));
        }
        if q.filtering || !q.filter.is_empty() {
            spans.push(Span::styled(format!("  /{}", crate::text::safe(&q.filter, false)), t.key()));
            if q.filtering {
                spans.push(Span::styled("▏", t.key()));
            }
        }
        let x = title.x + 22;
        if title.width > 24 {
            let area = Rect { x, width: title.width.saturating_sub(22 + 18), ..title };
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
        }
    }
}

fn priority_cell(p: Priority, app: &App) -> Cell<'static> {
    let t = &app.theme;
    match p {
        Priority::Urgent => Cell::from(Span::styled("URG", t.urgent())),
        Priority::High => Cell::from(Span::styled("high", t.at_risk())),
        Priority::Normal => Cell::from("norm"),
        Priority::Low => Cell::from(Span::styled("low", t.dim())),
    }
}

/// Working time left on the most urgent running target, coloured when at
/// risk or breached; labels (not colour alone) for paused and done.
fn sla_cell(item: &QueueItem, app: &App) -> Cell<'static> {
    let t = &app.theme;
    let s = &item.sla;
    let left = || s.left_secs.map(short_working).unwrap_or_else(|| "-".into());
    match s.level {
        SlaLevel::Breached => Cell::from(Span::styled(left(), t.breached())),
        SlaLevel::AtRisk => Cell::from(Span::styled(left(), t.at_risk())),
        SlaLevel::Ok => Cell::from(left()),
        SlaLevel::Paused => Cell::from(Span::styled("hold", t.dim())),
        SlaLevel::Met => Cell::from(Span::styled("met", t.dim())),
        SlaLevel::Missed => Cell::from(Span::styled("late", t.dim())),
        SlaLevel::None => Cell::from(Span::styled("-", t.dim())),
    }
}

/// Working time in at most five characters: "45m", "3h20", "2d", "-1h05".
fn short_working(secs: i64) -> String {
    let mins = secs.abs() / 60;
    let sign = if secs < 0 { "-" } else { "" };
    match mins {
        0..=59 => format!("{sign}{mins}m"),
        60..=599 => format!("{sign}{}h{:02}", mins / 60, mins % 60),
        600..=1439 => format!("{sign}{}h", mins / 60),
        _ => format!("{sign}{}d", mins / 1440),
    }
}

fn cells(item: &QueueItem, app: &App, wide: bool) -> Vec<Cell<'static>> {
    let tk = &item.ticket;
    let mut cells = vec![Cell::from(format!("#{}", tk.id)), Cell::from(tk.school.clone())];
    cells.push(Cell::from(fit(&tk.requester_name, if wide { 22 } else { 10 })));
    let subject_width = if wide { 60 } else { 40 };
    let new_marker = if app.notices.handed_back.contains(&tk.id) {
        "↩ handed back · "
    } else if tk.status == crate::domain::Status::New {
        "● "
    } else {
        ""
    };
    cells.push(Cell::from(format!("{new_marker}{}", fit(&tk.subject, subject_width))));
    cells.push(priority_cell(tk.priority, app));
    cells.push(Cell::from(tk.tier.to_string()));
    cells.push(Cell::from(fit(tk.assignee.as_deref().unwrap_or("-"), 10)));
    cells.push(Cell::from(age(tk.created_at, app.now)));
    cells.push(sla_cell(item, app));
    cells
}
