//! The command palette and the full preview of a suggested answer.

use crate::text::safe;
use crate::tui::app::App;
use crate::tui::palette::Palette;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn palette(frame: &mut Frame<'_>, area: Rect, app: &App, p: &Palette) {
    let th = &app.theme;
    let box_area = super::overlay::centered(area, 72, area.height.saturating_sub(4).min(20));
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .border_style(th.focus_border())
        .title(Span::styled(" Command palette ", th.title()))
        .title_bottom(Span::styled(" type to filter or a ticket number · Enter run · Esc close ", th.dim()));
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let mut lines = vec![Line::from(vec![Span::styled(": ", th.key()), Span::raw(safe(&p.filter, false))])];
    if let Some(id) = p.number() {
        lines.push(Line::from(Span::styled(format!("Enter opens ticket #{id}"), th.selected())));
    } else if p.visible.is_empty() {
        lines.push(Line::from(Span::styled("No action matches (a number opens that ticket)", th.dim())));
    }
    let rows = inner.height.saturating_sub(1) as usize;
    for (n, &i) in p.visible.iter().enumerate().skip(p.cursor.offset(rows)).take(rows) {
        let e = &p.entries[i];
        let mut style = if p.number().is_none() && p.cursor.is(n) { th.selected() } else { Style::new() };
        let mut help = e.help.to_string();
        if let Some(why) = &e.greyed {
            style = style.patch(th.dim()).add_modifier(Modifier::CROSSED_OUT);
            help = format!("{help} — {why}");
        }
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<8}", e.key), if e.greyed.is_some() { style } else { th.key() }),
            Span::styled(help, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn preview(frame: &mut Frame<'_>, area: Rect, app: &App, title: &str, text: &str, scroll: u16) {
    let th = &app.theme;
    let box_area =
        super::overlay::centered(area, area.width.saturating_sub(4).min(100), area.height.saturating_sub(2));
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .border_style(th.focus_border())
        .title(Span::styled(format!(" {} ", safe(title, false)), th.title()))
        .title_bottom(Span::styled(" ↑↓ PgUp PgDn scroll · Esc back to the form ", th.dim()));
    frame.render_widget(
        Paragraph::new(safe(text, true)).block(block).wrap(Wrap { trim: false }).scroll((scroll, 0)),
        box_area,
    );
}
