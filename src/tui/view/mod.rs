//! Pure drawing: `draw(frame, &app)` reads state and renders it. No
//! database, no mutation.

mod dashboard;
mod form;
mod kb;
mod overlay;
mod palette;
mod queue;
mod ticket;

use super::app::{App, Screen};
use super::keymap;
use super::layout;
use crate::domain::Timestamp;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let areas = layout::areas(frame.area());
    draw_title(frame, areas.title, app);
    match app.screen {
        Screen::Queue => queue::QueueView::draw(frame, areas.main, app),
        Screen::Ticket => ticket::TicketView::draw(frame, areas.main, app),
        Screen::NewTicket => form::NewTicketView::draw(frame, areas.main, app),
        Screen::Kb => kb::KbView::draw(frame, areas.main, app),
        Screen::Dashboard => dashboard::DashboardView::draw(frame, areas.main, app),
    }
    draw_status(frame, areas.status, app);
    draw_hints(frame, areas.hints, app);
    overlay::draw(frame, frame.area(), app);
}

fn draw_title(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let t = &app.theme;
    let screen = match app.screen {
        Screen::Queue => "Queue".to_string(),
        Screen::Ticket => format!("Ticket #{}", app.ticket.id),
        Screen::NewTicket => "New ticket".to_string(),
        Screen::Dashboard => "Dashboard".to_string(),
        Screen::Kb => match &app.kb.open {
            Some(a) => format!("Article #{}", a.id),
            None => "Knowledge base".to_string(),
        },
    };
    let who = format!("{} · tier {}{}", app.me.login, app.me.tier, if app.me.lead { " lead" } else { "" });
    let left = Line::from(vec![
        Span::styled(" deskside ", t.title()),
        Span::raw("│ "),
        Span::styled(screen, t.title()),
    ]);
    frame.render_widget(Paragraph::new(left), area);
    let width = layout::cells(who.chars().count()).saturating_add(1);
    if area.width > width + 20 {
        let right = Rect { x: area.x + area.width - width, width, ..area };
        frame.render_widget(Paragraph::new(Span::styled(who, t.dim())), right);
    }
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some((msg, is_error)) = &app.status else {
        // With nothing else to say, the queue says what came to you.
        if let (Screen::Queue, Some(notice)) = (app.screen, app.notices.line()) {
            frame.render_widget(
                Paragraph::new(Span::styled(format!(" {notice} "), app.theme.at_risk())),
                area,
            );
        }
        return;
    };
    let style = if *is_error { app.theme.error() } else { app.theme.ok() };
    let text = crate::text::safe(msg, false);
    frame.render_widget(Paragraph::new(Span::styled(format!(" {text} "), style)), area);
}

/// The most useful keys of the current mode, in the table's order, as
/// many as fit; what may not be done here (`App::greyed`: tier rules, the
/// ticket's status) stays in its place, greyed and struck through, so the
/// daily keys never move.
fn draw_hints(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    let greyed = t.dim().add_modifier(ratatui::style::Modifier::CROSSED_OUT);
    for b in keymap::bindings(app.mode()).into_iter().filter(|b| app.applies(b)) {
        let grey = app.greyed(b).is_some();
        let help = b.help.split(['(', ':']).next().unwrap_or(b.help).trim();
        let key = b.shown.split(' ').next().unwrap_or(b.shown);
        let len = key.chars().count() + help.chars().count() + 3;
        if used + len > area.width as usize {
            break;
        }
        used += len;
        spans.push(Span::styled(key.to_string(), if grey { greyed } else { t.key() }));
        spans.push(Span::styled(format!(" {help}"), if grey { greyed } else { t.dim() }));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "5m", "3h", "2d": time since `t`.
pub fn age(t: Timestamp, now: Timestamp) -> String {
    crate::present::format::age(t, now)
}

/// Cuts stored text to `width` characters, terminal-safe.
pub fn fit(s: &str, width: usize) -> String {
    crate::present::format::fit(s, width)
}

pub fn dim_line(text: &str, style: Style) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), style))
}
