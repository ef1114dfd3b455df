//! What is drawn over a screen: help, a text prompt, a picker.

use crate::text::safe;
use crate::tui::app::App;
use crate::tui::canned::CannedPicker;
use crate::tui::keymap;
use crate::tui::overlay::Overlay;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help => help(frame, area, app),
        Overlay::Confirm(c) => {
            let th = &app.theme;
            let width =
                crate::tui::layout::cells(c.question.chars().count()).saturating_add(4).clamp(30, area.width);
            let box_area = centered(area, width, 3);
            frame.render_widget(Clear, box_area);
            let block = Block::bordered().border_style(th.at_risk());
            frame.render_widget(
                Paragraph::new(Span::styled(safe(&c.question, false), th.title())).block(block),
                box_area,
            );
        }
        Overlay::Jump(typed) => {
            let th = &app.theme;
            let box_area = centered(area, 36, 3);
            frame.render_widget(Clear, box_area);
            let block = Block::bordered()
                .border_style(th.focus_border())
                .title(Span::styled(" Jump to ticket ", th.title()))
                .title_bottom(Span::styled(" Enter open · Esc cancel ", th.dim()));
            let line = Line::from(vec![Span::styled(" #", th.key()), Span::raw(typed.clone())]);
            frame.render_widget(Paragraph::new(line).block(block), box_area);
        }
        Overlay::Time(ask) => time(frame, area, app, ask),
        Overlay::Prompt(p) => {
            let box_area = centered(area, 76, 12);
            frame.render_widget(Clear, box_area);
            let th = &app.theme;
            let internal = matches!(
                p.kind,
                crate::tui::prompt::PromptKind::Note
                    | crate::tui::prompt::PromptKind::Escalate(_)
                    | crate::tui::prompt::PromptKind::Handback(_)
            );
            let style = if internal { th.internal_text() } else { th.focus_border() };
            let mut editor = p.editor.clone();
            let hint = if p.kind == crate::tui::prompt::PromptKind::Ask {
                " Enter next · Esc cancel "
            } else if p.kind.has_tier() {
                " Ctrl-S send · Tab tier · Esc close, draft kept "
            } else {
                " Ctrl-S send · Esc close, draft kept "
            };
            editor.set_block(
                Block::bordered()
                    .border_style(style)
                    .title(Span::styled(format!(" {} ", p.title()), style))
                    .title_bottom(Span::styled(hint, th.dim())),
            );
            frame.render_widget(&editor, box_area);
        }
        Overlay::Canned(c) => canned(frame, area, app, c),
        Overlay::Palette(p) => super::palette::palette(frame, area, app, p),
        Overlay::Preview { title, text, scroll } => {
            super::palette::preview(frame, area, app, title, text, *scroll)
        }
        Overlay::Assign(picker, ..) | Overlay::Files(picker, _) => {
            let th = &app.theme;
            let box_area = centered(area, 60, 14);
            frame.render_widget(Clear, box_area);
            let block = Block::bordered()
                .border_style(th.focus_border())
                .title(Span::styled(format!(" {} ", picker.title), th.title()))
                .title_bottom(Span::styled(" type to filter · Enter choose · Esc cancel ", th.dim()));
            let inner = block.inner(box_area);
            frame.render_widget(block, box_area);
            let mut lines =
                vec![Line::from(vec![Span::styled("> ", th.key()), Span::raw(safe(&picker.filter, false))])];
            if picker.items.is_empty() {
                lines.push(Line::from(Span::styled("Loading…", th.dim())));
            }
            let rows = inner.height.saturating_sub(1) as usize;
            for (n, &i) in picker.visible.iter().enumerate().skip(picker.cursor.offset(rows)).take(rows) {
                let style = if picker.cursor.is(n) { th.selected() } else { ratatui::style::Style::new() };
                lines.push(Line::from(Span::styled(safe(&picker.items[i].label, false), style)));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

/// The box's title; an article's text says it is linked when sent.
/// The canned-solution picker: the list narrows as you type; the reply it
/// would send on this ticket is previewed beside it (below it when narrow).
fn canned(frame: &mut Frame<'_>, area: Rect, app: &App, c: &CannedPicker) {
    let th = &app.theme;
    let box_area =
        centered(area, area.width.saturating_sub(4).min(116), area.height.saturating_sub(2).min(34));
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .border_style(th.focus_border())
        .title(Span::styled(format!(" {} ", c.picker.title), th.title()))
        .title_bottom(Span::styled(
            " type to filter · Enter send · Ctrl-R send and resolve · Esc cancel ",
            th.dim(),
        ));
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let [list, preview] = if inner.width >= 90 {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(inner)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(inner)
    };
    let mut lines =
        vec![Line::from(vec![Span::styled("> ", th.key()), Span::raw(safe(&c.picker.filter, false))])];
    if c.solutions.is_empty() {
        lines.push(Line::from(Span::styled("Loading…", th.dim())));
    }
    let rows = list.height.saturating_sub(1) as usize;
    let offset = c.picker.cursor.offset(rows);
    for (n, &i) in c.picker.visible.iter().enumerate().skip(offset).take(rows) {
        let style = if c.picker.cursor.is(n) { th.selected() } else { ratatui::style::Style::new() };
        lines.push(Line::from(Span::styled(safe(&c.picker.items[i].label, false), style)));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let text = match (&c.preview, c.current()) {
        (Some((id, text)), Some(cur)) if *id == cur.id => safe(text, true),
        (_, Some(_)) => "Rendering…".to_string(),
        (_, None) => "Nothing matches.".to_string(),
    };
    let pblock = Block::new()
        .borders(ratatui::widgets::Borders::LEFT | ratatui::widgets::Borders::TOP)
        .border_style(th.border())
        .title(Span::styled(" Reply the requester will get ", th.dim()));
    frame.render_widget(
        Paragraph::new(text).block(pblock).wrap(ratatui::widgets::Wrap { trim: false }),
        preview,
    );
}

/// The keys of the screen under the help box, from the keymap itself.
fn help(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let th = &app.theme;
    let under = app.screen_mode();
    let bindings = keymap::bindings(under);
    // The footer's hints (how to scroll and close) stay visible below the box.
    let area = Rect { height: area.height.saturating_sub(1), ..area };
    let height = crate::tui::layout::cells(bindings.len()).saturating_add(2).min(area.height);
    let box_area = centered(area, 64, height);
    frame.render_widget(Clear, box_area);
    // When the keys do not fit, the box scrolls (↑/↓, PgUp/PgDn, wheel).
    let rows = height.saturating_sub(2) as usize;
    let max_scroll = crate::tui::layout::cells(bindings.len().saturating_sub(rows));
    let scroll = app.help_scroll.min(max_scroll);
    let closes = if max_scroll > 0 {
        format!(" ↑↓ scroll ({}/{}) · Esc closes ", scroll as usize + rows, bindings.len())
    } else {
        " ? or Esc closes · mouse: wheel scrolls, click selects ".to_string()
    };
    let block = Block::bordered()
        .border_style(th.focus_border())
        .title(Span::styled(" Keys on this screen ", th.title()))
        .title_bottom(Span::styled(closes, th.dim()));
    let lines: Vec<Line> = bindings
        .iter()
        .map(|b| Line::from(vec![Span::styled(format!(" {:<10}", b.shown), th.key()), Span::raw(b.help)]))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), box_area);
}

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

/// The time-spent box: minutes (the suggestion until something is typed)
/// and whether they are billable.
fn time(frame: &mut Frame<'_>, area: Rect, app: &App, ask: &crate::tui::timeask::TimeAsk) {
    let th = &app.theme;
    let width = crate::tui::layout::cells(ask.hint().chars().count()).saturating_add(2).clamp(40, area.width);
    let box_area = centered(area, width, 5);
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .border_style(th.focus_border())
        .title(Span::styled(format!(" {} ", ask.title()), th.title()))
        .title_bottom(Span::styled(ask.hint(), th.dim()));
    let mark = if ask.billable { "[x]" } else { "[ ]" };
    let lines = vec![
        Line::from(vec![
            Span::styled(" Minutes: ", th.key()),
            Span::raw(crate::tui::timeask::shown_minutes(ask)),
        ]),
        Line::from(vec![Span::styled(format!(" {mark} billable"), th.dim())]),
        Line::from(Span::styled(" type 25, 1h10 or 1:10 to change it", th.dim())),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}
