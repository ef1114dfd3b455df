//! The new-ticket form, with the requester matches under the first field.

use crate::domain::Audience;
use crate::search::SuggestionKind;
use crate::text::safe;
use crate::tui::app::App;
use crate::tui::form::{Field, NewTicketForm};
use crate::tui::layout::cells;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use ratatui_textarea::TextArea;

pub struct NewTicketView;

impl NewTicketView {
    pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
        let Some(form) = &app.form else { return };
        if area.width >= 100 {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
            Self::fields(frame, left, app, form);
            if form.focus == Field::Requester || form.suggestions.is_empty() || !form.caller.is_empty() {
                let [top, bottom] =
                    Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(right);
                if form.caller.is_empty() || !form.matches.is_empty() {
                    Self::matches(frame, top, app, form);
                } else {
                    Self::caller(frame, top, app, form);
                }
                Self::suggestions(frame, bottom, app, form);
            } else {
                Self::suggestions(frame, right, app, form);
            }
        } else {
            let rows = if form.suggestions.is_empty() {
                0
            } else {
                cells(form.suggestions.len()).saturating_add(2).min(7)
            };
            let caller_rows = if form.caller.is_empty() { 0 } else { cells(form.caller.len().min(3)) + 1 };
            let [top, middle, bottom] = Layout::vertical([
                Constraint::Min(10),
                Constraint::Length(caller_rows),
                Constraint::Length(rows),
            ])
            .areas(area);
            Self::fields(frame, top, app, form);
            if caller_rows > 0 {
                Self::caller(frame, middle, app, form);
            }
            if rows > 0 {
                Self::suggestions(frame, bottom, app, form);
            }
        }
    }

    fn fields(frame: &mut Frame<'_>, area: Rect, app: &App, form: &NewTicketForm) {
        let th = &app.theme;
        let new_requester = form.is_new_requester();
        let show_inline_matches =
            area.width == frame.area().width && !form.matches.is_empty() && form.focus == Field::Requester;
        let match_rows = if show_inline_matches { cells(form.matches.len().min(4)) } else { 0 };
        let mut constraints = vec![Constraint::Length(3), Constraint::Length(match_rows)];
        if new_requester {
            constraints.push(Constraint::Length(3));
        }
        constraints.extend([Constraint::Length(3), Constraint::Min(3), Constraint::Length(1)]);
        let rows = Layout::vertical(constraints).split(area);
        let mut i = 0;
        let mut next = || {
            let r = rows[i];
            i += 1;
            r
        };
        render_editor(frame, next(), app, form, Field::Requester, &form.requester);
        let m = next();
        if show_inline_matches {
            let lines: Vec<Line> = form
                .matches
                .iter()
                .take(4)
                .enumerate()
                .map(|(n, &idx)| match_line(app, form, n, idx))
                .collect();
            frame.render_widget(Paragraph::new(lines), m);
        }
        if new_requester {
            render_editor(frame, next(), app, form, Field::Name, &form.name);
        }
        render_editor(frame, next(), app, form, Field::Subject, &form.subject);
        render_editor(frame, next(), app, form, Field::Body, &form.body);
        let choices = next();
        let pick = |field: Field, value: String| {
            let style = if form.focus == field { th.selected() } else { th.dim() };
            vec![Span::raw(format!(" {}: ", field.label())), Span::styled(format!("‹ {value} ›"), style)]
        };
        let mut spans = pick(Field::Priority, form.priority.to_string());
        spans.extend(pick(Field::Source, form.source.to_string()));
        let cat_style = if form.focus == Field::Category { th.selected() } else { th.dim() };
        let cat = form.category.lines().join(" ");
        spans.push(Span::raw("  Category: "));
        spans.push(Span::styled(if cat.is_empty() { "-".to_string() } else { safe(&cat, false) }, cat_style));
        frame.render_widget(Paragraph::new(Line::from(spans)), choices);
    }

    /// Answers that may already exist, updated as the technician types;
    /// Ctrl-R logs the ticket resolved with the highlighted one.
    fn suggestions(frame: &mut Frame<'_>, area: Rect, app: &App, form: &NewTicketForm) {
        let th = &app.theme;
        let block = Block::new()
            .borders(Borders::LEFT | Borders::TOP)
            .border_style(th.border())
            .title(Span::styled(" Might already be answered ", th.dim()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if form.suggestions.is_empty() {
            let hint = "Suggestions from the knowledge base and solved tickets appear as you type.";
            frame.render_widget(
                Paragraph::new(Span::styled(hint, th.dim())).wrap(ratatui::widgets::Wrap { trim: true }),
                inner,
            );
            return;
        }
        let wide = inner.height as usize >= form.suggestions.len() * 2;
        let mut lines = Vec::new();
        for (i, s) in form.suggestions.iter().enumerate() {
            let tag = match s.kind {
                SuggestionKind::Article if s.audience == Some(Audience::Internal) => {
                    format!("KB#{} internal", s.id)
                }
                SuggestionKind::Article => format!("KB#{}", s.id),
                SuggestionKind::Ticket => format!("solved #{}", s.id),
            };
            let style =
                if form.suggestion_cursor.is(i) { th.selected() } else { ratatui::style::Style::new() };
            let width = usize::from(inner.width.saturating_sub(cells(tag.chars().count()).saturating_add(3)));
            lines.push(Line::from(vec![
                Span::styled(format!("{tag} "), th.key()),
                Span::styled(crate::tui::view::fit(&s.title, width), style),
            ]));
            if wide {
                let snippet = crate::tui::view::fit(&s.snippet.text, inner.width.saturating_sub(2) as usize);
                lines.push(Line::from(Span::styled(format!("  {snippet}"), th.dim())));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// The caller's open and recent tickets: a chasing call joins one
    /// (Ctrl-O) instead of becoming a duplicate.
    fn caller(frame: &mut Frame<'_>, area: Rect, app: &App, form: &NewTicketForm) {
        let th = &app.theme;
        let block = Block::new()
            .borders(Borders::LEFT | Borders::TOP)
            .border_style(th.border())
            .title(Span::styled(" Their tickets · Ctrl-O join · Ctrl-T next ", th.dim()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = usize::from(inner.height).max(1);
        let skip = form.caller_selected.saturating_sub(rows - 1);
        let lines: Vec<Line> = form
            .caller
            .iter()
            .enumerate()
            .skip(skip)
            .take(rows)
            .map(|(i, t)| {
                let style =
                    if i == form.caller_selected { th.selected() } else { ratatui::style::Style::new() };
                let status = if t.status.is_active() { th.key() } else { th.dim() };
                let tag = format!("#{} {} ", t.id, t.status);
                let width = usize::from(inner.width).saturating_sub(tag.chars().count() + 1);
                Line::from(vec![
                    Span::styled(tag, status),
                    Span::styled(crate::tui::view::fit(&t.subject, width), style),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// Known requesters matching what was typed, beside the form.
    fn matches(frame: &mut Frame<'_>, area: Rect, app: &App, form: &NewTicketForm) {
        let th = &app.theme;
        let block = Block::new()
            .borders(Borders::LEFT)
            .border_style(th.border())
            .title(Span::styled(" Requesters ", th.dim()));
        let mut lines: Vec<Line> = Vec::new();
        if form.matches.is_empty() {
            let hint = if form.is_new_requester() {
                "Not known yet: they will be added with the name you give.".to_string()
            } else {
                "Type part of a name or email; ↑/↓ choose, Tab accepts.".to_string()
            };
            lines.push(Line::from(Span::styled(hint, th.dim())));
        }
        for (n, &idx) in form.matches.iter().enumerate() {
            lines.push(match_line(app, form, n, idx));
        }
        frame.render_widget(
            Paragraph::new(lines).block(block).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
    }
}

fn match_line(app: &App, form: &NewTicketForm, n: usize, idx: usize) -> Line<'static> {
    let (email, name) = &form.people[idx];
    let style = if form.match_cursor.is(n) { app.theme.selected() } else { ratatui::style::Style::new() };
    Line::from(Span::styled(format!(" {} <{}>", safe(name, false), safe(email, false)), style))
}

fn render_editor(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    form: &NewTicketForm,
    field: Field,
    editor: &TextArea<'static>,
) {
    let focused = form.focus == field;
    let th = &app.theme;
    let style = if focused { th.focus_border() } else { th.border() };
    let mut e = editor.clone();
    e.set_block(
        Block::bordered().border_style(style).title(Span::styled(format!(" {} ", field.label()), style)),
    );
    if !focused {
        e.set_cursor_style(ratatui::style::Style::new());
    }
    frame.render_widget(&e, area);
}
