//! One ticket: a header with the facts and the whole timeline, internal
//! notes unmistakably apart from what the requester sees.

use super::age;
use crate::domain::{Event, EventKind, TicketDetail};
use crate::domain::{SlaLevel, SlaState, SlaTarget, Ticket};
use crate::text::safe;
use crate::tui::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub struct TicketView;

impl TicketView {
    pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
        let Some(d) = &app.ticket.detail else {
            frame.render_widget(Paragraph::new(Span::styled("Loading…", app.theme.dim())), area);
            return;
        };
        let [head, body] = Layout::vertical([Constraint::Length(4), Constraint::Min(1)]).areas(area);
        Self::header(frame, head, app, d);
        let lines = timeline(app, d, body.width.saturating_sub(2));
        let height = body.height.saturating_sub(1) as usize;
        // Scroll is clamped here so "G" (scroll = max) lands on the last page.
        let max_scroll = crate::tui::layout::cells(lines.len().saturating_sub(height));
        let scroll = app.ticket.scroll.min(max_scroll);
        let block = Block::new().borders(Borders::TOP).border_style(app.theme.border()).title(Span::styled(
            format!(" Timeline ({} event{}) ", d.events.len(), if d.events.len() == 1 { "" } else { "s" }),
            app.theme.dim(),
        ));
        frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), body);
    }

    fn header(frame: &mut Frame<'_>, area: Rect, app: &App, d: &TicketDetail) {
        let t = &d.ticket;
        let th = &app.theme;
        let due_line = sla_line(app, t, app.ticket.sla.as_ref());
        let lines = vec![
            Line::from(vec![
                Span::styled(format!("#{} ", t.id), th.title()),
                Span::styled(safe(&t.subject, false), th.title()),
            ]),
            Line::from(format!(
                "{} · {} priority · tier {} · {} · via {} · {}",
                t.status,
                t.priority,
                t.tier,
                t.category.as_deref().unwrap_or("no category"),
                t.source,
                t.assignee
                    .as_deref()
                    .map(|a| format!("assigned to {a}"))
                    .unwrap_or_else(|| "unassigned".into())
            )),
            viewers_line(app, t),
            due_line,
        ];
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The requester, and a warning when other technicians have it open too.
fn viewers_line(app: &App, t: &Ticket) -> Line<'static> {
    let mut spans = vec![Span::raw(format!(
        "{} <{}> · {} · opened {} ago",
        safe(&t.requester_name, false),
        safe(&t.requester, false),
        t.school,
        age(t.created_at, app.now)
    ))];
    if !app.ticket.viewers.is_empty() {
        let who: Vec<String> = app
            .ticket
            .viewers
            .iter()
            .map(|(login, name)| format!("{} ({login})", safe(name, false)))
            .collect();
        spans.push(Span::styled(format!("  ▲ also open: {}", who.join(", ")), app.theme.at_risk()));
    }
    Line::from(spans)
}

/// Both due times with the working time left, or how each was met.
fn sla_line(app: &App, t: &Ticket, sla: Option<&SlaState>) -> Line<'static> {
    let th = &app.theme;
    let Some(sla) = sla else { return Line::from(Span::styled("No SLA", th.dim())) };
    let target = |label: &str, target: Option<&SlaTarget>| -> Vec<Span<'static>> {
        let Some(x) = target else { return vec![Span::styled(format!("{label} -"), th.dim())] };
        let when = app.local_text(x.due, "%a %H:%M");
        let left = crate::sla::format_working(x.left_secs.abs());
        let (text, style) = match x.level {
            SlaLevel::Breached => (format!("{label} overdue {left} ({when})"), th.breached()),
            SlaLevel::AtRisk => (format!("{label} {left} left ({when})"), th.at_risk()),
            SlaLevel::Ok => (format!("{label} {left} left ({when})"), ratatui::style::Style::new()),
            SlaLevel::Paused => (format!("{label}: on hold, {left} left"), th.dim()),
            SlaLevel::Met => (format!("{label}: met"), th.ok()),
            SlaLevel::Missed => (format!("{label}: met late ({when})"), th.at_risk()),
            SlaLevel::None => (format!("{label} -"), th.dim()),
        };
        vec![Span::styled(text, style)]
    };
    let mut spans = target("Response", sla.response.as_ref());
    spans.push(Span::styled(" · ", th.dim()));
    spans.extend(target("Resolve", sla.resolve.as_ref()));
    if t.status == crate::domain::Status::Pending {
        spans.push(Span::styled("   waiting on the requester", th.dim()));
    }
    Line::from(spans)
}

fn event_title(e: &Event) -> String {
    let who = e.tech.as_deref().unwrap_or("requester");
    let old = e.old_value.as_deref().unwrap_or("?");
    let new = e.new_value.as_deref().unwrap_or("?");
    match e.kind {
        EventKind::Created => format!("Logged by {who} (via {new})"),
        EventKind::Reply => format!("Reply to requester by {who}"),
        EventKind::Note => format!("INTERNAL NOTE by {who}"),
        EventKind::Assigned => format!("Assigned to {new} by {who}"),
        EventKind::Escalated => format!("ESCALATED tier {old} → {new} by {who}"),
        EventKind::HandedBack => format!("HANDED BACK tier {old} → {new} by {who}"),
        EventKind::StatusChanged => format!("Status {old} → {new} by {who}"),
        EventKind::ArticleLinked => format!("Article #{new} linked by {who}"),
        EventKind::ArticleCreated => format!("Article #{new} written from this ticket by {who}"),
        EventKind::CannedApplied => format!("Canned solution used by {who}"),
        EventKind::SlaBreached => "SLA BREACHED".to_string(),
        EventKind::Rated => format!("Rated {new}"),
        EventKind::Linked => format!("Linked: {new} by {who}"),
        EventKind::Merged if e.new_value.is_some() => format!("Merged into #{new} by {who}"),
        EventKind::Merged => format!("#{old} merged into this ticket by {who}"),
        EventKind::Incident => format!("Major incident ({who})"),
    }
}

/// The timeline as lines: public text with a plain bar, internal text with
/// a labelled, highlighted bar (and a text label, for NO_COLOR).
fn timeline(app: &App, d: &TicketDetail, width: u16) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut lines = Vec::new();
    for e in &d.events {
        let when = app.clock_text(e.at);
        let title = event_title(e);
        let mut head = vec![Span::styled(format!("{when}  "), th.dim())];
        if e.internal {
            head.push(Span::styled(" INTERNAL ", th.internal()));
            head.push(Span::raw(" "));
            head.push(Span::styled(title, th.internal_text()));
        } else if e.kind == EventKind::Reply {
            head.push(Span::styled(title, th.public()));
        } else {
            head.push(Span::raw(title));
        }
        lines.push(Line::from(head));
        let body = match e.kind {
            EventKind::Created => Some(d.ticket.body.as_str()).filter(|b| !b.is_empty()),
            EventKind::ArticleLinked => None,
            _ => e.body.as_deref(),
        };
        if let Some(body) = body {
            let (bar, style) = if e.internal { ("┃ ", th.internal_text()) } else { ("│ ", th.dim()) };
            for raw in safe(&body.replace('\t', "    "), true).lines() {
                for chunk in wrap(raw, width.saturating_sub(4) as usize) {
                    lines.push(Line::from(vec![Span::styled(format!("  {bar}"), style), Span::raw(chunk)]));
                }
            }
        }
    }
    lines
}

/// Greedy word wrap, so the bar is repeated on every wrapped line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = line.chars().count() + word.chars().count() + usize::from(!line.is_empty());
        if needed > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            out.push(head);
        }
    }
    out.push(line);
    out
}
